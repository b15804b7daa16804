"""The ``data_grade`` table (migration 14): grades of datasets by GB/T 43697-2024, their justification
and data stewards' overrides; and the readers that describe stored datasets for grading.

One row per grading of a dataset; the latest row (by ``at``) is in force. ``effective_grade`` is what
the access policy reads, copied into ``dataset.grade``
(:func:`industrial_brain.store.datasets.set_dataset_grade`) in the same transaction.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import placeholders

__all__ = [
    "GRADE_COLUMNS",
    "insert_grade",
    "latest_grades",
    "grade_history",
    "datasets_to_grade",
    "panel_indicators",
    "dataset_subjects",
    "dataset_regions",
]

GRADE_COLUMNS = (
    "grade_id", "dataset_id", "at", "graded_by", "fingerprint", "rules", "grade", "general_sublevel",
    "miit_level", "ingest_grade", "effective_grade", "justification", "override_grade", "overridden_by",
    "override_reason", "overridden_at",
)  # fmt: skip


_QUOTED = ", ".join(f'"{c}"' for c in GRADE_COLUMNS)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def insert_grade(
    store: Store,
    *,
    dataset_id: str,
    graded_by: str | None,
    fingerprint: str,
    rules: str,
    grade: str,
    general_sublevel: int | None,
    miit_level: str,
    ingest_grade: str,
    effective_grade: str,
    justification: dict,
    override_grade: str | None = None,
    overridden_by: str | None = None,
    override_reason: str | None = None,
    overridden_at: _dt.datetime | None = None,
    at: _dt.datetime | None = None,
) -> str:
    """Append one grading row (call inside a transaction); return its ``grade_id``."""
    gid = uuid.uuid4().hex
    store.con.execute(
        f"INSERT INTO data_grade ({_QUOTED}) VALUES ({', '.join('?' * len(GRADE_COLUMNS))})",
        [
            gid, dataset_id, at or _now(), graded_by, fingerprint, rules, grade, general_sublevel, miit_level,
            ingest_grade, effective_grade, json.dumps(justification, ensure_ascii=False, default=str),
            override_grade, overridden_by, override_reason, overridden_at,
        ],
    )  # fmt: skip
    return gid


def latest_grades(store: Store, dataset_ids=None) -> pd.DataFrame:
    """The grade in force of every graded dataset (or of ``dataset_ids``): one row each, the latest
    by ``at``; ``justification`` as parsed JSON."""
    params: list = []
    where = f"WHERE dataset_id IN ({placeholders(list(dataset_ids), params)})" if dataset_ids else ""
    cols = ", ".join(f'"{c}"' for c in GRADE_COLUMNS)
    df = store.query(
        f"SELECT {cols} FROM data_grade {where} "
        'QUALIFY row_number() OVER (PARTITION BY dataset_id ORDER BY "at" DESC, grade_id) = 1 '
        "ORDER BY dataset_id",
        params,
    )
    df["justification"] = [json.loads(j) for j in df["justification"]]
    return df


def grade_history(store: Store, dataset_id: str) -> pd.DataFrame:
    """Every grading of one dataset, oldest first (without the justification)."""
    cols = ", ".join(f'"{c}"' for c in GRADE_COLUMNS if c != "justification")
    return store.query(
        f'SELECT {cols} FROM data_grade WHERE dataset_id = ? ORDER BY "at", grade_id', [dataset_id]
    )


# ---- describing stored datasets for grading ----------------------------------------------------------


def datasets_to_grade(store: Store, dataset_ids=None) -> pd.DataFrame:
    """``dataset_id, kind, title, source, publisher, grade, rows`` of the stored datasets (or of
    ``dataset_ids``), by id."""
    params: list = []
    where = f"WHERE dataset_id IN ({placeholders(list(dataset_ids), params)})" if dataset_ids else ""
    return store.query(
        f"SELECT dataset_id, kind, title, source, publisher, grade, rows FROM dataset {where} "
        "ORDER BY dataset_id",
        params,
    )


def panel_indicators(store: Store) -> pd.DataFrame:
    """``dataset_id, indicator_code, name_zh, name_en, unit, dimension, regions``: the indicators each
    panel dataset holds (``regions``: distinct regions observed)."""
    return store.query(
        "SELECT o.dataset_id, o.indicator_code, i.name_zh, i.name_en, i.unit, i.dimension, "
        "count(DISTINCT o.region_code) AS regions FROM observation o "
        "LEFT JOIN indicator i ON i.code = o.indicator_code "
        "GROUP BY ALL ORDER BY o.dataset_id, o.indicator_code"
    )


def dataset_subjects(store: Store) -> dict[str, int]:
    """``dataset_id → distinct enterprises`` (USCCs) in its registration, assessment, firm or
    transaction rows."""
    rows = store.con.execute(
        "WITH s AS (SELECT dataset_id, uscc FROM enterprise "
        "UNION ALL SELECT dataset_id, uscc FROM assessment UNION ALL SELECT dataset_id, uscc FROM firm "
        'UNION ALL SELECT dataset_id, seller_uscc FROM "transaction" '
        'UNION ALL SELECT dataset_id, buyer_uscc FROM "transaction") '
        "SELECT dataset_id, count(DISTINCT uscc) FROM s GROUP BY dataset_id"
    ).fetchall()
    return {d: int(n) for d, n in rows}


def dataset_regions(store: Store) -> dict[str, int]:
    """``dataset_id → distinct region codes`` of its enterprise or firm rows."""
    rows = store.con.execute(
        "WITH s AS (SELECT dataset_id, region_code FROM enterprise "
        "UNION ALL SELECT dataset_id, region_code FROM firm) "
        "SELECT dataset_id, count(DISTINCT region_code) FROM s GROUP BY dataset_id"
    ).fetchall()
    return {d: int(n) for d, n in rows}
