"""CLI conventions: Click's usage errors (exit 2 and a "Try … --help" hint, never "internal error"),
``--help`` on every command, and tables that read well at 80 columns (numbers never broken)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
import typer
from rich.cells import cell_len
from rich.console import Console

from industrial_brain.cli import common
from industrial_brain.cli.common import emit
from industrial_brain.cli.main import app

from .helpers import run_cli


def _run(capsys, *args) -> tuple[int, str]:
    code, out, err = run_cli(capsys, *args)
    return code, out + err


@pytest.mark.parametrize(
    "args, hint",
    [
        (["catalg"], "Try 'ibrain --help' for help."),
        (["catalog", "--dbb", "x"], "Try 'ibrain catalog --help' for help."),
        (["ingest"], "Try 'ibrain ingest --help' for help."),
        (["ingest", "some.csv"], "Try 'ibrain ingest --help' for help."),  # missing option --kind
        (["user", "add"], "Try 'ibrain user add --help' for help."),
        (
            ["show", "panel", "--years"],
            None,
        ),  # option without its value: Click reports it without a usage line
    ],
)
def test_usage_errors_are_clicks(capsys, args, hint):
    code, text = _run(capsys, *args)
    assert code == 2, text
    assert "internal error" not in text
    assert hint is None or hint in text


def test_unknown_command_suggests_the_right_one(capsys):
    code, text = _run(capsys, "catalg")
    assert code == 2 and "No such command 'catalg'" in text and "catalog" in text


def test_a_bug_is_an_internal_error(capsys, monkeypatch):
    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("industrial_brain.cli.main.run_init", broken)
    code, text = _run(capsys, "init", "--db", ":memory:")
    assert code == 70 and "internal error: ZeroDivisionError: boom" in text


def _commands(command, path=()):
    """Every command path of the Click tree (groups and their sub-commands)."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_command_has_help(capsys):
    root = typer.main.get_command(app)
    paths = list(_commands(root))
    assert len(paths) > 30 and ("user", "add") in paths and ("serve",) in paths
    for path in paths:
        code, text = _run(capsys, *path, "--help")
        assert code == 0, (path, text)
        assert "Usage: ibrain" in text and "internal error" not in text, path


def test_python_dash_m_and_entry_point_agree():
    env = {**os.environ, "PYTHONPATH": "src"}
    r = subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", "version"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0 and r.stdout.startswith("industrial-brain ")
    r = subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", "catalg"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 2 and "Try 'ibrain --help' for help." in r.stderr


# ---- tables -------------------------------------------------------------------------------------


@pytest.fixture()
def narrow(monkeypatch):
    """``emit`` printing to an 80-column console; returns a function giving what was printed."""
    buf = io.StringIO()
    console = Console(file=buf, width=80, color_system=None, legacy_windows=False)
    monkeypatch.setattr(common, "console", console)
    return buf.getvalue


def _wide_frame() -> pd.DataFrame:
    f = pd.DataFrame(
        {
            "sector": ["01", "02", "17"],
            "name": [
                "Products of agriculture, forestry, animal husbandry and fishery",
                "Mining and washing of coal",
                "Textiles",
            ],
            "year": [2020.0, 2020.0, None],
            "gross_output": [1234567890.5, 98765.4321, 12.5],
            "intermediate_input": [987654321.0, 5432.1, 3.25],
            "value_added": [246913578.9, 4333.3, 9.25],
            "final_demand": [555555555.5, 77777.7, 1.0],
            "score": [61.23456, 7.0, 88.5],
            "rows": [1234567, 12, 0],
        }
    )
    money = ("gross_output", "intermediate_input", "value_added", "final_demand")
    f.attrs["units"] = {c: "10^4 CNY" for c in money}
    return f


def test_cells_years_money_scores():
    assert common._cell(2020.0, "year") == "2020"
    assert common._cell(1234567890.5, "money") in ("1,234,567,890", "1,234,567,891")
    assert "e" not in common._cell(1.5e15, "money") and "," in common._cell(1.5e15, "money")
    assert common._cell(61.23456, "score") == "61.23"
    assert common._cell(1234567, "integer") == "1,234,567"
    assert common._cell(float("nan"), "number") == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_fit_80_columns_and_never_break_numbers(narrow, lang):
    f = _wide_frame()
    emit(f, lang=lang, title="Wide 宽表")
    text = narrow()
    lines = text.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    for v in ("1,234,567,890", "987,654,321", "246,913,579", "555,555,556", "61.23", "88.50", "1,234,567"):
        assert re.search(r"(?<![\d,.])" + re.escape(v) + r"(?![\d,.])", text), (v, text)
    assert "2,020" not in text and "2020.0" not in text and "2020" in text
    assert "e+" not in text
    if lang == "zh":
        assert "总产出（万元）" in text and "数据集" not in text and "部门" in text
    else:
        assert "gross_output" in text and "(10^4 CNY)" in text  # the header may fold, the unit stays whole


def test_units_argument_and_hundred_million_yuan(narrow):
    f = pd.DataFrame({"region_code": ["110000"], "value_added": [40269.6]})
    emit(f, lang="zh", units={"value_added": "亿元"})
    assert "增加值（亿元）" in narrow() and "40,270" in narrow()
    emit(f, lang="en", units={"value_added": "10^8 CNY"})
    assert "value_added (100 million CNY)" in narrow()


def test_catalog_at_80_columns(default_db):
    env = {**os.environ, "PYTHONPATH": "src", "COLUMNS": "80"}
    for lang in ("en", "zh"):
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "industrial_brain.cli.main",
                "catalog",
                "--db",
                str(default_db),
                "--lang",
                lang,
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert all(cell_len(line) <= 80 for line in lines), r.stdout
        assert not re.search(r"\d\.\d+e[+-]\d", r.stdout)
        if lang == "zh":
            assert "数据集编号" in r.stdout and "行数" in r.stdout


# ---- real commands, real formatting --------------------------------------------------------------


def _cli(default_db, *args) -> str:
    env = {**os.environ, "PYTHONPATH": "src", "COLUMNS": "80"}
    r = subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", *args, "--db", str(default_db)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert all(cell_len(line) <= 80 for line in r.stdout.splitlines()), r.stdout
    return r.stdout


def test_show_io_in_chinese_has_units_and_separators(default_db):
    text = _cli(default_db, "show", "io", "--table", "cn_nbs_io_2020_42", "--lang", "zh")
    assert "总产出（万元）" in text and "增加值（万元）" in text
    assert "1,331,683,250" in text  # gross output of sector 01, in 万元
    assert "e+" not in text


def test_show_panel_years_and_money(default_db):
    args = ("show", "panel", "--indicator", "grp_100m_cny", "--region", "北京", "--years", "2015:2016")
    text = _cli(default_db, *args)
    assert re.search(r"\b2015\b", text) and "2,015" not in text and "2015.0" not in text
    assert "(100 million CNY)" in text and "23,015" in text  # 亿元 with separators, no decimals
    assert "grp_100m_cny（亿元）" in _cli(default_db, *args, "--lang", "zh")


def test_catalog_counts_and_shares(default_db):
    text = _cli(default_db, "catalog", "--no-notes")
    assert "missing_share (%)" in text and re.search(r"(?<![\d.])8\.5(?![\d])", text)  # 0.0852 → 8.5 %
    assert "14,293" in text  # rows as a count
    assert "cn_nbs_io_2020_153" in text  # identifiers never wrap


def test_multipliers_line_up(default_db):
    text = _cli(default_db, "io", "multipliers", "--table", "cn_nbs_io_2020_42")
    numbers = re.findall(r"(?<![\d.,])\d+\.\d+(?![\d.])", text)
    assert numbers and all(len(n.split(".")[1]) == 4 for n in numbers), numbers[:20]


def test_service_parameters_are_named_as_options(capsys, default_db):
    code, text = _run(capsys, "show", "panel", "--db", str(default_db), "--years", "2020:2015")
    assert code == 2 and "option '--years'" in text and "parameter 'years'" not in text


def test_option_names_leaves_file_columns_alone():
    assert common.option_names("parameter 'years': bad") == "option '--years': bad"
    assert common.option_names("column 'kind': unknown kind") == "option '--kind': unknown kind"
    assert common.option_names("a.csv: row 2, column 'years': bad") == "a.csv: row 2, column 'years': bad"
    assert common.option_names("parameter 'nope': bad") == "parameter 'nope': bad"


def test_a_wide_panel_prints_one_row_per_value_with_its_unit(default_db):
    text = _cli(default_db, "show", "panel", "--region", "北京", "--years", "2015:2016")
    assert "indicator_code" in text and "unit" in text and "10^8 CNY" in text
    assert "2,015" not in text and re.search(r"\b2016\b", text)


def test_csv_and_xlsx_exports_escape_formula_cells(capsys, tmp_path):
    """Finding 8 of issue 13: a text cell a spreadsheet would run (= + - @, tab, CR) is written with a
    leading ' in every CSV printed or written and every XLSX written; numbers stay numbers."""
    from openpyxl import load_workbook

    frame = pd.DataFrame({"name": ['=HYPERLINK("x")', "@SUM(A1)", "\tx", "plain"], "value": [-1.5, 2, 3, 4]})
    emit(frame, fmt="csv")
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed.iloc[:, 0].tolist() == ['\'=HYPERLINK("x")', "'@SUM(A1)", "'\tx", "plain"]
    assert printed.iloc[:, 1].tolist() == [-1.5, 2, 3, 4]
    common.write_out(frame, tmp_path / "out.csv")
    assert pd.read_csv(tmp_path / "out.csv")["name"].tolist()[:2] == ['\'=HYPERLINK("x")', "'@SUM(A1)"]
    common.write_out(frame, tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx").active
    assert ws["A2"].value == '\'=HYPERLINK("x")' and ws["A2"].data_type == "s" and ws["B2"].value == -1.5


def test_answer_sheet_problems_read_in_chinese():
    """Every kind of answer-sheet problem a firm can meet in the dashboard has its Chinese wording:
    nothing of the English problem text is left, the place and the values are kept."""
    import pandas as pd

    from industrial_brain._shared.error_zh import error_zh
    from industrial_brain.micro.model import load_model
    from industrial_brain.micro.scoring import validate_answers

    m = load_model("digital_transformation_maturity")
    q = {x.type: x for x in m.questions}
    sheet = pd.DataFrame(
        {
            "uscc": ["91350100M000100Y43", "91350100M000100Y43", "bad"],
            "sector": ["Textiles"] * 3,
            q["single_choice"].code: ["Z", None, "A"],
            q["numeric"].code: ["x", 1e9, 5],
            q["multiple_choice"].code: ["Q;Z", None, None],
        }
    )
    problems = validate_answers(m, sheet)
    kinds = {p.problem.split(":")[0].split(" '")[0] for p in problems}
    assert kinds >= {
        "unknown option",
        "unknown option(s)",
        "not a number",
        "number out of range",
        "required answer is missing",
        "required question column is missing from the answer sheet",
        "duplicate enterprise",
        "invalid unified social credit code",
    }
    for p in problems:
        zh = error_zh(p.message("answers.csv"))
        assert zh.startswith(f"answers.csv：第 {p.row} 行，“{p.column}”列：企业 "), zh
        assert p.problem not in zh and "expected" not in zh and "found" not in zh, zh
        assert "option" not in zh and "character" not in zh, zh
