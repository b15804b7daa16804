"""Table answers as files: ``format=xlsx`` beside ``format=csv`` on every table route (one helper,
``deps.render``): the workbook's header rows carry the source and the columns' units, the rows are
the CSV's rows; the unit labels the dashboard needs, served once; the indicator picker's quality
status per series."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from industrial_brain._shared.export import HEADER_ROWS, XLSX_MEDIA

P = "/api/v1"


def _sheet(resp):
    assert resp.status_code == 200, resp.text[:300]
    assert resp.headers["content-type"] == XLSX_MEDIA
    assert resp.headers["content-disposition"].startswith("attachment; filename=")
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _csv(resp):
    assert resp.status_code == 200
    return pd.read_csv(io.StringIO(resp.text), dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    "path",
    [
        "/catalog",
        "/quality-notes?severity=error&limit=7",
        "/panel?indicator=grp_100m_cny&indicator=gdp_100m_cny&years=2020:2021&limit=40",
        "/chain/cn_nbs_io_2020_153/chokepoints?top=3",
        "/io-tables/cn_nbs_io_2020_42/key-sectors",
    ],
)
def test_xlsx_has_the_csv_rows_under_source_and_unit_rows(client, path):
    sep = "&" if "?" in path else "?"
    rows = _sheet(client.get(f"{P}{path}{sep}format=xlsx"))
    csv = _csv(client.get(f"{P}{path}{sep}format=csv"))
    assert rows[0][0].startswith("来源 source: ") and "Industrial Brain" in rows[0][0]
    assert rows[1][0].startswith("单位 units: ")
    assert rows[HEADER_ROWS] == list(csv.columns)  # the CSV's columns, unchanged
    body = rows[HEADER_ROWS + 1 :]
    assert len(body) == len(csv)
    first = ["" if v is None else str(v) for v in body[0]]
    want = list(csv.iloc[0])
    for got, exp in zip(first, want):  # numbers stay numbers; text as in the CSV
        if exp and got and exp.replace(".", "", 1).lstrip("-").isdigit():
            assert float(got) == pytest.approx(float(exp), rel=1e-12)
        elif exp[:4].isdigit() and exp[4:5] == "-" and len(exp) > 19:  # a time: XLSX keeps milliseconds
            assert got[:19] == exp[:19]
        else:
            assert got == exp


def test_panel_xlsx_names_units_and_datasets(client):
    rows = _sheet(
        client.get(
            f"{P}/panel?indicator=grp_100m_cny&years=2021&dataset=gdp_three_sectors_2010_2022&format=xlsx"
        )
    )
    assert rows[0][0].startswith("来源 source: datasets gdp_three_sectors_2010_2022")
    assert "grp_100m_cny: 100 million CNY 亿元" in rows[1][0]
    assert "year: year 年" in rows[1][0]
    head = rows[HEADER_ROWS]
    assert head[:3] == ["region_code", "year", "grp_100m_cny"]
    body = rows[HEADER_ROWS + 1 :]
    assert len(body) == 31  # 31 provinces in 2021
    gd = next(r for r in body if r[0] == "440000")
    assert gd[1] == 2021 and isinstance(gd[2], float) and 120_000 < gd[2] < 130_000  # Guangdong, 亿元


def test_catalog_xlsx_source_lists_the_datasets(client):
    rows = _sheet(client.get(f"{P}/catalog?format=xlsx"))
    ids = [r[rows[HEADER_ROWS].index("dataset_id")] for r in rows[HEADER_ROWS + 1 :]]
    assert "gdp_three_sectors_2010_2022" in ids
    assert "gdp_three_sectors_2010_2022" in rows[0][0]


def test_unknown_format_is_refused(client):
    r = client.get(f"{P}/catalog?format=ods")
    assert r.status_code in (400, 422)


def test_unit_labels_served_once(client):
    zh = client.get(f"{P}/catalog/units?lang=zh").json()
    en = client.get(f"{P}/catalog/units?lang=en").json()
    assert zh["lang"] == "zh" and zh["unsure_mark"] == "(?)"
    by = {u["unit"]: u for u in zh["data"]}
    assert by["10^8 CNY"] == {
        "unit": "10^8 CNY",
        "en": "100 million CNY",
        "zh": "亿元",
        "label": "亿元",
        "aliases": ["100 million CNY", "10^8 yuan", "亿元"],
    }
    assert by["10^4 tce"]["label"] == "万吨标准煤" and by["undocumented"]["label"] == "单位未注明"
    assert {u["unit"]: u["label"] for u in en["data"]}["10^8 CNY"] == "100 million CNY"
    # every unit the stored indicators use (before the source's "(?)") has a label
    inds = client.get(f"{P}/indicators").json()["data"]
    used = {str(d["unit"]).removesuffix("(?)").strip() for d in inds} - {"", "1"}
    assert used <= set(by), used - set(by)


def test_indicator_picker_quality_status(client):
    inds = {(d["dataset_id"], d["code"]): d for d in client.get(f"{P}/indicators").json()["data"]}
    ds = "digital_innovation_2013_2022"
    dup = inds[(ds, "openness_level")]
    assert dup["quality"] == "duplicated" and "excluded" in dup["quality_flags"]
    assert dup["quality_notes"] >= 1  # the notes themselves: GET /indicators/{code}
    notes = client.get(f"{P}/indicators/openness_level").json()["quality"]
    assert {n["kind"] for n in notes} >= {"duplicate_column"}
    assert inds[(ds, "industrialization_level")]["quality"] == "duplicated"
    assert inds[(ds, "population_density")]["quality"] == "excluded"  # values of order 1e-5
    fai = inds[(ds, "fixed_asset_investment")]
    assert fai["quality"] == "undocumented" and fai["unit_known"] is False
    fibre = inds[(ds, "digital_infra_fiber_length")]
    assert fibre["quality"] == "unit_unknown" and fibre["quality_flags"] == ["unit_unknown"]
    grp = inds[("gdp_three_sectors_2010_2022", "grp_100m_cny")]
    assert grp["quality"] == "ok" and grp["quality_flags"] == [] and grp["unit_known"] is True
    counts = pd.Series([d["quality"] for d in inds.values()]).value_counts().to_dict()
    assert counts["duplicated"] == 2 and counts["unit_unknown"] >= 10
