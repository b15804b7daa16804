"""The DCMM self-check (GB/T 36073-2018) runs on the existing maturity-model engine."""

import pandas as pd
import pytest

from industrial_brain.micro.model import list_models, load_model
from industrial_brain.micro.scoring import score_answers

USCC = "91330100MA27XK0T1W"


def _sheet(model, answer_of):
    row = {"uscc": USCC} | {q.code: answer_of(q) for q in model.questions}
    return pd.DataFrame([row])


def test_eight_areas_28_domains_five_levels():
    m = load_model("dcmm_gbt36073_2018")
    assert "dcmm_gbt36073_2018" in dict(list_models())
    assert m.dimension_codes == ("DS", "DG", "DA", "AP", "SE", "DQ", "ST", "LC")
    assert len(m.questions) == 28
    per_area = pd.Series([q.dimension for q in m.questions]).value_counts().to_dict()
    assert per_area == {"DS": 3, "DG": 3, "DA": 4, "AP": 3, "SE": 3, "DQ": 4, "ST": 4, "LC": 4}
    assert [lv.name_zh for lv in m.levels] == ["初始级", "受管理级", "稳健级", "量化管理级", "优化级"]


def test_scoring_by_hand():
    m = load_model("dcmm_gbt36073_2018")
    # every domain "robust" (C = 50): total 50, every area 50 → 稳健级 (L3)
    s = score_answers(m, _sheet(m, lambda q: "C"), sector_column=None, check_uscc=False).to_frame()
    assert s["total_score"].iat[0] == pytest.approx(50) and s["level"].iat[0] == "L3"
    # all "quantitatively managed" (D = 75) except data security at "initial" (A = 0): total
    # 7/8 × 75 = 65.625, one area 0 → below the L2 area floor (10): 初始级 (L1)
    s = score_answers(
        m, _sheet(m, lambda q: "A" if q.dimension == "SE" else "D"), sector_column=None, check_uscc=False
    ).to_frame()
    assert round(s["total_score"].iat[0], 3) == 65.625 and s["level"].iat[0] == "L1"
