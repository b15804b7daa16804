"""A seeded synthetic production network drawn from a multi-regional IO table (SYNTHETIC data).

Firms are placed in each region–sector in proportion to its gross output, with heavy-tailed
(Pareto) sizes; transaction records are drawn in proportion to the intermediate flows ``Z`` (so to
the interregional technical coefficients ``a_ij^rs = z_ij^rs / x_j^s``), the seller and the buyer
within a region–sector in proportion to their size, amounts i.i.d. log-normal. Aggregated back to
region × sector (:func:`industrial_brain.store.portable.region_sector_flows`), the records give an
unbiased estimate of ``Z`` with a known sampling error (:func:`flow_sampling_sd`).

Every firm's name starts with ``合成企业`` (synthetic firm) and every result says SYNTHETIC: these
are demo and benchmark data, never observations. Written here because no maintained library draws
firm networks from an MRIO (network generators such as networkx's know no IO structure).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.reference.uscc import make_usccs

SYNTHETIC_NAME = "合成企业"
#: Size classes by rank of size within the whole population (largest first): top 1 % large,
#: next 9 % medium, next 40 % small, the rest micro (a stylised split, not the NBS thresholds).
SIZE_SHARES = (("large", 0.01), ("medium", 0.09), ("small", 0.40), ("micro", 0.50))


@dataclass(frozen=True)
class SyntheticNetwork(ResultMixin):
    """Synthetic firms of an MRIO and what is needed to draw their transactions.

    Attributes
    ----------
    firms : DataFrame
        ``uscc, name, region_code, sector_code, sector_scheme, size_class, founding_year, employees,
        revenue_cny, size`` (``size``: the Pareto draw, relative), sorted by region–sector.
    cells : DataFrame
        The (region, sector) × (region, sector) cells with flows > 0: ``seller_cell``, ``buyer_cell``
        (positions in ``nodes``), ``p`` (share of all flows).
    nodes : MultiIndex
        The (region, sector) of the MRIO, in order; ``start``/``stop`` give each node's firms.
    amount_cny : float
        Total intermediate flows in CNY (``Σ Z`` × ``unit_cny``): the expected sum of all records.
    year : int
    sigma : float
        Log-normal σ of record amounts.
    notes : tuple of str
    lineage : Lineage
    """

    firms: pd.DataFrame
    cells: pd.DataFrame
    nodes: pd.MultiIndex
    start: np.ndarray
    stop: np.ndarray
    amount_cny: float
    year: int
    sigma: float
    notes: tuple[str, ...]
    lineage: Lineage
    _cum: np.ndarray = field(repr=False, default=None)

    title_en = "Synthetic production network (SYNTHETIC)"
    title_zh = "合成企业生产网络（合成数据）"

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("企业数" if zh else "firms", len(self.firms))
        yield ("地区×部门" if zh else "region–sectors", len(self.nodes))
        yield ("流量单元" if zh else "flow cells", len(self.cells))
        yield ("中间流量合计（元）" if zh else "intermediate flows (CNY)", self.amount_cny)
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The synthetic firms."""
        return self.firms

    def draw(self, n_records: int, *, seed: int, chunk: int = 5_000_000) -> Iterator[dict[str, np.ndarray]]:
        """Draw ``n_records`` transactions in chunks of at most ``chunk``: dicts of arrays ``seller``,
        ``buyer`` (row positions in :attr:`firms`), ``day`` (day of :attr:`year`, 0-based),
        ``amount_cny`` (rounded to the fen) and ``record`` (0-based serial numbers).

        Notes
        -----
        Each chunk draws cell counts from Multinomial(n, p) with ``p = z / Σz``; within a cell the
        seller (buyer) is a firm of the seller (buyer) node with probability ∝ its size; a buyer that
        would be the seller is moved to the node's next firm (no self-trade). Amounts are
        ``μ·exp(σε − σ²/2)``, ε ~ N(0, 1), with μ = Σ amounts / ``n_records``, so E[amount] = μ.
        """
        rng = np.random.default_rng(seed)
        mu = self.amount_cny / n_records
        cells = self.cells
        p = cells["p"].to_numpy()
        sc, bc = cells["seller_cell"].to_numpy(), cells["buyer_cell"].to_numpy()
        done = 0
        while done < n_records:
            n = min(chunk, n_records - done)
            counts = rng.multinomial(n, p)
            which = np.repeat(np.arange(len(p)), counts)
            rng.shuffle(which)
            seller = self._pick(sc[which], rng)
            buyer = self._pick(bc[which], rng)
            same = seller == buyer
            if same.any():
                node = bc[which[same]]
                size = self.stop[node] - self.start[node]
                buyer[same] = self.start[node] + (buyer[same] - self.start[node] + 1) % size
            amount = mu * np.exp(self.sigma * rng.standard_normal(n) - self.sigma**2 / 2)
            yield {
                "record": np.arange(done, done + n, dtype=np.int64),
                "seller": seller,
                "buyer": buyer,
                "day": rng.integers(0, _days(self.year), n).astype(np.int32),
                "amount_cny": np.maximum(np.round(amount, 2), 0.01),
            }
            done += n

    def _pick(self, node: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A firm of each ``node`` drawn with probability ∝ size (inverse CDF on the global cumsum)."""
        lo = np.where(self.start[node] > 0, self._cum[self.start[node] - 1], 0.0)
        hi = self._cum[self.stop[node] - 1]
        u = lo + rng.random(len(node)) * (hi - lo)
        idx = np.searchsorted(self._cum, u, side="right")
        return np.clip(idx, self.start[node], self.stop[node] - 1).astype(np.int32)

    def transactions(self, n_records: int, *, seed: int) -> pd.DataFrame:
        """``n_records`` transactions as a frame with the ingest's columns (``record_id, seller_uscc,
        buyer_uscc, date, amount_cny``): for small draws (tests, demos)."""
        parts = list(self.draw(n_records, seed=seed))
        uscc = self.firms["uscc"].to_numpy()
        return pd.DataFrame(
            {
                "record_id": np.concatenate([d["record"] for d in parts]).astype(str),
                "seller_uscc": uscc[np.concatenate([d["seller"] for d in parts])],
                "buyer_uscc": uscc[np.concatenate([d["buyer"] for d in parts])],
                "date": pd.Timestamp(f"{self.year}-01-01")
                + pd.to_timedelta(np.concatenate([d["day"] for d in parts]), unit="D"),
                "amount_cny": np.concatenate([d["amount_cny"] for d in parts]),
            }
        )


def _days(year: int) -> int:
    return 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365


def flow_sampling_sd(p: Any, n_records: int, amount_cny: float, sigma: float) -> np.ndarray:
    """Standard deviation of a cell's aggregated amount under :meth:`SyntheticNetwork.draw`.

    Notes
    -----
    A cell's sum ``S = Σ_k a_k 1[record k in cell]`` over ``N`` i.i.d. records with
    ``P(cell) = p`` and amounts of mean μ and ``E[a²] = μ²·e^{σ²}`` (log-normal) has
    ``E[S] = Npμ`` and ``Var S = Nμ²·p·(e^{σ²} − p)``; the relative error of the cell (and of its
    coefficient ``a_ij^rs``) is ``≈ e^{σ²/2} / √(Np)``: 1/√(expected records) times e^{σ²/2}.

    >>> round(float(flow_sampling_sd(0.01, 10_000, 1e6, 0.0)[0] / 1e4), 4)  # 100 records: ≈ 10 %
    0.0995
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))
    mu = amount_cny / n_records
    return mu * np.sqrt(n_records * p * (np.exp(sigma**2) - p))


def synthetic_firm_network(
    Z: pd.DataFrame,
    x: pd.Series,
    *,
    n_firms: int,
    seed: int,
    year: int = 2017,
    unit_cny: float = 1e4,
    pareto_alpha: float = 1.1,
    sigma: float = 1.0,
    sector_scheme: str = "nbs2017_42",
) -> SyntheticNetwork:
    """Synthetic firms of an MRIO (index (region, sector) on ``Z`` and ``x``), ready to draw records.

    Parameters
    ----------
    Z, x : the MRIO's intermediate flows and gross output, in table units (``unit_cny`` CNY each;
        the embedded tables are in 10⁴ CNY).
    n_firms : int
        About how many firms (each node with output gets at least one, two where it trades with
        itself).
    pareto_alpha : float
        Tail index of firm sizes (P(size > s) = s^−α; α ≈ 1.1 is Zipf-like, Axtell 2001).
    sigma : float
        Log-normal σ of record amounts.

    Notes
    -----
    Node ``(r, i)`` gets ``n_ri ∝ x_ri`` firms (largest remainder); firm f has size ``s_f ~ Pareto(α)``
    and revenue ``x_ri · s_f / Σ_{g∈(r,i)} s_g``. Records follow :meth:`SyntheticNetwork.draw`.

    References
    ----------
    Axtell, R. L. (2001). Zipf distribution of U.S. firm sizes. *Science* 293(5536), 1818–1820.
    Miller & Blair (2009), §3.3 (interregional coefficients ``a_ij^rs = z_ij^rs / x_j^s``).
    """
    if n_firms < 1 or not Z.index.equals(Z.columns) or not Z.index.equals(x.index):
        raise InputError.at(
            "bad MRIO for the synthetic network",
            column="Z",
            expected="square Z with the (region, sector) index of x, and n_firms ≥ 1",
        )
    rng = np.random.default_rng(seed)
    Zv = np.clip(np.asarray(Z, dtype=float), 0, None)
    xv = np.clip(np.asarray(x, dtype=float), 0, None)
    active = (xv > 0) | (Zv.sum(1) > 0) | (Zv.sum(0) > 0)
    share = np.where(active, xv, 0) / xv[active].sum()
    raw = share * n_firms
    n = np.floor(raw).astype(np.int64)
    left = int(n_firms - n.sum())
    if left > 0:
        n[np.argsort(-(raw - n))[:left]] += 1
    n = np.where(active, np.maximum(n, np.where(np.diag(Zv) > 0, 2, 1)), 0)
    stop = np.cumsum(n)
    start = stop - n
    total = int(stop[-1])
    node = np.repeat(np.arange(len(n)), n)
    size = rng.pareto(pareto_alpha, total) + 1.0
    node_size = np.bincount(node, weights=size, minlength=len(n))
    revenue = xv[node] * unit_cny * size / node_size[node]
    rank = np.argsort(np.argsort(-size, kind="stable"), kind="stable") / total
    bounds = np.cumsum([s for _, s in SIZE_SHARES])
    size_class = np.asarray([c for c, _ in SIZE_SHARES], dtype=object)[np.searchsorted(bounds, rank, "right")]
    regions = np.asarray(Z.index.get_level_values(0), dtype="U6")[node]
    sectors = np.asarray(Z.index.get_level_values(1), dtype=object)[node]
    firms = pd.DataFrame(
        {
            "uscc": make_usccs(regions, np.arange(total) + 1),
            "name": np.char.add(SYNTHETIC_NAME, np.char.zfill(np.arange(1, total + 1).astype("U9"), 7)),
            "region_code": regions.astype(object),
            "sector_code": sectors,
            "sector_scheme": sector_scheme,
            "size_class": size_class,
            "founding_year": rng.integers(1980, year, total),
            "employees": np.maximum(np.round(revenue / 1.5e6), 1.0),
            "revenue_cny": revenue,
            "size": size,
        }
    )
    si, bj = np.nonzero(Zv > 0)
    z = Zv[si, bj]
    cells = pd.DataFrame({"seller_cell": si, "buyer_cell": bj, "p": z / z.sum()})
    lin = Lineage.make(
        "meso.synthetic_firm_network",
        {
            "n_firms": n_firms,
            "year": year,
            "pareto_alpha": pareto_alpha,
            "sigma": sigma,
            "unit_cny": unit_cny,
        },
        seed=seed,
    )
    return SyntheticNetwork(
        firms=firms,
        cells=cells,
        nodes=Z.index,
        start=readonly(start),
        stop=readonly(stop),
        amount_cny=float(z.sum() * unit_cny),
        year=year,
        sigma=sigma,
        notes=("SYNTHETIC: drawn from the MRIO, not observed",),
        lineage=lin,
        _cum=readonly(np.cumsum(size)),
    )
