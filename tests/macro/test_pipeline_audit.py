"""The index audits the macro pipeline stores with its run, reloaded without recomputing."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.services.index_audit import AUDIT_PARTS, audit_tables, run_audit
from industrial_brain.services.macro import ROLES, load_macro_run, run_macro
from industrial_brain.store import Store

SEED = 20240501


@pytest.fixture(scope="module")
def audit_db(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "audit.duckdb"
    shutil.copy(default_db, path)
    return path


@pytest.fixture(scope="module")
def run(audit_db):
    with Store(audit_db) as s:
        return run_macro(s, permutations=0, seed=SEED, audit_draws=50)


def test_each_index_is_audited_on_the_runs_panel(run):
    assert set(run.audits) == set(ROLES)
    for r in ROLES:
        a = run.audits[r]
        assert a.system == run.systems[r] and a.draws == 50 and a.seed == SEED
        # the audited index is the run's index, contribution by contribution
        pd.testing.assert_series_equal(
            a.contributions.sum(axis=1).rename("score"),
            run.indices[r].score.reindex(a.contributions.index),
            check_names=False,
        )
        assert (
            a.rank_intervals["nominal"] == run.indices[r].to_frame()["rank"].reindex(a.rank_intervals.index)
        ).all()
    assert run.lineage.params["audit_draws"] == 50


def test_stored_audits_reload_as_the_same_results(run, audit_db):
    with Store(audit_db, read_only=True) as s:
        back = load_macro_run(s, run.run_id)
    for r in ROLES:
        a, b = run.audits[r], back.audits[r]
        for name in (
            "weights",
            "dimension_weights",
            "contributions",
            "correlations",
            "alpha",
            "eigenvalues",
            "rank_intervals",
        ):
            pd.testing.assert_frame_equal(getattr(b, name), getattr(a, name), obj=f"{r}.{name}")
        pd.testing.assert_series_equal(b.score, a.score)
        pd.testing.assert_series_equal(b.sensitivity, a.sensitivity)
        assert b.lineage.to_dict() == a.lineage.to_dict() and b.notes == a.notes
        for lang in ("en", "zh"):
            pd.testing.assert_frame_equal(b.to_frame(lang), a.to_frame(lang))
            assert b.summary(lang) == a.summary(lang)
        pd.testing.assert_frame_equal(b.flags(), a.flags())
        pd.testing.assert_frame_equal(b.pca(2022), a.pca(2022))


def test_run_audit_by_role_or_code_and_tables(run):
    role, a = run_audit(run.audits, "digital_economy")
    assert role == "digital" and run_audit(run.audits, "digital")[1] is a
    with pytest.raises(InputError, match="role or system code"):
        run_audit(run.audits, "nope")
    with pytest.raises(InputError, match="no index audit"):
        run_audit({}, "digital")
    t = audit_tables(a, lang="en", names={"110000": "Beijing"})
    assert list(t) == list(AUDIT_PARTS)
    c = t["contributions"]
    sums = c.groupby("region_code", sort=False)["contribution"].sum()
    np.testing.assert_allclose(sums, a.score.xs(2022, level=1).reindex(sums.index))
    assert list(sums.index) == list(a.score.xs(2022, level=1).sort_values(ascending=False).index)
    assert (c.loc[c["region_code"] == "110000", "name"] == "Beijing").all()
    ri = t["rank_intervals"]
    assert len(ri) == 31 and (ri["width"].diff().dropna() <= 0).all()
    with pytest.raises(InputError, match="year"):
        audit_tables(a, year=1990)


def test_report_sections_render_the_stored_audits(run, audit_db):
    from industrial_brain.report.sections_macro import (
        SECTIONS_MACRO,
        section_macro_audit_digital,
        section_macro_audit_nqpf,
    )

    assert SECTIONS_MACRO[-3:][0] is section_macro_audit_digital
    with Store(audit_db, read_only=True) as s:
        sec = section_macro_audit_digital(s, "en")
        zh = section_macro_audit_nqpf(s, "zh")
    body = "".join(sec.parts)
    a = run.audits["digital"]
    assert sec.title.startswith("How the digital economy index is built")
    assert body.count("<img") == 2 and "w:entropy" in body and "Cronbach" in body
    pc1 = a.pca(2022).loc["index", "pc1_share"]
    assert f"carries {pc1:.0%} of their variance" in body
    top = a.widest(2022, 1)
    assert f"{top['p05'].iloc[0]:.0f}–{top['p95'].iloc[0]:.0f}" in body
    zh_body = "".join(zh.parts)
    assert "新质生产力" in zh.title and zh_body.count("<img") == 2 and "第一主成分解释" in zh_body


# last: stores a newer run without audits (the newest run the report reads)
def test_audit_is_optional_and_bounded(audit_db):
    with Store(audit_db) as s:
        bare = run_macro(s, years="2020:2022", permutations=0, audit_draws=None)
        assert bare.audits == {}
        assert load_macro_run(s, bare.run_id).audits == {}
        with pytest.raises(InputError, match="parameter 'audit_draws'"):
            run_macro(s, audit_draws=5, save=False)
