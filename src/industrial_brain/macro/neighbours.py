"""Spatial weights from neighbour pairs (contiguity) and from distances between points.

Builders of :class:`~industrial_brain.macro.moran.SpatialWeights` for Moran's I:

* :func:`contiguity_weights` — from a table of neighbour pairs such as the store's
  ``region_neighbour`` (queen contiguity of the province boundaries, with the convention link
  Hainan–Guangdong; see :mod:`industrial_brain.reference.contiguity`);
* :func:`distance_weights` — from point coordinates (e.g. the provincial capitals in the store's
  ``region`` table): inverse distance ``w_ij = d_ij^{−α}`` (optionally cut off beyond a distance
  band) or binary ``k`` nearest neighbours;
* :func:`great_circle_km` — the haversine distance matrix on a sphere of radius 6,371.0088 km
  (the mean Earth radius, as ``libpysal.cg.RADIUS_EARTH_KM``).

All three are pure; the service layer reads the store. libpysal builds the same weights
(``W.from_adjlist``, ``KNN``, ``DistanceBand``) and is the cross-check in the tests; this module
exists so that the weights come out labelled by region code, seeded nowhere (they are
deterministic) and in the sparse form the Moran engine uses, without libpysal at run time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.moran import SpatialWeights, spatial_weights

__all__ = ["EARTH_RADIUS_KM", "great_circle_km", "distance_weights", "contiguity_weights"]

#: Mean Earth radius (km), IUGG; the value libpysal uses for arc distances.
EARTH_RADIUS_KM = 6371.0088
_METHODS = ("inverse", "knn")


def _coords(coords: Any, ids: Any = None) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(lon, lat, ids) from a frame with lon/lat columns or an n × 2 array (lon, lat in degrees)."""
    if isinstance(coords, pd.DataFrame):
        cols = {c.lower(): c for c in map(str, coords.columns)}
        lon_c = next((cols[c] for c in ("lon", "longitude", "capital_lon", "x") if c in cols), None)
        lat_c = next((cols[c] for c in ("lat", "latitude", "capital_lat", "y") if c in cols), None)
        if lon_c is None or lat_c is None:
            raise InputError.at("coordinates need longitude and latitude columns", column="coords",
                                value=list(coords.columns), expected="lon, lat (or capital_lon, capital_lat)")
        lon = coords[lon_c].to_numpy(dtype=float)
        lat = coords[lat_c].to_numpy(dtype=float)
        index = pd.Index(coords.index) if ids is None else pd.Index(ids)
    else:
        try:
            A = np.asarray(coords, dtype=float)
        except (TypeError, ValueError):
            raise InputError.at("coordinates must be numeric", column="coords") from None
        if A.ndim != 2 or A.shape[1] != 2:
            raise InputError.at("coordinates must be an n × 2 array of (lon, lat)", column="coords",
                                value=A.shape)
        lon, lat = A[:, 0], A[:, 1]
        index = pd.RangeIndex(len(lon)) if ids is None else pd.Index(ids)
    if len(index) != len(lon):
        raise InputError.at("ids and coordinates differ in length", column="ids",
                            value=f"{len(index)} ids, {len(lon)} points")
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        raise InputError.at("missing coordinate", column="coords", value=str(index[np.argmax(bad)]),
                            expected="a longitude and latitude for every region")
    if (np.abs(lat) > 90).any() or (np.abs(lon) > 360).any():
        raise InputError.at("coordinates out of range", column="coords",
                            expected="longitude in degrees, latitude in [−90, 90]")
    if len(lon) < 2:
        raise InputError.at("spatial weights need at least two regions", column="coords", value=len(lon))
    return lon, lat, index


def great_circle_km(lon: Any, lat: Any) -> np.ndarray:
    """Haversine great-circle distances (km) between all pairs of points.

    Parameters
    ----------
    lon, lat : array_like, shape (n,)
        Degrees.

    Returns
    -------
    ndarray, shape (n, n)

    Notes
    -----
    ``d = 2 R asin( sqrt( sin²(Δφ/2) + cos φ_1 cos φ_2 sin²(Δλ/2) ) )`` with ``R = 6371.0088`` km.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. *Sky and Telescope* 68(2), 159.

    Examples
    --------
    A quarter of the equator, (0°, 0°) to (90°, 0°): ``R π/2 = 10,007.5`` km.

    >>> round(float(great_circle_km([0, 90], [0, 0])[0, 1]), 1)
    10007.5
    """
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_weights(
    coords: Any,
    method: str = "inverse",
    *,
    k: int = 4,
    alpha: float = 1.0,
    threshold_km: float | None = None,
    ids: Any = None,
    transformation: str = "r",
) -> SpatialWeights:
    """Spatial weights from great-circle distances between points.

    Parameters
    ----------
    coords : DataFrame (columns lon/lat or capital_lon/capital_lat, index = region ids) or array (n, 2)
    method : {"inverse", "knn"}
        ``"inverse"``: ``w_ij = d_ij^{−alpha}`` for ``i ≠ j`` (0 beyond ``threshold_km`` when given);
        ``"knn"``: ``w_ij = 1`` for the ``k`` nearest ``j`` of each ``i`` (not symmetric).
    k : int, default 4
        Neighbours per region for ``"knn"``.
    alpha : float, default 1
        Distance-decay exponent for ``"inverse"`` (2 = gravity form).
    threshold_km : float, optional
        Distance band for ``"inverse"``: pairs further apart get weight 0.
    ids : sequence, optional
        Region labels (default: the frame's index).
    transformation : {"r", "b", "o"}
        Row-standardise (default), binarise, or keep the raw weights (see :func:`spatial_weights`).

    Returns
    -------
    SpatialWeights

    Raises
    ------
    InputError
        Bad coordinates or options.
    MethodError
        Two regions at the same point under inverse distance (``d = 0``).

    Notes
    -----
    Distances are haversine great-circle distances (:func:`great_circle_km`). Ties in ``knn`` are
    broken by order (stable sort), as ``scipy.spatial.cKDTree`` does.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, §3.1 (distance-based
    weights). Getis, A. & Aldstadt, J. (2004). Constructing the spatial weights matrix using a local
    statistic. *Geographical Analysis* 36(2), 90–104.

    Examples
    --------
    Three points on the equator at 0°, 1° and 3° longitude (111.2 and 222.4 km apart): under inverse
    distance, the middle point's raw weights are 1/111.2 and 1/222.4, row-standardised 2/3 and 1/3:

    >>> w = distance_weights([[0, 0], [1, 0], [3, 0]])
    >>> [round(v, 4) for v in w.W.toarray()[1]]
    [0.0, 0.6667, 0.3333]
    """
    if method not in _METHODS:
        raise InputError.at("unknown distance-weights method", column="method", value=method,
                            expected="'inverse' or 'knn'")
    lon, lat, index = _coords(coords, ids)
    n = len(index)
    d = great_circle_km(lon, lat)
    if method == "knn":
        if not isinstance(k, (int, np.integer)) or not 1 <= k < n:
            raise InputError.at("k must be an integer with 1 <= k < number of regions", column="k", value=k,
                                expected=f"1 … {n - 1}")
        dd = d.copy()
        np.fill_diagonal(dd, np.inf)
        nb = np.argsort(dd, axis=1, kind="stable")[:, :k]
        W = sparse.csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), nb.ravel())), shape=(n, n))
    else:
        if not (isinstance(alpha, (int, float)) and np.isfinite(alpha) and alpha > 0):
            raise InputError.at("alpha must be a positive number", column="alpha", value=alpha)
        off = ~np.eye(n, dtype=bool)
        if (d[off] <= 0).any():
            i, j = np.argwhere((d <= 0) & off)[0]
            raise MethodError(f"regions {index[i]!s} and {index[j]!s} share a location: inverse distance "
                              "is infinite (use method='knn' or move one point)")
        with np.errstate(divide="ignore"):
            A = np.where(off, d, np.inf) ** (-float(alpha))
        if threshold_km is not None:
            if not (isinstance(threshold_km, (int, float)) and threshold_km > 0):
                raise InputError.at("threshold_km must be a positive distance", column="threshold_km",
                                    value=threshold_km)
            A[d > threshold_km] = 0.0
        W = sparse.csr_matrix(A)
    return spatial_weights(W, ids=index, transformation=transformation)


def contiguity_weights(pairs: Any, ids: Any = None, transformation: str = "r") -> SpatialWeights:
    """Spatial weights from neighbour pairs (binary contiguity, then ``transformation``).

    Parameters
    ----------
    pairs : DataFrame with columns ``code_a``, ``code_b`` (the store's ``region_neighbour``), a
        ``ContiguityResult`` of :mod:`industrial_brain.reference.contiguity`, or an iterable of
        ``(a, b)`` pairs. Each pair links both ways; duplicates are ignored.
    ids : sequence, optional
        Regions in the order of the variable; pairs naming other regions are dropped, regions
        without a pair are islands. Default: every region named in a pair, sorted.
    transformation : {"r", "b", "o"}

    Returns
    -------
    SpatialWeights

    Raises
    ------
    InputError
        No pairs, or a malformed pairs table.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, §3.1.

    Examples
    --------
    >>> w = contiguity_weights([("a", "b"), ("b", "c")], transformation="b")
    >>> w.W.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    if hasattr(pairs, "pairs") and isinstance(getattr(pairs, "pairs"), pd.DataFrame):
        pairs = pairs.pairs  # a ContiguityResult of industrial_brain.reference.contiguity
    if isinstance(pairs, pd.DataFrame):
        if not {"code_a", "code_b"} <= set(pairs.columns):
            raise InputError.at("neighbour pairs need columns code_a and code_b", column="pairs",
                                value=list(pairs.columns))
        P = [(str(a), str(b)) for a, b in zip(pairs["code_a"], pairs["code_b"])]
    else:
        try:
            P = [(str(a), str(b)) for a, b in pairs]
        except (TypeError, ValueError):
            raise InputError.at("neighbour pairs must be (a, b) tuples", column="pairs") from None
    if not P:
        raise InputError.at("no neighbour pairs", column="pairs", expected="at least one pair of regions")
    index = pd.Index(sorted({x for p in P for x in p})) if ids is None else pd.Index([str(i) for i in ids])
    nbrs: dict[str, set[str]] = {i: set() for i in index}
    for a, b in P:
        if a == b or a not in nbrs or b not in nbrs:
            continue
        nbrs[a].add(b)
        nbrs[b].add(a)
    return spatial_weights({i: sorted(v) for i, v in nbrs.items()}, ids=index, transformation=transformation)
