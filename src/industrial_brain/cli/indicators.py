"""``ibrain indicators``: the indicator library (一库).

``ibrain indicators search [TEXT] [--dimension D] [--source S] [--tag T] --db DB`` lists the stored
indicators (one row per dataset holding one) and the engine outputs whose code, name (either
language) or definition holds TEXT; ``show CODE`` prints one with its definition, formula, sources
and quality notes; ``series CODE --region CODE`` prints it by year with its rank and the national
and regional-group lines. The work is :mod:`industrial_brain.services.indicators`'s.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.services import indicators as service
from industrial_brain.services import macro as macro_service

app = typer.Typer(help="The indicator library 指标库: search, definitions, series.", no_args_is_help=True)
SHOWN = ["code", "kind", "name", "unit_label", "dimension", "dataset_id", "year_min", "year_max", "flags"]


@app.command("search")
def search_cmd(
    text: Annotated[Optional[str], typer.Argument(help="Part of a code or a name (中文 or English).")] = None,
    db: DbOpt = None,
    dimension: Annotated[
        Optional[str], typer.Option("--dimension", help="e.g. economy, coordination")
    ] = None,
    source: Annotated[
        Optional[str], typer.Option("--source", help="dataset, publisher or kind (macro, io)")
    ] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="e.g. headline, gini, chain")] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Search the indicator library.

    检索指标库。
    """
    with store_for(db, read_only=True) as store:
        f = service.library(store, lang=lang, search=text, dimension=dimension, source=source, tag=tag)
    f = f.assign(flags=f["flags"].map(",".join), tags=f["tags"].map(",".join))
    emit(f if fmt != "table" else f[SHOWN], fmt=fmt, lang=lang, title="Indicator library 指标库")


@app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="An indicator or engine-output code.")],
    db: DbOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    lang: LangOpt = "en",
) -> None:
    """One indicator: definition, formula, unit, sources and quality notes.

    指标定义与来源。
    """
    with store_for(db, read_only=True) as store:
        d = service.indicator(store, code, lang=lang)
    if fmt == "json":
        typer.echo(json.dumps(d, ensure_ascii=False, indent=1, default=str))
        return
    for k in (
        "code",
        "kind",
        "name_zh",
        "name_en",
        "unit_label",
        "direction",
        "dimension",
        "definition",
        "formula",
        "reference",
        "department",
        "frequency",
        "tags",
        "flags",
    ):
        v = d.get(k)
        if v not in (None, "", []) and not (isinstance(v, float) and pd.isna(v)):
            typer.echo(f"{k}: {', '.join(v) if isinstance(v, list) else v}")
    if d["sources"]:
        emit(
            pd.DataFrame(d["sources"]).assign(flags=lambda f: f["flags"].map(",".join)),
            lang=lang,
            title="Sources 来源",
        )
    if d["quality"]:
        emit(pd.DataFrame(d["quality"]), lang=lang, title="Quality notes 质量提示", max_rows=20)


@app.command("series")
def series_cmd(
    code: Annotated[str, typer.Argument(help="An indicator code, or a macro output such as D.")],
    region: Annotated[Optional[str], typer.Option("--region", help="GB/T 2260 code.")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="The dataset to read it from.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """An indicator by year with its rank and the national and regional-group lines.

    指标时间序列（含全国与区域线）。
    """
    with store_for(db, read_only=True) as store:
        runs = macro_service.macro_runs(store)  # newest first
        run = runs["run_id"].iloc[0] if len(runs) else None
        s = service.series(store, code, region=region, dataset=dataset, macro_run=run, lang=lang)
    if fmt == "table":
        console.print(
            f"{s['name']} ({s['unit_label']}) {s['region_name'] or ''} · group {s['group'] or '-'} · "
            f"national line: {s['national_method']}"
        )
    emit(s["data"], fmt=fmt, lang=lang, units={"year": "year"})
