"""Level determination: impact object × impact degree → core / important / general.

GB/T 43697-2024 6.5, Table 2 (数据级别确定规则表), read from the rule set (``levels:``):

====================  ====================  ==========  ==========
impact object         especially serious    serious     general
====================  ====================  ==========  ==========
national security     core                  core        important
economic operation    core                  important   general
social order          core                  important   general
public interest       core                  important   general
organisation rights   general               general     general
individual rights     general               general     general
====================  ====================  ==========  ==========

Harm only to an organisation's or a person's own rights keeps data general, however serious; general
data is then split by that harm into the four sub-levels used in practice (Annex H, informative:
1 = no harm … 4 = especially serious harm). Several impacts — of one column, or of the columns of a
mixed dataset — give the highest level ("就高从严", 6.6). MIIT's guide for industrial data names the
same three levels 一级 / 二级 / 三级 (工业数据分类分级指南（试行）, 工信厅信发〔2020〕6号, ch. 3).
"""

from __future__ import annotations

from collections.abc import Iterable

from industrial_brain.errors import InputError
from industrial_brain.governance.rules import (
    IMPACT_DEGREES,
    IMPACT_OBJECTS,
    LEVELS,
    GradingRules,
    default_rules,
)

__all__ = ["determine_level", "general_sublevel", "miit_level", "strictest", "shift_level"]


def _check(value: str, allowed: tuple[str, ...], column: str) -> None:
    if value not in allowed:
        raise InputError.at(
            f"unknown {column.replace('_', ' ')}", column=column, value=value, expected=" | ".join(allowed)
        )


def determine_level(impact_object: str, impact_degree: str, rules: GradingRules | None = None) -> str:
    """The data level of one impact: GB/T 43697-2024 6.5, Table 2.

    Parameters
    ----------
    impact_object : national_security | economic_operation | social_order | public_interest |
        organisation | individual
    impact_degree : especially_serious | serious | general
    rules : a rule set (default: the shipped ``gbt43697_2024``)

    Returns
    -------
    str
        ``core``, ``important`` or ``general``.

    Notes
    -----
    level = Table2[object, degree]; any harm to national security is at least important and serious
    harm to it core; especially serious harm to the economy, social order or public interest is core.

    References
    ----------
    GB/T 43697-2024 《数据安全技术 数据分类分级规则》, 6.4 (影响对象, 影响程度) and 6.5 Table 2.

    Examples
    --------
    >>> determine_level("national_security", "serious"), determine_level("economic_operation", "serious")
    ('core', 'important')
    >>> determine_level("organisation", "especially_serious")
    'general'
    """
    _check(impact_object, IMPACT_OBJECTS, "impact_object")
    _check(impact_degree, IMPACT_DEGREES, "impact_degree")
    return (rules or default_rules()).table()[(impact_object, impact_degree)]


def general_sublevel(degrees: Iterable[str | None], rules: GradingRules | None = None) -> int:
    """General data's sub-level (一般 1–4) from the harms to organisations' or individuals' rights.

    ``None`` (or no degree at all) is no harm: sub-level 1, data that may be made public.

    Notes
    -----
    sub-level = max over the harms of ``general_sublevels[degree]`` (none 1, general 2, serious 3,
    especially serious 4).

    References
    ----------
    GB/T 43697-2024 Annex H (一般数据分级参考, informative).

    Examples
    --------
    >>> general_sublevel([]), general_sublevel(["general", "serious"])
    (1, 3)
    >>> general_sublevel(["especially_serious"])
    4
    """
    table = (rules or default_rules()).general_sublevels
    out = table["none"]
    for d in degrees:
        key = "none" if d is None else d
        if key not in table:
            _check(key, IMPACT_DEGREES, "impact_degree")
        out = max(out, table[key])
    return out


def miit_level(level: str, rules: GradingRules | None = None) -> str:
    """MIIT's level of industrial data beside the national level (general 一级, important 二级, core 三级).

    References
    ----------
    工业数据分类分级指南（试行）(工信厅信发〔2020〕6号), ch. 3.

    Examples
    --------
    >>> miit_level("core")
    '三级'
    """
    _check(level, LEVELS, "level")
    return (rules or default_rules()).miit_levels[level]


def strictest(levels: Iterable[str]) -> str:
    """The highest of ``levels`` ("就高从严", GB/T 43697-2024 6.6); ``general`` for none.

    Examples
    --------
    >>> strictest(["general", "important", "general"]), strictest([])
    ('important', 'general')
    """
    out = 0
    for lv in levels:
        _check(lv, LEVELS, "level")
        out = max(out, LEVELS.index(lv))
    return LEVELS[out]


def shift_level(level: str, shift: int) -> str:
    """``level`` moved ``shift`` steps (negative: down), kept within general … core.

    Examples
    --------
    >>> shift_level("important", -1), shift_level("general", -2), shift_level("core", -1)
    ('general', 'general', 'important')
    """
    _check(level, LEVELS, "level")
    return LEVELS[min(max(LEVELS.index(level) + shift, 0), len(LEVELS) - 1)]
