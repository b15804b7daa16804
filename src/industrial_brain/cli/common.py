"""Options and output helpers shared by every CLI command: ``--db``/``--lang``/``--format``, the store,
``ibrain init`` with its progress bar, tables (:func:`emit`) and files (:func:`write_out`)."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import numpy as np
import pandas as pd
import typer
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from industrial_brain._shared.export import csv_text, write_csv, write_xlsx
from industrial_brain._shared.i18n import check_lang, is_money_unit, label, unit_label
from industrial_brain.services.defaults import default_steps, init_store
from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store, open_store

# Output quotes stored data and file cells ('[/red]' in a name or a cell): never read it as Rich markup.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

DbOpt = Annotated[
    Optional[Path], typer.Option("--db", help="Store file (default: $IBRAIN_DB or the user data directory).")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Label language: en | zh (codes never change).")]
FormatOpt = Annotated[str, typer.Option("--format", help="table | csv | json")]

#: Column names printed as years (integers, no thousands separator) when no unit says otherwise.
YEAR_COLUMNS = frozenset(
    {"year", "year_min", "year_max", "from_year", "to_year", "start_year", "end_year", "base_year"}
)
#: Column names printed as scores (two decimals) when no unit says otherwise.
SCORE_COLUMNS = frozenset({"score", "total_score", "mean_score", "weighted_score"})
#: Narrowest width a text column is folded to when a table must fit the terminal.
TEXT_MIN_WIDTH = 10
#: Narrowest width a number's or code's header is folded to (a narrower table is split in blocks instead).
HEADER_MIN_WIDTH = 6
#: Width text columns keep when a table too wide for the terminal is split into blocks of columns.
TEXT_SPLIT_WIDTH = 24
#: Text columns whose cells are all at most this wide, without spaces (codes, ids, year ranges), never wrap.
CODE_MAX_WIDTH = 12
#: ASCII identifiers without spaces (dataset and table ids) up to this wide never wrap either.
ID_MAX_WIDTH = 32
#: Units that name how a unitless column prints, and its decimals (see :func:`emit`).
DECIMALS = {"score": 2, "ratio": 4, "index": 3, "points": 1, "share": 1}
#: Parameters named in service errors (``parameter 'years'``, or a message starting ``column 'years'``)
#: → the options that set them on the command line (:func:`option_names`).
OPTION_NAMES = {
    "years": "--years",
    "indicators": "--indicator",
    "regions": "--region",
    "datasets": "--dataset",
    "severity": "--severity",
    "systems": "--system",
    "weights": "--weights",
    "missing": "--missing",
    "permutations": "--permutations",
    "audit_draws": "--audit-draws",
    "run_id": "--run",
    "basis": "--basis",
    "layout": "--layout",
    "kind": "--kind",
    "by": "--by",
    "k": "--k",
    "days": "--days",
    "runs": "--runs",
    "direction": "--direction",
    "sectors": "--sectors",
    "measure": "--measure",
    "year": "--year",
    "threshold": "--threshold",
    "engine": "--engine",
    "period_start": "--period-start",
    "period_end": "--period-end",
    "region_level": "--region-level",
}
#: Key columns repeated in every block when a wide table is split to fit the terminal.
MAX_KEY_COLUMNS = 2


def store_for(db: Path | None, *, read_only: bool = False) -> Store:
    """Open the store at ``--db`` (default: ``$IBRAIN_DB`` or the user data directory)."""
    return open_store(db, read_only=read_only)


def progress_bar() -> Progress:
    """A progress bar on stderr (shown on a terminal, or always with ``IBRAIN_PROGRESS=1``)."""
    hidden = not err_console.is_terminal and os.environ.get("IBRAIN_PROGRESS") != "1"
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=hidden,
    )


def run_init(db: Path | None) -> list:
    """``ibrain init``: create the store and load the embedded default data (idempotent), with progress.

    Shared by ``init``, ``demo`` and ``serve --init``. Returns the ingest reports.
    """
    with store_for(db) as store, progress_bar() as bar:
        task = bar.add_task("loading default data 载入默认数据", total=default_steps())

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"loading 载入 {name}")

        reports = init_store(store, step)
        path = store.path
    loaded = [r for r in reports if not r.skipped]
    console.print(
        f"store 数据库: {path} — {len(loaded)} dataset(s) loaded, "
        f"{len(reports) - len(loaded)} already present"
    )
    return reports


def option_names(message: str) -> str:
    """A service's error message with the parameters it names spelled as the CLI options that set them
    (:data:`OPTION_NAMES`): ``parameter 'years'`` anywhere, and ``column 'years'`` opening the message
    (a column of a file is always preceded by the file's name), become ``option '--years'``."""

    def flag(match: re.Match) -> str:
        name = match.group(2)
        return f"option '{OPTION_NAMES[name]}'" if name in OPTION_NAMES else match.group(0)

    message = re.sub(r"(parameter) '([a-z_]+)'", flag, message)
    return re.sub(r"^(column) '([a-z_]+)'", flag, message)


def emit(
    frame: pd.DataFrame,
    *,
    fmt: str = "table",
    lang: str = "en",
    title: str | None = None,
    max_rows: int | None = 200,
    units: Mapping[str, str] | None = None,
) -> None:
    """Print a frame as a Rich table, CSV or JSON, with column labels in ``lang``.

    Units of columns: ``units={column: unit}``, or ``frame.attrs["units"]`` (the argument wins per
    column). A unit is
      * money: ``"CNY"``, ``"10^4 CNY"`` (万元), ``"10^8 CNY"`` (亿元) — also written ``元``, ``万元``,
        ``亿元``: values in that unit with thousands separators, never in scientific notation, and the
        unit in the header (``gross_output (10^4 CNY)``; ``总产出（万元）`` with ``lang='zh'``);
      * ``"year"``: whole numbers without separators (``2020``, never ``2,020.0``);
      * ``"count"``: whole numbers with thousands separators;
      * ``"score"``: two decimals; ``"points"`` (scores 0–100): one decimal; ``"index"`` (scores 0–1
        such as a composite index or D): three decimals; ``"ratio"`` (multipliers, coefficients,
        linkages): four decimals — always that many, so a column's decimals line up;
      * ``"share"`` (a fraction 0–1): in percent with one decimal, ``%`` in the header
        (``missing_share (%)``, ``8.5`` for 0.0852);
      * anything else (``"%"``, ``"t"`` …): shown in the header; values as plain numbers.
    Without a unit, columns named like years (:data:`YEAR_COLUMNS`) print as years and score columns
    (:data:`SCORE_COLUMNS`, ``*_score``) as scores; other integers get thousands separators, other
    floats up to four decimals.

    Tables fit the console width (80 columns when not a terminal or with ``COLUMNS=80``): text
    columns wrap, on words as long as there is room, numbers and identifiers never break; a table too
    wide for the console is printed in blocks of columns, each repeating the leading text columns. CSV
    and JSON carry the raw values (headers localised, no units).
    """
    check_lang(lang)
    if fmt not in ("table", "csv", "json"):
        raise InputError.at("unknown format", column="--format", value=fmt, expected="table | csv | json")
    if fmt == "csv":
        typer.echo(csv_text(frame.rename(columns=lambda c: label(str(c), lang)), index=False), nl=False)
        return
    if fmt == "json":
        shown = frame.rename(columns=lambda c: label(str(c), lang))
        records = json.loads(shown.to_json(orient="records", force_ascii=False, date_format="iso"))
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    unit_of = {**frame.attrs.get("units", {}), **(units or {})}
    rows = frame if max_rows is None else frame.head(max_rows)
    columns = []
    for c in frame.columns:
        kind = _kind(str(c), frame[c], unit_of.get(c))
        cells = [_cell(v, kind) for v in rows[c]]
        if kind == "text" and all(_is_code(x) for x in cells):
            kind = "code"
        columns.append(_Col(_header(str(c), unit_of.get(c), lang), kind, cells))
    for i, block in enumerate(_blocks(columns, console.width)):
        table = Table(
            title=title if i == 0 else f"{title or ''} (continued 续)".strip(),
            show_lines=False,
            header_style="bold",
        )
        for col, w in zip(block, _widths(block, console.width)):
            head = Text(col.header, overflow="fold", no_wrap=False)
            if col.kind == "text":
                table.add_column(head, overflow="fold", width=w)
            else:
                justify = "left" if col.kind == "code" else "right"
                table.add_column(head, justify=justify, no_wrap=True, width=w)
        for r in range(len(rows)):
            table.add_row(*[col.cells[r] for col in block])
        console.print(table)
    if max_rows is not None and len(frame) > max_rows:
        console.print(f"… {len(frame) - max_rows} more rows (use --format csv or --out)")


def _is_code(cell: str) -> bool:
    """A cell that must not wrap: short and without spaces, or an ASCII identifier (``cn_nbs_io_2020_42``)."""
    if " " in cell:
        return False
    return len(cell) <= CODE_MAX_WIDTH or (cell.isascii() and len(cell) <= ID_MAX_WIDTH)


def _kind(name: str, values: pd.Series, unit: str | None) -> str:
    """How a column prints: money, year, count, one of :data:`DECIMALS`, integer, number or text."""
    if unit is not None:
        if is_money_unit(unit):
            return "money"
        if unit in ("year", "count") or unit in DECIMALS:
            return unit
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        return "text"
    if name in YEAR_COLUMNS:
        return "year"
    if name in SCORE_COLUMNS or name.endswith("_score"):
        return "score"
    return "integer" if pd.api.types.is_integer_dtype(values) else "number"


def _header(name: str, unit: str | None, lang: str) -> str:
    head = label(name, lang)
    if unit is None or unit in ("year", "count") or (unit in DECIMALS and unit != "share"):
        return head
    shown = "%" if unit == "share" else unit_label(unit, lang)
    return f"{head}（{shown}）" if lang == "zh" else f"{head} ({shown})"


def _cell(v, kind: str = "number") -> str:
    """One table cell as text (see :func:`emit` for the rules of each kind)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
    if kind == "text" or not numeric:
        return str(v)
    if not math.isfinite(v):
        return str(v)
    if kind == "year":
        return str(int(round(v)))
    if kind in ("count", "integer"):
        return f"{int(round(v)):,d}" if float(v).is_integer() else _number(float(v))
    if kind == "share":
        return f"{100 * v:,.1f}"
    if kind in DECIMALS:
        return f"{v:,.{DECIMALS[kind]}f}"
    if kind == "money":
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.2f}"
    return _number(float(v))


def _number(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e6:
        return f"{v:,.0f}"
    if abs(v) < 1e-4:
        return f"{v:.2e}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Col:
    header: str
    kind: str
    cells: list[str]

    @property
    def natural(self) -> int:
        """Width of the widest cell or header line, in terminal cells (CJK characters count two)."""
        return max([cell_len(self.header), *(cell_len(c) for c in self.cells), 1])

    @property
    def roomy(self) -> int:
        """Width a text column keeps while others narrow (:data:`TEXT_SPLIT_WIDTH` at most)."""
        return min(self.natural, TEXT_SPLIT_WIDTH)

    @property
    def floor(self) -> int:
        """Narrowest width: numbers and codes as wide as their widest cell, their header folded to no less
        than :data:`HEADER_MIN_WIDTH` (``rank_e|xtract|ion``, never ``ra|nk|_e``); text folded."""
        if self.kind == "text":
            return min(self.natural, TEXT_MIN_WIDTH)
        widest = max([*(cell_len(c) for c in self.cells), 1])
        word = max([cell_len(x) for x in self.header.split()] or [1])
        return max(widest, min(word, HEADER_MIN_WIDTH))


def _room(cols: list[_Col]) -> int:
    """Width a Rich table needs beyond its content: a border per column plus one, two padding cells each."""
    return 1 + 3 * len(cols)


def _blocks(columns: list[_Col], width: int) -> list[list[_Col]]:
    """Split columns into blocks that fit ``width``: one block when all columns fit at their floors, else
    blocks with text columns :data:`TEXT_SPLIT_WIDTH` wide and up to :data:`MAX_KEY_COLUMNS` leading text
    or code columns repeated in each."""

    if _room(columns) + sum(c.floor for c in columns) <= width:
        return [columns]

    def need(cols) -> int:  # once split, text columns keep room to wrap on words
        return _room(cols) + sum(c.roomy if c.kind == "text" else c.floor for c in cols)

    keys: list[_Col] = []
    for col in columns[:MAX_KEY_COLUMNS]:
        if col.kind not in ("text", "code") or need([*keys, col]) > width // 2:
            break
        keys.append(col)
    blocks, current = [], []
    for col in columns[len(keys) :]:
        if current and need([*keys, *current, col]) > width:
            blocks.append([*keys, *current])
            current = []
        current.append(col)
    if current:
        blocks.append([*keys, *current])
    return blocks


def _widths(block: list[_Col], width: int) -> list[int | None]:
    """Column widths of a block: natural when it fits; else narrowed in stages, never below a floor —
    text to :data:`TEXT_SPLIT_WIDTH`, headers of numbers and codes to their longest word, text to its
    longest word, headers to the width of their column's cells, text to its floor."""
    budget = width - _room(block)
    w = [c.natural for c in block]
    if sum(w) <= budget:
        return [None] * len(block)
    text = [c.kind == "text" for c in block]
    word = [max([c.floor, *(cell_len(x) for x in c.header.split())]) for c in block]
    whole = [min(c.roomy, max([c.floor, *(_word_len(x) for v in c.cells for x in v.split())])) for c in block]
    stages = [
        [c.roomy if t else c.natural for c, t in zip(block, text)],
        [c.roomy if t else wd for c, t, wd in zip(block, text, word)],
        [wh if t else wd for t, wd, wh in zip(text, word, whole)],
        [wh if t else c.floor for c, t, wh in zip(block, text, whole)],
        [c.floor for c in block],
    ]
    for target in stages:
        while sum(w) > budget:
            wider = [k for k in range(len(block)) if w[k] > target[k]]
            if not wider:
                break
            w[max(wider, key=lambda k: w[k] - target[k])] -= 1
    return w


def _word_len(word: str) -> int:
    """Width a word needs to stay whole: its width, or one character's for Chinese (which wraps anywhere)."""
    return cell_len(word) if word.isascii() else 2


def write_out(frame: pd.DataFrame, out: Path) -> None:
    """Write a frame to CSV, XLSX or Parquet by the file suffix (CSV and XLSX text cells that a
    spreadsheet would run as a formula are escaped: :mod:`industrial_brain._shared.export`)."""
    suffix = out.suffix.lower()
    frame = frame.copy()
    frame.attrs = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        write_csv(frame, out, index=False)
    elif suffix == ".xlsx":
        write_xlsx(frame, out, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(out, index=False)
    else:
        raise InputError.at(
            "unsupported output type",
            file=str(out),
            value=suffix or "(none)",
            expected=".csv, .xlsx or .parquet",
        )
