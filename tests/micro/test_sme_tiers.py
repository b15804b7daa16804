"""SME tiers (优质中小企业梯度培育, MIIT 2022): hand-made firms passing, failing each check. SYNTHETIC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.micro.sme_tiers import evaluate_sme_tiers, innovative_points

#: A firm that passes every check of every tier (money in 万元).
GIANT = {
    "uscc": "G",
    "ip_level": "high_value_class1",
    "class1_ip_count": 3,
    "revenue_10k_cny": 20000.0,
    "revenue_prev_10k_cny": 18000.0,
    "rd_expenditure_10k_cny": 1200.0,
    "rd_expenditure_prev_10k_cny": 900.0,
    "main_revenue_10k_cny": 18000.0,
    "main_revenue_prev_10k_cny": 15500.0,
    "main_revenue_prev2_10k_cny": 15000.0,
    "debt_ratio": 0.4,
    "strategic_emerging": True,
    "years_in_niche": 6,
    "zjtx_points": 80,
    "has_rd_institution": True,
    "rd_staff_share": 0.2,
}


#: A firm of 1,000 万元 revenue growing 20 %, R&D 100 万元 (10 %).
SMALL_FIRM = {
    "revenue_10k_cny": 1000.0,
    "main_revenue_10k_cny": 900.0,
    "main_revenue_prev_10k_cny": 700.0,
    "main_revenue_prev2_10k_cny": 650.0,
    "rd_expenditure_10k_cny": 100.0,
}


def run(**change) -> tuple[pd.DataFrame, str]:
    r = evaluate_sme_tiers(pd.DataFrame([{**GIANT, **change}]))
    return r.checks.set_index("condition"), r.tiers.loc[0, "tier"]


def test_the_model_firm_passes_everything():
    checks, tier = run()
    assert tier == "little_giant"
    assert checks.loc["points_total", "value"] == 100
    failing = checks.loc[~checks["passed"].astype(bool)].index.tolist()
    # only the alternative routes a firm does not need fail
    assert set(failing) <= {
        "direct_equity_3y",
        "direct_other",
        "equity_2y",
        "equity_2y_route",
        "direct_award",
        "giant_small_equity",
        "giant_small_rd_total",
        "giant_small_rd_staff",
        "giant_direct",
    }


def test_innovative_points_bands():
    f = pd.DataFrame(
        [
            {
                **GIANT,
                "ip_level": "class2",
                "rd_expenditure_10k_cny": 400.0,  # 2 % -> 10
                "main_revenue_10k_cny": 12000.0,
                "main_revenue_prev_10k_cny": 12000.0,  # 0 % growth -> 5
                "debt_ratio": 0.75,
                "strategic_emerging": False,
            }
        ]
    )  # 75 % -> 5; other field 5
    p = innovative_points(f).iloc[0]
    # main share 12000/20000 = 60 % -> 15
    assert p[
        ["ip", "rd_share", "main_growth", "debt_ratio", "strategic_emerging", "main_share"]
    ].tolist() == [5, 10, 5, 5, 5, 15]
    assert (p["innovation"], p["growth"], p["specialisation"], p["total"]) == (15, 10, 20, 45)


def test_innovative_fails_on_points_and_passes_by_direct_route():
    low = {"ip_level": "none", "rd_expenditure_10k_cny": 100.0}  # 0 + 0.5 % -> 0 innovation points
    checks, tier = run(**low)
    assert not checks.loc["points_innovation", "passed"]
    assert checks.loc["points_innovation", "margin"] == -20
    assert checks.loc["points_total", "value"] == 60 and checks.loc["points_total", "passed"]
    assert tier == "none"
    checks, tier = run(**low, equity_financing_3y_10k_cny=500.0)  # 500 万元 is "500 万元以上"
    assert checks.loc["direct_equity_3y", "passed"] and checks.loc["qualifies"].iloc[0]["passed"]
    assert tier == "innovative"  # R&D 100/20000 = 0.5 % < 3 %: not 专精特新


@pytest.mark.parametrize(
    "change, condition, margin",
    [
        ({"years_in_niche": 1}, "years_in_niche", -1),
        ({**SMALL_FIRM, "rd_expenditure_10k_cny": 80.0}, "rd_amount", -20),
        ({"rd_expenditure_10k_cny": 500.0}, "rd_share", 500 / 20000 - 0.03),
        ({**SMALL_FIRM, "revenue_10k_cny": 900.0, "main_revenue_10k_cny": 800.0}, "revenue", -100),
        ({"zjtx_points": 55}, "zjtx_points", -5),
    ],
)
def test_specialised_conditions_fail_one_by_one(change, condition, margin):
    if condition == "zjtx_points":
        change = {
            **change,
            "rd_expenditure_10k_cny": 900.0,
            "rd_expenditure_prev_10k_cny": 800.0,
        }  # mean 850 < 1000
    checks, tier = run(**change)
    assert not checks.loc[condition, "passed"]
    assert checks.loc[condition, "margin"] == pytest.approx(margin)
    assert tier == "innovative"


def test_specialised_alternative_routes():
    # revenue under 1,000 万元 is made good by 2,000 万元 of new equity in two years
    small = {**SMALL_FIRM, "revenue_10k_cny": 900.0, "main_revenue_10k_cny": 800.0}
    assert run(**small, equity_financing_2y_10k_cny=2000.0)[1] == "specialised"
    # points under 60 are made good by two years' average R&D of 1,000 万元 or more
    checks, tier = run(zjtx_points=55)
    assert checks.loc["rd_mean_2y", "value"] == 1050 and tier == "little_giant"


@pytest.mark.parametrize(
    "change, condition",
    [
        ({"years_in_niche": 2}, "giant_years_in_niche"),
        (
            {
                "main_revenue_10k_cny": 13000.0,
                "main_revenue_prev_10k_cny": 11000.0,
                "main_revenue_prev2_10k_cny": 10500.0,
            },
            "giant_main_share",
        ),  # 65 %
        (
            {"main_revenue_prev_10k_cny": 17500.0, "main_revenue_prev2_10k_cny": 17500.0},
            "giant_main_growth_2y",
        ),
        ({"rd_expenditure_prev_10k_cny": 500.0}, "giant_rd_share_both_years"),  # 2.78 % < 3 %
        ({"has_rd_institution": False}, "giant_rd_institution"),
        ({"class1_ip_count": 1}, "giant_class1_ip"),
    ],
)
def test_little_giant_conditions_fail_one_by_one(change, condition):
    checks, tier = run(**change)
    assert not checks.loc[condition, "passed"]
    assert tier == "specialised"


def test_little_giant_rd_share_threshold_by_revenue():
    # revenue 5,000–10,000 万元: 6 % in both years
    mid = {
        "revenue_10k_cny": 8000.0,
        "revenue_prev_10k_cny": 7000.0,
        "main_revenue_10k_cny": 7200.0,
        "main_revenue_prev_10k_cny": 6400.0,
        "main_revenue_prev2_10k_cny": 6000.0,
    }
    checks, tier = run(**mid, rd_expenditure_10k_cny=480.0, rd_expenditure_prev_10k_cny=420.0)
    assert checks.loc["giant_rd_share_both_years", "threshold"] == 0.06
    assert checks.loc["giant_rd_share_both_years", "value"] == pytest.approx(0.06)
    assert tier == "little_giant"
    checks, tier = run(**mid, rd_expenditure_10k_cny=480.0, rd_expenditure_prev_10k_cny=400.0)
    assert checks.loc["giant_rd_share_both_years", "margin"] == pytest.approx(400 / 7000 - 0.06)
    assert tier == "specialised"


def test_little_giant_small_firm_route():
    small = {
        "revenue_10k_cny": 4000.0,
        "revenue_prev_10k_cny": 3600.0,
        "main_revenue_10k_cny": 3600.0,
        "main_revenue_prev_10k_cny": 3200.0,
        "main_revenue_prev2_10k_cny": 3000.0,
        "rd_expenditure_10k_cny": 1600.0,
        "rd_expenditure_prev_10k_cny": 1500.0,
    }
    checks, tier = run(**small, equity_financing_2y_10k_cny=8000.0, rd_staff_share=0.5)
    assert tier == "little_giant"
    checks, tier = run(**small, equity_financing_2y_10k_cny=8000.0, rd_staff_share=0.45)
    assert not checks.loc["giant_small_rd_staff", "passed"] and tier == "specialised"
    assert checks.loc["giant_small_rd_staff", "margin"] == pytest.approx(-0.05)


def test_missing_inputs_fail_with_nan_and_uscc_required():
    checks, tier = run(years_in_niche=np.nan)
    assert np.isnan(checks.loc["years_in_niche", "value"]) and not checks.loc["years_in_niche", "passed"]
    assert tier == "innovative"
    with pytest.raises(InputError, match="uscc"):
        evaluate_sme_tiers(pd.DataFrame([{"revenue_10k_cny": 1.0}]))
