"""Normalisation: hand-solved examples, reference sets, directions and bad inputs (synthetic data)."""

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError, MethodError
from industrial_brain.macro.normalisation import normalize


def _panel():
    # synthetic 2 regions x 2 years
    idx = pd.MultiIndex.from_product([["A", "B"], [2020, 2021]], names=["region", "year"])
    return pd.DataFrame({"x": [1.0, 3.0, 5.0, 9.0], "y": [10.0, 20.0, 30.0, 40.0]}, index=idx)


def test_minmax_pooled_hand_solved():
    r = normalize(_panel(), {"x": "+", "y": "-"})
    # x: min 1, max 9 -> (1-1)/8, (3-1)/8, (5-1)/8, (9-1)/8 = 0, .25, .5, 1
    assert r.X["x"].tolist() == [0.0, 0.25, 0.5, 1.0]
    # y cost: (40 - y)/30 -> 1, 2/3, 1/3, 0
    np.testing.assert_allclose(r.X["y"], [1.0, 2 / 3, 1 / 3, 0.0], rtol=0, atol=1e-15)
    assert r.reference == "pooled" and r.lineage.params["reference"] == "pooled"


def test_minmax_by_year_hand_solved():
    r = normalize(_panel(), {"x": "+", "y": "+"}, reference="by_year")
    # 2020: x in {1, 5} -> A 0, B 1; 2021: x in {3, 9} -> A 0, B 1
    assert r.X["x"].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert r.lineage.params["reference"] == "by_year"
    assert set(r.reference_stats.index.get_level_values(0)) == {2020, 2021}


def test_minmax_shift():
    r = normalize(_panel(), {"x": "+", "y": "+"}, shift=0.0001)
    assert r.X["x"].min() == pytest.approx(0.0001) and r.X["x"].max() == pytest.approx(1.0001)


def test_minmax_shift_rescale_stays_in_unit_interval():
    # x = (1, 3, 5, 9): z = (0, .25, .5, 1); rescale: 0.01 + 0.99 z = (0.01, 0.2575, 0.505, 1.0)
    r = normalize(_panel(), {"x": "+", "y": "+"}, shift=0.01, shift_mode="rescale")
    np.testing.assert_allclose(sorted(r.X["x"]), [0.01, 0.2575, 0.505, 1.0])
    assert r.lineage.params["shift_mode"] == "rescale"
    with pytest.raises(InputError, match="shift mode"):
        normalize(_panel(), {"x": "+", "y": "+"}, shift=0.01, shift_mode="multiply")
    with pytest.raises(InputError, match="< 1"):
        normalize(_panel(), {"x": "+", "y": "+"}, shift=1.0, shift_mode="rescale")


def test_zscore_hand_solved():
    r = normalize(_panel(), {"x": "-", "y": "+"}, method="zscore")
    # x mean 4.5, sample sd sqrt(((3.5^2 + 1.5^2 + .5^2 + 4.5^2))/3) = sqrt(35/3); cost -> sign flipped
    sd = np.sqrt(35 / 3)
    np.testing.assert_allclose(r.X["x"], [3.5 / sd, 1.5 / sd, -0.5 / sd, -4.5 / sd])
    np.testing.assert_allclose(r.X["y"].mean(), 0.0, atol=1e-15)


def test_target_hand_solved():
    r = normalize(_panel(), {"x": "+", "y": "-"}, method="target", targets={"x": 4.0, "y": 20.0})
    # x/4 ; 20/y
    np.testing.assert_allclose(r.X["x"], [0.25, 0.75, 1.25, 2.25])
    np.testing.assert_allclose(r.X["y"], [2.0, 1.0, 2 / 3, 0.5])


def test_log_hand_solved():
    p = pd.DataFrame({"x": [1.0, 10.0, 100.0]})
    r = normalize(p, {"x": "+"}, method="log")
    # ln 1, ln 10, ln 100 -> 0, 0.5, 1 after min-max
    np.testing.assert_allclose(r.X["x"], [0.0, 0.5, 1.0], atol=1e-15)


def test_negative_under_log_raises():
    p = pd.DataFrame({"x": [1.0, -2.0, 3.0]})
    with pytest.raises(InputError, match="non-positive"):
        normalize(p, {"x": "+"}, method="log")
    # documented handling: an offset
    assert normalize(p, {"x": "+"}, method="log", log_offset=3.0).X.notna().all().all()


def test_constant_indicator_raises():
    p = pd.DataFrame({"x": [1.0, 2.0], "c": [5.0, 5.0]})
    with pytest.raises(MethodError, match="'c' is constant"):
        normalize(p, {"x": "+", "c": "+"})
    with pytest.raises(MethodError, match="constant"):
        normalize(p, {"x": "+", "c": "+"}, method="zscore")


def test_constant_within_one_year_raises_by_year_only():
    p = _panel().assign(z=[1.0, 2.0, 1.0, 3.0])  # z constant in 2020 only
    normalize(p, {"x": "+", "y": "+", "z": "+"})  # pooled is fine
    with pytest.raises(MethodError, match="in year 2020"):
        normalize(p, {"x": "+", "y": "+", "z": "+"}, reference="by_year")


def test_missing_and_all_missing():
    p = _panel()
    p.loc[("A", 2021), "x"] = np.nan
    with pytest.raises(InputError, match="missing value"):
        normalize(p, {"x": "+", "y": "+"})
    r = normalize(p, {"x": "+", "y": "+"}, missing="drop")
    assert len(r.X) == 3 and "dropped 1" in r.notes[0] and not r.X.isna().any().any()
    p["x"] = np.nan
    with pytest.raises(InputError, match="missing in every row"):
        normalize(p, {"x": "+", "y": "+"})


def test_bad_options():
    with pytest.raises(InputError, match="direction"):
        normalize(_panel(), {"x": "+"})
    with pytest.raises(InputError, match="direction"):
        normalize(_panel(), {"x": "+", "y": "up"})
    with pytest.raises(InputError, match="unknown normalisation"):
        normalize(_panel(), None, method="rank")
    with pytest.raises(InputError, match="reference"):
        normalize(_panel(), None, reference="yearly")
    with pytest.raises(InputError, match="MultiIndex"):
        normalize(pd.DataFrame({"x": [1.0, 2.0]}), None, reference="by_year")
    with pytest.raises(InputError, match="non-numeric"):
        normalize(pd.DataFrame({"x": [1.0, "a"]}), None)
    with pytest.raises(InputError, match="target"):
        normalize(_panel(), None, method="target")


def test_result_readonly_and_summary():
    r = normalize(_panel(), None)
    with pytest.raises(ValueError):
        r.X.values[0, 0] = 7.0
    assert "minmax" in r.summary()
