"""The catalog services behind `ibrain catalog|quality|show|version` and the read API, on the default data."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from industrial_brain.errors import InputError
from industrial_brain.services import catalog as svc
from industrial_brain.store import SCHEMA_VERSION, Store
from industrial_brain.store.readers import read_io_table


@pytest.fixture(scope="module")
def ro(default_db):
    with Store(default_db, read_only=True) as s:
        yield s


def test_catalog_can_be_limited_to_readable_datasets(ro):
    every = svc.catalog(ro)
    two = ["carbon_emissions_2010_2022", "cn_nbs_io_2020_42"]
    some = svc.catalog(ro, datasets=two)
    assert len(every) > 2 and sorted(some["dataset_id"]) == two
    assert list(some.columns) == list(every.columns)


def test_quality_notes_filter_and_summary(ro):
    errors = svc.quality_notes(ro, severity="error")
    assert len(errors) and set(errors["severity"]) == {"error"}
    summary = svc.notes_summary(ro)
    assert list(summary.columns) == ["dataset_id", "kind", "severity", "count"]
    assert summary["count"].sum() == len(svc.quality_notes(ro))
    with pytest.raises(InputError, match=r"^parameter 'severity': unknown severity \(found 'fatal'"):
        svc.quality_notes(ro, severity="fatal")


def test_panel_view_names_regions_in_the_language_asked(ro):
    en = svc.panel(ro, ["grp_100m_cny"], ["北京"], "2015:2016", lang="en")
    zh = svc.panel(ro, ["grp_100m_cny"], ["北京"], "2015:2016", lang="zh")
    codes = svc.panel(ro, ["grp_100m_cny"], ["北京"], "2015:2016")
    assert list(en.frame.columns) == ["region_code", "name", "year", "grp_100m_cny"]
    assert en.frame["name"].iat[0] == "Beijing" and zh.frame["name"].iat[0] == "北京市"
    assert list(codes.frame.columns) == ["region_code", "year", "grp_100m_cny"]
    assert codes.indicators == ["grp_100m_cny"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"years": "2020:2010"}, "parameter 'years': bad year range"),
        ({"indicators": ["no_such"]}, "parameter 'indicators': unknown indicator"),
        ({"regions": ["Atlantis"]}, "parameter 'regions': unknown region"),
    ],
)
def test_panel_errors_name_the_parameter_not_a_cli_flag(ro, kwargs, message):
    with pytest.raises(InputError) as e:
        svc.panel(ro, **kwargs)
    assert str(e.value).startswith(message) and "--" not in str(e.value)


def test_regions_one_region_and_neighbours(ro):
    regs = svc.regions(ro)
    assert "dataset_id" not in regs.columns and regs["code"].is_monotonic_increasing
    assert svc.region(ro, "330000")["name_en"].iat[0] == "Zhejiang"
    hainan = svc.neighbours(ro, "460000")
    assert hainan[["code", "kind"]].values.tolist() == [["440000", "convention"]]  # the island link
    with pytest.raises(InputError, match=r"^column 'code': unknown region"):
        svc.neighbours(ro, "999999")
    table = svc.regions_with_neighbours(ro).set_index("code")
    zj = table.loc["330000", "neighbours"].split()
    assert zj == sorted(zj) and {"310000", "320000", "340000", "350000", "360000"} <= set(zj)
    assert table.loc["330000", "neighbours"].split() == svc.neighbours(ro, "330000")["code"].tolist()


def test_io_table_summary_is_the_tables_accounts(ro):
    s = svc.io_table_summary(ro, "cn_nbs_io_2020_42", "zh")
    t = read_io_table(ro, "cn_nbs_io_2020_42")
    assert list(s.frame.columns) == svc.IO_SUMMARY_COLUMNS and len(s.frame) == 42
    assert (s.year, s.unit) == (2020, t.unit)
    np.testing.assert_allclose(s.frame["gross_output"].sum(), t.x.sum())
    np.testing.assert_allclose(s.frame["value_added"].to_numpy(), t.V.sum(axis=0).to_numpy())
    assert s.frame["name"].iat[0] == t.sectors["name_zh"].iat[0]
    assert set(svc.io_tables(ro)["table_id"]) >= {"cn_nbs_io_2020_42"}


def test_version_prints_the_store_schema(default_db, tmp_path):
    run = [sys.executable, "-m", "industrial_brain.cli.main", "version"]
    env = {**os.environ, "IBRAIN_DB": str(tmp_path / "none.duckdb")}
    r = subprocess.run(run, capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.startswith("industrial-brain ") and "schema" not in r.stdout
    r = subprocess.run([*run, "--db", str(default_db)], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and f"schema {SCHEMA_VERSION}" in r.stdout, r.stderr
