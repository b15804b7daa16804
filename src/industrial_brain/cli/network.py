"""``ibrain network``: the firm-level production network (firms, transactions, flows).

``ibrain network ingest FILE --kind firms|transactions --db DB [--period-start D --period-end D]``
validates a firm register or a transaction file (CSV or Parquet) and stores it whole, or prints one
line naming the bad record. ``ibrain network aggregate --db DB --engine duckdb|spark [--year Y]
--format csv|table`` prints one row per ``seller_region, seller_sector, buyer_region,
buyer_sector`` (and ``year``) with ``amount_cny`` (the sum, CNY) and ``records`` (with
``--firm-counts`` also the distinct ``sellers`` and ``buyers``); ``--compare-io`` prints instead
how the flows of ``--year`` compare with the IO table of that year. ``ibrain network synthetic
DIR`` writes a SYNTHETIC network drawn from the embedded MRIO as Parquet files. The work is done by
:mod:`industrial_brain.services.network`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.errors import InputError
from industrial_brain.services import network as network_service

app = typer.Typer(help="Firm-level production network: firms, transactions, flows.", no_args_is_help=True)

EngineOpt = Annotated[
    str, typer.Option("--engine", help="duckdb (embedded) | spark (local[2] or a master URL)")
]


@app.command("ingest")
def ingest_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8) or Parquet file.")],
    kind: Annotated[str, typer.Option("--kind", help="firms | transactions")],
    db: DbOpt = None,
    dataset_id: Annotated[
        Optional[str],
        typer.Option("--dataset-id", help="Id of the new dataset (default: from the file name)."),
    ] = None,
    period_start: Annotated[
        Optional[str], typer.Option("--period-start", help="Transactions: first day of the period (ISO).")
    ] = None,
    period_end: Annotated[
        Optional[str], typer.Option("--period-end", help="Transactions: last day of the period (ISO).")
    ] = None,
    grade: Annotated[str, typer.Option("--grade", help="important | core (firm-level data).")] = "important",
    replace: Annotated[bool, typer.Option("--replace", help="Replace the dataset with the same id.")] = False,
) -> None:
    """Validate a firm or transaction file and store it whole, or not at all. 校验并原子入库。"""
    with store_for(db) as store:
        report = network_service.ingest_network_file(
            store,
            file,
            kind,
            dataset_id=dataset_id,
            grade=grade,
            period_start=period_start,
            period_end=period_end,
            replace=replace,
        )
    if report.skipped:
        console.print(f"unchanged 未变更: {report.message}")
    else:
        console.print(f"ok 成功: dataset '{report.dataset_id}' — {report.message}")


@app.command("aggregate")
def aggregate_cmd(
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    year: Annotated[Optional[int], typer.Option("--year", help="Only this calendar year.")] = None,
    region_level: Annotated[str, typer.Option("--region-level", help="province | county")] = "province",
    firm_counts: Annotated[
        bool, typer.Option("--firm-counts", help="Add the distinct sellers and buyers of each cell.")
    ] = False,
    compare_io: Annotated[
        bool, typer.Option("--compare-io", help="Compare the year's flows with the IO table of that year.")
    ] = False,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Sum transactions to region × sector flows per year. 交易记录汇总为地区×部门流量。"""
    with store_for(db) as store:
        res = network_service.flows(
            store, engine=engine, year=year, region_level=region_level, firm_counts=firm_counts
        )
        if compare_io:
            cmp = network_service.compare_with_io(store, res, year=year or _only_year(res))
    if compare_io:
        if fmt == "table":
            console.print(cmp.summary(lang=lang))
        else:
            emit(cmp.to_frame(lang), fmt=fmt, lang=lang)
        return
    emit(
        res.to_frame(lang).drop(columns="suppressed"),
        fmt=fmt,
        lang=lang,
        max_rows=None if fmt != "table" else 200,
    )


def _only_year(res) -> int:
    years = sorted(res.frame["year"].unique())
    if len(years) != 1:
        raise InputError.at(
            "flows of several years", column="year", expected="--year, one of " + ", ".join(map(str, years))
        )
    return int(years[0])


@app.command("synthetic")
def synthetic_cmd(
    out: Annotated[Path, typer.Argument(help="Directory for firms.parquet and transactions/.")],
    firms: Annotated[int, typer.Option("--firms", help="About how many firms.")] = 10_000,
    records: Annotated[int, typer.Option("--records", help="How many transaction records.")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    db: DbOpt = None,
) -> None:
    """Write a SYNTHETIC network drawn from the embedded MRIO (2017) as Parquet. 生成合成企业网络。"""
    with store_for(db) as store:
        net = network_service.synthetic_network(store, n_firms=firms, seed=seed)
    paths = network_service.write_synthetic_parquet(net, out, n_records=records, seed=seed + 1)
    console.print(
        f"SYNTHETIC 合成数据: {len(net.firms):,} firms → {paths['firm']}; "
        f"{records:,} records → {paths['transaction']}"
    )


# ---- firm-level chain analysis -----------------------------------------------------------------

YearOpt = Annotated[
    Optional[int], typer.Option("--year", help="The year's flows (default: the last year with transactions).")
]
TopOpt = Annotated[int, typer.Option("--top", help="Rows shown (0: all).")]
RegionArg = Annotated[str, typer.Option("--region", help="Province code, e.g. 440000.")]
ChainOpt = Annotated[
    str,
    typer.Option("--chain", help="Target chain: " + " | ".join(network_service.CHAINS) + " (or --core)."),
]
CoreOpt = Annotated[
    Optional[str],
    typer.Option("--core", help="Core sectors of the chain, comma-separated IO codes (e.g. 20)."),
]
#: Units of the result columns for the human-formatted table (CSV carries raw values).
UNITS = (
    {
        c: "CNY"
        for c in (
            "output",
            "sales",
            "purchases",
            "output_at_risk",
            "input_purchases",
            "output_lost",
            "need",
            "local_supply",
            "amount",
            "spare_capacity",
            "km_saved",
            "amount_cny",
        )
    }
    | {
        c: "share"
        for c in (
            "output_at_risk_share",
            "input_share",
            "top1_share",
            "top2_share",
            "loss_share",
            "coverage",
            "min_production_ratio",
            "share",
            "reliability",
            "sector_fit",
        )
    }
    | {
        "customers": "count",
        "suppliers": "count",
        "through": "count",
        "firms_hit": "count",
        "records": "count",
        "year": "year",
        "distance_km": "count",
        "current_km": "count",
        "new_km": "count",
        "score": "points",
    }
)


def _show(frame, *, fmt: str, lang: str, top: int = 0, title: str | None = None) -> None:
    """Print a result frame: a human table (units, ``top`` rows) or CSV/JSON (every row, raw values)."""
    if frame.index.names != [None]:
        frame = frame.reset_index()
    if fmt == "table" and top:
        frame = frame.head(top)
    emit(frame, fmt=fmt, lang=lang, title=title, max_rows=None, units=UNITS if fmt == "table" else None)


def _title(res, lang: str) -> str:
    return res.title_zh if lang == "zh" else res.title_en


def _note(res, fmt: str, lang: str) -> None:
    """Under a human table: the result's summary lines and its lineage (not in CSV/JSON)."""
    if fmt != "table":
        return
    for k, v in res._summary_items(lang):
        console.print(f"{k}: {v}", markup=False)
    console.print(res.lineage.footer(), markup=False)


def _core(core: Optional[str]) -> list[str] | None:
    return [c for c in core.split(",") if c.strip()] if core else None


@app.command("leaders")
def leaders_cmd(
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    rank_by: Annotated[
        str, typer.Option("--rank-by", help="output_at_risk | pagerank_supplier | pagerank_buyer")
    ] = "output_at_risk",
    top: TopOpt = 20,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Chain leaders: PageRank and output at risk per firm, ranked. 链主企业识别。

    CSV: one row per firm — uscc, name, region_code, sector_code, output, sales, customers,
    pagerank_supplier, pagerank_buyer, output_at_risk (CNY), output_at_risk_share, rank."""
    with store_for(db) as store:
        res = network_service.leaders(store, engine=engine, year=year, rank_by=rank_by)
        frame = network_service.with_firm_names(store, res.to_frame("en").reset_index())
    _show(_labels(frame, lang), fmt=fmt, lang=lang, top=top, title=_title(res, lang))
    _note(res, fmt, lang)


@app.command("spof")
def spof_cmd(
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    bound: Annotated[
        float, typer.Option("--bound", help="Share of the largest supplier(s) flagged (0.9).")
    ] = 0.9,
    min_input_share: Annotated[
        float, typer.Option("--min-input-share", help="Inputs below this share of purchases are ignored.")
    ] = 0.05,
    top: TopOpt = 50,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Single points of failure: inputs of a region–sector supplied by one or two firms. 单点依赖。

    CSV: one row per region_code, sector_code, input_sector — input_purchases (CNY), input_share,
    suppliers, top1, top1_share, top2, top2_share, through (1 or 2)."""
    with store_for(db) as store:
        res = network_service.spof(
            store, engine=engine, year=year, bound=bound, min_input_share=min_input_share
        )
    _show(res.to_frame(lang), fmt=fmt, lang=lang, top=top, title=_title(res, lang))
    _note(res, fmt, lang)


@app.command("cascade")
def cascade_cmd(
    firm: Annotated[
        list[str], typer.Option("--firm", help="USCC of a firm that stops (repeat for several).")
    ],
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    days: Annotated[int, typer.Option("--days", help="Days simulated.")] = 30,
    inventory_days: Annotated[
        float, typer.Option("--inventory-days", help="Days of each input held.")
    ] = 15.0,
    duration: Annotated[
        Optional[int], typer.Option("--duration", help="Days the stop lasts (default: the whole run).")
    ] = None,
    level: Annotated[str, typer.Option("--level", help="firm | region | day")] = "firm",
    top: TopOpt = 30,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Day-by-day supply cascade when firms stop, with inventories. 企业级冲击传导。

    CSV (--level firm): one row per firm hit — uscc, region_code, sector_code, output_lost (CNY),
    loss_share, min_production_ratio, day_of_min, first_hit_day, shocked; --level region / day."""
    with store_for(db) as store:
        res = network_service.cascade(
            store, firm, engine=engine, year=year, days=days, inventory_days=inventory_days, duration=duration
        )
        frame = res.to_frame("en", level=level)
        if level == "firm":
            frame = network_service.with_firm_names(store, frame.reset_index())
    _show(_labels(frame, lang), fmt=fmt, lang=lang, top=top, title=_title(res, lang))
    _note(res, fmt, lang)


@app.command("gaps")
def gaps_cmd(
    region: RegionArg,
    db: DbOpt = None,
    chain: ChainOpt = "electronics",
    core: CoreOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    weak_bound: Annotated[
        float, typer.Option("--weak-bound", help="Coverage below this is weak (0.5).")
    ] = 0.5,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Weak and missing links of a province's chain (补链/强链/延链). 产业链缺链弱链。

    CSV: one row per position, sector_code — coefficient, need (CNY), local_supply (CNY), coverage,
    local_firms, status (core / missing / weak / strong), action."""
    with store_for(db) as store:
        res = network_service.gaps(
            store, region, chain=chain, core=_core(core), engine=engine, year=year, weak_bound=weak_bound
        )
    _show(res.to_frame(lang), fmt=fmt, lang=lang, title=_title(res, lang))
    _note(res, fmt, lang)


@app.command("targets")
def targets_cmd(
    region: RegionArg,
    db: DbOpt = None,
    chain: ChainOpt = "electronics",
    core: CoreOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    candidates: Annotated[int, typer.Option("--candidates", help="Candidates per gap.")] = 5,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Candidate firms elsewhere for each gap of a province's chain, with reasons. 精准招商目标。

    CSV: one row per gap and candidate — sector_code, rank, position, candidate (USCC), name,
    region_code, output (CNY), reliability, distance_km, sector_fit, score (0–100), reasons."""
    with store_for(db) as store:
        res = network_service.targets(
            store, region, chain=chain, core=_core(core), engine=engine, year=year, candidates=candidates
        )
        frame = res.to_frame("en", level="candidates").reset_index()
        if lang == "zh":
            frame["reasons"] = res.candidates["reasons_zh"].to_numpy()
        frame = network_service.with_firm_names(store, frame, "candidate")
    _show(_labels(frame, lang), fmt=fmt, lang=lang, title=_title(res, lang))
    _note(res, fmt, lang)


@app.command("match")
def match_cmd(
    region: RegionArg,
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    year: YearOpt = None,
    far_km: Annotated[
        float, typer.Option("--far-km", help="Purchases from farther than this are far.")
    ] = 500.0,
    spare_share: Annotated[
        float, typer.Option("--spare-share", help="Spare capacity as a share of output (0.2).")
    ] = 0.2,
    unit: Annotated[
        float, typer.Option("--unit", help="Amounts matched in whole units of this many CNY.")
    ] = 1e4,
    top: TopOpt = 50,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Match far-sourcing buyers of a province with nearer suppliers that have spare capacity. 供需对接。

    CSV: one row per match — buyer, input_sector, supplier, supplier_region, amount (CNY),
    current_km, new_km, km_saved (CNY·km), spare_capacity (CNY), explanation."""
    with store_for(db) as store:
        res = network_service.match(
            store, region, engine=engine, year=year, far_km=far_km, spare_share=spare_share, unit=unit
        )
    _show(res.to_frame(lang), fmt=fmt, lang=lang, top=top, title=_title(res, lang))
    _note(res, fmt, lang)


def _labels(frame, lang: str):
    """Column labels in ``lang`` (the engines' network labels; codes never change)."""
    return network_service.relabel(frame, lang)
