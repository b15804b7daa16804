"""The production network's service: ingest firms and transactions, aggregate transactions to
region × sector flows on DuckDB or Spark, compare them with the IO table, list the firms of a
region–sector, write a synthetic network (SYNTHETIC) to Parquet, and the firm-level chain analysis
on the stored data — chain leaders, single points of failure, shock cascades, chain gaps, candidate
suppliers (targets) and supply–demand matchmaking — through the engines of
:mod:`industrial_brain.network`.

The firm graph those engines read is built once per call: the firm register from the store, the
weighted edges (sales per seller, buyer and year) summed from the raw transactions by one Ibis
expression (:func:`industrial_brain.store.portable.firm_edges`) on DuckDB or Spark, renamed to the
engines' ``seller, buyer, amount`` (:func:`network_graph`). Regions are provinces unless
``region_level='county'``; distances are great-circle km between the provinces' capitals.

Access: firm and transaction rows are at least ``important``. The flows of a subject who may not
read the underlying datasets (the public role, an enterprise account) are *suppressed*: a cell with
fewer than ``k`` distinct sellers or fewer than ``k`` distinct buyers (default 3, the rule for
enterprise aggregates, docs/disclosure.md) keeps its key but no amount.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, IngestReport, dataset_id_from_path
from industrial_brain.ingest.reference_kinds import ingest_firms
from industrial_brain.ingest.transactions import ingest_transactions
from industrial_brain.lineage import Lineage
from industrial_brain.meso.firm_network_synthesis import SyntheticNetwork, synthetic_firm_network
from industrial_brain.meso.flow_reconciliation import FlowComparison, compare_flows
from industrial_brain.micro.disclosure import p_percent_rule, threshold_rule
from industrial_brain.network import (
    CascadeResult,
    ChainGapsResult,
    ChainLeadersResult,
    FirmGraph,
    MatchingResult,
    SinglePointsResult,
    chain_gaps,
    chain_leaders,
    firm_cascade,
    firm_graph,
    match_suppliers,
    single_points_of_failure,
)
from industrial_brain.network._common import relabel
from industrial_brain.services.access import (
    Principal,
    check_datasets,
    check_enterprise,
    deny,
    highest_grade,
    readable_enterprises,
)
from industrial_brain.services.io import load_table, mrio
from industrial_brain.store import portable
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, dataset_kind, dataset_sha256
from industrial_brain.store.firms import firms as stored_firms
from industrial_brain.store.regions import regions as stored_regions
from industrial_brain.store.transactions import export_network_parquet, transaction_years

__all__ = [
    "NETWORK_KINDS",
    "FlowsResult",
    "ingest_network_file",
    "flows",
    "compare_with_io",
    "firms_of",
    "synthetic_network",
    "write_synthetic_parquet",
    "CHAINS",
    "PartnersResult",
    "check_firm_level",
    "network_graph",
    "leaders",
    "spof",
    "cascade",
    "gaps",
    "targets",
    "match",
    "partners",
    "released_flows",
    "with_firm_names",
    "relabel",
    "DEMO_DATASETS",
    "store_demo_network",
]

NETWORK_KINDS = ("firms", "transactions")
#: Smallest number of distinct sellers and of distinct buyers behind a cell shown to a subject
#: without clearance for the firm-level data (as for enterprise aggregates).
K_MIN = 3
FLOW_UNITS = {
    "amount_cny": "CNY",
    "records": "count",
    "sellers": "count",
    "buyers": "count",
    "year": "year",
}


def ingest_network_file(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    dataset_id: str | None = None,
    grade: str = "important",
    period_start: str | None = None,
    period_end: str | None = None,
    replace: bool = False,
    source: str = "",
    publisher: str = "",
    licence: str = "",
) -> IngestReport:
    """Validate a firm or transaction file and store it whole (or raise :class:`InputError`).

    ``kind``: ``firms`` (register them first) or ``transactions``; ``period_start`` /
    ``period_end`` (ISO dates) declare the transactions' period.
    """
    if kind not in NETWORK_KINDS:
        raise InputError.at("unknown kind", column="kind", value=kind, expected="firms | transactions")
    path = Path(path)
    info = DatasetInfo(
        dataset_id=dataset_id or dataset_id_from_path(path),
        kind=kind,
        title=path.name,
        source=source or path.name,
        publisher=publisher,
        licence=licence,
        grade=grade,
    ).checked()
    if kind == "firms":
        return ingest_firms(store, path, info, replace=replace)
    return ingest_transactions(
        store, path, info, period_start=period_start, period_end=period_end, replace=replace
    )


@dataclass(frozen=True)
class FlowsResult(ResultMixin):
    """Transactions summed to region × sector flows per year.

    Attributes
    ----------
    frame : DataFrame
        One row per ``year, seller_region, seller_sector, buyer_region, buyer_sector`` with
        ``amount_cny`` (sum, CNY), ``records``, when computed ``sellers``, ``buyers`` (distinct
        firms), and ``suppressed`` (True: fewer than ``k`` sellers or buyers, amount withheld).
    engine : str
        ``duckdb`` or ``spark``.
    suppressed : int
        Cells whose amount was withheld.
    notes : tuple of str
    lineage : Lineage
    """

    frame: pd.DataFrame
    engine: str
    suppressed: int
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Region × sector flows from transactions"
    title_zh = "交易记录汇总的地区×部门流量"

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("引擎" if zh else "engine", self.engine)
        yield ("流量单元" if zh else "cells", len(self.frame))
        yield ("记录数" if zh else "records", int(self.frame["records"].sum()))
        yield ("抑制单元" if zh else "suppressed cells", self.suppressed)
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The flows (units in ``attrs['units']``)."""
        f = self.frame.copy()
        f.attrs["units"] = dict(FLOW_UNITS)
        return f

    def matrix(self, year: int | None = None) -> pd.DataFrame:
        """The flows of one year as a (region, sector) × (region, sector) matrix in CNY."""
        f = self.frame if year is None else self.frame[self.frame["year"] == year]
        if year is None and f["year"].nunique() > 1:
            raise InputError.at(
                "flows of several years",
                column="year",
                expected="one of " + ", ".join(map(str, f.year.unique())),
            )
        m = f.pivot_table(
            index=["seller_region", "seller_sector"],
            columns=["buyer_region", "buyer_sector"],
            values="amount_cny",
            aggfunc="sum",
            fill_value=0.0,
        )
        m.index.names = m.columns.names = ["region", "sector"]
        return m


def _network_datasets(store: Store) -> list[str]:
    """Ids of the stored firm and transaction datasets."""
    return sorted(d for d in dataset_grades(store) if dataset_kind(store, d) in NETWORK_KINDS)


def flows(
    store: Store,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    region_level: str = "province",
    who: Principal | None = None,
    k: int = K_MIN,
    firm_counts: bool = False,
    spark_master: str | None = None,
) -> FlowsResult:
    """Aggregate the stored transactions to region × sector flows on ``engine`` (one Ibis expression,
    :func:`industrial_brain.store.portable.region_sector_flows`; Spark reads the tables as Parquet).

    ``who``: the subject the flows are for (``None``: the operator, full flows); a subject without
    clearance for the firm-level datasets gets cells under ``k`` distinct sellers or buyers
    suppressed. ``firm_counts``: add the distinct ``sellers`` and ``buyers`` of each cell (always
    computed for a suppressed answer).
    """
    ids = _network_datasets(store)
    grades = dataset_grades(store)
    top = highest_grade([grades[d] for d in ids] + ["important"])  # firm-level rows: at least important
    full = who is None or who.may_read_grade(top)
    opts = {"year": year, "region_level": region_level, "firm_counts": firm_counts or not full}
    if engine == "duckdb":
        tables = portable.connect("duckdb", store=store)
        frame = portable.collect(tables, portable.region_sector_flows(tables, **opts))
    elif engine == "spark":
        with tempfile.TemporaryDirectory(prefix="ibrain-network-") as tmp:
            paths = export_network_parquet(store, Path(tmp))
            tables = portable.connect(
                "spark",
                firm_path=paths["firm"],
                transaction_path=paths["transaction"],
                spark_master=spark_master,
            )
            frame = portable.collect(tables, portable.region_sector_flows(tables, **opts))
    else:
        raise InputError.at("unknown engine", column="engine", value=engine, expected="duckdb | spark")
    notes = []
    frame["suppressed"] = np.zeros(len(frame), dtype=bool)
    if not full:
        frame["suppressed"] = ((frame["sellers"] < k) | (frame["buyers"] < k)).to_numpy()
        frame.loc[frame["suppressed"], ["amount_cny", "records"]] = np.nan
        notes.append(f"cells with fewer than {k} sellers or buyers are suppressed")
    lin = Lineage.make(
        "services.network.flows",
        {"engine": engine, "k": k, "full": full, **opts},
        datasets=dataset_sha256(store, ids),
    )
    return FlowsResult(frame, engine, int(frame["suppressed"].sum()), tuple(notes), lin)


def compare_with_io(store: Store, result: FlowsResult, *, year: int, top: int = 10) -> FlowComparison:
    """Compare one year's flows with the IO table of that year: the 31-province MRIO for 2017
    (flows at province level), else the national 42-sector table of the year (regions summed)."""
    f = result.frame[result.frame["year"] == year]
    if f.empty:
        raise InputError.at(
            "no flows in that year", column="year", value=year, expected="a year with records"
        )
    if year == 2017:
        Z = mrio(store).table.Z * 1e4
        T = result.matrix(year)
    else:
        table = load_table(store, f"cn_nbs_io_{year}_42")
        Z = table.Z * 1e4
        T = f.pivot_table(
            index="seller_sector",
            columns="buyer_sector",
            values="amount_cny",
            aggfunc="sum",
            fill_value=0.0,
        )
    return compare_flows(T, Z, top=top)


def firms_of(store: Store, who: Principal | None, *, region: str, sector: str | None = None) -> pd.DataFrame:
    """The firms of a region (its own code or its province) and sector that ``who`` may read
    (``None``: the operator, all); refused for the public role."""
    frame = stored_firms(store, region=region, sector=sector)
    if who is None:
        return frame
    kept, _, _ = readable_enterprises(store, who, frame)
    return kept


def synthetic_network(store: Store, *, n_firms: int, seed: int) -> SyntheticNetwork:
    """A SYNTHETIC firm network drawn from the embedded 31-province MRIO of 2017."""
    table = mrio(store).table
    return synthetic_firm_network(table.Z, table.x, n_firms=n_firms, seed=seed)


def write_synthetic_parquet(
    net: SyntheticNetwork, directory: str | Path, *, n_records: int, seed: int, chunk: int = 5_000_000
) -> dict[str, Path]:
    """Write the firms (``firms.parquet``) and ``n_records`` drawn transactions (``transactions/
    part-NNNNN.parquet``, one file per chunk) of a synthetic network; returns the two paths. Seller
    and buyer codes are dictionary-encoded, as a register-keyed export would write them."""
    directory = Path(directory)
    (directory / "transactions").mkdir(parents=True, exist_ok=True)
    firm_path = directory / "firms.parquet"
    pq.write_table(pa.Table.from_pandas(net.firms.drop(columns="size"), preserve_index=False), firm_path)
    uscc = pa.array(net.firms["uscc"].to_numpy(dtype=str))
    start = np.datetime64(f"{net.year}-01-01", "D")
    for i, d in enumerate(net.draw(n_records, seed=seed, chunk=chunk)):
        table = pa.table(
            {
                "record_id": pa.array(d["record"]).cast(pa.string()),
                "seller_uscc": pa.DictionaryArray.from_arrays(pa.array(d["seller"]), uscc),
                "buyer_uscc": pa.DictionaryArray.from_arrays(pa.array(d["buyer"]), uscc),
                "date": pa.array(start + d["day"].astype("timedelta64[D]")),
                "amount_cny": pa.array(d["amount_cny"]),
            }
        )
        pq.write_table(table, directory / "transactions" / f"part-{i:05d}.parquet")
    return {"firm": firm_path, "transaction": directory / "transactions"}


# ---- the firm graph and the chain analysis ---------------------------------------------------------

#: Target chains by their core sectors in the NBS 42-sector classification (``nbs2017_42``): the
#: sectors whose firms make the chain's final products. Upstream and downstream links come from the
#: national IO structure (:func:`industrial_brain.network.chain_gaps`).
CHAINS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "electronics": (
        ("20",),
        "electronics (communication equipment, computers)",
        "电子信息（通信设备、计算机）",
    ),
    "electrical": (("19",), "electrical machinery and equipment", "电气机械和器材"),
    "transport_equipment": (("18",), "transport equipment (cars, rail, ships, aircraft)", "交通运输设备"),
    "machinery": (("16", "17"), "general and special purpose machinery", "通用和专用设备"),
    "chemicals": (("12",), "chemical products", "化学产品"),
}
#: National IO tables of the 42-sector classification by year (the chain's structure).
IO_TABLES_42 = {2017: "cn_nbs_io_2017_42", 2018: "cn_nbs_io_2018_42", 2020: "cn_nbs_io_2020_42"}
#: Who may read firm-level results (leaders, cascades, gaps, matches): named firms and their trade.
FIRM_LEVEL_ROLES = ("admin", "analyst")


def check_firm_level(store: Store, who: Principal | None) -> str:
    """The grade of the firm-level network results if ``who`` may read them (``None``: the operator);
    raises otherwise: the public role (401), an enterprise account (403: it reads its own partners
    only, :func:`partners`), an analyst when a network dataset is core (403)."""
    ids = _network_datasets(store)
    if who is None:
        return highest_grade([dataset_grades(store)[d] for d in ids] + ["important"])
    if who.role not in FIRM_LEVEL_ROLES:
        raise deny(who, "firm-level network results are for admin and analyst accounts")
    return highest_grade([check_datasets(store, who, ids), "important"])


def _on_engine(store: Store, engine: str, spark_master: str | None, build, order_by):
    """Run the expression ``build(tables)`` on ``engine`` over the stored tables (Spark: exported
    to Parquet in a temporary directory first); a pandas frame sorted by ``order_by``."""
    if engine == "duckdb":
        tables = portable.connect("duckdb", store=store)
        return portable.collect(tables, build(tables), order_by)
    if engine != "spark":
        raise InputError.at("unknown engine", column="engine", value=engine, expected="duckdb | spark")
    with tempfile.TemporaryDirectory(prefix="ibrain-network-") as tmp:
        paths = export_network_parquet(store, Path(tmp))
        tables = portable.connect(
            "spark",
            firm_path=paths["firm"],
            transaction_path=paths["transaction"],
            spark_master=spark_master,
        )
        return portable.collect(tables, build(tables), order_by)


def firm_edges(
    store: Store, *, engine: str = "duckdb", year: int | None = None, spark_master: str | None = None
) -> pd.DataFrame:
    """The weighted firm graph's edges per year summed from the stored transactions on ``engine``:
    ``year, seller_uscc, buyer_uscc, amount_cny, records``, sorted by those keys."""
    return _on_engine(
        store,
        engine,
        spark_master,
        lambda t: portable.firm_edges(t, year=year),
        portable.EDGE_KEY,
    )


def _region_of(codes: pd.Series, level: str) -> pd.Series:
    if level not in portable.REGION_LEVELS:
        raise InputError.at(
            "unknown region level", column="region_level", value=level, expected="province | county"
        )
    codes = codes.astype(str)
    return codes.str[:2] + "0000" if level == "province" else codes


def network_graph(
    store: Store,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    region_level: str = "province",
    spark_master: str | None = None,
) -> FirmGraph:
    """The stored network as the engines' :class:`~industrial_brain.network.FirmGraph`.

    Firms: the register (``region_code`` at ``region_level``; ``revenue`` = ``revenue_cny`` when
    every firm has one, else the engines take max(sales, purchases); ``size`` = employees when every
    firm has them). Edges: :func:`firm_edges` on ``engine``, renamed ``seller, buyer, amount,
    year``. ``year``: that year's edges only (default every year, the engines take the last one
    where they need one year).
    """
    f = stored_firms(store)
    if f.empty:
        raise InputError.at(
            "no firms stored",
            column="firm",
            expected="firms registered with 'ibrain network ingest FIRMS --kind firms'",
        )
    frame = pd.DataFrame(
        {
            "uscc": f["uscc"].astype(str),
            "region_code": _region_of(f["region_code"], region_level),
            "sector_code": f["sector_code"].astype(str),
        }
    )
    if f["revenue_cny"].notna().all():
        frame["revenue"] = f["revenue_cny"].astype(float).to_numpy()
    if f["employees"].notna().all():
        frame["size"] = f["employees"].astype(float).to_numpy()
    e = firm_edges(store, engine=engine, year=year, spark_master=spark_master)
    if e.empty:
        raise InputError.at(
            "no transactions in that year" if year is not None else "no transactions stored",
            column="year",
            value=year,
            expected="one of " + ", ".join(map(str, transaction_years(store)))
            if year is not None
            else "transactions stored with 'ibrain network ingest FILE --kind transactions'",
        )
    edges = e.rename(columns={"seller_uscc": "seller", "buyer_uscc": "buyer", "amount_cny": "amount"})
    return firm_graph(frame, edges[["seller", "buyer", "amount", "year"]])


def _one_year(graph: FirmGraph, year: int | None) -> FirmGraph:
    """The graph of one year (``year``, default the last): what leaders and cascades set against
    annual output."""
    if len(graph.years) <= 1 and year is None:
        return graph
    mask, y = graph.year_mask(year)
    return FirmGraph(
        graph.firms,
        graph.seller[mask],
        graph.buyer[mask],
        graph.amount[mask],
        graph.year[mask],
        graph.notes + (f"flows of {y}",),
    )


def leaders(
    store: Store,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    rank_by: str = "output_at_risk",
    region_level: str = "province",
    spark_master: str | None = None,
) -> ChainLeadersResult:
    """Chain leaders (链主) of the stored network: two weighted PageRanks and the output at risk of each
    firm, on one year's graph (default the last year with transactions).

    Notes
    -----
    OaR_k = Σ_j (z_kj / m_j) x_j and PageRank on the purchase / sales shares
    (:func:`industrial_brain.network.chain_leaders`; Page et al. 1999, Acemoglu et al. 2012).
    """
    g = _one_year(
        network_graph(store, engine=engine, year=year, region_level=region_level, spark_master=spark_master),
        year,
    )
    return chain_leaders(g, rank_by=rank_by)


def spof(
    store: Store,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    bound: float = 0.9,
    min_input_share: float = 0.05,
    region_level: str = "province",
    spark_master: str | None = None,
) -> SinglePointsResult:
    """Single points of failure (单点依赖): region–sectors whose purchases of an input sector pass
    through one firm (largest share ≥ ``bound``) or two, among inputs of at least ``min_input_share``
    of their purchases (:func:`industrial_brain.network.single_points_of_failure`)."""
    g = _one_year(
        network_graph(store, engine=engine, year=year, region_level=region_level, spark_master=spark_master),
        year,
    )
    return single_points_of_failure(g, bound=bound, min_input_share=min_input_share)


def cascade(
    store: Store,
    shock: list[str] | dict[str, float],
    *,
    engine: str = "duckdb",
    year: int | None = None,
    days: int = 30,
    inventory_days: float = 15.0,
    duration: int | None = None,
    region_level: str = "province",
    spark_master: str | None = None,
) -> CascadeResult:
    """The day-by-day supply cascade when the firms ``shock`` stop (or lose the given shares of their
    capacity), with ``inventory_days`` of every input held (ARIO brought to firms,
    :func:`industrial_brain.network.firm_cascade`; Hallegatte 2014, Inoue & Todo 2019)."""
    if not shock:
        raise InputError.at("no firm to stop", column="firm", expected="one or more USCCs")
    g = _one_year(
        network_graph(store, engine=engine, year=year, region_level=region_level, spark_master=spark_master),
        year,
    )
    return firm_cascade(g, shock, days=days, inventory_days=inventory_days, duration=duration)


def chain_sectors(chain: str | None = None, core: list[str] | None = None) -> tuple[str, ...]:
    """The core sectors of a named chain (:data:`CHAINS`) or the given ``core`` codes."""
    if core:
        return tuple(str(c).strip() for c in core)
    if chain not in CHAINS:
        raise InputError.at("unknown chain", column="chain", value=chain, expected=" | ".join(CHAINS))
    return CHAINS[chain][0]


def national_structure(store: Store, year: int | None) -> tuple[pd.DataFrame, pd.Series, int]:
    """The national technical coefficients A and output x of the 42-sector table of ``year`` (the
    latest table not after it; 2017 for earlier years or none) and that table's year."""
    years = sorted(IO_TABLES_42)
    y = max([t for t in years if year is None or t <= year] or [years[0]])
    table = load_table(store, IO_TABLES_42[y])
    return table.A, table.x, y


def province_km(store: Store) -> pd.DataFrame:
    """Province centroids for the engines' distances: ``lon``, ``lat`` of each capital, by code."""
    r = stored_regions(store, "province").set_index("code")
    return r[["capital_lon", "capital_lat"]].rename(columns={"capital_lon": "lon", "capital_lat": "lat"})


def _distance_for(store: Store, graph: FirmGraph) -> pd.DataFrame:
    c = province_km(store)
    regions = pd.Index(pd.unique(graph.firms["region_code"]))
    missing = regions.difference(c.index)
    if len(missing):
        raise InputError.at(
            "no centroid for region",
            column="region_code",
            value=str(missing[0]),
            expected="province-level regions (region_level='province')",
        )
    return c.loc[regions]


def gaps(
    store: Store,
    region: str,
    *,
    chain: str | None = "electronics",
    core: list[str] | None = None,
    engine: str = "duckdb",
    year: int | None = None,
    threshold: float = 0.02,
    weak_bound: float = 0.5,
    candidates: int = 5,
    spark_master: str | None = None,
) -> ChainGapsResult:
    """Weak and missing links (补链/强链/延链) of a province's chain against the national IO structure
    of the year, with the ranked candidate firms of other provinces for each gap and their reasons
    (size, reliability, distance, sector fit; :func:`industrial_brain.network.chain_gaps`).

    Notes
    -----
    ā_s = Σ_c a_sc X_c / Σ_c X_c, need N_s = ā_s Σ_c X_c, coverage κ_s = local supply_s / N_s
    (Miller & Blair 2009, §2.2; Flegg & Webber 1997).
    """
    g = network_graph(store, engine=engine, region_level="province", spark_master=spark_master)
    mask, y = g.year_mask(year)
    A, x, io_year = national_structure(store, y)
    res = chain_gaps(
        g,
        str(region),
        list(chain_sectors(chain, core)),
        A,
        x=x,
        threshold=threshold,
        weak_bound=weak_bound,
        distance=_distance_for(store, g),
        candidates=candidates,
        year=y,
    )
    note = f"national structure: {IO_TABLES_42[io_year]}"
    return ChainGapsResult(
        res.links, res.candidates, res.region, res.core_sectors, res.notes + (note,), res.lineage
    )


def targets(store: Store, region: str, **kw) -> ChainGapsResult:
    """Candidate suppliers (精准招商) for each gap of a province's chain: :func:`gaps` with its
    candidates (read them with ``to_frame(level='candidates')``); ``candidates`` per gap (5)."""
    return gaps(store, region, **kw)


def match(
    store: Store,
    region: str,
    *,
    engine: str = "duckdb",
    year: int | None = None,
    far_km: float = 500.0,
    spare_share: float = 0.2,
    unit: float = 1e4,
    spark_master: str | None = None,
) -> MatchingResult:
    """Supply–demand matchmaking (供需对接): the province's buyers that source inputs farther than
    ``far_km`` matched with nearer suppliers of the same input within their spare capacity
    (``spare_share`` × output; amounts in whole ``unit`` CNY, 10⁴: 万元), minimising Σ amount × km
    as a min-cost flow (:func:`industrial_brain.network.match_suppliers`; Hitchcock 1941)."""
    g = network_graph(store, engine=engine, region_level="province", spark_master=spark_master)
    return match_suppliers(
        g, str(region), _distance_for(store, g), far_km=far_km, spare_share=spare_share, unit=unit, year=year
    )


@dataclass(frozen=True)
class PartnersResult(ResultMixin):
    """One firm's suppliers and customers in the stored transactions.

    Attributes
    ----------
    frame : DataFrame
        One row per (year, side, partner): ``year``, ``side`` (``supplier`` / ``customer``),
        ``partner`` (USCC), ``name``, ``region_code``, ``sector_code``, ``amount_cny``, ``records``,
        ``share`` (of the firm's purchases or sales that year); largest first within year and side.
    uscc : str
    notes : tuple of str
    lineage : Lineage
    """

    frame: pd.DataFrame
    uscc: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Suppliers and customers"
    title_zh = "供应商与客户"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The partners (units: CNY, share)."""
        return self.frame.copy()

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        f = self.frame
        yield ("企业" if zh else "firm", self.uscc)
        yield ("供应商" if zh else "suppliers", int(f.loc[f.side == "supplier", "partner"].nunique()))
        yield ("客户" if zh else "customers", int(f.loc[f.side == "customer", "partner"].nunique()))


def partners(
    store: Store, uscc: str, who: Principal | None = None, *, year: int | None = None
) -> PartnersResult:
    """The suppliers and customers of firm ``uscc`` with the amounts traded per year (``who``: an
    enterprise account reads its own firm only, the public none; :func:`check_enterprise`).

    Notes
    -----
    share = z_ij / m_j for a supplier i of j, z_ji / s_j for a customer (m, s: purchases, sales).
    """
    uscc = str(uscc).strip().upper()
    if who is not None:
        check_enterprise(store, who, uscc)
    if stored_firms(store, usccs=[uscc]).empty:
        raise InputError.at("unknown firm", column="uscc", value=uscc, expected="a registered firm's USCC")
    e = _firm_partners(store, uscc, year)
    f = stored_firms(store, usccs=sorted(set(e["partner"])))[["uscc", "name", "region_code", "sector_code"]]
    out = e.merge(f.rename(columns={"uscc": "partner"}), on="partner", how="left")
    total = out.groupby(["year", "side"])["amount_cny"].transform("sum")
    out["share"] = out["amount_cny"] / total
    out = out.sort_values(["year", "side", "amount_cny"], ascending=[True, False, False], kind="stable")
    cols = ["year", "side", "partner", "name", "region_code", "sector_code", "amount_cny", "records", "share"]
    lin = Lineage.make(
        "services.network.partners",
        {"uscc": uscc, "year": year},
        datasets=dataset_sha256(store, _network_datasets(store)),
    )
    return PartnersResult(out[cols].reset_index(drop=True), uscc, (), lin)


def _firm_partners(store: Store, uscc: str, year: int | None) -> pd.DataFrame:
    tables = portable.connect("duckdb", store=store)
    t = tables.transaction
    t = t.filter((t.seller_uscc == uscc) | (t.buyer_uscc == uscc))
    expr = portable.firm_edges(
        portable.NetworkTables(tables.engine, tables.backend, tables.firm, t), year=year
    )
    e = portable.collect(tables, expr, portable.EDGE_KEY)
    sup = e[e["buyer_uscc"] == uscc].assign(side="supplier", partner=lambda d: d["seller_uscc"])
    cus = e[e["seller_uscc"] == uscc].assign(side="customer", partner=lambda d: d["buyer_uscc"])
    return pd.concat([sup, cus], ignore_index=True)[["year", "side", "partner", "amount_cny", "records"]]


def released_flows(store: Store, *, year: int | None = None, k: int = K_MIN, p: float = 10.0) -> FlowsResult:
    """Province × sector flows as the public may see them: a cell keeps its amount only when at least
    ``k`` distinct sellers and ``k`` distinct buyers trade in it (threshold rule) and neither its
    largest seller nor its largest buyer dominates it (p% rule: the rest of the cell is at least
    ``p`` % of the largest contribution), the rules of the enterprise releases
    (:mod:`industrial_brain.micro.disclosure`; Hundepool et al. 2012, §4.2.2). No margins or totals
    are published with the cells, so a suppressed cell is not recovered by subtraction.
    """
    e = firm_edges(store, year=year)
    f = stored_firms(store)[["uscc", "region_code", "sector_code"]]
    f = f.assign(region=_region_of(f["region_code"], "province"))
    sel = f.set_index("uscc")
    e = e.assign(
        seller_region=sel["region"].reindex(e["seller_uscc"]).to_numpy(),
        seller_sector=sel["sector_code"].reindex(e["seller_uscc"]).to_numpy(),
        buyer_region=sel["region"].reindex(e["buyer_uscc"]).to_numpy(),
        buyer_sector=sel["sector_code"].reindex(e["buyer_uscc"]).to_numpy(),
    )
    key = list(portable.FLOW_KEY)
    cells = (
        e.groupby(key, sort=True)
        .agg(
            amount_cny=("amount_cny", "sum"),
            records=("records", "sum"),
            sellers=("seller_uscc", "nunique"),
            buyers=("buyer_uscc", "nunique"),
        )
        .reset_index()
    )
    code = e.groupby(key, sort=True).ngroup().to_numpy()
    G = len(cells)
    dominated = np.zeros(G, dtype=bool)
    for side in ("seller_uscc", "buyer_uscc"):
        per = e.assign(cell=code).groupby(["cell", side])["amount_cny"].sum().reset_index()
        dominated |= p_percent_rule(per["cell"].to_numpy(), G, per["amount_cny"].to_numpy(), p=p)
    small = threshold_rule(cells["sellers"].to_numpy(), k) | threshold_rule(cells["buyers"].to_numpy(), k)
    cells["suppressed"] = small | dominated
    cells.loc[cells["suppressed"], ["amount_cny", "records", "sellers", "buyers"]] = np.nan
    notes = (
        f"cells with fewer than {k} sellers or buyers, or dominated by one firm (p% rule, p = {p:g}), "
        "are suppressed",
    )
    lin = Lineage.make(
        "services.network.released_flows",
        {"year": year, "k": k, "p": p},
        datasets=dataset_sha256(store, _network_datasets(store)),
    )
    return FlowsResult(cells, "duckdb", int(cells["suppressed"].sum()), notes, lin)


def with_firm_names(
    store: Store, frame: pd.DataFrame, column: str = "uscc", *, after: str | None = None
) -> pd.DataFrame:
    """``frame`` with the registered ``name`` of the firm in ``column`` inserted after it (or after
    ``after``); USCCs not registered get no name."""
    names = stored_firms(store, usccs=sorted(set(frame[column].dropna().astype(str))))
    out = frame.copy()
    pos = list(out.columns).index(after or column) + 1
    name_col = "name" if column == "uscc" else f"{column}_name"
    out.insert(pos, name_col, out[column].astype(str).map(names.set_index("uscc")["name"]).to_numpy())
    return out


#: Dataset ids of the demo's SYNTHETIC network (``ibrain demo``).
DEMO_DATASETS = ("synthetic_network_firms", "synthetic_network_transactions")


def store_demo_network(store: Store, *, n_firms: int = 1500, n_records: int = 30_000, seed: int = 11) -> bool:
    """Store a SYNTHETIC firm network drawn from the embedded 2017 MRIO (about ``n_firms`` firms, named
    合成企业…, and ``n_records`` transactions of 2017), so that the chain analysis and the API have data
    after ``ibrain demo``: Guangdong's electronics chain (``gaps(store, '440000')``) among them.
    Nothing is written when the store already holds firms (a real register is never mixed with
    synthetic firms); returns whether the network was stored now."""
    if _network_datasets(store):
        return False
    net = synthetic_network(store, n_firms=n_firms, seed=seed)
    with tempfile.TemporaryDirectory(prefix="ibrain-demo-network-") as tmp:
        paths = write_synthetic_parquet(net, tmp, n_records=n_records, seed=seed + 1, chunk=n_records)
        note = "SYNTHETIC: drawn from the embedded 2017 MRIO (services.network.store_demo_network)"
        ingest_network_file(store, paths["firm"], "firms", dataset_id=DEMO_DATASETS[0], source=note)
        for part in sorted(paths["transaction"].glob("*.parquet")):
            ingest_network_file(
                store,
                part,
                "transactions",
                dataset_id=DEMO_DATASETS[1],
                period_start=f"{net.year}-01-01",
                period_end=f"{net.year}-12-31",
                source=note,
            )
    return True
