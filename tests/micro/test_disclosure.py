"""Statistical disclosure control by releases: sensitivity rules on hand-solved cells, the leverage
audit against a brute-force rank oracle, differencing over time, linked tables, and the quartile rule.
All enterprises are SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.micro.disclosure import (
    audit_release,
    nk_rule,
    p_percent_rule,
    publish_tables,
    release_cells,
    threshold_rule,
)

# ---- primary sensitivity ------------------------------------------------------------------------------


def test_p_percent_rule_hand_solved():
    # cell 0: 60, 30, 3 → T − x1 − x2 = 3 < 0.10·60 = 6: sensitive
    # cell 1: 60, 30, 7 → 7 ≥ 6: safe;   cell 2: 60, 30, 6 → 6 < 6 is false: safe (the boundary)
    # cell 3: one firm; cell 4: two firms — always sensitive (nothing left to hide the largest)
    codes = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 4])
    x = np.array([60, 30, 3, 60, 30, 7, 60, 30, 6, 12, 5, 50.0])
    assert p_percent_rule(codes, 5, x, p=10).tolist() == [True, False, False, True, True]
    # with p = 15 the second cell (7 < 9) becomes sensitive too
    assert p_percent_rule(codes, 5, x, p=15).tolist() == [True, True, True, True, True]
    # contributions order does not matter
    perm = np.random.default_rng(1).permutation(len(x))
    assert p_percent_rule(codes[perm], 5, x[perm], p=10).tolist() == [True, False, False, True, True]


def test_nk_and_threshold_rules():
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    x = np.array([50, 40, 5, 5, 30, 30, 20, 20.0])
    # (2, 85): 90/100 > 85% sensitive; 60/100 safe
    assert nk_rule(codes, 2, x, n=2, k=85).tolist() == [True, False]
    assert nk_rule(codes, 2, x, n=1, k=45).tolist() == [True, False]
    assert threshold_rule(np.array([0, 2, 3]), k=3).tolist() == [False, True, False]


def test_dominance_rejects_negative_scores():
    with pytest.raises(InputError, match="nonnegative"):
        p_percent_rule(np.array([0, 0]), 1, np.array([1.0, -2.0]))


def _frame(rows):
    """(id, sector, region, size, score, level) → a release input frame (one assessment per firm)."""
    f = pd.DataFrame(
        rows, columns=["assessment_id", "sector", "region", "size_class", "total_score", "level"]
    )
    return f.assign(uscc=f["assessment_id"])


def test_dominated_cell_is_suppressed_with_a_complement():
    # sector D: 95, 4, 0.5 — 3 firms (threshold passes) but T − x1 − x2 = 0.5 < 9.5: dominance
    rows = [(f"a{i}", "A", "r", "s", 40.0 + i, "L2") for i in range(6)]
    rows += [
        ("d0", "D", "r", "s", 95.0, "L5"),
        ("d1", "D", "r", "s", 4.0, "L1"),
        ("d2", "D", "r", "s", 0.5, "L1"),
    ]
    rows += [(f"b{i}", "B", "r", "s", 50.0 + i, "L3") for i in range(4)]
    c = release_cells(_frame(rows), groupings=("sector",)).cells
    assert c.loc["sector=D", "suppression"] == "dominance" and c.loc["sector=D", "n"] == 3
    # B (4 firms) is the smallest other cell: complementary, or D = ALL − A − B
    assert c.loc["sector=B", "suppression"] == "complementary" and c.loc["sector=A", "suppression"] == ""


# ---- the audit against a brute-force oracle -----------------------------------------------------------


def _oracle(cells: pd.DataFrame, members: pd.DataFrame, published: np.ndarray):
    """Firms and firm pairs G whose assessments carry a nonzero vector of row(M):
    rank(M) > rank(M without G's columns)."""
    cells = cells.reset_index(drop=True)
    idx = {(r, k): i for i, (r, k) in enumerate(zip(cells.release_id, cells.key))}
    contribs = sorted(members["contributor"].unique())
    cpos = {c: j for j, c in enumerate(contribs)}
    M = np.zeros((len(cells), len(contribs)))
    for r, k, c in members[["release_id", "key", "contributor"]].itertuples(index=False):
        M[idx[(r, k)], cpos[c]] = 1.0
    M = M[published]
    unit = members.drop_duplicates("contributor").set_index("contributor")["unit"]
    firms = sorted(unit.unique())
    rank = np.linalg.matrix_rank(M) if M.size else 0

    def disclosed(group):
        keep = [j for j, c in enumerate(contribs) if unit[c] not in group]
        return rank > (np.linalg.matrix_rank(M[:, keep]) if keep and M.size else 0)

    singles = {f for f in firms if disclosed({f})}
    pairs = {
        (f, g)
        for i, f in enumerate(firms)
        for g in firms[i + 1 :]
        if f not in singles and g not in singles
        if disclosed({f, g})
    }
    return singles, pairs


def _random_history(seed: int, firms: int = 9, releases: int = 3):
    """Random releases of one-way cells over a few firms, some re-assessed, some cells unpublished."""
    rng = np.random.default_rng(seed)
    cells, members = [], []
    for r in range(releases):
        present = [f for f in range(firms) if rng.random() < 0.8]
        for key in ("A", "B", "C", "D"):
            who = [f for f in present if rng.random() < 0.5]
            if not who:
                continue
            cells.append((f"r{r}", key, len(who), bool(rng.random() < 0.85)))
            for f in who:
                version = r // 2 if f % 3 == 0 else 0  # firms 0, 3, 6 are re-assessed from release 2 on
                members.append((f"r{r}", key, f"f{f}/v{version}", f"f{f}"))
    c = pd.DataFrame(cells, columns=["release_id", "key", "n", "published"])
    c = c.assign(sensitive=False, candidate=False)
    m = pd.DataFrame(members, columns=["release_id", "key", "contributor", "unit"])
    return c, m


@pytest.mark.parametrize("seed", range(12))
def test_audit_finds_exactly_the_oracles_firms_and_pairs(seed):
    cells, members = _random_history(seed)
    singles, pairs = _oracle(cells, members, cells["published"].to_numpy())
    a = audit_release(cells, members, k=3)  # nothing is a candidate: the audit reports, drops nothing
    v = a.violations
    assert a.dropped == () and a.rounds == 1
    assert set(v.loc[v["kind"] == "firm", "units"].map(lambda u: u[0])) == singles
    assert set(v.loc[v["kind"] == "pair", "units"]) == pairs
    assert (v["dropped"] == "").all() and (a.clean == (not singles and not pairs))


def test_the_oracle_cases_are_not_all_empty():
    """The random histories exercise both kinds (a test that cannot fail is a defect)."""
    found = [_oracle(c, m, c["published"].to_numpy()) for c, m in map(_random_history, range(12))]
    assert sum(bool(s) for s, _ in found) >= 3 and sum(bool(p) for _, p in found) >= 3


@pytest.mark.parametrize("seed", range(12))
def test_a_candidate_release_adds_no_disclosure(seed):
    """With the last release as the candidate, the audit withholds cells until the history discloses
    exactly what the earlier releases already did (nothing new, whatever the candidate)."""
    cells, members = _random_history(seed, releases=4)
    last = cells["release_id"] == "r3"
    cells = cells.assign(candidate=last)
    earlier = cells["published"].to_numpy() & ~last.to_numpy()
    before = _oracle(cells, members, earlier)
    a = audit_release(cells, members, k=3)
    final = cells["published"].to_numpy() & ~(last & cells["key"].isin(a.dropped)).to_numpy()
    assert _oracle(cells, members, final) == before
    assert set(a.dropped) <= set(cells.loc[last, "key"])


def test_two_release_differencing_is_caught():
    """Release 1: A = {a, b, c}, B = {d, e, f}, ALL. Release 2 adds firm g to A only: A₂ − A₁ = g.
    The audit withholds the candidate cells touching g, smallest n first, until g is in no published
    difference: A₂ (n = 4) first, then ALL₂ (ALL₂ − ALL₁ = g too)."""
    cells = pd.DataFrame(
        [
            ("r1", "A", 3, True, False),
            ("r1", "B", 3, True, False),
            ("r1", "ALL", 6, True, False),
            ("r2", "A", 4, True, True),
            ("r2", "B", 3, True, True),
            ("r2", "ALL", 7, True, True),
        ],
        columns=["release_id", "key", "n", "published", "candidate"],
    ).assign(sensitive=False)
    mem = (
        [("r1", "A", x) for x in "abc"]
        + [("r1", "B", x) for x in "def"]
        + [("r1", "ALL", x) for x in "abcdef"]
    )
    mem += [("r2", "A", x) for x in "abcg"] + [("r2", "B", x) for x in "def"]
    mem += [("r2", "ALL", x) for x in "abcdefg"]
    members = pd.DataFrame(mem, columns=["release_id", "key", "contributor"])
    members["unit"] = members["contributor"]
    a = audit_release(cells, members, k=3)
    assert a.dropped == ("A", "ALL") and a.clean
    assert a.violations["kind"].tolist() == ["firm", "firm"] and a.violations["firms"].tolist() == [1, 1]
    # the oracle agrees that what is left publishes nothing about g (nor any other firm or pair)
    final = cells["published"].to_numpy() & ~(cells["candidate"] & cells["key"].isin(a.dropped)).to_numpy()
    assert _oracle(cells, members, final) == (set(), set())
    # without the audit, the attacker's Δ(n·mean) over A would give g exactly: the oracle finds it
    assert _oracle(cells, members, cells["published"].to_numpy())[0] == {"g"}


def test_reassessment_difference_is_a_disclosed_firm():
    """A re-assessment is one contributor leaving and one joining: A₁ = {a, b, c, x/1},
    A₂ = {a, b, c, x/2} — A₂ − A₁ = x₂ − x₁, a function of firm x alone."""
    cells = pd.DataFrame(
        [("r1", "A", 4, True, False, False), ("r2", "A", 4, True, False, True)],
        columns=["release_id", "key", "n", "published", "sensitive", "candidate"],
    )
    members = pd.DataFrame(
        [("r1", "A", c, c[0]) for c in ["a", "b", "c", "x/1"]]
        + [("r2", "A", c, c[0]) for c in ["a", "b", "c", "x/2"]],
        columns=["release_id", "key", "contributor", "unit"],
    )
    a = audit_release(cells, members, k=3)
    assert a.dropped == ("A",) and a.violations["kind"].tolist() == ["firm"]
    assert a.violations["contributors"].tolist() == [2]


def test_pair_differencing_is_caught_and_a_triple_is_not():
    base = [("r1", "A", c) for c in "abcde"]
    two = pd.DataFrame(
        base + [("r2", "A", c) for c in "abcdefg"], columns=["release_id", "key", "contributor"]
    )
    three = pd.DataFrame(
        base + [("r2", "A", c) for c in "abcdefgh"], columns=["release_id", "key", "contributor"]
    )
    cells = pd.DataFrame(
        [("r1", "A", 5, True, False, False), ("r2", "A", 7, True, False, True)],
        columns=["release_id", "key", "n", "published", "sensitive", "candidate"],
    )
    a2 = audit_release(cells, two.assign(unit=two["contributor"]))
    assert a2.dropped == ("A",) and a2.violations["kind"].tolist() == ["pair"]
    a3 = audit_release(cells.assign(n=[5, 8]), three.assign(unit=three["contributor"]))
    assert a3.dropped == () and a3.clean


def test_linked_tables_suppressed_cell_follows_from_another_tables_margins():
    """One release, two tables. Sector table: A = {a, b, c, d} published, B = {e, f} primary,
    C = {g, h, i} complementary, ALL published — safe within the table. Region table: X = {a … f}
    and Y = {g, h, i} published. Then B = X − A: the sensitive cell (and the pair e, f) follows from
    the other table's cells. The audit withholds X (the smallest touching cell, n = 6); then B =
    ALL − A − Y still holds, so ALL goes too."""
    sector = {"sector=A": "abcd", "sector=B": "ef", "sector=C": "ghi"}
    region = {"region=X": "abcdef", "region=Y": "ghi"}
    groups = {**sector, **region, "ALL": "abcdefghi"}
    cells = pd.DataFrame(
        [
            ("r1", key, len(m), key != "sector=B" and key != "sector=C", key == "sector=B", True)
            for key, m in groups.items()
        ],
        columns=["release_id", "key", "n", "published", "sensitive", "candidate"],
    )
    members = pd.DataFrame(
        [("r1", key, c, c) for key, m in groups.items() for c in m],
        columns=["release_id", "key", "contributor", "unit"],
    )
    a = audit_release(cells, members, k=3)
    assert a.dropped == ("region=X", "ALL") and a.clean
    assert set(a.violations["kind"]) == {"pair", "cell"}
    assert a.violations.loc[a.violations["kind"] == "cell", "cell"].unique().tolist() == ["sector=B"]


def test_release_cells_and_audit_on_a_population(request):
    """End to end on a small SYNTHETIC population: after the audit, the oracle finds no disclosed firm
    or pair across all six tables (the tables are linked through shared margins)."""
    rng = np.random.default_rng(7)
    n = 60
    f = pd.DataFrame(
        {
            "assessment_id": [f"q{i}" for i in range(n)],
            "sector": rng.choice(list("ABCD"), n, p=[0.4, 0.3, 0.2, 0.1]),
            "region": rng.choice(["r1", "r2", "r3"], n),
            "size_class": rng.choice(["small", "large"], n),
            "total_score": rng.uniform(20, 80, n).round(1),
            "level": rng.choice(["L1", "L2", "L3"], n),
        }
    )
    f["uscc"] = f["assessment_id"]
    cand = release_cells(f, k=3, p=10)
    c = cand.cells
    cells = pd.DataFrame(
        {
            "release_id": "r1",
            "key": c.index,
            "n": c["n"].to_numpy(),
            "published": (c["suppression"] == "").to_numpy(),
            "sensitive": c["suppression"].isin(["primary", "dominance"]).to_numpy(),
            "candidate": True,
        }
    )
    members = cand.members.assign(release_id="r1")
    a = audit_release(cells, members, k=3)
    final = cells["published"].to_numpy() & ~cells["key"].isin(a.dropped).to_numpy()
    assert _oracle(cells, members, final) == (set(), set())
    assert a.clean
    t = publish_tables(cand, a.dropped)
    assert set(t["table"]) == {
        "sector",
        "region",
        "size_class",
        "sector|region",
        "sector|size_class",
        "region|size_class",
    }
    assert t.loc[t["suppression"] == "release", "key"].unique().tolist() == list(dict.fromkeys(a.dropped))
    published = t[~t["suppressed"]]
    assert (published["n"] >= 3).all()


# ---- distribution statistics ---------------------------------------------------------------------------


def test_quartiles_only_from_n_min_so_three_firm_inversion_has_no_input():
    """For n = 3 the quartiles give every member (v2 = median, v1 = 2·q1 − v2, v3 = 2·q3 − v2): a cell
    below n_min publishes its mean only, and no quartile or share."""
    rows = [(f"a{i}", "A", "r", "s", 10.0 * i + 5, "L2") for i in range(10)]  # 5, 15, …, 95
    rows += [
        ("b0", "B", "r", "s", 41.0, "L1"),
        ("b1", "B", "r", "s", 52.0, "L2"),
        ("b2", "B", "r", "s", 66.0, "L3"),
    ]
    t = publish_tables(release_cells(_frame(rows), groupings=("sector",)), n_min=10).set_index("key")
    b = t.loc["sector=B"]
    assert b["n"] == 3 and b["mean"] == pytest.approx(53.0)
    assert b[["q1", "median", "q3", "share_L1", "share_L2", "share_L3"]].isna().all()
    a = t.loc["sector=A"]
    # A: 10 firms, quartiles of 5 … 95 (type 7): q1 = 27.5, median = 50, q3 = 72.5, rounded to 0.1
    assert (a["q1"], a["median"], a["q3"]) == (27.5, 50.0, 72.5) and a["share_L2"] == 1.0
    # the rounding rule: the national mean 659 / 13 = 50.6923… is published to 0.01 point
    assert t.loc["ALL", "mean"] == 50.69
