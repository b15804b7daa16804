"""Diagnosis and roadmap."""

from __future__ import annotations

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.micro.diagnosis import diagnose, score_ladder
from industrial_brain.micro.model import model_from_dict
from industrial_brain.micro.scoring import score_answers

from .conftest import make_uscc


def _scores(model, rows):
    df = pd.DataFrame(rows)
    df.insert(0, "uscc", [make_uscc(i) for i in range(len(df))])
    return score_answers(model, df)


def test_blocking_dimension_and_roadmap_reaches_next_level(tiny):
    # total 78.75 but B = 15 < 40 holds the firm at L2 (see test_scoring): next level L3
    r = _scores(tiny, [{"A1": "Y", "A2": 80, "B1": "X", "B2": "N"}])
    d = diagnose(tiny, r, make_uscc(0))
    assert (d.level, d.next_level) == ("L2", "L3")
    assert d.dimensions.loc["B", "blocking"] and not d.dimensions.loc["A", "blocking"]
    assert d.dimensions.loc["B", "gap_to_next_level"] == pytest.approx(25.0)
    assert any("dimension B" in b for b in d.blocking)
    assert d.reaches_next_level
    # every step works on dimension B's questions (the only way to lift the gate)
    assert set(";".join(d.roadmap["questions"]).split(";")) <= {"B1", "B2"}
    assert d.roadmap["level_after"].iloc[-1] in ("L3", "L4")  # lifting B can clear L4 at once
    assert (d.roadmap["shortfall_after"].diff().dropna() <= 1e-9).all()


def test_catalogue_action_used_for_question_gate(tiny):
    # A1 = P holds at L3 (L4 needs A1 = Y); the catalogue action ACT_A1 sets A1 = Y
    r = _scores(tiny, [{"A1": "P", "A2": 90, "B1": "X;Y", "B2": "Y"}])
    d = diagnose(tiny, r, make_uscc(0))
    assert d.level == "L3" and d.next_level == "L4"
    assert d.roadmap["action"].iloc[0] == "ACT_A1"
    assert d.roadmap["level_after"].iloc[-1] == "L4"


def test_top_level_has_empty_roadmap_and_version_mismatch_is_refused(tiny, tiny_dict):
    r = _scores(tiny, [{"A1": "Y", "A2": 100, "B1": "X;Y", "B2": "Y"}])
    d = diagnose(tiny, r, make_uscc(0))
    assert d.level == "L4" and d.next_level is None and len(d.roadmap) == 0
    tiny_dict["questions"][0]["weight"] = 2
    with pytest.raises(InputError, match="another version of the model"):
        diagnose(model_from_dict(tiny_dict), r, make_uscc(0))


def test_benchmark_gap(tiny):
    rows = [
        {"A1": "Y", "A2": 80, "B1": "X;Y", "B2": "Y", "sector": "Food"},
        {"A1": "P", "A2": 10, "B1": "X", "B2": "N", "sector": "Food"},
        {"A1": "Y", "A2": 50, "B1": "Y", "B2": "P", "sector": "Food"},
    ]
    r = _scores(tiny, rows)
    d = diagnose(tiny, r, make_uscc(1))
    med = r.dimension_scores.median()
    assert d.dimensions.loc["A", "benchmark"] == pytest.approx(med["A"])
    # weighted gap = W_A · (median − own) with W_A = 3/4
    assert d.dimensions.loc["A", "weighted_gap"] == pytest.approx(
        0.75 * (med["A"] - r.dimension_scores["A"].iloc[1])
    )


def test_score_ladder_multiple_choice(tiny):
    # options 30, 50, 40: subset sums capped at 100 → 0, 30, 40, 50, 70, 80, 90, 100
    assert score_ladder(tiny, tiny.question("B1")).tolist() == [0, 30, 40, 50, 70, 80, 90, 100]
