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
