"""Benchmarking: percentiles, aggregates, small-cell suppression proved against a linear-algebra oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from industrial_brain.errors import InputError
from industrial_brain.micro.benchmarking import (
    ALL,
    aggregate,
    compare_with_reference,
    enterprise_benchmark,
    percentile_rank,
    published_reference_2022,
    suppress_one_way,
    suppress_two_way,
)


def test_percentile_and_rank_by_hand():
    f = pd.DataFrame(
        {
            "sector": ["A", "A", "A", "A", "B", "B"],
            "region": ["x", "y", "x", "y", "x", "x"],
            "total_score": [10.0, 20.0, 20.0, 40.0, 50.0, 30.0],
        },
        index=pd.Index(list("abcdef"), name="uscc"),
    )
    r = percentile_rank(f, by=["sector", "region"])
    # sector A: 10, 20, 20, 40. For 'b' (20): L = 1, E = 2 → P = 100·(1 + 1)/4 = 50; rank = 1 + #higher = 2
    assert r.loc["b", "sector_percentile"] == 50.0 and r.loc["b", "sector_rank"] == 2
    # 'd' (40) is top of A: L = 3, E = 1 → 87.5, rank 1
    assert r.loc["d", "sector_percentile"] == 87.5 and r.loc["d", "sector_rank"] == 1
    # national, 'e' (50) is best of 6: P = 100·(5 + 0.5)/6
    assert r.loc["e", "national_percentile"] == pytest.approx(100 * 5.5 / 6)
    # region x: a 10, c 20, e 50, f 30 → 'f': L = 2 → 100·2.5/4 = 62.5, rank 2
    assert r.loc["f", "region_percentile"] == 62.5 and r.loc["f", "region_rank"] == 2
    assert r.loc["f", "region_n"] == 4
    eb = enterprise_benchmark(f, "f", by=["sector", "region"])
    assert eb.loc["sector", "group"] == "B" and np.isnan(eb.loc["sector", "group_mean"])  # 2 < k
    assert eb.loc["region", "group_mean"] == pytest.approx(27.5)
    with pytest.raises(InputError, match="not found"):
        enterprise_benchmark(f, "zz")


def test_aggregate_two_way_margins_and_level_shares():
    rng = np.random.default_rng(5)
    n = 200
    f = pd.DataFrame(
        {
            "sector": rng.choice(["S1", "S2", "S3"], n),
            "region": rng.choice(["R1", "R2"], n),
            "total_score": rng.uniform(0, 100, n),
        }
    )
    f["level"] = pd.Categorical(np.where(f["total_score"] < 50, "L1", "L2"), categories=["L1", "L2"])
    t = aggregate(f, ("sector", "region")).frame
    assert not t["suppressed"].any()
    assert t.loc[(ALL, ALL), "n"] == n
    assert t.loc[(ALL, ALL), "mean"] == pytest.approx(f["total_score"].mean())
    sub = f[(f.sector == "S2") & (f.region == "R1")]["total_score"]
    assert t.loc[("S2", "R1"), "median"] == pytest.approx(sub.median())
    assert t.loc[("S2", "R1"), "q1"] == pytest.approx(sub.quantile(0.25))
    assert t.loc[("S2", ALL), "share_L1"] == pytest.approx((f[f.sector == "S2"].level == "L1").mean())
    # level shares add up to one
    np.testing.assert_allclose(t[["share_L1", "share_L2"]].sum(axis=1), 1.0)


# ---- suppression oracle ------------------------------------------------------------------------


def _recoverable(n: np.ndarray, sup: np.ndarray) -> list[tuple[int, int]]:
    """Suppressed entries of an (R+1)×(C+1) table with margins that the published entries determine.

    Equations: every row's cells minus its margin = 0, every column's cells minus its margin = 0
    (the margin row and column included). Entry e is determined iff the unit vector of e lies in the
    row space of the equation matrix restricted to the suppressed entries.
    """
    R1, C1 = n.shape
    R, C = R1 - 1, C1 - 1
    idx = {(i, j): i * C1 + j for i in range(R1) for j in range(C1)}
    A = []
    for i in range(R1):
        row = np.zeros(R1 * C1)
        for j in range(C):
            row[idx[i, j]] = 1
        row[idx[i, C]] = -1
        A.append(row)
    for j in range(C1):
        row = np.zeros(R1 * C1)
        for i in range(R):
            row[idx[i, j]] = 1
        row[idx[R, j]] = -1
        A.append(row)
    A = np.array(A)
    cols = [idx[i, j] for i, j in zip(*np.nonzero(sup))]
    if not cols:
        return []
    As = A[:, cols]
    base = np.linalg.matrix_rank(As)
    out = []
    for k, c in enumerate(cols):
        e = np.zeros(len(cols))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([As, e])) == base:
            out.append(divmod(c, C1))
    return out


def _with_margins(inner: np.ndarray) -> np.ndarray:
    R, C = inner.shape
    n = np.zeros((R + 1, C + 1), dtype=np.int64)
    n[:R, :C] = inner
    n[:R, C] = inner.sum(1)
    n[R, :C] = inner.sum(0)
    n[R, C] = inner.sum()
    return n


def test_oracle_detects_naive_primary_suppression():
    # only primary suppression of one small cell: recoverable by subtraction from its row margin
    n = _with_margins(np.array([[2, 5, 9], [6, 7, 8]]))
    naive = (n > 0) & (n < 3)
    assert _recoverable(n, naive) == [(0, 0)]


@pytest.mark.parametrize("seed", range(12))
def test_suppression_never_reveals_small_cells_random_tables(seed):
    rng = np.random.default_rng(seed)
    R, C = rng.integers(2, 7), rng.integers(2, 7)
    inner = rng.choice([0, 1, 2, 3, 4, 8, 15], size=(R, C), p=[0.1, 0.2, 0.2, 0.1, 0.1, 0.15, 0.15])
    n = _with_margins(inner)
    sup, comp = suppress_two_way(n, k=3)
    assert not ((n > 0) & (n < 3) & ~sup).any()  # every small entry hidden, margins included
    assert _recoverable(n, sup) == []  # and none can be worked out by subtraction
    assert not (comp & ((n > 0) & (n < 3))).any()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(st.lists(st.integers(0, 12), min_size=c, max_size=c), min_size=r, max_size=r)
        )
    ),
    st.integers(2, 5),
)
def test_suppression_property(inner, k):
    n = _with_margins(np.array(inner))
    sup, _ = suppress_two_way(n, k=k)
    assert not ((n > 0) & (n < k) & ~sup).any()
    assert _recoverable(n, sup) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=8), st.integers(2, 5))
def test_one_way_suppression_property(cells, k):
    cells = np.array(cells)
    sup, tot, _ = suppress_one_way(cells, int(cells.sum()), k)
    assert not ((cells > 0) & (cells < k) & ~sup).any()
    # one equation Σ cells = total: a lone suppressed entry would be recoverable
    assert int(sup.sum()) + int(tot) != 1


def test_aggregate_publishes_nothing_over_fewer_than_k_and_nothing_recoverable():
    rng = np.random.default_rng(11)
    sectors = rng.choice(["Food", "Textiles", "Metallurgy", "Packaging"], 60, p=[0.45, 0.3, 0.2, 0.05])
    regions = rng.choice(["110000", "330000", "440000"], 60, p=[0.5, 0.4, 0.1])
    f = pd.DataFrame({"sector": sectors, "region": regions, "total_score": rng.uniform(20, 80, 60)})
    res = aggregate(f, ("sector", "region"), k=3)
    t = res.frame
    published = t[~t["suppressed"]]
    assert (published["n"] >= 3).all() or ((published["n"] >= 3) | (published["n"] == 0)).all()
    assert published["n"].min() >= 3
    assert res.n_primary > 0 and res.n_complementary > 0
    # rebuild the count table (true counts) and check recoverability with the oracle
    rs = sorted(set(sectors))
    cs = sorted(set(regions))
    inner = pd.crosstab(f.sector, f.region).reindex(index=rs, columns=cs, fill_value=0).to_numpy()
    n = _with_margins(inner)
    sup = np.zeros_like(n, dtype=bool)
    for (a, b), s in t["suppressed"].items():
        i = rs.index(a) if a != ALL else len(rs)
        j = cs.index(b) if b != ALL else len(cs)
        sup[i, j] = s
    assert _recoverable(n, sup) == []
    # suppressed rows carry no statistic at all
    assert t.loc[t["suppressed"], ["n", "mean", "median"]].isna().all().all()


def test_published_reference_is_labelled():
    ref = published_reference_2022()
    assert ref.national_mean == 51.8 and ref.national_share_at_or_below_L1 == 0.42
    assert len(ref.sectors) == 12 and ref.sectors.loc["Waste recycling", "mean_score"] == 41.8
    f = pd.DataFrame(
        {
            "sector": ["Electronics"] * 3 + ["Food"] * 2,
            "total_score": [60.0, 58.0, 62.0, 50.0, 40.0],
            "level": ["L2", "L2", "L2", "L1", "L1"],
        }
    )
    c = compare_with_reference(f)
    assert c.loc["Electronics", "mean"] == 60.0 and c.loc["Electronics", "difference"] == pytest.approx(2.0)
    assert np.isnan(c.loc["Food", "mean"])  # 2 firms < k
    assert c.loc["ALL", "share_at_or_below_L1"] == pytest.approx(0.4)
    assert c["reference"].str.startswith("published reference 2022").all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_percentile_rank_matches_pandas_groupby_rank(seed):
    rng = np.random.default_rng(seed)
    n = 500
    f = pd.DataFrame(
        {
            "sector": rng.choice(list("ABCD"), n),
            "region": rng.choice(list("xyz"), n),
            "total_score": rng.integers(0, 20, n).astype(float) * 5,
        }
    )  # many ties
    r = percentile_rank(f, by=["sector", "region"])
    for g in ("sector", "region"):
        grp = f.groupby(g)["total_score"]
        np.testing.assert_array_equal(r[f"{g}_rank"], grp.rank(method="min", ascending=False))
        np.testing.assert_allclose(
            r[f"{g}_percentile"], 100 * (grp.rank(method="average") - 0.5) / grp.transform("size")
        )
        np.testing.assert_array_equal(r[f"{g}_n"], grp.transform("size"))
