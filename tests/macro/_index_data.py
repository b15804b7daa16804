"""Build the (region, year) × indicator panel from the embedded provincial CSVs (real data, read-only).

Indicator codes are the clean files' column names, except the GDP-by-sector file whose value columns
are prefixed ``grp_`` (``grp_100m_cny`` already is) so that they do not clash with econ_energy's.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from industrial_brain.reference.land_area import LAND_AREA, province_land_area

_FILES = {
    "digital": "digital_innovation_panel_2013_2022__clean.csv",
    "econ": "econ_energy_panel_1990_2025__clean.csv",
    "grp": "gdp_three_sectors_2010_2022__clean.csv",
    "carbon": "carbon_emissions_2010_2022__clean.csv",
}
_KEYS = {"year", "adcode", "province_en", "province_zh", "province_src", "region4_en"}


def _read(name: str) -> pd.DataFrame:
    path = resources.files("industrial_brain") / "data" / "panels" / _FILES[name]
    with resources.as_file(path) as p:
        df = pd.read_csv(p)
    if name == "grp":
        df = df.rename(
            columns={
                c: f"grp_{c}"
                for c in ("primary_va_100m_cny", "secondary_va_100m_cny", "tertiary_va_100m_cny")
            }
        )
    df = df.rename(columns={"adcode": "region"})
    keep = ["region", "year"] + [c for c in df.columns if c not in _KEYS and c != "region"]
    return df[keep].set_index(["region", "year"]).sort_index()


def provincial_panel(years=range(2013, 2023)) -> pd.DataFrame:
    """All four panels joined on (adcode, year), restricted to ``years``, with the map-derived land
    area (``land_area_km2``) that derived intensities may divide by."""
    parts = [_read(k) for k in ("digital", "econ", "grp", "carbon")]
    out = parts[0]
    for p in parts[1:]:
        out = out.join(p, how="left")
    out = out[out.index.get_level_values("year").isin(list(years))]
    area = province_land_area()
    out[LAND_AREA] = out.index.get_level_values(0).astype(str).map(area).astype(float)
    return out
