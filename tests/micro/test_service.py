"""Store-backed assessment service: round trip, atomicity, model versioning, cohorts, suppression in
stored aggregates, profiles. All enterprises here are SYNTHETIC."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.micro.benchmarking import published_reference_2022
from industrial_brain.micro.model import load_model, model_from_dict
from industrial_brain.micro.population import simulate_population
from industrial_brain.micro.scoring import score_answers
from industrial_brain.ingest.assessment import PUBLISHED_SECTOR_SCHEME
from industrial_brain.report.sections_micro import profile_html
from industrial_brain.services import assess as A
from industrial_brain.services import enterprises as E
from industrial_brain.services import releases as R
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store import reference as reference_store
from industrial_brain.store.schema import DATA_TABLES

from .conftest import TINY, make_uscc

DTM = "digital_transformation_maturity"


@pytest.fixture(scope="module")
def pop300():
    return simulate_population(300, seed=11)


def snapshot(store) -> dict[str, pd.DataFrame]:
    """Full content of every data table (sorted), to compare a store before and after."""
    out = {}
    for t in DATA_TABLES:
        df = store.query(f"SELECT * FROM {t}")
        out[t] = df.astype(str).sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for t in a:
        pd.testing.assert_frame_equal(a[t], b[t], obj=t)


def tiny_answers(
    n: int = 4,
    *,
    a1: str = "Y",
    a2: float = 70.0,
    start: int = 0,
    sector: str = "Food",
    region: str = "330000",
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": [make_uscc(start + i) for i in range(n)],
            "name": [f"firm {i}" for i in range(n)],
            "sector": sector,
            "region": region,
            "size_class": "small",
            "A1": a1,
            "A2": a2,
            "B1": "X;Y",
            "B2": "P",
        }
    )


# ---- round trip ---------------------------------------------------------------------------------------


def test_round_trip(store, pop300):
    rep = A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    assert not rep.skipped and rep.n_assessments == 300 and rep.n_new_enterprises == 300 and rep.synthetic
    m = load_model(DTM)
    direct = score_answers(m, pop300.answers)
    res = A.stored_results(store).set_index("uscc").loc[direct.total.index]
    np.testing.assert_allclose(res["total_score"].to_numpy(), direct.total.to_numpy(), rtol=0, atol=1e-12)
    assert (res["level"].to_numpy() == direct.level.astype(str).to_numpy()).all()
    np.testing.assert_allclose(
        res[list(m.dimension_codes)].to_numpy(), direct.dimension_scores.to_numpy(), atol=1e-12
    )
    assert set(res["model_version"]) == {"1.0.0"} and set(res["model_fingerprint"]) == {m.fingerprint}
    assert (pd.to_datetime(res["taken_on"]) == pd.Timestamp("2022-12-31")).all()
    # the registry: USCC, sector under the published scheme, GB/T 2260 region, size class
    ent = store.query("SELECT * FROM enterprise").set_index("uscc").loc[direct.total.index]
    assert (ent["sector_code"].to_numpy() == pop300.answers["sector"].astype(str).to_numpy()).all()
    assert set(ent["sector_scheme"]) == {PUBLISHED_SECTOR_SCHEME}
    assert (ent["region_code"].to_numpy() == pop300.answers["region"].astype(str).to_numpy()).all()
    # synthetic population marked in the catalog; enterprise-level data graded important
    ds = store.query("SELECT * FROM dataset WHERE dataset_id = ?", [rep.dataset_id]).iloc[0]
    assert "SYNTHETIC" in ds["title"] and "SYNTHETIC" in ds["source"] and ds["grade"] == "important"
    assert ds["kind"] == "assessment" and ds["rows"] == 300
    # stored answers + stored model definition re-score to the same numbers
    fp_model = A.stored_model(store, m.fingerprint)
    assert fp_model.fingerprint == m.fingerprint
    rows = store.query("SELECT uscc, answers FROM assessment ORDER BY uscc")
    # valid JSON: a missing optional answer is null, never NaN
    assert not rows["answers"].str.contains("NaN").any() and rows["answers"].str.contains("null").any()
    back = pd.DataFrame([json.loads(x) for x in rows["answers"]])
    back.insert(0, "uscc", rows["uscc"])
    back.insert(1, "sector", ent.loc[rows["uscc"], "sector_code"].to_numpy())
    again = score_answers(fp_model, back)
    np.testing.assert_allclose(
        again.total.loc[rows["uscc"]].to_numpy(), res.loc[rows["uscc"], "total_score"].to_numpy(), atol=1e-12
    )
    # the published reference is registered once, labelled as such
    ref = store.query("SELECT title FROM dataset WHERE kind = 'reference'")
    assert len(ref) == 1 and ref["title"].iloc[0].startswith("PUBLISHED REFERENCE")


def test_same_sheet_twice_is_a_no_op(store, pop300):
    A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    before = snapshot(store)
    rep = A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    assert rep.skipped and "already stored" in rep.message
    assert_same(before, snapshot(store))


def test_replace_dataset(store, tiny):
    A.ingest_answers(store, tiny_answers(4), model=tiny, taken_on="2022-01-01", dataset_id="w")
    with pytest.raises(InputError, match="dataset id already used"):
        A.ingest_answers(store, tiny_answers(2, a1="N"), model=tiny, taken_on="2022-01-01", dataset_id="w")
    A.ingest_answers(
        store, tiny_answers(2, a1="N"), model=tiny, taken_on="2022-01-01", dataset_id="w", replace=True
    )
    got = A.stored_results(store, dimensions=False)
    assert len(got) == 2 and store.table_counts()["assessment"] == 2
    # registrations stay (the enterprise registry is not owned by one sheet)
    assert store.table_counts()["enterprise"] == 4
    assert store.query("SELECT count(*) AS n FROM analysis_run WHERE kind = 'assess_score'")["n"].iat[0] == 1


def test_file_round_trip_and_real_default(store, tmp_path, tiny):
    f = tmp_path / "answers.csv"
    tiny_answers(3).assign(taken_on=["2023-01-01", "2023-02-01", ""]).to_csv(f, index=False)
    rep = A.ingest_answers(store, f, model=tiny, taken_on="2023-03-01")
    assert not rep.synthetic
    got = A.stored_results(store, dimensions=False).sort_values("uscc")
    assert [str(d) for d in got["taken_on"]] == ["2023-01-01", "2023-02-01", "2023-03-01"]
    title = store.query("SELECT title FROM dataset WHERE dataset_id = ?", [rep.dataset_id])["title"].iloc[0]
    assert "SYNTHETIC" not in title


# ---- atomicity ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("DR03", "F", ["unknown option", "found 'F'", "expected one option code of A, B, C, D, E"]),
        ("SO04", "150", ["out of range", "found '150'", "expected a number from 0 to 100"]),
        ("uscc", "91350100M000100Y44", ["invalid unified social credit code", "found '91350100M000100Y44'"]),
        ("region", "Atlantis", ["unknown region", "found 'Atlantis'", "GB/T 2260"]),
        ("size_class", "gigantic", ["unknown size class", "found 'gigantic'"]),
        ("SO01", None, ["required answer is missing"]),
    ],
)
def test_bad_sheet_leaves_store_unchanged(store, pop300, column, value, words):
    A.ingest_answers(store, pop300.answers.head(50), taken_on="2022-06-30", dataset_id="first_wave")
    before = snapshot(store)
    bad = pop300.answers.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[7, column] = value
    with pytest.raises(InputError) as e:
        A.ingest_answers(bad_store := store, bad, taken_on="2022-12-31", file="wave2.csv")
    msg = str(e.value)
    assert "wave2.csv: row 9" in msg and f"column '{column}'" in msg, msg
    for w in words:
        assert w in msg, msg
    assert_same(before, snapshot(bad_store))


def test_several_bad_cells_all_listed(store, pop300):
    bad = pop300.answers.head(20).copy()
    bad["DR03"] = bad["DR03"].astype(object)
    bad.loc[3, "DR03"] = "Q"
    bad["region"] = bad["region"].astype(object)
    bad.loc[5, "region"] = "999999"
    bad.loc[6, "uscc"] = bad.loc[2, "uscc"]
    with pytest.raises(InputError) as e:
        A.ingest_answers(store, bad, taken_on="2022-12-31")
    probs = e.value.problems
    assert [(p.row, p.column) for p in probs] == [(5, "DR03"), (7, "region"), (8, "uscc")]
    assert "duplicate enterprise" in probs[2].problem and "row 4" in probs[2].problem
    assert "and 2 more problem(s)" in str(e.value)
    assert store.table_counts()["assessment"] == 0


def test_failure_inside_the_transaction_rolls_back(store, pop300, monkeypatch):
    A.ingest_answers(store, pop300.answers.head(40), taken_on="2022-06-30", dataset_id="first_wave")
    before = snapshot(store)

    def boom(store, *args):  # the results are written after enterprises and assessments
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(enterprise_store, "insert_results", boom)
    with pytest.raises(RuntimeError):
        A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    assert_same(before, snapshot(store))


def test_enterprise_data_never_general(store, pop300):
    with pytest.raises(InputError, match="cannot be graded 'general'"):
        A.ingest_answers(store, pop300.answers.head(5), grade="general")
    assert store.table_counts()["dataset"] == 0


# ---- versioning and trajectories -----------------------------------------------------------------------


def test_model_change_creates_new_version_and_old_results_keep_theirs(store, tiny):
    r1 = A.ingest_answers(store, tiny_answers(), model=tiny, taken_on="2022-01-10", dataset_id="w1")
    old = store.query("SELECT * FROM assessment_result WHERE dataset_id = 'w1' ORDER BY uscc")
    assert r1.model_version == "1"
    # the same version string with different content: stored under a new version label
    changed = copy.deepcopy(TINY)
    changed["dimensions"][0]["weight"] = 1
    m2 = model_from_dict(changed)
    assert m2.version == tiny.version and m2.fingerprint != tiny.fingerprint
    r2 = A.ingest_answers(store, tiny_answers(), model=m2, taken_on="2023-01-10", dataset_id="w2")
    assert r2.model_version == f"1+{m2.fingerprint[:8]}" and "stored as version" in r2.message
    # a proper version bump is stored as given
    bumped = copy.deepcopy(changed)
    bumped["version"] = "2"
    m3 = model_from_dict(bumped)
    r3 = A.ingest_answers(store, tiny_answers(a1="N"), model=m3, taken_on="2024-01-10", dataset_id="w3")
    assert r3.model_version == "2"
    # re-ingesting with the original model reuses its original version label
    r4 = A.ingest_answers(
        store, tiny_answers(2, start=10), model=tiny, taken_on="2024-02-01", dataset_id="w4"
    )
    assert r4.model_version == "1"
    # old results untouched
    pd.testing.assert_frame_equal(
        old, store.query("SELECT * FROM assessment_result WHERE dataset_id = 'w1' ORDER BY uscc")
    )
    traj = A.trajectory(store, make_uscc(0))
    assert traj["model_version"].tolist() == ["1", f"1+{m2.fingerprint[:8]}", "2"]
    assert [str(d) for d in traj["taken_on"]] == ["2022-01-10", "2023-01-10", "2024-01-10"]
    assert traj["model_fingerprint"].tolist() == [tiny.fingerprint, m2.fingerprint, m3.fingerprint]
    # hand check of the first total: A = (1·100 + 3·100)/4 = 100 (A2 = 70 → band 100);
    # B = (B1: 30 + 50 = 80, B2: 40) → 60; total = (3·100 + 1·60)/4 = 90
    assert traj["total_score"].iloc[0] == pytest.approx(90.0)
    # second model weights A and B equally: (100 + 60)/2 = 80
    assert traj["total_score"].iloc[1] == pytest.approx(80.0)
    # each stored model definition is recoverable by fingerprint
    for m in (tiny, m2, m3):
        assert A.stored_model(store, m.fingerprint).fingerprint == m.fingerprint
    # the registry keeps one row per enterprise
    assert store.table_counts()["enterprise"] == 6


def test_trajectory_unknown_enterprise(store):
    with pytest.raises(InputError, match="no stored assessment"):
        A.trajectory(store, make_uscc(99))


# ---- cohorts -------------------------------------------------------------------------------------------


def test_cohort_level_distribution_moves(store, tiny):
    # wave 1: 6 Food firms at L3-ish answers, 4 Textile firms low; wave 2: the Food firms improve A1
    food = tiny_answers(6, a1="P", a2=50.0, sector="Food")
    tex = tiny_answers(4, a1="N", a2=10.0, start=100, sector="Textiles")
    A.ingest_answers(
        store,
        pd.concat([food, tex], ignore_index=True),
        model=tiny,
        taken_on="2022-06-01",
        dataset_id="wave1",
    )
    A.ingest_answers(
        store, food.assign(A1="Y", A2=70.0), model=tiny, taken_on="2023-06-01", dataset_id="wave2"
    )
    r = A.cohort(store, "sector", "2022-12-31", "2023-12-31", model_code="tiny")
    f = r.frame
    # Food wave 1: A = (40 + 3·50)/4 = 47.5, B = 60, T = (3·47.5 + 60)/4 = 50.625 → L2
    # Food wave 2: T = 90 → L4 (A1 = 100, every dimension ≥ 50)
    assert f.loc["Food", "mean_start"] == pytest.approx(50.625)
    assert f.loc["Food", "mean_end"] == pytest.approx(90.0)
    assert f.loc["Food", "share_L2_start"] == 1.0 and f.loc["Food", "share_L4_end"] == 1.0
    assert f.loc["Food", "share_L4_change"] == 1.0
    # Textiles not re-assessed: still counted with the older assessment at the later date
    assert f.loc["Textiles", "n_end"] == 4 and f.loc["Textiles", "mean_change"] == pytest.approx(0.0)
    assert f.loc["ALL", "n_start"] == 10
    bal = A.cohort(store, "sector", "2022-12-31", "2023-12-31", model_code="tiny", same_firms=True).frame
    # only the six re-assessed Food firms; Textiles drops out
    assert bal.loc["ALL", "n_start"] == 6 and "Textiles" not in bal.index
    with pytest.raises(InputError, match="before the end date"):
        A.cohort(store, "sector", "2023-12-31", "2022-12-31", model_code="tiny")
    with pytest.raises(InputError, match="unknown grouping"):
        A.cohort(store, "colour", "2022-01-01", "2023-01-01")


def test_cohort_suppression_cannot_be_undone(store, tiny):
    parts = [
        tiny_answers(5, sector="Food"),
        tiny_answers(2, start=50, sector="Textiles"),
        tiny_answers(4, start=80, sector="Packaging"),
        tiny_answers(7, start=120, sector="Metallurgy").assign(H1="Y"),
    ]
    A.ingest_answers(
        store, pd.concat(parts, ignore_index=True), model=tiny, taken_on="2022-06-01", dataset_id="w1"
    )
    f = A.cohort(store, "sector", "2022-12-31", "2023-12-31", model_code="tiny").frame
    # Textiles (2 < k = 3) is suppressed; one lone hidden group could be recovered as ALL − the others,
    # so the smallest other group (Packaging, 4) is hidden too
    assert f.loc["Textiles", "suppression"] == "primary"
    assert f.loc["Packaging", "suppression"] == "complementary"
    assert f.loc[["Textiles", "Packaging"], ["n_start", "mean_start", "mean_end"]].isna().all().all()
    shown = f.drop(index="ALL")
    for col in ("n_start", "n_end"):
        hidden = shown[col].isna()
        assert hidden.sum() != 1
        assert (shown.loc[~hidden, col] >= 3).all()


# ---- suppression in stored aggregates ------------------------------------------------------------------


def _determined(n_full: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Independent oracle: which hidden entries of an (R+1)×(C+1) table with margins follow from the
    published entries (e_i in the row space of the hidden part of the margin equations)."""
    R1, C1 = n_full.shape
    idx = {cell: i for i, cell in enumerate(zip(*np.nonzero(hidden)))}
    if not idx:
        return np.zeros(0, dtype=bool)
    eqs = []
    for r in range(R1):  # Σ_j<C n[r, j] − n[r, C] = 0
        row = np.zeros(len(idx))
        for j in range(C1):
            if (r, j) in idx:
                row[idx[(r, j)]] = 1.0 if j < C1 - 1 else -1.0
        eqs.append(row)
    for c in range(C1):
        row = np.zeros(len(idx))
        for i in range(R1):
            if (i, c) in idx:
                row[idx[(i, c)]] = 1.0 if i < R1 - 1 else -1.0
        eqs.append(row)
    M = np.array(eqs)
    rank = np.linalg.matrix_rank(M)
    out = np.zeros(len(idx), dtype=bool)
    for i in range(len(idx)):
        e = np.zeros(len(idx))
        e[i] = 1.0
        out[i] = np.linalg.matrix_rank(np.vstack([M, e])) == rank
    return out


def test_stored_benchmark_is_suppressed(store, pop300):
    rep = A.ingest_answers(store, pop300.answers, taken_on="2022-12-31", k=3)
    v = store.query(
        "SELECT sector_code, region_code, measure, value, label FROM analysis_value WHERE run_id = ?",
        [rep.benchmark_run_id],
    )
    run = store.query(
        "SELECT kind, datasets FROM analysis_run WHERE run_id = ?", [rep.benchmark_run_id]
    ).iloc[0]
    assert run["kind"] == "assess_benchmark" and run["datasets"] == rep.dataset_id
    n = v[v.measure == "n"]
    shown = n[n.value.notna()]
    hidden = n[n.value.isna()]
    assert len(hidden) > 0 and (shown.value >= 3).all()
    assert hidden["label"].str.startswith("suppressed:").all()
    # every statistic of a hidden cell is hidden
    key = ["sector_code", "region_code"]
    hid_keys = set(map(tuple, hidden[key].to_numpy()))
    others = v[v[key].apply(tuple, axis=1).isin(hid_keys)]
    assert others["value"].isna().all()
    # true counts, to check that no hidden entry can be worked out from what is published
    sectors = sorted(pop300.answers["sector"].astype(str).unique())
    regions = sorted(pop300.answers["region"].astype(str).unique())
    ct = (
        pd.crosstab(pop300.answers["sector"].astype(str), pop300.answers["region"].astype(str))
        .reindex(index=sectors, columns=regions, fill_value=0)
        .to_numpy()
    )
    R, C = ct.shape
    full = np.zeros((R + 1, C + 1), dtype=np.int64)
    full[:R, :C] = ct
    full[:R, C] = ct.sum(1)
    full[R, :C] = ct.sum(0)
    full[R, C] = ct.sum()
    pos_s = {s: i for i, s in enumerate(sectors)} | {"ALL": R}
    pos_r = {r: j for j, r in enumerate(regions)} | {"ALL": C}
    hid = np.zeros_like(full, dtype=bool)
    for s, r in hid_keys:
        hid[pos_s[s], pos_r[r]] = True
    # the published counts are the true ones
    for s, r, val in shown[["sector_code", "region_code", "value"]].itertuples(index=False):
        assert full[pos_s[s], pos_r[r]] == val
    assert not _determined(full, hid).any()


# ---- profile -------------------------------------------------------------------------------------------


def test_profile(store, pop300):
    A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    res = A.stored_results(store)
    sector = res["sector"].value_counts().index[0]
    firm = res[res["sector"] == sector].iloc[0]
    p = A.enterprise_profile(store, firm["uscc"])
    assert p.synthetic and p.sector == sector and p.next_level is not None
    peers = res[res["sector"] == sector]
    m = load_model(DTM)
    np.testing.assert_allclose(
        p.dimensions["benchmark"].to_numpy(), peers[list(m.dimension_codes)].median().to_numpy()
    )
    np.testing.assert_allclose(
        p.dimensions["score"].to_numpy(), firm[list(m.dimension_codes)].to_numpy(dtype=float), atol=1e-12
    )
    lower = (peers["total_score"] < firm["total_score"]).sum()
    assert p.sector_percentile == pytest.approx(100 * (lower + 0.5) / len(peers))
    html = profile_html(p)
    assert firm["uscc"] in html and "SYNTHETIC" in html and html.count("data:image/png;base64") >= 1
    assert "Roadmap" in html


def test_profile_withholds_small_sector(store, tiny):
    A.ingest_answers(store, tiny_answers(2, sector="Food"), model=tiny, taken_on="2022-01-01")
    p = A.enterprise_profile(store, make_uscc(0))
    assert p.sector_n == 2 and np.isnan(p.sector_percentile)
    assert p.dimensions["benchmark"].isna().all()
    assert "withheld" in profile_html(p)


def test_demo_population_stored_once(store):
    ds = A.ensure_demo_population(store, n=400, seed=3)
    counts = store.table_counts()
    assert A.ensure_demo_population(store, n=400, seed=3) == ds
    assert store.table_counts() == counts
    title = store.query("SELECT title FROM dataset WHERE dataset_id = ?", [ds])["title"].iloc[0]
    assert title.startswith("SYNTHETIC")
    # the first release of the aggregates is made with it (a fresh `make run` serves aggregates)
    rel = R.release_list(store)
    assert rel[["model_code", "period", "n_enterprises", "made_by"]].values.tolist() == [
        [A.DEFAULT_MODEL, "2022", 400, "demo"]
    ]
    agg = E.enterprise_aggregates(store, ["sector"])
    assert agg.release_id == rel["release_id"].iloc[0] and agg.frame.iloc[-1]["n"] == 400


def test_demo_report_sections(store):
    from industrial_brain.report.sections_micro import section_micro_profile, section_micro_sectors

    sec = section_micro_sectors(store, "en")
    body = sec.body
    assert "SYNTHETIC" in body and "published_mean_2022" in body and "synthetic_mean" in body
    assert "not confirmed" in body and "data:image/png;base64" in body
    # the stored synthetic population meets the published sector means within ±1 point
    res = A.stored_results(store, dimensions=False)
    ref = published_reference_2022()
    means = res.groupby("sector")["total_score"].mean()
    assert (means.reindex(ref.sectors.index) - ref.sectors["mean_score"]).abs().max() < 1.0
    prof = section_micro_profile(store, "en")
    assert "SYNTHETIC" in prof.body and "Roadmap" in prof.body and prof.body.count("data:image/png") >= 1
    assert (
        store.query("SELECT count(*) AS n FROM dataset WHERE dataset_id = ?", [A.DEMO_DATASET_ID])["n"].iat[0]
        == 1
    )


# ---- two models: "latest" is per enterprise and model ------------------------------------------------------


def test_latest_per_enterprise_and_model(store, tiny_dict):
    tiny = model_from_dict(tiny_dict)
    other = model_from_dict(dict(copy.deepcopy(TINY), code="tiny_b"))
    A.ingest_answers(store, tiny_answers(4), model=tiny, taken_on="2022-01-10", dataset_id="w1")
    # firm 0 is assessed later with another model, scoring lower (A1 = N)
    A.ingest_answers(store, tiny_answers(1, a1="N"), model=other, taken_on="2023-01-10", dataset_id="w2")
    latest = A.stored_results(store, uscc=make_uscc(0), dimensions=False)
    assert sorted(latest["model_code"]) == ["tiny", "tiny_b"]
    assert latest.set_index("model_code").loc["tiny", "total_score"] == pytest.approx(90.0)
    listed = E.enterprise_list(store, uscc=make_uscc(0))
    assert listed.set_index("model_code")["assessment_id"].to_dict() == {
        "tiny": f"w1/{make_uscc(0)}",
        "tiny_b": f"w2/{make_uscc(0)}",
    }
    assert E.enterprise_list(store, model_code="tiny")["total_score"].tolist() == pytest.approx([90.0] * 4)
    rec = E.enterprise_record(store, make_uscc(0))
    assert [a["model_code"] for a in rec["latest"]] == ["tiny", "tiny_b"]
    # the aggregate is over one model (the one with the most enterprises), each firm counted once,
    # and is read from that model's release (none yet: the read says how to make one)
    with pytest.raises(InputError, match="ibrain assess release"):
        E.enterprise_aggregates(store, ["sector"])
    R.make_release(store, made_by="tests")
    agg = E.enterprise_aggregates(store, ["sector"])
    assert agg.model_code == "tiny" and agg.n_enterprises == 4
    assert agg.frame.set_index("sector").loc["ALL", "mean"] == pytest.approx(90.0)
    # a cohort under the first model is not disturbed by the second model's later assessment
    f = A.cohort(store, "sector", "2022-06-30", "2023-06-30", model_code="tiny").frame
    assert f.loc["ALL", "n_end"] == 4 and f.loc["ALL", "mean_change"] == pytest.approx(0.0)
    with pytest.raises(InputError, match="not registered"):
        E.enterprise_record(store, make_uscc(99))


def test_reference_sectors_already_registered(store, pop300):
    """A dt2022 sector registered before the first assessment ingest keeps its row; the ingest succeeds."""
    code = str(published_reference_2022().sectors.index[0])
    with store.transaction():
        reference_store.insert_sectors(
            store,
            pd.DataFrame(
                {
                    "code": [code],
                    "scheme": PUBLISHED_SECTOR_SCHEME,
                    "name_zh": "先登记",
                    "name_en": "registered first",
                    "dataset_id": "earlier",
                }
            ),
        )
    rep = A.ingest_answers(store, pop300.answers, taken_on="2022-12-31")
    assert not rep.skipped and rep.n_assessments == 300
    sec = store.query("SELECT * FROM sector WHERE scheme = ?", [PUBLISHED_SECTOR_SCHEME]).set_index("code")
    assert len(sec) == len(published_reference_2022().sectors)
    assert sec.loc[code, "dataset_id"] == "earlier" and sec.loc[code, "name_en"] == "registered first"
