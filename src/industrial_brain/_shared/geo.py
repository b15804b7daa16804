"""Distances on the Earth: the one great-circle (haversine) distance of the project.

Used by the distance-based spatial weights (:mod:`industrial_brain.macro`) and by the gravity prior
of the multi-regional IO table (:mod:`industrial_brain.meso`). numpy is enough: a geodesy library
(pyproj) would add a compiled dependency for a one-line formula at the precision the uses need.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lon: Any, lat: Any) -> np.ndarray:
    """Great-circle (haversine) distances in km between points given in degrees.

    Parameters
    ----------
    lon, lat : array_like, shape (n,)
        Longitudes and latitudes in degrees.

    Returns
    -------
    ndarray, shape (n, n)
        ``d_ij = 2 R asin( sqrt( sin²(Δφ/2) + cos φ_i cos φ_j sin²(Δλ/2) ) )`` with ``R = 6371.0088`` km.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. *Sky and Telescope* 68(2), 159.

    Examples
    --------
    A quarter of the equator, (0°, 0°) to (90°, 0°), is ``π R / 2 = 10,007.557…`` km:

    >>> round(float(great_circle_km([0.0, 90.0], [0.0, 0.0])[0, 1]), 1)
    10007.6
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
