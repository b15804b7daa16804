"""Index systems: YAML validation, user files, and the shipped defaults against the embedded data."""

import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.macro.index_system import FLAGGED_CODES, default_index_systems, load_index_system

from _index_data import provincial_panel

TOY = """
code: toy
follows: synthetic example
weighting: equal
dimensions:
  - code: D1
    indicators:
      - {code: x, direction: "+"}
      - {code: y, direction: "-"}
"""


def test_defaults_present_and_valid():
    names = default_index_systems()
    assert {"digital_economy", "real_economy", "new_quality_productive_forces"} <= set(names)
    de = load_index_system("digital_economy")
    assert [d.code for d in de.dimensions] == [
        "digital_infrastructure",
        "digital_industrialisation",
        "industrial_digitalisation",
        "digital_innovation",
    ]
    nq = load_index_system("new_quality_productive_forces")
    assert [d.code for d in nq.dimensions] == ["labour_force", "means_of_labour", "objects_of_labour"]


@pytest.mark.parametrize("name", ["digital_economy", "real_economy", "new_quality_productive_forces"])
def test_defaults_map_to_embedded_data(name):
    s = load_index_system(name)
    panel = provincial_panel()
    missing = [c for c in s.indicator_codes if c not in panel.columns]
    assert not missing, missing
    assert not s.flagged and not set(s.indicator_codes) & set(FLAGGED_CODES)
    # telecom volume has price-base breaks: never in a pooled default
    assert not {"telecom_volume", "postal_and_telecom_volume"} & set(s.indicator_codes)
    assert s.follows and s.absent_from_data  # names its source and what is missing
    # complete for all 31 provinces x 2013-2022
    sub = panel[s.indicator_codes]
    assert sub.notna().all().all() and sub.index.get_level_values(0).nunique() == 31


def test_user_file(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    s = load_index_system(p)
    assert s.directions == {"x": "+", "y": "-"} and s.structure == {"D1": ["x", "y"]}
    assert load_index_system(str(p)).code == "toy"


@pytest.mark.parametrize(
    "text, match",
    [
        (TOY.replace('direction: "-"', 'direction: "down"'), "direction"),
        (TOY.replace("follows: synthetic example\n", ""), "follows"),
        (TOY.replace("code: y", "code: x"), "appears in dimensions"),
        (TOY.replace("weighting: equal", "weighting: magic"), "weighting"),
        (TOY + "  - code: D1\n    indicators: [{code: z, direction: '+'}]\n", "appears twice"),
        (
            TOY.replace('{code: x, direction: "+"}', '{code: x, direction: "+", weight: 0.5}'),
            "every indicator",
        ),
        ("code: [unclosed", "invalid YAML"),
        ("- a\n- b\n", "mapping"),
    ],
)
def test_invalid_files(tmp_path, text, match):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as e:
        load_index_system(p)
    assert "bad.yaml" in str(e.value) and "\n" not in str(e.value)


def test_explicit_weights_need_within_scope():
    d = {
        "code": "t",
        "follows": "x",
        "dimensions": [
            {
                "code": "D",
                "indicators": [
                    {"code": "x", "direction": "+", "weight": 0.4},
                    {"code": "y", "direction": "+", "weight": 0.6},
                ],
            }
        ],
    }
    with pytest.raises(InputError, match="weight_scope"):
        load_index_system(d)
    assert load_index_system({**d, "weight_scope": "within"}).indicators[0].weight == 0.4


def test_unknown_name():
    with pytest.raises(InputError, match="not found"):
        load_index_system("no_such_system")


def test_to_frame():
    df = load_index_system("real_economy").to_frame()
    assert isinstance(df, pd.DataFrame) and df.loc["so2_emissions_10k_t", "direction"] == "-"
