"""Shared fixtures of the micro (enterprise assessment) tests. All data here is synthetic."""

from __future__ import annotations

import copy

import pytest

from industrial_brain.reference.uscc import uscc_check_char


def make_uscc(i: int, region: str = "330100") -> str:
    """A valid synthetic USCC for test row ``i``."""
    body = f"91{region}{i:08d}0"
    return body + uscc_check_char(body)


YN = [
    {"code": "N", "name_zh": "否", "name_en": "no", "score": 0},
    {"code": "P", "name_zh": "部分", "name_en": "partly", "score": 40},
    {"code": "Y", "name_zh": "是", "name_en": "yes", "score": 100},
]

#: A small hand-checkable model: two dimensions, three question types, four gated levels.
TINY = {
    "code": "tiny",
    "version": "1",
    "name_zh": "小模型",
    "name_en": "Tiny model",
    "dimensions": [
        {"code": "A", "name_zh": "甲", "name_en": "Alpha", "weight": 3},
        {"code": "B", "name_zh": "乙", "name_en": "Beta", "weight": 1},
    ],
    "questions": [
        {
            "code": "A1",
            "dimension": "A",
            "name_zh": "甲1",
            "name_en": "a1",
            "type": "single_choice",
            "weight": 1,
            "options": YN,
        },
        {
            "code": "A2",
            "dimension": "A",
            "name_zh": "甲2",
            "name_en": "a2",
            "type": "numeric",
            "weight": 3,
            "unit": "%",
            "min": 0,
            "max": 100,
            "bands": [
                {"min": 0, "max": 20, "score": 0},
                {"min": 20, "max": 60, "score": 50},
                {"min": 60, "max": 100, "score": 100},
            ],
        },
        {
            "code": "B1",
            "dimension": "B",
            "name_zh": "乙1",
            "name_en": "b1",
            "type": "multiple_choice",
            "weight": 1,
            "options": [
                {"code": "X", "name_zh": "x", "name_en": "x", "score": 30},
                {"code": "Y", "name_zh": "y", "name_en": "y", "score": 50},
                {"code": "Z", "name_zh": "z", "name_en": "z", "score": 40},
            ],
        },
        {
            "code": "B2",
            "dimension": "B",
            "name_zh": "乙2",
            "name_en": "b2",
            "type": "single_choice",
            "weight": 1,
            "required": False,
            "options": YN,
        },
    ],
    "levels": [
        {"code": "L1", "name_zh": "一", "name_en": "1", "min_total": 10},
        {"code": "L2", "name_zh": "二", "name_en": "2", "min_total": 40},
        {"code": "L3", "name_zh": "三", "name_en": "3", "min_total": 60, "min_each_dimension": 40},
        {
            "code": "L4",
            "name_zh": "四",
            "name_en": "4",
            "min_total": 75,
            "min_each_dimension": 50,
            "min_question": {"A1": 100},
        },
    ],
    "unrated": {"code": "L0", "name_zh": "未评级", "name_en": "unrated", "min_total": 0},
    "variants": [
        {
            "code": "heavy",
            "name_zh": "重",
            "name_en": "heavy",
            "sectors": ["Metallurgy"],
            "dimension_weights": {"B": 3},
            "question_weights": {"B2": 0},
            "extra_questions": [
                {
                    "code": "H1",
                    "dimension": "B",
                    "name_zh": "重1",
                    "name_en": "h1",
                    "type": "single_choice",
                    "options": YN,
                }
            ],
        },
    ],
    "actions": [
        {
            "code": "ACT_A1",
            "name_zh": "甲",
            "name_en": "do a1",
            "effort": 1,
            "effects": [{"question": "A1", "to": "Y"}],
        },
    ],
}


@pytest.fixture
def tiny_dict():
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny(tiny_dict):
    from industrial_brain.micro.model import model_from_dict

    return model_from_dict(tiny_dict)
