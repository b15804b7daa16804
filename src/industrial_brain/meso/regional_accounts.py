"""Accounts of a multi-regional table: value added in trade, spillover multipliers, footprints.

For an MRIO with regions r, s and L = (I − A)⁻¹ (never formed: one LU factorisation of (I − A)ᵀ):

* **value added in trade** VA[r, d] = Σ_{i∈r} v_i (L y_d)_i, the value added created in origin r
  by final demand d (each region's local final use, plus exports abroad and the discrepancy
  column): the rows sum to each region's value added, the columns to each destination's
  final demand (Johnson & Noguera 2012; Miller & Blair 2009, section 10.9);
* **spillover multipliers** S[r, s] = Σ_{i∈r} (L y_s)_i / 1'y_s, output in r per unit of s's
  final demand with its own product mix (diagonal: intraregional, off-diagonal: spillover;
  Round 1985, Miller & Blair section 3.3.3), and the block column sums of L,
  m[r, (s, j)] = Σ_{i∈r} L_{(r,i),(s,j)} (the interregional decomposition of output multipliers);
* **footprints** (production- vs consumption-based satellite accounts) by
  :func:`~industrial_brain.meso.accounts.satellite_accounts`, with value added (or any
  satellite F) as the stressor and each region's local final use as its consumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.meso._common import safe_reciprocal
from industrial_brain.meso.accounts import AccountsResult, satellite_accounts
from industrial_brain.meso.iotable import IOTable

__all__ = ["MRIOAccountsResult", "mrio_accounts", "spillover_of_demand"]


@dataclass(frozen=True)
class MRIOAccountsResult(ResultMixin):
    """Value added in trade, spillover multipliers and footprints of an MRIO.

    Attributes
    ----------
    va_trade : DataFrame
        Origin region × destination (regions, then ``EX`` abroad and ``ERR``): value added.
    spillover : DataFrame
        Origin region × demanding region: output per unit of final demand (columns sum to the
        demanding region's output multiplier of its final-demand mix).
    multiplier_decomposition : DataFrame
        Index (region, sector) of the demanding sector; ``intra`` (output in its own region per
        unit of its final demand), ``spillover`` (output in other regions), ``total``.
    footprints : AccountsResult
        Production- and consumption-based accounts of the stressor (value added by default).
    notes : tuple of str
    lineage : Lineage
    """

    va_trade: pd.DataFrame
    spillover: pd.DataFrame
    multiplier_decomposition: pd.DataFrame
    footprints: AccountsResult
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "MRIO accounts: value added in trade, spillovers, footprints"
    title_zh = "多区域投入产出账户：贸易增加值、溢出乘数、足迹"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        regs = list(self.spillover.index)
        va = self.va_trade[regs].to_numpy()
        dom = float(np.trace(va))
        yield (
            "本地最终需求拉动的本地增加值占比"
            if zh
            else "value added for local final demand, own-region share",
            dom / va.sum(),
        )
        S = self.spillover.to_numpy()
        off = S.sum(axis=0) - np.diag(S)
        j = int(np.argmax(off / S.sum(axis=0)))
        yield (
            "溢出比例最高的地区" if zh else "largest spillover share",
            f"{regs[j]} ({off[j] / S[:, j].sum():.1%})",
        )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """By region: value added produced, value added for own demand, sent to other regions, abroad."""
        regs = list(self.spillover.index)
        va = self.va_trade
        f = pd.DataFrame(
            {
                "value_added": va.sum(axis=1),
                "for_own_demand": pd.Series(np.diag(va[regs].to_numpy()), index=regs),
                "for_other_regions": va[regs].sum(axis=1) - np.diag(va[regs].to_numpy()),
                "for_exports": va["EX"] if "EX" in va.columns else 0.0,
                "intra_multiplier": pd.Series(np.diag(self.spillover.to_numpy()), index=regs),
                "spillover_multiplier": self.spillover.sum(axis=0) - np.diag(self.spillover.to_numpy()),
            }
        )
        f.index.name = "region"
        if lang == "zh":
            f = f.rename(
                columns={
                    "value_added": "增加值",
                    "for_own_demand": "本地需求拉动",
                    "for_other_regions": "外省需求拉动",
                    "for_exports": "出口拉动",
                    "intra_multiplier": "区内乘数",
                    "spillover_multiplier": "溢出乘数",
                }
            )
            f.index.name = "地区"
        return f


def _demand_blocks(table: IOTable, local: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Final demand aggregated to one column per region (local categories) plus EX and ERR."""
    if not table.is_mrio:
        raise InputError.at("not a multi-regional table", column="Z", expected="(region, sector) labels")
    regions = [str(r) for r in table.regions]
    Y = table.Y
    cat = Y.columns.get_level_values(-1)
    reg = Y.columns.get_level_values(0).map(str)
    cols = {}
    for r in regions:
        cols[r] = Y.loc[:, (reg == r) & cat.isin(local)].sum(axis=1)
    kinds = table.final_use_kinds
    ex = [c for c in Y.columns if kinds.get(c) == "export"]
    other = [c for c in Y.columns if kinds.get(c) == "other"]
    cols["EX"] = Y[ex].sum(axis=1) if ex else pd.Series(0.0, index=Y.index)
    cols["ERR"] = Y[other].sum(axis=1) if other else pd.Series(0.0, index=Y.index)
    return pd.DataFrame(cols), regions


def mrio_accounts(
    table: IOTable,
    *,
    local: Sequence[str] = ("FU101", "FU102", "FU103", "FU201", "FU202"),
    F: pd.DataFrame | None = None,
) -> MRIOAccountsResult:
    """Value added in trade, spillover multipliers and footprints of a multi-regional table.

    Parameters
    ----------
    table : IOTable
        Multi-regional ((region, sector) labels), with value-added rows V.
    local : sequence of str
        Final-use categories that are a region's own demand (default: household, government,
        capital formation, inventories).
    F : DataFrame, optional
        Satellite rows (stressors × (region, sector)); default: total value added.

    Returns
    -------
    MRIOAccountsResult

    Notes
    -----
    With X = L [y_1 … y_R, y_EX, y_ERR] (one solve), VA[r, d] = Σ_{i∈r} v_i X[i, d] with
    v = 1'V x̂⁻¹; S[r, s] = Σ_{i∈r} X[i, s] / 1'y_s; and m = E L with E the R × N region
    indicator (one left solve).

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis* (2nd ed.), sections 3.3.3
    (interregional spillover and feedback) and 10.9; Johnson, R. C. & Noguera, G. (2012).
    Accounting for intermediates. *Journal of International Economics* 86(2), 224–236.

    Examples
    --------
    A synthetic two-region, one-sector MRIO with A = [[.2, .1], [.1, .2]], final demand 70 and
    30, all value added: the value added sums to final demand (100), and the spillover from
    region b's demand to a is L_ab = 0.1/0.63 ≈ 0.1587.

    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("a", "1"), ("b", "1")], names=["region", "sector"])
    >>> x = pd.Series([100., 50.], index=idx)
    >>> Z = pd.DataFrame([[20., 5.], [10., 10.]], index=idx, columns=idx)
    >>> Y = pd.DataFrame([[75., 0.], [0., 30.]], index=idx,
    ...                  columns=pd.MultiIndex.from_tuples([("a", "FU101"), ("b", "FU101")]))
    >>> V = pd.DataFrame([[70., 35.]], index=["VA001"], columns=idx)
    >>> acc = mrio_accounts(IOTable(Z, Y, V, x))
    >>> round(float(acc.va_trade.to_numpy().sum()), 6)
    105.0
    >>> round(float(acc.spillover.loc["a", "b"]), 4)
    0.1587
    """
    Yd, regions = _demand_blocks(table, local)
    if table.V is None and F is None:
        raise InputError.at("the table has no value-added rows", column="V", expected="V or F given")
    lu = table.lu
    X = lu.solve(Yd.to_numpy())  # N × (R + 2)
    x = table.x.to_numpy()
    rx, _ = safe_reciprocal(x)
    v = table.V.to_numpy().sum(axis=0) * rx if table.V is not None else None
    R = len(regions)
    N = len(x)
    n = N // R
    reg_of = np.repeat(np.arange(R), n)
    E = np.zeros((R, N))
    E[reg_of, np.arange(N)] = 1.0
    va = E @ (v[:, None] * X) if v is not None else np.zeros((R, R + 2))
    va_trade = pd.DataFrame(
        va, index=pd.Index(regions, name="origin"), columns=pd.Index(list(Yd.columns), name="destination")
    )
    ytot = Yd.to_numpy()[:, :R].sum(axis=0)
    ry, _ = safe_reciprocal(ytot)
    S = (E @ X[:, :R]) * ry[None, :]
    spill = pd.DataFrame(S, index=pd.Index(regions, name="origin"), columns=pd.Index(regions, name="demand"))
    m = lu.solve_left(E)  # R × N
    intra = m[reg_of, np.arange(N)]
    total = m.sum(axis=0)
    dec = pd.DataFrame({"intra": intra, "spillover": total - intra, "total": total}, index=table.Z.index)
    Fsat = (
        F
        if F is not None
        else pd.DataFrame(
            table.V.to_numpy().sum(axis=0)[None, :], index=["value_added"], columns=table.Z.columns
        )
    )
    Yl_mi = pd.DataFrame(
        Yd[regions].to_numpy(),
        index=table.Z.index,
        columns=pd.MultiIndex.from_arrays([regions, ["local"] * R], names=["region", "category"]),
    )
    fp = satellite_accounts(table.Z, Yl_mi, Fsat, x=table.x, lu=lu)
    notes = [
        "exports abroad (EX) and the discrepancy column (ERR) are destinations of their own in "
        "va_trade; footprints count each region's local final use only"
    ]
    return MRIOAccountsResult(
        va_trade=readonly(va_trade),
        spillover=readonly(spill),
        multiplier_decomposition=readonly(dec),
        footprints=fp,
        notes=tuple(notes),
        lineage=Lineage.make(
            "meso.mrio_accounts", {"local": list(local), "stressor": "F" if F is not None else "value_added"}
        ),
    )


def spillover_of_demand(
    table: IOTable,
    sectors: Sequence[str],
    *,
    local: Sequence[str] = ("FU101", "FU102", "FU103", "FU201", "FU202"),
) -> pd.DataFrame:
    """Output in every region induced by each region's final demand for some sectors' products.

    Used for the interprovincial spillover of digital-sector demand: for each demanding region s,
    y_s restricted to the products ``sectors`` (from every origin), X = L y_s, and the output
    induced in r = Σ_{i∈r} X_i.

    Returns
    -------
    DataFrame
        Index origin region, columns demanding region; plus the demanding region's
        ``demand`` (Σ of its final demand for those products) as the last row.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("a", "1"), ("b", "1")], names=["region", "sector"])
    >>> Z = pd.DataFrame([[20., 5.], [10., 10.]], index=idx, columns=idx)
    >>> Y = pd.DataFrame([[75., 0.], [0., 30.]], index=idx,
    ...                  columns=pd.MultiIndex.from_tuples([("a", "FU101"), ("b", "FU101")]))
    >>> s = spillover_of_demand(IOTable(Z, Y, None, pd.Series([100., 50.], index=idx)), ["1"])
    >>> round(float(s.loc["a", "a"] + s.loc["b", "a"]), 6)  # L·[75, 0] = [60, 7.5] / 0.63
    107.142857
    """
    Yd, regions = _demand_blocks(table, local)
    sec = table.Z.index.get_level_values(-1).map(str)
    want = [str(s) for s in sectors]
    unknown = [s for s in want if s not in set(sec)]
    if unknown:
        raise InputError.at(
            "unknown sector", column="sectors", value=unknown, expected=f"codes such as {list(sec[:3])}"
        )
    mask = sec.isin(want)
    Ys = Yd[regions].to_numpy() * mask[:, None]
    X = table.lu.solve(Ys)
    R = len(regions)
    n = len(mask) // R
    induced = X.reshape(R, n, R).sum(axis=1)
    out = pd.DataFrame(
        induced, index=pd.Index(regions, name="origin"), columns=pd.Index(regions, name="demand")
    )
    out.loc["demand"] = Ys.sum(axis=0)
    return out
