"""SYNTHETIC firm annual accounts for the per-mu evaluation and the SME tier checks (demo data).

Each firm :math:`i` of sector :math:`s` and size class :math:`z` draws, for the first year,

.. math::

    L_i \\sim \\text{LogN}(\\ln m_z, 0.6), \\quad R_i = L_i \\cdot \\rho_i,
    \\ \\rho_i \\sim \\text{LogN}(\\ln 240, 0.7),
    \\quad VA_i = R_i \\, a_s \\, e^{\\varepsilon}, \\quad T_i = R_i \\, t_s e^{\\eta} + 0.25 \\max(\\pi_i, 0)

(land :math:`L` in mu with median :math:`m_z` = 150 / 40 / 12 / 3 mu for large / medium / small /
micro firms; revenue :math:`R` and value added :math:`VA` in 万元; :math:`a_s` the sector's
value-added rate and :math:`t_s` its net production-tax rate, both from an input–output table —
the embedded NBS 2017 table in the demo; :math:`\\pi` net profit; 0.25 the enterprise income-tax
rate). Employees follow from labour productivity (median 12 万元/人), energy from value added per
tce (median 2.4, a third in the energy-heavy sectors), electricity as half the energy at 8,137
kWh/tce (the calorific equivalent, 0.1229 kgce/kWh), water, COD and SO₂ from value added per tonne,
R&D as a share of revenue (median 2 %). Later years grow each firm by :math:`e^{g}`,
:math:`g \\sim N(0.05, 0.10)`, with the ratios redrawn around the firm's own (persistence 0.8).

Calibration: the value-added and tax rates by sector are real aggregates (the input–output table);
the per-mu levels (revenue per mu, productivity, energy and emission intensities) are NOT calibrated
to published county or provincial per-mu figures (none was found in the reference corpus): their
medians are set at about 0.8 times the Linhai rule's benchmarks (revenue 240 万元/亩, productivity
12 万元/人, 2.4 万元 VA per tce, 0.08 万元 per t of water, 400 万元 per t of COD), so that classes
spread over A–D. Every output is
marked SYNTHETIC by its dataset title.

References
----------
国家统计局《2017年中国投入产出表》(value-added and net production-tax rows by sector);
GB/T 2589-2020《综合能耗计算通则》, 附录 A (electricity 0.1229 kgce/kWh).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LAND_MEDIAN_MU", "ENERGY_HEAVY", "synthetic_accounts"]

#: Median land (mu) by size class.
LAND_MEDIAN_MU = {"large": 150.0, "medium": 40.0, "small": 12.0, "micro": 3.0}
#: Energy-heavy IO sectors (nbs2017_42): value added per tce a third of the others'.
ENERGY_HEAVY = ("11", "12", "13", "14", "24")
_KWH_PER_TCE = 1 / 0.0001229
_IP = np.array(["high_value_class1", "own_class1", "class1", "class2", "none"], dtype=object)


def _lognormal(rng: np.random.Generator, median, sigma, n: int) -> np.ndarray:
    return np.asarray(median, float) * np.exp(sigma * rng.standard_normal(n))


def synthetic_accounts(
    firms: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    years: tuple[int, ...] = (2021, 2022, 2023),
    seed: int = 18,
) -> pd.DataFrame:
    """SYNTHETIC accounts of ``firms`` (``uscc, sector_code, size_class``, optional
    ``founding_year``) for ``years``: one row per firm and year with the columns of the accounts
    ingest (see the module docstring for the model).

    ``rates`` is indexed by sector code with ``va_rate`` and ``tax_rate`` (value added and net
    production taxes over gross output); a sector absent from it takes the median rates.

    Examples
    --------
    >>> firms = pd.DataFrame({"uscc": ["A", "B"], "sector_code": ["16", "14"],
    ...     "size_class": ["small", "large"]})
    >>> rates = pd.DataFrame({"va_rate": [0.229, 0.225], "tax_rate": [0.042, 0.035]}, index=["16", "14"])
    >>> acc = synthetic_accounts(firms, rates, years=(2022, 2023), seed=1)
    >>> acc.shape[0], sorted(acc["year"].unique().tolist())
    (4, [2022, 2023])
    >>> bool((acc["value_added_10k_cny"] / acc["revenue_10k_cny"]).between(0.1, 0.5).all())
    True
    """
    rng = np.random.default_rng(seed)
    n = len(firms)
    sector = firms["sector_code"].astype(str).to_numpy()
    size = firms["size_class"].astype(str).to_numpy()
    va_rate = rates["va_rate"].reindex(sector).fillna(rates["va_rate"].median()).to_numpy(float)
    tax_rate = rates["tax_rate"].reindex(sector).fillna(rates["tax_rate"].median()).to_numpy(float)
    heavy = np.isin(sector, ENERGY_HEAVY)
    land = np.round(_lognormal(rng, [LAND_MEDIAN_MU.get(z, 12.0) for z in size], 0.6, n), 1).clip(0.5)
    # the firm's own persistent ratios (log deviations), redrawn each year around them
    sig = {
        "rpm": 0.7,
        "va": 0.15,
        "tax": 0.4,
        "prod": 0.5,
        "energy": 0.8,
        "water": 0.8,
        "cod": 0.9,
        "so2": 0.9,
        "rd": 0.7,
        "elec": 0.3,
    }
    own = {k: sig[k] * rng.standard_normal(n) for k in sig}
    scale = np.ones(n)
    founding = firms["founding_year"].to_numpy(float) if "founding_year" in firms else np.full(n, np.nan)
    founding = np.where(np.isnan(founding), years[0] - rng.integers(2, 25, n), founding)
    ip_level = rng.choice(_IP, n, p=[0.05, 0.1, 0.2, 0.35, 0.3])
    ip_count = rng.poisson(np.where(np.isin(ip_level, _IP[:3]), 3.0, 0.3))
    strategic = rng.random(n) < 0.3
    rd_inst = rng.random(n) < np.where(np.isin(size, ["large", "medium"]), 0.6, 0.2)
    debt = rng.beta(5, 5, n)
    main_share = rng.beta(8, 2, n)
    rd_staff = rng.beta(2, 8, n)
    zjtx = np.clip(rng.normal(55, 12, n), 0, 100).round(1)
    equity = np.where(rng.random(n) < 0.1, _lognormal(rng, 800.0, 1.0, n), 0.0).round(1)
    ftype = np.where(
        np.isin(size, ["large", "medium"]) | ((size == "small") & (rng.random(n) < 0.6)),
        "industrial_above",
        "industrial_below",
    )
    parts = []
    for k, year in enumerate(years):
        if k:
            scale = scale * np.exp(rng.normal(0.05, 0.10, n))
        e = {key: 0.8 * own[key] + 0.6 * sig[key] * rng.standard_normal(n) for key in own}
        revenue = land * 240.0 * np.exp(e["rpm"]) * scale
        va = revenue * va_rate * np.exp(e["va"])
        va = np.minimum(va, 0.9 * revenue)
        profit = revenue * rng.normal(0.06, 0.05, n)
        tax = revenue * tax_rate * np.exp(e["tax"]) + 0.25 * np.maximum(profit, 0)
        tax = np.minimum(tax, 0.3 * revenue)
        energy = va / (np.where(heavy, 2.4 / 3, 2.4) * np.exp(e["energy"]))
        rd = revenue * np.minimum(0.02 * np.exp(e["rd"]), 0.2)
        parts.append(
            pd.DataFrame(
                {
                    "uscc": firms["uscc"].to_numpy(),
                    "year": year,
                    "firm_type": ftype,
                    "land_mu": land,
                    "tax_10k_cny": tax.round(2),
                    "revenue_10k_cny": revenue.round(2),
                    "value_added_10k_cny": va.round(2),
                    "industrial_output_10k_cny": (revenue * np.exp(rng.normal(0, 0.05, n))).round(2),
                    "employees": np.maximum(1, np.round(va / (12.0 * np.exp(e["prod"])))),
                    "energy_tce": energy.round(2),
                    "electricity_kwh": (0.5 * energy * _KWH_PER_TCE * np.exp(e["elec"])).round(0),
                    "water_t": (va / (0.08 * np.exp(e["water"]))).round(1),
                    "cod_t": (va / (400.0 * np.exp(e["cod"]))).round(4),
                    "so2_t": (va / (600.0 * np.exp(e["so2"]))).round(4),
                    "rd_expenditure_10k_cny": rd.round(2),
                    "invention_patents": rng.poisson(rd / 200.0),
                    "net_profit_10k_cny": profit.round(2),
                    "main_revenue_10k_cny": (revenue * main_share).round(2),
                    "debt_ratio": debt.round(3),
                    "ip_level": ip_level,
                    "class1_ip_count": ip_count,
                    "strategic_emerging": strategic,
                    "equity_financing_2y_10k_cny": equity,
                    "equity_financing_3y_10k_cny": equity,
                    "years_in_niche": np.maximum(0, year - founding),
                    "rd_staff_share": rd_staff.round(3),
                    "has_rd_institution": rd_inst,
                    "zjtx_points": zjtx,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
