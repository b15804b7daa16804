"""Options and output helpers shared by every CLI command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store, open_store

console = Console()
err_console = Console(stderr=True)

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="Store file (default: $IBRAIN_DB or the user data directory).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Label language: en | zh (codes never change).")]
FormatOpt = Annotated[str, typer.Option("--format", help="table | csv | json")]


def store_for(db: Path | None, *, read_only: bool = False) -> Store:
    return open_store(db, read_only=read_only)


def emit(frame: pd.DataFrame, *, fmt: str = "table", lang: str = "en", title: str | None = None,
         max_rows: int | None = 200) -> None:
    """Print a frame as a Rich table, CSV or JSON, with labels in ``lang``."""
    check_lang(lang)
    if fmt not in ("table", "csv", "json"):
        raise InputError.at("unknown format", column="--format", value=fmt, expected="table | csv | json")
    shown = frame.rename(columns=lambda c: label(str(c), lang))
    if fmt == "csv":
        typer.echo(shown.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        typer.echo(json.dumps(json.loads(shown.to_json(orient="records", force_ascii=False, date_format="iso")),
                              ensure_ascii=False, indent=1))
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in shown.columns:
        table.add_column(str(c), overflow="fold")
    rows = shown if max_rows is None else shown.head(max_rows)
    for row in rows.itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    console.print(table)
    if max_rows is not None and len(shown) > max_rows:
        console.print(f"… {len(shown) - max_rows} more rows (use --format csv or --out)")


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float):
        if v != 0 and (abs(v) >= 1e12 or abs(v) < 1e-4):
            return f"{v:.4e}"
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def write_out(frame: pd.DataFrame, out: Path) -> None:
    """Write a frame to CSV, XLSX or Parquet by the file suffix."""
    suffix = out.suffix.lower()
    frame = frame.copy()
    frame.attrs = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(out, index=False, encoding="utf-8")
    elif suffix == ".xlsx":
        frame.to_excel(out, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(out, index=False)
    else:
        raise InputError.at("unsupported output type", file=str(out), value=suffix or "(none)",
                            expected=".csv, .xlsx or .parquet")
