"""Index systems (target → dimensions → indicators) as YAML files validated on load.

An index system names its dimensions and, for each indicator, the code of a panel column, its
direction (``"+"`` more is better, ``"-"`` less is better) and optionally an explicit weight.
An indicator is either a panel column or a **derived intensity** ``numerator / denominator × scale``
of two panel columns (per capita, per unit of GDP, per km²: the published systems score development,
not size). ``published`` names the indicator of the published system it stands for, or says why
there is none. Defaults ship under ``industrial_brain/config/index_systems/``; a user file is
accepted wherever a default name is (``load_index_system("digital_economy")`` or
``load_index_system("my.yaml")``).

YAML layout (see the shipped files for full examples)::

    code: digital_economy
    name_en: Digital economy development index
    name_zh: 数字经济发展指数
    follows: "Author (year). Title. Journal vol(issue): pages."
    weighting: entropy          # equal | entropy | critic | cv | pca (indicators without explicit weights)
    weight_scope: global        # global: one weighting over all indicators; within: per dimension
    dimensions:
      - code: digital_infrastructure
        name_en: Digital infrastructure
        name_zh: 数字基础设施
        weight: null            # explicit dimension weight (weight_scope: within only)
        indicators:
          - {code: digital_infra_fiber_length, direction: "+", name_en: ..., unit: km,
             published: "光缆线路长度 (Wang, Zhu & Luo 2021)"}
          - code: fibre_density           # a derived intensity: numerator / denominator × scale
            direction: "+"
            derive: {numerator: digital_infra_fiber_length, denominator: land_area_km2, scale: 1}
            published: "光缆线路密度 (Liu, Yang & Zhang 2020)"
    absent_from_data:
      - {name: Internet users per 100 people, dimension: digital_infrastructure, reason: not in panel}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from industrial_brain._shared.config import config_source, list_configs, load_config
from industrial_brain.errors import InputError

__all__ = [
    "Ratio",
    "Indicator",
    "Dimension",
    "AbsentIndicator",
    "IndexSystem",
    "load_index_system",
    "default_index_systems",
    "FLAGGED_CODES",
]

#: Panel columns that must not serve as indicators, with the reason (see data/PROVENANCE.md).
FLAGGED_CODES: dict[str, str] = {
    "digital_economy": "the source authors' composite index (a model output, not a statistic)",
    "new_productivity_level": "the source authors' composite index (a model output, not a statistic)",
    "openness_level": "identical to industrialization_level in every row (duplicated column)",
    "industrial_structure": "values of order 1e-5: mis-scaled or mislabelled",
    "population_density": "values of order 1e-5: mis-scaled or mislabelled",
}

_WEIGHTINGS = ("equal", "entropy", "critic", "cv", "pca")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ratio(_Model):
    """A derived intensity ``x = numerator / denominator × scale`` of two panel columns."""

    numerator: str = Field(min_length=1)
    denominator: str = Field(min_length=1)
    scale: float = Field(default=1.0, gt=0)


class Indicator(_Model):
    """One indicator: a panel column code (or a derived intensity) with its direction."""

    code: str = Field(min_length=1)
    direction: Literal["+", "-"]
    name_en: str = ""
    name_zh: str = ""
    unit: str = ""
    source: str = ""
    weight: float | None = Field(default=None, gt=0)
    notes: str = ""
    derive: Ratio | None = None
    published: str = Field(
        default="",
        description="the published system's indicator this one stands for, or 'none: <why>'",
    )

    @model_validator(mode="after")
    def _derived_code_is_new(self) -> "Indicator":
        if self.derive is not None and self.code in (self.derive.numerator, self.derive.denominator):
            raise ValueError(f"derived indicator '{self.code}' must not reuse the code of its inputs")
        return self


class Dimension(_Model):
    """A dimension (criterion layer) and its indicators."""

    code: str = Field(min_length=1)
    name_en: str = ""
    name_zh: str = ""
    weight: float | None = Field(default=None, gt=0)
    notes: str = ""
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights_all_or_none(self) -> "Dimension":
        given = [i.weight is not None for i in self.indicators]
        if any(given) and not all(given):
            raise ValueError(f"dimension '{self.code}': give a weight to every indicator or to none")
        if all(given):
            tot = sum(i.weight for i in self.indicators)  # type: ignore[misc]
            if abs(tot - 1.0) > 1e-3:
                raise ValueError(f"dimension '{self.code}': indicator weights sum to {tot:.6g}, expected 1")
        return self


class AbsentIndicator(_Model):
    """An indicator of the published system that the embedded data do not provide."""

    name: str
    dimension: str = ""
    reason: str = ""


class IndexSystem(_Model):
    """A validated index system (see the module docstring for the YAML layout)."""

    code: str = Field(min_length=1)
    name_en: str = ""
    name_zh: str = ""
    version: str = "1"
    follows: str = Field(min_length=1, description="the published system this one follows (citation)")
    notes: str = ""
    weighting: str = "entropy"
    weight_scope: Literal["global", "within"] = "global"
    dimensions: list[Dimension] = Field(min_length=1)
    absent_from_data: list[AbsentIndicator] = Field(default_factory=list)
    data_notes: list[str] = Field(default_factory=list)

    @field_validator("weighting")
    @classmethod
    def _known_weighting(cls, v: str) -> str:
        if v not in _WEIGHTINGS:
            raise ValueError(f"weighting must be one of {', '.join(_WEIGHTINGS)}")
        return v

    @model_validator(mode="after")
    def _check(self) -> "IndexSystem":
        seen: dict[str, str] = {}
        dims: set[str] = set()
        for d in self.dimensions:
            if d.code in dims:
                raise ValueError(f"dimension code '{d.code}' appears twice")
            dims.add(d.code)
            for i in d.indicators:
                if i.code in seen:
                    raise ValueError(
                        f"indicator '{i.code}' appears in dimensions '{seen[i.code]}' and '{d.code}'"
                    )
                seen[i.code] = d.code
        dw = [d.weight is not None for d in self.dimensions]
        if any(dw) and not all(dw):
            raise ValueError("give a weight to every dimension or to none")
        if all(dw):
            tot = sum(d.weight for d in self.dimensions)  # type: ignore[misc]
            if abs(tot - 1.0) > 1e-3:
                raise ValueError(f"dimension weights sum to {tot:.6g}, expected 1")
        explicit = any(dw) or any(i.weight is not None for d in self.dimensions for i in d.indicators)
        if explicit and self.weight_scope == "global":
            raise ValueError(
                "explicit weights need weight_scope: within (global scope derives every weight "
                "from one weighting over all indicators)"
            )
        return self

    # ------------------------------------------------------------------ views
    @property
    def indicators(self) -> list[Indicator]:
        """All indicators, in dimension order."""
        return [i for d in self.dimensions for i in d.indicators]

    @property
    def indicator_codes(self) -> list[str]:
        """Panel column codes of every indicator, dimension by dimension."""
        return [i.code for i in self.indicators]

    @property
    def input_codes(self) -> list[str]:
        """Panel columns the system reads: plain indicators and the inputs of derived ones."""
        out: list[str] = []
        for i in self.indicators:
            out += [i.derive.numerator, i.derive.denominator] if i.derive else [i.code]
        return list(dict.fromkeys(out))

    def derive_panel(self, panel: pd.DataFrame) -> pd.DataFrame:
        """``panel`` with a column for every derived indicator, ``x = numerator / denominator × scale``.

        Columns already present are kept; a zero or missing denominator gives a missing value (the
        composite's panel check then names the cell).

        Examples
        --------
        >>> s = IndexSystem(code="t", follows="x", dimensions=[{"code": "d", "indicators": [
        ...     {"code": "gdp_pc", "direction": "+",
        ...      "derive": {"numerator": "gdp", "denominator": "pop", "scale": 1e4}}]}])
        >>> p = pd.DataFrame({"gdp": [2.0, 3.0], "pop": [100.0, 50.0]})
        >>> s.derive_panel(p)["gdp_pc"].tolist()
        [200.0, 600.0]
        """
        new = {}
        for i in self.indicators:
            if i.derive is None or i.code in panel.columns:
                continue
            r = i.derive
            lack = [c for c in (r.numerator, r.denominator) if c not in panel.columns]
            if lack:
                raise InputError.at(
                    f"panel lacks an input of derived indicator '{i.code}' of index system '{self.code}'",
                    column=lack[0],
                    expected=f"columns {r.numerator} and {r.denominator}",
                )
            den = panel[r.denominator].astype(float).where(lambda v: v != 0)
            new[i.code] = panel[r.numerator].astype(float) / den * r.scale
        return panel.assign(**new) if new else panel

    @property
    def directions(self) -> dict[str, str]:
        """``{indicator code: "+" | "-"}``."""
        return {i.code: i.direction for i in self.indicators}

    @property
    def structure(self) -> dict[str, list[str]]:
        """``{dimension code: [indicator codes]}``."""
        return {d.code: [i.code for i in d.indicators] for d in self.dimensions}

    @property
    def dimension_of(self) -> dict[str, str]:
        """Indicator code → code of the dimension that holds it."""
        return {i.code: d.code for d in self.dimensions for i in d.indicators}

    @property
    def flagged(self) -> dict[str, str]:
        """Indicators of this system that are on the data's list of unusable columns."""
        return {c: FLAGGED_CODES[c] for c in self.indicator_codes if c in FLAGGED_CODES}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: dimension, direction, names, unit, explicit weight, source."""
        rows = []
        for d in self.dimensions:
            for i in d.indicators:
                rows.append(
                    {
                        "indicator": i.code,
                        "dimension": d.code,
                        "name": i.name_zh if lang == "zh" and i.name_zh else i.name_en,
                        "direction": i.direction,
                        "unit": i.unit,
                        "weight": i.weight,
                        "source": i.source,
                        "derive": (
                            f"{i.derive.numerator} / {i.derive.denominator} × {i.derive.scale:g}"
                            if i.derive
                            else ""
                        ),
                        "published": i.published,
                    }
                )
        return pd.DataFrame(rows).set_index("indicator")


def default_index_systems() -> list[str]:
    """Names of the index systems shipped with the package."""
    return list_configs("index_systems")


def load_index_system(source: Any) -> IndexSystem:
    """Load and validate an index system.

    Parameters
    ----------
    source : IndexSystem, dict, str or Path
        An :class:`IndexSystem` (returned as is), a mapping with the YAML's content, the name of a
        shipped default (see :func:`default_index_systems`) or the path of a YAML file (read by
        :func:`industrial_brain._shared.config.load_config`).

    Returns
    -------
    IndexSystem

    Raises
    ------
    InputError
        Unknown name, unreadable file, invalid YAML, or content that fails validation; the message
        names the file and the offending field.

    Examples
    --------
    >>> s = load_index_system("new_quality_productive_forces")
    >>> [d.code for d in s.dimensions]
    ['labour_force', 'means_of_labour', 'objects_of_labour']
    """
    if isinstance(source, IndexSystem):
        return source
    if isinstance(source, dict):
        return _validate(source, "<dict>")
    if not isinstance(source, (str, Path)):
        raise InputError.at("index system must be a name, a path or a mapping", value=type(source).__name__)
    return _validate(load_config("index_systems", source), config_source("index_systems", source))


def _validate(data: dict, where: str) -> IndexSystem:
    try:
        return IndexSystem.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err.get("loc", ()))
        msg = err.get("msg", "invalid value")
        more = f" (+{len(e.errors()) - 1} more problem(s))" if len(e.errors()) > 1 else ""
        bad = err.get("input")
        raise InputError.at(
            f"invalid index system: {msg}{more}",
            file=where,
            column=loc or None,
            value=None if isinstance(bad, dict) else bad,
        ) from None
