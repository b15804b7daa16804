"""Shared by the service tests: one yoy rule (the shipped contraction rule on GRP only) and the panel."""

from industrial_brain.monitor import parse_rules

GRP = "gdp_three_sectors_2010_2022"
CONTRACTION = parse_rules(
    {
        "code": "t",
        "rules": [
            {
                "code": "gdp_contraction",
                "kind": "yoy_change",
                "name_zh": "生产总值下降",
                "name_en": "GDP contracts",
                "why": "a fall of more than one per cent in a year needs a look",
                "scope": {"indicators": ["grp_100m_cny"]},
                "direction": "below",
                "fire": -0.01,
                "clear": 0.0,
            }
        ],
    }
)
