"""Real default data reshaped to the long form the screening takes (test helper, not a fixture store).

Reads the copies embedded under ``src/industrial_brain/data/``.
Nothing here changes a value: wide yearbook tables are melted to ``region_code, indicator_code, year,
value`` and region codes are the files' ``adcode`` as strings.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

import industrial_brain

_PKG = Path(industrial_brain.__file__).parent / "data"

#: Columns that are keys or labels, not indicators.
_KEYS = {"year", "adcode", "province_src", "province_en", "province_zh", "region4_en"}
#: The source's own composite indices are model outputs, not statistics: not loaded as indicators.
COMPOSITES = {"digital_economy", "new_productivity_level"}
#: gdp_three_sectors clean columns → indicator codes (distinct from the econ_energy vintage).
GDP_THREE_SECTORS = {
    "grp_100m_cny": "grp_100m_cny",
    "primary_va_100m_cny": "grp_primary_va_100m_cny",
    "secondary_va_100m_cny": "grp_secondary_va_100m_cny",
    "tertiary_va_100m_cny": "grp_tertiary_va_100m_cny",
}


def _path(kind: str, name: str) -> Path:
    return _PKG / kind / name


def _long(wide: pd.DataFrame, rename: dict[str, str] | None = None) -> pd.DataFrame:
    ind = [c for c in wide.columns if c not in _KEYS and c not in COMPOSITES]
    out = wide.melt(id_vars=["adcode", "year"], value_vars=ind, var_name="indicator_code", value_name="value")
    out = out.dropna(subset=["value"])
    out["region_code"] = out["adcode"].astype(int).astype(str)
    if rename:
        out["indicator_code"] = out["indicator_code"].map(rename)
    return out[["region_code", "indicator_code", "year", "value"]].reset_index(drop=True)


@cache
def panel(name: str) -> pd.DataFrame:
    """One default panel in long form: ``econ_energy``, ``digital_innovation``, ``gdp_three_sectors``,
    ``carbon``."""
    files = {
        "econ_energy": "econ_energy_panel_1990_2025__clean.csv",
        "digital_innovation": "digital_innovation_panel_2013_2022__clean.csv",
        "gdp_three_sectors": "gdp_three_sectors_2010_2022__clean.csv",
        "carbon": "carbon_emissions_2010_2022__clean.csv",
    }
    wide = pd.read_csv(_path("panels", files[name]))
    return _long(wide, GDP_THREE_SECTORS if name == "gdp_three_sectors" else None)


_UNITS = [  # code suffix → unit as the yearbooks state it
    (r"_per_capita_cny$", "CNY/person"),
    (r"_100m_cny$", "10^8 CNY"),
    (r"_10k_cny$", "10^4 CNY"),
    (r"_100m_kwh$", "10^8 kWh"),
    (r"_10k_tce$", "10^4 tce"),
    (r"_10k_t$", "10^4 t"),
    (r"_100m_m3$", "10^8 m3"),
    (r"_mt$", "Mt CO2"),
    (r"^population_10k$", "10^4 persons"),
]


def indicators(obs: pd.DataFrame) -> pd.DataFrame:
    """Indicator metadata as the screening takes it; units from the code suffix, no declared domain."""
    rows = []
    for code in sorted(obs["indicator_code"].unique()):
        unit = next((u for pat, u in _UNITS if re.search(pat, code)), None)
        rows.append({"code": code, "unit": unit, "direction": "+", "min_value": None, "max_value": None})
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def provincial_io() -> pd.DataFrame:
    """The 2017 provincial IO tables (31 provinces × 42 sectors), wide as staged."""
    return pd.read_csv(_path("io_tables", "cn_provincial_io_2017_42sec_31prov.csv"))


def provincial_io_flows(adcode: int) -> pd.DataFrame:
    """One province's table in the long io_flow form ``row_code, col_code, value`` (blank cells dropped)."""
    t = provincial_io()
    t = t[t["adcode"] == adcode].drop(columns=["province_zh", "adcode"])
    long = t.melt(id_vars="row_code", var_name="col_code", value_name="value").dropna(subset=["value"])
    return long.reset_index(drop=True)
