"""``ibrain assess …`` end to end, through :func:`industrial_brain.cli.main.main` as a user runs it.

The stable contract: command names, options and output columns. All enterprises are SYNTHETIC.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from industrial_brain.cli.main import main
from industrial_brain.micro.benchmarking import published_reference_2022
from industrial_brain.micro.model import load_model
from industrial_brain.store import Store
from industrial_brain.store.schema import DATA_TABLES

from .conftest import TINY, make_uscc

DTM = load_model("digital_transformation_maturity")
SECTORS = [
    "Electronics",
    "Transportation equipment manufacturing",
    "Petrochemicals",
    "Pharmaceuticals",
    "Food",
    "Metallurgy",
    "Machinery",
    "Light industry",
    "Textiles",
    "Packaging",
    "Building materials",
    "Waste recycling",
]


def run(*args: str) -> int:
    """Run the CLI; return its exit code (0 when it returns normally)."""
    try:
        main(list(args))
    except SystemExit as e:
        return int(e.code or 0)
    return 0


@pytest.fixture(autouse=True)
def _no_default_store(tmp_path, monkeypatch):
    # any command that silently used the default store would create this file
    monkeypatch.setenv("IBRAIN_DB", str(tmp_path / "default-store.duckdb"))


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pop") / "pop.csv"
    assert run("assess", "simulate", "--n", "600", "--seed", "5", "--out", str(out)) == 0
    return out


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"uscc": str, "region": str})


def snapshot(db: Path) -> dict[str, pd.DataFrame]:
    with Store(db, read_only=True) as s:
        return {
            t: s.query(f"SELECT * FROM {t}")
            .astype(str)
            .sort_values(list(s.query(f"SELECT * FROM {t} LIMIT 0").columns))
            .reset_index(drop=True)
            for t in DATA_TABLES
        }


def test_models(capsys):
    assert run("assess", "models", "--format", "csv") == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert set(out["code"]) >= {"digital_transformation_maturity", "sme_digital_level"}
    assert {"code", "version", "fingerprint"} <= set(out.columns)


def test_template_csv_and_xlsx(tmp_path):
    assert run("assess", "template", "--model", "sme_digital_level", "--out", str(tmp_path / "t.csv")) == 0
    m = load_model("sme_digital_level")
    header = (tmp_path / "t.csv").read_text().strip().split(",")
    assert header == ["uscc", "name", "sector", "region", "size_class", *m.question_codes]
    assert run("assess", "template", "--model", "sme_digital_level", "--out", str(tmp_path / "t.xlsx")) == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames[0] == "answers" and len(wb["answers"].data_validations.dataValidation) >= len(
        m.questions
    )
    assert run("assess", "template", "--model", "nope", "--out", str(tmp_path / "x.csv")) == 2


def test_simulate_contract(population):
    df = read(population)
    assert list(df.columns) == ["uscc", "name", "sector", "region", "size_class", *DTM.question_codes]
    assert len(df) == 600 and df["uscc"].is_unique
    assert set(df["sector"]) <= set(SECTORS) and set(SECTORS) == set(published_reference_2022().sectors.index)
    assert df["region"].str.fullmatch(r"\d{2}0000").all()
    assert df["name"].str.endswith("(synthetic)").all()


def test_score_without_db_stores_nothing(population, tmp_path):
    out = tmp_path / "scores.csv"
    assert run("assess", "score", str(population), "--out", str(out)) == 0
    s = read(out)
    assert list(s.columns) == ["uscc", "sector", "region", "total_score", "level", *DTM.dimension_codes]
    assert set(s["level"]) <= {"L1", "L2", "L3", "L4", "L5"}
    assert s["total_score"].between(0, 100).all() and len(s) == 600
    assert not (tmp_path / "default-store.duckdb").exists()


def test_score_with_db_bad_file_and_profile(population, tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    out = tmp_path / "scores.csv"
    assert (
        run(
            "assess", "score", str(population), "--out", str(out), "--db", str(db), "--taken-on", "2022-12-31"
        )
        == 0
    )
    with Store(db, read_only=True) as s:
        assert s.table_counts()["assessment_result"] == 600
        ds = s.query("SELECT title, grade FROM dataset WHERE kind = 'assessment'")
    assert ds["title"].iloc[0].startswith("SYNTHETIC") and ds["grade"].iloc[0] == "important"
    before = snapshot(db)
    # one bad cell: per-cell error, non-zero exit, nothing stored, no output written
    bad = read(population)
    bad.loc[4, "DR03"] = "Z"
    bad_file = tmp_path / "bad.csv"
    bad.to_csv(bad_file, index=False)
    capsys.readouterr()
    bad_out = tmp_path / "bad_scores.csv"
    assert (
        run(
            "assess",
            "score",
            str(bad_file),
            "--out",
            str(bad_out),
            "--db",
            str(db),
            "--taken-on",
            "2023-12-31",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "row 6" in err and "column 'DR03'" in err and "found 'Z'" in err and "expected one option code" in err
    )
    assert "\n" not in err.strip()
    assert not bad_out.exists()
    after = snapshot(db)
    for t in DATA_TABLES:
        pd.testing.assert_frame_equal(after[t], before[t], obj=t)
    # second wave: stored with its date; profile, trajectory and cohort read the store
    wave2 = read(population)
    wave2["DR03"] = "E"
    w2 = tmp_path / "wave2.csv"
    wave2.to_csv(w2, index=False)
    assert (
        run(
            "assess",
            "score",
            str(w2),
            "--out",
            str(tmp_path / "s2.csv"),
            "--db",
            str(db),
            "--taken-on",
            "2023-12-31",
        )
        == 0
    )
    uscc = read(out)["uscc"].iloc[0]
    html = tmp_path / "profile.html"
    assert run("assess", "profile", "--uscc", uscc, "--out", str(html), "--db", str(db)) == 0
    text = html.read_text(encoding="utf-8")
    assert uscc in text and "data:image/png;base64" in text and "SYNTHETIC" in text
    capsys.readouterr()
    assert run("assess", "trajectory", "--uscc", uscc, "--db", str(db), "--format", "csv") == 0
    traj = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert traj["taken_on"].tolist() == ["2022-12-31", "2023-12-31"]
    coh = tmp_path / "cohort.csv"
    assert (
        run(
            "assess",
            "cohort",
            "--by",
            "sector",
            "--from",
            "2023-01-01",
            "--to",
            "2024-01-01",
            "--db",
            str(db),
            "--out",
            str(coh),
        )
        == 0
    )
    c = pd.read_csv(coh).set_index("sector")
    assert c.loc["ALL", "n_start"] == 600 and c.loc["ALL", "mean_change"] > 0
    assert run("assess", "profile", "--uscc", "91350100M000100Y43", "--out", str(html), "--db", str(db)) == 2
    # size classes looked up in the store's enterprise registry
    bench = tmp_path / "bench.csv"
    assert (
        run("assess", "benchmark", str(out), "--by", "size_class", "--db", str(db), "--out", str(bench)) == 0
    )
    assert set(pd.read_csv(bench)["size_class"]) == {"large", "medium", "small", "micro", "ALL"}


def test_score_xlsx_sheet(population, tmp_path):
    sheet = tmp_path / "filled.xlsx"
    read(population).head(6).to_excel(sheet, sheet_name="answers", index=False)
    out = tmp_path / "x.csv"
    assert run("assess", "score", str(sheet), "--out", str(out)) == 0
    assert len(read(out)) == 6


@pytest.mark.parametrize("by", ["sector", "region", "size_class"])
def test_benchmark(population, tmp_path, by):
    scores = tmp_path / "scores.csv"
    assert run("assess", "score", str(population), "--out", str(scores)) == 0
    # a small file so that some groups have fewer than k firms
    small = tmp_path / "small.csv"
    read(scores).head(40).to_csv(small, index=False)
    out = tmp_path / "bench.csv"
    # the scores file has no size_class column: it comes from the answer sheet (--answers)
    extra = ["--answers", str(population)] if by == "size_class" else []
    if by == "size_class":
        assert run("assess", "benchmark", str(small), "--by", by) == 2
    assert run("assess", "benchmark", str(small), "--by", by, "--out", str(out), *extra) == 0
    b = pd.read_csv(out, dtype={by: str})
    assert b[by].iloc[-1] == "ALL" and b["n"].iloc[-1] == 40
    shown = b[~b["suppressed"]]
    assert (shown["n"] >= 3).all()
    hidden = b[b["suppressed"] & (b[by] != "ALL")]
    assert len(hidden) != 1 and hidden[["n", "mean", "median"]].isna().all().all()
    if by == "sector":
        assert b.set_index("sector").loc["ALL", "published_mean_2022"] == 51.8


def test_benchmark_bad_by(population, tmp_path):
    scores = tmp_path / "scores.csv"
    assert run("assess", "score", str(population), "--out", str(scores)) == 0
    assert run("assess", "benchmark", str(scores), "--by", "colour") == 2


def test_score_checks_the_meta_columns_too(population, tmp_path, capsys):
    # without --db the sheet is checked exactly as with it: an unknown region is an error
    bad = read(population).head(10)
    bad.loc[2, "region"] = "990000"
    f = tmp_path / "bad_region.csv"
    bad.to_csv(f, index=False)
    capsys.readouterr()
    assert run("assess", "score", str(f), "--out", str(tmp_path / "o.csv")) == 2
    err = capsys.readouterr().err
    assert "row 4" in err and "column 'region'" in err and "found '990000'" in err and "GB/T 2260" in err
    assert not (tmp_path / "o.csv").exists()


def test_models_template_simulate_take_db(population, tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    # template and simulate accept --db and leave it alone (no store is created)
    assert run("assess", "template", "--out", str(tmp_path / "t.csv"), "--db", str(db)) == 0
    assert (
        run(
            "assess",
            "simulate",
            "--n",
            "20",
            "--seed",
            "2",
            "--out",
            str(tmp_path / "p.csv"),
            "--db",
            str(db),
        )
        == 0
    )
    assert not db.exists()
    # a store that scored a sheet with a model that is not shipped lists it beside the shipped ones
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    sheet = tmp_path / "tiny.csv"
    pd.DataFrame(
        {
            "uscc": [make_uscc(i) for i in range(3)],
            "name": "firm",
            "sector": "Food",
            "region": "330000",
            "size_class": "small",
            "A1": "Y",
            "A2": 70.0,
            "B1": "X;Y",
            "B2": "P",
        }
    ).to_csv(sheet, index=False)
    assert (
        run(
            "assess",
            "score",
            str(sheet),
            "--model",
            str(tiny),
            "--out",
            str(tmp_path / "s.csv"),
            "--db",
            str(db),
            "--taken-on",
            "2024-01-01",
        )
        == 0
    )
    capsys.readouterr()
    assert run("assess", "models", "--db", str(db), "--format", "csv") == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).set_index("code")
    assert out.loc["tiny", "origin"] == "stored" and out.loc["sme_digital_level", "origin"] == "shipped"


def test_release_command(population, tmp_path, capsys):
    """``ibrain assess release`` makes an audited release of the stored scores and prints its table."""
    db = tmp_path / "rel.duckdb"
    assert run("assess", "release", "--db", str(db)) == 2  # nothing scored yet: one clear line (InputError)
    assert "no scored assessments to release" in capsys.readouterr().err
    scores = tmp_path / "scores.csv"
    assert run("assess", "score", str(population), "--out", str(scores), "--db", str(db)) == 0
    capsys.readouterr()
    assert run("assess", "release", "--db", str(db), "--period", "2025Q1", "--k", "3", "--p", "10") == 0
    out = capsys.readouterr().out
    assert "Release" in out and "600 enterprises" in out and "sector|region" in out
    assert run("assess", "release", "--db", str(db), "--k", "2") == 2
    assert "threshold k too small" in capsys.readouterr().err
    with Store(db, read_only=True) as s:
        heads = s.query("SELECT period, k, n_enterprises FROM release_header")
        cells = s.query("SELECT count(*) AS n FROM release_cell")["n"].iat[0]
        members = s.query("SELECT count(DISTINCT assessment_id) AS n FROM release_member")["n"].iat[0]
    assert heads.values.tolist() == [["2025Q1", 3, 600]] and cells > 0 and members == 600
