"""Stress-test scenarios as YAML, validated with pydantic.

A scenario names the table, the horizon, model parameters, one or more events and (optionally) a
Monte Carlo design over event parameters::

    name: chips
    table: cn_nbs_io_2020_153
    days: 365
    events:
      - name: chip capacity loss
        kind: capacity            # capacity (share of capacity lost) | capital (capital destroyed)
        regions: all              # or a list of region codes / names
        sectors: ["电子元器件", "39080"]   # sector codes or names (exact), or {contains: "集成电路"}
        impact: 0.30              # capacity: share; capital: share of capital (unit: share) or table units
        start: 1
        duration: 90
        recovery: {shape: linear, tau: 30}
    monte_carlo:
      runs: 1000
      seed: 7
      threshold: 0.9              # P(sector output falls below 90 % of its initial level)
      vary:
        - {event: chip capacity loss, field: impact, dist: uniform, low: 0.2, high: 0.4}

Errors name the file and the YAML path (``chips.yaml: events[0].impact: ...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from industrial_brain._shared.config import (
    config_dir,
    config_file,
    list_configs,
    load_config,
    require_mapping,
    yaml_path,
)
from industrial_brain.errors import InputError
from industrial_brain.meso.resilience.adaptive_recovery import RECOVERY_SHAPES, ARIOEvent, ARIOParams

__all__ = [
    "Scenario",
    "EventSpec",
    "load_scenario",
    "parse_scenario",
    "scenario_events",
    "shipped_scenarios",
    "SCENARIO_DIR",
]

#: The folder of the shipped scenarios.
SCENARIO_DIR = config_dir("scenarios")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recovery(_Strict):
    """How lost capacity or capital recovers: the curve's shape and time τ (days)."""

    shape: Literal["linear", "convex", "convex_noscale", "concave"] = "linear"
    tau: int = Field(30, ge=1, description="recovery time, days")


class Rebuild(_Strict):
    """Reconstruction of destroyed capital: the rebuilding sectors' shares, time τ and demand factor."""

    sectors: dict[str, float]
    tau: int | None = Field(None, ge=1)
    factor: float = Field(1.0, gt=0)

    @field_validator("sectors")
    @classmethod
    def _sum_one(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or abs(sum(v.values()) - 1.0) > 1e-6 or any(s < 0 for s in v.values()):
            raise ValueError(f"rebuilding shares must be ≥ 0 and sum to 1 (they sum to {sum(v.values()):g})")
        return v


class Contains(_Strict):
    """A sector selector by part of the name (``{contains: "集成电路"}``)."""

    contains: str


Selector = str | int | Contains


class EventSpec(_Strict):
    """One event of a scenario as written in YAML (turned into an ARIOEvent by :func:`scenario_events`)."""

    name: str = "event"
    kind: Literal["capacity", "capital"] = "capacity"
    regions: Literal["all"] | list[str | int] = "all"
    sectors: Literal["all"] | list[Selector]
    impact: float = Field(gt=0)
    unit: Literal["share", "table"] = "share"
    start: int = Field(1, ge=1)
    duration: int = Field(1, ge=1)
    recovery: Recovery = Recovery()
    rebuild: Rebuild | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "EventSpec":
        if self.kind == "capacity" and (self.unit != "share" or self.impact > 1):
            raise ValueError("a capacity loss is a share of capacity: unit 'share' and 0 < impact ≤ 1")
        if self.unit == "share" and self.impact > 1:
            raise ValueError("a share must be ≤ 1")
        if self.kind == "capacity" and self.rebuild is not None:
            raise ValueError("only capital destroyed can be rebuilt (kind: capital)")
        return self


class Vary(_Strict):
    """One Monte Carlo draw: which event field varies and its distribution."""

    event: str | int
    field: Literal["impact", "duration", "start", "recovery_tau"]
    dist: Literal["uniform", "normal", "triangular", "lognormal", "choice"] = "uniform"
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)
    values: list[float] | None = None

    @model_validator(mode="after")
    def _params(self) -> "Vary":
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "lognormal": ("mean", "sd"),
            "choice": ("values",),
        }[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(
                f"distribution '{self.dist}' needs {', '.join(need)} (missing {', '.join(missing)})"
            )
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must be ≤ high")
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One value drawn from the distribution with ``rng``."""
        if self.dist == "uniform":
            return float(rng.uniform(self.low, self.high))
        if self.dist == "triangular":
            return float(rng.triangular(self.low, self.mode, self.high))
        if self.dist == "normal":
            v = float(rng.normal(self.mean, self.sd))
        elif self.dist == "lognormal":
            v = float(rng.lognormal(self.mean, self.sd))
        else:
            v = float(rng.choice(np.asarray(self.values)))
        if self.low is not None:
            v = max(v, self.low)
        if self.high is not None:
            v = min(v, self.high)
        return v


class MonteCarloSpec(_Strict):
    """The Monte Carlo section of a scenario: runs, seed, recovery threshold, fields to vary."""

    runs: int = Field(1000, ge=1)
    seed: int = 12345
    threshold: float = Field(0.9, gt=0, le=1)
    vary: list[Vary] = []


class Scenario(_Strict):
    """A stress scenario: table, days, model parameters, events, Monte Carlo and report options."""

    name: str
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    description_zh: str = ""
    table: str | None = None
    days: int = Field(365, ge=1, le=3650)
    params: dict[str, Any] = {}
    boario_compat: bool = False
    events: list[EventSpec] = Field(min_length=1)
    monte_carlo: MonteCarloSpec | None = None
    report: dict[str, Any] = {}

    @field_validator("params")
    @classmethod
    def _known_params(cls, v: dict[str, Any]) -> dict[str, Any]:
        known = set(ARIOParams.__dataclass_fields__)
        bad = sorted(set(v) - known)
        if bad:
            raise ValueError(f"unknown model parameter(s) {bad}; known: {sorted(known)}")
        return v

    @model_validator(mode="after")
    def _vary_targets(self) -> "Scenario":
        if self.monte_carlo:
            names = [e.name for e in self.events]
            for v in self.monte_carlo.vary:
                if isinstance(v.event, int) and not 0 <= v.event < len(self.events):
                    raise ValueError(f"monte_carlo.vary: event index {v.event} out of range")
                if isinstance(v.event, str) and v.event not in names:
                    raise ValueError(f"monte_carlo.vary: no event named '{v.event}' (events: {names})")
        return self

    def model_params(self) -> ARIOParams:
        """The scenario's ``params`` as checked :class:`ARIOParams`."""
        try:
            p = ARIOParams(**self.params)
            p.check()
        except TypeError as exc:  # pragma: no cover - guarded by the validator
            raise InputError(f"scenario '{self.name}': bad params: {exc}") from exc
        return p


_TYPE_TAGS = {"str", "int", "float", "bool", "Contains", "Recovery", "Rebuild"}


def _is_tag(part: str) -> bool:
    """A pydantic union / validator tag in an error location (not a YAML key)."""
    return part in _TYPE_TAGS or "[" in part


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate a mapping (parsed YAML) as a :class:`Scenario`; errors name ``source`` and the YAML path."""
    data = require_mapping(data, "scenario", source, "keys name, events, …")
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(f"{source}: {yaml_path(err['loc'], _is_tag)}: {msg}{more}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (a shipped scenario may be given by its name).

    The file is read by :func:`industrial_brain._shared.config.load_config`; errors name the file.
    """
    data = load_config("scenarios", path)
    return parse_scenario(data, source=config_file("scenarios", path).name)


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package (``industrial_brain/config/scenarios``)."""
    return list_configs("scenarios")


def _match(
    level: pd.Index, names: Mapping[Any, Any] | None, wanted: Sequence[Any], what: str, event: str
) -> np.ndarray:
    codes = [str(c) for c in level]
    label: dict[str, list[str]] = {}
    for c in level:
        v = names.get(c, names.get(str(c))) if names else None
        label[str(c)] = [] if v is None else ([str(v)] if isinstance(v, str) else [str(a) for a in v])
    hit = np.zeros(len(level), dtype=bool)
    for w in wanted:
        if isinstance(w, Contains):
            m = np.array([w.contains in c or any(w.contains in n for n in label[c]) for c in codes])
        else:
            ws = str(w)
            m = np.array([c == ws or ws in label[c] for c in codes])
        if not m.any():
            sample = ", ".join(f"{c} {' / '.join(label[c])}".strip() for c in codes[:5])
            raise InputError(
                f"event '{event}': no {what} matches {w!r} (codes or names such as: {sample}, …)"
            )
        hit |= m
    return hit


def scenario_events(
    sc: Scenario,
    index: pd.MultiIndex,
    *,
    capital: np.ndarray | None = None,
    sector_names: Mapping[Any, str] | None = None,
    region_names: Mapping[Any, str] | None = None,
    overrides: Mapping[tuple[int, str], float] | None = None,
) -> list[ARIOEvent]:
    """Turn a scenario's events into :class:`ARIOEvent` objects on a model's (region, sector) index.

    ``capital`` (per industry) is needed for capital events given as a share; ``overrides`` maps
    (event position, field) to a Monte Carlo draw.
    """
    regions = index.get_level_values(0)
    sectors = index.get_level_values(1)
    ureg = pd.Index(pd.unique(regions))
    usec = pd.Index(pd.unique(sectors))
    S = len(usec)
    out = []
    ov = overrides or {}
    for pos, e in enumerate(sc.events):
        rmask = (
            np.ones(len(ureg), bool)
            if e.regions == "all"
            else _match(ureg, region_names, e.regions, "region", e.name)
        )
        smask = (
            np.ones(S, bool)
            if e.sectors == "all"
            else _match(usec, sector_names, e.sectors, "sector", e.name)
        )
        hit = np.isin(regions, ureg[rmask]) & np.isin(sectors, usec[smask])
        impact = float(ov.get((pos, "impact"), e.impact))
        duration = max(1, int(round(ov.get((pos, "duration"), e.duration))))
        start = max(1, int(round(ov.get((pos, "start"), e.start))))
        tau = max(1, int(round(ov.get((pos, "recovery_tau"), e.recovery.tau))))
        vec = np.zeros(len(index))
        if e.kind == "capacity":
            vec[hit] = min(max(impact, 0.0), 1.0)
        elif e.unit == "share":
            if capital is None:
                raise InputError(f"event '{e.name}': a capital share needs the capital stock")
            vec[hit] = min(impact, 1.0) * capital[hit]
        else:
            vec[hit] = impact / hit.sum()
        reb: dict[int, float] = {}
        if e.rebuild is not None:
            for s, share in e.rebuild.sectors.items():
                m = _match(usec, sector_names, [s], "rebuilding sector", e.name)
                reb[int(np.flatnonzero(m)[0])] = share
        out.append(
            ARIOEvent(
                vec,
                kind=e.kind,
                start=start,
                duration=duration,
                rebuild=e.rebuild is not None,
                recovery_tau=tau,
                recovery_shape=e.recovery.shape,
                rebuild_tau=e.rebuild.tau if e.rebuild else None,
                rebuilding_sectors=reb,
                rebuilding_factor=e.rebuild.factor if e.rebuild else 1.0,
                name=e.name,
            )
        )
    return out


assert set(RECOVERY_SHAPES) == {"linear", "convex", "convex_noscale", "concave"}
