"""Debt reliance and financing structure (融资结构与债务依赖) per region and sector, from what the data
carry: the firms' financing needs, the matches made, and the firms' accounts.

The embedded provincial panels carry no loan, deposit or aggregate-financing series, so the
indicators are firm-level sums per group *g* (province × sector by default):

* ``debt_share_pct = 100 D_g / F_g`` — debt asked for (``D``) in all financing asked for (``F``); the
  equity and grant shares likewise (the seeds' "over-reliance on debt" in the demand);
* ``collateral_cover_pct = 100 Σ collateral / D_g`` — collateral offered per unit of debt asked for;
* ``matched_pct = 100 M_g / F_g`` and ``gap = F_g − M_g`` — the financing gap after matchmaking;
* ``matched_debt_share_pct = 100 M^debt_g / M_g`` — debt in what was placed;
* ``debt_to_assets_pct = 100 Σ liabilities / Σ assets`` of the group's firms (latest year of their
  accounts; the asset–liability ratio, 资产负债率).

Amounts in CNY. Ratios are ratios of sums (a group's firms weighted by size), not means of ratios.

References
----------
People's Bank of China, *Aggregate Financing to the Real Economy* statistics (社会融资规模): the
split of financing into loans, bonds and equity that these shares mirror at firm level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage

GROUPINGS = ("region", "sector", "region_sector")
UNITS = {
    "needs": "count", "firms": "count", "requested": "CNY", "debt_share_pct": "%", "equity_share_pct": "%",
    "grant_share_pct": "%", "collateral_cover_pct": "%", "matched": "CNY", "matched_pct": "%", "gap": "CNY",
    "matched_debt_share_pct": "%", "debt_to_assets_pct": "%",
}  # fmt: skip


def _pct(a: pd.Series, b: pd.Series) -> pd.Series:
    return (100 * a / b.where(b > 0)).astype(float)


@dataclass(frozen=True)
class FinancingStructure(ResultMixin):
    """Indicators per group (:func:`financing_structure`): ``frame`` with the group keys first."""

    frame: pd.DataFrame
    by: str
    lineage: Lineage = field(default_factory=lambda: Lineage("capital.financing_structure"))

    title_en = "Financing structure and debt reliance"
    title_zh = "融资结构与债务依赖"

    def _summary_items(self, lang: str = "en"):
        f = self.frame
        yield (label("groups", lang), len(f))
        tot = f["requested"].sum()
        yield (
            "debt share (%)",
            float(100 * (f["debt_share_pct"] * f["requested"]).sum() / 100 / tot) if tot else float("nan"),
        )

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = self.frame.copy()
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns})
        return f


def financing_structure(
    needs: pd.DataFrame,
    *,
    matches: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    by: str = "region_sector",
) -> FinancingStructure:
    """Debt-reliance and financing-structure indicators per ``by`` (``region`` = province,
    ``sector``, or ``region_sector``) from needs (``need_id, uscc, region_code, sector_code, amount,
    instrument, collateral``), the matches (``need_id, amount``) and the accounts (``uscc, year,
    total_assets, total_liabilities``).

    Examples
    --------
    >>> needs = pd.DataFrame({"need_id": ["a", "b", "c"], "uscc": ["F1", "F2", "F3"],
    ...     "region_code": ["320500", "320100", "330100"], "sector_code": ["26"] * 3,
    ...     "amount": [60.0, 20.0, 50.0], "instrument": ["debt", "equity", "debt"],
    ...     "collateral": [30.0, 0.0, 50.0]})
    >>> f = financing_structure(needs, matches=pd.DataFrame({"need_id": ["a"], "amount": [60.0]}),
    ...                         by="region").frame
    >>> f[["region_code", "debt_share_pct", "collateral_cover_pct", "matched_pct", "gap"]].values.tolist()
    [['320000', 75.0, 50.0, 75.0, 20.0], ['330000', 100.0, 100.0, 0.0, 50.0]]
    """
    if by not in GROUPINGS:
        raise InputError.at("parameter 'by': unknown grouping", value=by, expected=" | ".join(GROUPINGS))
    N = needs.copy()
    N["region_code"] = N["region_code"].astype(str).str[:2] + "0000"
    N["sector_code"] = N["sector_code"].astype(str)
    keys = {
        "region": ["region_code"],
        "sector": ["sector_code"],
        "region_sector": ["region_code", "sector_code"],
    }[by]
    amt = N["amount"].astype(float)
    for ins in ("debt", "equity", "grant"):
        N[ins] = amt.where(N["instrument"] == ins, 0.0)
    N["coll"] = N["collateral"].fillna(0).astype(float).where(N["instrument"] == "debt", 0.0)
    if matches is not None and len(matches):
        got = matches.groupby("need_id")["amount"].sum()
        N["matched"] = N["need_id"].map(got).fillna(0.0)
    else:
        N["matched"] = 0.0
    N["matched_debt"] = N["matched"].where(N["instrument"] == "debt", 0.0)
    g = N.groupby(keys)
    f = pd.DataFrame(
        {
            "needs": g.size(),
            "firms": g["uscc"].nunique(),
            "requested": g["amount"].sum(),
            "debt": g["debt"].sum(),
            "equity": g["equity"].sum(),
            "grant": g["grant"].sum(),
            "coll": g["coll"].sum(),
            "matched": g["matched"].sum(),
            "matched_debt": g["matched_debt"].sum(),
        }
    )
    out = f[["needs", "firms", "requested"]].copy()
    out["debt_share_pct"] = _pct(f["debt"], f["requested"])
    out["equity_share_pct"] = _pct(f["equity"], f["requested"])
    out["grant_share_pct"] = _pct(f["grant"], f["requested"])
    out["collateral_cover_pct"] = _pct(f["coll"], f["debt"])
    out["matched"] = f["matched"]
    out["matched_pct"] = _pct(f["matched"], f["requested"])
    out["gap"] = f["requested"] - f["matched"]
    out["matched_debt_share_pct"] = _pct(f["matched_debt"], f["matched"])
    if accounts is not None and len(accounts):
        A = accounts.sort_values("year").groupby("uscc").tail(1)
        firms = N.drop_duplicates("uscc")[["uscc", *keys]].merge(A, on="uscc", how="inner")
        h = firms.groupby(keys)[["total_liabilities", "total_assets"]].sum(min_count=1)
        out["debt_to_assets_pct"] = _pct(h["total_liabilities"], h["total_assets"]).reindex(out.index)
    else:
        out["debt_to_assets_pct"] = np.nan
    return FinancingStructure(
        frame=out.reset_index(),
        by=by,
        lineage=Lineage.make("capital.financing_structure", {"by": by}),
    )
