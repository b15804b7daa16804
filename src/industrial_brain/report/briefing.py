"""A briefing (:class:`~industrial_brain.services.briefing.Briefing`) as a file: HTML (the report
page of :mod:`industrial_brain.report.html`), PDF (that page typeset by WeasyPrint, which lays out
Chinese text with Pango and the installed Noto Sans CJK font) or DOCX (python-docx, East Asian font
set on every run so Word shows the Chinese text in a CJK face).

All three show the same strings: the numbers of each table are formatted once (:func:`cells`), so a
test reading the HTML or the DOCX back finds the same digits.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError

from industrial_brain.report.html import MARK, Section, render
from industrial_brain.services.briefing import Briefing
from industrial_brain.viz.briefing import briefing_chart

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "CJK_FONT",
    "cells",
    "briefing_html",
    "briefing_pdf",
    "briefing_docx",
    "render_briefing",
]

FORMATS = ("html", "pdf", "docx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: The CJK font the PDF and DOCX name (Debian fonts-noto-cjk, installed by ``make browsers``).
CJK_FONT = "Noto Sans CJK SC"
_PRINT_CSS = f"""@page{{size:A4;margin:16mm 14mm}}
body{{font-family:"{CJK_FONT}","Noto Sans",sans-serif;max-width:none;margin:0;font-size:11pt}}
table{{font-size:9pt}}"""


def _t(b: Briefing, en: str, zh: str) -> str:
    return zh if b.lang == "zh" else en


def _number(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (bool, str)):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.3f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3g}"
    return str(v)


def cells(frame: pd.DataFrame, marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """``frame`` as the strings a reader sees: integers plain, values below 1,000 with three
    decimals, larger ones with thousands separators; a value flagged in ``marks`` followed by †."""
    out = frame.astype(object).map(_number)
    if marks is not None:
        m = marks.reindex(index=out.index, columns=out.columns).fillna(False).astype(bool)
        out = out.where(~m, out + " " + MARK)
    return out


def _alerts_frame(b: Briefing) -> pd.DataFrame:
    return (
        b.alerts.drop(columns=[c for c in b.alerts.columns if b.alerts[c].isna().all()])
        if b.alerts is not None
        else None
    )


def briefing_html(b: Briefing, *, css: str = "") -> str:
    """The briefing as one self-contained HTML page (charts inlined as PNG)."""
    sections = [Section(_t(b, "Summary", "摘要"), [])]
    for p in b.paragraphs:
        sections[0].text(p)
    for n in b.notes:
        sections[0].note(n)
    for t in b.tables:
        s = Section(t.title)
        shown = cells(t.frame, t.marks)
        s.table(shown, max_rows=60)
        if t.marks is not None and t.marks.to_numpy().any():
            s.note(t.footnote)
        sections.append(s)
    for c in b.charts:
        sections.append(Section(c.title).figure(briefing_chart(c)))
    if b.alerts is not None:
        s = Section(_t(b, "Alerts", "预警"))
        if len(b.alerts):
            s.table(cells(_alerts_frame(b)))
        else:
            s.note(_t(b, "No alert is open for this briefing.", "本简报范围内无未关闭预警。"))
        sections.append(s)
    lin = Section(_t(b, "Lineage", "数据来源与可复现性"))
    for line in b.lineage_lines():
        lin.note(line)
    sections.append(lin)
    return render(
        b.title,
        b.subtitle,
        sections,
        "Industrial Brain 产业大脑",
        lang="zh-CN" if b.lang == "zh" else "en",
        css=css,
    )


def briefing_pdf(b: Briefing) -> bytes:
    """The HTML page typeset as an A4 PDF by WeasyPrint (fonts embedded, Chinese in :data:`CJK_FONT`)."""
    from weasyprint import HTML  # imported on use: it loads Pango at import (≈ 0.5 s)

    return HTML(string=briefing_html(b, css=_PRINT_CSS)).write_pdf()


def _east_asian(run_or_style: Any) -> None:
    from docx.oxml.ns import qn

    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def briefing_docx(b: Briefing) -> bytes:
    """The briefing as a Word document: title (heading 0), a heading per section, the prose, each
    table as a Word table (header row first), the charts as pictures and the lineage."""
    from docx import Document
    from docx.shared import Inches, Pt

    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        st = doc.styles[name]
        st.font.name = "Noto Sans" if name == "Normal" else st.font.name
        _east_asian(st)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(b.title, 0)
    doc.add_paragraph(b.subtitle).italic = True
    doc.add_heading(_t(b, "Summary", "摘要"), 1)
    for p in [*b.paragraphs, *b.notes]:
        doc.add_paragraph(p)

    def table(frame: pd.DataFrame) -> None:
        tab = doc.add_table(rows=1, cols=frame.shape[1])
        tab.style = "Table Grid"
        for cell, col in zip(tab.rows[0].cells, frame.columns):
            cell.text = str(col)
        for row in frame.itertuples(index=False):
            for cell, v in zip(tab.add_row().cells, row):
                cell.text = str(v)

    for t in b.tables:
        doc.add_heading(t.title, 1)
        table(cells(t.frame, t.marks))
        if t.marks is not None and t.marks.to_numpy().any():
            doc.add_paragraph(t.footnote)
    for c in b.charts:
        doc.add_heading(c.title, 1)
        buf = io.BytesIO()
        briefing_chart(c).savefig(buf, format="png", dpi=130)
        buf.seek(0)
        doc.add_picture(buf, width=Inches(6.3))
    if b.alerts is not None:
        doc.add_heading(_t(b, "Alerts", "预警"), 1)
        if len(b.alerts):
            table(cells(_alerts_frame(b)))
        else:
            doc.add_paragraph(_t(b, "No alert is open for this briefing.", "本简报范围内无未关闭预警。"))
    doc.add_heading(_t(b, "Lineage", "数据来源与可复现性"), 1)
    for line in b.lineage_lines():
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_briefing(b: Briefing, fmt: str = "html") -> bytes:
    """The briefing's file in ``fmt`` (one of :data:`FORMATS`) as bytes."""
    if fmt == "html":
        return briefing_html(b).encode("utf-8")
    if fmt == "pdf":
        return briefing_pdf(b)
    if fmt == "docx":
        return briefing_docx(b)
    raise InputError.at(
        "parameter 'format': unknown briefing format", value=fmt, expected=" | ".join(FORMATS)
    )
