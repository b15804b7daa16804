"""Input–output services: read tables from the store → call the :mod:`industrial_brain.meso` engines →
store results with lineage.

Tables are addressed by their store id (``cn_nbs_io_2020_42``, ``cn_prov_io_2017_42_110000`` …) or by
:data:`MRIO_ID` (``cn_mrio_2017``), the 31-province × 42-sector MRIO constructed from the provincial
tables by :func:`industrial_brain.meso.mrio.build_mrio`.

How the MRIO is kept. It is *not* written back as an IO table of its own: it is a deterministic
function (built in < 0.1 s) of the stored provincial tables and a handful of parameters, and as an
``io_table`` it would add 1.7 million ``io_flow`` rows that the catalog would list as if they were
published data. Instead :func:`mrio` caches the built table in-process (keyed by the store file, the
sha256 of the provincial dataset and the parameters), and :func:`save_mrio` stores the *estimated*
part — the 42 × 31 × 31 interprovincial trade flows, the reconciled outflow/inflow targets, the
transit removed and the discrepancy column — as an analysis run (``analysis_run`` kind ``mrio``,
values in ``analysis_value``) with its lineage; that is what the dashboard and audits need.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso import (
    DIGITAL_CORE_NBS42,
    ChainGraph,
    DigitalIntegration,
    ImportDependenceResult,
    IOTable,
    KeySectorsResult,
    LeontiefLU,
    MRIOAccountsResult,
    MRIOResult,
    MultipliersResult,
    build_mrio,
    chain_graph,
    digital_integration,
    mrio_accounts,
    spillover_of_demand,
)
from industrial_brain.meso.digital import digital_panel
from industrial_brain.meso.chokepoint_analysis import CHOKEPOINT_LABELS_ZH
from industrial_brain.services.results import dataset_lineage, save_run
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_sha256
from industrial_brain.store.io_cache import io_table_stamp
from industrial_brain.store.readers import StoredIOTable, io_tables, read_io_table
from industrial_brain.store.regions import regions

__all__ = [
    "CHOKEPOINT_LABELS_ZH",
    "MRIO_ID",
    "NATIONAL_42",
    "PROVINCIAL_PREFIX",
    "table_list",
    "table_dataset",
    "has_table",
    "stored_table",
    "load_table",
    "sector_names",
    "table_summary",
    "table_overview",
    "table_multipliers",
    "table_key_sectors",
    "sector_links",
    "mrio",
    "save_mrio",
    "national_comparison",
    "mrio_summary",
    "chain",
    "tree_frame",
    "structural_hubs_frame",
    "import_chokepoints",
    "chokepoints_frame",
    "chokepoint_users",
    "digital_national",
    "digital_provinces",
    "digital_spillover",
    "clear_cache",
]

MRIO_ID = "cn_mrio_2017"
NATIONAL_42 = ("cn_nbs_io_2017_42", "cn_nbs_io_2018_42", "cn_nbs_io_2020_42")
PROVINCIAL_PREFIX = "cn_prov_io_2017_42_"
#: The dataset of the 31 provincial tables and the reference data the MRIO is built from.
PROVINCIAL_DATASET = "cn_prov_io_2017_42"
MRIO_DATASETS = (PROVINCIAL_DATASET, "ref_provinces_gbt2260")

_CACHE: dict[tuple, Any] = {}
_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget the in-process cache of built tables."""
    with _LOCK:
        _CACHE.clear()


def _store_key(store: Store) -> str:
    path = str(getattr(store, "path", ":memory:"))
    return f"memory:{id(store)}" if path == ":memory:" else path


def _sha(store: Store, dataset_id: str) -> str:
    pairs = dict(dataset_sha256(store, [dataset_id]))
    return pairs.get(dataset_id, "")


def table_list(store: Store) -> pd.DataFrame:
    """The stored input–output tables (id, year, region, scheme, unit, kind, dataset, number of sectors)."""
    return io_tables(store)


def _unknown_table(store: Store, table_id: str) -> InputError:
    ids = list(io_tables(store)["table_id"])
    return InputError.at(
        "unknown IO table",
        column="table_id",
        value=table_id,
        expected=f"one of {ids[:8]}{' …' if len(ids) > 8 else ''}",
    )


def table_dataset(store: Store, table_id: str) -> str:
    """Id of the dataset a stored table belongs to.

    Raises :class:`~industrial_brain.errors.InputError` ("unknown IO table") when ``table_id`` is not
    stored (the MRIO, :data:`MRIO_ID`, is built, not stored: see :func:`mrio`).
    """
    stamp = io_table_stamp(store, table_id)
    if stamp is None:
        raise _unknown_table(store, table_id)
    return stamp[0]


def has_table(store: Store, table_id: str) -> bool:
    """Whether ``table_id`` can be loaded from this store (the MRIO: whether the provincial tables are
    stored)."""
    if table_id == MRIO_ID:
        return any(t.startswith(PROVINCIAL_PREFIX) for t in io_tables(store)["table_id"])
    return io_table_stamp(store, table_id) is not None


def _table_sha(store: Store, table_id: str) -> str:
    stamp = io_table_stamp(store, table_id)
    if stamp is None:
        raise _unknown_table(store, table_id)
    return stamp[1]


def stored_table(store: Store, table_id: str) -> StoredIOTable:
    """A stored table as labelled matrices (:func:`industrial_brain.store.readers.read_io_table`), cached
    in-process on the table's dataset sha256 (the provincial tables are read by the MRIO and the digital
    panel)."""
    key = ("stored", _store_key(store), table_id, _table_sha(store, table_id))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    st = read_io_table(store, table_id)
    with _LOCK:
        _CACHE[key] = st
    return st


def iotable_from_stored(t: StoredIOTable) -> IOTable:
    """An :class:`IOTable` from a stored table (non-competitive: domestic block + imports as leakage;
    competitive/provincial: imports and inflows as negative final-use columns)."""
    Y = t.Y.copy()
    kinds: dict[str, str] = {}
    if len(t.trade.columns):
        for c in t.trade.columns:
            sign = -1.0 if c in ("IM", "IF") else 1.0
            Y[c] = sign * t.trade[c]
            kinds[c] = {"IM": "import", "IF": "import", "OF": "export", "ERR": "other"}.get(c, "local")
    Z = t.Z.copy()
    Z.index.name = Z.columns.name = "sector"
    Y.index.name = "sector"
    Y.columns.name = None
    V = t.V.copy()
    V.columns.name = "sector"
    x = t.x.copy()
    tab = IOTable(
        Z,
        Y,
        V,
        x,
        Z_imp=t.Z_imports,
        Y_imp=t.Y_imports,
        final_use_kinds=kinds or None,
        name=t.table_id,
        unit=t.unit,
        rtol=1e-4,
    )
    tab.sector_names = t.sectors
    return tab


def load_table(store: Store, table_id: str, *, basis: str = "domestic") -> IOTable:
    """A stored table (or the MRIO) as an :class:`IOTable`.

    ``basis``: ``"domestic"`` — non-competitive tables: the domestic block; competitive and
    provincial tables: the import-share split (imports and, for provinces, inflows as competing
    supply); ``"total"`` — domestic plus imported use (non-competitive) or the table as published
    (competitive). The MRIO is always domestic (imports from abroad as leakage).
    """
    if basis not in ("domestic", "total"):
        raise InputError.at("unknown basis", column="basis", value=basis, expected="domestic | total")
    if table_id == MRIO_ID:
        return mrio(store).table
    key = ("table", _store_key(store), table_id, _table_sha(store, table_id), basis)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    st = stored_table(store, table_id)
    tab = iotable_from_stored(st)
    if basis == "total" and st.Z_imports is not None:
        Zt = tab.Z + st.Z_imports.reindex(index=tab.Z.index, columns=tab.Z.columns).to_numpy()
        Yt = tab.Y + st.Y_imports.reindex(index=tab.Y.index, columns=tab.Y.columns).fillna(0.0).to_numpy()
        Yt["IM"] = -st.Z_imports.to_numpy().sum(axis=1) - st.Y_imports.to_numpy().sum(axis=1)
        tab2 = IOTable(
            Zt,
            Yt,
            tab.V,
            tab.x,
            name=f"{table_id} (domestic + imported use)",
            unit=tab.unit,
            notes=["domestic and imported blocks added (competitive view); imports as a negative column"],
        )
        tab2.sector_names = st.sectors
        tab = tab2
    elif (
        basis == "domestic"
        and st.Z_imports is None
        and any(k == "import" for k in tab.final_use_kinds.values())
    ):
        names = tab.sector_names
        tab = tab.domestic()
        tab.sector_names = names
    with _LOCK:
        _CACHE[key] = tab
    return tab


def sector_names(store: Store, table_id: str = "cn_nbs_io_2020_42", lang: str = "en") -> pd.Series:
    """Sector code → name in ``lang`` (from the stored table's sector labels; the MRIO: the 2020 national
    table's)."""
    code = NATIONAL_42[-1] if table_id == MRIO_ID else table_id
    names = stored_table(store, code).sectors
    col = "name_zh" if lang == "zh" else "name_en"
    return pd.Series(names[col].to_numpy(), index=names.index.astype(str))


def table_summary(store: Store, table_id: str) -> pd.DataFrame:
    """By sector of a stored table as published: gross output x_j, intermediate input Σ_i z_ij, value added
    Σ_k v_kj and final demand Σ_k y_jk (index: sector code)."""
    t = stored_table(store, table_id)
    f = pd.DataFrame(
        {
            "gross_output": t.x,
            "intermediate_input": t.Z.sum(axis=0),
            "value_added": t.V.sum(axis=0),
            "final_demand": t.Y.sum(axis=1),
        }
    )
    f.index = f.index.astype(str)
    f.index.name = "sector"
    return f


def _forward(tab: IOTable, forward: str | None) -> str:
    # Ghosh-based forward linkages explode on near-zero-output region–sectors of the MRIO
    return forward or ("leontief" if tab.is_mrio else "ghosh")


def table_overview(store: Store, table_id: str, *, basis: str = "domestic") -> pd.DataFrame:
    """By sector: output ``x``, value added, final demand, the type I output multiplier (column sums of
    L = (I − A)⁻¹) and the Rasmussen–Hirschman backward and forward linkages (Ghosh-based forward
    linkage; Leontief-based for the MRIO). Index: the table's sector (or region–sector) codes."""
    tab = load_table(store, table_id, basis=basis)
    link = tab.linkages(forward=_forward(tab, None)).table
    mult = tab.multipliers().table
    return pd.DataFrame(
        {
            "x": tab.x,
            "value_added": tab.V.sum(axis=0) if tab.V is not None else float("nan"),
            "final_demand": tab.Y.sum(axis=1),
            "output": mult["output"],
            "backward": link["backward"],
            "forward": link["forward"],
        }
    )


def table_multipliers(store: Store, table_id: str, *, basis: str = "domestic") -> MultipliersResult:
    """Type I output, value-added and income multipliers of every sector of a stored table (Miller & Blair
    ch. 6: output multiplier m_j = Σ_i l_ij, L = (I − A)⁻¹), on the flows of ``basis`` (see
    :func:`load_table`)."""
    return load_table(store, table_id, basis=basis).multipliers()


def table_key_sectors(
    store: Store,
    table_id: str,
    *,
    basis: str = "domestic",
    forward: str | None = None,
    threshold: float = 1.0,
) -> KeySectorsResult:
    """Rasmussen–Hirschman backward and forward linkages (影响力系数 / 感应度系数) and the four-quadrant
    key-sector classification (both above ``threshold`` = key). ``forward``: ``"ghosh"`` or
    ``"leontief"``; default Ghosh, Leontief for the MRIO."""
    tab = load_table(store, table_id, basis=basis)
    return tab.key_sectors(forward=_forward(tab, forward), threshold=threshold)


def sector_links(
    store: Store,
    table_id: str,
    sector: str,
    *,
    top: int = 8,
    basis: str = "domestic",
    lang: str = "en",
    tiers: int = 1,
    fan: int = 3,
) -> dict[str, Any]:
    """A sector's main suppliers and buyers in a stored table, tier by tier.

    Suppliers (``upstream``): the ``top`` largest input coefficients a_ij = z_ij / x_j of the sector's
    column of A; buyers (``downstream``): the largest allocation coefficients b_ij = z_ij / x_i of its
    row of B. The sector itself and zero coefficients are left out. ``self_input`` is the diagonal
    a_jj (what the sector buys from itself per unit of output).

    With ``tiers`` = T > 1 the chain goes on: tier k + 1 upstream holds, for each sector of tier k, its
    ``fan`` largest suppliers (a_ik) not already shown; downstream likewise with b_kj. Every entry of
    ``upstream_tiers`` / ``downstream_tiers`` (one list per tier, tier 1 = ``upstream`` /
    ``downstream``) names the sector it links to (``via``) and carries ``path``, the product of the
    coefficients from the chosen sector (Leontief 1986, ch. 7 on tiers of suppliers; the direct
    coefficients only, not the inverse).

    Returns ``table_id``, ``sector``, ``name``, ``self_input``, ``upstream``, ``downstream``,
    ``upstream_tiers`` and ``downstream_tiers`` of ``{sector, name, coefficient, via, path}``.
    """
    tab = load_table(store, table_id, basis=basis)
    A, B = tab.A, tab.B
    codes = [str(c) for c in A.columns]
    if sector not in codes:
        raise InputError.at(
            "unknown sector", column="sector", value=sector, expected=f"a code of {table_id}, e.g. {codes[0]}"
        )
    names = sector_names(store, table_id, lang)
    a = pd.DataFrame(A.to_numpy(), index=codes, columns=codes)  # a[i, j]: input of i per unit of j
    b = pd.DataFrame(B.to_numpy(), index=codes, columns=codes)  # b[i, j]: share of i's output sold to j

    def walk(coef) -> list[list[dict[str, Any]]]:
        shown, out, frontier = {sector}, [], [(sector, 1.0)]
        for tier in range(tiers):
            level = []
            for via, path in frontier:
                s = coef(via).drop(labels=list(shown & set(codes)), errors="ignore")
                s = s[s > 0].sort_values(ascending=False).head(top if tier == 0 else fan)
                level += [
                    {
                        "sector": c,
                        "name": names.get(c),
                        "coefficient": float(v),
                        "via": via,
                        "path": path * float(v),
                    }
                    for c, v in s.items()
                    if c not in shown
                ]
                shown |= set(s.index)
            level = sorted(level, key=lambda e: -e["path"])[:top]
            out.append(level)
            frontier = [(e["sector"], e["path"]) for e in level]
        return out

    up = walk(lambda j: a[j])
    down = walk(lambda i: b.loc[i])
    return {
        "table_id": table_id,
        "sector": sector,
        "name": names.get(sector),
        "self_input": float(a.loc[sector, sector]),
        "upstream": [{k: e[k] for k in ("sector", "name", "coefficient")} for e in up[0]],
        "downstream": [{k: e[k] for k in ("sector", "name", "coefficient")} for e in down[0]],
        "upstream_tiers": up,
        "downstream_tiers": down,
    }


def _provincial_ids(store: Store) -> list[str]:
    ids = [t for t in io_tables(store)["table_id"] if t.startswith(PROVINCIAL_PREFIX)]
    if not ids:
        raise InputError.at(
            "no provincial IO tables in the store",
            column="table_id",
            expected=f"{PROVINCIAL_PREFIX}<adcode> (run 'ibrain init')",
        )
    return ids


def mrio(store: Store, *, beta: float = 1.0, reconcile: str = "mean") -> MRIOResult:
    """The 31-province MRIO of 2017 built from the stored provincial tables (cached in-process)."""
    ids = _provincial_ids(store)
    sha = _sha(store, PROVINCIAL_DATASET)
    key = ("mrio", _store_key(store), sha, tuple(ids), float(beta), reconcile)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    provs = {}
    for tid in ids:
        st = stored_table(store, tid)
        provs[st.region_code] = st
    caps = regions(store, "province").set_index("code")[["capital_lon", "capital_lat"]]
    res = build_mrio(provs, caps, beta=beta, reconcile=reconcile)
    lin = Lineage.make(
        "meso.build_mrio", dict(res.lineage.params), datasets=dataset_lineage(store, MRIO_DATASETS)
    )
    res = MRIOResult(
        table=res.table, trade=res.trade, targets=res.targets, checks=res.checks, notes=res.notes, lineage=lin
    )
    with _LOCK:
        _CACHE[key] = res
    return res


def save_mrio(store: Store, res: MRIOResult) -> str:
    """Store the estimated part of the MRIO (trade flows, targets, discrepancy) as an analysis run."""
    tr = res.trade
    flows = pd.DataFrame(
        {
            "region_code": tr["origin"],
            "sector_code": tr["sector"],
            "year": 2017,
            "measure": "interprovincial_flow",
            "value": tr["value"],
            "label": tr["destination"],
        }
    )
    tg = res.targets.reset_index().melt(
        id_vars=["region", "sector"],
        value_vars=["OF_target", "IF_target", "transit", "ERR_mrio"],
        var_name="measure",
        value_name="value",
    )
    tg = tg.rename(columns={"region": "region_code", "sector": "sector_code"}).assign(year=2017, label=None)
    checks = pd.DataFrame(
        {"measure": [f"check:{k}" for k in res.checks], "value": list(res.checks.values()), "year": 2017}
    )
    return save_run(
        store,
        "mrio",
        res.lineage,
        pd.concat([flows, tg, checks], ignore_index=True),
        note="31-province MRIO 2017: interprovincial trade flows (label = destination)",
    )


def national_comparison(
    store: Store, res: MRIOResult | None = None, national_id: str = "cn_nbs_io_2017_42"
) -> dict[str, float]:
    """How far the MRIO, summed over regions, is from the national table's domestic structure.

    Returns the ratio of total output, the correlation of the 42 × 42 domestic coefficients, their
    mean and output-weighted mean absolute deviation, the largest deviation, and the range of the
    ratios of output multipliers (MRIO aggregate ÷ national).
    """
    res = res or mrio(store)
    nat = load_table(store, national_id)
    t = res.table
    R, n = len(t.regions), len(t.sectors)
    Zagg = t.Z.to_numpy().reshape(R, n, R, n).sum(axis=(0, 2))
    xagg = t.x.to_numpy().reshape(R, n).sum(axis=0)
    An = nat.A.to_numpy()
    Zn = nat.Z.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        Am = np.where(xagg[None, :] > 0, Zagg / xagg[None, :], 0.0)
    d = np.abs(Am - An)
    mm = LeontiefLU(Am).solve_left(np.ones(n))
    mn = nat.lu.solve_left(np.ones(n))
    ratio = mm / mn
    return {
        "output_ratio": float(xagg.sum() / nat.x.sum()),
        "A_correlation": float(np.corrcoef(Am.ravel(), An.ravel())[0, 1]),
        "A_mean_abs_dev": float(d.mean()),
        "A_weighted_abs_dev": float((d * Zn).sum() / Zn.sum()),
        "A_max_abs_dev": float(d.max()),
        "multiplier_ratio_min": float(ratio.min()),
        "multiplier_ratio_max": float(ratio.max()),
        "multiplier_ratio_mean": float(ratio.mean()),
    }


def mrio_summary(store: Store, res: MRIOResult | None = None) -> tuple[pd.DataFrame, MRIOAccountsResult]:
    """By province: output, published and MRIO outflows/inflows, value added in trade, spillovers."""
    res = res or mrio(store)
    acc = mrio_accounts(res.table)
    tot = res.region_totals()
    f = tot.join(acc.to_frame())
    names = regions(store).set_index("code")
    f.insert(0, "name_en", names["name_en"].reindex(f.index).to_numpy())
    f.insert(1, "name_zh", names["name_zh"].reindex(f.index).to_numpy())
    f.index.name = "region"
    return f, acc


def chain(
    store: Store,
    table_id: str = "cn_nbs_io_2020_42",
    *,
    rule: str = "important",
    threshold: float | None = None,
    lang: str = "en",
    centralities: bool = True,
) -> ChainGraph:
    """The chain graph of a stored table (domestic coefficients)."""
    tab = load_table(store, table_id)
    names = sector_names(store, table_id, lang)
    if tab.is_mrio:  # region–sector nodes, named "region:sector"
        names = {_node_key(n): f"{n[0]} {names.get(str(n[1]), '')}" for n in tab.Z.index}
    g = chain_graph(tab.A, tab.x, rule=rule, threshold=threshold, names=names, centralities=centralities)
    return g if tab.is_mrio else _with_datasets(g, store, table_id)


def _node_key(node: Any) -> str:
    """A chain-graph node as text: a sector code, or ``"region:sector"`` for an MRIO region–sector."""
    return ":".join(map(str, node)) if isinstance(node, tuple) else str(node)


def tree_frame(
    graph: ChainGraph, sector: str, *, depth: int = 3, direction: str = "upstream"
) -> pd.DataFrame:
    """Breadth-first supplier (``upstream``) or buyer (``downstream``) tree of ``sector`` on a chain graph
    (:meth:`ChainGraph.tree`: ``depth``, ``sector``, ``parent``, ``weight``, ``path_weight`` = product of
    the link coefficients along the path, ``name``), with ``sector`` and ``parent`` as text
    (``"region:sector"`` on the MRIO)."""
    f = graph.tree(sector, depth=depth, direction=direction)
    return f.assign(sector=f["sector"].map(_node_key), parent=f["parent"].map(_node_key))


def structural_hubs_frame(graph: ChainGraph, top: int | None = None) -> pd.DataFrame:
    """The ``top`` structural hubs of a chain graph (:meth:`ChainGraph.structural_hubs`: mean of the ranks
    by hypothetical-extraction loss and by betweenness), with the node as a text column ``sector`` first.

    This is the centrality ranking that ``chain chokepoints`` showed before chokepoints were measured
    as import dependence (:func:`import_chokepoints`)."""
    f = graph.structural_hubs(top)
    f.index = f.index.map(_node_key)
    return f.rename_axis("sector").reset_index()


def import_chokepoints(store: Store, table_id: str) -> ImportDependenceResult:
    """Chokepoints (卡脖子) of a stored table: import share of supply × output at risk
    (:func:`industrial_brain.meso.chokepoint_analysis.import_dependence`), ranked.

    Imports by product: non-competitive national tables — the row sums of the imported intermediate
    and final-use blocks, with the imported intermediate use Z_m as published; competitive tables —
    the published import column IM, with Z_m = (I − ŝ) Z by the import-share assumption
    (:meth:`IOTable.domestic`). Provincial tables: competing supply is imports plus inflows from other
    provinces (IM + IF: external, not only foreign, dependence), exports include outflows (EX + OF).
    The domestic Leontief inverse and the domestic output x carry the output at risk.
    """
    if table_id == MRIO_ID:
        raise InputError.at(
            "chokepoints by import dependence need a national or provincial table",
            column="table_id",
            value=table_id,
            expected="e.g. cn_nbs_io_2020_153 or cn_nbs_io_2020_42",
        )
    key = ("chokepoints", _store_key(store), table_id, _table_sha(store, table_id))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    st = stored_table(store, table_id)
    tab = load_table(store, table_id, basis="domestic")
    idx = tab.Z.index
    notes = []
    if st.Z_imports is not None:
        imports = st.Z_imports.reindex(index=idx, columns=tab.Z.columns).to_numpy().sum(axis=1)
        if st.Y_imports is not None:
            imports = imports + st.Y_imports.reindex(index=idx).fillna(0.0).to_numpy().sum(axis=1)
        notes.append("non-competitive table: imports and imported intermediate use as published")
    else:
        ext = [c for c in ("IM", "IF") if c in st.trade.columns]
        imports = st.trade[ext].reindex(idx).fillna(0.0).to_numpy().sum(axis=1)
        notes.append(
            "competitive table: imports from the column "
            + " + ".join(ext)
            + "; imported intermediate use by the import-share assumption (every user of a product "
            "draws the same import share)"
        )
        if "IF" in ext:
            notes.append("provincial table: competing supply includes inflows from other provinces")
    ex = [c for c in ("EX", "OF") if c in st.Y.columns or c in st.trade.columns]
    exports = sum(
        (st.Y[c] if c in st.Y.columns else st.trade[c]).reindex(idx).fillna(0.0).to_numpy() for c in ex
    )
    res = tab.import_dependence(imports=imports, exports=exports if ex else None, names=st.sectors)
    res = dataclasses.replace(res, notes=tuple(notes) + res.notes)
    res = _with_datasets(res, store, table_id)
    with _LOCK:
        _CACHE[key] = res
    return res


def chokepoints_frame(res: ImportDependenceResult, top: int | None = None, lang: str = "en") -> pd.DataFrame:
    """The ``top`` chokepoints (:func:`import_chokepoints`), ranked first to last, with ``sector`` (the
    code, as text) as the first column and ``name`` in ``lang``; column names stay English (codes)."""
    f = res.chokepoints(top, lang="en")
    if lang != "en":
        f = f.assign(name=res.names[f"name_{lang}"].reindex(f.index.astype(str)).to_numpy())
    f.index = f.index.map(_node_key)
    f["top_user"] = [None if u is None else _node_key(u) for u in f["top_user"]]
    return f.rename_axis("sector").reset_index()


def chokepoint_users(
    res: ImportDependenceResult, sector: str, *, top: int | None = 10, lang: str = "en"
) -> pd.DataFrame:
    """Output at risk of one product by using sector (:meth:`ImportDependenceResult.users`), with the
    user code as a text column ``user`` first."""
    f = res.users(sector, top=top, lang="en")
    if lang != "en":
        f = f.assign(name=res.names[f"name_{lang}"].reindex(f.index.astype(str)).to_numpy())
    f.index = f.index.map(_node_key)
    return f.rename_axis("user").reset_index()


def _with_datasets(res: Any, store: Store, table_id: str) -> Any:
    """``res`` with the stored input datasets (id, sha256) added to its lineage."""
    lin = res.lineage
    ds = dataset_lineage(store, [table_dataset(store, table_id)])
    lin = Lineage(
        method=lin.method, params=lin.params, datasets=ds, seed=lin.seed, version=lin.version, at=lin.at
    )
    return dataclasses.replace(res, lineage=lin)


def _digital(tab: IOTable, digital: Sequence[str], basis: str, names: pd.Series | None) -> DigitalIntegration:
    return digital_integration(tab.A, tab.x, digital=digital, basis=basis, names=names, lu=tab.lu)


def digital_national(
    store: Store,
    *,
    table_ids: Sequence[str] = NATIONAL_42,
    digital: Sequence[str] = DIGITAL_CORE_NBS42,
    basis: str = "total",
    lang: str = "en",
) -> dict[str, DigitalIntegration]:
    """Digital input coefficients of the national 42-sector tables (default 2017, 2018, 2020)."""
    out = {}
    for tid in table_ids:
        tab = load_table(store, tid, basis=basis)
        out[tid] = _with_datasets(_digital(tab, digital, basis, sector_names(store, tid, lang)), store, tid)
    return out


def digital_provinces(
    store: Store, *, digital: Sequence[str] = DIGITAL_CORE_NBS42, basis: str = "total", lang: str = "en"
) -> pd.DataFrame:
    """Province × sector digital input coefficients of the 31 provincial tables (long frame).

    ``basis="total"`` uses the competitive tables as published (inputs of every origin);
    ``"domestic"`` the local coefficients by the import-share assumption (imports and inflows as
    competing supply).
    """
    res = {}
    for tid in _provincial_ids(store):
        tab = load_table(store, tid, basis=basis)
        res[tid.removeprefix(PROVINCIAL_PREFIX)] = _digital(tab, digital, basis, None)
    f = digital_panel(res).rename(columns={"key": "region_code"})
    return f


def digital_spillover(store: Store, *, digital: Sequence[str] = DIGITAL_CORE_NBS42) -> pd.DataFrame:
    """Output induced in each province by each province's final demand for digital products (MRIO).

    Long frame: ``origin``, ``demand`` (demanding province), ``induced_output``, plus per demanding
    province ``digital_demand`` and the share of the induced output outside it (``spillover_share``).
    """
    res = mrio(store)
    sp = spillover_of_demand(res.table, digital)
    demand = sp.loc["demand"]
    ind = sp.drop(index="demand")
    long = ind.stack().rename("induced_output").reset_index()
    tot = ind.sum(axis=0)
    own = pd.Series(np.diag(ind.to_numpy()), index=ind.columns)
    long["digital_demand"] = long["demand"].map(demand)
    long["spillover_share"] = long["demand"].map(1 - own / tot)
    return long
