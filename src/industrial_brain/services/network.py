"""The production network's data service: ingest firms and transactions, aggregate transactions to
region × sector flows on DuckDB or Spark, compare them with the IO table, list the firms of a
region–sector, and write a synthetic network (SYNTHETIC) to Parquet.

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
from industrial_brain.services.access import Principal, highest_grade, readable_enterprises
from industrial_brain.services.io import load_table, mrio
from industrial_brain.store import portable
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades, dataset_kind, dataset_sha256
from industrial_brain.store.firms import firms as stored_firms
from industrial_brain.store.transactions import export_network_parquet

__all__ = [
    "NETWORK_KINDS",
    "FlowsResult",
    "ingest_network_file",
    "flows",
    "compare_with_io",
    "firms_of",
    "synthetic_network",
    "write_synthetic_parquet",
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
