"""Spatial weights: the container :class:`SpatialWeights` and its builders.

* :func:`spatial_weights` — from a dense or sparse matrix, a neighbour dict, a labelled frame or a
  libpysal ``W``, with the transformation (row-standardised, binary or as given);
* :func:`contiguity_weights` — from a table of neighbour pairs such as the store's
  ``region_neighbour`` (queen contiguity of the province boundaries, with the convention link
  Hainan–Guangdong; see :mod:`industrial_brain.reference.contiguity`);
* :func:`distance_weights` — from point coordinates (e.g. the provincial capitals in the store's
  ``region`` table): inverse distance ``w_ij = d_ij^{−α}`` (optionally cut off beyond a distance
  band) or binary ``k`` nearest neighbours, on the great-circle distances of
  :func:`industrial_brain._shared.geo.great_circle_km`.

All builders are pure; the service layer reads the store. libpysal builds the same weights
(``W.from_adjlist``, ``KNN``, ``DistanceBand``) and is the cross-check in the tests; this module
exists so that the weights come out labelled by region code, seeded nowhere (they are
deterministic) and in the sparse form the Moran engine
(:mod:`industrial_brain.macro.spatial_autocorrelation`) uses, without libpysal at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import sparse

from industrial_brain._shared.geo import great_circle_km
from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro._common import numeric_array

__all__ = ["SpatialWeights", "spatial_weights", "distance_weights", "contiguity_weights"]

_TRANSFORMS = ("r", "b", "o")
_METHODS = ("inverse", "knn")


@dataclass(frozen=True)
class SpatialWeights:
    """Spatial weights in CSR form with their ids and the moments ``S0, S1, S2``.

    Attributes
    ----------
    W : scipy.sparse.csr_matrix, shape (n, n)
        Transformed weights (row-standardised for ``transformation='r'``).
    ids : pandas.Index
        Unit labels, in row order.
    transformation : str
        ``'r'`` row-standardised, ``'b'`` binary, ``'o'`` as given.
    islands : tuple
        Ids of units without neighbours (their lag is 0).
    """

    W: sparse.csr_matrix
    ids: pd.Index
    transformation: str
    islands: tuple = ()

    @property
    def n(self) -> int:
        """Number of units ``n``."""
        return self.W.shape[0]

    @property
    def s0(self) -> float:
        """``S0 = Σ_ij w_ij``."""
        return float(self.W.sum())

    @property
    def s1(self) -> float:
        """``S1 = ½ Σ_ij (w_ij + w_ji)²``."""
        t = self.W + self.W.T
        return float(0.5 * t.multiply(t).sum())

    @property
    def s2(self) -> float:
        """``S2 = Σ_i (w_i· + w_·i)²`` (row sum plus column sum, squared)."""
        r = np.asarray(self.W.sum(axis=1)).ravel() + np.asarray(self.W.sum(axis=0)).ravel()
        return float((r * r).sum())

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit (non-zero weights per row)."""
        return np.diff(self.W.indptr)


def _from_dict(d: Mapping, ids: pd.Index | None) -> tuple[sparse.csr_matrix, pd.Index]:
    keys = list(d.keys())
    if ids is None:
        # unlabelled y: integer keys 0..n-1 are positions; other keys follow the dict's order
        if all(isinstance(k, (int, np.integer)) for k in keys) and set(keys) == set(range(len(keys))):
            ids = pd.RangeIndex(len(keys))
        else:
            ids = pd.Index(keys)
    pos = {k: i for i, k in enumerate(ids)}
    missing = [k for k in keys if k not in pos]
    if missing or len(keys) != len(ids):
        raise InputError.at(
            "weights dict keys do not match the units of y",
            column="w",
            value=(missing or [k for k in ids if k not in d])[:3],
            expected="one entry per unit, keyed by the labels of y",
        )
    rows, cols, vals = [], [], []
    for k, nbrs in d.items():
        items = nbrs.items() if isinstance(nbrs, Mapping) else ((j, 1.0) for j in nbrs)
        for j, v in items:
            if j not in pos:
                raise InputError.at("neighbour is not a unit of y", column="w", value=f"{k} → {j}")
            rows.append(pos[k])
            cols.append(pos[j])
            vals.append(float(v))
    n = len(ids)
    W = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=float)
    W.sum_duplicates()
    return W, ids


def spatial_weights(w: Any, ids: Any = None, transformation: str = "r") -> SpatialWeights:
    """Build :class:`SpatialWeights` from a matrix, a neighbour dict or a libpysal ``W``.

    Parameters
    ----------
    w : ndarray, scipy.sparse matrix, DataFrame, dict, libpysal W, or SpatialWeights
        Dense or sparse ``n × n`` weights; a DataFrame is aligned to ``ids`` by its labels; a dict
        maps each unit to a list of neighbours (binary) or to ``{neighbour: weight}``. With
        unlabelled ``y`` a dict keyed 0 … n−1 is read by position, any other dict in its key order.
    ids : sequence, optional
        Unit labels in the order of ``y`` (a Series' index). Dict and DataFrame weights are
        reordered to it.
    transformation : {'r', 'b', 'o'}
        Row-standardise (default), binarise (every non-zero weight → 1), or keep as given.

    Returns
    -------
    SpatialWeights

    Examples
    --------
    A path a – b – c, row-standardised: b's two neighbours get ½ each.

    >>> sw = spatial_weights({"a": ["b"], "b": ["a", "c"], "c": ["b"]})
    >>> sw.W.toarray()[1].tolist(), sw.s0
    ([0.5, 0.0, 0.5], 3.0)
    """
    if transformation not in _TRANSFORMS:
        raise InputError.at(
            "unknown weights transformation",
            column="transformation",
            value=transformation,
            expected="'r' (row-standardised), 'b' (binary) or 'o' (original)",
        )
    idx = None if ids is None else pd.Index(ids)
    if isinstance(w, SpatialWeights):
        W, wid = w.W, w.ids
        if idx is not None and not wid.equals(idx):
            if not idx.isin(wid).all() or len(idx) != len(wid):
                raise InputError.at("weights ids differ from the units of y", column="w")
            order = wid.get_indexer(idx)
            W = W[order][:, order]
            wid = idx
    elif isinstance(w, Mapping):
        W, wid = _from_dict(w, idx)
    elif hasattr(w, "sparse") and hasattr(w, "id_order"):  # libpysal.weights.W
        W = sparse.csr_matrix(w.sparse, dtype=float)
        wid = pd.Index(w.id_order)
        if idx is not None and len(idx) == len(wid) and not wid.equals(idx) and idx.isin(wid).all():
            order = wid.get_indexer(idx)
            W = W[order][:, order]
            wid = idx
        elif idx is not None:
            wid = idx if len(idx) == W.shape[0] else wid
    elif isinstance(w, pd.DataFrame):
        if idx is not None:
            if not (idx.isin(w.index).all() and idx.isin(w.columns).all()):
                raise InputError.at("weights frame does not label every unit of y", column="w")
            w = w.loc[idx, idx]
        W = sparse.csr_matrix(w.to_numpy(dtype=float))
        wid = pd.Index(w.index)
    elif sparse.issparse(w):
        W = sparse.csr_matrix(w, dtype=float)
        wid = idx if idx is not None else pd.RangeIndex(W.shape[0])
    else:
        try:
            A = np.asarray(w, dtype=float)
        except (TypeError, ValueError):
            raise InputError.at(
                "weights must be a matrix, a dict of neighbours or a libpysal W",
                column="w",
                value=type(w).__name__,
            ) from None
        if A.ndim != 2:
            raise InputError.at("weights matrix must be square", column="w", value=A.shape)
        W = sparse.csr_matrix(A)
        wid = idx if idx is not None else pd.RangeIndex(A.shape[0])
    if W.shape[0] != W.shape[1]:
        raise InputError.at("weights matrix must be square", column="w", value=W.shape)
    if len(wid) != W.shape[0]:
        raise InputError.at(
            "weights and y differ in size", column="w", value=f"{W.shape[0]} units in w, {len(wid)} in y"
        )
    W = W.tocsr(copy=True)
    W.eliminate_zeros()
    if W.nnz and (not np.all(np.isfinite(W.data)) or (W.data < 0).any()):
        raise InputError.at("weights must be finite and non-negative", column="w")
    if transformation == "b":
        W.data[:] = 1.0
    elif transformation == "r":
        rs = np.asarray(W.sum(axis=1)).ravel()
        inv = np.divide(1.0, rs, out=np.zeros_like(rs), where=rs > 0)
        W = sparse.csr_matrix(sparse.diags(inv) @ W)
    W.sort_indices()
    islands = tuple(wid[np.diff(W.indptr) == 0])
    if len(islands) == W.shape[0]:
        raise MethodError("spatial weights have no links at all (every unit is an island)")
    return SpatialWeights(W=W, ids=wid, transformation=transformation, islands=islands)


def _coords(coords: Any, ids: Any = None) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(lon, lat, ids) from a frame with lon/lat columns or an n × 2 array (lon, lat in degrees)."""
    if isinstance(coords, pd.DataFrame):
        cols = {c.lower(): c for c in map(str, coords.columns)}
        lon_c = next((cols[c] for c in ("lon", "longitude", "capital_lon", "x") if c in cols), None)
        lat_c = next((cols[c] for c in ("lat", "latitude", "capital_lat", "y") if c in cols), None)
        if lon_c is None or lat_c is None:
            raise InputError.at(
                "coordinates need longitude and latitude columns",
                column="coords",
                value=list(coords.columns),
                expected="lon, lat (or capital_lon, capital_lat)",
            )
        lon = coords[lon_c].to_numpy(dtype=float)
        lat = coords[lat_c].to_numpy(dtype=float)
        index = pd.Index(coords.index) if ids is None else pd.Index(ids)
    else:
        A = numeric_array(coords, "coords", "coordinates must be numeric")
        if A.ndim != 2 or A.shape[1] != 2:
            raise InputError.at(
                "coordinates must be an n × 2 array of (lon, lat)", column="coords", value=A.shape
            )
        lon, lat = A[:, 0], A[:, 1]
        index = pd.RangeIndex(len(lon)) if ids is None else pd.Index(ids)
    if len(index) != len(lon):
        raise InputError.at(
            "ids and coordinates differ in length", column="ids", value=f"{len(index)} ids, {len(lon)} points"
        )
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        raise InputError.at(
            "missing coordinate",
            column="coords",
            value=str(index[np.argmax(bad)]),
            expected="a longitude and latitude for every region",
        )
    if (np.abs(lat) > 90).any() or (np.abs(lon) > 360).any():
        raise InputError.at(
            "coordinates out of range",
            column="coords",
            expected="longitude in degrees, latitude in [−90, 90]",
        )
    if len(lon) < 2:
        raise InputError.at("spatial weights need at least two regions", column="coords", value=len(lon))
    return lon, lat, index


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
    >>> [round(float(v), 4) for v in w.W.toarray()[1]]
    [0.6667, 0.0, 0.3333]
    """
    if method not in _METHODS:
        raise InputError.at(
            "unknown distance-weights method", column="method", value=method, expected="'inverse' or 'knn'"
        )
    lon, lat, index = _coords(coords, ids)
    n = len(index)
    d = great_circle_km(lon, lat)
    if method == "knn":
        if not isinstance(k, (int, np.integer)) or not 1 <= k < n:
            raise InputError.at(
                "k must be an integer with 1 <= k < number of regions",
                column="k",
                value=k,
                expected=f"1 … {n - 1}",
            )
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
            raise MethodError(
                f"regions {index[i]!s} and {index[j]!s} share a location: inverse distance "
                "is infinite (use method='knn' or move one point)"
            )
        with np.errstate(divide="ignore"):
            A = np.where(off, d, np.inf) ** (-float(alpha))
        if threshold_km is not None:
            if not (isinstance(threshold_km, (int, float)) and threshold_km > 0):
                raise InputError.at(
                    "threshold_km must be a positive distance", column="threshold_km", value=threshold_km
                )
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
            raise InputError.at(
                "neighbour pairs need columns code_a and code_b", column="pairs", value=list(pairs.columns)
            )
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
