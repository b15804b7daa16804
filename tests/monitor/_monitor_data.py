"""Panels for the monitor tests: hand-made series, the embedded default panels in long form, and a
seeded clean synthetic panel (marked synthetic).

The embedded panels are read straight from the package's CSV copies (``data/panels``) and melted to
``region_code, indicator_code, year, value`` without changing a value.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import industrial_brain
from industrial_brain.monitor import evaluate, reconcile
from industrial_brain.monitor.rules import parse_rules

PANELS = Path(industrial_brain.__file__).parent / "data" / "panels"
_KEYS = {"year", "adcode", "province_src", "province_en", "province_zh", "region4_en"}
FILES = {
    "econ_energy": ("econ_energy_panel_1990_2025__clean.csv", {}),
    "gdp_three_sectors": (
        "gdp_three_sectors_2010_2022__clean.csv",
        {
            "grp_100m_cny": "grp_100m_cny",
            "primary_va_100m_cny": "grp_primary_va_100m_cny",
            "secondary_va_100m_cny": "grp_secondary_va_100m_cny",
            "tertiary_va_100m_cny": "grp_tertiary_va_100m_cny",
        },
    ),
}


@cache
def embedded(name: str) -> pd.DataFrame:
    """One embedded panel in long form."""
    file, rename = FILES[name]
    wide = pd.read_csv(PANELS / file)
    ind = [c for c in wide.columns if c not in _KEYS]
    out = wide.melt(id_vars=["adcode", "year"], value_vars=ind, var_name="indicator_code", value_name="value")
    out = out.dropna(subset=["value"])
    out["region_code"] = out["adcode"].astype(int).astype(str)
    if rename:
        out["indicator_code"] = out["indicator_code"].replace(rename)
    return out[["region_code", "indicator_code", "year", "value"]].reset_index(drop=True)


def series(values, *, region="A", indicator="x", start=2010) -> pd.DataFrame:
    """One series as a long panel (NaN values are left out)."""
    df = pd.DataFrame(
        {
            "region_code": region,
            "indicator_code": indicator,
            "year": np.arange(start, start + len(values)),
            "value": np.asarray(values, float),
        }
    )
    return df.dropna(subset=["value"]).reset_index(drop=True)


def one_rule(**rule) -> object:
    """A rule set of one rule with the boilerplate names filled in."""
    base = {"code": "r", "name_zh": "规则", "name_en": "rule", "why": "a hand-made test rule"}
    return parse_rules({"code": "t", "rules": [{**base, **rule}]})


def replay(panel: pd.DataFrame, rules, **kw):
    """Evaluate on the data up to each year in turn and reconcile: the alerts as a person would have
    seen them, and every change (with the year of the evaluation as its time stamp)."""
    alerts = None
    changes = []
    for y in sorted(panel["year"].unique()):
        up = reconcile(alerts, evaluate(panel[panel["year"] <= y], rules, **kw), at=str(int(y)))
        alerts = up.alerts
        changes.append(up.changes)
    return alerts, pd.concat(changes, ignore_index=True)


def events(changes: pd.DataFrame) -> list[tuple[int, str]]:
    """The state changes as (year, to_state)."""
    return [(int(a), s) for a, s in zip(changes["at"], changes["to_state"])]


def clean_panel(seed: int = 7, n_regions: int = 12, years=range(2003, 2023)) -> pd.DataFrame:
    """A SYNTHETIC clean panel (seeded): steady growth with small bounded noise, levels far apart
    (ranks never change), a coordination degree inside one class, low chain exposure."""
    rng = np.random.default_rng(seed)
    years = np.asarray(list(years))
    rows = []
    for i in range(n_regions):
        region = f"{11 + i}0000"
        level = 1000.0 * 1.6**i
        g = 0.06 + 0.002 * i
        noise = rng.uniform(-0.004, 0.004, len(years))
        gdp = level * np.exp(np.cumsum(np.r_[0.0, np.full(len(years) - 1, g)] + noise))
        for code, v in (
            ("gdp_100m_cny", gdp),
            ("population_10k", 500.0 * (i + 1) * 1.005 ** (years - years[0])),
        ):
            rows += [(region, code, int(y), float(x)) for y, x in zip(years, v)]
        d = 0.62 + 0.006 * (i % 10) + rng.uniform(-0.002, 0.002, len(years))
        rows += [(region, "D", int(y), float(x)) for y, x in zip(years, d)]
        rows += [(region, f"oar_share.{p}", int(y), 0.01 + 0.002 * p) for p in range(3) for y in years]
    return pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])


CLEAN_TAGS = {f"oar_share.{p}": ["chain_exposure"] for p in range(3)}
