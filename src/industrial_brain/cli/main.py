"""``ibrain``: the Industrial Brain command line.

Exit codes and messages (:func:`main`):

* usage mistakes (an unknown command or option, a missing argument) are Click's: its message, a
  "Try 'ibrain … --help' for help." hint, exit 2;
* mistakes in the data or parameters (:class:`~industrial_brain.errors.IndustrialBrainError`)
  print one line (``error: …``) and exit with the error's code (2 input, 3 method, 4 access,
  5 busy store);
* anything else is a bug: ``internal error: …``, exit 70.

``--debug`` (anywhere on the line) shows the traceback instead of the one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain import __version__
from industrial_brain.cli.assess import app as assess_app
from industrial_brain.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    console,
    emit,
    err_console,
    progress_bar,
    run_init,
    store_for,
    write_out,
)
from industrial_brain.cli.io import chain_app, io_app
from industrial_brain.cli.macro import app as macro_app
from industrial_brain.cli.serve import serve as serve_command
from industrial_brain.cli.serve import user_app
from industrial_brain.cli.stress import app as stress_app
from industrial_brain.errors import IndustrialBrainError, InputError

#: Exit code of a bug (BSD ``EX_SOFTWARE``).
EXIT_INTERNAL = 70

app = typer.Typer(name="ibrain",
                  help="Industrial Brain 产业大脑: digital–real economy integration analytics.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
show_app = typer.Typer(help="Print stored data (panels, IO tables, regions).", no_args_is_help=True)
app.add_typer(show_app, name="show")
app.add_typer(assess_app, name="assess")
app.add_typer(macro_app, name="macro")
app.add_typer(io_app, name="io")
app.add_typer(chain_app, name="chain")
app.add_typer(stress_app, name="stress")
app.command("serve")(serve_command)
app.add_typer(user_app, name="user")


@app.command()
def init(db: DbOpt = None) -> None:
    """Create the store and load the embedded default data (idempotent). 初始化数据库并载入默认数据。"""
    run_init(db)


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8/GBK/GB18030), XLSX or Parquet file.")],
    kind: Annotated[str, typer.Option("--kind", help="panel | io | enterprise | sectors | indicators")],
    db: DbOpt = None,
    dataset_id: Annotated[Optional[str], typer.Option("--dataset-id", help="Id of the new dataset (default: from the file name).")] = None,
    layout: Annotated[str, typer.Option("--layout", help="Panels: auto | long | wide-indicator | wide-year")] = "auto",
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet name or 0-based index.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="IO tables: the table's year.")] = None,
    table_id: Annotated[Optional[str], typer.Option("--table-id", help="IO tables: id (default: the dataset id).")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="IO tables: the table's region (default national).")] = None,
    scheme: Annotated[Optional[str], typer.Option("--scheme", help="Sector scheme (io, sectors, enterprise).")] = None,
    unit: Annotated[str, typer.Option("--unit", help="IO tables: unit of the values.")] = "10^4 CNY",
    tolerance: Annotated[float, typer.Option("--tolerance", help="IO tables: relative balance tolerance.")] = 1e-4,
    source: Annotated[str, typer.Option("--source", help="Where the file came from.")] = "",
    publisher: Annotated[str, typer.Option("--publisher", help="Who published the data.")] = "",
    licence: Annotated[str, typer.Option("--licence", help="Licence of the data.")] = "",
    grade: Annotated[Optional[str], typer.Option("--grade", help="general | important | core (enterprise data ≥ important).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the dataset with the same id.")] = False,
) -> None:
    """Validate a file and store it whole, or not at all. 校验并原子入库。"""
    from industrial_brain.ingest import ingest as do_ingest

    options: dict = {}
    if kind == "panel":
        options["layout"] = layout
    elif kind == "io":
        options.update(year=year, table_id=table_id, region=region, scheme=scheme or "", unit=unit, rtol=tolerance)
    elif kind in ("sectors", "enterprise"):
        options["scheme"] = scheme
    with store_for(db) as store:
        report = do_ingest(store, file, kind, dataset_id=dataset_id, source=source, publisher=publisher,
                           licence=licence, grade=grade, replace=replace, sheet=sheet, **options)
    if report.skipped:
        console.print(f"unchanged 未变更: {report.message}")
    else:
        console.print(f"ok 成功: dataset '{report.dataset_id}' — {report.message}; {len(report.notes)} quality note(s)")


@app.command()
def catalog(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en",
            notes: Annotated[bool, typer.Option("--notes/--no-notes", help="Also list quality notes.")] = True) -> None:
    """List datasets with provenance, grade, rows, years and missing share, and their quality notes. 数据目录。"""
    from industrial_brain.store.readers import catalog as read_catalog, quality_notes

    with store_for(db) as store:
        cat = read_catalog(store)
        qn = quality_notes(store) if notes else None
    cols = ["dataset_id", "kind", "grade", "rows", "years", "missing_share", "notes", "errors"]
    emit(cat[cols] if fmt == "table" else cat, fmt=fmt, lang=lang, title="Datasets 数据集")
    if qn is not None and fmt == "table":
        if len(qn):
            summary = qn.groupby(["dataset_id", "kind", "severity"]).size().rename("count").reset_index()
            emit(summary, lang=lang, title="Quality notes 质量提示 (details: ibrain quality)")
        else:
            console.print("no quality notes 无质量提示")


@app.command()
def quality(db: DbOpt = None, dataset: Annotated[Optional[str], typer.Option("--dataset")] = None,
            severity: Annotated[Optional[str], typer.Option("--severity", help="error | warning | info")] = None,
            fmt: FormatOpt = "table", lang: LangOpt = "en",
            out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet.")] = None) -> None:
    """List the quality notes: screening findings and provenance notes. 数据质量提示。"""
    from industrial_brain.store.readers import quality_notes

    if severity not in (None, "error", "warning", "info"):
        raise InputError.at("unknown severity", column="--severity", value=severity, expected="error | warning | info")
    with store_for(db) as store:
        qn = quality_notes(store, dataset, severity)
    if out:
        write_out(qn, out)
        console.print(f"wrote 已写出 {len(qn)} notes → {out}")
    else:
        emit(qn, fmt=fmt, lang=lang, title="Quality notes 质量提示", max_rows=500)


@show_app.command("panel")
def show_panel(
    db: DbOpt = None,
    indicator: Annotated[Optional[list[str]], typer.Option("--indicator", help="Indicator code (repeat).")] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region", help="Province name or code (repeat).")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="FROM:TO, e.g. 2015:2022")] = None,
    dataset: Annotated[Optional[list[str]], typer.Option("--dataset", help="Dataset id (repeat).")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Include values the screening marked as errors.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet instead of printing.")] = None,
    fmt: FormatOpt = "table", lang: LangOpt = "en",
) -> None:
    """Print a panel (region × year by indicator) or write it to a file. 显示面板数据。"""
    from industrial_brain.store.readers import read_panel

    with store_for(db) as store:
        panel = read_panel(store, indicator, region, years, dataset, clean=not raw)
        names = store.query("SELECT code, name_zh, name_en FROM region")
    frame = panel.reset_index()
    name_col = "name_zh" if lang == "zh" else "name_en"
    frame.insert(1, "name", frame["region_code"].map(dict(zip(names["code"], names[name_col]))))
    if out:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out}")
    else:
        emit(frame, fmt=fmt, lang=lang, title="Panel 面板")
    excluded = panel.attrs.get("excluded")
    if excluded is not None and len(excluded) and not out:
        err_console.print(f"note 提示: {len(excluded)} value(s) left out as quality errors (see 'ibrain quality'; --raw keeps them)")


@show_app.command("io")
def show_io(db: DbOpt = None,
            table: Annotated[Optional[str], typer.Option("--table", help="Table id; without it, list the tables.")] = None,
            fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the IO tables, or summarise one (output, value added, final demand by sector). 投入产出表。"""
    from industrial_brain.store.readers import io_tables, read_io_table

    with store_for(db) as store:
        if table is None:
            emit(io_tables(store), fmt=fmt, lang=lang, title="IO tables 投入产出表")
            return
        t = read_io_table(store, table)
    name = t.sectors["name_zh" if lang == "zh" else "name_en"]
    frame = t.x.rename("gross_output").to_frame().assign(
        name=name, value_added=t.V.sum(axis=0), final_demand=t.Y.sum(axis=1),
        intermediate_input=t.Z.sum(axis=0)).reset_index()
    emit(frame[["sector", "name", "gross_output", "intermediate_input", "value_added", "final_demand"]], fmt=fmt,
         lang=lang, title=f"{t.table_id} ({t.year}, {t.kind}, {t.unit})")


@show_app.command("regions")
def show_regions(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List regions with codes, names and their neighbours. 地区及相邻关系。"""
    with store_for(db) as store:
        reg = store.query("SELECT code, name_zh, name_en, level, region4_en FROM region ORDER BY code")
        nb = store.query("SELECT code_a, string_agg(code_b, ' ' ORDER BY code_b) AS neighbours FROM region_neighbour "
                         "GROUP BY code_a")
    emit(reg.merge(nb, left_on="code", right_on="code_a", how="left").drop(columns="code_a"), fmt=fmt, lang=lang,
         title="Regions 地区")


@app.command()
def demo(db: DbOpt = None,
         out: Annotated[Path, typer.Option("--out", help="Folder for the HTML report.")] = Path("out"),
         lang: LangOpt = "en") -> None:
    """Load the default data, run every analysis, print a summary and write out/report.html. 演示。"""
    from industrial_brain.report.demo import run_demo

    run_init(db)
    with store_for(db) as store:
        path = run_demo(store, out, lang=lang, progress=progress_bar())
    console.print(f"report 报告: {path}")


@app.command()
def version() -> None:
    """Print the package version."""
    console.print(f"industrial-brain {__version__}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``ibrain``: run the app with the exit codes of the module docstring.

    Returns normally when the command succeeds (so tests can call ``main([...])``); otherwise
    raises :class:`SystemExit` with the code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("IBRAIN_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        # Click's standalone mode: usage errors are reported by Click (message, hint, exit 2), --help exits 0.
        app(args=args, prog_name="ibrain", standalone_mode=True)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise
    except IndustrialBrainError as exc:
        if debug:
            raise
        err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug
        if debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        err_console.print(f"[red]internal error:[/red] {type(exc).__name__}: {first} "
                          "(run with --debug for the traceback)", soft_wrap=True, highlight=False)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":  # pragma: no cover - `python -m industrial_brain.cli.main`
    main()
