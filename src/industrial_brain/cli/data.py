"""``ibrain data``: data as a production factor — classification and grading by GB/T 43697-2024.

* ``classify FILE`` — classify a CSV of column descriptions (``dataset_id, column, description`` and
  optional hints): industry domain, MIIT industrial data domain, subject, content, use, source;
* ``grade [FILE] [--dataset ID]... [--columns]`` — grade a CSV of column descriptions, or (without
  FILE) the stored datasets column by column, storing each grade with its justification and setting
  the grade the access policy reads; ``--columns`` prints the column grades;
* ``override DATASET GRADE --reason TEXT`` — a data steward sets a dataset's grade (audited);
* ``explain DATASET`` — the stored justification of a dataset's grade (JSON).

All take ``--format table|csv|json`` and ``--lang zh|en``; the work is done by
:mod:`industrial_brain.services.data_grading` (shared with the API).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.services import data_grading as service

app = typer.Typer(
    help="Data as a production factor: classification and grading (GB/T 43697-2024), stewards' overrides; "
    "data products, grants between departments, DP release. 数据分类分级与共享。",
    no_args_is_help=True,
)

FileArg = Annotated[
    Path, typer.Argument(help="CSV of column descriptions (dataset_id, column, description, hints).")
]
DatasetOpt = Annotated[
    Optional[list[str]], typer.Option("--dataset", help="Grade only this stored dataset (repeatable).")
]
ColumnsOpt = Annotated[
    bool, typer.Option("--columns", help="Print the grade of every column, not of datasets.")
]
COLUMN_VIEW = ["dataset_id", "column", "industrial_domain", "subject", "content", "precision", "scale",
               "impacts", "rules", "level", "general_sublevel", "miit_level"]  # fmt: skip


@app.command("classify")
def classify_cmd(file: FileArg, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """Classify column descriptions: industry domain first, then the business attributes (5.1, 5.2)."""
    r = service.classify_descriptions(service.read_descriptions(file))
    emit(r.to_frame(), fmt=fmt, lang=lang, title=r.title_zh if lang == "zh" else r.title_en)


@app.command("grade")
def grade_cmd(
    file: Annotated[
        Optional[Path], typer.Argument(help="CSV of column descriptions; none: the stored datasets.")
    ] = None,
    dataset: DatasetOpt = None,
    columns: ColumnsOpt = False,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Grade column descriptions (FILE) or the stored datasets, each grade with its justification."""
    if file is not None:
        r = service.grade_descriptions(service.read_descriptions(file))
        frame = r.columns[COLUMN_VIEW] if columns else r.to_frame()
        emit(frame, fmt=fmt, lang=lang, title=r.title_zh if lang == "zh" else r.title_en)
        return
    with store_for(db) as store:
        rep = service.grade_store(store, dataset)
    frame = rep.result.columns[COLUMN_VIEW] if columns else rep.to_frame()
    emit(frame, fmt=fmt, lang=lang, title=rep.title_zh if lang == "zh" else rep.title_en)


@app.command("override")
def override_cmd(
    dataset: Annotated[str, typer.Argument(help="Id of a graded dataset.")],
    grade: Annotated[str, typer.Argument(help="general | important | core")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the steward sets this grade (required, audited).")
    ],
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """A data steward sets a dataset's grade, with a reason; the access policy reads it at once."""
    with store_for(db) as store:
        row = service.override_grade(store, dataset, grade, reason=reason)
    emit(pd.DataFrame([row]), fmt=fmt, lang=lang, title="grade override")


@app.command("explain")
def explain_cmd(
    dataset: Annotated[str, typer.Argument(help="Id of a graded dataset.")], db: DbOpt = None
) -> None:
    """The stored justification of a dataset's grade: rules, deciding columns, every column's factors."""
    with store_for(db, read_only=True) as store:
        just = service.grade_justification(store, dataset)
    console.print_json(json.dumps(just, ensure_ascii=False, default=str))
