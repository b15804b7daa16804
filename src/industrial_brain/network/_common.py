"""The firm graph every network engine reads, its validation, and the helpers the engines share.

Input format (in memory; the ingest checks files, this checks frames):

* **firms** — one row per firm: ``uscc`` (unique), ``region_code``, ``sector_code``; optional
  ``revenue`` (annual output, CNY), ``size`` (any size measure, e.g. employees) and ``innovation``
  (any innovation indicator: patents, R&D spending).
* **edges** — firm-to-firm sales: ``seller``, ``buyer`` (USCCs of listed firms), ``amount`` (CNY, > 0);
  optional ``year``. Several records of the same pair are summed.

:func:`firm_graph` turns both into a :class:`FirmGraph`: firms in a fixed order (positions 0 … n−1),
edges as position arrays, and the sparse flow matrix Z (z_ij = sales of i to j, CSR, scipy.sparse)
built once. Every engine takes a ``FirmGraph``; nothing here reads a file or the store.

The firm's output x_i is its ``revenue`` where given, else the larger of its sales and its
purchases in the graph (a firm selling only to final users shows no sales in a transaction graph;
its purchases are then the least its output can be). Which one was used is in ``FirmGraph.notes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from industrial_brain._shared.geo import great_circle_km
from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.i18n import label as _shared_label
from industrial_brain.errors import InputError
from industrial_brain.macro.normalisation import normalize

__all__ = ["FirmGraph", "firm_graph", "network_label", "relabel"]

FIRM_COLUMNS = ("uscc", "region_code", "sector_code")
EDGE_COLUMNS = ("seller", "buyer", "amount")
OPTIONAL_FIRM_COLUMNS = ("revenue", "size", "innovation")

#: Chinese labels of the network results' columns (codes never change with the language).
NETWORK_LABELS_ZH: dict[str, str] = {
    "firm": "企业",
    "coefficient": "直接消耗系数",
    "uscc": "统一社会信用代码",
    "region_code": "地区代码",
    "sector_code": "部门代码",
    "input_sector": "投入部门",
    "output": "产出",
    "sales": "销售额",
    "purchases": "采购额",
    "suppliers": "供应商数",
    "customers": "客户数",
    "supplier_hhi": "供应商集中度HHI",
    "customer_hhi": "客户集中度HHI",
    "supplier_equivalent": "等效供应商数",
    "customer_equivalent": "等效客户数",
    "pagerank_supplier": "供应中心度(PageRank)",
    "pagerank_buyer": "需求中心度(PageRank)",
    "eigenvector": "特征向量中心度",
    "output_at_risk": "风险产出",
    "output_at_risk_share": "风险产出占比",
    "rank": "排名",
    "input_purchases": "该投入采购额",
    "input_share": "投入占比",
    "top1": "第一供应商",
    "top2": "第二供应商",
    "top1_share": "第一供应商份额",
    "top2_share": "前两家份额",
    "through": "依赖企业数",
    "day": "天",
    "output_lost": "产出损失",
    "firms_hit": "受影响企业数",
    "loss_share": "损失占比",
    "min_production_ratio": "最低产出比",
    "day_of_min": "最低日",
    "first_hit_day": "首次受影响日",
    "firms": "企业数",
    "lq": "区位熵",
    "growth": "增长率",
    "innovation": "创新",
    "size_score": "规模得分",
    "clustering_score": "集聚得分",
    "operations_score": "运行得分",
    "innovation_score": "创新得分",
    "score": "综合得分",
    "link": "环节",
    "position": "位置",
    "need": "按全国结构的需求",
    "local_supply": "本地供给",
    "coverage": "本地配套率",
    "local_firms": "本地企业数",
    "status": "状态",
    "action": "对策",
    "candidate": "候选企业",
    "distance_km": "距离(公里)",
    "reliability": "稳定性",
    "sector_fit": "产业契合度",
    "reasons": "理由",
    "buyer": "采购方",
    "seller": "供应方",
    "supplier": "推荐供应商",
    "current_supplier": "现供应商",
    "amount": "金额",
    "current_km": "现距离(公里)",
    "new_km": "新距离(公里)",
    "km_saved": "节省运距(金额·公里)",
    "explanation": "说明",
    "spare_capacity": "富余产能",
}


def network_label(key: str, lang: str = "en") -> str:
    """The label of a network result column ``key`` in ``lang`` (``en``: the key itself)."""
    check_lang(lang)
    if lang == "en":
        return key
    return NETWORK_LABELS_ZH.get(key) or _shared_label(key, lang)


def relabel(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` with its columns and index names labelled in ``lang`` (a copy; codes kept)."""
    check_lang(lang)
    if lang == "en":
        return frame
    out = frame.rename(columns=lambda c: network_label(str(c), lang))
    out.index = out.index.set_names([network_label(str(n), lang) if n else n for n in out.index.names])
    return out


def _require_columns(frame: Any, needed: Iterable[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError.at(f"{what} must be a table", value=type(frame).__name__, expected="a DataFrame")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError.at(
            f"{what} lacks column '{missing[0]}'", value=list(frame.columns)[:8], expected=", ".join(needed)
        )
    return frame


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _codes(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    values = frame[column]
    bad = values.isna().to_numpy()
    if bad.any():
        i = _first_bad(bad)
        raise InputError.at(f"missing {column}", file=what, row=i + 1, column=column, expected="a code")
    return values.astype(str).to_numpy()


def _numbers(frame: pd.DataFrame, column: str, what: str, *, positive: bool) -> np.ndarray:
    try:
        v = pd.to_numeric(frame[column], errors="raise").to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        bad = pd.to_numeric(frame[column], errors="coerce").isna().to_numpy()
        i = _first_bad(bad)
        raise InputError.at(
            f"{column} is not a number",
            file=what,
            row=i + 1,
            column=column,
            value=frame[column].iloc[i],
            expected="a number",
        ) from None
    bad = ~np.isfinite(v) | ((v <= 0) if positive else (v < 0))
    if bad.any():
        i = _first_bad(bad)
        raise InputError.at(
            f"bad {column}",
            file=what,
            row=i + 1,
            column=column,
            value=float(v[i]),
            expected="a finite number > 0" if positive else "a finite number ≥ 0",
        )
    return v


@dataclass(frozen=True, eq=False)
class FirmGraph:
    """Firms and the weighted directed graph of their sales (seller → buyer).

    Attributes
    ----------
    firms : DataFrame
        One row per firm in position order (index 0 … n−1): ``uscc``, ``region_code``, ``sector_code`` and
        whichever of ``revenue``, ``size``, ``innovation`` were given.
    seller, buyer : ndarray of int64 (m,)
        Positions of each edge's seller and buyer.
    amount : ndarray of float64 (m,)
        Sales of the edge, CNY.
    year : ndarray of int64 (m,) or None
        The edge's year, when given.
    notes : tuple of str
        How output was measured, what was summed.
    """

    firms: pd.DataFrame
    seller: np.ndarray
    buyer: np.ndarray
    amount: np.ndarray
    year: np.ndarray | None
    notes: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Number of firms."""
        return len(self.firms)

    @property
    def years(self) -> tuple[int, ...]:
        """The years the edges cover (empty when edges carry no year)."""
        return () if self.year is None else tuple(int(y) for y in np.unique(self.year))

    @cached_property
    def Z(self) -> sp.csr_array:
        """Flow matrix Z (n × n, CSR): z_ij = Σ sales of firm i to firm j over the edges."""
        Z = sp.csr_array((self.amount, (self.seller, self.buyer)), shape=(self.n, self.n))
        Z.sum_duplicates()
        return Z

    @cached_property
    def sales(self) -> np.ndarray:
        """s_i = Σ_j z_ij, sales of each firm to other firms in the graph."""
        return np.bincount(self.seller, weights=self.amount, minlength=self.n)

    @cached_property
    def purchases(self) -> np.ndarray:
        """m_j = Σ_i z_ij, purchases of each firm from other firms in the graph."""
        return np.bincount(self.buyer, weights=self.amount, minlength=self.n)

    @cached_property
    def output(self) -> np.ndarray:
        """x_i: ``revenue`` where given, else max(sales_i, purchases_i) (see the module docstring)."""
        if "revenue" in self.firms.columns:
            return self.firms["revenue"].to_numpy(dtype=np.float64)
        return np.maximum(self.sales, self.purchases)

    @cached_property
    def uscc(self) -> np.ndarray:
        """USCC of each firm, in position order."""
        return self.firms["uscc"].to_numpy()

    @cached_property
    def index(self) -> pd.Index:
        """The USCCs as a pandas Index named ``uscc`` (built once: results index their firm tables on it)."""
        return pd.Index(self.firms["uscc"], name="uscc")

    def column(self, name: str) -> Any:
        """A firm column as its pandas array (no conversion through numpy objects)."""
        return self.firms[name].array

    def codes(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """Integer codes of a firm column (``region_code``, ``sector_code``) and their values, sorted."""
        codes, uniques = pd.factorize(self.firms[column], sort=True)
        return codes.astype(np.int64), pd.Index(uniques, name=column)

    def positions(self, usccs: Iterable[Any], what: str = "firm") -> np.ndarray:
        """Positions of the firms with these USCCs; an unknown USCC is an :class:`InputError`."""
        index = pd.Index(self.uscc)
        wanted = pd.Index([str(u) for u in usccs])
        pos = index.get_indexer(wanted)
        if (pos < 0).any():
            raise InputError.at(
                f"unknown {what}",
                value=str(wanted[int(np.argmax(pos < 0))]),
                expected="a USCC of the firms table",
            )
        return pos.astype(np.int64)

    def region_and_sector(self, region: str) -> tuple[np.ndarray, np.ndarray]:
        """Every firm's region and sector code, after checking that ``region`` has firms."""
        reg = self.firms["region_code"].to_numpy()
        if region not in set(reg):
            raise InputError.at(
                "no firm in this region",
                column="region",
                value=region,
                expected="a region_code of the firms table",
            )
        return reg, self.firms["sector_code"].to_numpy()

    def single_year(self, what: str) -> None:
        """Refuse a graph that sums several years where ``what`` needs one year's flows."""
        if len(self.years) > 1:
            raise InputError.at(
                f"{what} needs one year's flows",
                column="year",
                value=list(self.years),
                expected="firm_graph(firms, edges, year=Y)",
            )

    def year_mask(self, year: int | None = None) -> tuple[np.ndarray, int | None]:
        """Edges of one year (``year``, default the last) for measures set against annual output.

        Returns the boolean edge mask and the year (all edges and None when edges carry no year).
        """
        if self.year is None:
            return np.ones(len(self.amount), dtype=bool), None
        y = self.years[-1] if year is None else int(year)
        if y not in self.years:
            raise InputError.at(
                "no edge in this year", column="year", value=y, expected=f"one of {list(self.years)}"
            )
        return self.year == y, y

    def lineage_params(self) -> dict[str, Any]:
        """What the graph contributes to a result's lineage: its size and years."""
        return {"firms": self.n, "edges": int(len(self.amount)), "years": list(self.years)}


def _lookup(values: pd.Series, keys: pa.Array) -> np.ndarray:
    """Position of each value among ``keys`` (−1 where absent), by Arrow's hash lookup.

    ``pyarrow.compute.index_in`` is three times as fast as ``pandas.Index.get_indexer`` on millions of
    USCC strings (the edge list's two columns are the largest thing to look up).
    """
    v = pa.array(values.astype(str)) if values.dtype != "str" else pa.array(values)
    if not pa.types.is_string(v.type) and not pa.types.is_large_string(v.type):
        v = v.cast(pa.string())
    idx = pc.index_in(v, value_set=keys.cast(v.type))
    return pc.fill_null(idx, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def firm_graph(firms: pd.DataFrame, edges: pd.DataFrame, *, year: int | None = None) -> FirmGraph:
    """Validate a firms table and an edge list and build the :class:`FirmGraph`.

    Parameters
    ----------
    firms : DataFrame
        ``uscc``, ``region_code``, ``sector_code`` [, ``revenue``, ``size``, ``innovation``].
    edges : DataFrame
        ``seller``, ``buyer``, ``amount`` [, ``year``].
    year : int, optional
        Keep only the edges of this year (needs a ``year`` column).

    Returns
    -------
    FirmGraph

    Raises
    ------
    InputError
        A missing column, a duplicate or missing USCC, a missing region or sector, a negative revenue,
        an edge whose seller or buyer is not a listed firm, a self-trade, an amount that is not > 0, an
        unknown year. The message names the table (``firms`` / ``edges``), the 1-based row and the column.

    Notes
    -----
    Z = Σ_records amount · e_seller e_buyerᵀ (duplicates summed), stored as a scipy CSR matrix.

    References
    ----------
    Bernard, A. B. & Zi, Y. (2022). Sparse production networks. NBER Working Paper 30496 (firm-to-firm
    transaction data as a weighted directed graph).

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"uscc": ["A", "B", "C"], "region_code": ["11", "11", "31"],
    ...                       "sector_code": ["s1", "s2", "s2"]})
    >>> edges = pd.DataFrame({"seller": ["A", "A", "B"], "buyer": ["B", "B", "C"], "amount": [2.0, 3.0, 4.0]})
    >>> g = firm_graph(firms, edges)
    >>> g.Z.toarray().tolist()
    [[0.0, 5.0, 0.0], [0.0, 0.0, 4.0], [0.0, 0.0, 0.0]]
    >>> g.output.tolist()          # no revenue given: max(sales, purchases)
    [5.0, 5.0, 4.0]
    """
    _require_columns(firms, FIRM_COLUMNS, "firms")
    _require_columns(edges, EDGE_COLUMNS, "edges")
    uscc = _codes(firms, "uscc", "firms")
    dup = pd.Index(uscc).duplicated()
    if dup.any():
        i = _first_bad(dup)
        raise InputError.at(
            "duplicate uscc",
            file="firms",
            row=i + 1,
            column="uscc",
            value=uscc[i],
            expected="one row per firm",
        )
    table = {"uscc": uscc}
    for c in ("region_code", "sector_code"):
        table[c] = _codes(firms, c, "firms")
    notes: list[str] = []
    for c in OPTIONAL_FIRM_COLUMNS:
        if c in firms.columns:
            table[c] = _numbers(firms, c, "firms", positive=False)
    frame = pd.DataFrame(table)
    e = edges
    if year is not None:
        if "year" not in e.columns:
            raise InputError.at(
                "edges have no year column", column="year", value=year, expected="a 'year' column"
            )
        e = e[pd.to_numeric(e["year"], errors="coerce").to_numpy() == int(year)]
        if not len(e):
            raise InputError.at(
                "no edge in this year",
                column="year",
                value=int(year),
                expected=f"one of {sorted(pd.unique(edges['year']).tolist())}",
            )
    keys = pa.array(uscc, type=pa.string())
    ends = {}
    for c in ("seller", "buyer"):
        pos = _lookup(e[c], keys)
        if (pos < 0).any():
            i = _first_bad(pos < 0)
            raise InputError.at(
                f"unknown {c}",
                file="edges",
                row=i + 1,
                column=c,
                value=str(e[c].iloc[i]),
                expected="a uscc of the firms table",
            )
        ends[c] = pos.astype(np.int64)
    self_trade = ends["seller"] == ends["buyer"]
    if self_trade.any():
        i = _first_bad(self_trade)
        raise InputError.at(
            "self-trade",
            file="edges",
            row=i + 1,
            column="buyer",
            value=str(e["buyer"].iloc[i]),
            expected="a buyer other than the seller",
        )
    amount = _numbers(e, "amount", "edges", positive=True)
    yr = None
    if "year" in e.columns:
        yv = pd.to_numeric(e["year"], errors="coerce").to_numpy(dtype=np.float64)
        if np.isnan(yv).any():
            i = _first_bad(np.isnan(yv))
            raise InputError.at(
                "bad year",
                file="edges",
                row=i + 1,
                column="year",
                value=e["year"].iloc[i],
                expected="a year",
            )
        yr = yv.astype(np.int64)
    notes.append(
        "output = revenue"
        if "revenue" in frame.columns
        else "output = max(sales, purchases) in the graph (no revenue given)"
    )
    return FirmGraph(frame, ends["seller"], ends["buyer"], amount, yr, tuple(notes))


def indicator(codes: np.ndarray, n_groups: int) -> sp.csr_array:
    """Membership matrix G (n × k, CSR): g_ik = 1 when item i is in group k (codes 0 … k−1)."""
    n = len(codes)
    return sp.csr_array((np.ones(n), (np.arange(n), codes)), shape=(n, n_groups))


def hhi_rows(M: sp.sparray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Herfindahl–Hirschman index of each row of a non-negative sparse matrix.

    H_r = Σ_c (m_rc / M_r)² = (Σ_c m_rc²) / M_r² with M_r = Σ_c m_rc; returns ``(H, M_r, n_r)`` with
    n_r the number of non-zero cells of row r (H = NaN where M_r = 0).
    """
    M = sp.csr_array(M)
    M.sum_duplicates()
    M.eliminate_zeros()
    total = np.asarray(M.sum(axis=1)).ravel()
    sq = np.asarray(M.multiply(M).sum(axis=1)).ravel()
    H = np.full(len(total), np.nan)
    np.divide(sq, total * total, out=H, where=total > 0)
    return H, total, np.diff(M.indptr)


def scaled(values: Any, direction: str = "+", *, log: bool = False) -> np.ndarray:
    """Min–max score in [0, 1] of the finite values (higher is better), by :func:`macro.normalize`.

    ``direction="-"`` scores the smallest value 1; ``log=True`` scales ln(v) (v > 0; sizes are
    heavy-tailed). NaN stays NaN; fewer than two distinct finite values give NaN everywhere (an
    indicator that does not vary says nothing about the ranking).
    """
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, np.nan)
    ok = np.isfinite(v) & ((v > 0) if log else True)
    if len(np.unique(v[ok])) < 2:
        return out
    panel = pd.DataFrame({"v": v[ok]})
    out[ok] = normalize(panel, {"v": direction}, "log" if log else "minmax").X["v"].to_numpy()
    return out


def fmt_cny(v: float, lang: str = "en") -> str:
    """An amount in CNY as a person reads it: 亿元/万元 in Chinese, million/billion in English."""
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return f"{v / 1e8:,.2f}亿元"
        return f"{v / 1e4:,.1f}万元" if a >= 1e4 else f"{v:,.0f}元"
    if a >= 1e9:
        return f"CNY {v / 1e9:,.2f} bn"
    return f"CNY {v / 1e6:,.1f} m" if a >= 1e6 else f"CNY {v:,.0f}"


def region_distances(distance: Any, regions: Iterable[Any]) -> pd.DataFrame:
    """A region × region distance table (km) covering ``regions``, from a square frame or centroids.

    ``distance`` is either a square DataFrame (index and columns = region codes, km) or a frame of
    centroids with columns ``lon``, ``lat`` indexed by region code (great-circle distance,
    :func:`industrial_brain._shared.geo.great_circle_km`).
    """
    if not isinstance(distance, pd.DataFrame):
        raise InputError.at(
            "distance must be a table",
            value=type(distance).__name__,
            expected="a region × region km table or centroids (lon, lat)",
        )
    if {"lon", "lat"} <= set(distance.columns):
        D = pd.DataFrame(
            great_circle_km(distance["lon"].to_numpy(), distance["lat"].to_numpy()),
            index=distance.index.astype(str),
            columns=distance.index.astype(str),
        )
    else:
        D = distance.copy()
        D.index = D.index.astype(str)
        D.columns = D.columns.astype(str)
    need = pd.Index([str(r) for r in regions]).unique()
    missing = need.difference(D.index).union(need.difference(D.columns))
    if len(missing):
        raise InputError.at(
            "distance lacks a region", value=str(missing[0]), expected="every region of the firms"
        )
    D = D.loc[need, need].astype(np.float64)
    if not np.isfinite(D.to_numpy()).all() or (D.to_numpy() < 0).any():
        raise InputError.at("distance must be finite and ≥ 0", expected="km ≥ 0 in every cell")
    return D
