"""A seeded synthetic financing market (SYNTHETIC data): firms' financing needs, financing sources
with mandates, and the firms' accounts for the listing-board screen.

Nothing here is observed. Every need id starts with ``SYN-N``, every source id with ``SYN-S``,
every source name with ``合成``, and the result's notes say SYNTHETIC; the demo store marks the
datasets so. The shapes are set by hand to resemble a regional financing market: needs mostly debt
(80 %, equity 17 %, grants 3 %), amounts log-normal (median about 5 million CNY for debt, 20 million
for equity), banks lending in one or two provinces across sectors, funds investing in a few sectors
with ticket ranges, grant programmes small. Amounts are CNY; terms months.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.capital.matching import PURPOSES, SIZE_CLASSES, STAGES
from industrial_brain.lineage import Lineage
from industrial_brain.reference.uscc import make_usccs

SYNTHETIC_SOURCE_NAME = "合成"
#: The 31 mainland provinces (GB/T 2260, first two digits).
PROVINCES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
)  # fmt: skip
#: The 42 IO sectors of the embedded tables (``nbs2017_42``).
SECTORS = tuple(f"{k:02d}" for k in range(1, 43))
_SERIAL0 = 70_000_000  # organisation-code serials of synthetic capital-market firms


@dataclass(frozen=True)
class SyntheticMarket(ResultMixin):
    """``needs``, ``sources`` and ``accounts`` frames in the ingest's columns (SYNTHETIC)."""

    needs: pd.DataFrame
    sources: pd.DataFrame
    accounts: pd.DataFrame
    seed: int
    notes: tuple[str, ...] = ("SYNTHETIC: drawn at random, not observed",)
    lineage: Lineage = field(default_factory=lambda: Lineage("capital.synthetic_market"))

    title_en = "Synthetic financing market (SYNTHETIC)"
    title_zh = "合成投融资市场（合成数据）"

    def _summary_items(self, lang: str = "en"):
        yield ("needs", len(self.needs))
        yield ("sources", len(self.sources))
        yield ("firms with accounts", self.accounts["uscc"].nunique())
        yield ("seed", self.seed)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.needs


def _pick_lists(rng: np.random.Generator, pool, n: int, lo: int, hi: int) -> list[str]:
    out = []
    for k in rng.integers(lo, hi + 1, size=n):
        out.append(";".join(sorted(rng.choice(pool, size=int(k), replace=False))))
    return out


def synthetic_market(
    n_needs: int = 2_000,
    n_sources: int = 100,
    *,
    seed: int = 0,
    provinces: tuple[str, ...] | None = None,
    accounts_years: int = 3,
    last_year: int = 2024,
) -> SyntheticMarket:
    """A SYNTHETIC market of ``n_needs`` needs (one firm each) and ``n_sources`` sources.

    ``provinces`` (two-digit codes) narrows the market to some provinces (default: all 31). The
    firms' ``accounts`` cover ``accounts_years`` years up to ``last_year``; a fifth of the firms
    are large enough to be listing candidates.

    >>> m = synthetic_market(50, 10, seed=1)
    >>> len(m.needs), len(m.sources), bool(m.needs["need_id"].str.startswith("SYN-N").all())
    (50, 10, True)
    """
    rng = np.random.default_rng(seed)
    provs = np.asarray(provinces or PROVINCES)
    n = n_needs
    prov = rng.choice(provs, size=n)
    region = np.char.add(prov.astype("U2"), np.char.zfill(rng.integers(1, 6, size=n).astype("U2"), 2))
    region = np.char.add(region, "00")
    sector = rng.choice(np.asarray(SECTORS), size=n, p=_sector_weights())
    instrument = rng.choice(np.array(["debt", "equity", "grant"]), size=n, p=[0.80, 0.17, 0.03])
    stage = rng.choice(np.asarray(STAGES), size=n, p=[0.05, 0.25, 0.45, 0.25])
    size = rng.choice(np.asarray(SIZE_CLASSES), size=n, p=[0.05, 0.20, 0.45, 0.30])
    median = np.select([instrument == "debt", instrument == "equity"], [5e6, 2e7], 1e6)
    amount = np.round(median * rng.lognormal(0.0, 0.9, size=n), -4)
    term = np.select(
        [instrument == "debt", instrument == "equity"],
        [rng.choice([6, 12, 24, 36, 60], size=n), rng.choice([36, 60, 84], size=n)],
        rng.choice([12, 24], size=n),
    )
    purpose = np.where(
        instrument == "debt",
        rng.choice(np.asarray(PURPOSES[:2] + ("expansion",)), size=n, p=[0.5, 0.35, 0.15]),
        np.where(
            instrument == "equity", rng.choice(np.array(["rd", "expansion", "acquisition"]), size=n), "rd"
        ),
    )
    risk = np.clip(np.select([stage == "seed", stage == "early", stage == "growth"], [5, 4, 3], 2)
                   + rng.integers(-1, 2, size=n), 1, 5)  # fmt: skip
    collateral = np.where(instrument == "debt", np.round(amount * rng.uniform(0, 1.5, size=n), -4), 0.0)
    uscc = make_usccs(region, _SERIAL0 + np.arange(n) + seed * 1_000_000 % 10_000_000)
    needs = pd.DataFrame(
        {
            "need_id": [f"SYN-N{k:07d}" for k in range(1, n + 1)],
            "uscc": uscc,
            "region_code": region.astype(object),
            "sector_code": sector.astype(object),
            "amount": amount,
            "term_months": term.astype(float),
            "instrument": instrument.astype(object),
            "purpose": purpose.astype(object),
            "stage": stage.astype(object),
            "risk_grade": risk.astype(float),
            "collateral": collateral,
            "size_class": size.astype(object),
        }
    )
    sources = _sources(rng, n_sources, provs, float(amount.sum()))
    accounts = _accounts(rng, needs, accounts_years, last_year)
    return SyntheticMarket(
        needs,
        sources,
        accounts,
        seed,
        lineage=Lineage.make(
            "capital.synthetic_market", {"n_needs": n_needs, "n_sources": n_sources}, seed=seed
        ),
    )


def _sector_weights() -> np.ndarray:
    w = np.ones(len(SECTORS))
    w[5:24] = 3.0  # manufacturing (06–24) weighs more
    return w / w.sum()


def _sources(rng: np.random.Generator, m: int, provs: np.ndarray, demand: float) -> pd.DataFrame:
    kind = rng.choice(np.asarray(("bank", "guidance_fund", "vc", "pe", "grant_programme")), size=m,
                      p=[0.45, 0.15, 0.2, 0.15, 0.05])  # fmt: skip
    instrument = np.select([kind == "bank", kind == "grant_programme"], ["debt", "grant"], "equity")
    share = {"debt": 0.80, "equity": 0.17, "grant": 0.03}
    capacity = np.zeros(m)
    for ins, s in share.items():
        k = instrument == ins
        if k.any():
            w = rng.lognormal(0, 0.7, size=int(k.sum()))
            capacity[k] = np.round(0.8 * demand * s * w / w.sum(), -4)  # supply ~80 % of demand
    tmin = np.select([kind == "bank", kind == "grant_programme"], [rng.choice([3, 6, 12], size=m), 6], 24)
    tmax = np.select([kind == "bank", kind == "grant_programme"], [rng.choice([36, 60], size=m), 36], 96)
    tick_min = np.select([kind == "bank", kind == "grant_programme"], [1e5, 1e5], 2e6)
    tick_max = np.select(
        [kind == "bank", kind == "grant_programme", kind == "vc"], [5e7, 5e6, 5e7], 2e8
    ) * rng.choice([0.5, 1.0, 2.0], size=m)
    sectors = np.where(
        np.isin(kind, ("bank", "pe")) & (rng.random(m) < 0.7),
        "",
        np.asarray(_pick_lists(rng, np.asarray(SECTORS), m, 2, 6), dtype=object),
    )
    regions = np.where(
        (kind == "vc") & (rng.random(m) < 0.4),
        "",
        np.asarray(_pick_lists(rng, provs, m, 1, min(3, len(provs))), dtype=object),
    )
    stages = np.select(
        [kind == "vc", kind == "pe", kind == "bank"],
        ["seed;early;growth", "growth;mature", "growth;mature"],
        "",
    )
    appetite = np.select([kind == "bank", kind == "vc", kind == "pe"], [3, 5, 3], 4).astype(float)
    ratio = np.where(kind == "bank", rng.choice([0.0, 0.5, 1.0], size=m, p=[0.3, 0.4, 0.3]), 0.0)
    sizes = np.where(kind == "grant_programme", "small;micro", "")
    return pd.DataFrame(
        {
            "source_id": [f"SYN-S{k:05d}" for k in range(1, m + 1)],
            "name": [f"{SYNTHETIC_SOURCE_NAME}{k}号{_KIND_ZH[c]}" for k, c in enumerate(kind, 1)],
            "kind": kind.astype(object),
            "instrument": instrument.astype(object),
            "capacity": capacity,
            "ticket_min": tick_min.astype(float),
            "ticket_max": tick_max.astype(float),
            "term_min_months": tmin.astype(float),
            "term_max_months": tmax.astype(float),
            "sectors": sectors.astype(object),
            "regions": regions.astype(object),
            "stages": stages.astype(object),
            "sizes": sizes.astype(object),
            "risk_appetite": appetite,
            "collateral_ratio": ratio,
        }
    )


_KIND_ZH = {"bank": "银行信贷产品", "guidance_fund": "政府引导基金", "vc": "创投基金", "pe": "私募股权基金",
            "grant_programme": "财政资助项目"}  # fmt: skip


def _accounts(rng: np.random.Generator, needs: pd.DataFrame, years: int, last: int) -> pd.DataFrame:
    """Yearly accounts (CNY) of the needs' firms: revenue, net profit (before and after
    non-recurring items), R&D expense, operating cash flow, assets, liabilities, weighted ROE (%),
    and the expected market value (latest year)."""
    firms = needs.drop_duplicates("uscc")
    k = len(firms)
    big = rng.random(k) < 0.2
    rev0 = np.where(big, rng.lognormal(np.log(3e8), 0.8, size=k), rng.lognormal(np.log(3e7), 1.0, size=k))
    growth = rng.normal(0.15, 0.2, size=k)
    margin = rng.normal(0.08, 0.08, size=k)
    rd_share = np.clip(rng.lognormal(np.log(0.05), 0.7, size=k), 0, 0.6)
    rows = []
    for t in range(years):
        y = last - (years - 1 - t)
        rev = np.round(rev0 * (1 + growth) ** t, -4)
        np_ = np.round(rev * (margin + rng.normal(0, 0.02, size=k)), -4)
        npd = np.round(np_ - np.abs(rng.normal(0, 0.01, size=k)) * rev, -4)
        assets = np.round(rev * rng.uniform(0.8, 2.0, size=k), -4)
        liab = np.round(assets * np.clip(rng.normal(0.5, 0.15, size=k), 0.05, 0.95), -4)
        rows.append(
            pd.DataFrame(
                {
                    "uscc": firms["uscc"].to_numpy(),
                    "year": y,
                    "revenue": rev,
                    "net_profit": np_,
                    "net_profit_deducted": npd,
                    "rd_expense": np.round(rev * rd_share, -4),
                    "operating_cash_flow": np.round(np_ * rng.uniform(0.3, 1.5, size=k), -4),
                    "total_assets": assets,
                    "total_liabilities": liab,
                    "roe_weighted_pct": np.round(np_ / np.maximum(assets - liab, 1) * 100, 2),
                    "expected_market_value": np.where(
                        t == years - 1,
                        np.round(np.maximum(np_, rev * 0.05) * rng.uniform(15, 40, size=k), -4),
                        np.nan,
                    ),
                    "neeq_innovation_tier_months": np.where(
                        t == years - 1,
                        np.where(rng.random(k) < 0.3, rng.integers(0, 48, size=k), np.nan),
                        np.nan,
                    ),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
