"""``ibrain capital``: the capital chain — financing needs and sources, matchmaking, listing boards.

* ``ingest FILE --kind financing_needs|financing_sources|financial_statements`` — validate a CSV (the
  contract is in docs/capital-chain.md) and store it whole, or not at all;
* ``demo [--needs N --sources M --seed S]`` — ingest a SYNTHETIC market (marked so);
* ``match [--region CODE] [--method auto|exact|lp]`` — needs assigned to sources under capacities,
  every match explained, every unmet need with its reason (``--unmatched``);
* ``eligibility [--region CODE] [--on DATE] [--board star|chinext|bse]`` — each firm per listing
  standard with its margin (``--candidates``: the boards each firm qualifies for);
* ``indicators [--by region|sector|region_sector]`` — debt reliance and financing structure.

All take ``--db``, ``--format table|csv|json`` and ``--lang zh|en``; the work is done by
:mod:`industrial_brain.services.capital` (shared with the API).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, err_console, store_for
from industrial_brain.services import capital as service

app = typer.Typer(
    help="Capital chain: financing matchmaking, listing-board eligibility, indicators.", no_args_is_help=True
)
RegionOpt = Annotated[
    Optional[str], typer.Option("--region", help="GB/T 2260 code (a province selects its firms).")
]
MATCH_UNITS = {"amount": "CNY"} | {
    c: "index"
    for c in (
        "nature",
        "sector_fit",
        "stage_fit",
        "risk_fit",
        "characteristics",
        "duration",
        "entity",
        "score",
    )
}


@app.command("ingest")
def ingest_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8), XLSX or Parquet file.")],
    kind: Annotated[
        str, typer.Option("--kind", help="financing_needs | financing_sources | financial_statements")
    ],
    db: DbOpt = None,
    dataset_id: Annotated[Optional[str], typer.Option("--dataset-id", help="Id of the new dataset.")] = None,
    grade: Annotated[
        str, typer.Option("--grade", help="important | core (firm and fund data).")
    ] = "important",
    replace: Annotated[bool, typer.Option("--replace", help="Replace the dataset with the same id.")] = False,
) -> None:
    """Validate a capital-chain file and store it whole, or not at all. 校验并原子入库。"""
    with store_for(db) as store:
        r = service.ingest_capital_file(
            store, file, kind, dataset_id=dataset_id, grade=grade, replace=replace
        )
    console.print(
        ("unchanged 未变更: " if r.skipped else f"ok 成功: dataset '{r.dataset_id}' — ") + r.message
    )


@app.command("demo")
def demo_cmd(
    needs: Annotated[int, typer.Option("--needs", help="Financing needs to draw.")] = 2000,
    sources: Annotated[int, typer.Option("--sources", help="Financing sources to draw.")] = 120,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    db: DbOpt = None,
) -> None:
    """Ingest a SYNTHETIC financing market (needs, sources, accounts). 合成数据。"""
    with store_for(db) as store:
        for r in service.load_synthetic_market(store, n_needs=needs, n_sources=sources, seed=seed):
            console.print(f"ok 成功: SYNTHETIC dataset '{r.dataset_id}' — {r.message}")


@app.command("match")
def match_cmd(
    region: RegionOpt = None,
    method: Annotated[
        str, typer.Option("--method", help="auto | exact (MILP) | lp (LP and repair)")
    ] = "auto",
    top_k: Annotated[int, typer.Option("--top-k", help="Sources kept per need, best first.")] = 8,
    unmatched: Annotated[bool, typer.Option("--unmatched", help="List the unmet needs and why.")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Match financing needs to sources under capacities; each match explained. 投融资对接。"""
    with store_for(db, read_only=True) as store:
        r, _ = service.capital_match(store, region=region, method=method, top_k=top_k)
    err_console.print(
        f"note: {len(r.matches):,} matched, {len(r.unmatched):,} unmet; {r.method}, gap {r.gap:.2%}"
    )
    if unmatched:
        emit(
            r.unmatched,
            fmt=fmt,
            lang=lang,
            units={"amount": "CNY"},
            title="Unmet financing needs 未满足的融资需求",
        )
    else:
        emit(
            r.to_frame("en"),
            fmt=fmt,
            lang=lang,
            units=MATCH_UNITS,
            title=r.title_zh if lang == "zh" else r.title_en,
        )


@app.command("eligibility")
def eligibility_cmd(
    region: RegionOpt = None,
    on: Annotated[
        Optional[str], typer.Option("--on", help="Rules in force on this date (ISO; default today).")
    ] = None,
    board: Annotated[
        Optional[str], typer.Option("--board", help="star | chinext | bse (default all).")
    ] = None,
    candidates: Annotated[
        bool, typer.Option("--candidates", help="Only the boards each firm qualifies for.")
    ] = False,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Each firm against the STAR Market, ChiNext and BSE standards, with margins. 上市板块适配。"""
    boards = (board,) if board else ("star", "chinext", "bse")
    with store_for(db, read_only=True) as store:
        r, _ = service.capital_eligibility(store, region=region, on=on, boards=boards)
    for k, v in r.sources.items():
        err_console.print(f"rules {k}: {v}")
    f = r.candidates if candidates else r.to_frame("en")
    emit(f, fmt=fmt, lang=lang, title=r.title_zh if lang == "zh" else r.title_en)


@app.command("indicators")
def indicators_cmd(
    by: Annotated[str, typer.Option("--by", help="region | sector | region_sector")] = "region_sector",
    region: RegionOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Debt reliance and financing structure per region and sector. 融资结构与债务依赖。"""
    with store_for(db, read_only=True) as store:
        r, _ = service.capital_indicators(store, by=by, region=region)
    emit(
        r.to_frame("en"),
        fmt=fmt,
        lang=lang,
        units=service.INDICATOR_UNITS,
        title=r.title_zh if lang == "zh" else r.title_en,
    )
