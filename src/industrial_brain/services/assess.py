"""Enterprise assessments: store filled questionnaires, read results back, follow firms over time,
report cohorts, build an enterprise profile; the demo population and its report figures.

Service layer: reads the store (:mod:`industrial_brain.store.enterprises`), calls the pure
:mod:`industrial_brain.micro` engines and stores through :mod:`industrial_brain.ingest.assessment`
with lineage. What one :func:`ingest_answers` call writes, in one transaction, is listed in
:mod:`industrial_brain.ingest.assessment`.

"Latest assessment" is the store's one definition: per enterprise and model code
(:data:`industrial_brain.store.enterprises.LATEST_ORDER`). The registry and aggregates over
enterprises for the interfaces are in :mod:`industrial_brain.services.enterprises`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.ingest.assessment import (
    commit_sheet,
    parse_date,
    prepare_sheet,
    read_answers,
    score_sheet,
)
from industrial_brain.ingest.files import read_frame
from industrial_brain.lineage import Lineage
from industrial_brain.micro.benchmarking import (
    ALL,
    BenchmarkTable,
    PublishedReference,
    aggregate,
    compare_with_reference,
    hide_lone_partner,
    mark_suppressed,
    published_reference_2022,
    suppress_one_way,
)
from industrial_brain.micro.diagnosis import diagnose
from industrial_brain.micro.model import MaturityModel, list_models, load_model, model_from_dict
from industrial_brain.micro.population import SyntheticPopulation, simulate_population
from industrial_brain.micro.questionnaire import write_template
from industrial_brain.micro.scoring import AssessmentScores, score_answers
from industrial_brain.services.enterprises import check_grouping, registration
from industrial_brain.services.releases import make_release, release_list
from industrial_brain.services.results import dataset_lineage, new_run_id
from industrial_brain.store import drafts as draft_store
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store import runs as run_store
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_kind

__all__ = [
    "DEFAULT_MODEL",
    "DEMO_DATASET_ID",
    "AssessmentIngest",
    "CohortReport",
    "EnterpriseProfile",
    "ScoredSheet",
    "SectorComparison",
    "Submission",
    "resolve_model",
    "model_catalog",
    "questionnaire",
    "write_questionnaire",
    "synthetic_population",
    "ingest_answers",
    "score_file",
    "benchmark_scores",
    "submit_assessment",
    "draft",
    "save_draft",
    "stored_model",
    "stored_results",
    "trajectory",
    "cohort",
    "enterprise_profile",
    "ensure_demo_population",
    "demo_sector_comparison",
    "demo_profile",
]

DEFAULT_MODEL = "digital_transformation_maturity"
#: Dataset id of the demo population stored by :func:`ensure_demo_population`.
DEMO_DATASET_ID = "synthetic_enterprise_assessment_2022"
#: Columns of a scores table (``ibrain assess score`` output) before the dimension columns.
SCORE_COLUMNS = ("uscc", "sector", "region", "total_score", "level")


# ---- result objects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentIngest(ResultMixin):
    """What :func:`ingest_answers` stored (or why it stored nothing: ``skipped``)."""

    dataset_id: str
    model_code: str
    model_version: str
    model_fingerprint: str
    n_assessments: int
    n_new_enterprises: int
    n_known_enterprises: int
    synthetic: bool
    run_id: str | None
    benchmark_run_id: str | None
    skipped: bool
    message: str
    scores: AssessmentScores | None = field(default=None, repr=False)
    lineage: Lineage | None = field(default=None, repr=False)

    title_en = "Assessment ingest"
    title_zh = "评估问卷入库"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("数据集" if zh else "dataset", self.dataset_id)
        yield (
            "模型" if zh else "model",
            f"{self.model_code} {self.model_version} ({self.model_fingerprint[:12]})",
        )
        yield ("评估份数" if zh else "assessments", self.n_assessments)
        yield ("新登记企业" if zh else "new enterprises", self.n_new_enterprises)
        yield ("已登记企业" if zh else "enterprises already registered", self.n_known_enterprises)
        yield ("合成数据" if zh else "synthetic", "yes" if self.synthetic else "no")
        yield ("说明" if zh else "message", self.message)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.scores.to_frame(lang) if self.scores is not None else pd.DataFrame()


@dataclass(frozen=True)
class CohortReport(ResultMixin):
    """Level distribution of a sector's / region's / size class's enterprises at two dates.

    ``frame``: one row per group plus ``ALL``; columns ``n_start``, ``mean_start``,
    ``share_<level>_start`` …, the same with ``_end``, ``mean_change`` and ``share_<level>_change``
    (percentage points / 100), ``suppressed`` and ``suppression``. A group is suppressed (every number
    NaN) when fewer than ``k`` enterprises stand behind it at either date, or when it must be hidden so
    that a suppressed group cannot be worked out from the total (complementary suppression).
    """

    frame: pd.DataFrame
    by: str
    start: _dt.date
    end: _dt.date
    model_code: str
    model_versions: tuple[str, ...]
    same_firms: bool
    k: int
    lineage: Lineage = field(repr=False)

    title_en = "Cohort report: level distribution between two dates"
    title_zh = "群体报告：两个日期之间的等级分布变化"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("分组" if zh else "by", self.by)
        yield ("起止日期" if zh else "dates", f"{self.start} → {self.end}")
        yield ("模型" if zh else "model", f"{self.model_code} ({', '.join(self.model_versions) or '—'})")
        yield ("同一批企业" if zh else "same firms at both dates", "yes" if self.same_firms else "no")
        yield ("最少企业数 k" if zh else "minimum enterprises k", self.k)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.frame.copy()


@dataclass(frozen=True)
class EnterpriseProfile(ResultMixin):
    """One enterprise: registration, latest result, trajectory, benchmark and roadmap."""

    uscc: str
    name: str
    sector: str | None
    region: str | None
    size_class: str | None
    model: MaturityModel = field(repr=False)
    latest: pd.Series = field(repr=False)
    dimensions: pd.DataFrame = field(repr=False)  # diagnosis dimension table (score, benchmark, gaps…)
    trajectory: pd.DataFrame = field(repr=False)
    roadmap: pd.DataFrame = field(repr=False)
    blocking: tuple[str, ...]
    next_level: str | None
    sector_n: int
    sector_percentile: float
    synthetic: bool
    k: int
    lineage: Lineage = field(repr=False)

    title_en = "Enterprise digital-transformation profile"
    title_zh = "企业数字化转型画像"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("企业" if zh else "enterprise", f"{self.uscc} {self.name}")
        yield ("行业" if zh else "sector", self.sector or "—")
        yield ("地区" if zh else "region", self.region or "—")
        yield ("评估日期" if zh else "assessed on", str(self.latest["taken_on"]))
        yield ("模型" if zh else "model", f"{self.model.code} {self.latest['model_version']}")
        yield ("总分" if zh else "total score", float(self.latest["total_score"]))
        yield ("等级" if zh else "level", self.latest["level"])
        yield ("目标等级" if zh else "next level", self.next_level or "—")
        yield (
            "行业内百分位" if zh else "sector percentile",
            self.sector_percentile if self.sector_n >= self.k else "withheld (fewer than k peers)",
        )
        for b in self.blocking:
            yield ("制约因素" if zh else "blocked by", b)
        if self.synthetic:
            yield ("数据性质" if zh else "data", "合成数据" if zh else "SYNTHETIC — not a real enterprise")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.dimensions.copy()


@dataclass(frozen=True)
class ScoredSheet:
    """A scored answer sheet (:func:`score_file`): the model, the scores and, when a store was
    given, what was stored (``stored.skipped`` when the same sheet was already there)."""

    model: MaturityModel
    scores: AssessmentScores
    stored: AssessmentIngest | None = None


@dataclass(frozen=True)
class Submission:
    """One questionnaire submitted for an enterprise (:func:`submit_assessment`)."""

    uscc: str
    dataset_id: str
    total_score: float | None
    level: str | None
    skipped: bool


@dataclass(frozen=True)
class SectorComparison:
    """The demo population's sector means beside the published reference (:func:`demo_sector_comparison`)."""

    n: int
    model_version: str
    reference: PublishedReference
    comparison: pd.DataFrame  # compare_with_reference: one row per published sector plus ALL
    n_primary: int  # sector × region cells under k suppressed …
    n_complementary: int  # … and hidden so that none can be recovered from the margins
    level_shares: pd.Series  # share of firms per level L1 … L5
    k: int


# ---- models and questionnaires -------------------------------------------------------------------------


def resolve_model(model: MaturityModel | str) -> MaturityModel:
    """A maturity model from a shipped model code or a YAML path (a model is returned as is)."""
    return model if isinstance(model, MaturityModel) else load_model(model)


def _model_row(m: MaturityModel, version: str, lang: str) -> dict[str, Any]:
    return {
        "code": m.code,
        "version": version,
        "name": m.name_zh if lang == "zh" else m.name_en,
        "dimensions": len(m.dimensions),
        "questions": len(m.all_questions),
        "levels": " ".join(m.level_codes),
        "fingerprint": m.fingerprint[:12],
    }


def model_catalog(store: Store | None = None, *, lang: str = "en") -> pd.DataFrame:
    """The shipped maturity models (code, version, name, dimensions, questions, levels, fingerprint).

    With a ``store``, also the models in its registry (every model that scored stored results) and a
    column ``origin``: ``shipped``, ``stored`` or ``shipped, stored`` (same fingerprint).
    """
    check_lang(lang)
    shipped = [load_model(code) for code, _ in list_models()]
    rows = [_model_row(m, m.version, lang) for m in shipped]
    if store is None:
        return pd.DataFrame(rows)
    fps = {m.fingerprint: i for i, m in enumerate(shipped)}
    for r in rows:
        r["origin"] = "shipped"
    registry = run_store.runs(store, "assess_model").sort_values(["method", "version"])
    for reg in registry.itertuples(index=False):
        if reg.note in fps:
            rows[fps[reg.note]]["origin"] = "shipped, stored"
        else:
            rows.append(
                _model_row(model_from_dict(json.loads(reg.params)), str(reg.version), lang)
                | {"origin": "stored"}
            )
    return pd.DataFrame(rows)


def questionnaire(
    model: str = DEFAULT_MODEL, *, lang: str = "en", sector: str | None = None
) -> dict[str, Any]:
    """The questions of a model as plain data: code, dimension and its name, text, type, required,
    sector variant, and answer options (choice questions) or range and unit (numeric questions).

    ``variants`` lists each sector variant with its sectors. With ``sector`` (an enterprise's
    registered sector) the questions are those that enterprise answers — the base questions and the
    extra questions of its sector's variant, which the scoring then requires like any other — and
    ``variant`` names that variant (``""`` for the base model).
    """
    check_lang(lang)
    zh = lang == "zh"
    m = resolve_model(model)
    dims = {d.code: (d.name_zh if zh else d.name_en) for d in m.dimensions}
    variant_of = {q.code: v.code for v in m.variants for q in v.extra_questions}
    own = next((v.code for v in m.variants if sector is not None and sector in v.sectors), "")
    qs = []
    for q in m.all_questions:
        if sector is not None and variant_of.get(q.code, own) != own:
            continue
        item = {
            "code": q.code,
            "dimension": q.dimension,
            "dimension_name": dims.get(q.dimension),
            "text": q.name_zh if zh else q.name_en,
            "type": q.type,
            "required": bool(q.required),
            "sector_variant": variant_of.get(q.code, ""),
        }
        if q.type == "numeric":
            item.update(min=float(q.answer_min), max=float(q.answer_max), unit=q.unit or "")
        else:
            item["options"] = [
                {"code": o.code, "name": o.name_zh if zh else o.name_en} for o in m.options_of(q)
            ]
        qs.append(item)
    variants = [
        {"code": v.code, "name": v.name_zh if zh else v.name_en, "sectors": list(v.sectors)}
        for v in m.variants
    ]
    out = {
        "model": m.code,
        "version": str(m.version),
        "questions": qs,
        "count": len(qs),
        "variants": variants,
    }
    if sector is not None:
        out.update(sector=sector, variant=own)
    return out


def write_questionnaire(model: MaturityModel | str, out: str | Path, *, lang: str = "en") -> MaturityModel:
    """Write a blank questionnaire of ``model`` to ``out`` (``.xlsx`` with dropdowns, ``.csv`` header
    only); return the model."""
    m = resolve_model(model)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template(m, out, lang=lang)
    return m


def synthetic_population(
    n: int = 10_000, *, seed: int = 0, model: MaturityModel | str = DEFAULT_MODEL
) -> SyntheticPopulation:
    """A SYNTHETIC population of ``n`` enterprises calibrated to the published 2022 sector scores
    (:func:`industrial_brain.micro.population.simulate_population`)."""
    return simulate_population(n, seed=seed, model=model)


# ---- storing answer sheets --------------------------------------------------------------------------------


def stored_model(store: Store, fingerprint: str) -> MaturityModel:
    """The exact maturity model (by fingerprint) that scored stored results."""
    reg = run_store.runs(store, "assess_model", note=fingerprint)
    if reg.empty:
        raise InputError.at(
            "maturity model not found in the store",
            column="model_fingerprint",
            value=fingerprint[:12],
            expected="a model that scored stored assessments",
        )
    return model_from_dict(json.loads(reg["params"].iloc[0]))


def ingest_answers(
    store: Store,
    answers: pd.DataFrame | str | Path,
    *,
    model: MaturityModel | str = DEFAULT_MODEL,
    dataset_id: str | None = None,
    taken_on: Any = None,
    synthetic: bool | None = None,
    title: str | None = None,
    source: str = "",
    publisher: str = "",
    licence: str = "",
    grade: str = "important",
    k: int = 3,
    file: str | None = None,
    sheet=None,
    replace: bool = False,
) -> AssessmentIngest:
    """Score a filled questionnaire and store it whole, or store nothing.

    Parameters
    ----------
    store : an open (writable) store.
    answers : a DataFrame (one row per enterprise: ``uscc``, ``name``, ``sector``, ``region``,
        ``size_class``, optional ``taken_on``, one column per question code) or a file path.
    model : a :class:`MaturityModel`, a shipped model code or a YAML path.
    dataset_id : id of the new dataset (default ``assess_<model>_<hash>`` of the sheet's sha256, the
        model fingerprint and the dates).
    taken_on : date of the assessments where the sheet has no ``taken_on`` column (default: today, UTC).
    synthetic : mark the dataset synthetic; default: True when every enterprise name ends with
        ``(synthetic)`` (as the demo generator writes them) or the frame has ``attrs['synthetic']``.
    grade : ``important`` (default) or ``core``; enterprise-level data is never ``general``.
    k : minimum number of enterprises behind a stored aggregate (the sheet's sector × region benchmark).
    replace : replace a dataset with the same id (its assessments and results; registrations stay).

    Returns
    -------
    AssessmentIngest — ``skipped`` when the same sheet (sha256), scored by the same model for the
    same dates, is already stored.

    Raises
    ------
    InputError — the first bad cell (row, column, value, expected) and the count of the others;
        ``err.problems`` lists them. Nothing is written.

    Examples
    --------
    >>> from industrial_brain.store import Store
    >>> from industrial_brain.micro.population import simulate_population
    >>> with Store(":memory:") as s:
    ...     rep = ingest_answers(s, simulate_population(50, seed=1).answers, taken_on="2022-12-31")
    ...     rep.n_assessments, rep.synthetic, s.table_counts()["assessment_result"]
    (50, True, 50)
    """
    if k < 1:
        raise InputError.at("k must be at least 1", column="k", value=k, expected="an integer >= 1")
    m = resolve_model(model)
    sh = prepare_sheet(
        store,
        answers,
        m,
        dataset_id=dataset_id,
        taken_on=taken_on,
        synthetic=synthetic,
        title=title,
        source=source,
        publisher=publisher,
        licence=licence,
        grade=grade,
        file=file,
        sheet=sheet,
        replace=replace,
    )
    if sh.duplicate_of is not None:
        return AssessmentIngest(
            sh.duplicate_of,
            m.code,
            m.version,
            m.fingerprint,
            0,
            0,
            0,
            False,
            None,
            None,
            True,
            f"this sheet (sha256 {sh.sha256[:12]}) is already stored as dataset '{sh.duplicate_of}'",
        )
    ds = ((sh.info.dataset_id, sh.sha256),)
    lineage = Lineage.make(
        "services.assess.ingest_answers",
        {
            "model": m.code,
            "model_version": sh.version,
            "model_fingerprint": m.fingerprint,
            "n": sh.n,
            "k": k,
            "synthetic": sh.synthetic,
        },
        datasets=ds,
    )
    bench_frame = sh.benchmark_frame()
    levels = list(sh.scores.level.cat.categories)
    bench = (
        aggregate(bench_frame, ("sector", "region"), k=k, level_codes=levels) if len(bench_frame) else None
    )
    bench_run = new_run_id("assess_benchmark") if bench is not None else None
    bench_lineage = Lineage.make(
        "micro.aggregate",
        {"by": ["sector", "region"], "k": k, "model": m.code, "model_version": sh.version},
        datasets=ds,
    )
    run_id = new_run_id("assess_score")
    commit_sheet(
        store,
        sh,
        run_id=run_id,
        lineage=lineage,
        benchmark=bench,
        benchmark_run_id=bench_run,
        benchmark_lineage=bench_lineage,
    )
    n_new = len(sh.new_enterprises)
    msg = f"stored {sh.n} assessments ({n_new} new enterprises)"
    if sh.version != m.version:
        msg += (
            f"; model '{m.code}' {m.version} differs from the stored model of the same version: "
            f"stored as version {sh.version}"
        )
    return AssessmentIngest(
        sh.info.dataset_id,
        m.code,
        sh.version,
        m.fingerprint,
        sh.n,
        n_new,
        sh.n_known,
        sh.synthetic,
        run_id,
        bench_run,
        False,
        msg,
        sh.scores,
        lineage,
    )


def score_file(
    path: str | Path,
    *,
    model: MaturityModel | str = DEFAULT_MODEL,
    sheet: str | int | None = None,
    taken_on: Any = None,
    store: Store | None = None,
    dataset_id: str | None = None,
    synthetic: bool | None = None,
    grade: str = "important",
    k: int = 3,
) -> ScoredSheet:
    """Score a filled questionnaire file; with a ``store`` also store it (:func:`ingest_answers`).

    Without a store nothing is written anywhere; the sheet is checked exactly as when storing it.
    """
    m = resolve_model(model)
    frame = read_answers(path, sheet=sheet)
    rep = None
    if store is not None:
        rep = ingest_answers(
            store,
            frame,
            model=m,
            dataset_id=dataset_id,
            taken_on=taken_on,
            synthetic=synthetic,
            grade=grade,
            k=k,
            file=str(path),
        )
    if rep is None or rep.skipped:
        scores, _ = score_sheet(frame, m, file=str(path), taken_on=taken_on or "1970-01-01")
    else:
        scores = rep.scores
    return ScoredSheet(m, scores, rep)


#: Limits of a draft (:func:`save_draft`): answers, characters of a code, of a text answer, options.
DRAFT_LIMITS = {"answers": 500, "code": 40, "text": 200, "options": 50}


def draft(store: Store, uscc: str) -> dict[str, Any]:
    """The questionnaire draft of an enterprise: ``answers`` (question code → option code, list of
    option codes or number, as the form holds them) and ``updated_at`` (UTC; None when there is none)."""
    d = draft_store.read_draft(store, uscc)
    return d if d is not None else {"answers": {}, "updated_at": None}


def save_draft(store: Store, uscc: str, answers: dict[str, Any], *, by: str | None = None) -> dict[str, Any]:
    """Keep an enterprise's unsubmitted answers (replacing its draft) so that the form can be left and
    taken up again; nothing is scored or checked against the model here (:func:`submit_assessment`
    does that), only the shape: codes are short text, answers text, numbers or lists of text
    (:data:`DRAFT_LIMITS`). The draft is deleted when the enterprise submits."""
    lim = DRAFT_LIMITS
    if len(answers) > lim["answers"]:
        raise InputError.at(
            "too many answers in a draft",
            column="answers",
            value=len(answers),
            expected=f"at most {lim['answers']}",
        )
    for code, v in answers.items():
        if not isinstance(code, str) or not 0 < len(code) <= lim["code"]:
            raise InputError.at(
                "a question code of 1 to 40 characters", column="answers", value=str(code)[:60]
            )
        ok = (
            (isinstance(v, (int, float)) and not isinstance(v, bool) and bool(np.isfinite(v)))
            or (isinstance(v, str) and len(v) <= lim["text"])
            or (
                isinstance(v, list)
                and len(v) <= lim["options"]
                and all(isinstance(x, str) and len(x) <= lim["code"] for x in v)
            )
        )
        if not ok:
            raise InputError.at(
                "an answer a draft cannot hold",
                column=code,
                value=str(v)[:60],
                expected="an option code, a list of option codes or a number",
            )
    at = draft_store.write_draft(store, uscc, answers, by=by)
    return {"answers": answers, "updated_at": at}


def submit_assessment(
    store: Store,
    uscc: str,
    answers: dict[str, Any],
    *,
    taken_on: str | None = None,
    model: MaturityModel | str = DEFAULT_MODEL,
) -> Submission:
    """Score and store one questionnaire of a registered enterprise (all or nothing).

    ``answers`` maps question codes to option codes (a list or ``;``-separated text for multiple
    choice) or numbers; ``taken_on`` defaults to today (UTC). Sector, region and size class come from
    the enterprise's registration.
    """
    e = registration(store, uscc)
    row = {
        "uscc": uscc,
        "name": e["name"],
        "sector": e["sector_code"],
        "region": e["region_code"],
        "size_class": e["size_class"],
    }
    for code, v in answers.items():
        row[code] = ";".join(v) if isinstance(v, list) else v
    taken = taken_on or _dt.datetime.now(_dt.UTC).date().isoformat()
    rep = ingest_answers(
        store, pd.DataFrame([row]), model=model, taken_on=taken, file="api submission", synthetic=False
    )
    res = enterprise_store.assessment_results(
        store, uscc=uscc, dataset_id=rep.dataset_id, latest=False, dimensions=False
    )
    last = res.sort_values("taken_on").iloc[-1] if len(res) else None
    draft_store.delete_draft(store, uscc)  # submitted: the draft has done its work
    return Submission(
        uscc,
        rep.dataset_id,
        None if last is None else float(last["total_score"]),
        None if last is None else str(last["level"]),
        bool(rep.skipped),
    )


# ---- benchmarks of a scores table ------------------------------------------------------------------------


def _read_scores(path: str | Path) -> pd.DataFrame:
    f = read_frame(path)
    for c in ("uscc", "total_score", "level"):
        if c not in f.columns:
            raise InputError.at(
                "column missing from the scores file",
                file=str(path),
                row=1,
                column=c,
                expected="the columns of a scores table: " + ", ".join(SCORE_COLUMNS),
            )
    x = pd.to_numeric(f["total_score"], errors="coerce")
    bad = x.isna() | (x < 0) | (x > 100)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError.at(
            "bad total score",
            file=str(path),
            row=i + 2,
            column="total_score",
            value=f["total_score"].iat[i],
            expected="a number from 0 to 100",
        )
    f["total_score"] = x.astype(np.float64)
    return f.set_index("uscc")


def _level_order(levels) -> list[str]:
    def key(s: str):
        mm = re.fullmatch(r"([A-Za-z]*)(\d+)", s)
        return (0, int(mm.group(2))) if mm else (1, s)

    return sorted({str(v) for v in levels if pd.notna(v)}, key=key)


def benchmark_scores(
    path: str | Path,
    by: str = "sector",
    *,
    k: int = 3,
    answers: str | Path | None = None,
    store: Store | None = None,
) -> BenchmarkTable:
    """Aggregates of a scores table by sector, region or size class, small cells suppressed.

    A grouping column the scores table lacks (``size_class``) is looked up by USCC in the answer
    sheet ``answers`` or in the ``store``'s enterprise registry. Columns: the grouping, n, mean, q1,
    median, q3, share_<level> …, suppressed, suppression; by sector also ``published_mean_2022``
    (the published reference, labelled as such).
    """
    check_grouping(by)
    f = _read_scores(path)
    if by not in f.columns and answers is not None:
        a = read_answers(answers)
        if "uscc" in a.columns and by in a.columns:
            key = a["uscc"].astype(str).str.strip().str.upper()
            f[by] = f.index.map(dict(zip(key, a[by])))
    if by not in f.columns and store is not None:
        reg = enterprise_store.registrations(store).rename(
            columns={"sector_code": "sector", "region_code": "region"}
        )
        f[by] = f.index.map(dict(zip(reg["uscc"], reg[by])))
    if by not in f.columns:
        raise InputError.at(
            "column missing from the scores file",
            file=str(path),
            row=1,
            column=by,
            expected=f"a '{by}' column, or an answer sheet or a store to look it up by uscc",
        )
    if f[by].isna().any():
        i = int(np.flatnonzero(f[by].isna().to_numpy())[0])
        raise InputError.at(
            f"missing {by}",
            file=str(path),
            row=i + 2,
            column=by,
            value=f.index[i],
            expected=f"a {by} for every enterprise",
        )
    t = aggregate(f, by, k=k, level_codes=_level_order(f["level"]))
    if by != "sector":
        return t
    ref = published_reference_2022()
    pub = dict(ref.sectors["mean_score"])
    pub[ALL] = ref.national_mean
    frame = t.frame.copy()
    frame["published_mean_2022"] = frame.index.map(pub)
    return dataclasses.replace(t, frame=frame)


# ---- reading results back ---------------------------------------------------------------------------------


def stored_results(
    store: Store,
    *,
    model_code: str | None = None,
    uscc: str | Sequence[str] | None = None,
    as_of: Any = None,
    latest: bool = True,
    dimensions: bool = True,
    sector: str | None = None,
    model_fingerprint: str | None = None,
) -> pd.DataFrame:
    """Stored scored assessments joined with the enterprise registry.

    One row per assessment (``latest=True``: only each enterprise's latest assessment on or before
    ``as_of``, per model code), columns ``assessment_id, uscc, name, sector, region, size_class,
    taken_on, model_code, model_version, model_fingerprint, total_score, level, dataset_id, synthetic``
    and, with ``dimensions``, one column per dimension code.
    """
    as_of = parse_date(as_of, "as_of") if as_of is not None else None
    return enterprise_store.assessment_results(
        store,
        model_code=model_code,
        uscc=uscc,
        as_of=as_of,
        latest=latest,
        dimensions=dimensions,
        sector=sector,
        model_fingerprint=model_fingerprint,
    )


def trajectory(store: Store, uscc: str, *, model_code: str | None = None) -> pd.DataFrame:
    """Every stored assessment of one enterprise, oldest first, with the model version that scored it."""
    df = stored_results(store, model_code=model_code, uscc=uscc, latest=False)
    if df.empty:
        raise InputError.at(
            "enterprise has no stored assessment",
            column="uscc",
            value=uscc,
            expected="the USCC of an enterprise with a stored assessment",
        )
    return df.sort_values(["taken_on", "assessment_id"]).reset_index(drop=True)


def _level_codes(store: Store, model_code: str, fingerprints: Iterable[str]) -> list[str]:
    codes: list[str] = []
    for fp in fingerprints:
        try:
            m = stored_model(store, fp)
        except InputError:
            continue
        lv = ([m.unrated.code] if m.unrated else []) + list(m.level_codes)
        for c in lv:
            if c not in codes:
                codes.append(c)
    return codes


def cohort(
    store: Store,
    by: str = "sector",
    start: Any = None,
    end: Any = None,
    *,
    model_code: str = DEFAULT_MODEL,
    same_firms: bool = False,
    k: int = 3,
) -> CohortReport:
    """How a sector's (region's, size class's) level distribution moved between two dates.

    Each enterprise counts with its latest assessment on or before each date. With ``same_firms``
    only enterprises assessed by both dates *and* re-assessed after ``start`` count (a balanced
    panel: the way assessment programmes measure the effect of support).

    Suppression: a group is hidden when it has 1 ≤ n < k enterprises at either date; then, at each
    date, complementary suppression (:func:`~industrial_brain.micro.benchmarking.suppress_one_way`)
    hides one more group if a lone hidden group could be recovered from the ``ALL`` row.
    """
    check_grouping(by)
    if start is None or end is None:
        raise InputError.at("a cohort report needs two dates", column="start/end", expected="two ISO dates")
    d0, d1 = parse_date(start, "start"), parse_date(end, "end")
    if d0 >= d1:
        raise InputError.at(
            "the start date must come before the end date",
            column="start",
            value=f"{d0} → {d1}",
            expected="start < end",
        )
    a = stored_results(store, model_code=model_code, as_of=d0, dimensions=False)
    b = stored_results(store, model_code=model_code, as_of=d1, dimensions=False)
    if same_firms:
        b = b[b["taken_on"] > d0]
        both = set(a["uscc"]) & set(b["uscc"])
        a, b = a[a["uscc"].isin(both)], b[b["uscc"].isin(both)]
    fps = pd.unique(pd.concat([a["model_fingerprint"], b["model_fingerprint"]]))
    levels = _level_codes(store, model_code, fps) or sorted(set(a["level"]) | set(b["level"]))
    groups = sorted(set(a[by].dropna().astype(str)) | set(b[by].dropna().astype(str)))

    def stats(df: pd.DataFrame, suffix: str) -> pd.DataFrame:
        g = df.assign(_g=df[by].astype(str))
        rows = {}
        for key, sub in list(g.groupby("_g")) + [(ALL, g)]:
            r = {
                f"n_{suffix}": float(len(sub)),
                f"mean_{suffix}": float(sub["total_score"].mean()) if len(sub) else np.nan,
            }
            for lv in levels:
                r[f"share_{lv}_{suffix}"] = float((sub["level"] == lv).mean()) if len(sub) else np.nan
            rows[key] = r
        return pd.DataFrame.from_dict(rows, orient="index").reindex([*groups, ALL])

    fa, fb = stats(a, "start"), stats(b, "end")
    out = pd.concat([fa, fb], axis=1)
    out[["n_start", "n_end"]] = out[["n_start", "n_end"]].fillna(0.0)
    out["mean_change"] = out["mean_end"] - out["mean_start"]
    for lv in levels:
        out[f"share_{lv}_change"] = out[f"share_{lv}_end"] - out[f"share_{lv}_start"]
    sup = np.zeros(len(out), dtype=bool)
    comp = np.zeros(len(out), dtype=bool)
    for col in ("n_start", "n_end"):
        n = out[col].to_numpy()[:-1].astype(np.int64)
        s, t, c = suppress_one_way(n, int(out[col].iloc[-1]), k)
        sup[:-1] |= s
        comp[:-1] |= c
        sup[-1] |= t
    # a group hidden at one date only must also hide a partner at the other date
    for col in ("n_start", "n_end"):
        if hide_lone_partner(out[col].to_numpy()[:-1].astype(np.int64), sup[:-1], comp[:-1]):
            sup[-1] = True
    comp &= sup
    mark_suppressed(out, sup, comp)
    out.index.name = by
    versions = tuple(sorted(set(a["model_version"]) | set(b["model_version"])))
    lineage = Lineage.make(
        "services.assess.cohort",
        {"by": by, "start": str(d0), "end": str(d1), "model": model_code, "same_firms": same_firms, "k": k},
        datasets=_datasets(store, pd.concat([a["dataset_id"], b["dataset_id"]])),
    )
    return CohortReport(out, by, d0, d1, model_code, versions, same_firms, k, lineage)


def _datasets(store: Store, ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return dataset_lineage(store, pd.unique(pd.Series(list(ids), dtype=object)).tolist())


# ---- enterprise profile ------------------------------------------------------------------------------


def enterprise_profile(
    store: Store, uscc: str, *, model_code: str | None = None, k: int = 3
) -> EnterpriseProfile:
    """Profile of one enterprise from the store: latest result, trajectory, sector benchmark, roadmap.

    The latest assessment's stored answers are re-scored with the exact stored model (by
    fingerprint) for the diagnosis; the benchmark is the median dimension score of the enterprise's
    sector peers (latest results scored by the same model), withheld when fewer than ``k``.
    """
    code = str(uscc).strip().upper()
    traj = trajectory(store, code, model_code=model_code)
    latest = traj.iloc[-1]
    m = stored_model(store, latest["model_fingerprint"])
    answers = pd.DataFrame([enterprise_store.assessment_answers(store, latest["assessment_id"])])
    answers.insert(0, "uscc", code)
    sector = latest["sector"] if isinstance(latest["sector"], str) else None
    if sector is not None:
        answers.insert(1, "sector", sector)
    scores = score_answers(m, answers, check_uscc=False)
    # sector peers: each firm's latest assessment under this model, kept when the same model scored it
    same = (
        stored_results(store, model_code=m.code, sector=sector)
        if sector is not None
        else pd.DataFrame(columns=["model_fingerprint", "total_score", *m.dimension_codes])
    )
    same = same[same["model_fingerprint"] == m.fingerprint]
    dcodes = list(m.dimension_codes)
    bench = same[dcodes].median() if len(same) >= k else pd.Series(np.nan, index=dcodes)
    d = diagnose(m, scores, code, benchmark=bench, k=k)
    if len(same) >= k:
        x = same["total_score"].to_numpy()
        t = float(latest["total_score"])
        pct = 100.0 * (float((x < t - 1e-12).sum()) + 0.5 * float((np.abs(x - t) <= 1e-12).sum())) / len(x)
    else:
        pct = float("nan")
    lineage = Lineage.make(
        "services.assess.enterprise_profile",
        {"uscc": code, "model": m.code, "model_fingerprint": m.fingerprint, "k": k},
        datasets=_datasets(store, traj["dataset_id"]),
    )
    return EnterpriseProfile(
        uscc=code,
        name=str(latest["name"]) if isinstance(latest["name"], str) else "",
        sector=sector,
        region=latest["region"] if isinstance(latest["region"], str) else None,
        size_class=latest["size_class"] if isinstance(latest["size_class"], str) else None,
        model=m,
        latest=latest,
        dimensions=d.dimensions,
        trajectory=traj,
        roadmap=d.roadmap,
        blocking=d.blocking,
        next_level=d.next_level,
        sector_n=int(len(same)),
        sector_percentile=pct,
        synthetic=bool(latest["synthetic"]),
        k=k,
        lineage=lineage,
    )


# ---- demo population ---------------------------------------------------------------------------------------


def ensure_demo_population(
    store: Store, *, n: int = 5_000, seed: int = 2022, taken_on: str = "2022-12-31"
) -> str:
    """Store the SYNTHETIC demo population once (dataset :data:`DEMO_DATASET_ID`) and, when its model
    has no release yet, make the first release of the aggregates over it (so a fresh ``make run``
    serves aggregates); return the dataset id."""
    if dataset_kind(store, DEMO_DATASET_ID) is not None:
        return DEMO_DATASET_ID
    pop = simulate_population(n, seed=seed)
    ingest_answers(
        store,
        pop.answers,
        dataset_id=DEMO_DATASET_ID,
        taken_on=taken_on,
        synthetic=True,
        title=f"SYNTHETIC enterprise assessment population (n={n}, seed={seed}), calibrated to "
        "the published 2022 sector scores",
        publisher="Industrial Brain (generated)",
        licence="CC0-1.0 (synthetic)",
    )
    if not release_list(store, model_code=DEFAULT_MODEL).shape[0]:
        make_release(store, model_code=DEFAULT_MODEL, period=taken_on[:4], made_by="demo")
    return DEMO_DATASET_ID


def _demo_results(store: Store) -> pd.DataFrame:
    ensure_demo_population(store)
    res = stored_results(store, model_code=DEFAULT_MODEL, latest=False)
    return res[res["dataset_id"] == DEMO_DATASET_ID]


def demo_sector_comparison(store: Store, *, k: int = 3) -> SectorComparison:
    """The demo population (stored once) against the published 2022 sector means, with the counts of
    suppressed sector × region cells and the share of firms at each level."""
    res = _demo_results(store).set_index("uscc")
    agg = aggregate(res, ("sector", "region"), k=k)
    lv = res["level"].value_counts(normalize=True).reindex(["L1", "L2", "L3", "L4", "L5"]).fillna(0.0)
    comp = compare_with_reference(res, low_levels=("L1",))
    return SectorComparison(
        len(res),
        str(res["model_version"].iloc[0]),
        published_reference_2022(),
        comp,
        agg.n_primary,
        agg.n_complementary,
        lv,
        k,
    )


def demo_profile(store: Store) -> EnterpriseProfile:
    """Profile of one firm of the demo population: a Machinery firm at L2 nearest its group's median."""
    res = _demo_results(store)
    cand = res[(res["sector"] == "Machinery") & (res["level"] == "L2")]
    if cand.empty:
        cand = res
    med = cand["total_score"].median()
    pick = cand.iloc[int(np.argmin(np.abs(cand["total_score"].to_numpy() - med)))]
    return enterprise_profile(store, pick["uscc"])


def sector_names_zh() -> dict[str, str]:
    """The Chinese name of each assessment sector (the sector codes are English names: ``Machinery`` →
    ``机械``), from the published 2022 reference's sector list."""
    ref = published_reference_2022()
    return dict(zip(ref.sectors.index.astype(str), ref.sectors["name_zh"].astype(str)))
