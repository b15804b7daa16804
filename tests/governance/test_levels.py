"""The level rules of GB/T 43697-2024 (6.5, Table 2) on every impact object × degree, by hand."""

import pytest

from industrial_brain.errors import InputError
from industrial_brain.governance import (
    IMPACT_DEGREES,
    IMPACT_OBJECTS,
    determine_level,
    general_sublevel,
    miit_level,
    strictest,
)

# Table 2 as read off the standard: one hand-written answer per cell (18 cases).
TABLE_2 = {
    ("national_security", "especially_serious"): "core",
    ("national_security", "serious"): "core",
    ("national_security", "general"): "important",
    ("economic_operation", "especially_serious"): "core",
    ("economic_operation", "serious"): "important",
    ("economic_operation", "general"): "general",
    ("social_order", "especially_serious"): "core",
    ("social_order", "serious"): "important",
    ("social_order", "general"): "general",
    ("public_interest", "especially_serious"): "core",
    ("public_interest", "serious"): "important",
    ("public_interest", "general"): "general",
    ("organisation", "especially_serious"): "general",
    ("organisation", "serious"): "general",
    ("organisation", "general"): "general",
    ("individual", "especially_serious"): "general",
    ("individual", "serious"): "general",
    ("individual", "general"): "general",
}


def test_table_has_every_cell():
    assert set(TABLE_2) == {(o, d) for o in IMPACT_OBJECTS for d in IMPACT_DEGREES}


@pytest.mark.parametrize(("impact_object", "impact_degree"), sorted(TABLE_2))
def test_determine_level(impact_object, impact_degree):
    assert determine_level(impact_object, impact_degree) == TABLE_2[(impact_object, impact_degree)]


def test_unknown_object_or_degree_is_one_clear_line():
    with pytest.raises(InputError, match="unknown impact object.*'nation'.*national_security"):
        determine_level("nation", "serious")
    with pytest.raises(InputError, match="unknown impact degree.*'severe'"):
        determine_level("individual", "severe")


def test_general_sublevels_and_miit():
    assert [
        general_sublevel(d) for d in ([], [None], ["general"], ["serious", "general"], ["especially_serious"])
    ] == [1, 1, 2, 3, 4]
    assert [miit_level(lv) for lv in ("general", "important", "core")] == ["一级", "二级", "三级"]
    assert strictest(["general", "core", "important"]) == "core"
