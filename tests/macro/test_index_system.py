"""Index systems: YAML validation, user files, and the shipped defaults against the embedded data."""

import pandas as pd
import pytest
import yaml

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
    missing = [c for c in s.input_codes if c not in panel.columns]
    assert not missing, missing
    assert not s.flagged and not set(s.input_codes) & set(FLAGGED_CODES)
    # telecom volume has price-base breaks: never in a pooled default
    assert not {"telecom_volume", "postal_and_telecom_volume"} & set(s.input_codes)
    assert s.follows and s.absent_from_data  # names its source and what is missing
    # complete for all 31 provinces x 2013-2022, derived intensities included
    sub = s.derive_panel(panel)[s.indicator_codes]
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
    assert isinstance(df, pd.DataFrame) and df.loc["so2_per_grp", "direction"] == "-"


DEFAULTS = ["digital_economy", "real_economy", "new_quality_productive_forces"]


@pytest.mark.parametrize("name", DEFAULTS)
def test_every_default_indicator_names_its_published_counterpart(name):
    s = load_index_system(name)
    for i in s.indicators:
        assert len(i.published) > 10, f"{name}: {i.code} names no published counterpart"
        assert i.unit and i.name_zh and i.name_en, i.code
    # the published system is cited, and what it has that the data lack is listed
    assert "(20" in s.follows and len(s.absent_from_data) >= 3


@pytest.mark.parametrize("name", DEFAULTS)
def test_default_indicators_are_intensities_not_totals(name):
    # every indicator is a ratio (derived) or a panel series that is itself a share/per-capita value
    s = load_index_system(name)
    panel = provincial_panel()
    for i in s.indicators:
        if i.derive is None:
            assert panel[i.code].abs().max() < 100, f"{i.code} looks like a total, not an intensity"


def test_default_systems_are_disjoint():
    # coupling two indices that share an indicator (or an input) is mechanically inflated
    systems = {n: load_index_system(n) for n in DEFAULTS}
    for a in DEFAULTS:
        for b in DEFAULTS:
            if a < b:
                shared = set(systems[a].indicator_codes) & set(systems[b].indicator_codes)
                assert not shared, (a, b, shared)
                numerators = {i.derive.numerator if i.derive else i.code for i in systems[a].indicators}
                other = {i.derive.numerator if i.derive else i.code for i in systems[b].indicators}
                assert not numerators & other, (a, b, numerators & other)


def test_scale_variants_stay_as_named_alternatives():
    s = load_index_system("digital_economy_scale")
    assert s.code == "digital_economy_scale" and "digital_infra_fiber_length" in s.indicator_codes


def test_derived_indicator_by_hand():
    # fibre density of Beijing 2019: 391,947.3 km of cable / 16,410 km² of map area = 23.88 km/km²
    s = load_index_system("digital_economy")
    panel = provincial_panel()
    X = s.derive_panel(panel)
    v = X.loc[(110000, 2019), "fibre_density"]
    assert v == pytest.approx(391947.3 / 16410.3, rel=1e-3)
    # R&D intensity (%): internal R&D (10^4 CNY) / GRP (10^8 CNY) x 0.01
    row = panel.loc[(110000, 2019)]
    assert X.loc[(110000, 2019), "rd_intensity"] == pytest.approx(
        row["internal_rd_expenditure_10k_cny"] / row["grp_100m_cny"] / 100
    )


def test_derived_indicator_errors():
    bad = TOY.replace(
        '{code: x, direction: "+"}', '{code: x, direction: "+", derive: {numerator: x, denominator: z}}'
    )
    with pytest.raises(InputError, match="must not reuse"):
        load_index_system(yaml.safe_load(bad))
    ratio = '{code: x, direction: "+", derive: {numerator: a, denominator: b}}'
    s = load_index_system(yaml.safe_load(TOY.replace('{code: x, direction: "+"}', ratio)))
    with pytest.raises(InputError, match="column 'b'"):
        s.derive_panel(pd.DataFrame({"a": [1.0]}))
    out = s.derive_panel(pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 4.0]}))
    assert pd.isna(out["x"].iloc[0]) and out["x"].iloc[1] == 0.5  # zero denominator → missing
