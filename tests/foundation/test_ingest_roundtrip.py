"""Round trip of every file kind and layout: what goes in comes back out of the readers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.ingest import ingest
from industrial_brain.store.readers import read_io_table, read_panel

from .helpers import io_matrix_csv, long_panel_frame, make_uscc, prepare_base, snapshot


@pytest.fixture
def base(store, tmp_path):
    prepare_base(store, tmp_path)
    return store


def _expected() -> pd.DataFrame:
    df = long_panel_frame()
    return df.pivot(index=["region", "year"], columns="indicator", values="value")


def _check(store, dataset_id):
    got = read_panel(store, datasets=[dataset_id])
    exp = _expected()
    np.testing.assert_allclose(got[exp.columns].to_numpy(), exp.to_numpy(), rtol=1e-12)
    assert list(got.index.get_level_values(0).unique()) == ["110000", "120000", "130000"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_long_csv_encodings_with_chinese_names(base, tmp_path, encoding):
    df = long_panel_frame()
    df["region"] = df["region"].map({"110000": "北京市", "120000": "天津", "130000": "河北省"})
    df.columns = ["地区", "年份", "指标", "数值"]
    path = tmp_path / f"panel_{encoding}.csv"
    df.to_csv(path, index=False, encoding=encoding)
    rep = ingest(base, path, "panel", dataset_id=f"p_{encoding.replace('-', '_')}")
    assert rep.rows == 30
    _check(base, rep.dataset_id)


def test_long_csv_fast_path_and_codes(base, tmp_path):
    path = tmp_path / "long.csv"
    long_panel_frame().to_csv(path, index=False)
    rep = ingest(base, path, "panel")
    assert rep.rows == 30 and rep.dataset_id == "long"
    _check(base, "long")


def test_wide_by_indicator(base, tmp_path):
    wide = long_panel_frame().pivot(index=["region", "year"], columns="indicator", values="value")
    wide = wide.reset_index()
    wide["region"] = wide["region"].map(
        {"110000": "Beijing", "120000": "Tianjin", "130000": "Hebei Province"}
    )
    path = tmp_path / "wide_ind.csv"
    wide.to_csv(path, index=False)
    _check(base, ingest(base, path, "panel").dataset_id)


def test_wide_by_year(base, tmp_path):
    wide = long_panel_frame().pivot(index=["region", "indicator"], columns="year", values="value")
    wide = wide.reset_index()
    path = tmp_path / "wide_year.csv"
    wide.to_csv(path, index=False)
    _check(base, ingest(base, path, "panel").dataset_id)


def test_xlsx_sheet_by_name_and_index(base, tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(xw, sheet_name="说明", index=False)
        long_panel_frame().to_excel(xw, sheet_name="data", index=False)
    _check(base, ingest(base, path, "panel", sheet="data", dataset_id="x_by_name").dataset_id)
    path2 = tmp_path / "book2.xlsx"
    with pd.ExcelWriter(path2) as xw:
        pd.DataFrame({"note": ["cover"]}).to_excel(xw, sheet_name="cover", index=False)
        long_panel_frame().to_excel(xw, sheet_name="data", index=False)
    _check(base, ingest(base, path2, "panel", sheet=1, dataset_id="x_by_index").dataset_id)


def test_parquet_long(base, tmp_path):
    path = tmp_path / "long.parquet"
    long_panel_frame().to_parquet(path)
    _check(base, ingest(base, path, "panel").dataset_id)


def test_blank_and_yearbook_missing_marks_are_not_stored(base, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "region,year,syn_gdp,syn_share\n北京,2015,1.5,\n天津,2015,—,0.3\n河北,2015,…,-\n", encoding="utf-8"
    )
    rep = ingest(base, path, "panel")
    assert rep.rows == 2
    p = read_panel(base, datasets=[rep.dataset_id])
    assert p.loc[("110000", 2015), "syn_gdp"] == 1.5 and p.loc[("120000", 2015), "syn_share"] == 0.3


def test_io_matrix_roundtrip(base, tmp_path):
    path = tmp_path / "io3.csv"
    path.write_text(io_matrix_csv(), encoding="utf-8")
    rep = ingest(base, path, "io", year=2020, scheme="syn3", region="北京")
    t = read_io_table(base, rep.dataset_id)
    np.testing.assert_array_equal(t.Z.to_numpy(), [[10, 20, 5], [15, 30, 10], [5, 10, 20]])
    np.testing.assert_array_equal(t.x.to_numpy(), [80, 105, 95])
    assert list(t.Y.columns) == ["FU101", "EX"] and list(t.trade.columns) == ["IM"]
    assert t.V.loc["VA004"].tolist() == [30, 20, 30]
    assert t.region_code == "110000" and t.kind == "competitive" and t.sectors.loc["M", "name_en"] == "Manu"


def test_io_long_layout_roundtrip(base, tmp_path):
    mat = pd.read_csv(pd.io.common.StringIO(io_matrix_csv())).drop(columns="name_en")
    long = mat.melt(id_vars="Code", var_name="col_code", value_name="value").dropna()
    long = long.rename(columns={"Code": "row_code"})
    path = tmp_path / "io_long.parquet"
    long.to_parquet(path)
    t = read_io_table(base, ingest(base, path, "io", year=2020).dataset_id)
    np.testing.assert_array_equal(t.x.to_numpy(), [80, 105, 95])
    assert t.region_code == "100000"


def test_io_noncompetitive_origin_blocks(base, tmp_path):
    # domestic block Z_d and imported block Z_m; row identity per block, column identity over both.
    text = (
        "Code,Origin,A,B,TC,GO\n"
        "A,Domestic,10,20,70,100\nB,Domestic,30,10,160,200\n"
        "A,Imports,5,5,10,20\nB,Imports,0,10,0,10\n"
        "VA001,TOT,55,155,,\nTI,TOT,100,200,,\n"
    )
    path = tmp_path / "nc.csv"
    path.write_text(text, encoding="utf-8")
    t = read_io_table(base, ingest(base, path, "io", year=2018).dataset_id)
    assert t.kind == "noncompetitive"
    np.testing.assert_array_equal(t.Z.to_numpy(), [[10, 20], [30, 10]])
    np.testing.assert_array_equal(t.Z_imports.to_numpy(), [[5, 5], [0, 10]])
    np.testing.assert_array_equal(t.x.to_numpy(), [100, 200])


def test_enterprises_sectors_indicators(base, tmp_path):
    codes = [make_uscc("91110000" + f"{i:08d}" + "0") for i in range(3)]
    path = tmp_path / "firms.csv"
    firms = pd.DataFrame(
        {
            "uscc": codes,
            "name": ["甲公司", "乙公司", "丙公司"],
            "region": ["北京", "Tianjin", "130000"],
            "sector_code": ["A", "M", "S"],
            "size_class": ["大型", "small", "micro"],
        }
    )
    firms.to_csv(path, index=False)
    rep = ingest(base, path, "enterprise", scheme="syn3")
    assert rep.rows == 3
    got = base.query(
        "SELECT uscc, region_code, sector_code, size_class, dataset_id FROM enterprise ORDER BY uscc"
    )
    assert got["region_code"].tolist() == ["110000", "120000", "130000"]
    assert got["size_class"].tolist() == ["large", "small", "micro"]
    grade = base.con.execute("SELECT grade FROM dataset WHERE dataset_id = ?", [rep.dataset_id]).fetchone()[0]
    assert grade == "important"
    assert base.query("SELECT count(*) n FROM sector WHERE scheme = 'syn3'")["n"].iat[0] == 3
    ind = base.query("SELECT * FROM indicator WHERE code = 'syn_share'").iloc[0]
    assert (ind.direction, ind.min_value, ind.max_value, ind.unit) == ("+", 0.0, 1.0, "share")


def test_every_row_points_to_its_dataset_and_every_write_is_audited(base, tmp_path):
    path = tmp_path / "long.csv"
    long_panel_frame().to_csv(path, index=False)
    n_audit = base.query("SELECT count(*) n FROM audit")["n"].iat[0]
    rep = ingest(base, path, "panel", source="synthetic", publisher="tests", licence="CC0")
    ds = base.query("SELECT * FROM dataset WHERE dataset_id = 'long'").iloc[0]
    got = (ds.source, ds.publisher, ds.licence, ds.rows, ds.grade)
    assert got == ("synthetic", "tests", "CC0", 30, "general")
    assert len(ds.sha256) == 64 and ds.sha256 == rep.sha256
    assert base.query("SELECT count(*) n FROM observation WHERE dataset_id = 'long'")["n"].iat[0] == 30
    audit = base.query('SELECT * FROM audit ORDER BY "at"')
    assert len(audit) == n_audit + 1 and audit.iloc[-1]["object"] == "dataset:long"


def test_identical_file_is_a_noop(base, tmp_path):
    path = tmp_path / "long.csv"
    long_panel_frame().to_csv(path, index=False)
    first = ingest(base, path, "panel")
    before = snapshot(base)
    again = ingest(base, path, "panel", dataset_id="another_id")
    assert again.skipped and "already stored as dataset 'long'" in again.message and not first.skipped
    assert snapshot(base) == before


def test_replace_swaps_a_dataset_atomically(base, tmp_path):
    path = tmp_path / "long.csv"
    long_panel_frame().to_csv(path, index=False)
    ingest(base, path, "panel")
    df = long_panel_frame()
    df["value"] *= 2
    path2 = tmp_path / "long2.csv"
    df.to_csv(path2, index=False)
    ingest(base, path2, "panel", dataset_id="long", replace=True)
    p = read_panel(base, datasets=["long"])
    assert p.loc[("110000", 2015), "syn_gdp"] == 200.0
    assert base.query("SELECT count(*) n FROM dataset WHERE dataset_id = 'long'")["n"].iat[0] == 1
