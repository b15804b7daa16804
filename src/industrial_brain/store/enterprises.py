"""Enterprises, their assessments and scored results: the one reader and writer of ``enterprise``,
``assessment`` and ``assessment_result``.

"Latest assessment" is defined here once (:data:`LATEST_ORDER`): per enterprise **and model code**,
the assessment taken last; ties are broken by the dataset stored last, then by the larger
assessment id. Two models never compete for "latest": an enterprise assessed with two models has a
latest assessment under each.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, placeholders, registered, where_equal

#: Window of the one definition of "latest": per (uscc, model_code), newest first.
LATEST_ORDER = (
    "PARTITION BY r.uscc, r.model_code "
    "ORDER BY r.taken_on DESC NULLS LAST, d.ingested_at DESC NULLS LAST, r.assessment_id DESC"
)
#: Registration columns of ``enterprise``.
ENTERPRISE_COLUMNS = (
    "uscc",
    "name",
    "region_code",
    "sector_code",
    "sector_scheme",
    "size_class",
    "dataset_id",
)
_RESULTS_FROM = (
    "FROM assessment_result r LEFT JOIN enterprise e ON e.uscc = r.uscc "
    "LEFT JOIN dataset d ON d.dataset_id = r.dataset_id"
)


# ---- writers (call inside the ingest's transaction) ---------------------------------------------------


def insert_enterprises(store: Store, frame: pd.DataFrame) -> None:
    """Register enterprises (columns among :data:`ENTERPRISE_COLUMNS`)."""
    insert_frame(store, "enterprise", frame)


def insert_assessments(store: Store, frame: pd.DataFrame, answers: pd.DataFrame) -> None:
    """Write assessments (``assessment_id, uscc, model_code, taken_on, dataset_id, model_version``)
    with their raw ``answers`` (one row per assessment, one column per question) as a JSON object."""
    _insert_with_json(store, "assessment", frame, "answers", answers)


def insert_results(store: Store, frame: pd.DataFrame, dimension_scores: pd.DataFrame) -> None:
    """Write scored results (``assessment_id, uscc, model_code, model_version, model_fingerprint,
    taken_on, total_score, level, run_id, dataset_id``) with the ``dimension_scores`` as a JSON object."""
    _insert_with_json(store, "assessment_result", frame, "dimension_scores", dimension_scores)


def delete_assessments(store: Store, dataset_id: str) -> None:
    """Delete the assessments and results of one dataset (registrations stay)."""
    store.con.execute("DELETE FROM assessment_result WHERE dataset_id = ?", [dataset_id])
    store.con.execute("DELETE FROM assessment WHERE dataset_id = ?", [dataset_id])


def _insert_with_json(
    store: Store, table: str, base: pd.DataFrame, json_column: str, values: pd.DataFrame
) -> None:
    """Insert ``base`` plus one JSON object per row built by DuckDB from the columns of ``values``
    (missing values → null; numbers stay numbers, option codes are text)."""
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
    with registered(store, f"_ins_{table}", frame) as name:
        store.con.execute(f'INSERT INTO {table} ({cols}, "{json_column}") SELECT {cols}, {obj} FROM {name}')


# ---- enterprises ----------------------------------------------------------------------------------------


def registrations(
    store: Store, uscc: str | Sequence[str] | None = None, *, dataset_id: str | None = None
) -> pd.DataFrame:
    """Registered enterprises (:data:`ENTERPRISE_COLUMNS`): all, those with the given USCCs, or those
    registered by one dataset."""
    where, params = ["TRUE"], []
    if uscc is not None:
        ids = [uscc] if isinstance(uscc, str) else list(uscc)
        where.append(f"uscc IN ({placeholders(ids, params)})")
    where_equal(where, params, (("dataset_id", dataset_id),))
    return store.query(
        f"SELECT {', '.join(ENTERPRISE_COLUMNS)} FROM enterprise WHERE {' AND '.join(where)} ORDER BY uscc",
        params,
    )


def registered_usccs(store: Store, usccs: Iterable[str]) -> set[str]:
    """Those of ``usccs`` that are registered."""
    ids = pd.DataFrame({"uscc": pd.Series(list(usccs), dtype=object)})
    if ids.empty:
        return set()
    with registered(store, "_ent_ids", ids) as name:
        return {
            r[0]
            for r in store.con.execute(
                f"SELECT e.uscc FROM enterprise e JOIN {name} i ON i.uscc = e.uscc"
            ).fetchall()
        }


def enterprises(
    store: Store,
    *,
    uscc: str | None = None,
    sector: str | None = None,
    region: str | None = None,
    size_class: str | None = None,
    model_code: str | None = None,
    search: str | None = None,
) -> pd.DataFrame:
    """Registered enterprises, each with its latest assessment per model (see :data:`LATEST_ORDER`).

    One row per enterprise and model it was assessed with (one row with empty assessment columns
    for an enterprise never assessed, or not under ``model_code`` when given), ordered by USCC and
    model: ``uscc, name, region_code, sector_code, sector_scheme, size_class, assessment_id,
    model_code, model_version, taken_on, total_score, level``. ``search`` keeps the enterprises
    whose name or USCC contains it (case-insensitive, literal text).
    """
    inner, params = [], []
    where_equal(inner, params, (("r.model_code", model_code),))
    latest = (
        f"SELECT r.* {_RESULTS_FROM} WHERE {' AND '.join(inner) or 'TRUE'} "
        f"QUALIFY row_number() OVER ({LATEST_ORDER}) = 1"
    )
    where = ["TRUE"]
    where_equal(
        where,
        params,
        (
            ("e.uscc", uscc),
            ("e.sector_code", sector),
            ("e.region_code", region),
            ("e.size_class", size_class),
        ),
    )
    if search:
        where.append("(contains(lower(e.name), lower(?)) OR contains(upper(e.uscc), upper(?)))")
        params += [search, search]
    return store.query(
        "SELECT e.uscc, e.name, e.region_code, e.sector_code, e.sector_scheme, e.size_class, "
        "r.assessment_id, r.model_code, r.model_version, r.taken_on, r.total_score, r.level "
        f"FROM enterprise e LEFT JOIN ({latest}) r ON r.uscc = e.uscc WHERE {' AND '.join(where)} "
        "ORDER BY e.uscc, r.model_code NULLS LAST",
        params,
    )


# ---- assessments and results ----------------------------------------------------------------------------


def assessment_results(
    store: Store,
    *,
    model_code: str | None = None,
    uscc: str | Sequence[str] | None = None,
    as_of: _dt.date | None = None,
    latest: bool = True,
    dimensions: bool = True,
    sector: str | None = None,
    model_fingerprint: str | None = None,
    dataset_id: str | None = None,
) -> pd.DataFrame:
    """Stored scored assessments joined with the enterprise registry.

    One row per assessment (``latest=True``: only each enterprise's latest assessment per model code
    on or before ``as_of``, see :data:`LATEST_ORDER`), columns ``assessment_id, uscc, name, sector,
    region, size_class, taken_on, model_code, model_version, model_fingerprint, total_score, level,
    dataset_id, synthetic`` and, with ``dimensions``, one column per dimension code (from the JSON).
    Ordered by USCC, date and assessment id; ``taken_on`` as ``datetime.date``.
    """
    where, params = ["TRUE"], []
    where_equal(
        where,
        params,
        (
            ("r.model_code", model_code),
            ("e.sector_code", sector),
            ("r.model_fingerprint", model_fingerprint),
            ("r.dataset_id", dataset_id),
        ),
    )
    if uscc is not None:
        ids = [uscc] if isinstance(uscc, str) else list(uscc)
        where.append(f"r.uscc IN ({placeholders([str(i).strip().upper() for i in ids], params)})")
    if as_of is not None:
        where.append("r.taken_on <= ?")
        params.append(as_of)
    base = f"{_RESULTS_FROM} WHERE {' AND '.join(where)}"
    dim_sql = ""
    if dimensions:
        keys: list[str] = []
        for (ks,) in store.con.execute(
            f"SELECT json_keys(any_value(r.dimension_scores)) {base} GROUP BY r.model_fingerprint", params
        ).fetchall():
            for key in ks or []:
                if key not in keys:
                    keys.append(key)
        dim_sql = "".join(
            f', CAST(json_extract(r.dimension_scores, \'$."{key}"\') AS DOUBLE) AS "{key}"' for key in keys
        )
    sql = f"""
        SELECT r.assessment_id, r.uscc, e.name, e.sector_code AS sector, e.region_code AS region,
               e.size_class, r.taken_on, r.model_code, r.model_version, r.model_fingerprint, r.total_score,
               r.level, r.dataset_id, (upper(d.title) LIKE '%SYNTHETIC%') AS synthetic{dim_sql}
        {base}"""
    if latest:
        sql += f" QUALIFY row_number() OVER ({LATEST_ORDER}) = 1"
    sql += " ORDER BY r.uscc, r.taken_on, r.assessment_id"
    df = store.query(sql, params)
    df["taken_on"] = pd.to_datetime(df["taken_on"]).dt.date
    return df


def enterprise_results(store: Store, uscc: str) -> pd.DataFrame:
    """Every scored assessment of one enterprise, oldest first: ``assessment_id, model_code,
    model_version, taken_on, total_score, level, dimension_scores`` (JSON text), ``run_id``."""
    return store.query(
        "SELECT assessment_id, model_code, model_version, taken_on, total_score, level, "
        "dimension_scores::VARCHAR AS dimension_scores, run_id FROM assessment_result "
        "WHERE uscc = ? ORDER BY taken_on, assessment_id",
        [uscc],
    )


def assessment_answers(store: Store, assessment_id: str) -> dict:
    """The raw answers of one stored assessment (question code → answer; empty if there is none)."""
    row = store.con.execute(
        "SELECT answers FROM assessment WHERE assessment_id = ?", [assessment_id]
    ).fetchall()
    return json.loads(row[0][0]) if row and row[0][0] is not None else {}


def result_fingerprints(store: Store, model_code: str, model_version: str) -> set[str]:
    """Fingerprints of the models that scored stored results under this code and version label."""
    return {
        r[0]
        for r in store.con.execute(
            "SELECT DISTINCT model_fingerprint FROM assessment_result "
            "WHERE model_code = ? AND model_version = ?",
            [model_code, model_version],
        ).fetchall()
    }


def model_enterprise_counts(store: Store) -> pd.Series:
    """Number of distinct enterprises with a stored result, per model code (largest first, then by code)."""
    f = store.query(
        "SELECT model_code, count(DISTINCT uscc) AS n FROM assessment_result GROUP BY model_code "
        "ORDER BY n DESC, model_code"
    )
    return pd.Series(f["n"].to_numpy(dtype=np.int64), index=f["model_code"].astype(str), name="enterprises")


def sheet_dataset(
    store: Store, sha256: str, model_fingerprint: str, first: _dt.date, last: _dt.date
) -> str | None:
    """Id of the assessment dataset stored from the sheet with this sha256, scored by this model for
    assessments dated ``first`` … ``last``, or None."""
    rows = store.con.execute(
        "SELECT d.dataset_id FROM dataset d JOIN assessment_result r ON r.dataset_id = d.dataset_id "
        "WHERE d.sha256 = ? AND d.kind = 'assessment' AND r.model_fingerprint = ? GROUP BY d.dataset_id "
        "HAVING min(r.taken_on) = ? AND max(r.taken_on) = ?",
        [sha256, model_fingerprint, first, last],
    ).fetchall()
    return rows[0][0] if rows else None


#: Rank of a dataset grade in SQL (general 1 < important 2 < core 3).
_GRADE_RANK = "CASE d.grade WHEN 'core' THEN 3 WHEN 'important' THEN 2 ELSE 1 END"
_RANK_GRADE = {1: "general", 2: "important", 3: "core"}


def enterprise_grades(store: Store, usccs: Iterable[str] | None = None) -> dict[str, str]:
    """``uscc → grade``: the highest grade of the datasets holding any row of each enterprise (its
    registration, its assessments, its scored results, its ``firm`` row, its annual accounts); every
    registered enterprise, or those of ``usccs``. Enterprise-level rows are at least ``important``,
    whatever their dataset says (and when the dataset is no longer stored)."""
    where, params = "", []
    if usccs is not None:
        ids = list(usccs)
        if not ids:
            return {}
        where = f"WHERE s.uscc IN ({placeholders(ids, params)})"
    rows = store.con.execute(
        "WITH s AS (SELECT uscc, dataset_id FROM enterprise UNION ALL "
        "SELECT uscc, dataset_id FROM assessment_result UNION ALL SELECT uscc, dataset_id FROM assessment "
        "UNION ALL SELECT uscc, dataset_id FROM firm UNION ALL SELECT uscc, dataset_id FROM firm_account) "
        f"SELECT s.uscc, greatest(2, max({_GRADE_RANK})) FROM s LEFT JOIN dataset d "
        f"ON d.dataset_id = s.dataset_id {where} GROUP BY s.uscc",
        params,
    ).fetchall()
    return {u: _RANK_GRADE[int(r)] for u, r in rows}


def enterprise_datasets(store: Store, usccs: Iterable[str]) -> dict[str, set[str]]:
    """``uscc → {dataset_id}``: the datasets holding any row of each of ``usccs`` (registration,
    assessments, scored results, ``firm`` row) — which department's data an enterprise's rows are."""
    ids = list(usccs)
    if not ids:
        return {}
    params: list = []
    rows = store.con.execute(
        "WITH s AS (SELECT uscc, dataset_id FROM enterprise UNION ALL "
        "SELECT uscc, dataset_id FROM assessment_result UNION ALL SELECT uscc, dataset_id FROM assessment "
        "UNION ALL SELECT uscc, dataset_id FROM firm) "
        f"SELECT DISTINCT uscc, dataset_id FROM s WHERE uscc IN ({placeholders(ids, params)})",
        params,
    ).fetchall()
    out: dict[str, set[str]] = {}
    for u, d in rows:
        out.setdefault(u, set()).add(d)
    return out
