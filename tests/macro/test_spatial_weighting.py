"""Spatial weights from neighbour pairs and from distances (hand-solved and against libpysal)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain._shared.geo import great_circle_km
from industrial_brain.macro.spatial_weighting import contiguity_weights, distance_weights

# synthetic points (lon, lat): six provincial capitals, rounded
PTS = pd.DataFrame(
    {"lon": [116.4, 121.5, 113.3, 104.1, 87.6, 126.6], "lat": [39.9, 31.2, 23.1, 30.7, 43.8, 45.8]},
    index=["110000", "310000", "440000", "510000", "650000", "230000"],
)


def test_haversine_by_hand():
    # one degree of longitude on the equator: R·π/180 = 6371.0088·0.0174533 = 111.195 km
    assert great_circle_km([0, 1], [0, 0])[0, 1] == pytest.approx(6371.0088 * math.pi / 180)
    # pole to equator: R·π/2
    assert great_circle_km([0, 0], [0, 90])[0, 1] == pytest.approx(6371.0088 * math.pi / 2)
    d = great_circle_km(PTS.lon, PTS.lat)
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)


def test_inverse_distance_by_hand():
    # points on the equator at 0°, 1°, 3°: d = (111.2, 222.4); middle row raw (1/111.2, 1/222.4) → (2/3, 1/3)
    w = distance_weights([[0, 0], [1, 0], [3, 0]], transformation="o")
    one = 6371.0088 * math.pi / 180
    assert w.W.toarray()[1, 0] == pytest.approx(1 / one) and w.W.toarray()[1, 2] == pytest.approx(
        1 / (2 * one)
    )
    r = distance_weights([[0, 0], [1, 0], [3, 0]])
    np.testing.assert_allclose(r.W.toarray()[1], [2 / 3, 0, 1 / 3])
    # gravity form alpha = 2: (1, 1/4) → (0.8, 0.2); band of 150 km cuts the 222 km link
    np.testing.assert_allclose(
        distance_weights([[0, 0], [1, 0], [3, 0]], alpha=2).W.toarray()[1], [0.8, 0, 0.2]
    )
    np.testing.assert_allclose(
        distance_weights([[0, 0], [1, 0], [3, 0]], threshold_km=150).W.toarray()[1], [1.0, 0, 0]
    )


@pytest.mark.peer
def test_knn_and_inverse_distance_against_libpysal():
    libpysal = pytest.importorskip("libpysal")
    pts = PTS[["lon", "lat"]].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = libpysal.weights.KNN.from_array(pts, k=2, distance_metric="arc", radius=6371.0088)
        db = libpysal.weights.DistanceBand.from_array(
            pts, threshold=2e4, binary=False, alpha=-1.0, distance_metric="arc", radius=6371.0088
        )
    ours = distance_weights(PTS, "knn", k=2, transformation="b")
    np.testing.assert_array_equal(ours.W.toarray(), k.full()[0])
    assert list(ours.ids) == list(PTS.index)
    inv = distance_weights(PTS, "inverse", transformation="o")
    np.testing.assert_allclose(inv.W.toarray(), db.full()[0], rtol=1e-9)


def test_contiguity_from_pairs():
    pairs = pd.DataFrame({"code_a": ["a", "b", "b", "c"], "code_b": ["b", "a", "c", "b"]})  # both directions
    w = contiguity_weights(pairs, ids=["a", "b", "c", "d"], transformation="b")
    assert w.W.toarray().astype(int).tolist() == [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert w.islands == ("d",)
    r = contiguity_weights(pairs)  # row-standardised: b's two neighbours get 1/2
    assert r.W.toarray()[1].tolist() == [0.5, 0.0, 0.5]


def test_bad_inputs():
    with pytest.raises(InputError, match="method"):
        distance_weights(PTS, "gravity")
    with pytest.raises(InputError, match="k must be"):
        distance_weights(PTS, "knn", k=6)
    with pytest.raises(InputError, match="longitude"):
        distance_weights(PTS.rename(columns={"lon": "east"}))
    with pytest.raises(InputError, match="missing coordinate"):
        distance_weights(PTS.assign(lat=[39.9, np.nan, 23.1, 30.7, 43.8, 45.8]))
    with pytest.raises(MethodError, match="share a location"):
        distance_weights([[0, 0], [0, 0], [1, 1]])
    with pytest.raises(InputError, match="no neighbour pairs"):
        contiguity_weights([])
    with pytest.raises(InputError, match="code_a"):
        contiguity_weights(pd.DataFrame({"x": [1]}))
