"""Ingest of filled questionnaires: validate a whole answer sheet, score it, and store it whole or not at all.

:func:`prepare_sheet` validates and scores without writing (every bad cell listed); :func:`commit_sheet`
writes what it prepared in one transaction through :func:`industrial_brain.ingest.core.commit_dataset`:

* ``dataset`` — one row, kind ``assessment``, grade ``important`` or ``core`` (enterprise-level data
  is never ``general``); a synthetic sheet says ``SYNTHETIC`` in its title and source;
* ``enterprise`` — enterprises not yet registered (USCC checked, region mapped to GB/T 2260, size
  class normalised); enterprises already registered keep their registration;
* ``assessment`` — the raw answers (JSON), model code and version, date taken, dataset id;
* ``assessment_result`` — total, level and dimension scores (JSON) with the model's code, version
  and fingerprint and the scoring run id;
* ``analysis_run`` — the scoring run (kind ``assess_score``), the sector × region benchmark of the
  sheet (kind ``assess_benchmark``, values in ``analysis_value`` with small cells suppressed), and —
  the first time a model fingerprint is seen — the model definition itself (kind ``assess_model``:
  method = model code, version = stored version label, note = fingerprint, params = definition);
* ``audit`` — one row; the published 2022 reference (dataset and its twelve sectors) the first time.

Model versions. If a model is changed but keeps its version string, the stored version becomes
``<version>+<fingerprint[:8]>`` (:func:`stored_version`): two different models never share a stored
version, and results already stored keep theirs.

Sector names. Sectors named as in the published 2022 reference are registered under the sector
scheme ``dt2022``; any other sector text is kept as given under the scheme ``assessment``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, commit_dataset
from industrial_brain.ingest.files import read_frame, sha256_file
from industrial_brain.ingest.reference_kinds import SIZE_CLASSES
from industrial_brain.lineage import Lineage
from industrial_brain.micro.benchmarking import BenchmarkTable, _reference_path, published_reference_2022
from industrial_brain.micro.model import MaturityModel
from industrial_brain.micro.scoring import AssessmentScores, CellProblem, score_answers
from industrial_brain.reference.regions import region_code
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store import runs as run_store
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_kind, insert_dataset
from industrial_brain.store.reference import insert_sectors

__all__ = [
    "PUBLISHED_SECTOR_SCHEME",
    "REFERENCE_DATASET_ID",
    "AssessmentSheet",
    "read_answers",
    "sheet_sha256",
    "parse_date",
    "score_sheet",
    "stored_version",
    "prepare_sheet",
    "benchmark_values",
    "commit_sheet",
]

#: Sector scheme of the twelve sectors of the published 2022 reference.
PUBLISHED_SECTOR_SCHEME = "dt2022"
FREE_SECTOR_SCHEME = "assessment"
#: Dataset id of the published 2022 reference, registered with the first assessment sheet.
REFERENCE_DATASET_ID = "cn_enterprise_digital_transformation_2022"
SYNTHETIC_NAME_MARK = "(synthetic)"
_MAX_LISTED = 50


# ---- reading and checking a sheet -------------------------------------------------------------------


def read_answers(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a filled questionnaire (CSV in UTF-8/GBK/GB18030, XLSX — first sheet, the ``answers``
    sheet of a template — or Parquet) as text cells; blank cells are missing."""
    return read_frame(path, sheet=sheet)


def sheet_sha256(answers: pd.DataFrame, path: str | Path | None = None) -> str:
    """SHA-256 of the sheet: of the file when there is one, else of the frame's header and cells."""
    if path is not None and Path(path).is_file():
        return sha256_file(path)
    h = hashlib.sha256()
    h.update(",".join(map(str, answers.columns)).encode())
    try:
        hashed = pd.util.hash_pandas_object(answers, index=False)
    except TypeError:  # object columns mixing numbers and text
        hashed = pd.util.hash_pandas_object(answers.astype(str), index=False)
    h.update(hashed.to_numpy().tobytes())
    return h.hexdigest()


def parse_date(d: Any, what: str) -> _dt.date:
    """``d`` (a date, a datetime or ISO text) as a date; ``what`` names the parameter in the error."""
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    try:
        return _dt.date.fromisoformat(str(d))
    except ValueError:
        raise InputError.at(f"bad {what}", column=what, value=d, expected="an ISO date YYYY-MM-DD") from None


#: Days past today (UTC) a ``taken_on`` may lie: east of UTC a firm's today is already tomorrow in UTC.
FUTURE_TOLERANCE_DAYS = 1


def latest_allowed_date() -> _dt.date:
    """The latest ``taken_on`` accepted: today in UTC plus :data:`FUTURE_TOLERANCE_DAYS`. A later date
    would make the assessment its firm's "latest" until that day comes, hiding every real one."""
    return _dt.datetime.now(_dt.timezone.utc).date() + _dt.timedelta(days=FUTURE_TOLERANCE_DAYS)


def _meta_problems(
    answers: pd.DataFrame, ids: np.ndarray, first_row: int, default_taken_on: _dt.date | None
) -> tuple[list[CellProblem], dict[str, np.ndarray]]:
    """Per-cell problems of region, size_class and taken_on, and the cleaned columns."""
    n = len(answers)
    problems: list[CellProblem] = []
    out: dict[str, np.ndarray] = {}

    def add(bad: np.ndarray, col: str, values: pd.Series | None, problem: str, expected: str) -> None:
        """One problem per row of ``bad`` (the first ``_MAX_LISTED``), its cell value from ``values``."""
        for r in np.flatnonzero(bad)[:_MAX_LISTED].tolist():
            v = None if values is None else values.iat[r]
            problems.append(CellProblem(first_row + r, str(ids[r]), col, v, problem, expected))

    if "region" in answers.columns:
        col = answers["region"]
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        mapped = np.array([region_code(u) for u in uniq] + [None], dtype=object)
        reg = mapped[codes]
        add(
            pd.isna(reg) & (codes >= 0),
            "region",
            col,
            "unknown region",
            "a GB/T 2260 province code (e.g. 330000) or a province name",
        )
        out["region"] = reg
    else:
        out["region"] = np.full(n, None, dtype=object)
    if "size_class" in answers.columns:
        col = answers["size_class"]
        txt = col.astype(object).where(col.notna(), None)
        size = np.array(
            [None if v is None else SIZE_CLASSES.get(str(v).strip().lower()) for v in txt], dtype=object
        )
        add(
            pd.isna(size) & col.notna().to_numpy(),
            "size_class",
            col,
            "unknown size class",
            "large | medium | small | micro (大型/中型/小型/微型)",
        )
        out["size_class"] = size
    else:
        out["size_class"] = np.full(n, None, dtype=object)
    if "sector" in answers.columns:
        sec = answers["sector"].astype(object)
        out["sector"] = np.array(
            [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in sec], dtype=object
        )
    else:
        out["sector"] = np.full(n, None, dtype=object)
    if "taken_on" in answers.columns:
        raw = answers["taken_on"]
        parsed = pd.to_datetime(
            raw.astype(object).where(raw.notna(), None), errors="coerce", format="ISO8601"
        )
        bad = parsed.isna().to_numpy() & raw.notna().to_numpy()
        add(bad, "taken_on", raw, "not a date", "an ISO date YYYY-MM-DD")
        dates = np.array(parsed.dt.date.to_numpy(dtype=object), dtype=object, copy=True)
        latest = latest_allowed_date()
        future = np.array([d is not None and not pd.isna(d) and d > latest for d in dates], dtype=bool)
        add(
            future,
            "taken_on",
            raw,
            "date of the assessment is in the future",
            f"a date on or before {latest.isoformat()} (today in UTC, plus one day)",
        )
        blank = raw.isna().to_numpy()
        if blank.any():
            if default_taken_on is None:
                add(
                    blank,
                    "taken_on",
                    None,
                    "date of the assessment is missing",
                    "an ISO date YYYY-MM-DD (or give the date for the whole sheet)",
                )
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


def score_sheet(
    frame: pd.DataFrame, model: MaturityModel, *, file: str | None = None, taken_on: Any = None
) -> tuple[AssessmentScores, dict[str, np.ndarray]]:
    """Validate a whole answer sheet — answers, USCCs, region, size class, dates — and score it.

    Returns the scores and the cleaned meta columns (``region`` as GB/T 2260 codes, ``size_class``,
    ``sector``, ``taken_on``). Raises :class:`InputError` listing every bad cell (``err.problems``).
    Scoring a sheet and storing it check it the same way, so both accept exactly the same sheets.
    """
    if "uscc" not in frame.columns:
        raise InputError.at(
            "the enterprise id column is missing",
            file=file,
            row=1,
            column="uscc",
            expected="a column 'uscc' with unified social credit codes",
        )
    if len(frame) == 0:
        raise InputError.at(
            "the answer sheet has no rows", file=file, row=2, expected="one row per enterprise"
        )
    default_date = parse_date(taken_on, "taken_on") if taken_on is not None else None
    if default_date is not None and default_date > (latest := latest_allowed_date()):
        raise InputError.at(
            "date of the assessment is in the future",
            file=file,
            column="taken_on",
            value=default_date.isoformat(),
            expected=f"a date on or before {latest.isoformat()} (today in UTC, plus one day)",
        )
    ids = (
        frame["uscc"]
        .astype(object)
        .where(frame["uscc"].notna(), "")
        .astype(str)
        .str.strip()
        .str.upper()
        .to_numpy()
    )
    meta_problems, meta = _meta_problems(frame, ids, 2, default_date)
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


# ---- model versions ------------------------------------------------------------------------------------


def stored_version(store: Store, model: MaturityModel) -> tuple[str, bool]:
    """The version label to store for ``model`` and whether its definition is already stored."""
    fp = model.fingerprint
    known = run_store.runs(store, "assess_model", note=fp)
    if len(known):
        return str(known["version"].iloc[0]), True
    same_code = run_store.runs(store, "assess_model", method=model.code)
    same = set(same_code.loc[same_code["version"] == model.version, "note"])
    same |= enterprise_store.result_fingerprints(store, model.code, model.version)
    if any(f != fp for f in same):
        return f"{model.version}+{fp[:8]}", False
    return model.version, False


# ---- preparing and committing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentSheet:
    """A validated, scored sheet and every row it will write (nothing written yet).

    ``duplicate_of`` names the stored dataset when the same sheet (sha256), scored by the same
    model for the same dates, is already stored; the frames are then empty.
    """

    info: DatasetInfo
    file: str | None
    sha256: str
    model: MaturityModel
    version: str
    model_stored: bool
    synthetic: bool
    n: int
    scores: AssessmentScores | None
    meta: dict
    new_enterprises: pd.DataFrame
    n_known: int
    assessments: pd.DataFrame
    answers: pd.DataFrame
    results: pd.DataFrame
    replaces: bool
    duplicate_of: str | None = None

    def benchmark_frame(self) -> pd.DataFrame:
        """Scores with ``sector`` and ``region`` of the enterprises that have both (the sheet's benchmark)."""
        f = self.scores.to_frame().assign(sector=self.meta["sector"], region=self.meta["region"])
        return f[pd.notna(f["sector"]) & pd.notna(f["region"])]


def prepare_sheet(
    store: Store,
    answers: pd.DataFrame | str | Path,
    model: MaturityModel,
    *,
    dataset_id: str | None = None,
    taken_on: Any = None,
    synthetic: bool | None = None,
    title: str | None = None,
    source: str = "",
    publisher: str = "",
    licence: str = "",
    grade: str = "important",
    file: str | None = None,
    sheet=None,
    replace: bool = False,
) -> AssessmentSheet:
    """Validate and score a sheet and build every row to store (reads the store, writes nothing).

    Parameters are those of :func:`industrial_brain.services.assess.ingest_answers`. Raises
    :class:`InputError` for a bad cell (all listed in ``err.problems``), a bad grade or dataset id,
    or a dataset id already used (unless ``replace``).
    """
    if grade not in ("important", "core"):
        raise InputError.at(
            "enterprise assessments cannot be graded " + repr(grade),
            column="grade",
            value=grade,
            expected="important or core (Data Security Law practice)",
        )
    path = None
    if not isinstance(answers, pd.DataFrame):
        path = Path(answers)
        file = file or str(path)
        frame = read_answers(path, sheet=sheet)
    else:
        frame = answers
    m = model
    sha = sheet_sha256(frame, path)
    if dataset_id is not None:
        DatasetInfo(dataset_id, "enterprise", grade=grade).checked()  # id syntax and grade rules
    default_date = (
        parse_date(taken_on, "taken_on")
        if taken_on is not None
        else _dt.datetime.now(_dt.timezone.utc).date()
    )
    scores, meta = score_sheet(frame, m, file=file, taken_on=default_date)
    dates_known = [d for d in meta["taken_on"] if d is not None]
    same = (
        enterprise_store.sheet_dataset(store, sha, m.fingerprint, min(dates_known), max(dates_known))
        if dates_known
        else None
    )
    if same is not None and not replace:
        empty = pd.DataFrame()
        return AssessmentSheet(
            DatasetInfo(same, "assessment", grade=grade),
            file,
            sha,
            m,
            m.version,
            True,
            False,
            0,
            None,
            {},
            empty,
            0,
            empty,
            empty,
            empty,
            False,
            duplicate_of=same,
        )
    if dataset_id is None:
        key = f"{sha}|{m.fingerprint}|{min(dates_known, default='')}|{max(dates_known, default='')}"
        dataset_id = f"assess_{m.code}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    taken = dataset_kind(store, dataset_id)
    if taken and not replace:
        raise InputError.at(
            "dataset id already used",
            file=file,
            column="dataset_id",
            value=dataset_id,
            expected="a new dataset id, or replace=True",
        )
    if taken and taken != "assessment":
        raise InputError.at(
            "cannot replace a dataset of another kind",
            file=file,
            column="dataset_id",
            value=f"{dataset_id} ({taken})",
            expected="an assessment dataset",
        )
    names = frame["name"].astype(object) if "name" in frame.columns else pd.Series([None] * len(frame))
    if synthetic is None:
        synthetic = bool(frame.attrs.get("synthetic")) or bool(
            names.notna().all() and names.astype(str).str.strip().str.endswith(SYNTHETIC_NAME_MARK).all()
        )

    ref_sectors = set(published_reference_2022().sectors.index)
    uscc = scores.total.index.to_numpy(dtype=object)
    sector = meta["sector"]
    ent = pd.DataFrame(
        {
            "uscc": uscc,
            "name": names.to_numpy(dtype=object),
            "region_code": meta["region"],
            "sector_code": sector,
            "size_class": meta["size_class"],
            "dataset_id": dataset_id,
            "sector_scheme": np.array(
                [
                    None if s is None else PUBLISHED_SECTOR_SCHEME if s in ref_sectors else FREE_SECTOR_SCHEME
                    for s in sector
                ],
                dtype=object,
            ),
        }
    )
    known = enterprise_store.registered_usccs(store, ent["uscc"])
    version, model_stored = stored_version(store, m)
    aids = np.array([f"{dataset_id}/{u}" for u in uscc], dtype=object)
    taken_dates = pd.to_datetime(pd.Series(meta["taken_on"], dtype=object)).to_numpy()
    ass = pd.DataFrame(
        {
            "assessment_id": aids,
            "uscc": uscc,
            "model_code": m.code,
            "taken_on": taken_dates,
            "dataset_id": dataset_id,
            "model_version": version,
        }
    )
    res = pd.DataFrame(
        {
            "assessment_id": aids,
            "uscc": uscc,
            "model_code": m.code,
            "model_version": version,
            "model_fingerprint": m.fingerprint,
            "taken_on": taken_dates,
            "total_score": scores.total.to_numpy(),
            "level": scores.level.astype(str).to_numpy(dtype=object),
            "run_id": None,
            "dataset_id": dataset_id,
        }
    )
    kind_note = "SYNTHETIC " if synthetic else ""
    title = title or f"{kind_note}enterprise assessments ({m.code} {version}), {len(frame)} enterprises"
    if synthetic and "SYNTHETIC" not in title.upper():
        title = "SYNTHETIC " + title
    if synthetic:
        source = (
            "SYNTHETIC demo data generated by industrial_brain.micro.population (not real enterprises)"
            + (f"; {source}" if source else "")
        )
    info = DatasetInfo(
        dataset_id,
        "assessment",
        title=title,
        source=source,
        publisher=publisher,
        licence=licence,
        grade=grade,
        citation=f"scored with {m.code} {version} (fingerprint {m.fingerprint[:12]})",
    )
    qcols = [c for c in m.question_codes if c in frame.columns]
    return AssessmentSheet(
        info,
        file,
        sha,
        m,
        version,
        model_stored,
        synthetic,
        len(frame),
        scores,
        meta,
        ent[~ent["uscc"].isin(known)],
        len(known),
        ass,
        frame[qcols],
        res,
        bool(taken),
    )


def benchmark_values(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Long ``analysis_value`` rows of a benchmark table (suppressed cells: value NULL, label says so)."""
    t = table.reset_index()
    stats = [c for c in table.columns if c not in ("suppressed", "suppression")]
    long = t.melt(id_vars=[*by, "suppressed", "suppression"], value_vars=stats, var_name="measure")
    out = pd.DataFrame(
        {
            "sector_code": long[by[0]].astype(str) if "sector" in by else None,
            "region_code": long["region"].astype(str) if "region" in by else None,
            "year": None,
            "measure": long["measure"],
            "value": long["value"].astype(np.float64),
            "label": np.where(long["suppressed"], "suppressed:" + long["suppression"].astype(str), None),
        }
    )
    if by[0] != "sector" and "sector" not in by:
        out["label"] = np.where(long["suppressed"], out["label"], by[0] + "=" + long[by[0]].astype(str))
    return out


def _insert_run(
    store: Store,
    run_id: str,
    kind: str,
    lineage: Lineage,
    *,
    note: str,
    method: str | None = None,
    version: str | None = None,
    params: Any = None,
    values: pd.DataFrame | None = None,
) -> None:
    params = params if params is not None else lineage.to_dict()["params"]
    run_store.insert_run(
        store,
        run_id=run_id,
        kind=kind,
        method=method or lineage.method,
        version=version or lineage.version,
        params_json=json.dumps(params, ensure_ascii=False),
        lineage_json=lineage.to_json(),
        datasets=",".join(d for d, _ in lineage.datasets),
        note=note,
        values=values,
    )


def _ensure_reference(store: Store) -> None:
    """Register the published 2022 reference (dataset + its twelve sectors) once; a dt2022 sector
    already registered by another dataset keeps its row (the ingest stays idempotent)."""
    if dataset_kind(store, REFERENCE_DATASET_ID) is not None:
        return
    ref = published_reference_2022()
    path = _reference_path()
    insert_dataset(
        store,
        dataset_id=REFERENCE_DATASET_ID,
        kind="reference",
        title=f"PUBLISHED REFERENCE: {ref.title_en}",
        source=ref.source,
        citation="" if ref.source_confirmed else "as reported; primary publication not confirmed",
        sha256=sha256_file(path),
        rows=len(ref.sectors),
        grade="general",
        file_name=path.name,
    )
    sec = ref.sectors.reset_index()
    insert_sectors(
        store,
        pd.DataFrame(
            {
                "code": sec["sector"],
                "scheme": PUBLISHED_SECTOR_SCHEME,
                "name_zh": sec["name_zh"],
                "name_en": sec["sector"],
                "dataset_id": REFERENCE_DATASET_ID,
            }
        ),
        skip_existing=True,
    )
    store.audit("ingest", f"dataset:{REFERENCE_DATASET_ID}", "published reference sectors (dt2022)")


def commit_sheet(
    store: Store,
    sheet: AssessmentSheet,
    *,
    run_id: str,
    lineage: Lineage,
    benchmark: BenchmarkTable | None = None,
    benchmark_run_id: str | None = None,
    benchmark_lineage: Lineage | None = None,
) -> None:
    """Store a prepared sheet in one transaction (all or nothing).

    ``run_id`` / ``lineage`` describe the scoring run; ``benchmark`` (sector × region, cells already
    suppressed) is stored as its own run when given. Replacing a dataset deletes its assessments,
    results and runs; the enterprises it registered stay registered.
    """
    m, version, dataset_id = sheet.model, sheet.version, sheet.info.dataset_id
    kept = enterprise_store.registrations(store, dataset_id=dataset_id) if sheet.replaces else None
    old_runs = (
        [
            *run_store.runs(store, "assess_score", datasets=dataset_id)["run_id"],
            *run_store.runs(store, "assess_benchmark", datasets=dataset_id)["run_id"],
        ]
        if sheet.replaces
        else []
    )

    def write(s: Store) -> None:
        if sheet.replaces:
            enterprise_store.delete_assessments(s, dataset_id)
            run_store.delete_runs(s, old_runs)
            if len(kept):
                enterprise_store.insert_enterprises(s, kept)
        _ensure_reference(s)
        if len(sheet.new_enterprises):
            enterprise_store.insert_enterprises(s, sheet.new_enterprises)
        enterprise_store.insert_assessments(s, sheet.assessments, sheet.answers)
        if not sheet.model_stored:
            ml = Lineage.make(
                "micro.model", {"code": m.code, "version": version, "fingerprint": m.fingerprint}
            )
            _insert_run(
                s,
                f"assess_model-{m.fingerprint[:16]}",
                "assess_model",
                ml,
                version=version,
                params=m.model_dump(mode="json"),
                note=m.fingerprint,
                method=m.code,
            )
        _insert_run(s, run_id, "assess_score", lineage, note=f"{m.code} {version}")
        enterprise_store.insert_results(s, sheet.results.assign(run_id=run_id), sheet.scores.dimension_scores)
        if benchmark is not None:
            _insert_run(
                s,
                benchmark_run_id,
                "assess_benchmark",
                benchmark_lineage,
                note=f"{m.code} {version}; cells under k={benchmark.k} suppressed",
                values=benchmark_values(benchmark.frame, benchmark.by),
            )

    commit_dataset(
        store,
        sheet.info,
        file=sheet.file or "",
        sha=sheet.sha256,
        rows=sheet.n,
        write=write,
        replace=sheet.replaces,
        detail=f"model={m.code} {version} new_enterprises={len(sheet.new_enterprises)}"
        + (" SYNTHETIC" if sheet.synthetic else ""),
    )
