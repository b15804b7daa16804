"""Maturity models as data: shipped models, schema errors with YAML paths, version fingerprints."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from industrial_brain.errors import InputError
from industrial_brain.micro.model import list_models, load_model, model_from_dict
from industrial_brain.micro.scoring import score_answers

from .conftest import make_uscc


def test_shipped_models_load():
    codes = dict(list_models())
    assert set(codes) >= {"digital_transformation_maturity", "sme_digital_level"}
    dt = load_model("digital_transformation_maturity")
    assert len(dt.questions) == 60
    assert [lv.code for lv in dt.levels] == ["L1", "L2", "L3", "L4", "L5"]
    assert len(dt.dimensions) == 9
    for d in dt.dimensions:  # at least several questions per dimension
        assert sum(q.dimension == d.code for q in dt.questions) >= 5
    named = " ".join(s.code for s in dt.standards)
    for std in ("GB/T 39116", "GB/T 36073", "SIRI", "acatech"):
        assert std in named
    assert abs(sum(d.weight for d in dt.dimensions) - 1.0) < 1e-12
    # L4 gate on data integration across systems
    assert dt.levels[3].min_question == {"DR03": 75}
    sme = load_model("sme_digital_level")
    assert sme.dimension_codes == ("foundation", "operations", "management", "outcomes")
    assert [lv.min_total for lv in sme.levels] == [20, 40, 60, 80]
    assert sme.unrated is not None and sme.unrated.code == "L0"


def _err(data, file="m.yaml") -> str:
    with pytest.raises(InputError) as ei:
        model_from_dict(data, file=file)
    return str(ei.value)


def test_bad_weight_names_path(tiny_dict):
    tiny_dict["dimensions"][1]["weight"] = -2
    msg = _err(tiny_dict)
    assert "m.yaml" in msg and "dimensions[1].weight" in msg and "-2" in msg and "> 0" in msg


def test_unknown_dimension_names_path(tiny_dict):
    tiny_dict["questions"][2]["dimension"] = "Q"
    msg = _err(tiny_dict)
    assert "questions[2].dimension" in msg and "'Q'" in msg and "['A', 'B']" in msg


def test_missing_key_and_extra_key(tiny_dict):
    d = dict(tiny_dict)
    del d["levels"]
    assert "levels" in _err(d) and "present" in _err(d)
    tiny_dict["questions"][0]["wieght"] = 2
    assert "questions[0].wieght" in _err(tiny_dict)


def test_band_gap_and_bad_type(tiny_dict):
    tiny_dict["questions"][1]["bands"][1]["min"] = 25
    assert "questions[1]" in _err(tiny_dict) and "contiguous" in _err(tiny_dict)
    tiny_dict["questions"][1]["bands"][1]["min"] = 20
    tiny_dict["questions"][0]["type"] = "free_text"
    msg = _err(tiny_dict)
    assert "questions[0].type" in msg and "single_choice" in msg


def test_levels_must_increase_and_gates_must_exist(tiny_dict):
    tiny_dict["levels"][2]["min_total"] = 30
    assert "levels[2].min_total" in _err(tiny_dict)
    tiny_dict["levels"][2]["min_total"] = 60
    tiny_dict["levels"][3]["min_question"] = {"ZZ9": 10}
    assert "levels[3].min_question" in _err(tiny_dict)


def test_action_with_unknown_option(tiny_dict):
    tiny_dict["actions"][0]["effects"][0]["to"] = "Q"
    assert "actions[0].effects[0].to" in _err(tiny_dict)


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("code: x\nversion: 1\ndimensions: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_model(p)
    assert "broken.yaml" in str(ei.value) and "row" in str(ei.value)


def test_unknown_model_code():
    with pytest.raises(InputError, match="unknown maturity model"):
        load_model("no_such_model")


def test_fingerprint_changes_with_content_and_old_results_keep_theirs(tiny_dict, tmp_path):
    m1 = model_from_dict(tiny_dict)
    assert model_from_dict(yaml.safe_load(yaml.safe_dump(tiny_dict))).fingerprint == m1.fingerprint
    df = pd.DataFrame({"uscc": [make_uscc(1)], "A1": ["Y"], "A2": [70], "B1": ["X;Y"], "B2": ["Y"]})
    r1 = score_answers(m1, df)
    tiny_dict["dimensions"][0]["weight"] = 2  # change one weight, keep version "1"
    m2 = model_from_dict(tiny_dict)
    assert m2.fingerprint != m1.fingerprint
    r2 = score_answers(m2, df)
    assert (r1.model_fingerprint, r2.model_fingerprint) == (m1.fingerprint, m2.fingerprint)
    assert r1.lineage.params["model_fingerprint"] == m1.fingerprint
    assert r1.model_version == "1" and r1.model_code == "tiny"
    # A: (1·100 + 3·100)/4 = 100; B: (80 + 100)/2 = 90. Weights 3:1 → 97.5; weights 2:1 → 96.666…
    assert r1.total.iloc[0] == pytest.approx(97.5)
    assert r2.total.iloc[0] == pytest.approx((2 * 100 + 90) / 3)
