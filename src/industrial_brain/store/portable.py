"""The portable query layer: computations over raw transactions written once in Ibis, run on DuckDB
(embedded, the default) or on Apache Spark (``local[2]`` here, a cluster by its master URL).

Only :func:`connect` knows the engines: it hands back the ``firm`` and ``transaction`` tables as Ibis
tables — the store's own tables on DuckDB, or Parquet files (on shared storage for a cluster) on
either engine. Every expression below is engine-free; :func:`collect` runs one and returns pandas.

Why Ibis: one expression compiles to DuckDB SQL and to Spark SQL, so both engines give the same rows
(sums of doubles differ only by summation order, far below 1e-9 relative), and the code path that
a laptop tests is the one a cluster runs (Ibis project, https://ibis-project.org; STYLE.md §4).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store

ENGINES = ("duckdb", "spark")
#: Spark master when none is given (``$IBRAIN_SPARK_MASTER`` overrides): two local cores.
DEFAULT_SPARK_MASTER = "local[2]"
ENV_SPARK_MASTER = "IBRAIN_SPARK_MASTER"
#: The flow matrix's key, in order (a contract: scripts rely on these names).
FLOW_KEY = ("year", "seller_region", "seller_sector", "buyer_region", "buyer_sector")
FLOW_COLUMNS = FLOW_KEY + ("amount_cny", "records")
#: Distinct firms behind a cell (``firm_counts=True``): what disclosure control needs.
FIRM_COUNT_COLUMNS = ("sellers", "buyers")
REGION_LEVELS = ("province", "county")
#: The firm graph's edge list, in order (one row per seller, buyer and year).
EDGE_KEY = ("year", "seller_uscc", "buyer_uscc")
EDGE_COLUMNS = EDGE_KEY + ("amount_cny", "records")

_SPARK: Any = None  # one Spark session per process (starting one takes seconds)


@dataclass(frozen=True)
class NetworkTables:
    """The ``firm`` and ``transaction`` tables on one engine, and the Ibis backend that runs them."""

    engine: str
    backend: Any
    firm: ir.Table
    transaction: ir.Table


def spark_session(master: str | None = None, **conf: str):
    """The process's Spark session (created on first use): ``master`` (default
    ``$IBRAIN_SPARK_MASTER`` or :data:`DEFAULT_SPARK_MASTER`), no UI, UTC, few shuffle partitions
    on local mode; ``conf`` adds Spark settings (e.g. ``spark.driver.memory='4g'``)."""
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    from pyspark.sql import SparkSession

    master = master or os.environ.get(ENV_SPARK_MASTER, DEFAULT_SPARK_MASTER)
    b = (
        SparkSession.builder.master(master)
        .appName("industrial-brain")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):
        b = b.config("spark.sql.shuffle.partitions", "8")
    for k, v in conf.items():
        b = b.config(k, v)
    _SPARK = b.getOrCreate()
    _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


def stop_spark() -> None:
    """Stop the process's Spark session, if one was started."""
    global _SPARK
    if _SPARK is not None:
        _SPARK.stop()
        _SPARK = None


def connect(
    engine: str = "duckdb",
    *,
    store: Store | None = None,
    firm_path: str | Path | None = None,
    transaction_path: str | Path | None = None,
    spark_master: str | None = None,
) -> NetworkTables:
    """The network tables on ``engine``: the store's tables (DuckDB with ``store``), or the Parquet
    files ``firm_path`` and ``transaction_path`` (a file, a directory or a glob; on a cluster, paths
    every executor reads, e.g. ``hdfs://…`` or ``s3a://…``)."""
    if engine not in ENGINES:
        raise InputError.at("unknown engine", column="engine", value=engine, expected=" | ".join(ENGINES))
    if engine == "duckdb" and store is not None:
        backend = ibis.duckdb.from_connection(store.con)
        return NetworkTables(engine, backend, backend.table("firm"), backend.table("transaction"))
    if firm_path is None or transaction_path is None:
        raise InputError.at(
            "no data for the engine",
            column="engine",
            value=engine,
            expected="a store (DuckDB) or the firm and transaction Parquet paths",
        )
    if engine == "duckdb":
        backend = ibis.duckdb.connect()
    else:
        backend = ibis.pyspark.connect(spark_session(spark_master))
    return NetworkTables(
        engine,
        backend,
        backend.read_parquet(_parquet_source(firm_path, engine)),
        backend.read_parquet(_parquet_source(transaction_path, engine)),
    )


def _parquet_source(path: str | Path, engine: str) -> str:
    """A Parquet path as ``engine`` reads it: Spark takes a directory of parts, DuckDB a glob."""
    p = str(path)
    if engine == "duckdb" and Path(p).is_dir():
        return str(Path(p) / "*.parquet")
    return p


def _region(code: ir.StringValue, level: str) -> ir.StringValue:
    """The province (``XX0000``) of a GB/T 2260 code, or the code itself at county level."""
    return code.substr(0, 2) + "0000" if level == "province" else code


def region_sector_flows(
    tables: NetworkTables,
    *,
    year: int | None = None,
    region_level: str = "province",
    firm_counts: bool = False,
) -> ir.Table:
    """Transactions summed to region × sector flows per calendar year (an Ibis expression).

    Notes
    -----
    ``Z[y; r,i; s,j] = Σ amount`` over the records of year ``y`` whose seller is in region r and IO
    sector i and whose buyer is in region s and sector j (the intermediate-use block of a
    multi-regional IO table at purchasers' prices, Miller & Blair 2009, §3.1), with ``records`` the
    number of records; with ``firm_counts`` also ``sellers`` / ``buyers``, the distinct firms behind
    each cell (what disclosure control needs; distinct counts cost several times the sums).
    Columns :data:`FLOW_COLUMNS` (+ :data:`FIRM_COUNT_COLUMNS`).
    """
    if region_level not in REGION_LEVELS:
        raise InputError.at(
            "unknown region level", column="region_level", value=region_level, expected="province | county"
        )
    t, f = tables.transaction, tables.firm
    if year is not None:
        t = t.filter(t.date.year() == int(year))
    sel = f.select(
        seller_uscc=f.uscc, seller_region=_region(f.region_code, region_level), seller_sector=f.sector_code
    )
    buy = f.select(
        buyer_uscc=f.uscc, buyer_region=_region(f.region_code, region_level), buyer_sector=f.sector_code
    )
    j = t.inner_join(sel, "seller_uscc").inner_join(buy, "buyer_uscc")
    j = j.mutate(year=j.date.year().cast("int32"))
    metrics = {"amount_cny": j.amount_cny.sum().cast("float64"), "records": j.count().cast("int64")}
    if firm_counts:
        metrics["sellers"] = j.seller_uscc.nunique().cast("int64")
        metrics["buyers"] = j.buyer_uscc.nunique().cast("int64")
    return j.group_by(list(FLOW_KEY)).aggregate(**metrics)


def firm_edges(tables: NetworkTables, *, year: int | None = None) -> ir.Table:
    """Transactions summed to the weighted, directed firm graph per calendar year (an Ibis expression).

    Notes
    -----
    ``z[y; i, j] = Σ amount`` over the records of year ``y`` in which firm i sells to firm j (the
    weighted edge i → j of the production network, Bernard & Zi 2022), with ``records`` their number.
    Columns :data:`EDGE_COLUMNS`; what every firm-level engine (leaders, cascades, gaps) reads.
    """
    t = tables.transaction
    if year is not None:
        t = t.filter(t.date.year() == int(year))
    t = t.mutate(year=t.date.year().cast("int32"))
    return t.group_by(list(EDGE_KEY)).aggregate(
        amount_cny=t.amount_cny.sum().cast("float64"), records=t.count().cast("int64")
    )


def collect(tables: NetworkTables, expr: ir.Table, order_by: tuple[str, ...] = FLOW_KEY) -> pd.DataFrame:
    """Run ``expr`` on its engine; a pandas frame sorted by ``order_by`` with a fresh index."""
    frame = tables.backend.to_pyarrow(expr).to_pandas()
    return frame.sort_values(list(order_by), kind="stable").reset_index(drop=True)
