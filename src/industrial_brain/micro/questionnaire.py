"""Blank questionnaire templates generated from a maturity model: a question list, an empty answer
sheet (CSV) and an XLSX workbook whose answer cells carry data-validation dropdowns.

The answer sheet has the columns ``uscc, name, sector, region, size_class`` and then one column per
question code, exactly what :func:`~industrial_brain.micro.scoring.score_answers` reads back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industrial_brain._shared.export import escape_cell, write_csv
from industrial_brain._shared.i18n import check_lang
from industrial_brain.errors import InputError
from industrial_brain.micro.model import MaturityModel

__all__ = ["question_frame", "blank_answer_sheet", "write_template"]

ANSWER_META = ("uscc", "name", "sector", "region", "size_class")


def question_frame(model: MaturityModel, lang: str = "en") -> pd.DataFrame:
    """One row per question (base and sector-variant): dimension, text, type, accepted answers.

    Examples
    --------
    >>> from industrial_brain.micro.model import load_model
    >>> q = question_frame(load_model("sme_digital_level"))
    >>> q.loc["F04", "answers"].split(" | ")[:2]
    ['A = None', 'B = Infrastructure or office tools']
    >>> q.loc["F04", "answers"].split(" | ")[2:]
    ['C = Management systems', 'D = Core production and business']
    """
    check_lang(lang)
    zh = lang == "zh"
    dim_name = {d.code: (d.name_zh if zh else d.name_en) for d in model.dimensions}
    variant_of = {q.code: v.code for v in model.variants for q in v.extra_questions}
    rows = []
    for q in model.all_questions:
        if q.type == "numeric":
            ans = f"{q.answer_min:g} – {q.answer_max:g}" + (f" {q.unit}" if q.unit else "")
        else:
            ans = " | ".join(f"{o.code} = {o.name_zh if zh else o.name_en}" for o in model.options_of(q))
            if q.type == "multiple_choice":
                ans += " (; between codes)" if not zh else "（多选用 ; 分隔）"
        rows.append(
            {
                "question": q.code,
                "dimension": q.dimension,
                "dimension_name": dim_name[q.dimension],
                "text": q.name_zh if zh else q.name_en,
                "type": q.type,
                "answers": ans,
                "required": q.required,
                "sector_variant": variant_of.get(q.code, ""),
            }
        )
    return pd.DataFrame(rows).set_index("question")


def blank_answer_sheet(model: MaturityModel) -> pd.DataFrame:
    """An empty answer sheet: meta columns then one column per question code (base, then variant)."""
    return pd.DataFrame(columns=[*ANSWER_META, *model.question_codes])


def write_template(model: MaturityModel, path: str | Path, *, lang: str = "en", rows: int = 1000) -> Path:
    """Write a blank questionnaire to ``path`` (``.csv``: header only; ``.xlsx``: answers sheet with
    dropdowns for choice questions and number limits for numeric ones, plus a question sheet).

    Returns the path written. The only side effect is that one file.
    """
    check_lang(lang)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        write_csv(blank_answer_sheet(model), p, index=False)
        return p
    if suffix != ".xlsx":
        raise InputError.at(
            "unsupported template format", file=str(p), value=suffix or "(none)", expected=".xlsx or .csv"
        )
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "answers"
    cols = [*ANSWER_META, *model.question_codes]
    qmap = {q.code: q for q in model.all_questions}
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    last = rows + 1
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=c)
        cell.font = bold
        cell.fill = fill
        q = qmap.get(c)
        if q is None:
            continue
        cell.comment = Comment((q.name_zh if lang == "zh" else q.name_en)[:250], "industrial_brain")
        rng = f"{get_column_letter(j)}2:{get_column_letter(j)}{last}"
        if q.type == "single_choice":
            codes = ",".join(o.code for o in model.options_of(q))
            dv = DataValidation(
                type="list",
                formula1=f'"{codes}"',
                allow_blank=not q.required,
                showErrorMessage=True,
                errorTitle="Invalid option",
                error=f"Choose one of {codes}",
            )
        elif q.type == "numeric":
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1=f"{q.answer_min:g}",
                formula2=f"{q.answer_max:g}",
                allow_blank=not q.required,
                showErrorMessage=True,
                errorTitle="Out of range",
                error=f"A number from {q.answer_min:g} to {q.answer_max:g}",
            )
        else:
            codes = ";".join(o.code for o in model.options_of(q))
            dv = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1="255",
                allow_blank=not q.required,
                showInputMessage=True,
                promptTitle="Several options",
                prompt=f"Option codes separated by ';': {codes}"[:250],
            )
        ws.add_data_validation(dv)
        dv.add(rng)
    ws.freeze_panes = "B2"
    qs = wb.create_sheet("questions")
    qf = question_frame(model, lang).reset_index()
    qs.append(list(qf.columns))
    for row in qf.itertuples(index=False):
        qs.append([escape_cell(str(v)) if not isinstance(v, (int, float, bool)) else v for v in row])
    for cell in qs[1]:
        cell.font = bold
    info = wb.create_sheet("model")
    for k, v in (
        ("model", model.code),
        ("version", model.version),
        ("fingerprint", model.fingerprint),
        ("name", model.name_zh if lang == "zh" else model.name_en),
        ("uscc", "18-character unified social credit code (GB 32100)"),
        ("region", "GB/T 2260 province code, e.g. 330000"),
    ):
        info.append([k, escape_cell(v)])
    wb.save(p)
    return p
