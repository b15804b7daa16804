"""``ibrain brief``: briefings that write themselves (自动研判简报), from the stored results.

* ``region CODE`` — a province (GB/T 2260 code such as 330000);
* ``chain SECTOR [--table ID]`` — one sector of a stored IO table (default: the newest national
  42-sector table up to ``--year``);
* ``nation``.

Each takes ``--year Y`` (default: the macro run's clean default year), ``--lang zh|en``,
``--format html|pdf|docx``, ``--out FILE`` (default ``brief-<scope>[-<code>]-<year>.<format>``) and
``--db``. The file names the macro run and the datasets (with sha256) it was written from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, LangOpt, console, store_for
from industrial_brain.report.briefing import FORMATS, render_briefing
from industrial_brain.services.briefing import briefing

app = typer.Typer(
    help="Briefings 研判简报: a province, a chain or the nation, as HTML, PDF or DOCX.", no_args_is_help=True
)

YearOpt = Annotated[
    Optional[int], typer.Option("--year", help="Year (default: the macro run's clean default year).")
]
BriefFormatOpt = Annotated[str, typer.Option("--format", help=" | ".join(FORMATS))]
OutOpt = Annotated[
    Optional[Path], typer.Option("--out", help="Output file (default: brief-<scope>-<code>-<year>.<format>).")
]


def _write(scope: str, code: str | None, table: str | None, year, lang, fmt, out, db) -> None:
    with store_for(db) as store:
        b = briefing(store, scope, code, year=year, lang=lang, table_id=table)
        data = render_briefing(b, fmt)
    out = out or Path(f"brief-{scope}{'-' + str(b.code) if b.code else ''}-{b.year}.{fmt}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"{out}  ({b.title}; {b.run_id or b.lineage.params.get('table_id')})")


@app.command("region")
def region(
    code: Annotated[str, typer.Argument(help="Province code (GB/T 2260), e.g. 330000.")],
    year: YearOpt = None,
    lang: LangOpt = "en",
    fmt: BriefFormatOpt = "html",
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """A province's briefing. 省级研判简报。"""
    _write("region", code, None, year, lang, fmt, out, db)


@app.command("chain")
def chain(
    sector: Annotated[str, typer.Argument(help="Sector code of the IO table, e.g. 20.")],
    table: Annotated[Optional[str], typer.Option("--table", help="IO table id (ibrain show io).")] = None,
    year: YearOpt = None,
    lang: LangOpt = "en",
    fmt: BriefFormatOpt = "html",
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """An industrial chain's briefing (one sector of a stored IO table). 产业链研判简报。"""
    _write("chain", sector, table, year, lang, fmt, out, db)


@app.command("nation")
def nation(
    year: YearOpt = None,
    lang: LangOpt = "en",
    fmt: BriefFormatOpt = "html",
    out: OutOpt = None,
    db: DbOpt = None,
) -> None:
    """The national briefing. 全国研判简报。"""
    _write("nation", None, None, year, lang, fmt, out, db)
