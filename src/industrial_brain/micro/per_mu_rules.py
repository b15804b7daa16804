"""Rules of the per-mu efficiency evaluation (亩均效益综合评价) as data: YAML under ``config/per_mu_rules``.

A rule set names its source, version and effective dates, then one or more **branches** (by firm type
and land size, e.g. 3 mu or more vs smaller), each with its **indicators**. An indicator is a ratio over
the annual-account columns (issue 18's contract, :data:`ACCOUNT_COLUMNS`)

.. math:: v = s \\cdot \\frac{\\sum_{c \\in \\text{num}} x_c}{\\sum_{c \\in \\text{den}} x_c}

with a scale :math:`s` (unit conversion), a benchmark :math:`b`, a weight :math:`w`, an optional cap
:math:`\\kappa` and floor :math:`\\phi` (multiples of the weight); its score is
:math:`\\min(\\kappa w, \\max(\\phi w, w\\, v / b))`. The **classes** A–D are cut by score or by
percentile of the score within groups (county and sector), and a **pricing** table gives the
differentiated factor price adjustments per class.

The models are pydantic (validation with one-line :class:`~industrial_brain.errors.InputError`
messages naming the file and the key), as the monitoring rules are (:mod:`industrial_brain.monitor.rules`).

References
----------
浙江省人民政府《关于深化"亩均论英雄"改革的指导意见》, 浙政发〔2018〕5号 (2018-01).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from industrial_brain._shared.config import (
    config_source,
    list_configs,
    load_config,
    require_mapping,
    yaml_path,
)
from industrial_brain.errors import InputError

__all__ = [
    "ACCOUNT_COLUMNS",
    "CLASSES",
    "Indicator",
    "Branch",
    "ClassRule",
    "PriceRow",
    "PerMuRules",
    "parse_per_mu_rules",
    "load_per_mu_rules",
    "shipped_per_mu_rules",
]

#: The annual-account columns of issue 18's contract (units in the names: 万元, t, tce, kWh, mu).
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "uscc",
    "year",
    "land_mu",
    "tax_10k_cny",
    "revenue_10k_cny",
    "value_added_10k_cny",
    "employees",
    "energy_tce",
    "electricity_kwh",
    "water_t",
    "cod_t",
    "so2_t",
    "rd_expenditure_10k_cny",
    "invention_patents",
    "net_profit_10k_cny",
)
_NUMERIC = ACCOUNT_COLUMNS[2:]
#: The classes, best first.
CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
_KIND = "per_mu_rules"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Model):
    """One indicator: ``scale · Σ numerator / Σ denominator``, scored ``value / benchmark × weight``.

    ``cap`` and ``floor`` are multiples of the weight (``cap: 1.5`` = at most 1.5 × weight points);
    ``missing``: ``refuse`` (an empty input is an error) or ``zero`` (the indicator scores 0).
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    numerator: tuple[str, ...] = Field(min_length=1)
    denominator: tuple[str, ...] = Field(min_length=1)
    scale: float = Field(1.0, gt=0)
    unit: str
    benchmark: float = Field(gt=0)
    weight: float = Field(gt=0)
    cap: float | None = Field(None, gt=0)
    floor: float = Field(0.0, ge=0)
    missing: Literal["refuse", "zero"] = "refuse"

    @field_validator("numerator", "denominator", mode="before")
    @classmethod
    def _columns(cls, v: Any) -> Any:
        v = [v] if isinstance(v, str) else v
        for c in v or ():
            if c not in _NUMERIC:
                raise ValueError(f"unknown account column {c!r}; expected one of {', '.join(_NUMERIC)}")
        return v

    @model_validator(mode="after")
    def _cap_above_floor(self) -> "Indicator":
        if self.cap is not None and self.cap <= self.floor:
            raise ValueError(f"cap {self.cap} must exceed floor {self.floor}")
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        """Every account column the indicator reads."""
        return tuple(dict.fromkeys(self.numerator + self.denominator))


class Branch(_Model):
    """Indicators for one kind of firm: ``firm_types`` (empty = all) and land in
    ``[land_mu_min, land_mu_max)``."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    firm_types: tuple[str, ...] = ()
    land_mu_min: float | None = None
    land_mu_max: float | None = None
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "Branch":
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError(f"indicator codes repeat in branch {self.code!r}")
        return self


class ClassRule(_Model):
    """Class cut-offs. ``score``: ``cuts`` are the lowest scores of A, B, C (D below C).
    ``percentile``: ``cuts`` are the cumulative shares from the top where A, B, C end, within
    ``group_by`` (columns absent from the firms are ignored)."""

    method: Literal["score", "percentile"]
    cuts: dict[str, float]
    group_by: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> "ClassRule":
        if sorted(self.cuts) != list(CLASSES[:-1]):
            raise ValueError("cuts must give A, B and C (D is the rest)")
        vals = [self.cuts[c] for c in CLASSES[:-1]]
        if self.method == "score" and not vals[0] > vals[1] > vals[2]:
            raise ValueError("score cuts must fall from A to C")
        if self.method == "percentile" and not 0 < vals[0] < vals[1] < vals[2] < 1:
            raise ValueError("percentile cuts must rise from A to C within (0, 1)")
        return self


class PriceRow(_Model):
    """One factor's price adjustment per class; ``usage`` names the account column it applies to
    (the adjustment times the usage is the firm's extra cost, 元), else the adjustment is a rate."""

    factor: str
    name_zh: str
    name_en: str
    unit: str
    usage: str | None = None
    A: float
    B: float
    C: float
    D: float


class PerMuRules(_Model):
    """A per-mu evaluation rule set (see the module docstring)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    name_zh: str
    name_en: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: str = Field(min_length=10)
    notes: tuple[str, ...] = ()
    default_firm_type: str = "industrial"
    branches: tuple[Branch, ...] = Field(min_length=1)
    classes: ClassRule
    pricing: tuple[PriceRow, ...] = ()
    file: str = Field("<rules>", exclude=True)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every account column some indicator reads."""
        return tuple(dict.fromkeys(c for b in self.branches for i in b.indicators for c in i.columns))

    def in_force(self, year: int) -> bool:
        """Whether the rule was in force in (some part of) ``year``."""
        start, end = self.effective_from.year, self.effective_to.year if self.effective_to else 10_000
        return start <= year <= end


def parse_per_mu_rules(data: Any, *, source: str = "<rules>") -> PerMuRules:
    """Validate a mapping (parsed YAML) as :class:`PerMuRules`; errors are one line naming key and file.

    Examples
    --------
    >>> r = load_per_mu_rules("linhai")
    >>> [b.code for b in r.branches], r.classes.method
    (['ge3mu', 'lt3mu'], 'score')
    >>> bad = r.model_dump(mode="json"); bad["branches"][0]["indicators"][0]["weight"] = -1
    >>> parse_per_mu_rules(bad, source="x.yaml")
    Traceback (most recent call last):
    ...
    industrial_brain.errors.InputError: x.yaml: key 'branches[0].indicators[0].weight': Input should be ...
    """
    data = require_mapping(data, "per-mu rule set", source, "keys code, branches, classes")
    try:
        return PerMuRules.model_validate({**dict(data), "file": source})
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        found = err.get("input")
        shown = (
            f" (found {found!r})" if isinstance(found, (str, int, float)) and err["type"] != "missing" else ""
        )
        raise InputError(f"{source}: key '{yaml_path(err['loc'])}': {msg}{shown}{more}") from None


def load_per_mu_rules(name_or_path: str | os.PathLike) -> PerMuRules:
    """Read a shipped rule set by name (:func:`shipped_per_mu_rules`) or a YAML file by path.

    Examples
    --------
    >>> load_per_mu_rules("zhejiang_2018").branches[0].indicators[5].name_zh
    'R&D经费支出占主营业务收入之比'
    """
    return parse_per_mu_rules(load_config(_KIND, name_or_path), source=config_source(_KIND, name_or_path))


def shipped_per_mu_rules() -> list[str]:
    """Names of the shipped rule sets.

    Examples
    --------
    >>> shipped_per_mu_rules()
    ['linhai', 'zhejiang_2018']
    """
    return list_configs(_KIND)
