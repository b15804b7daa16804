"""Per-mu evaluation (亩均效益): hand-scored firms under each shipped rule. All firms are SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from industrial_brain.errors import InputError
from industrial_brain.micro.per_mu import (
    evaluate_per_mu,
    lift_a_class,
    price_adjustments,
    rollup,
)
from industrial_brain.micro.per_mu_rules import load_per_mu_rules, parse_per_mu_rules, shipped_per_mu_rules

LINHAI = load_per_mu_rules("linhai")
ZJ = load_per_mu_rules("zhejiang_2018")

#: A Linhai firm of 10 mu exactly at every benchmark: 40 + 10 + 20 + 15 + 5 + 10 = 100 points.
AT_BENCHMARK = {
    "uscc": "F1",
    "year": 2023,
    "county": "331082",
    "sector": "C34",
    "land_mu": 10.0,
    "tax_10k_cny": 150.0,
    "revenue_10k_cny": 3000.0,
    "value_added_10k_cny": 600.0,
    "energy_tce": 200.0,
    "cod_t": 1.2,
    "so2_t": 0.5,
    "water_t": 6000.0,
    "employees": 40.0,
    "electricity_kwh": 1e6,
    "rd_expenditure_10k_cny": 90.0,
}


def firms(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**AT_BENCHMARK, **r} for r in rows])


def test_shipped_rules():
    assert shipped_per_mu_rules() == ["linhai", "zhejiang_2018"]
    large, small = LINHAI.branches
    assert [(i.name_zh, i.benchmark, i.weight) for i in large.indicators] == [
        ("亩均税收", 15, 40),
        ("亩均销售收入", 300, 10),
        ("单位能耗工业增加值", 3, 20),
        ("单位COD工业增加值", 500, 15),
        ("单位用水工业增加值", 0.1, 5),
        ("全员劳动生产率", 15, 10),
    ]
    assert [(i.name_zh, i.weight) for i in small.indicators] == [
        ("亩均税收", 50),
        ("亩均销售收入", 20),
        ("单位电耗税收", 30),
    ]
    assert small.indicators[2].benchmark == 2 and small.indicators[2].unit == "元/度"
    assert sum(i.weight for i in ZJ.branches[0].indicators) == 100 and len(ZJ.branches[0].indicators) == 6
    assert "浙政发〔2018〕5号" in ZJ.source and ZJ.notes


def test_linhai_large_inside_caps():
    r = evaluate_per_mu(firms({}, {"uscc": "F2", "tax_10k_cny": 75.0}), LINHAI)
    s = r.scores.set_index("uscc")
    assert s.loc["F1", "score"] == pytest.approx(100.0) and s.loc["F1", "class"] == "A"
    # half the tax: 亩均税收 20 of 40 points
    assert s.loc["F2", "score__tax_per_mu"] == pytest.approx(20.0)
    assert s.loc["F2", "score"] == pytest.approx(80.0) and s.loc["F2", "class"] == "B"
    assert s.loc["F1", "contribution__tax_per_mu"] == pytest.approx(0.4)
    assert s.loc["F1", "branch"] == "ge3mu" and s.loc["F2", "rank"] == 2


def test_linhai_at_caps():
    # every output doubled: each indicator at 2 x weight, capped at 1.5 x: 150 points
    doubled = {c: 2 * AT_BENCHMARK[c] for c in ("tax_10k_cny", "revenue_10k_cny", "value_added_10k_cny")}
    r = evaluate_per_mu(firms(doubled), LINHAI)
    assert r.scores.loc[0, "score"] == pytest.approx(150.0)
    assert r.scores.loc[0, "value__tax_per_mu"] == pytest.approx(30.0)
    assert r.scores.loc[0, "score__tax_per_mu"] == pytest.approx(60.0)
    # zero COD: the best value, scored at the cap (22.5)
    r = evaluate_per_mu(firms({"cod_t": 0.0}), LINHAI)
    assert r.scores.loc[0, "score__va_per_cod"] == pytest.approx(22.5)
    assert r.scores.loc[0, "score"] == pytest.approx(107.5)


def test_linhai_size_branches():
    # 3 mu exactly is 'three mu or more'; 2 mu takes the small-firm rule
    # (亩均税收 50, 销售收入 20, 电耗税收 30)
    r = evaluate_per_mu(
        firms(
            {"uscc": "E", "land_mu": 3.0},
            {
                "uscc": "S",
                "land_mu": 2.0,
                "tax_10k_cny": 20.0,
                "revenue_10k_cny": 400.0,
                "electricity_kwh": 200_000.0,
            },
        ),
        LINHAI,
    )
    s = r.scores.set_index("uscc")
    assert s.loc["E", "branch"] == "ge3mu" and s.loc["S", "branch"] == "lt3mu"
    # 50·10/15 + 20·200/300 + 30·1/2
    assert s.loc["S", "score"] == pytest.approx(50 * 10 / 15 + 20 * 200 / 300 + 15)
    assert np.isnan(s.loc["S", "score__va_per_cod"]) and np.isnan(s.loc["E", "score__tax_per_kwh"])


def test_missing_inputs_refused_or_zero():
    f = firms({}, {"uscc": "M", "cod_t": np.nan})
    with pytest.raises(
        InputError, match=r"f.csv: row 3, column 'cod_t': missing input for indicator va_per_cod"
    ):
        evaluate_per_mu(f, LINHAI, source="f.csv")
    # Zhejiang counts an empty R&D expenditure as zero; the other five indicators as usual
    r = evaluate_per_mu(firms({"rd_expenditure_10k_cny": np.nan}), ZJ)
    assert r.scores.loc[0, "score__rd_share"] == 0.0
    assert r.scores.loc[0, "score"] == pytest.approx(22.5 + 12 + 6 + 22.5 + 15 * (600 / 1.7) / 500)


def test_zhejiang_hand_scored():
    r = evaluate_per_mu(firms({}), ZJ)
    row = r.scores.iloc[0]
    # 30·15/20, 20·60/100, 10·15/25, min(15·3/1.5, 22.5), 15·(600/1.7)/500, 10·3/3
    expected = [22.5, 12.0, 6.0, 22.5, 15 * 600 / 1.7 / 500, 10.0]
    got = [row[f"score__{i.code}"] for i in ZJ.branches[0].indicators]
    assert got == pytest.approx(expected)
    assert row["score"] == pytest.approx(sum(expected))
    # a services firm is outside the above-scale industrial rule
    r = evaluate_per_mu(
        firms({}, {"uscc": "SV", "firm_type": "services"}).assign(firm_type=["industrial_above", "services"]),
        ZJ,
    )
    assert r.scores["uscc"].tolist() == ["F1"] and r.not_evaluated["uscc"].tolist() == ["SV"]


def test_class_cutoffs_by_score():
    scores = {"a": 100.0, "b": 99.99, "c": 70.0, "d": 40.0, "e": 39.9}
    # every output scaled by v/100: every indicator, and the total, scale with it (below the caps)
    rows = [
        {
            "uscc": k,
            **{
                c: AT_BENCHMARK[c] * v / 100
                for c in ("tax_10k_cny", "revenue_10k_cny", "value_added_10k_cny")
            },
        }
        for k, v in scores.items()
    ]
    r = evaluate_per_mu(firms(*rows), LINHAI)
    assert r.scores["score"].tolist() == pytest.approx(list(scores.values()))
    assert r.scores["class"].tolist() == ["A", "B", "B", "C", "D"]


def test_class_cutoffs_by_percentile_within_county_and_sector():
    rows = [{"uscc": f"P{i}", "tax_10k_cny": 10.0 * (i + 1)} for i in range(20)]
    rows += [{"uscc": f"Q{i}", "county": "330102", "tax_10k_cny": 1.0 + i} for i in range(5)]
    r = evaluate_per_mu(firms(*rows), ZJ).scores.set_index("uscc")
    cls = "".join(r.loc[[f"P{i}" for i in range(19, -1, -1)], "class"])
    assert cls == "AAAA" + "B" * 10 + "CCCCC" + "D"
    # the other county is classed among its own 5 firms: q = 0, .2, .4, .6, .8
    assert "".join(r.loc[[f"Q{i}" for i in range(4, -1, -1)], "class"]) == "ABBBC"
    assert r.loc["Q4", "rank"] == 1 and r.loc["Q4", "group_size"] == 5
    # ties take the better class: the 4th and 5th best tied both rank 4, both A
    rows[15]["tax_10k_cny"] = rows[16]["tax_10k_cny"]
    r = evaluate_per_mu(firms(*rows), ZJ).scores.set_index("uscc")
    assert r.loc["P15", "rank"] == r.loc["P16", "rank"] == 4
    assert r.loc["P15", "class"] == r.loc["P16", "class"] == "A"


def test_class_change_year_on_year():
    f = firms(
        {"uscc": "X", "year": 2022, "tax_10k_cny": 30.0},
        {"uscc": "X", "year": 2023, "tax_10k_cny": 150.0},
        {"uscc": "N", "year": 2023},
        {"uscc": "Y", "year": 2022},
        {"uscc": "Y", "year": 2023, "tax_10k_cny": 75.0},
    )
    r = evaluate_per_mu(f, LINHAI, year=2023)
    s = r.scores.set_index("uscc")
    assert list(s.index) == ["X", "N", "Y"]
    assert s.loc["X", "prev_class"] == "C" and s.loc["X", "class"] == "A" and s.loc["X", "class_change"] == 2
    assert s.loc["Y", "class_change"] == -1 and s.loc["Y", "class"] == "B"
    assert np.isnan(s.loc["N", "class_change"]) and pd.isna(s.loc["N", "prev_class"])


def test_price_table_lookup():
    f = firms(
        {"uscc": "A"},
        {
            "uscc": "D",
            "tax_10k_cny": 0.0,
            "value_added_10k_cny": 50.0,
            "revenue_10k_cny": 100.0,
            "electricity_kwh": 2e6,
            "water_t": 1e4,
        },
    )
    r = evaluate_per_mu(f, LINHAI)
    assert r.scores["class"].tolist() == ["A", "D"]
    p = price_adjustments(r).set_index(["uscc", "factor"])
    assert p.loc[("D", "electricity"), "adjustment"] == 0.1
    assert p.loc[("D", "electricity"), "extra_cost_10k_cny"] == pytest.approx(20.0)  # 0.1 元 x 2e6 kWh
    assert p.loc[("D", "water"), "extra_cost_10k_cny"] == pytest.approx(1.0)  # 1 元 x 10,000 t
    assert p.loc[("A", "land_use_tax"), "adjustment"] == -1.0
    assert np.isnan(p.loc[("A", "land_use_tax"), "extra_cost_10k_cny"])


SMALL = {"uscc": "S", "land_mu": 2.0, "tax_10k_cny": 20.0, "revenue_10k_cny": 400.0}


def test_lift_a_class_hand_case():
    # 33.33 + 13.33 + 37.5 (tax/kWh 2.5) = 84.17, class B; A needs 100.
    r = evaluate_per_mu(firms({**SMALL, "electricity_kwh": 80_000.0}), LINHAI)
    assert r.scores.loc[0, "class"] == "B"
    lift = lift_a_class(r, "S", 2023).set_index("column")
    # tax 20 -> 24: both indicators rise (1.667 + 1.875 per 万元) until tax/kWh caps at 45 points;
    # then 亩均税收 alone: 14.17 + 1.667 x 1 = 15.83 -> 25 万元
    assert lift.loc["tax_10k_cny", "needed"] == pytest.approx(25.0)
    assert lift.loc["tax_10k_cny", "target_class"] == "A"
    # land (a denominator): 93.33/L + 37.5 ... both land indicators: (66.67 + 26.67)/L + 37.5 = 100
    assert lift.loc["land_mu", "needed"] == pytest.approx(93.3333333 / 62.5)
    assert lift.loc["land_mu", "change"] < 0
    # electricity: tax/kWh is capped at 45 points, 7.5 short of the 15.83 needed: unreachable
    assert not lift.loc["electricity_kwh", "reachable"]
    # revenue: 20·(R/2)/300 points, 15.83 more -> R = 400 + 15.83·30
    assert lift.loc["revenue_10k_cny", "needed"] == pytest.approx(400 + (100 - 84.1666667) * 30)
    # the lifted firm reaches the target exactly
    lifted = evaluate_per_mu(firms({**SMALL, "electricity_kwh": 80_000.0, "tax_10k_cny": 25.0}), LINHAI)
    assert lifted.scores.loc[0, "score"] == pytest.approx(100.0) and lifted.scores.loc[0, "class"] == "A"


def test_lift_respects_cap_already_reached():
    # tax/kWh 4 is already capped (45): only 亩均税收 answers to tax, 1.667 points per 万元
    r = evaluate_per_mu(firms({**SMALL, "electricity_kwh": 50_000.0}), LINHAI)
    lift = lift_a_class(r, "S", 2023).set_index("column")
    assert lift.loc["tax_10k_cny", "needed"] == pytest.approx(25.0)
    assert lift_a_class(evaluate_per_mu(firms({}), LINHAI), "F1", 2023).empty  # already class A


def test_lift_percentile_target_is_the_next_class_floor():
    rows = [{"uscc": f"P{i}", "tax_10k_cny": 10.0 * (i + 1)} for i in range(10)]
    r = evaluate_per_mu(firms(*rows), ZJ)
    s = r.scores.set_index("uscc")
    lift = lift_a_class(r, "P5", 2023)
    assert (s.loc["P5", "class"], lift["target_class"].iloc[0]) == ("B", "A")
    assert lift["target_score"].iloc[0] == pytest.approx(s.loc["P8", "score"])  # the lowest A of the group
    # tax raises 亩均税收 only (30 / (20·10) points per 万元): from 60 to P8's 90 万元
    assert lift.set_index("column").loc["tax_10k_cny", "needed"] == pytest.approx(90.0)


def test_rollups_and_suppression():
    rows = [{"uscc": f"A{i}", "tax_10k_cny": 150.0 + 10 * i} for i in range(4)]
    rows += [{"uscc": "B0", "county": "330102", "sector": "C26"}]
    r = evaluate_per_mu(firms(*rows), LINHAI)
    county = rollup(r, "county", k=3).set_index("county")
    assert county.loc["331082", "n_firms"] == 4
    assert county.loc["331082", "tax_per_mu"] == pytest.approx((600 + 60) / 40)
    assert county.loc["331082", "va_per_mu"] == pytest.approx(60.0)
    assert county.loc["331082", "share_A"] == 1.0
    assert county.loc["330102", "suppressed"] and np.isnan(county.loc["330102", "tax_per_mu"])
    prov = rollup(r, "province", k=3).set_index("province")
    assert prov.loc["330000", "n_firms"] == 5 and not prov.loc["330000", "suppressed"]
    # the hook marks more cells (here: any cell whose largest firm pays over half the tax)
    hooked = rollup(r, "sector", k=1, suppress=lambda t: t["sector"] == "C34")
    assert hooked.set_index("sector")["suppressed"].to_dict() == {"C26": False, "C34": True}
    with pytest.raises(InputError, match="grouping column"):
        rollup(r, "town")


def test_bad_rule_files_one_line(tmp_path):
    data = LINHAI.model_dump(mode="json")
    data["branches"][0]["indicators"][0]["numerator"] = ["profit"]
    with pytest.raises(
        InputError, match=r"^x.yaml: key 'branches\[0\].indicators\[0\].numerator': unknown account"
    ):
        parse_per_mu_rules(data, source="x.yaml")
    data = LINHAI.model_dump(mode="json")
    data["classes"]["cuts"] = {"A": 40, "B": 70, "C": 100}
    with pytest.raises(InputError, match="score cuts must fall"):
        parse_per_mu_rules(data, source="x.yaml")
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump({**LINHAI.model_dump(mode="json"), "code": "mine"}), encoding="utf-8")
    assert load_per_mu_rules(p).code == "mine"
    with pytest.raises(InputError, match="unknown per-mu rule set"):
        load_per_mu_rules("nowhere")
    assert LINHAI.in_force(2023) and not LINHAI.in_force(2017)


def test_labels_switch_with_the_language_and_summary_reads():
    r = evaluate_per_mu(firms({}, {"uscc": "F2", "tax_10k_cny": 75.0}), LINHAI)
    zh = r.to_frame(lang="zh")
    assert {"统一社会信用代码", "得分", "类别", "排名"} <= set(zh.columns)
    assert zh["类别"].tolist() == ["A", "B"]  # codes never change
    assert r.indicator_frame(lang="zh")["指标"].iloc[0] == "亩均税收"
    text = r.summary(lang="zh")
    assert "亩均效益综合评价" in text and "A类占比" in text and "50.0%" in text


def test_lift_through_a_summed_denominator():
    # Zhejiang with score classes (A >= 90): the firm at the benchmarks scores 83.59, class B
    data = ZJ.model_dump(mode="json")
    data["classes"] = {"method": "score", "cuts": {"A": 90, "B": 70, "C": 40}}
    rules = parse_per_mu_rules(data)
    r = evaluate_per_mu(firms({}), rules)
    assert r.scores.loc[0, "class"] == "B"
    lift = lift_a_class(r, "F1", 2023).set_index("column")
    # 单位排放增加值 = 15·600/((COD + 0.5)·500) = 18/(COD + 0.5) points; 6.41 more -> COD + 0.5 = 18/17.0
    gap = 90 - r.scores.loc[0, "score"]
    assert lift.loc["cod_t", "needed"] == pytest.approx(18 / (18 / 1.7 + gap) - 0.5)
    # SO2 alone would have to fall below zero (COD is 1.2 > 1.059): not reachable
    assert not lift.loc["so2_t", "reachable"] and np.isnan(lift.loc["so2_t", "needed"])
    # 单位能耗增加值 is at its cap already: less energy cannot help
    assert not lift.loc["energy_tce", "reachable"]
    lifted = evaluate_per_mu(firms({"cod_t": lift.loc["cod_t", "needed"]}), rules)
    assert lifted.scores.loc[0, "score"] == pytest.approx(90.0)


def test_lift_says_why_not():
    r = evaluate_per_mu(firms({**SMALL, "electricity_kwh": 80_000.0}), LINHAI)
    lift = lift_a_class(r, "S", 2023).set_index("column")
    assert lift.loc["electricity_kwh", "why_not"].startswith("its indicators reach their caps")
    assert lift.loc["tax_10k_cny", "why_not"] == ""


def test_years_outside_the_rule_are_noted():
    r = evaluate_per_mu(firms({"year": 2016}, {"uscc": "F2"}), LINHAI)
    assert r.notes == ("rule linhai v2018.1 is in force from 2018-01-01; applied anyway to 2016",)
    assert evaluate_per_mu(firms({}), LINHAI).notes == ()
