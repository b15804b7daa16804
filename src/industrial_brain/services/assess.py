"""Enterprise assessments in the store: ingest filled questionnaires, read results back, follow firms
over time, report cohorts, build an enterprise profile.

Service layer (reads the store → calls the pure :mod:`industrial_brain.micro` engines → writes with
lineage). What one :func:`ingest_answers` call writes, in **one transaction** (all or nothing):

* ``dataset`` — one row, kind ``assessment``, grade ``important`` or ``core`` (enterprise-level data
  is never ``general``); a synthetic sheet says ``SYNTHETIC`` in its title and source;
* ``enterprise`` — enterprises not yet registered (USCC checked, region mapped to GB/T 2260, size
  class normalised); enterprises already registered keep their registration;
* ``assessment`` — the raw answers (JSON), model code and version, date taken, dataset id;
* ``assessment_result`` — total, level and dimension scores (JSON) with the model's code, version
  and fingerprint and the scoring run id;
* ``analysis_run`` — the scoring run (kind ``assess_score``), the sector × region benchmark of the
  sheet (kind ``assess_benchmark``, values in ``analysis_value`` with small cells suppressed), and —
  the first time a model fingerprint is seen — the model definition itself (kind ``assess_model``), so
  that old results can always be re-read with the exact model that scored them;
* ``audit`` — one row.

Model versions. A result records ``model_version`` and ``model_fingerprint`` (SHA-256 of the model's
content). If a model is changed but keeps its version string, the stored version becomes
``<version>+<fingerprint[:8]>``: two different models never share a stored version, and results
already stored are never re-scored — they keep their version and fingerprint.

Sector names. Sectors named as in the published 2022 reference (``Electronics`` … ``Waste
recycling``) are registered under the sector scheme ``dt2022`` (with their Chinese names); any other
sector text is kept as given under the scheme ``assessment``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.benchmarking import (
    ALL,
    aggregate,
    hide_lone_partner,
    mark_suppressed,
    published_reference_2022,
    suppress_one_way,
)
from industrial_brain.micro.model import MaturityModel, load_model, model_from_dict
from industrial_brain.micro.scoring import AssessmentScores, CellProblem, score_answers
from industrial_brain.store.connection import Store

__all__ = [
    "DEFAULT_MODEL", "PUBLISHED_SECTOR_SCHEME", "AssessmentIngest", "CohortReport", "EnterpriseProfile",
    "read_answers", "score_sheet", "ingest_answers", "stored_model", "stored_results", "trajectory", "cohort",
    "enterprise_profile", "ensure_demo_population", "DEMO_DATASET_ID",
]

DEFAULT_MODEL = "digital_transformation_maturity"
#: Sector scheme of the twelve sectors of the published 2022 reference.
PUBLISHED_SECTOR_SCHEME = "dt2022"
_FREE_SECTOR_SCHEME = "assessment"
_SIZE = {"large": "large", "medium": "medium", "small": "small", "micro": "micro",
         "大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
_SYNTH_MARK = "(synthetic)"
#: Dataset id of the demo population stored by :func:`ensure_demo_population`.
DEMO_DATASET_ID = "synthetic_enterprise_assessment_2022"


# ---- reading a sheet -------------------------------------------------------------------------------

def read_answers(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a filled questionnaire (CSV in UTF-8/GBK/GB18030, XLSX — first sheet, the ``answers``
    sheet of a template — or Parquet) as text cells; blank cells are missing."""
    from industrial_brain.ingest.files import read_frame

    return read_frame(path, sheet=sheet)


def _file_sha(answers: pd.DataFrame, path: str | Path | None) -> str:
    if path is not None and Path(path).is_file():
        from industrial_brain.ingest.files import sha256_file

        return sha256_file(path)
    h = hashlib.sha256()
    h.update(",".join(map(str, answers.columns)).encode())
    try:
        hashed = pd.util.hash_pandas_object(answers, index=False)
    except TypeError:  # object columns mixing numbers and text
        hashed = pd.util.hash_pandas_object(answers.astype(str), index=False)
    h.update(hashed.to_numpy().tobytes())
    return h.hexdigest()


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
        yield ("模型" if zh else "model", f"{self.model_code} {self.model_version} ({self.model_fingerprint[:12]})")
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
    dimensions: pd.DataFrame = field(repr=False)     # diagnosis dimension table (score, benchmark, gaps…)
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
        yield ("行业内百分位" if zh else "sector percentile",
               self.sector_percentile if self.sector_n >= self.k else "withheld (fewer than k peers)")
        for b in self.blocking:
            yield ("制约因素" if zh else "blocked by", b)
        if self.synthetic:
            yield ("数据性质" if zh else "data", "合成数据" if zh else "SYNTHETIC — not a real enterprise")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.dimensions.copy()


# ---- validation of the meta columns -----------------------------------------------------------------

def _meta_problems(answers: pd.DataFrame, ids: np.ndarray, file: str | None, first_row: int,
                   default_taken_on: _dt.date | None) -> tuple[list[CellProblem], dict[str, np.ndarray]]:
    """Per-cell problems of region, size_class and taken_on, and the cleaned columns."""
    from industrial_brain.reference.regions import region_code

    n = len(answers)
    problems: list[CellProblem] = []
    out: dict[str, np.ndarray] = {}

    def add(r: int, col: str, v: Any, problem: str, expected: str) -> None:
        problems.append(CellProblem(first_row + r, str(ids[r]), col, v, problem, expected))

    if "region" in answers.columns:
        col = answers["region"]
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        mapped = np.array([region_code(u) for u in uniq] + [None], dtype=object)
        reg = mapped[codes]
        for r in np.flatnonzero(pd.isna(reg) & (codes >= 0))[:50].tolist():
            add(r, "region", col.iat[r], "unknown region",
                "a GB/T 2260 province code (e.g. 330000) or a province name")
        out["region"] = reg
    else:
        out["region"] = np.full(n, None, dtype=object)
    if "size_class" in answers.columns:
        col = answers["size_class"]
        txt = col.astype(object).where(col.notna(), None)
        size = np.array([None if v is None else _SIZE.get(str(v).strip().lower()) for v in txt], dtype=object)
        for r in np.flatnonzero(pd.isna(size) & col.notna().to_numpy())[:50].tolist():
            add(r, "size_class", col.iat[r], "unknown size class", "large | medium | small | micro (大型/中型/小型/微型)")
        out["size_class"] = size
    else:
        out["size_class"] = np.full(n, None, dtype=object)
    if "sector" in answers.columns:
        sec = answers["sector"].astype(object)
        out["sector"] = np.array([None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in sec],
                                 dtype=object)
    else:
        out["sector"] = np.full(n, None, dtype=object)
    if "taken_on" in answers.columns:
        raw = answers["taken_on"]
        parsed = pd.to_datetime(raw.astype(object).where(raw.notna(), None), errors="coerce", format="ISO8601")
        bad = parsed.isna().to_numpy() & raw.notna().to_numpy()
        for r in np.flatnonzero(bad)[:50].tolist():
            add(r, "taken_on", raw.iat[r], "not a date", "an ISO date YYYY-MM-DD")
        dates = np.array(parsed.dt.date.to_numpy(dtype=object), dtype=object, copy=True)
        blank = raw.isna().to_numpy()
        if blank.any():
            if default_taken_on is None:
                for r in np.flatnonzero(blank)[:50].tolist():
                    add(r, "taken_on", None, "date of the assessment is missing",
                        "an ISO date YYYY-MM-DD (or give the date for the whole sheet)")
            else:
                dates[blank] = default_taken_on
        out["taken_on"] = dates
    else:
        out["taken_on"] = np.full(n, default_taken_on, dtype=object)
    return problems, out


def _raise_problems(problems: list[CellProblem], file: str | None) -> None:
    problems = sorted(problems, key=lambda p: (p.row, p.column != "uscc", p.column))
    more = len(problems) - 1
    err = InputError(problems[0].message(file) + (f" — and {more} more problem(s)" if more else ""))
    err.problems = problems  # type: ignore[attr-defined]
    raise err


def _as_date(d: Any, what: str) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    try:
        return _dt.date.fromisoformat(str(d))
    except ValueError:
        raise InputError.at(f"bad {what}", column=what, value=d, expected="an ISO date YYYY-MM-DD") from None


# ---- model versions ----------------------------------------------------------------------------------

def _stored_version(store: Store, model: MaturityModel) -> tuple[str, bool]:
    """The version label to store for ``model`` and whether its definition is already stored."""
    fp = model.fingerprint
    known = store.con.execute(
        "SELECT version FROM analysis_run WHERE kind = 'assess_model' AND note = ?", [fp]).fetchall()
    if known:
        return known[0][0], True
    same = store.con.execute(
        "SELECT DISTINCT note FROM analysis_run WHERE kind = 'assess_model' AND method = ? AND version = ? "
        "UNION SELECT DISTINCT model_fingerprint FROM assessment_result WHERE model_code = ? AND model_version = ?",
        [model.code, model.version, model.code, model.version]).fetchall()
    if any(r[0] != fp for r in same):
        return f"{model.version}+{fp[:8]}", False
    return model.version, False


def stored_model(store: Store, fingerprint: str) -> MaturityModel:
    """The exact maturity model (by fingerprint) that scored stored results."""
    rows = store.con.execute("SELECT params FROM analysis_run WHERE kind = 'assess_model' AND note = ?",
                             [fingerprint]).fetchall()
    if not rows:
        raise InputError.at("maturity model not found in the store", column="model_fingerprint",
                            value=fingerprint[:12], expected="a model that scored stored assessments")
    return model_from_dict(json.loads(rows[0][0]))


# ---- ingest ------------------------------------------------------------------------------------------

def _ensure_reference(con, store: Store) -> None:
    """Register the published 2022 reference (dataset + its twelve sectors) once."""
    ref = published_reference_2022()
    ds = "cn_enterprise_digital_transformation_2022"
    if con.execute("SELECT count(*) FROM dataset WHERE dataset_id = ?", [ds]).fetchall()[0][0]:
        return
    from industrial_brain.micro.benchmarking import _reference_path

    sha = hashlib.sha256(_reference_path().read_bytes()).hexdigest()
    con.execute("INSERT INTO dataset VALUES (?, 'reference', ?, ?, '', '', ?, ?, ?, 'general', ?, now())",
                [ds, f"PUBLISHED REFERENCE: {ref.title_en}", ref.source,
                 "as reported; primary publication not confirmed" if not ref.source_confirmed else "",
                 sha, len(ref.sectors), _reference_path().name])
    sec = ref.sectors.reset_index()
    for row in sec.itertuples(index=False):
        con.execute("INSERT INTO sector (code, scheme, name_zh, name_en, dataset_id) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING", [row.sector, PUBLISHED_SECTOR_SCHEME, row.name_zh, row.sector, ds])
    store.audit("ingest", f"dataset:{ds}", "published reference sectors (dt2022)")


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    name = f"_assess_{table}_{uuid.uuid4().hex[:6]}"
    con.register(name, frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)


def _insert_with_json(con, table: str, base: pd.DataFrame, json_column: str, values: pd.DataFrame) -> None:
    """Insert ``base`` plus one JSON object per row built by DuckDB from the columns of ``values``
    (missing values → null; numbers stay numbers, option codes are text)."""
    name = f"_assess_{table}_{uuid.uuid4().hex[:6]}"
    frame = base.reset_index(drop=True).copy()
    parts = []
    for i, c in enumerate(values.columns):
        col = values[c].reset_index(drop=True)
        key = f"__v{i}"
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            frame[key] = col.to_numpy(dtype=np.float64, na_value=np.nan)
            expr = f'CASE WHEN isnan("{key}") THEN NULL ELSE "{key}" END'
        else:
            frame[key] = col.astype(object).where(col.notna(), None).to_numpy(dtype=object)
            expr = f'CAST("{key}" AS VARCHAR)'
        parts.append(f"'{str(c)}', {expr}")
    obj = f"json_object({', '.join(parts)})" if parts else "'{}'::JSON"
    cols = ", ".join(f'"{c}"' for c in base.columns)
    con.register(name, frame)
    try:
        con.execute(f'INSERT INTO {table} ({cols}, "{json_column}") SELECT {cols}, {obj} FROM {name}')
    finally:
        con.unregister(name)


def _run_row(con, run_id: str, kind: str, lineage: Lineage, *, version: str | None = None,
             params: Any = None, note: str = "", method: str | None = None) -> None:
    con.execute("INSERT INTO analysis_run VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?)",
                [run_id, kind, method or lineage.method, version or lineage.version,
                 json.dumps(params if params is not None else lineage.to_dict()["params"], ensure_ascii=False),
                 lineage.to_json(), ",".join(d for d, _ in lineage.datasets), note])


def _new_run_id(kind: str) -> str:
    return f"{kind}-{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def benchmark_values(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Long ``analysis_value`` rows of a benchmark table (suppressed cells: value NULL, label says so)."""
    t = table.reset_index()
    stats = [c for c in table.columns if c not in ("suppressed", "suppression")]
    long = t.melt(id_vars=[*by, "suppressed", "suppression"], value_vars=stats, var_name="measure")
    out = pd.DataFrame({
        "sector_code": long[by[0]].astype(str) if "sector" in by else None,
        "region_code": long["region"].astype(str) if "region" in by else None,
        "year": None, "measure": long["measure"], "value": long["value"].astype(np.float64),
        "label": np.where(long["suppressed"], "suppressed:" + long["suppression"].astype(str), None),
    })
    if by[0] != "sector" and "sector" not in by:
        out["label"] = np.where(long["suppressed"], out["label"], by[0] + "=" + long[by[0]].astype(str))
    return out


def score_sheet(frame: pd.DataFrame, model: MaturityModel, *, file: str | None = None,
                taken_on: Any = None) -> tuple[AssessmentScores, dict[str, np.ndarray]]:
    """Validate a whole answer sheet — answers, USCCs, region, size class, dates — and score it.

    Returns the scores and the cleaned meta columns (``region`` as GB/T 2260 codes, ``size_class``,
    ``sector``, ``taken_on``). Raises :class:`InputError` listing every bad cell (``err.problems``).
    Used by ``ibrain assess score`` with and without ``--db``, so both accept exactly the same sheets.
    """
    if "uscc" not in frame.columns:
        raise InputError.at("the enterprise id column is missing", file=file, row=1, column="uscc",
                            expected="a column 'uscc' with unified social credit codes")
    if len(frame) == 0:
        raise InputError.at("the answer sheet has no rows", file=file, row=2, expected="one row per enterprise")
    default_date = _as_date(taken_on, "taken_on") if taken_on is not None else None
    ids = frame["uscc"].astype(object).where(frame["uscc"].notna(), "").astype(str).str.strip().str.upper().to_numpy()
    meta_problems, meta = _meta_problems(frame, ids, file, 2, default_date)
    try:
        scores = score_answers(model, frame, file=file, keep_question_scores=False)
    except InputError as err:
        problems = list(getattr(err, "problems", [])) + meta_problems
        if not problems:
            raise
        _raise_problems(problems, file)
    if meta_problems:
        _raise_problems(meta_problems, file)
    return scores, meta


def ingest_answers(store: Store, answers: pd.DataFrame | str | Path, *, model: MaturityModel | str = DEFAULT_MODEL,
                   dataset_id: str | None = None, taken_on: Any = None, synthetic: bool | None = None,
                   title: str | None = None, source: str = "", publisher: str = "", licence: str = "",
                   grade: str = "important", k: int = 3, file: str | None = None, sheet=None,
                   replace: bool = False) -> AssessmentIngest:
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
    k : minimum number of enterprises behind a stored aggregate.
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
    if grade not in ("important", "core"):
        raise InputError.at("enterprise assessments cannot be graded " + repr(grade), column="grade", value=grade,
                            expected="important or core (Data Security Law practice)")
    if k < 1:
        raise InputError.at("k must be at least 1", column="k", value=k, expected="an integer >= 1")
    path = None
    if not isinstance(answers, pd.DataFrame):
        path = Path(answers)
        file = file or str(path)
        frame = read_answers(path, sheet=sheet)
    else:
        frame = answers
    m = load_model(model) if not isinstance(model, MaturityModel) else model
    sha = _file_sha(frame, path)
    from industrial_brain.ingest.core import DatasetInfo

    if dataset_id is not None:
        DatasetInfo(dataset_id, "enterprise", grade=grade).checked()  # id syntax and grade rules
    default_date = _as_date(taken_on, "taken_on") if taken_on is not None else _dt.datetime.now(_dt.timezone.utc).date()

    # 1. validate everything (no writes)
    scores, meta = score_sheet(frame, m, file=file, taken_on=default_date)
    # the same sheet, scored by the same model, for the same dates: nothing to do
    dates_known = [d for d in meta["taken_on"] if d is not None]
    same = store.con.execute(
        "SELECT d.dataset_id FROM dataset d JOIN assessment_result r USING (dataset_id) "
        "WHERE d.sha256 = ? AND d.kind = 'assessment' AND r.model_fingerprint = ? GROUP BY d.dataset_id "
        "HAVING min(r.taken_on) = ? AND max(r.taken_on) = ?",
        [sha, m.fingerprint, min(dates_known), max(dates_known)]).fetchall() if dates_known else []
    if same and not replace:
        return AssessmentIngest(same[0][0], m.code, m.version, m.fingerprint, 0, 0, 0, False, None, None, True,
                                f"this sheet (sha256 {sha[:12]}) is already stored as dataset '{same[0][0]}'")
    if dataset_id is None:
        key = f"{sha}|{m.fingerprint}|{min(dates_known, default='')}|{max(dates_known, default='')}"
        dataset_id = f"assess_{m.code}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    taken = store.con.execute("SELECT kind FROM dataset WHERE dataset_id = ?", [dataset_id]).fetchall()
    if taken and not replace:
        raise InputError.at("dataset id already used", file=file, column="dataset_id", value=dataset_id,
                            expected="a new dataset id, or replace=True (--replace)")
    if taken and taken[0][0] != "assessment":
        raise InputError.at("cannot replace a dataset of another kind", file=file, column="dataset_id",
                            value=f"{dataset_id} ({taken[0][0]})", expected="an assessment dataset")
    names = frame["name"].astype(object) if "name" in frame.columns else pd.Series([None] * len(frame))
    if synthetic is None:
        synthetic = bool(frame.attrs.get("synthetic")) or bool(
            names.notna().all() and names.astype(str).str.strip().str.endswith(_SYNTH_MARK).all())

    # 2. everything to write
    ref_sectors = set(published_reference_2022().sectors.index)
    uscc = scores.total.index.to_numpy(dtype=object)
    sector = meta["sector"]
    ent = pd.DataFrame({
        "uscc": uscc, "name": names.to_numpy(dtype=object), "region_code": meta["region"], "sector_code": sector,
        "size_class": meta["size_class"], "dataset_id": dataset_id,
        "sector_scheme": np.array([None if s is None else PUBLISHED_SECTOR_SCHEME if s in ref_sectors
                                   else _FREE_SECTOR_SCHEME for s in sector], dtype=object)})
    version, model_stored = _stored_version(store, m)
    qcols = [c for c in m.question_codes if c in frame.columns]
    aids = np.array([f"{dataset_id}/{u}" for u in uscc], dtype=object)
    taken_dates = pd.to_datetime(pd.Series(meta["taken_on"], dtype=object)).to_numpy()
    ass = pd.DataFrame({"assessment_id": aids, "uscc": uscc, "model_code": m.code, "taken_on": taken_dates,
                        "dataset_id": dataset_id, "model_version": version})
    run_id = _new_run_id("assess_score")
    dims = scores.dimension_scores
    res = pd.DataFrame({
        "assessment_id": aids, "uscc": uscc, "model_code": m.code, "model_version": version,
        "model_fingerprint": m.fingerprint, "taken_on": taken_dates, "total_score": scores.total.to_numpy(),
        "level": scores.level.astype(str).to_numpy(dtype=object),
        "run_id": run_id, "dataset_id": dataset_id})
    kind_note = "SYNTHETIC " if synthetic else ""
    title = title or (f"{kind_note}enterprise assessments ({m.code} {version}), {len(frame)} enterprises").strip()
    if synthetic and "SYNTHETIC" not in title.upper():
        title = "SYNTHETIC " + title
    if synthetic:
        source = ("SYNTHETIC demo data generated by industrial_brain.micro.population (not real enterprises)"
                  + (f"; {source}" if source else ""))
    lineage = Lineage.make("services.assess.ingest_answers",
                           {"model": m.code, "model_version": version, "model_fingerprint": m.fingerprint,
                            "n": len(frame), "k": k, "synthetic": synthetic}, datasets=((dataset_id, sha),))
    bench_frame = scores.to_frame().assign(sector=sector, region=meta["region"])
    bench_frame = bench_frame[pd.notna(bench_frame["sector"]) & pd.notna(bench_frame["region"])]
    bench = aggregate(bench_frame, ("sector", "region"), k=k, level_codes=list(scores.level.cat.categories)) \
        if len(bench_frame) else None
    bench_run = _new_run_id("assess_benchmark") if bench is not None else None

    # 3. one transaction
    with store.transaction() as con:
        if taken:
            con.execute("DELETE FROM assessment_result WHERE dataset_id = ?", [dataset_id])
            con.execute("DELETE FROM assessment WHERE dataset_id = ?", [dataset_id])
            con.execute("DELETE FROM analysis_value WHERE run_id IN (SELECT run_id FROM analysis_run "
                        "WHERE kind IN ('assess_score', 'assess_benchmark') AND datasets = ?)", [dataset_id])
            con.execute("DELETE FROM analysis_run WHERE kind IN ('assess_score', 'assess_benchmark') AND datasets = ?",
                        [dataset_id])
            con.execute("DELETE FROM dataset WHERE dataset_id = ?", [dataset_id])
        _ensure_reference(con, store)
        con.execute("INSERT INTO dataset VALUES (?, 'assessment', ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                    [dataset_id, title, source, publisher, licence,
                     f"scored with {m.code} {version} (fingerprint {m.fingerprint[:12]})", sha, len(frame), grade,
                     Path(file).name if file else None])
        known = set()
        if len(ent):
            con.register("_assess_ids", ent[["uscc"]])
            try:
                known = {r[0] for r in con.execute(
                    "SELECT e.uscc FROM enterprise e JOIN _assess_ids i USING (uscc)").fetchall()}
            finally:
                con.unregister("_assess_ids")
        new = ent[~ent["uscc"].isin(known)]
        if len(new):
            _insert(con, "enterprise", new)
        _insert_with_json(con, "assessment", ass, "answers", frame[qcols])
        if not model_stored:
            ml = Lineage.make("micro.model", {"code": m.code, "version": version, "fingerprint": m.fingerprint})
            # method = model code, version = stored version label, note = fingerprint, params = definition
            _run_row(con, f"assess_model-{m.fingerprint[:16]}", "assess_model", ml, version=version,
                     params=m.model_dump(mode="json"), note=m.fingerprint, method=m.code)
        _run_row(con, run_id, "assess_score", lineage, note=f"{m.code} {version}")
        _insert_with_json(con, "assessment_result", res, "dimension_scores", dims)
        if bench is not None:
            bl = Lineage.make("micro.aggregate", {"by": ["sector", "region"], "k": k, "model": m.code,
                                                  "model_version": version}, datasets=((dataset_id, sha),))
            _run_row(con, bench_run, "assess_benchmark", bl, note=f"{m.code} {version}; cells under k={k} suppressed")
            vals = benchmark_values(bench.frame, ("sector", "region"))
            vals.insert(0, "run_id", bench_run)
            vals["year"] = pd.array([None] * len(vals), dtype="Int16")
            _insert(con, "analysis_value", vals[["run_id", "region_code", "sector_code", "year", "measure", "value",
                                                 "label"]])
        store.audit("replace" if taken else "ingest", f"dataset:{dataset_id}",
                    f"assessment {m.code} {version} rows={len(frame)} new_enterprises={len(new)} "
                    f"sha256={sha[:16]}{' SYNTHETIC' if synthetic else ''}")
    msg = f"stored {len(frame)} assessments ({len(new)} new enterprises)"
    if version != m.version:
        msg += (f"; model '{m.code}' {m.version} differs from the stored model of the same version: "
                f"stored as version {version}")
    return AssessmentIngest(dataset_id, m.code, version, m.fingerprint, len(frame), len(new), len(known), synthetic,
                            run_id, bench_run, False, msg, scores, lineage)


# ---- reading results back ----------------------------------------------------------------------------

def stored_results(store: Store, *, model_code: str | None = None, uscc: str | Sequence[str] | None = None,
                   as_of: Any = None, latest: bool = True, dimensions: bool = True,
                   sector: str | None = None, model_fingerprint: str | None = None) -> pd.DataFrame:
    """Stored scored assessments joined with the enterprise registry.

    One row per assessment (``latest=True``: only each enterprise's latest assessment on or before
    ``as_of``, per model code), columns ``assessment_id, uscc, name, sector, region, size_class,
    taken_on, model_code, model_version, model_fingerprint, total_score, level, dataset_id, synthetic``
    and, with ``dimensions``, one column per dimension code (extracted from the JSON by DuckDB).
    """
    where, params = ["TRUE"], []
    if model_code:
        where.append("r.model_code = ?")
        params.append(model_code)
    if uscc is not None:
        ids = [uscc] if isinstance(uscc, str) else list(uscc)
        where.append(f"r.uscc IN ({','.join('?' * len(ids))})")
        params += [str(i).strip().upper() for i in ids]
    if as_of is not None:
        where.append("r.taken_on <= ?")
        params.append(_as_date(as_of, "as_of"))
    if sector is not None:
        where.append("e.sector_code = ?")
        params.append(sector)
    if model_fingerprint is not None:
        where.append("r.model_fingerprint = ?")
        params.append(model_fingerprint)
    base = ("FROM assessment_result r LEFT JOIN enterprise e USING (uscc) "
            f"LEFT JOIN dataset d ON d.dataset_id = r.dataset_id WHERE {' AND '.join(where)}")
    dim_sql = ""
    if dimensions:
        keys: list[str] = []
        for (ks,) in store.con.execute(
                f"SELECT json_keys(any_value(r.dimension_scores)) {base} GROUP BY r.model_fingerprint",
                params).fetchall():
            for key in ks or []:
                if key not in keys:
                    keys.append(key)
        dim_sql = "".join(f", CAST(json_extract(r.dimension_scores, '$.\"{key}\"') AS DOUBLE) AS \"{key}\""
                          for key in keys)
    sql = f"""
        SELECT r.assessment_id, r.uscc, e.name, e.sector_code AS sector, e.region_code AS region, e.size_class,
               r.taken_on, r.model_code, r.model_version, r.model_fingerprint, r.total_score, r.level,
               r.dataset_id, (upper(d.title) LIKE '%SYNTHETIC%') AS synthetic{dim_sql}
        {base}"""
    if latest:
        sql += " QUALIFY row_number() OVER (PARTITION BY r.uscc, r.model_code ORDER BY r.taken_on DESC, " \
               "d.ingested_at DESC, r.assessment_id DESC) = 1"
    sql += " ORDER BY r.uscc, r.taken_on, r.assessment_id"
    df = store.query(sql, params)
    df["taken_on"] = pd.to_datetime(df["taken_on"]).dt.date
    return df


def trajectory(store: Store, uscc: str, *, model_code: str | None = None) -> pd.DataFrame:
    """Every stored assessment of one enterprise, oldest first, with the model version that scored it."""
    df = stored_results(store, model_code=model_code, uscc=uscc, latest=False)
    if df.empty:
        raise InputError.at("enterprise has no stored assessment", column="uscc", value=uscc,
                            expected="the USCC of an enterprise assessed with 'ibrain assess score --db'")
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


def cohort(store: Store, by: str = "sector", start: Any = None, end: Any = None, *,
           model_code: str = DEFAULT_MODEL, same_firms: bool = False, k: int = 3) -> CohortReport:
    """How a sector's (region's, size class's) level distribution moved between two dates.

    Each enterprise counts with its latest assessment on or before each date. With ``same_firms``
    only enterprises assessed by both dates *and* re-assessed after ``start`` count (a balanced
    panel: the way assessment programmes measure the effect of support).

    Suppression: a group is hidden when it has 1 ≤ n < k enterprises at either date; then, at each
    date, complementary suppression (:func:`~industrial_brain.micro.benchmarking.suppress_one_way`)
    hides one more group if a lone hidden group could be recovered from the ``ALL`` row.
    """
    if by not in ("sector", "region", "size_class"):
        raise InputError.at("unknown grouping", column="--by", value=by, expected="sector | region | size_class")
    if start is None or end is None:
        raise InputError.at("a cohort report needs two dates", column="--from/--to", expected="two ISO dates")
    d0, d1 = _as_date(start, "start"), _as_date(end, "end")
    if d0 >= d1:
        raise InputError.at("the start date must come before the end date", column="--from",
                            value=f"{d0} → {d1}", expected="FROM < TO")
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
            r = {f"n_{suffix}": float(len(sub)), f"mean_{suffix}": float(sub["total_score"].mean()) if len(sub) else np.nan}
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
    lineage = Lineage.make("services.assess.cohort", {"by": by, "start": str(d0), "end": str(d1),
                                                      "model": model_code, "same_firms": same_firms, "k": k},
                           datasets=_datasets(store, pd.concat([a["dataset_id"], b["dataset_id"]])))
    return CohortReport(out, by, d0, d1, model_code, versions, same_firms, k, lineage)


def _datasets(store: Store, ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
    from industrial_brain.services.results import dataset_lineage

    return dataset_lineage(store, pd.unique(pd.Series(list(ids), dtype=object)).tolist())


# ---- enterprise profile ------------------------------------------------------------------------------

def enterprise_profile(store: Store, uscc: str, *, model_code: str | None = None, k: int = 3) -> EnterpriseProfile:
    """Profile of one enterprise from the store: latest result, trajectory, sector benchmark, roadmap.

    The latest assessment's stored answers are re-scored with the exact stored model (by
    fingerprint) for the diagnosis; the benchmark is the median dimension score of the enterprise's
    sector peers (latest results scored by the same model), withheld when fewer than ``k``.
    """
    from industrial_brain.micro.diagnosis import diagnose

    code = str(uscc).strip().upper()
    traj = trajectory(store, code, model_code=model_code)
    latest = traj.iloc[-1]
    m = stored_model(store, latest["model_fingerprint"])
    row = store.con.execute("SELECT answers FROM assessment WHERE assessment_id = ?",
                            [latest["assessment_id"]]).fetchall()
    answers = pd.DataFrame([json.loads(row[0][0])])
    answers.insert(0, "uscc", code)
    sector = latest["sector"] if isinstance(latest["sector"], str) else None
    if sector is not None:
        answers.insert(1, "sector", sector)
    scores = score_answers(m, answers, check_uscc=False)
    # sector peers: each firm's latest assessment under this model, kept when the same model scored it
    same = (stored_results(store, model_code=m.code, sector=sector) if sector is not None
            else pd.DataFrame(columns=["model_fingerprint", "total_score", *m.dimension_codes]))
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
    lineage = Lineage.make("services.assess.enterprise_profile",
                           {"uscc": code, "model": m.code, "model_fingerprint": m.fingerprint, "k": k},
                           datasets=_datasets(store, traj["dataset_id"]))
    return EnterpriseProfile(
        uscc=code, name=str(latest["name"]) if isinstance(latest["name"], str) else "",
        sector=sector, region=latest["region"] if isinstance(latest["region"], str) else None,
        size_class=latest["size_class"] if isinstance(latest["size_class"], str) else None,
        model=m, latest=latest, dimensions=d.dimensions, trajectory=traj, roadmap=d.roadmap, blocking=d.blocking,
        next_level=d.next_level, sector_n=int(len(same)), sector_percentile=pct, synthetic=bool(latest["synthetic"]),
        k=k, lineage=lineage)


def profile_html(profile: EnterpriseProfile, lang: str = "en") -> str:
    """A self-contained HTML page: summary, radar (dimensions vs sector median), trajectory, roadmap."""
    from industrial_brain import __version__
    from industrial_brain.report.html import render

    check_lang(lang)
    secs = profile_sections(profile, lang)
    sub = (f"{profile.uscc} · {profile.sector or '—'} · {profile.region or '—'} · model {profile.model.code} "
           f"{profile.latest['model_version']}" + (" · SYNTHETIC — not a real enterprise" if profile.synthetic else ""))
    return render(f"{profile.name or profile.uscc} — digital-transformation profile 数字化转型画像", sub, secs,
                  f"industrial-brain {__version__} · enterprise-level data (grade important): do not publish · "
                  f"{profile.lineage.footer()}", lang=lang)


def profile_sections(profile: EnterpriseProfile, lang: str = "en") -> list:
    """The report sections of a profile (also used by the demo report)."""
    from industrial_brain.report.html import Section, bilingual
    from industrial_brain.viz.fonts import cjk_font
    from industrial_brain.viz.micro import radar, trajectory_chart

    zh_font = cjk_font()
    zh = lang == "zh"
    s1 = Section("Where the firm stands 现状")
    lat = profile.latest
    s1.text(f"Total score {float(lat['total_score']):.1f}, level {lat['level']} "
            f"(assessed on {lat['taken_on']}, model {profile.model.code} {lat['model_version']}, "
            f"fingerprint {str(lat['model_fingerprint'])[:12]}).")
    if profile.sector_n >= profile.k:
        s1.text(f"Sector percentile {profile.sector_percentile:.0f} among {profile.sector_n} assessed firms of "
                f"{profile.sector}.")
    else:
        s1.note(f"Sector comparison withheld: fewer than {profile.k} assessed firms in the sector.")
    names = profile.dimensions["name_zh" if zh and zh_font else "name_en"]
    fig = radar(profile.dimensions["score"], profile.dimensions["benchmark"], labels=names,
                title=bilingual("Dimension scores vs sector median", "各维度得分与行业中位数", zh_font))
    s1.figure(fig)
    dim = profile.dimensions.reset_index()[["dimension", "name_zh" if zh else "name_en", "score",
                                            "benchmark", "next_level_floor", "gap_to_next_level", "weighted_gap"]]
    s1.table(dim, floatfmt="{:,.1f}")
    s2 = Section("Roadmap to the next level 迈向下一等级的路线图")
    if profile.next_level is None:
        s2.text("The firm is at the top level.")
    else:
        for b in profile.blocking:
            s2.note(f"Blocked by: {b}")
        rm = profile.roadmap.reset_index()
        if len(rm):
            s2.table(rm[["step", "action", "name_zh" if zh else "name_en", "questions", "effort", "total_after",
                         "gain", "level_after"]], floatfmt="{:,.1f}")
        else:
            s2.text("No action in the catalogue improves the score further.")
    s3 = Section("Progress over time 历次评估")
    tr = profile.trajectory
    if len(tr) > 1:
        s3.figure(trajectory_chart(tr, title=bilingual("Total score by assessment", "历次评估总分", zh_font)))
    s3.table(tr[["taken_on", "model_code", "model_version", "total_score", "level", "dataset_id"]],
             floatfmt="{:,.1f}")
    return [s1, s2, s3]


# ---- demo population -----------------------------------------------------------------------------------

def ensure_demo_population(store: Store, *, n: int = 5_000, seed: int = 2022,
                           taken_on: str = "2022-12-31") -> str:
    """Store the SYNTHETIC demo population once (dataset :data:`DEMO_DATASET_ID`); return its id."""
    if store.con.execute("SELECT count(*) FROM dataset WHERE dataset_id = ?", [DEMO_DATASET_ID]).fetchall()[0][0]:
        return DEMO_DATASET_ID
    from industrial_brain.micro.population import simulate_population

    pop = simulate_population(n, seed=seed)
    ingest_answers(store, pop.answers, dataset_id=DEMO_DATASET_ID, taken_on=taken_on, synthetic=True,
                   title=f"SYNTHETIC enterprise assessment population (n={n}, seed={seed}), calibrated to the "
                         "published 2022 sector scores",
                   publisher="Industrial Brain (generated)", licence="CC0-1.0 (synthetic)")
    return DEMO_DATASET_ID
