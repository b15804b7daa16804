"""The grading rules as data: the pydantic schema of ``config/governance/*.yaml`` and its loader.

A rule set holds the level-determination table of GB/T 43697-2024 (6.5, Table 2), general data's
sub-levels (Annex H), MIIT's three levels for industrial data (工业数据分类分级指南（试行）, ch. 3),
the classification vocabulary (5.1, 5.2; the MIIT guide's five domains, ch. 2), the impact rules of the
impact analysis (6.4) and the derived-data rules (Annex I). The shipped set is ``gbt43697_2024``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from industrial_brain._shared.config import config_source, load_config, require_mapping, yaml_path
from industrial_brain.errors import InputError

__all__ = [
    "IMPACT_OBJECTS",
    "IMPACT_DEGREES",
    "LEVELS",
    "DIMENSIONS",
    "FACTORS",
    "GradingRules",
    "load_rules",
    "parse_rules",
    "default_rules",
]

#: Impact objects of GB/T 43697-2024 6.4 (影响对象), in the order of Table 2.
IMPACT_OBJECTS = (
    "national_security",
    "economic_operation",
    "social_order",
    "public_interest",
    "organisation",
    "individual",
)
#: Impact degrees of 6.4 (影响程度), highest first.
IMPACT_DEGREES = ("especially_serious", "serious", "general")
#: Levels of 6.1, lowest first (the ``dataset.grade`` values).
LEVELS = ("general", "important", "core")
#: Classification dimensions (5.1 industry domain first, then the business attributes).
DIMENSIONS = ("industry_domain", "industrial_domain", "subject", "content", "use", "source")
#: Grading factors of 6.3 and the column attribute that carries each.
FACTORS = {
    "domain": "industry_domain",
    "group": "group",
    "region": "region",
    "precision": "precision",
    "scale": "scale",
    "depth": "depth",
    "coverage": "coverage",
    "importance": "importance",
}

Level = Literal["general", "important", "core"]
Object = Literal[
    "national_security", "economic_operation", "social_order", "public_interest", "organisation", "individual"
]
Degree = Literal["especially_serious", "serious", "general"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelRow(_Strict):
    object: Object
    especially_serious: Level
    serious: Level
    general: Level


class Category(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    name_zh: str
    name_en: str
    keywords: tuple[str, ...] = ()


class Dimension(_Strict):
    code: Literal["industry_domain", "industrial_domain", "subject", "content", "use", "source"]
    name_zh: str
    name_en: str
    clause: str
    default: str
    categories: tuple[Category, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_is_a_category(self) -> "Dimension":
        codes = [c.code for c in self.categories]
        if self.default not in codes:
            raise ValueError(f"default '{self.default}' is not one of the categories {codes}")
        return self


class Impact(_Strict):
    object: Object
    degree: Degree


class ImpactRule(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    name_en: str
    name_zh: str
    clause: str
    when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unless: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    min_scale: float | None = Field(default=None, ge=0)
    min_coverage: float | None = Field(default=None, ge=0, le=1)
    impacts: tuple[Impact, ...]


class DerivedRule(_Strict):
    transform: Literal["copy", "fuse", "aggregate", "anonymise"]
    shift: int = Field(ge=-2, le=0)
    name_en: str
    name_zh: str


_CONDITION_KEYS = set(DIMENSIONS) | {"group", "region", "precision", "depth", "importance"}


class GradingRules(_Strict):
    """One validated rule set (see ``config/governance/gbt43697_2024.yaml``)."""

    code: str
    version: str
    name_zh: str
    name_en: str
    levels: tuple[LevelRow, ...]
    general_sublevels: dict[Literal["none", "general", "serious", "especially_serious"], int]
    miit_levels: dict[Level, str]
    classification: tuple[Dimension, ...]
    factors: dict[str, str]
    importance_keywords: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    impact_rules: tuple[ImpactRule, ...]
    default_impact: Impact
    derived: tuple[DerivedRule, ...]
    file: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> "GradingRules":
        objects = [r.object for r in self.levels]
        if sorted(objects) != sorted(IMPACT_OBJECTS):
            raise ValueError(
                f"levels must have one row per impact object {list(IMPACT_OBJECTS)}; found {objects}"
            )
        dims = [d.code for d in self.classification]
        if sorted(dims) != sorted(DIMENSIONS):
            raise ValueError(f"classification must have the dimensions {list(DIMENSIONS)}; found {dims}")
        if set(self.general_sublevels) != {"none", "general", "serious", "especially_serious"}:
            raise ValueError("general_sublevels needs none, general, serious and especially_serious")
        if set(self.miit_levels) != set(LEVELS):
            raise ValueError(f"miit_levels needs one entry per level {list(LEVELS)}")
        for r in self.impact_rules:
            bad = (set(r.when) | set(r.unless)) - _CONDITION_KEYS
            if bad:
                raise ValueError(
                    f"rule {r.id}: unknown condition {sorted(bad)}; expected {sorted(_CONDITION_KEYS)}"
                )
        return self

    def table(self) -> dict[tuple[str, str], str]:
        """``(object, degree) → level`` of Table 2."""
        return {(r.object, d): getattr(r, d) for r in self.levels for d in IMPACT_DEGREES}

    def dimension(self, code: str) -> Dimension:
        """The classification dimension ``code``."""
        return next(d for d in self.classification if d.code == code)


def parse_rules(data, *, source: str | None = None) -> GradingRules:
    """Validate a parsed rule-set mapping; :class:`InputError` names the file and the YAML key.

    Examples
    --------
    >>> bad = default_rules().model_dump(mode="json"); bad["levels"] = bad["levels"][:5]
    >>> parse_rules(bad, source="x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    industrial_brain.errors.InputError: x.yaml: key '(top level)': levels must have one row per ...
    """
    data = require_mapping(
        data, "grading rule set", source, "keys code, levels, classification, impact_rules"
    )
    try:
        return GradingRules.model_validate({**dict(data), "file": source})
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        found = err.get("input")
        shown = (
            f" (found {found!r})" if isinstance(found, (str, int, float)) and err["type"] != "missing" else ""
        )
        raise InputError(f"{source}: key '{yaml_path(err['loc'])}': {msg}{shown}{more}") from None


def load_rules(name_or_path: str | os.PathLike = "gbt43697_2024") -> GradingRules:
    """Read a shipped rule set by name or a YAML file by path, validated.

    Examples
    --------
    >>> r = load_rules()
    >>> r.code, len(r.levels), r.miit_levels["important"]
    ('gbt43697_2024', 6, '二级')
    """
    data = load_config("governance", name_or_path)
    return parse_rules(data, source=config_source("governance", name_or_path))


@lru_cache(maxsize=1)
def default_rules() -> GradingRules:
    """The shipped rule set ``gbt43697_2024`` (read once)."""
    return load_rules("gbt43697_2024")
