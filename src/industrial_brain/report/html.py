"""A small, dependency-light HTML report: sections of text, tables and inline PNG figures."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import pandas as pd
from jinja2 import Template

from industrial_brain.report.labels import table_unit, zh_cells, zh_header
from industrial_brain.viz.fonts import cjk_font

_TEMPLATE = Template("""<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
max-width:1100px;margin:2em auto;color:#222}
h1{border-bottom:2px solid #1f6feb}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0;display:block;max-width:100%;overflow-x:auto}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f3f6fa}td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:13px}
caption{caption-side:top;text-align:left;color:#555;font-size:12px;padding:2px 0}
code{overflow-wrap:anywhere;font-size:12px}
img{max-width:100%;height:auto}p{overflow-wrap:anywhere}
@media (max-width:700px){body{margin:1em .8em}td,th{white-space:nowrap}}
footer{margin-top:3em;color:#777;font-size:12px}
{{ css }}</style></head><body>
<h1>{{ title }}</h1><p class="note">{{ subtitle }}</p>
{% for s in sections %}<section><h2>{{ s.title }}</h2>{{ s.body }}</section>{% endfor %}
<footer>{{ footer }}</footer></body></html>""")


#: The mark next to a number that carries a quality note (the footnote under the table says which).
MARK = "†"


def _is_year_column(name: object) -> bool:
    return str(name).strip().lower() in ("year", "年份", "年") or str(name).lower().endswith("_year")


def human_number(v: float) -> str:
    """A number as a reader writes it: thousands separators, never an exponent, decimals by size
    (≥ 1,000: none; ≥ 10: one; ≥ 1: two; below: three significant digits, down to 0.001; smaller
    values show as < 0.001).

    >>> [human_number(x) for x in (129100.0, 2016.0, 45.678, 3.14159, 0.01234, 2.5e10, -2e-6)]
    ['129,100', '2,016', '45.7', '3.14', '0.0123', '25,000,000,000', '> −0.001']
    """
    if pd.isna(v):
        return ""
    a = abs(v)
    if 0 < a < 1e-3:
        return "< 0.001" if v > 0 else "> −0.001"
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return "0" if a == 0 else f"{v:.3g}"


@dataclass
class Section:
    """One report section: a title and HTML parts, in ``lang`` (en, zh).

    In a Chinese section, :meth:`table` writes its column headers and its categorical cells in
    Chinese (:func:`~industrial_brain.report.labels.zh_header`,
    :data:`~industrial_brain.report.labels.VALUES_ZH`)
    and every table carries its unit as a caption (``单位：…`` / ``Unit: …``).
    """

    title: str
    parts: list[str] = field(default_factory=list)
    lang: str = "en"

    @classmethod
    def of(cls, lang: str, en: str, zh: str) -> "Section":
        """A section titled ``zh`` in a Chinese report, ``en`` otherwise."""
        return cls(zh if lang == "zh" else en, lang=lang)

    def t(self, en: str, zh: str) -> str:
        """``zh`` in a Chinese section, ``en`` otherwise."""
        return zh if self.lang == "zh" else en

    def note_cmd(self, before: str, cmd: str, after: str = "") -> "Section":
        """A note naming a command or an address (``cmd`` as ``<code>``)."""
        self.parts.append(
            f'<p class="note">{html.escape(before)}<code>{html.escape(cmd)}</code>{html.escape(after)}</p>'
        )
        return self

    def code(self, s: str) -> "Section":
        """Machine text (lineage, commands, hashes) as it is, in a ``<code>`` line."""
        self.parts.append(f'<p class="note"><code>{html.escape(s)}</code></p>')
        return self

    def text(self, s: str) -> "Section":
        self.parts.append(f"<p>{html.escape(s)}</p>")
        return self

    def note(self, s: str) -> "Section":
        self.parts.append(f'<p class="note">{html.escape(s)}</p>')
        return self

    def table(
        self,
        frame: pd.DataFrame,
        max_rows: int = 40,
        floatfmt: str | None = None,
        *,
        unit: str | tuple[str, str] | None = None,
    ) -> "Section":
        """``frame`` as an HTML table: years as years (2016, never 2,016 or 2016.0), other numbers
        for people (:func:`human_number`) unless ``floatfmt`` (e.g. ``"{:.4f}"``) says otherwise;
        ``unit`` (text, or (English, Chinese)) as its caption — without it the units the column
        names carry (:func:`~industrial_brain.report.labels.table_unit`)."""
        shown = frame.head(max_rows).copy()
        for c in shown.columns:
            if _is_year_column(c) and pd.api.types.is_numeric_dtype(shown[c]):
                shown[c] = shown[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
        caption = table_unit(frame.columns, unit, self.lang)
        if self.lang == "zh":
            shown = zh_cells(shown)
            shown.columns = [zh_header(c) for c in shown.columns]
        fmt = floatfmt.format if floatfmt else human_number
        body = shown.to_html(index=False, na_rep="", float_format=fmt, border=0)
        head, rest = body.split(">", 1)
        self.parts.append(f"{head}><caption>{html.escape(caption)}</caption>{rest}")
        if len(frame) > max_rows:
            self.note(self.t(f"… {len(frame) - max_rows} more rows", f"……另有 {len(frame) - max_rows} 行"))
        return self

    def marked_table(
        self,
        frame: pd.DataFrame,
        marks: pd.DataFrame,
        footnote: str,
        max_rows: int = 40,
        floatfmt: str | None = None,
        *,
        unit: str | tuple[str, str] | None = None,
    ) -> "Section":
        """A table whose values flagged in ``marks`` (booleans, same index, a subset of the columns) show
        :data:`MARK` next to the number, with ``footnote`` (starting with the mark) under it when a shown
        value is marked."""
        shown = frame.head(max_rows).copy()
        m = marks.reindex(index=shown.index, columns=shown.columns).fillna(False).astype(bool)
        for c in m.columns[m.any()]:
            fmt = floatfmt.format if floatfmt else human_number
            num = shown[c].map(lambda v: fmt(v) if isinstance(v, float) else str(v))
            shown[c] = num.where(~m[c], num + " " + MARK)
        self.table(shown, max_rows=max_rows, floatfmt=floatfmt, unit=unit)
        if len(frame) > max_rows:
            self.note(self.t(f"… {len(frame) - max_rows} more rows", f"……另有 {len(frame) - max_rows} 行"))
        if m.to_numpy().any():
            self.note(footnote)
        return self

    def figure(self, fig) -> "Section":
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode()
        self.parts.append(f'<img alt="{self.t("figure", "图")}" src="data:image/png;base64,{data}">')
        return self

    @property
    def body(self) -> str:
        return "\n".join(self.parts)


def render(
    title: str, subtitle: str, sections: list[Section], footer: str, lang: str = "en", css: str = ""
) -> str:
    """The whole report as one self-contained HTML page (figures inlined as PNG data URIs); ``css``
    is added to the page's style (e.g. ``@page`` rules for print)."""
    return _TEMPLATE.render(
        title=title, subtitle=subtitle, sections=sections, footer=footer, lang=lang, css=css
    )


def bilingual(en: str, zh: str, has_cjk: bool) -> str:
    """``"en zh"`` when a CJK font can draw it, else the English label alone."""
    return f"{en} {zh}" if has_cjk else en


def chart_label(en: str, zh: str, lang: str) -> str:
    """A chart's label in the report's language: ``zh`` in a Chinese report when a CJK font can draw
    it (:func:`~industrial_brain.viz.fonts.cjk_font`), else ``en``."""
    return zh if lang == "zh" and cjk_font() else en
