"""Province land areas from the embedded map's polygons.

Published development indices score infrastructure per unit of land (光缆线路密度, optical-cable
length per km²). The panels carry no land area, but the embedded province polygons do: the area of
each province is the geodesic area of its (multi)polygon on the WGS84 ellipsoid,

    A = |Σ over rings of the ellipsoidal polygon area|   (holes subtracted),

computed by :meth:`pyproj.Geod.geometry_area_perimeter` (Karney's algorithm; exact to round-off
for the given vertices). The map is simplified, so areas differ from the official land areas by a
few per cent (Beijing 16,410 km² against the official 16,410.54 km²; Zhejiang 106,638 km² against
about 105,500 km²) — far below the spread between provinces (7,700–1,630,000 km²).

References
----------
Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87(1): 43–55.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

import pandas as pd

__all__ = ["province_land_area", "LAND_AREA"]

#: Code of the map-derived land-area series (km²) that index systems may use as a denominator.
LAND_AREA = "land_area_km2"


@lru_cache(maxsize=1)
def province_land_area() -> pd.Series:
    """Geodesic area (km², WGS84) of each province polygon of the embedded map, by GB/T 2260 code.

    Examples
    --------
    >>> a = province_land_area()
    >>> round(float(a["110000"]))  # Beijing; official land area 16,410.54 km²
    16410
    >>> bool(a["650000"] > a["540000"] > a["150000"])  # Xinjiang > Tibet > Inner Mongolia
    True
    """
    from pyproj import Geod
    from shapely.geometry import shape

    geo = json.loads(
        files("industrial_brain").joinpath("data/geo/china_provinces_clean.geojson").read_text("utf-8")
    )
    geod = Geod(ellps="WGS84")
    area = {
        str(f["properties"]["adcode"]): abs(geod.geometry_area_perimeter(shape(f["geometry"]))[0]) / 1e6
        for f in geo["features"]
    }
    return pd.Series(area, name=LAND_AREA).sort_index()
