"""Alarm rules as data: pydantic models of a rule set, read from YAML and validated on load.

A rule set file (shipped under ``industrial_brain/config/alarm_rules/``, or a user's file) holds::

    code: default
    name_zh: 默认预警规则
    name_en: Default alarm rules
    rules:
      - code: gdp_contraction
        kind: yoy_change            # one of RULE_KINDS
        name_zh: 地区生产总值名义负增长
        name_en: Nominal GDP contraction
        why: ...                    # every rule says why it exists (required)
        severity: critical          # critical | warning | info
        scope: {indicators: [gdp_100m_cny], regions: [], tags: []}
        direction: below            # fire at or below `fire`, clear strictly above `clear`
        fire: -0.01
        clear: 0.0
        clear_after: 1              # consecutive clear years before the alert clears
        dedup: indicator            # one alert per rule × region × indicator (or: region)

Each rule computes one **measure** per region, indicator and year (the value, its year-on-year
change, its z-score among peers, places lost in the ranking, coordination levels lost, the chain's
exposure share, a forecast bound, or 1 for a level break) and compares it with two thresholds
(**hysteresis**, Schmitt trigger): with ``direction: above`` the rule fires when the measure is at or
above ``fire`` and clears only when it falls strictly below ``clear`` (``clear <= fire``); with
``direction: below`` it fires at or below ``fire`` and clears strictly above ``clear``
(``clear >= fire``). Between the two the state holds, so a series hovering at the threshold raises
one alert, not one a year (**de-duplication**: one open alert per rule × subject until it clears,
the subject being a region and indicator, or a region with ``dedup: region``).

=========================  ===========================================================  ==========
kind                       measure                                                      direction
=========================  ===========================================================  ==========
``threshold``              the value                                                    either
``yoy_change``             v_t / v_{t-1} − 1 (``change: relative``) or v_t − v_{t-1}      either
``peer_zscore``            (x − centre) / scale among the peers in the year                either
``trend_break``            1 where the screening's level-break test fires, else 0        above
``rank_drop``              rank_t − best rank of the previous ``window`` years            above
``coordination_downgrade`` best level of the previous ``window`` years − level_t           above
``chain_exposure``         an exposure share in [0, 1] (each, max or sum over sectors)     above
``forecast``               the worst forecast bound within ``horizon`` years              either
=========================  ===========================================================  ==========

Why pydantic models and not a rules engine: the rules are a handful of typed parameters per kind;
the evaluation is vectorised numpy (:mod:`industrial_brain.monitor.evaluation`), which a generic rules
engine (durable_rules, business-rules) would turn into a loop per record.

References
----------
Schmitt, O. H. (1938). A thermionic trigger. *Journal of Scientific Instruments* 15(1), 24–26
(two thresholds, one to switch on and a lower one to switch off).
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from industrial_brain._shared.config import (
    config_source,
    list_configs,
    load_config,
    require_mapping,
    yaml_path,
)
from industrial_brain.errors import InputError

__all__ = [
    "RULE_KINDS",
    "SEVERITIES",
    "DEFAULT_RULE_SET",
    "Scope",
    "Rule",
    "RuleSet",
    "ThresholdRule",
    "YoYChangeRule",
    "PeerZScoreRule",
    "TrendBreakRule",
    "RankDropRule",
    "CoordinationDowngradeRule",
    "ChainExposureRule",
    "ForecastRule",
    "load_rules",
    "parse_rules",
    "shipped_rule_sets",
]

#: Severities of an alert, most severe first.
SEVERITIES: tuple[str, ...] = ("critical", "warning", "info")
#: The name of the shipped default rule set (``config/alarm_rules/default.yaml``).
DEFAULT_RULE_SET = "default"

_CODE = r"^[a-z][a-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Model):
    """Which series a rule looks at: empty lists mean all; the three conditions are joined by *and*.

    ``tags`` match the indicator tags passed to the evaluation (an indicator is in scope when it has
    at least one of them).
    """

    regions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @field_validator("regions", "indicators", "tags", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        if isinstance(v, (str, int)):
            v = [v]
        if isinstance(v, list):
            return [str(x) for x in v]
        return v


def _str_codes(v: Any) -> Any:
    """Region codes written as YAML numbers (420000) are codes, not numbers."""
    if isinstance(v, dict):
        return {str(k): [str(x) for x in (m if isinstance(m, list) else [m])] for k, m in v.items()}
    return v


class _Rule(_Model):
    code: str = Field(pattern=_CODE, description="identifier of the rule (lower case, digits, _)")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    why: str = Field(min_length=10, description="why the rule exists and why these thresholds")
    severity: Literal["critical", "warning", "info"] = "warning"
    scope: Scope = Scope()
    direction: Literal["above", "below"] = "above"
    fire: float
    clear: float
    clear_after: int = Field(1, ge=1, le=10)
    dedup: Literal["indicator", "region"] = "indicator"
    enabled: bool = True

    @model_validator(mode="after")
    def _hysteresis(self) -> "_Rule":
        if self.direction == "above" and not self.clear <= self.fire:
            raise ValueError(
                f"clear ({self.clear:g}) must be <= fire ({self.fire:g}) for direction 'above' "
                "(fire at or above `fire`, clear below `clear`)"
            )
        if self.direction == "below" and not self.clear >= self.fire:
            raise ValueError(
                f"clear ({self.clear:g}) must be >= fire ({self.fire:g}) for direction 'below' "
                "(fire at or below `fire`, clear above `clear`)"
            )
        return self

    @property
    def label(self) -> dict[str, str]:
        return {"zh": self.name_zh, "en": self.name_en}


class ThresholdRule(_Rule):
    """The value itself beyond a bound (a level that needs attention whatever its history)."""

    kind: Literal["threshold"]


class YoYChangeRule(_Rule):
    """Year-on-year change: ``relative`` v_t / v_{t-1} − 1 (a fraction: −0.01 is −1 %) or
    ``absolute`` v_t − v_{t-1} (for rates and shares, in their own unit)."""

    kind: Literal["yoy_change"]
    change: Literal["relative", "absolute"] = "relative"


class PeerZScoreRule(_Rule):
    """How far a region lies from its peers in the same year, in (robust) standard deviations.

    ``of: level`` compares the values, ``of: yoy`` the year-on-year relative changes. ``peers: all``
    takes every region in the panel as a peer; ``peers: groups`` the region's group, from ``groups``
    (group → region codes) or, when absent, from the grouping passed to the evaluation. ``robust``:
    median and 1.4826 × MAD (Hampel 1974) instead of the mean and standard deviation. Years with
    fewer than ``min_peers`` reporting peers are not judged.
    """

    kind: Literal["peer_zscore"]
    of: Literal["level", "yoy"] = "yoy"
    peers: Literal["all", "groups"] = "all"
    groups: Annotated[dict[str, tuple[str, ...]] | None, BeforeValidator(_str_codes)] = None
    robust: bool = True
    min_peers: int = Field(5, ge=3)

    @model_validator(mode="after")
    def _groups(self) -> "PeerZScoreRule":
        if self.groups is not None and self.peers != "groups":
            raise ValueError("groups given but peers is not 'groups'")
        return self


class TrendBreakRule(_Rule):
    """A level break: the quality screening's test
    (:func:`industrial_brain.quality.panel_checks.check_level_breaks`, same parameters) flags one
    region's jump far outside what the other regions did that year. The measure is 1 in the year of
    a break and 0 in other observed years, so ``fire: 1, clear: 1, direction: above`` (the default)
    fires on the break and clears after ``clear_after`` years without one."""

    kind: Literal["trend_break"]
    fire: float = 1.0
    clear: float = 1.0
    direction: Literal["above"] = "above"
    k: float = Field(6.0, gt=0)
    min_jump: float = Field(0.10, gt=0)
    max_noise: float = Field(0.10, gt=0)


class RankDropRule(_Rule):
    """Places lost in the ranking among peers: rank in year t (1 = best) minus the best rank over
    the previous ``window`` years. ``better: higher`` ranks the largest value first."""

    kind: Literal["rank_drop"]
    better: Literal["higher", "lower"] = "higher"
    window: int = Field(1, ge=1, le=10)
    peers: Literal["all", "groups"] = "all"
    groups: Annotated[dict[str, tuple[str, ...]] | None, BeforeValidator(_str_codes)] = None
    direction: Literal["above"] = "above"


class CoordinationDowngradeRule(_Rule):
    """Levels lost by the coupling coordination degree D (the ten classes of
    :data:`industrial_brain.macro.coupling.COORDINATION_LEVELS`, 极度失调 … 优质协调): the best
    level over the previous ``window`` years minus the level in year t. It clears when the level
    is back (or when the best level leaves the window)."""

    kind: Literal["coordination_downgrade"]
    window: int = Field(1, ge=1, le=10)
    fire: float = 1.0
    clear: float = 1.0
    direction: Literal["above"] = "above"


class ChainExposureRule(_Rule):
    """An industrial chain's exposure above a bound: the in-scope indicators are exposure shares in
    [0, 1] (output at risk from imported inputs as a share of output, by product); ``combine: each``
    judges each product, ``max`` the most exposed one, ``sum`` their total, reported under the
    indicator code ``combined_code``."""

    kind: Literal["chain_exposure"]
    combine: Literal["each", "max", "sum"] = "each"
    combined_code: str = "chain_exposure"
    direction: Literal["above"] = "above"


class ForecastRule(_Rule):
    """A predictive rule: "expected to fall below / rise above …" within ``horizon`` years.

    Each series is forecast from its last observed year
    (:func:`industrial_brain.monitor.forecasting.forecast`,
    ``method`` and the ``level`` of the prediction interval). ``basis`` says which bound is compared:
    ``point`` the point forecast; ``interval`` the bound on the side of the threshold (for
    ``below`` the lower bound: the interval reaches the threshold, "may fall below"); ``beyond`` the
    far bound (for ``below`` the upper bound: the whole interval lies beyond, "expected to fall
    below"). The measure is the worst such bound over the horizon, or with ``relative: true`` that
    bound as a change on the last observed value (bound / v_last − 1).
    """

    kind: Literal["forecast"]
    horizon: int = Field(2, ge=1, le=10)
    level: float = Field(0.8, gt=0, lt=1)
    basis: Literal["point", "interval", "beyond"] = "interval"
    method: Literal["auto", "ets", "arima"] = "auto"
    relative: bool = False
    min_obs: int = Field(8, ge=6)


Rule = Annotated[
    Union[
        ThresholdRule,
        YoYChangeRule,
        PeerZScoreRule,
        TrendBreakRule,
        RankDropRule,
        CoordinationDowngradeRule,
        ChainExposureRule,
        ForecastRule,
    ],
    Field(discriminator="kind"),
]

#: The rule kinds, as written under ``kind:``.
RULE_KINDS: tuple[str, ...] = (
    "threshold",
    "yoy_change",
    "peer_zscore",
    "trend_break",
    "rank_drop",
    "coordination_downgrade",
    "chain_exposure",
    "forecast",
)


class RuleSet(_Model):
    """A named list of rules (codes unique)."""

    code: str = Field(pattern=_CODE)
    name_zh: str = ""
    name_en: str = ""
    description: str = ""
    rules: tuple[Rule, ...] = Field(min_length=1)
    source: str = Field("<rules>", exclude=True)

    @model_validator(mode="after")
    def _unique(self) -> "RuleSet":
        seen: set[str] = set()
        for r in self.rules:
            if r.code in seen:
                raise ValueError(f"rule code '{r.code}' appears twice")
            seen.add(r.code)
        return self

    @property
    def enabled(self) -> tuple[Any, ...]:
        """The rules that are switched on."""
        return tuple(r for r in self.rules if r.enabled)

    def rule(self, code: str) -> Any:
        """The rule with this code (:class:`InputError` naming the known codes otherwise)."""
        for r in self.rules:
            if r.code == code:
                return r
        raise InputError.at(
            "unknown rule",
            file=self.source,
            column="rule",
            value=code,
            expected="one of " + ", ".join(r.code for r in self.rules),
        )


def _is_tag(part: str) -> bool:
    """A union tag pydantic inserts in an error location (a rule kind), not a YAML key."""
    return part in RULE_KINDS or "[" in part or part in {"str", "int", "float"}


def parse_rules(data: Any, *, source: str = "<rules>") -> RuleSet:
    """Validate a mapping (parsed YAML) as a :class:`RuleSet`.

    Raises
    ------
    InputError
        One line naming ``source``, the YAML key and the problem, e.g.
        ``x.yaml: key 'rules[0].fire': Input should be a valid number``.

    Examples
    --------
    >>> rs = parse_rules({"code": "mine", "rules": [{"code": "gdp_drop", "kind": "yoy_change",
    ...     "name_zh": "地区生产总值下降", "name_en": "GDP falls", "why": "a fall in GDP needs a look",
    ...     "direction": "below", "fire": -0.01, "clear": 0.0}]})
    >>> rs.rules[0].kind, rs.rules[0].fire, rs.rules[0].severity
    ('yoy_change', -0.01, 'warning')
    >>> parse_rules({"code": "mine", "rules": [{"code": "x", "kind": "threshold", "name_zh": "x",
    ...     "name_en": "x", "why": "because it matters", "fire": "high", "clear": 0}]}, source="x.yaml")
    Traceback (most recent call last):
    ...
    industrial_brain.errors.InputError: x.yaml: key 'rules[0].fire': Input should be a valid number, ...
    """
    data = require_mapping(data, "rule set", source, "keys code, rules")
    try:
        return RuleSet.model_validate({**dict(data), "source": source})
    except ValidationError as exc:
        errs = exc.errors()
        # a failed item also makes its list "too short": keep the deepest problems only
        errs = [
            e
            for e in errs
            if not any(
                o["loc"][: len(e["loc"])] == e["loc"] and o is not e and len(o["loc"]) > len(e["loc"])
                for o in errs
            )
        ]
        err = errs[0]
        more = f" (and {len(errs) - 1} more problem(s))" if len(errs) > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        found = err.get("input")
        shown = ""
        if isinstance(found, (str, int, float)) and not isinstance(found, bool) and err["type"] != "missing":
            shown = f" (found {found!r})"
        raise InputError(f"{source}: key '{yaml_path(err['loc'], _is_tag)}': {msg}{shown}{more}") from None


def load_rules(name_or_path: str | os.PathLike = DEFAULT_RULE_SET) -> RuleSet:
    """Read and validate a rule set: a shipped one by name (:func:`shipped_rule_sets`) or a YAML file.

    Examples
    --------
    >>> rs = load_rules()
    >>> sorted({r.kind for r in rs.rules}) == sorted(RULE_KINDS)
    True
    """
    data = load_config("alarm_rules", name_or_path)
    return parse_rules(data, source=config_source("alarm_rules", name_or_path))


def shipped_rule_sets() -> list[str]:
    """Names of the shipped rule sets.

    Examples
    --------
    >>> "default" in shipped_rule_sets()
    True
    """
    return list_configs("alarm_rules")
