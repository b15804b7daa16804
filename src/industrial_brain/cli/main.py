"""``ibrain``: the Industrial Brain command line.

Exit codes and messages (:func:`main`):

* usage mistakes (an unknown command or option, a missing argument) are Click's: its message, a
  "Try 'ibrain … --help' for help." hint, exit 2;
* mistakes in the data or parameters (:class:`~industrial_brain.errors.IndustrialBrainError`)
  print one line (``error: …``, the parameters it names spelled as options by
  :func:`~industrial_brain.cli.common.option_names`) and exit with the error's code (2 input,
  3 method, 4 access, 5 busy store);
* anything else is a bug: ``internal error: …``, exit 70.

``--debug`` (anywhere on the line) shows the traceback instead of the one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.text import Text

from industrial_brain import __version__
from industrial_brain.cli.assess import app as assess_app
from industrial_brain.cli.brief import app as brief_app
from industrial_brain.cli.capital import app as capital_app
from industrial_brain.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    console,
    emit,
    err_console,
    option_names,
    progress_bar,
    run_init,
    store_for,
    write_out,
)

# the data app with its sharing commands (cli/data_sharing.py adds them to cli/data.py's app)
from industrial_brain.cli.data_sharing import app as data_app
from industrial_brain.cli.indicators import app as indicators_app
from industrial_brain.cli.innovation import app as innovation_app
from industrial_brain.cli.io import chain_app, io_app
from industrial_brain.cli.macro import app as macro_app
from industrial_brain.cli.mu import app as mu_app
from industrial_brain.cli.monitor import app as monitor_app
from industrial_brain.cli.network import app as network_app
from industrial_brain.cli.serve import serve as serve_command
from industrial_brain.cli.serve import user_app
from industrial_brain.cli.stress import app as stress_app
from industrial_brain.errors import IndustrialBrainError
from industrial_brain.report.demo import run_demo
from industrial_brain.services import backup as backup_service
from industrial_brain.services import catalog as catalog_service
from industrial_brain.store.connection import default_db_path

#: ``show panel`` prints a column per indicator up to this many indicators, else one row per value.
PANEL_WIDE_INDICATORS = 3
#: Exit code of a bug (BSD ``EX_SOFTWARE``).
EXIT_INTERNAL = 70

app = typer.Typer(
    name="ibrain",
    help="Industrial Brain 产业大脑: digital–real economy integration analytics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
show_app = typer.Typer(help="Print stored data (panels, IO tables, regions).", no_args_is_help=True)
app.add_typer(show_app, name="show")
app.add_typer(assess_app, name="assess")
app.add_typer(macro_app, name="macro")
app.add_typer(io_app, name="io")
app.add_typer(chain_app, name="chain")
app.add_typer(stress_app, name="stress")
app.add_typer(monitor_app, name="monitor")
app.add_typer(indicators_app, name="indicators")
app.add_typer(network_app, name="network")
app.add_typer(mu_app, name="mu")
app.add_typer(brief_app, name="brief")
app.add_typer(innovation_app, name="innovation")
app.add_typer(data_app, name="data")
app.add_typer(capital_app, name="capital")
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
    dataset_id: Annotated[
        Optional[str],
        typer.Option("--dataset-id", help="Id of the new dataset (default: from the file name)."),
    ] = None,
    layout: Annotated[
        str, typer.Option("--layout", help="Panels: auto | long | wide-indicator | wide-year")
    ] = "auto",
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet name or 0-based index.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="IO tables: the table's year.")] = None,
    table_id: Annotated[
        Optional[str], typer.Option("--table-id", help="IO tables: id (default: the dataset id).")
    ] = None,
    region: Annotated[
        Optional[str], typer.Option("--region", help="IO tables: the table's region (default national).")
    ] = None,
    scheme: Annotated[
        Optional[str], typer.Option("--scheme", help="Sector scheme (io, sectors, enterprise).")
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="IO tables: unit of the values.")] = "10^4 CNY",
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="IO tables: relative balance tolerance.")
    ] = 1e-4,
    source: Annotated[str, typer.Option("--source", help="Where the file came from.")] = "",
    publisher: Annotated[str, typer.Option("--publisher", help="Who published the data.")] = "",
    licence: Annotated[str, typer.Option("--licence", help="Licence of the data.")] = "",
    grade: Annotated[
        Optional[str],
        typer.Option("--grade", help="general | important | core (enterprise data ≥ important)."),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the dataset with the same id.")] = False,
) -> None:
    """Validate a file and store it whole, or not at all. 校验并原子入库。"""
    with store_for(db) as store:
        report = catalog_service.ingest_file(
            store,
            file,
            kind,
            dataset_id=dataset_id,
            source=source,
            publisher=publisher,
            licence=licence,
            grade=grade,
            replace=replace,
            sheet=sheet,
            layout=layout,
            year=year,
            table_id=table_id,
            region=region,
            scheme=scheme,
            unit=unit,
            rtol=tolerance,
        )
    if report.skipped:
        console.print(f"unchanged 未变更: {report.message}")
    else:
        console.print(
            f"ok 成功: dataset '{report.dataset_id}' — {report.message}; {len(report.notes)} quality note(s)"
        )
        if "monitor" in report.details:
            m = report.details["monitor"]
            console.print(f"alarm rules 预警规则: {m['opened']} opened 新开, {m['closed']} closed 关闭")


@app.command()
def catalog(
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
    notes: Annotated[bool, typer.Option("--notes/--no-notes", help="Also list quality notes.")] = True,
) -> None:
    """List datasets with provenance, grade, rows, years and missing share, and their quality notes.

    数据目录。
    """
    with store_for(db) as store:
        cat = catalog_service.catalog(store)
        summary = catalog_service.notes_summary(store) if notes and fmt == "table" else None
    cols = ["dataset_id", "kind", "grade", "rows", "years", "missing_share", "notes", "errors"]
    units = {"rows": "count", "missing_share": "share", "notes": "count", "errors": "count"}
    emit(cat[cols] if fmt == "table" else cat, fmt=fmt, lang=lang, title="Datasets 数据集", units=units)
    if summary is not None:
        if len(summary):
            emit(
                summary,
                lang=lang,
                title="Quality notes 质量提示 (details: ibrain quality)",
                units={"count": "count"},
            )
        else:
            console.print("no quality notes 无质量提示")


@app.command()
def quality(
    db: DbOpt = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset")] = None,
    severity: Annotated[Optional[str], typer.Option("--severity", help="error | warning | info")] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet.")] = None,
) -> None:
    """List the quality notes: screening findings and provenance notes. 数据质量提示。"""
    with store_for(db) as store:
        qn = catalog_service.quality_notes(store, dataset, severity)
    if out:
        write_out(qn, out)
        console.print(f"wrote 已写出 {len(qn)} notes → {out}")
    else:
        emit(qn, fmt=fmt, lang=lang, title="Quality notes 质量提示", max_rows=500)


@show_app.command("panel")
def show_panel(
    db: DbOpt = None,
    indicator: Annotated[
        Optional[list[str]], typer.Option("--indicator", help="Indicator code (repeat).")
    ] = None,
    region: Annotated[
        Optional[list[str]], typer.Option("--region", help="Province name or code (repeat).")
    ] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="FROM:TO, e.g. 2015:2022")] = None,
    dataset: Annotated[Optional[list[str]], typer.Option("--dataset", help="Dataset id (repeat).")] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Include values the screening marked as errors.")
    ] = False,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet instead of printing.")
    ] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Print a panel (region × year by indicator) or write it to a file. 显示面板数据。"""
    with store_for(db) as store:
        view = catalog_service.panel(store, indicator, region, years, dataset, raw=raw, lang=lang)
        meta = catalog_service.indicators(store).drop_duplicates("code")
    frame = view.frame
    units = {c: u for c, u in zip(meta["code"], meta["unit"]) if c in view.indicators and u}
    if out:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out}")
    elif fmt == "table" and len(view.indicators) > PANEL_WIDE_INDICATORS:
        # a column per indicator does not fit a terminal: one row per value, with its unit
        long = frame.melt(
            id_vars=[c for c in frame.columns if c not in view.indicators],
            value_vars=view.indicators,
            var_name="indicator_code",
        ).dropna(subset=["value"])
        long = long.assign(unit=long["indicator_code"].map(units).fillna(""))
        emit(long, lang=lang, title="Panel 面板 (one row per value; --format csv: one column per indicator)")
    else:
        emit(frame, fmt=fmt, lang=lang, title="Panel 面板", units=units)
    if len(view.excluded) and not out:
        err_console.print(
            f"note 提示: {len(view.excluded)} value(s) left out as quality errors "
            "(see 'ibrain quality'; --raw keeps them)"
        )


@show_app.command("io")
def show_io(
    db: DbOpt = None,
    table: Annotated[
        Optional[str], typer.Option("--table", help="Table id; without it, list the tables.")
    ] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """List the IO tables, or summarise one (output, value added, final demand by sector). 投入产出表。"""
    with store_for(db) as store:
        if table is None:
            tables = catalog_service.io_tables(store)
            emit(tables, fmt=fmt, lang=lang, title="IO tables 投入产出表", units={"sectors": "count"})
            return
        t = catalog_service.io_table_summary(store, table, lang)
    money = {c: t.unit for c in t.frame.columns if pd.api.types.is_float_dtype(t.frame[c])}
    emit(t.frame, fmt=fmt, lang=lang, title=f"{t.table_id} ({t.year}, {t.kind})", units=money)


@show_app.command("regions")
def show_regions(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List regions with codes, names and their neighbours. 地区及相邻关系。"""
    with store_for(db) as store:
        table = catalog_service.regions_with_neighbours(store)
    emit(table, fmt=fmt, lang=lang, title="Regions 地区")


@app.command()
def demo(
    db: DbOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML report.")] = Path("out"),
    lang: LangOpt = "en",
) -> None:
    """Load the default data, run every analysis, print a summary and write out/report.html. 演示。"""

    run_init(db)
    with store_for(db) as store:
        path = run_demo(store, out, lang=lang, progress=progress_bar())
    console.print(f"report 报告: {path}")


@app.command()
def backup(
    dest: Annotated[Path, typer.Argument(help="File to write the copy to (a .duckdb store file).")],
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file at DEST.")] = False,
) -> None:
    """Write a consistent single-file copy of the store, also while 'ibrain serve' serves it. 备份数据库。"""
    with store_for(db) as store:
        counts = backup_service.backup_store(store, dest, force=force)
    size = dest.stat().st_size / 1024**2
    console.print(
        f"backup 备份: {dest} — {len(counts)} tables, {int(counts['rows'].sum()):,} rows, {size:,.1f} MiB",
        soft_wrap=True,
    )


@app.command()
def version(db: DbOpt = None) -> None:
    """Print the package version and the store's schema version (--db, or the default if it exists). 版本。"""
    console.print(f"industrial-brain {__version__}")
    path = db if db is not None else default_db_path()
    if db is None and not path.exists():
        return
    with store_for(path, read_only=True) as store:
        stored, release = catalog_service.schema_versions(store)
        where = store.path
    console.print(f"store 数据库: {where} — schema {stored} (this release: {release})")


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
        # The message quotes the data (a cell such as '[/red]'): printed as plain text, never as markup.
        line = Text.assemble(("error:", "red"), " ", option_names(str(exc)))
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug
        if debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        line = Text.assemble(
            ("internal error:", "red"), f" {type(exc).__name__}: {first} (run with --debug for the traceback)"
        )
        err_console.print(line, markup=False, soft_wrap=True, highlight=False)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":  # pragma: no cover - `python -m industrial_brain.cli.main`
    main()
