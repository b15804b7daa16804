"""Scoring: hand-computed scores, gating edge cases, sector variants and per-cell validation errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from industrial_brain.errors import InputError
from industrial_brain.micro.scoring import score_answers, uscc_bad_mask, validate_answers
from industrial_brain.reference.uscc import CHARSET, is_valid_uscc

from .conftest import make_uscc


def frame(rows):
    df = pd.DataFrame(rows)
    df.insert(0, "uscc", [make_uscc(i) for i in range(len(df))])
    return df


def test_hand_computed_scores(tiny):
    df = frame(
        [
            # A1 = P → 40; A2 = 30 → band [20, 60) → 50; A = (1·40 + 3·50)/4 = 47.5
            # B1 = X;Z → 30 + 40 = 70; B2 = N → 0; B = (70 + 0)/2 = 35
            # total = (3·47.5 + 1·35)/4 = 44.375 → L2 (≥ 40; L3 needs 60)
            {"A1": "P", "A2": 30, "B1": "X;Z", "B2": "N"},
            # A1 = Y → 100; A2 = 100 (upper bound, last band) → 100; A = 100
            # B1 = X;Y;Z → 120 capped at 100; B2 missing (optional) → 0; B = 50
            # total = (300 + 50)/4 = 87.5; L4 needs each dim ≥ 50 (B = 50 ok) and A1 ≥ 100 (ok) → L4
            {"A1": "Y", "A2": 100, "B1": "X;Y;Z", "B2": None},
            # A1 = N, A2 = 0, B1 = X (30), B2 = N: A = 0, B = 15, total = 3.75 < 10 → unrated L0
            {"A1": "N", "A2": 0, "B1": "X", "B2": "N"},
        ]
    )
    r = score_answers(tiny, df)
    np.testing.assert_allclose(r.dimension_scores["A"], [47.5, 100.0, 0.0])
    np.testing.assert_allclose(r.dimension_scores["B"], [35.0, 50.0, 15.0])
    np.testing.assert_allclose(r.total, [44.375, 87.5, 3.75])
    assert r.level.tolist() == ["L2", "L4", "L0"]
    assert r.level_index.tolist() == [1, 3, -1]
    np.testing.assert_allclose(r.question_scores.iloc[0][["A1", "A2", "B1", "B2"]], [40, 50, 70, 0])
    out = r.to_frame()
    assert list(out.columns[:2]) == ["total_score", "level"] and list(out.columns[2:]) == ["A", "B"]
    assert out.index.name == "uscc"


def test_gating_total_says_L4_but_dimension_holds_at_L2(tiny):
    # A = 100 (A1 = Y, A2 = 80); B1 = X → 30, B2 = N → 0; B = 15.
    # total = (300 + 15)/4 = 78.75 ≥ 75 (L4 threshold) but B = 15 < 40 (L3 floor) → stays L2
    r = score_answers(tiny, frame([{"A1": "Y", "A2": 80, "B1": "X", "B2": "N"}]))
    assert r.total.iloc[0] == pytest.approx(78.75)
    assert r.level.iloc[0] == "L2"


def test_gating_named_question_holds_at_L3(tiny):
    # A1 = P (40), A2 = 90 (100): A = (40 + 300)/4 = 85; B1 = X;Y (80), B2 = Y (100): B = 90
    # total = (255 + 90)/4 = 86.25, every dimension ≥ 50, but A1 = 40 < 100 (L4 gate) → L3
    r = score_answers(tiny, frame([{"A1": "P", "A2": 90, "B1": "X;Y", "B2": "Y"}]))
    assert r.total.iloc[0] == pytest.approx(86.25)
    assert r.level.iloc[0] == "L3"


def test_exactly_on_thresholds_passes(tiny):
    # A1 = Y (100), A2 = 60 → band [60, 100] → 100: A = 100
    # B1 = X;Y (30 + 50 = 80), B2 = N (0): B = 40 exactly the L3 floor
    # total = (300 + 40)/4 = 85 ≥ 75 but B = 40 < 50 (L4 floor), B = 40 ≥ 40 (L3 floor) → L3
    r = score_answers(tiny, frame([{"A1": "Y", "A2": 60, "B1": "X;Y", "B2": "N"}]))
    assert r.dimension_scores["B"].iloc[0] == pytest.approx(40.0)
    assert r.level.iloc[0] == "L3"


def test_sector_variant_weights_and_extra_question(tiny):
    df = frame(
        [
            {"A1": "Y", "A2": 80, "B1": "X", "B2": "Y", "H1": "P", "sector": "Metallurgy"},
            {"A1": "Y", "A2": 80, "B1": "X", "B2": "Y", "H1": None, "sector": "Food"},
        ]
    )
    r = score_answers(tiny, df)
    # Metallurgy: B2 weight 0, H1 added: B = (30 + 40)/2 = 35; weights A:B = 3:3 → total = (100 + 35)/2 = 67.5
    # Food (base): B = (30 + 100)/2 = 65; total = (300 + 65)/4 = 91.25
    np.testing.assert_allclose(r.dimension_scores["B"], [35.0, 65.0])
    np.testing.assert_allclose(r.total, [67.5, 91.25])
    assert r.variant.tolist() == [1, 0]
    # H1 is required for Metallurgy only
    bad = frame([{"A1": "Y", "A2": 80, "B1": "X", "H1": None, "sector": "Metallurgy"}])
    with pytest.raises(InputError, match="column 'H1'.*required answer is missing"):
        score_answers(tiny, bad)


def _problem(model, df, **kw):
    with pytest.raises(InputError) as ei:
        score_answers(model, df, **kw)
    return str(ei.value), ei.value.problems


GOOD = {"A1": "Y", "A2": 50, "B1": "X", "B2": "N"}


@pytest.mark.parametrize(
    "column,value,what,expected",
    [
        ("A1", "Q", "unknown option", "one option code of N, P, Y"),
        ("B1", "X;W", "unknown option(s) 'W'", "option codes from X, Y, Z, separated by ';'"),
        ("A2", "lots", "not a number", "a number from 0 to 100 %"),
        ("A2", 120, "number out of range", "a number from 0 to 100 %"),
        ("A2", -1, "number out of range", "a number from 0 to 100 %"),
        ("A1", None, "required answer is missing", "option codes N, P, Y"),
        ("B1", " ", "required answer is missing", "option codes X, Y, Z"),
    ],
)
def test_each_bad_cell_gives_a_clear_message(tiny, column, value, what, expected):
    rows = [dict(GOOD) for _ in range(3)]
    rows[1][column] = value
    df = frame(rows)
    msg, problems = _problem(tiny, df, file="answers.csv")
    # file line 3 = header + second data row; names the enterprise, the column, the value and the expectation
    assert msg.startswith(f"answers.csv: row 3, column '{column}': enterprise {make_uscc(1)}: {what}")
    assert expected in msg
    if value is not None and str(value).strip():
        assert f"found '{value}'" in msg or f"found {value}" in msg
    assert len(problems) == 1


def test_missing_required_column(tiny):
    df = frame([{"A1": "Y", "A2": 50, "B2": "N"}])
    msg, _ = _problem(tiny, df)
    assert "column 'B1'" in msg and "required question column is missing" in msg


def test_duplicate_enterprise(tiny):
    df = frame([dict(GOOD), dict(GOOD), dict(GOOD)])
    df.loc[2, "uscc"] = df.loc[0, "uscc"].lower()  # same code, other case
    msg, _ = _problem(tiny, df)
    assert "row 4, column 'uscc'" in msg and "duplicate enterprise" in msg and "row 2" in msg


def test_bad_and_empty_uscc(tiny):
    df = frame([dict(GOOD), dict(GOOD)])
    df.loc[0, "uscc"] = df.loc[0, "uscc"][:-1] + ("0" if df.loc[0, "uscc"][-1] != "0" else "1")
    df.loc[1, "uscc"] = None
    msg, problems = _problem(tiny, df)
    assert "row 2, column 'uscc'" in msg and "check character" in msg
    assert [p.problem for p in problems][1] == "enterprise id is empty"
    # the check can be switched off (e.g. for foreign firms); empty ids are always refused
    df.loc[1, "uscc"] = make_uscc(9)
    assert score_answers(tiny, df, check_uscc=False).n == 2


def test_all_problems_listed_in_file_order(tiny):
    rows = [dict(GOOD) for _ in range(4)]
    rows[3]["A1"] = "bad"
    rows[1]["A2"] = 500
    rows[1]["B1"] = "W"
    problems = validate_answers(tiny, frame(rows))
    assert [(p.row, p.column) for p in problems] == [(3, "A2"), (3, "B1"), (5, "A1")]
    assert validate_answers(tiny, frame([dict(GOOD)])) == []


def test_ignored_columns_noted_and_categorical_input(tiny):
    df = frame([dict(GOOD), {**GOOD, "A1": "P"}])
    df["A1"] = df["A1"].astype("category")
    df["comment"] = "x"
    r = score_answers(tiny, df)
    assert any("comment" in n for n in r.notes)
    np.testing.assert_allclose(r.question_scores["A1"], [100, 40])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["N", "P", "Y"]),
            st.floats(0, 100),
            st.sampled_from(["X", "Y;Z", "X;Y;Z"]),
            st.sampled_from(["N", "P", "Y", None]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_scores_are_row_wise_and_bounded(rows, rnd):
    from industrial_brain.micro.model import model_from_dict

    from .conftest import TINY

    tiny = model_from_dict(TINY)
    df = frame([{"A1": a, "A2": b, "B1": c, "B2": d} for a, b, c, d in rows])
    r = score_answers(tiny, df)
    assert ((r.total >= 0) & (r.total <= 100)).all()
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    r2 = score_answers(tiny, df.iloc[perm])
    pd.testing.assert_series_equal(r.total.loc[r2.total.index], r2.total)
    single = score_answers(tiny, df.iloc[[0]])
    assert single.total.iloc[0] == pytest.approx(r.total.iloc[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=CHARSET + "iosvz-", min_size=16, max_size=19), min_size=1, max_size=20))
def test_vectorised_uscc_check_agrees_with_reference(codes):
    valid = [make_uscc(i) for i in range(3)]
    allc = codes + valid + [None, 12345]
    got = uscc_bad_mask(allc).tolist()
    assert got == [not is_valid_uscc(c) for c in allc]
    # an all-digit code read from CSV as an integer is checked as its digits
    digits = "913301000000000009"
    assert is_valid_uscc(digits)
    assert uscc_bad_mask([int(digits), 913301000000000008]).tolist() == [False, True]


def test_sme_model_scores_a_blank_firm_unrated():
    from industrial_brain.micro.model import load_model

    m = load_model("sme_digital_level")
    ans = {
        q.code: ("A" if q.type == "single_choice" else 0) for q in m.questions if q.type != "multiple_choice"
    }
    ans.update(F03="FIN", F06="FW")
    r = score_answers(m, frame([ans]))
    # foundation: F03 = 20, F06 = 30, others 0 → (20 + 30)/6 = 8.333
    # outcomes: R01 = 0 % growth lies in band [0, 5) → 35; R02–R04 = 0 → 0; (35)/4 = 8.75
    # total = 0.25 · 8.333 + 0.20 · 8.75 = 2.0833 + 1.75 = 3.8333 < 20 → L0 (below level 1)
    assert r.dimension_scores["foundation"].iloc[0] == pytest.approx(50 / 6)
    assert r.dimension_scores["outcomes"].iloc[0] == pytest.approx(8.75)
    assert r.total.iloc[0] == pytest.approx(0.25 * 50 / 6 + 0.2 * 8.75)
    assert r.level.iloc[0] == "L0"
