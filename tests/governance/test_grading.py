"""Grading column descriptions: 就高从严 on a mixed dataset, derived data, re-grading on change, rules."""

import pandas as pd
import pytest

from industrial_brain._shared.config import config_file
from industrial_brain.errors import InputError
from industrial_brain.governance import fingerprint, grade_columns, grade_derived, load_rules

MIXED = pd.DataFrame(
    {
        "dataset_id": ["mixed"] * 4,
        "column": ["province_gdp", "firm_revenue", "operator_phone", "mill_setpoint"],
        "description": [
            "gross regional product, NBS yearbook",
            "operating revenue of the enterprise",
            "phone of the operator",
            "production line control setpoint of the rolling mill",
        ],
        "precision": ["province", "enterprise", "person", "record"],
        "depth": ["aggregate", "raw", "raw", "raw"],
        "scale": [31, 12, 40, 1],
        "importance": [None, None, None, "key_sector"],
    }
)


def test_mixed_dataset_takes_the_highest_level():
    g = grade_columns(MIXED)
    cols = g.columns.set_index("column")
    # hand-worked: published aggregate → no harm (一般1); 12 firms < 30 → organisation×serious (一般3);
    # personal → individual×serious (一般3); key-sector control data → public_interest×serious → important
    assert cols.loc["province_gdp", ["level", "general_sublevel", "rules"]].tolist() == [
        "general",
        1,
        "I01-published",
    ]
    assert cols.loc["firm_revenue", ["level", "general_sublevel", "rules"]].tolist() == [
        "general",
        3,
        "I03-firm-rows",
    ]
    assert cols.loc["operator_phone", ["level", "general_sublevel"]].tolist() == ["general", 3]
    assert cols.loc["mill_setpoint", ["level", "impacts"]].tolist() == [
        "important",
        "public_interest×serious→important",
    ]
    d = g.datasets.iloc[0]
    assert (d["level"], d["general_sublevel"], d["miit_level"], d["deciding_columns"]) == (
        "important",
        0,
        "二级",
        "mill_setpoint",
    )
    j = g.justification("mixed")
    assert j["rules"]["dataset"].startswith("GB/T 43697-2024 6.6") and j["deciding_columns"] == [
        "mill_setpoint"
    ]
    # without the deciding column the dataset falls to general, sub-level 3 (the highest remaining)
    rest = grade_columns(MIXED.iloc[:3]).datasets.iloc[0]
    assert (rest["level"], rest["general_sublevel"]) == ("general", 3)


def test_scale_and_importance_raise_the_level():
    firms = MIXED.iloc[[1]].assign(scale=30)
    assert (
        grade_columns(firms).columns.iloc[0]["level"] == "important"
    )  # 30 firms: I04, economic_operation×serious
    tech = MIXED.iloc[[1]].assign(importance="chokepoint", coverage=0.6)
    row = grade_columns(tech).columns.iloc[0]
    assert (row["level"], row["miit_level"]) == ("core", "三级")  # national_security×serious
    defence = MIXED.iloc[[0]].assign(
        description="military production schedule", depth="raw", precision="record"
    )
    assert grade_columns(defence).columns.iloc[0]["importance"] == "national_defence"
    assert grade_columns(defence).columns.iloc[0]["level"] == "core"


def test_derived_data():
    # Annex I: statistics with small cells suppressed fall one level below the highest source ...
    agg = grade_derived({"firms": "important", "gdp": "general"}, "aggregate")
    assert (agg.level, agg.from_sources) == ("general", "general")
    assert grade_derived({"chips": "core"}, "aggregate").level == "important"
    # ... unless the derived data's own impact analysis says more; copies and fusions never fall
    assert grade_derived({"firms": "important"}, "aggregate", own="important").level == "important"
    assert grade_derived({"a": "general", "b": "core"}, "fuse").level == "core"
    assert grade_derived({"a": "important"}, "copy").level == "important"
    assert grade_derived({"a": "core"}, "anonymise").level == "general"
    assert "Annex I" in agg.justification()["rule"]
    with pytest.raises(InputError, match="unknown transform.*'blend'"):
        grade_derived({"a": "core"}, "blend")


def test_fingerprint_changes_with_the_descriptions_only():
    a = fingerprint(MIXED)["mixed"]
    assert fingerprint(MIXED.iloc[::-1])["mixed"] == a  # row order does not matter
    assert fingerprint(MIXED.assign(scale=[31, 40, 40, 1]))["mixed"] != a
    assert fingerprint(pd.concat([MIXED, MIXED.iloc[[0]].assign(column="extra")]))["mixed"] != a
    assert len(a) == 16


def test_bad_hints_name_row_and_column():
    with pytest.raises(InputError, match="row 3, column 'precision'.*'firm'"):
        grade_columns(MIXED.assign(precision=["province", "firm", "person", "record"]))
    with pytest.raises(InputError, match="column 'subject'.*'people'"):
        grade_columns(MIXED.assign(subject=["people", None, None, None]))
    with pytest.raises(InputError, match="lack a column.*description"):
        grade_columns(MIXED.drop(columns="description"))


def test_rules_file_is_validated(tmp_path):
    text = load_rules().file or ""
    assert text == "gbt43697_2024.yaml"
    bad = tmp_path / "r.yaml"
    bad.write_text("code: x\nversion: '1'\n", encoding="utf-8")
    with pytest.raises(InputError, match="r.yaml: key 'name_zh'"):
        load_rules(str(bad))


def test_rules_are_data_a_changed_threshold_changes_the_grade(tmp_path):
    text = config_file("governance", "gbt43697_2024").read_text(encoding="utf-8")
    assert text.count("min_scale: 30\n") == 2
    mine = tmp_path / "strict.yaml"
    text = text.replace("min_scale: 30\n", "min_scale: 10\n").replace('version: "1.0.0"', 'version: "1.0.1"')
    mine.write_text(text, encoding="utf-8")
    strict = load_rules(str(mine))
    firm = MIXED.iloc[[1]]  # 12 firms
    assert grade_columns(firm).columns.iloc[0]["level"] == "general"
    g = grade_columns(firm, strict)
    assert (g.columns.iloc[0]["level"], g.rules_version) == ("important", "1.0.1")
