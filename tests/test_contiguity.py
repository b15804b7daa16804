"""Provincial queen contiguity from the embedded GeoJSON, and hand-made synthetic maps.

The weights matrix of a contiguity result is built by the one spatial-weights module
(:func:`industrial_brain.macro.contiguity_weights`).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from industrial_brain.errors import InputError
from industrial_brain.macro import contiguity_weights
from industrial_brain.reference.contiguity import DEFAULT_GEOJSON, ContiguityResult, contiguity_from_geojson


@pytest.fixture(scope="module")
def prov() -> ContiguityResult:
    return contiguity_from_geojson(DEFAULT_GEOJSON)


def test_31_provinces_68_shared_border_pairs_plus_hainan(prov):
    assert len(prov.codes) == 31 and "710000" not in prov.codes and "810000" not in prov.codes
    kinds = prov.pairs["kind"].value_counts().to_dict()
    assert kinds == {"shared_border": 68, "convention": 1}  # PROVENANCE §3 and §5
    conv = prov.pairs[prov.pairs.kind == "convention"]
    assert conv[["code_a", "code_b"]].values.tolist() == [["440000", "460000"]]


def test_beijing_neighbours_are_tianjin_and_hebei(prov):
    assert prov.neighbours["110000"] == ("120000", "130000")
    assert prov.neighbours["120000"] == ("110000", "130000")


def test_hainan_has_no_shared_border(prov):
    border = prov.pairs[prov.pairs.kind == "shared_border"]
    assert "460000" not in set(border.code_a) | set(border.code_b)
    assert prov.neighbours["460000"] == ("440000",)
    assert "460000" in prov.neighbours["440000"]


def test_known_neighbourhoods(prov):
    # Shanghai borders Jiangsu and Zhejiang only; Chongqing: Sichuan, Guizhou, Hunan, Hubei, Shaanxi
    assert prov.neighbours["310000"] == ("320000", "330000")
    assert set(prov.neighbours["500000"]) == {"420000", "430000", "510000", "520000", "610000"}
    # Inner Mongolia has the most neighbours (8): Hebei, Shanxi, Liaoning, Jilin, Heilongjiang, Shaanxi,
    # Gansu, Ningxia
    assert len(prov.neighbours["150000"]) == 8


def test_symmetry_and_sparse_matrix(prov):
    W = contiguity_weights(prov, ids=prov.codes, transformation="b").W
    assert W.shape == (31, 31) and W.dtype == np.float64
    A = W.toarray()
    assert np.array_equal(A, A.T) and np.all(np.diag(A) == 0)
    assert A.sum() == 2 * 69
    for c, nb in prov.neighbours.items():
        for d in nb:
            assert c in prov.neighbours[d]
    Ws = contiguity_weights(prov, ids=prov.codes).W.toarray()
    np.testing.assert_allclose(Ws.sum(axis=1), 1.0)  # no isolated province once Hainan is linked
    i = prov.codes.index("110000")
    np.testing.assert_allclose(Ws[i][Ws[i] > 0], [0.5, 0.5])


def test_insensitive_to_tolerance():
    # the polygons overlap slightly along borders (§5 #14): any tolerance from 0 to 0.01° gives 68
    for tol in (0.0, 1e-9, 1e-3, 1e-2):
        r = contiguity_from_geojson(DEFAULT_GEOJSON, tolerance=tol)
        assert (r.pairs.kind == "shared_border").sum() == 68


def test_without_links_hainan_is_isolated():
    r = contiguity_from_geojson(DEFAULT_GEOJSON, island_links={})
    assert r.neighbours["460000"] == ()
    assert np.asarray(contiguity_weights(r, ids=r.codes).W.sum(axis=1)).ravel()[r.codes.index("460000")] == 0


def test_all_34_features():
    r = contiguity_from_geojson(DEFAULT_GEOJSON, mainland_only=False)
    assert len(r.codes) == 34
    assert r.neighbours["810000"] == ("440000",) and r.neighbours["820000"] == ("440000",)
    assert r.neighbours["710000"] == ()  # Taiwan: no land border, no convention link given


def test_summary_and_frame(prov):
    text = prov.summary()
    assert "shared-border pairs" in text and "68" in text and "Lineage:" in text
    zh = prov.to_frame(lang="zh")
    assert zh.loc["110000"]["name_b"].tolist() == ["天津", "河北"]
    assert list(prov.to_frame().columns) == ["code_b", "kind", "name_a", "name_b"]


# --- synthetic maps (hand-drawn squares) ---------------------------------------------------------
def square(x, y, s=1.0):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]}


def fc(*feats):
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"adcode": c}, "geometry": g} for c, g in feats],
    }


def test_queen_not_rook_and_gap_tolerance():
    # 2×2 grid: A B / C D. Queen: A–B, A–C, B–D, C–D by edges, A–D and B–C by corners = 6 pairs.
    grid = fc(("A", square(0, 1)), ("B", square(1, 1)), ("C", square(0, 0)), ("D", square(1, 0)))
    r = contiguity_from_geojson(grid, mainland_only=False, island_links={})
    assert len(r.pairs) == 6
    # E sits 1e-7 to the right of D: touching within the 1e-6 tolerance, not within 1e-8
    near = fc(("D", square(0, 0)), ("E", square(1 + 1e-7, 0)))
    assert len(contiguity_from_geojson(near, mainland_only=False, island_links={}).pairs) == 1
    assert len(contiguity_from_geojson(near, mainland_only=False, island_links={}, tolerance=1e-8).pairs) == 0


def test_reads_a_file_and_numeric_codes(tmp_path):
    doc = fc((110000, square(0, 0)), (120000, square(1, 0)))
    p = tmp_path / "m.geojson"
    p.write_text(json.dumps(doc), encoding="utf-8")
    r = contiguity_from_geojson(p, island_links={})
    assert r.codes == ("110000", "120000") and r.pairs.values.tolist() == [
        ["110000", "120000", "shared_border"]
    ]


@pytest.mark.parametrize(
    "doc, kwargs, match",
    [
        ({"type": "FeatureCollection", "features": []}, {}, "no features"),
        (fc(("A", square(0, 0))), {"codes_property": "code"}, "no 'code' property"),
        (fc(("A", square(0, 0)), ("A", square(1, 0))), {}, "duplicate region code"),
        (fc(("A", square(0, 0))), {"island_links": {"A": ["Z"]}}, "not in the map"),
        (fc(("A", {"type": "Polygon", "coordinates": "x"})), {}, "invalid geometry"),
        (fc(("A", square(0, 0))), {"tolerance": -1}, "tolerance"),
    ],
)
def test_bad_input(doc, kwargs, match):
    with pytest.raises(InputError, match=match):
        contiguity_from_geojson(doc, mainland_only=False, **{"island_links": {}, **kwargs})


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        contiguity_from_geojson(tmp_path / "none.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        contiguity_from_geojson(bad)
