"""Rule sets: the shipped defaults load and say why; a bad user file is one clear line."""

from __future__ import annotations

import pytest

from industrial_brain.errors import InputError
from industrial_brain.monitor import RULE_KINDS, load_rules, shipped_rule_sets


def test_the_defaults_cover_every_kind_and_say_why():
    rs = load_rules()
    assert "default" in shipped_rule_sets()
    assert {r.kind for r in rs.rules} == set(RULE_KINDS)
    for r in rs.rules:
        assert len(r.why.split()) >= 20, r.code  # a reason, not a label
        assert r.name_zh and r.name_en


GOOD = """
code: mine
rules:
  - code: gdp_drop
    kind: yoy_change
    name_zh: 下降
    name_en: falls
    why: a fall in GDP needs a look
    direction: below
    fire: -0.02
    clear: 0.0
"""


def test_a_user_file(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(GOOD, encoding="utf-8")
    rs = load_rules(p)
    assert rs.rule("gdp_drop").fire == -0.02 and rs.rule("gdp_drop").clear_after == 1
    with pytest.raises(InputError, match="unknown rule"):
        rs.rule("nope")


@pytest.mark.parametrize(
    "edit, message",
    [
        (("fire: -0.02", "fire: low"), "key 'rules[0].fire': Input should be a valid number"),
        (("clear: 0.0", "clear: -0.05"), "key 'rules[0]': clear (-0.05) must be >= fire (-0.02)"),
        (("kind: yoy_change", "kind: sometimes"), "key 'rules[0]': Input tag 'sometimes' found using 'kind'"),
        (("    why: a fall in GDP needs a look\n", ""), "key 'rules[0].why': Field required"),
        (("direction: below", "direction: below\n    colour: red"), "key 'rules[0].colour': Extra inputs"),
        (("code: gdp_drop", "code: GDP drop"), "key 'rules[0].code': String should match pattern"),
    ],
)
def test_bad_rules_name_file_and_key(tmp_path, edit, message):
    p = tmp_path / "bad.yaml"
    p.write_text(GOOD.replace(*edit), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rules(p)
    text = str(err.value)
    assert text.startswith(f"{p}: ") and message in text and "\n" not in text


def test_duplicate_codes_and_bad_yaml(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text(GOOD + GOOD.split("rules:\n", 1)[1], encoding="utf-8")
    with pytest.raises(InputError, match="rule code 'gdp_drop' appears twice"):
        load_rules(p)
    p.write_text("code: [x\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML at line 2"):
        load_rules(p)
    with pytest.raises(InputError, match="unknown alarm rule set"):
        load_rules("no_such_set")


def test_codes_written_as_numbers_are_codes(tmp_path):
    p = tmp_path / "groups.yaml"
    p.write_text(
        GOOD.replace(
            "kind: yoy_change", "kind: peer_zscore\n    peers: groups\n    groups: {east: [110000, 120000]}"
        ).replace("direction: below", "direction: below\n    scope: {regions: [420000]}"),
        encoding="utf-8",
    )
    r = load_rules(p).rule("gdp_drop")
    assert r.groups == {"east": ("110000", "120000")} and r.scope.regions == ("420000",)
