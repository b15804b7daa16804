"""The macro pipeline on the store with the embedded default data (real numbers), its storage with
lineage, the report sections and plots, and its handling of bad inputs."""

from __future__ import annotations

import json
import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import IndustrialBrainError, InputError
from industrial_brain.services.macro import (
    KIND,
    ROLES,
    MacroRun,
    export_run,
    macro_systems,
    resolve_systems,
    run_macro,
)
from industrial_brain.services.runs import load_run
from industrial_brain.store import Store

SEED = 20240501
PERM = 199  # enough for the tests; the CLI default is 999


@pytest.fixture(scope="module")
def macro_db(default_db, tmp_path_factory):
    """A module-private copy of the default store with one stored macro run."""
    path = tmp_path_factory.mktemp("macro") / "macro.duckdb"
    shutil.copy(default_db, path)
    return path


@pytest.fixture(scope="module")
def run(macro_db):
    with Store(macro_db) as s:
        return run_macro(s, permutations=PERM, seed=SEED)


# ------------------------------------------------------------------ shape and bounds
def test_default_run_covers_31_provinces_2013_2022(run):
    assert run.years == tuple(range(2013, 2023))
    frame = run.to_frame()
    assert len(frame) == 310 and frame.index.get_level_values(0).nunique() == 31
    assert frame.index.names == ["region_code", "year"]
    num = frame.select_dtypes("number")
    assert np.isfinite(num.to_numpy()).all()  # never a silent NaN
    for c in ("digital", "real", "nqpf", "C", "T", "D"):
        assert frame[c].between(0, 1).all(), c
    assert set(frame["level_code"]) <= set(range(10))
    assert {r: run.systems[r].code for r in ROLES} == {
        "digital": "digital_economy",
        "real": "real_economy",
        "nqpf": "new_quality_productive_forces",
    }


def test_coupling_recomputed_by_hand_for_one_province_year(run):
    # Guangdong 2022: C = 2√(U1 U2)/(U1 + U2), T = (U1 + U2)/2, D = √(C T), level = floor(10 D)
    f = run.to_frame().loc[("440000", 2022)]
    u1, u2 = f["digital"], f["real"]
    C = 2 * math.sqrt(u1 * u2) / (u1 + u2)
    T = (u1 + u2) / 2
    assert f["C"] == pytest.approx(C, rel=1e-12) and f["T"] == pytest.approx(T, rel=1e-12)
    assert f["D"] == pytest.approx(math.sqrt(C * T), rel=1e-12)
    assert f["level_code"] == math.floor(10 * f["D"])


def test_real_numbers_of_the_default_run(run):
    # measured on the embedded data (quality screening may move the third decimal)
    D = run.D
    # (default systems v2: intensities; D of v1, the size-based systems, was 0.234 → 0.366)
    assert D[2013].mean() == pytest.approx(0.330, abs=0.01)
    assert D[2022].mean() == pytest.approx(0.440, abs=0.01)
    assert D[2022].idxmax() == "440000"  # Guangdong, D = 0.776
    assert run.to_frame().loc[("440000", 2022), "level_code"] == 7  # 中级协调
    assert D[2022].idxmin() == "650000"  # Xinjiang
    assert (D[2022] > D[2013]).sum() == 31  # coordination rose everywhere


def test_obstacles_rows_sum_to_one(run):
    for r in ROLES:
        degrees = run.obstacles[r].O
        assert len(degrees) == 310
        np.testing.assert_allclose(degrees.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(run.obstacles[r].dimensions.sum(axis=1), 1.0, atol=1e-12)
        assert set(degrees.columns) == set(run.systems[r].indicator_codes)


# ------------------------------------------------------------------ inequality
def test_dagum_parts_add_up_and_groups_are_nbs_four_regions(run):
    for y, r in run.dagum.items():
        assert r.gini == pytest.approx(r.within + r.net_between + r.transvariation, abs=1e-12)
        assert r.contributions.sum() == pytest.approx(1.0, abs=1e-12)
    r = run.dagum[2022]
    assert r.groups["n"].to_dict() == {"Central": 6, "East": 10, "Northeast": 3, "West": 12}
    assert r.G_jh.shape == (4, 4) and len(r.pair_contributions) == 6
    # measured: the gap between the four regions dominates (net between ≈ 67 % in 2022)
    assert r.contributions["net_between"] == pytest.approx(0.666, abs=0.02)
    assert r.gini == pytest.approx(0.149, abs=0.01)


@pytest.mark.peer
def test_overall_gini_and_theil_against_pysal_inequality(run):
    ineq = pytest.importorskip("inequality")
    for y in (2013, 2022):
        d = run.D[y].to_numpy()
        assert run.dagum[y].gini == pytest.approx(ineq.gini.Gini(d).g, rel=1e-12)
        assert run.theil_T[y].total == pytest.approx(ineq.theil.Theil(d).T, rel=1e-12)
        groups = run.regions["region4_en"].reindex(run.D.index).to_numpy()
        td = ineq.theil.TheilD(d, groups)
        assert run.theil_T[y].between == pytest.approx(float(np.ravel(td.bg)[0]), rel=1e-10)
    tab = run.inequality.loc["D"]
    assert np.isfinite(tab.to_numpy(dtype=float)).all()


def test_convergence_and_kernel_density(run):
    assert len(run.sigma.by_year) == 10
    b = run.beta_panel
    assert b.kind == "panel-fe" and b.lineage.params["backend"] == "linearmodels"
    assert b.nobs == 31 * 9 and np.isfinite(b.std_errors["beta"])
    assert -1 < b.beta < 0  # measured ≈ −0.22: conditional on region effects D converges
    assert run.beta_absolute.kind == "absolute"
    assert run.kde.density.shape[0] == 10 and np.isfinite(run.kde.density.to_numpy()).all()


# ------------------------------------------------------------------ spatial
@pytest.mark.peer
def test_moran_with_contiguity_matches_esda_on_the_same_weights(run, macro_db):
    libpysal = pytest.importorskip("libpysal")
    esda = pytest.importorskip("esda")
    with Store(macro_db, read_only=True) as s:
        pairs = s.query("SELECT code_a, code_b FROM region_neighbour")
    ids = list(run.D.index)
    nb = {i: sorted(pairs.loc[pairs.code_a == i, "code_b"].unique()) for i in ids}
    assert all(nb[i] for i in ids) and run.weights.islands == ()  # Hainan–Guangdong convention link
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(nb, id_order=ids)
        w.transform = "r"
        for y in (2013, 2022):
            m = esda.Moran(run.D[y].to_numpy(), w, permutations=0)
            ours = run.moran[y]
            for a in ("I", "EI", "VI_norm", "VI_rand", "z_norm", "p_norm", "z_rand", "p_rand"):
                assert getattr(ours, a) == pytest.approx(getattr(m, a), rel=1e-12, abs=1e-15), a
            lm = esda.Moran_Local(run.D[y].to_numpy(), w, permutations=0)
            np.testing.assert_allclose(run.local_moran[y].Is, lm.Is, rtol=1e-12)
            np.testing.assert_array_equal(run.local_moran[y].q, lm.q)
    # measured: D is positively autocorrelated (I ≈ 0.55 in 2013, 0.44 in 2022)
    assert run.moran[2013].I == pytest.approx(0.546, abs=0.02)
    assert run.moran[2022].I == pytest.approx(0.442, abs=0.02)
    assert all(m.permutations == PERM and m.seed == SEED for m in run.moran.values())


def test_permutations_are_seeded(macro_db):
    with Store(macro_db) as s:
        a = run_macro(s, years="2018:2022", permutations=99, seed=7, save=False)
        b = run_macro(s, years="2018:2022", permutations=99, seed=7, save=False)
    assert [m.p_sim for m in a.moran.values()] == [m.p_sim for m in b.moran.values()]
    np.testing.assert_array_equal(a.local_moran[2022].p_sim, b.local_moran[2022].p_sim)


def test_distance_weights_options(macro_db):
    with Store(macro_db) as s:
        inv = run_macro(s, years="2020:2022", weights="inverse_distance", permutations=0, save=False)
        knn = run_macro(s, years="2020:2022", weights="knn", k=4, permutations=0, save=False)
    assert inv.weights_kind == "inverse_distance" and inv.weights.W.nnz == 31 * 30
    assert knn.weights.W.nnz == 31 * 4
    assert all(np.isfinite(m.I) for m in (*inv.moran.values(), *knn.moran.values()))


# ------------------------------------------------------------------ external check, storage
def test_rank_correlation_with_source_composites(run):
    rc = run.rank_checks.set_index(["role", "period"])
    for role in ("digital", "nqpf"):
        pooled = rc.loc[(role, "pooled")]
        assert pooled["n"] == 310
    # measured: 0.545 (digital), 0.629 (nqpf). The source composites are size-based (v1 of our
    # systems, built on totals, gave 0.869 and 0.822); intensities rank small developed provinces higher
    assert rc.loc[("digital", "pooled"), "spearman"] == pytest.approx(0.545, abs=0.02)
    assert rc.loc[("nqpf", "pooled"), "spearman"] == pytest.approx(0.629, abs=0.02)
    assert len(rc) == 2 * 11  # 10 years + pooled, per role


def test_rank_correlation_with_published_rankings(run):
    # the digital index against the published provincial rankings of the years it covers
    # (reference/published_rankings.py; Spearman over the listed provinces, top-k overlap)
    from industrial_brain.services.index_checks import index_top, published_rank_checks

    pub = published_rank_checks(run).set_index("reference")
    assert list(pub.index) == ["caict_competitiveness", "ccid_dedi", "tencent_digital_china"]
    caict = pub.loc["caict_competitiveness"]  # CAICT competitiveness 2019, top 15
    assert (caict["year"], caict["n"]) == (2019, 15)
    assert caict["spearman"] == pytest.approx(0.850, abs=0.005)
    assert caict["overlap"] == pytest.approx(13 / 15)
    dedi = pub.loc["ccid_dedi"]  # CCID DEDI 2020, top 15 with scores: mixes scale, agrees less
    assert dedi["spearman"] == pytest.approx(0.568, abs=0.005) and dedi["overlap"] == pytest.approx(11 / 15)
    tencent = pub.loc["tencent_digital_china"]  # Tencent Digital China 2018, top 5
    assert tencent["spearman"] == pytest.approx(1.0) and tencent["overlap"] == pytest.approx(4 / 5)
    # Beijing, Shanghai and Guangdong, on top of every published ranking, are in our 2019 top 4
    top = index_top(run, "digital", 2019, k=4)
    assert {"110000", "310000", "440000"} <= set(top["region_code"])
    zh = published_rank_checks(run, lang="zh")
    assert "Spearman ρ" in zh.columns and zh.iloc[0]["名称"].startswith("中国信通院")


def test_results_stored_with_lineage(run, macro_db):
    with Store(macro_db, read_only=True) as s:
        meta = s.query("SELECT * FROM analysis_run WHERE run_id = ?", [run.run_id])
        vals = s.query(
            "SELECT region_code, year::INTEGER AS year, measure, value, label FROM analysis_value "
            "WHERE run_id = ?",
            [run.run_id],
        )
        shas = dict(s.con.execute("SELECT dataset_id, sha256 FROM dataset").fetchall())
    assert meta["kind"].item() == KIND and meta["method"].item() == "services.macro.run_macro"
    lin = json.loads(meta["lineage"].item())
    assert lin["seed"] == SEED and lin["params"]["permutations"] == PERM
    assert lin["params"]["years"] == list(range(2013, 2023))
    ds = dict(lin["datasets"])
    for d in ("digital_innovation_2013_2022", "econ_energy_1990_2025", "gdp_three_sectors_2010_2022"):
        assert ds[d] == shas[d]
    D = vals[vals.measure == "D"].set_index(["region_code", "year"])["value"]
    assert len(D) == 310
    np.testing.assert_allclose(D.unstack().loc[run.D.index, list(run.D.columns)].to_numpy(), run.D.to_numpy())
    dg = vals[vals.measure.str.startswith("inequality.D.")].pivot(
        index="year", columns="measure", values="value"
    )
    np.testing.assert_allclose(
        dg["inequality.D.G"],
        dg[["inequality.D.G_w", "inequality.D.G_nb", "inequality.D.G_t"]].sum(axis=1),
        atol=1e-12,
    )
    assert set(vals.loc[vals.measure == "lisa.cluster", "label"]) <= {"HH", "LL", "HL", "LH", "ns"}
    assert vals.loc[vals.measure == "level", "label"].notna().all()


def test_stored_run_reloads_as_the_same_result(run, macro_db):
    # what the pipeline stored comes back as the same MacroRun: same numbers, same labels, same views
    with Store(macro_db, read_only=True) as s:
        back = load_run(s, run.run_id)
    assert isinstance(back, MacroRun) and back.run_id == run.run_id and back.years == run.years
    for lang in ("en", "zh"):
        pd.testing.assert_frame_equal(back.to_frame(lang), run.to_frame(lang))
        pd.testing.assert_frame_equal(back.dagum_table(lang), run.dagum_table(lang))
        pd.testing.assert_frame_equal(back.moran_table(lang), run.moran_table(lang))
        assert back.summary(lang).split("Lineage:")[0] == run.summary(lang).split("Lineage:")[0]
    assert back.lineage.to_dict() == run.lineage.to_dict()
    pd.testing.assert_frame_equal(back.inequality, run.inequality)
    pd.testing.assert_frame_equal(back.rank_checks, run.rank_checks)
    # the kernel density is read back as stored (the report draws it), not recomputed
    np.testing.assert_array_equal(back.kde.grid, run.kde.grid)
    pd.testing.assert_frame_equal(back.kde.density, run.kde.density)
    pd.testing.assert_frame_equal(back.kde.features, run.kde.features)
    for r in ROLES:
        assert back.systems[r] == run.systems[r]
        pd.testing.assert_frame_equal(back.indices[r].normalized.X, run.indices[r].normalized.X)
        pd.testing.assert_frame_equal(back.indices[r].weights, run.indices[r].weights)
        pd.testing.assert_frame_equal(back.obstacles[r].top(), run.obstacles[r].top())
    for y in run.years:
        pd.testing.assert_frame_equal(back.dagum[y].pair_contributions, run.dagum[y].pair_contributions)
        pd.testing.assert_frame_equal(back.theil_T[y].by_group, run.theil_T[y].by_group)
        pd.testing.assert_frame_equal(back.local_moran[y].to_frame(), run.local_moran[y].to_frame())
    pd.testing.assert_frame_equal(back.beta_panel.to_frame(), run.beta_panel.to_frame())
    assert back.sigma.slope_CV == run.sigma.slope_CV
    assert (back.weights.W != run.weights.W).nnz == 0 and list(back.weights.ids) == list(run.weights.ids)


def test_reload_of_a_run_without_permutations_and_unknown_ids(macro_db):
    with Store(macro_db) as s:
        fresh = run_macro(s, years="2020:2022", weights="knn", k=3, permutations=0, model="corrected")
        back = load_run(s, fresh.run_id)
        pd.testing.assert_frame_equal(back.to_frame(), fresh.to_frame())
        assert "lisa" not in back.to_frame() and back.model == "corrected" and back.weights_kind == "knn"
        assert back.summary().split("Lineage:")[0] == fresh.summary().split("Lineage:")[0]
        with pytest.raises(InputError, match="unknown run"):
            load_run(s, "macro-nope")


def test_service_errors_name_parameters_not_options(default_store):
    with pytest.raises(InputError) as exc:
        run_macro(default_store, weights="rook", save=False)
    assert "parameter 'weights'" in str(exc.value) and "--" not in str(exc.value)
    with pytest.raises(InputError) as exc:
        run_macro(default_store, years="1800:1801", save=False)
    assert "parameter 'years'" in str(exc.value) and "--" not in str(exc.value)


def test_interpolated_gaps_are_listed_and_raise_refuses_them(run, macro_db):
    interp = run.lineage.params["interpolated"]
    assert all(y in run.years for _, y, _ in interp)
    if interp:  # values the quality screening excluded inside the window
        assert any("interpolated" in n for n in run.notes)
        with Store(macro_db) as s:
            with pytest.raises(InputError, match="missing panel value"):
                run_macro(s, years="2013:2022", missing="raise", permutations=0, save=False)
            # without interpolation the window shrinks to the longest complete run of years
            # (SO2 of Fujian 2016 is excluded as an error)
            assert run_macro(s, missing="raise", permutations=0, save=False).years == (2013, 2014, 2015)


def test_export_csv_and_xlsx(run, tmp_path):
    csv = export_run(run, tmp_path / "macro.csv")
    df = pd.read_csv(csv, dtype={"region_code": str})
    assert len(df) == 310
    assert {"region_code", "year", "digital", "real", "nqpf", "C", "T", "D", "level"} <= set(df)
    xlsx = export_run(run, tmp_path / "macro.xlsx", lang="zh")
    sheets = pd.ExcelFile(xlsx).sheet_names
    assert {"provinces", "dagum", "moran", "inequality", "rank_checks", "obstacles_digital"} <= set(sheets)
    with pytest.raises(InputError, match="unsupported output"):
        export_run(run, tmp_path / "macro.json")


def test_bilingual_summary(run):
    en, zh = run.summary("en"), run.summary("zh")
    assert "Dagum G 2013 → 2022" in en and "Spearman digital" in en
    assert "耦合协调度D" in zh and "协调等级" in zh and run.run_id in zh


# ------------------------------------------------------------------ user systems and bad inputs
def test_user_system_file_replaces_a_default(default_store, tmp_path):
    path = tmp_path / "my_digital.yaml"
    path.write_text(
        "code: my_digital\nfollows: synthetic test system (two indicators of the digital panel)\n"
        "weighting: equal\ndimensions:\n  - code: infra\n    indicators:\n"
        "      - {code: digital_infra_fiber_length, direction: '+'}\n"
        "      - {code: valid_invention_patents, direction: '+'}\n",
        encoding="utf-8",
    )
    r = run_macro(default_store, [f"digital={path}"], permutations=0, save=False)
    assert r.systems["digital"].code == "my_digital"
    assert r.lineage.params["systems"]["digital"]["code"] == "my_digital"
    with pytest.raises(InputError, match="which index"):
        resolve_systems([str(path)])  # a bare file whose code is not a default: role unknown
    with pytest.raises(InputError, match="role"):
        resolve_systems({"other": path})


def test_bad_inputs_give_clear_errors(default_store, tmp_path):
    with pytest.raises(InputError, match="no panel data"):
        run_macro(default_store, years="1800:1801", save=False)
    with pytest.raises(InputError, match="spatial weights"):
        run_macro(default_store, weights="rook", save=False)
    with pytest.raises(InputError, match="missing-value"):
        run_macro(default_store, missing="zero", save=False)
    with pytest.raises(InputError, match="coupling model"):
        run_macro(default_store, model="fancy", save=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: digital_economy\nfollows: x\ndimensions:\n  - code: d\n    indicators:\n"
        "      - {code: no_such_indicator, direction: '+'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown indicator"):
        run_macro(default_store, [str(bad)], save=False)


def test_short_window_notes_what_cannot_be_computed(default_store):
    # two years: panel β-convergence needs three; the run says so instead of returning NaN
    r = run_macro(default_store, years="2021:2022", permutations=0, save=False)
    assert r.beta_panel is None and any("panel β-convergence of D not computed" in n for n in r.notes)
    assert np.isfinite(r.to_frame().select_dtypes("number").to_numpy()).all()


def test_empty_store_is_a_clear_error(store):
    with pytest.raises(IndustrialBrainError):
        run_macro(store, save=False)


def test_macro_systems_table():
    t = macro_systems()
    assert set(t["role"]) >= {"digital", "real", "nqpf"}
    assert (t["indicators"] > 0).all()


# ------------------------------------------------------------------ plots and report
def test_plots(run):
    import matplotlib.pyplot as plt

    from industrial_brain.viz.macro import (
        choropleth,
        kernel_density_html,
        kernel_density_ridge,
        moran_by_year,
    )

    fig = choropleth(run.D[2022], bins=np.arange(0, 1.0001, 0.1), label="D")
    drawn = sum(len(c.get_paths()) for c in fig.axes[0].collections)
    assert drawn == 34  # 31 mainland provinces coloured, Taiwan, Hong Kong, Macao grey
    plt.close(fig)
    plt.close(kernel_density_ridge(run.kde))
    plt.close(moran_by_year(run.moran_table()))
    page = kernel_density_html(run.kde, title="D")
    assert page.count("<polyline") == 10 and "<script src" not in page and "https://" not in page
    with pytest.raises(InputError):
        choropleth(run.D[2022].to_numpy())


def test_report_sections(macro_db):
    from industrial_brain.report.sections_macro import SECTIONS_MACRO

    with Store(macro_db) as s:
        for fn in SECTIONS_MACRO:
            sec = fn(s, "en")
            assert sec.parts and not any("could not run" in p for p in sec.parts), fn.__name__
        zh = SECTIONS_MACRO[1](s, "zh")
    assert "Dagum" in zh.title
    body = "".join(SECTIONS_MACRO[4](Store(macro_db, read_only=True), "en").parts)
    assert "data:image/png;base64" in body
