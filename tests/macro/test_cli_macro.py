"""``ibrain macro`` end to end, as a user runs it: ``industrial_brain.cli.main.main([...])`` on a copy
of the default store (needs ``app.add_typer(macro_app, name="macro")`` in cli/main.py)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from industrial_brain.cli.main import main
from industrial_brain.store import Store


@pytest.fixture(scope="module")
def db(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_macro") / "m.duckdb"
    shutil.copy(default_db, path)
    return path


def _ok(capsys, *args) -> str:
    main(list(args))
    return capsys.readouterr().out


def _fails(capsys, *args) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    err = capsys.readouterr().err
    return exc.value.code, err


def test_macro_run_prints_summary_stores_and_writes_csv(db, tmp_path, capsys):
    out = tmp_path / "macro.csv"
    text = _ok(
        capsys, "macro", "run", "--db", str(db), "--out", str(out), "--permutations", "99", "--seed", "7"
    )
    for expected in (
        "Macro pipeline",
        "2013–2022",
        "Dagum Gini decomposition",
        "Moran's I of D",
        "Spearman",
        "stored",
    ):
        assert expected in text, expected
    df = pd.read_csv(out, dtype={"region_code": str})
    assert len(df) == 310 and df["D"].between(0, 1).all()
    assert (
        df.loc[(df.region_code == "440000") & (df.year == 2022), "level"].item()
        == "intermediate coordination"
    )
    with Store(db, read_only=True) as s:
        runs = s.query("SELECT run_id, lineage FROM analysis_run WHERE kind = 'macro'")
    assert len(runs) == 1 and json.loads(runs["lineage"].item())["seed"] == 7


def test_macro_run_chinese_xlsx_years_and_model(db, tmp_path, capsys):
    out = tmp_path / "macro.xlsx"
    text = _ok(
        capsys,
        "macro",
        "run",
        "--db",
        str(db),
        "--years",
        "2018:2022",
        "--model",
        "corrected",
        "--weights",
        "knn",
        "--k",
        "3",
        "--permutations",
        "49",
        "--lang",
        "zh",
        "--out",
        str(out),
        "--no-save",
        "--figures",
        str(tmp_path / "fig"),
    )
    assert "耦合协调度" in text and "2018–2022" in text and "corrected" in text and "未保存" in text
    sheets = pd.read_excel(out, sheet_name=None)
    assert len(sheets["provinces"]) == 31 * 5 and "协调等级" in sheets["provinces"].columns
    figs = sorted(p.name for p in (tmp_path / "fig").iterdir())
    assert figs == ["kde_D.html", "kde_D.png", "map_D.png", "moran_D.png"]
    assert "<svg" in (tmp_path / "fig" / "kde_D.html").read_text(encoding="utf-8")


def test_macro_read_commands(db, capsys):
    assert "Index systems" in _ok(capsys, "macro", "systems")
    assert "Index systems" in _ok(capsys, "macro", "systems", "--db", str(db))
    text = _ok(capsys, "macro", "systems", "--format", "csv")
    assert "digital_economy" in text and "new_quality_productive_forces" in text
    text = _ok(capsys, "macro", "systems", "--show", "new_quality_productive_forces", "--format", "csv")
    assert "labour_force" in text and "rd_equipment_intensity" in text and "derive" in text
    _ok(capsys, "macro", "run", "--db", str(db), "--permutations", "0")
    text = _ok(capsys, "macro", "runs", "--db", str(db), "--format", "csv")
    assert text.count("macro-") >= 1
    csv = _ok(capsys, "macro", "show", "--db", str(db), "--measure", "D", "--year", "2022", "--format", "csv")
    lines = csv.strip().splitlines()
    assert len(lines) == 32 and lines[0].startswith("region_code,name,year,measure,value")
    csv = _ok(capsys, "macro", "show", "--db", str(db), "--measure", "moran.D.I", "--format", "csv")
    assert len(csv.strip().splitlines()) == 11


def test_macro_user_errors_are_one_line(db, tmp_path, capsys):
    code, err = _fails(capsys, "macro", "run", "--db", str(db), "--years", "1800:1801")
    assert code != 0 and "no panel data in the requested years" in err and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1
    code, err = _fails(capsys, "macro", "run", "--db", str(db), "--out", str(tmp_path / "x.txt"))
    assert code != 0 and "unsupported output type" in err
    code, err = _fails(capsys, "macro", "run", "--db", str(db), "--weights", "rook")
    assert code != 0 and "unknown spatial weights" in err
    assert "option '--weights'" in err and "parameter" not in err  # the CLI names its own option
    code, err = _fails(capsys, "macro", "run", "--db", str(db), "--system", str(tmp_path / "missing.yaml"))
    assert code != 0 and "index system not found" in err
    code, err = _fails(capsys, "macro", "show", "--db", str(db), "--measure", "nonsense")
    assert code != 0 and "no such measure" in err
    empty = tmp_path / "empty.duckdb"
    code, err = _fails(capsys, "macro", "show", "--db", str(empty))
    assert code != 0 and "no macro run" in err


def test_macro_show_opens_on_the_default_year_and_says_so(db, capsys):
    _ok(capsys, "macro", "run", "--db", str(db), "--permutations", "0")
    main(["macro", "show", "--db", str(db), "--measure", "D", "--format", "csv"])
    got = capsys.readouterr()
    lines = got.out.strip().splitlines()
    assert len(lines) == 32 and all(ln.split(",")[2] in ("2022", "2022.0") for ln in lines[1:])
    # the default window ends in 2022, before the partial years; no input of D has an error in 2022
    assert got.err.strip() == "default year 2022 (the latest year; no year skipped)"
    main(["macro", "show", "--db", str(db), "--measure", "D", "--format", "csv", "--all-years"])
    got = capsys.readouterr()
    assert len(got.out.strip().splitlines()) == 311 and got.err == ""
    main(["macro", "show", "--db", str(db), "--measure", "D", "--format", "csv", "--lang", "zh"])
    assert capsys.readouterr().err.strip() == "默认年份 2022年（最新年份，未跳过任何年份）"
