"""Maturity models as data: a YAML file, validated with pydantic, compiled to arrays for scoring.

A maturity model (成熟度模型) is a set of *dimensions* (维度), each holding *questions* (indicators,
指标/题目) whose answers map to a score between 0 and 100, dimension weights, question weights,
*level rules* (等级规则: a total-score threshold plus gates such as "every dimension at least 40" or
"data integration across systems at least 75") and optional *sector variants* (行业变体) that change
weights or add questions for some sectors. Every model carries a ``code`` and a ``version``; the
SHA-256 of its canonical content is its :attr:`MaturityModel.fingerprint`, so that any change to a
model — even one whose author forgot to bump ``version`` — is visible in the results it scores.

Question types
--------------
``single_choice``
    one option code; the question score is the option's score.
``multiple_choice``
    option codes separated by ``;``; the question score is the sum of the chosen options' scores,
    capped at ``max_score`` (default 100).
``numeric``
    a number in ``[min, max]``; the score is the score of the *band* holding it (bands are
    lower-inclusive ``[lo, hi)``, the last band also holds its upper bound).

Answer options can be written per question (``options:``) or shared between questions through a
named ``scales:`` entry (``scale: stage5``).

Written by hand (no maintained library defines maturity models as data); pydantic does the schema.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from industrial_brain._shared.config import (
    config_file,
    config_source,
    list_configs,
    load_config,
    require_mapping,
    yaml_path,
)
from industrial_brain.errors import InputError

__all__ = [
    "Option",
    "Band",
    "Question",
    "Dimension",
    "LevelRule",
    "Variant",
    "Action",
    "MaturityModel",
    "load_model",
    "model_from_dict",
    "list_models",
    "shipped_model_path",
]

_CODE = r"^[A-Za-z][A-Za-z0-9_.\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One answer option of a choice question; ``score`` is in points out of 100."""

    code: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    name_zh: str
    name_en: str
    score: float = Field(ge=0, le=100)


class Band(_Strict):
    """A scoring band ``[min, max)`` of a numeric question."""

    min: float
    max: float
    score: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "Band":
        if not self.max > self.min:
            raise ValueError(f"band max ({self.max}) must be greater than its min ({self.min})")
        return self


class Question(_Strict):
    """A question (indicator) of the questionnaire."""

    code: str = Field(pattern=_CODE)
    dimension: str
    name_zh: str
    name_en: str
    type: Literal["single_choice", "multiple_choice", "numeric"]
    scale: str | None = None
    options: tuple[Option, ...] = ()
    max_score: float = Field(default=100.0, gt=0, le=100)
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    bands: tuple[Band, ...] = ()
    required: bool = True
    weight: float = Field(default=1.0, gt=0)
    effort: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _by_type(self) -> "Question":
        if self.type == "numeric":
            if self.options or self.scale:
                raise ValueError("a numeric question takes 'bands', not 'options' or 'scale'")
            if not self.bands:
                raise ValueError("a numeric question needs 'bands' (list of {min, max, score})")
            lo = self.bands[0].min if self.min is None else self.min
            hi = self.bands[-1].max if self.max is None else self.max
            if self.bands[0].min > lo or self.bands[-1].max < hi:
                raise ValueError(f"bands must cover the whole answer range [{lo}, {hi}]")
            for a, b in zip(self.bands, self.bands[1:]):
                if a.max != b.min:
                    raise ValueError(
                        f"bands must be contiguous and increasing: a band ends at {a.max} "
                        f"but the next starts at {b.min}"
                    )
        else:
            if self.bands:
                raise ValueError("a choice question takes 'options' or 'scale', not 'bands'")
            if bool(self.options) == bool(self.scale):
                raise ValueError("give exactly one of 'options' or 'scale'")
            codes = [o.code for o in self.options]
            if len(set(codes)) != len(codes):
                dup = sorted({c for c in codes if codes.count(c) > 1})
                raise ValueError(f"option codes must be unique; repeated: {dup}")
        return self

    @property
    def answer_min(self) -> float:
        return self.bands[0].min if self.min is None else self.min

    @property
    def answer_max(self) -> float:
        return self.bands[-1].max if self.max is None else self.max


class Dimension(_Strict):
    """A dimension (维度) of the model with its weight in the total score."""

    code: str = Field(pattern=_CODE)
    name_zh: str
    name_en: str
    weight: float = Field(gt=0)


class LevelRule(_Strict):
    """Conditions for a level. Levels are cumulative: reaching L4 needs the rules of L1…L4 to hold.

    ``min_total`` is the total-score threshold; ``min_each_dimension`` a floor on every dimension;
    ``min_dimension`` floors on named dimensions; ``min_question`` floors on named question scores.
    """

    code: str = Field(pattern=_CODE)
    name_zh: str
    name_en: str
    min_total: float = Field(ge=0, le=100)
    min_each_dimension: float | None = Field(default=None, ge=0, le=100)
    min_dimension: dict[str, float] = Field(default_factory=dict)
    min_question: dict[str, float] = Field(default_factory=dict)
    description_en: str | None = None
    description_zh: str | None = None


class Variant(_Strict):
    """A sector variant: weight overrides and extra questions for the listed sectors."""

    code: str = Field(pattern=_CODE)
    name_zh: str
    name_en: str
    sectors: tuple[str, ...] = Field(min_length=1)
    dimension_weights: dict[str, float] = Field(default_factory=dict)
    question_weights: dict[str, float] = Field(default_factory=dict)
    extra_questions: tuple[Question, ...] = ()


class Effect(_Strict):
    """What an action does to one question: raise its answer to ``to`` (an option code or a number)."""

    question: str
    to: str | float


class Action(_Strict):
    """A step of the roadmap, tied to the questions it improves; ``effort`` in relative units."""

    code: str = Field(pattern=_CODE)
    name_zh: str
    name_en: str
    effort: float = Field(gt=0)
    effects: tuple[Effect, ...] = Field(min_length=1)


class Standard(_Strict):
    code: str
    title_en: str
    title_zh: str | None = None
    publisher: str | None = None
    used_for: str | None = None


class MaturityModel(_Strict):
    """A validated maturity model. Build it with :func:`load_model` or :func:`model_from_dict`."""

    code: str = Field(pattern=_CODE)
    version: str
    name_zh: str
    name_en: str
    description_en: str | None = None
    description_zh: str | None = None
    standards: tuple[Standard, ...] = ()
    scales: dict[str, tuple[Option, ...]] = Field(default_factory=dict)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    levels: tuple[LevelRule, ...] = Field(min_length=1)
    unrated: LevelRule | None = None
    variants: tuple[Variant, ...] = ()
    actions: tuple[Action, ...] = ()

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v

    @model_validator(mode="after")
    def _cross_check(self) -> "MaturityModel":
        _cross_check(self)
        return self

    # ---- derived views -------------------------------------------------------------------------
    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the model's canonical JSON: changes whenever any content changes."""
        text = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.dimensions)

    @property
    def all_questions(self) -> tuple[Question, ...]:
        """Base questions followed by every variant's extra questions (each once)."""
        out = list(self.questions)
        for v in self.variants:
            out.extend(v.extra_questions)
        return tuple(out)

    @property
    def question_codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.all_questions)

    @property
    def level_codes(self) -> tuple[str, ...]:
        return tuple(lv.code for lv in self.levels)

    def options_of(self, q: Question) -> tuple[Option, ...]:
        """The answer options of a choice question (its own, or its scale's)."""
        return self.scales[q.scale] if q.scale else q.options

    def question(self, code: str) -> Question:
        for q in self.all_questions:
            if q.code == code:
                return q
        raise InputError.at(
            "unknown question code",
            column="question",
            value=code,
            expected=f"one of the {len(self.all_questions)} question codes of model '{self.code}'",
        )

    def compiled(self) -> "CompiledModel":
        """Array form used by the scoring, diagnosis and roadmap engines (cached)."""
        c = self.__dict__.get("_compiled")
        if c is None:
            c = CompiledModel.build(self)
            self.__dict__["_compiled"] = c
        return c


def _cross_check(m: MaturityModel) -> None:
    """Checks that pydantic field rules cannot express; raise ValueError with a YAML path prefix."""
    dims = [d.code for d in m.dimensions]
    if len(set(dims)) != len(dims):
        raise ValueError(f"dimensions: codes must be unique; found {dims}")
    qs = list(m.questions) + [q for v in m.variants for q in v.extra_questions]
    codes = [q.code for q in qs]
    if len(set(codes)) != len(codes):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"questions: codes must be unique across the model and its variants; repeated {dup}")

    def check_q(q: Question, path: str) -> None:
        if q.dimension not in dims:
            raise ValueError(
                f"{path}.dimension: '{q.dimension}' is not a dimension code; expected one of {dims}"
            )
        if q.scale is not None and q.scale not in m.scales:
            raise ValueError(
                f"{path}.scale: '{q.scale}' is not defined under 'scales'; expected one of {sorted(m.scales)}"
            )

    for i, q in enumerate(m.questions):
        check_q(q, f"questions[{i}]")
    for vi, v in enumerate(m.variants):
        for i, q in enumerate(v.extra_questions):
            check_q(q, f"variants[{vi}].extra_questions[{i}]")
    for name, opts in m.scales.items():
        oc = [o.code for o in opts]
        if not opts or len(set(oc)) != len(oc):
            raise ValueError(f"scales.{name}: needs at least one option and unique option codes; found {oc}")
    base_dims_with_q = {q.dimension for q in m.questions}
    for d in dims:
        if d not in base_dims_with_q:
            raise ValueError(f"dimensions: dimension '{d}' has no question")
    prev = -1.0
    for i, lv in enumerate(m.levels):
        if lv.min_total <= prev:
            raise ValueError(
                f"levels[{i}].min_total: thresholds must increase from level to level "
                f"({lv.min_total} after {prev})"
            )
        prev = lv.min_total
        for d in lv.min_dimension:
            if d not in dims:
                raise ValueError(
                    f"levels[{i}].min_dimension: '{d}' is not a dimension code; expected one of {dims}"
                )
        for qc in lv.min_question:
            if qc not in codes:
                raise ValueError(f"levels[{i}].min_question: '{qc}' is not a question code")
            if qc not in {q.code for q in m.questions}:
                raise ValueError(
                    f"levels[{i}].min_question: '{qc}' is a variant-only question; "
                    "gates may only name base questions"
                )
    lvl_codes = [lv.code for lv in m.levels] + ([m.unrated.code] if m.unrated else [])
    if len(set(lvl_codes)) != len(lvl_codes):
        raise ValueError(f"levels: codes must be unique; found {lvl_codes}")
    seen_sectors: dict[str, str] = {}
    for vi, v in enumerate(m.variants):
        for d in v.dimension_weights:
            if d not in dims:
                raise ValueError(f"variants[{vi}].dimension_weights: '{d}' is not a dimension code")
        for d, w in v.dimension_weights.items():
            if not w > 0:
                raise ValueError(f"variants[{vi}].dimension_weights.{d}: must be > 0; found {w}")
        for qc, w in v.question_weights.items():
            if qc not in codes:
                raise ValueError(f"variants[{vi}].question_weights: '{qc}' is not a question code")
            if not w >= 0:
                raise ValueError(f"variants[{vi}].question_weights.{qc}: must be >= 0; found {w}")
        for s in v.sectors:
            if s in seen_sectors:
                raise ValueError(
                    f"variants[{vi}].sectors: sector '{s}' is already in variant '{seen_sectors[s]}'"
                )
            seen_sectors[s] = v.code
    qmap = {q.code: q for q in qs}
    for ai, a in enumerate(m.actions):
        for ei, e in enumerate(a.effects):
            path = f"actions[{ai}].effects[{ei}]"
            q = qmap.get(e.question)
            if q is None:
                raise ValueError(f"{path}.question: '{e.question}' is not a question code")
            if q.type == "numeric":
                if isinstance(e.to, str):
                    try:
                        float(e.to)
                    except ValueError:
                        raise ValueError(
                            f"{path}.to: numeric question '{q.code}' needs a number; found '{e.to}'"
                        ) from None
            else:
                opts = {o.code for o in m.options_of(q)}
                wanted = str(e.to).split(";")
                bad = [w for w in wanted if w not in opts]
                if bad:
                    raise ValueError(
                        f"{path}.to: option(s) {bad} not defined for question '{q.code}'; "
                        f"expected one of {sorted(opts)}"
                    )


# ---- compiled (array) form ---------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledModel:
    """Arrays derived from a model. ``Q`` questions (base + variant extras), ``D`` dimensions,
    ``V`` variants + 1 (index 0 is the base model), ``K`` levels.

    Attributes
    ----------
    qdim : (Q,) int — dimension index of each question.
    qweight : (V, Q) float — question weight per variant (0 = question not used by that variant).
    M : (V, Q, D) float — normalised question→dimension weights: ``D_score = S @ M[v]``.
    W : (V, D) float — normalised dimension weights (sum 1): ``total = D_score @ W[v]``.
    t : (K,) float — total thresholds; ``each`` (K,) floor on every dimension (NaN = none);
    dim_floor : (K, D) float (NaN = none); q_floor : (K, Q) float (NaN = none).
    """

    model: MaturityModel
    questions: tuple[Question, ...]
    qindex: dict[str, int]
    qdim: np.ndarray
    qweight: np.ndarray
    M: np.ndarray
    W: np.ndarray
    t: np.ndarray
    each: np.ndarray
    dim_floor: np.ndarray
    q_floor: np.ndarray
    sector_variant: dict[str, int]

    @classmethod
    def build(cls, m: MaturityModel) -> "CompiledModel":
        qs = m.all_questions
        qindex = {q.code: i for i, q in enumerate(qs)}
        dindex = {d: i for i, d in enumerate(m.dimension_codes)}
        Q, D, V, K = len(qs), len(m.dimensions), len(m.variants) + 1, len(m.levels)
        qdim = np.array([dindex[q.dimension] for q in qs], dtype=np.int64)
        base = np.array([q.weight for q in qs], dtype=np.float64)
        n_base = len(m.questions)
        qweight = np.zeros((V, Q))
        qweight[:, :n_base] = base[:n_base]
        W = np.tile(np.array([d.weight for d in m.dimensions], dtype=np.float64), (V, 1))
        for vi, v in enumerate(m.variants, start=1):
            for q in v.extra_questions:
                qweight[vi, qindex[q.code]] = q.weight
            for qc, w in v.question_weights.items():
                qweight[vi, qindex[qc]] = w
            for dc, w in v.dimension_weights.items():
                W[vi, dindex[dc]] = w
        W = W / W.sum(axis=1, keepdims=True)
        onehot = np.zeros((Q, D))
        onehot[np.arange(Q), qdim] = 1.0
        M = np.empty((V, Q, D))
        for vi in range(V):
            raw = qweight[vi][:, None] * onehot
            tot = raw.sum(axis=0)
            if np.any(tot <= 0):
                d = m.dimension_codes[int(np.argmin(tot))]
                raise InputError.at(
                    f"model '{m.code}': a sector variant leaves dimension '{d}' with "
                    "zero total question weight",
                    expected="at least one weighted question",
                )
            M[vi] = raw / tot
        t = np.array([lv.min_total for lv in m.levels], dtype=np.float64)
        each = np.array(
            [np.nan if lv.min_each_dimension is None else lv.min_each_dimension for lv in m.levels]
        )
        dim_floor = np.full((K, D), np.nan)
        q_floor = np.full((K, Q), np.nan)
        for k, lv in enumerate(m.levels):
            for dc, v in lv.min_dimension.items():
                dim_floor[k, dindex[dc]] = v
            for qc, v in lv.min_question.items():
                q_floor[k, qindex[qc]] = v
        sector_variant = {s: vi for vi, v in enumerate(m.variants, start=1) for s in v.sectors}
        for a in (qdim, qweight, M, W, t, each, dim_floor, q_floor):
            a.flags.writeable = False
        return cls(m, qs, qindex, qdim, qweight, M, W, t, each, dim_floor, q_floor, sector_variant)

    def level_ok(self, total: np.ndarray, dims: np.ndarray, qs: np.ndarray) -> np.ndarray:
        """(n, K) bool: whether each firm meets each level's own rule (not yet cumulative)."""
        n, K = total.shape[0], self.t.shape[0]
        ok = np.empty((n, K), dtype=bool)
        eps = 1e-9  # scores are sums of floats: a firm exactly on a threshold must pass it
        for k in range(K):
            cond = total >= self.t[k] - eps
            if not np.isnan(self.each[k]):
                cond &= (dims >= self.each[k] - eps).all(axis=1)
            fd = ~np.isnan(self.dim_floor[k])
            if fd.any():
                cond &= (dims[:, fd] >= self.dim_floor[k, fd] - eps).all(axis=1)
            fq = ~np.isnan(self.q_floor[k])
            if fq.any():
                cond &= (qs[:, fq] >= self.q_floor[k, fq] - eps).all(axis=1)
            ok[:, k] = cond
        return ok

    def level_index(self, total: np.ndarray, dims: np.ndarray, qs: np.ndarray) -> np.ndarray:
        """(n,) int: index of the highest level whose rule and all lower rules hold; -1 = unrated."""
        ok = np.logical_and.accumulate(self.level_ok(total, dims, qs), axis=1)
        return ok.sum(axis=1).astype(np.int64) - 1

    def score_vector(self, s: np.ndarray, variant: int) -> tuple[np.ndarray, float, int]:
        """Dimension scores, total and level index of one firm from its question-score vector."""
        d = s @ self.M[variant]
        tot = float(d @ self.W[variant])
        lvl = int(self.level_index(np.array([tot]), d[None, :], s[None, :])[0])
        return d, tot, lvl


# ---- loading -----------------------------------------------------------------------------------


def model_from_dict(data: Any, *, file: str | None = None) -> MaturityModel:
    """Validate a parsed YAML mapping into a :class:`MaturityModel`.

    Raises
    ------
    InputError
        naming the file, the path inside the YAML (``dimensions[2].weight``) and what was expected.

    Examples
    --------
    >>> m = model_from_dict({
    ...     "code": "tiny", "version": "1", "name_zh": "小", "name_en": "Tiny",
    ...     "dimensions": [{"code": "D1", "name_zh": "一", "name_en": "One", "weight": 1}],
    ...     "questions": [{"code": "Q1", "dimension": "D1", "name_zh": "问", "name_en": "Q",
    ...                    "type": "single_choice", "options": [
    ...                        {"code": "A", "name_zh": "无", "name_en": "none", "score": 0},
    ...                        {"code": "B", "name_zh": "有", "name_en": "yes", "score": 100}]}],
    ...     "levels": [{"code": "L1", "name_zh": "一级", "name_en": "L1", "min_total": 0}]})
    >>> m.question_codes
    ('Q1',)
    """
    data = require_mapping(data, "maturity model", file, "keys code, version, dimensions, questions, levels")
    try:
        return MaturityModel.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        path = yaml_path(err["loc"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
            # cross-check messages carry their own path prefix ("questions[3].dimension: ...")
            if err["loc"] == () and ":" in msg.split(" ")[0]:
                path, _, msg = msg.partition(": ")
        value = err.get("input")
        if isinstance(value, (dict, list, tuple)):
            value = None
        raise InputError.at(
            f"invalid maturity model at {path}: {msg}", file=file, value=value, expected=_expected(err)
        ) from None


def _expected(err: dict[str, Any]) -> str | None:
    t = err.get("type", "")
    if t == "missing":
        return "this key to be present"
    if t == "extra_forbidden":
        return "only the keys of the maturity-model schema (see docs/micro-assessment.md)"
    if t in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        ctx = err.get("ctx", {})
        sym = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[t]
        return f"a number {sym} {next(iter(ctx.values()), '')}"
    if t == "literal_error":
        return "one of single_choice, multiple_choice, numeric"
    if t.endswith("_parsing") or t.endswith("_type"):
        return t.replace("_parsing", "").replace("_type", "")
    return None


def shipped_model_path(code: str) -> Traversable:
    """The shipped YAML of a model code (``industrial_brain/config/maturity_models/<code>.yaml``)."""
    if code not in {c for c, _ in list_models()}:
        raise InputError.at(
            "unknown maturity model",
            column="model",
            value=code,
            expected="one of " + ", ".join(c for c, _ in list_models()),
        )
    return config_file("maturity_models", code)


def load_model(code_or_path: str | Path) -> MaturityModel:
    """Load and validate a maturity model from a shipped code or a YAML file path.

    The file is read by :func:`industrial_brain._shared.config.load_config` and validated by
    :func:`model_from_dict`.

    Examples
    --------
    >>> m = load_model("sme_digital_level")
    >>> m.dimension_codes
    ('foundation', 'operations', 'management', 'outcomes')
    """
    data = load_config("maturity_models", code_or_path)
    return model_from_dict(data, file=config_source("maturity_models", code_or_path))


def list_models() -> list[tuple[str, str]]:
    """``(code, version)`` of every shipped model, sorted by code."""
    out = []
    for name in list_configs("maturity_models"):
        data = load_config("maturity_models", name)
        if "dimensions" in data and "questions" in data:
            out.append((str(data["code"]), str(data["version"])))
    return out
