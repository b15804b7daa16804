"""Releases of enterprise aggregates: the one reader and writer of ``release_header``,
``release_cell`` and ``release_member``.

``release_member`` (which assessment counted in which cell) is core-grade: it is read only by the
release audit (:func:`audit_history`) and never served. "Latest release" is defined here once
(:data:`LATEST_RELEASE`): per model code, the release made last (ties: the larger id).
"""

from __future__ import annotations

import json

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, where_equal

#: Order of releases, newest first (the one definition of "latest release").
LATEST_RELEASE = "made_at DESC, release_id DESC"
#: Columns of a release header as read (:func:`releases`), times as ISO text in UTC.
HEADER_COLUMNS = (
    "release_id",
    "model_code",
    "made_at",
    "period",
    "k",
    "p",
    "n_min",
    "n_enterprises",
    "made_by",
)
#: Columns of a published cell as stored (``shares`` is a JSON object level → share).
CELL_COLUMNS = (
    "release_id",
    "table_name",
    "cell_key",
    "sector",
    "region",
    "size_class",
    "n",
    "mean",
    "q1",
    "median",
    "q3",
    "shares",
    "suppressed",
    "suppression",
    "position",
)


def insert_release(
    store: Store, header: dict, cells: pd.DataFrame, members: pd.DataFrame, audit: dict
) -> None:
    """Write one release: its header (:data:`HEADER_COLUMNS` plus ``levels``, a list), its published
    cells (:data:`CELL_COLUMNS` except ``release_id``; ``shares`` JSON text) and its membership
    (``grouping, cell_key, assessment_id, uscc``). Call inside the release's transaction."""
    store.con.execute(
        "INSERT INTO release_header (release_id, model_code, made_at, period, k, p, n_min, n_enterprises, "
        "made_by, levels, audit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            header["release_id"],
            header["model_code"],
            header["made_at"],
            header.get("period"),
            int(header["k"]),
            float(header["p"]),
            int(header["n_min"]),
            int(header["n_enterprises"]),
            header.get("made_by"),
            json.dumps(list(header.get("levels", []))),
            json.dumps(audit, default=str),
        ],
    )
    insert_frame(store, "release_cell", cells.assign(release_id=header["release_id"]))
    insert_frame(store, "release_member", members.assign(release_id=header["release_id"]))


def releases(store: Store, *, model_code: str | None = None) -> pd.DataFrame:
    """Release headers (:data:`HEADER_COLUMNS`), newest first; ``made_at`` as ISO text ending ``Z``."""
    where, params = ["TRUE"], []
    where_equal(where, params, (("model_code", model_code),))
    return store.query(
        "SELECT release_id, model_code, strftime(made_at, '%Y-%m-%dT%H:%M:%SZ') AS made_at, period, k, p, "
        f"n_min, n_enterprises, made_by FROM release_header WHERE {' AND '.join(where)} "
        f"ORDER BY {LATEST_RELEASE}",
        params,
    )


def latest_release(store: Store, model_code: str) -> dict | None:
    """The latest release of ``model_code`` (header dict with ``levels`` as a list), or None."""
    cur = store.con.execute(
        "SELECT release_id, model_code, strftime(made_at, '%Y-%m-%dT%H:%M:%SZ') AS made_at, period, k, p, "
        "n_min, n_enterprises, made_by, levels::VARCHAR AS levels FROM release_header "
        f"WHERE model_code = ? ORDER BY {LATEST_RELEASE} LIMIT 1",
        [model_code],
    )
    row = cur.fetchone()
    if row is None:
        return None
    out = dict(zip([d[0] for d in cur.description], row))
    out["levels"] = json.loads(out["levels"] or "[]")
    return out


def release_models(store: Store) -> list[str]:
    """Model codes that have at least one release."""
    return [
        r[0]
        for r in store.con.execute("SELECT DISTINCT model_code FROM release_header ORDER BY 1").fetchall()
    ]


def release_table(store: Store, release_id: str, table_name: str) -> pd.DataFrame:
    """The published cells of one table of one release (:data:`CELL_COLUMNS`), in stored order."""
    return store.query(
        "SELECT table_name, cell_key, sector, region, size_class, n, mean, q1, median, q3, "
        "shares::VARCHAR AS shares, suppressed, suppression FROM release_cell "
        "WHERE release_id = ? AND table_name = ? ORDER BY position",
        [release_id, table_name],
    )


def audit_history(store: Store, model_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everything the release audit needs from the earlier releases of ``model_code``.

    Returns ``(cells, members)``: ``cells`` one row per release and canonical cell key —
    ``release_id, key, n`` (the true count, from the membership), ``published`` (published in at
    least one table), ``sensitive`` (primary or dominance suppression); ``members``: ``release_id, key,
    contributor`` (assessment id), ``unit`` (USCC).
    """
    cells = store.query(
        "WITH m AS (SELECT m.release_id, m.cell_key, count(*) AS n FROM release_member m "
        "JOIN release_header h ON h.release_id = m.release_id WHERE h.model_code = ? "
        "GROUP BY m.release_id, m.cell_key), "
        "c AS (SELECT c.release_id, c.cell_key, bool_or(NOT c.suppressed) AS published, "
        "bool_or(c.suppression IN ('primary', 'dominance')) AS sensitive FROM release_cell c "
        "JOIN release_header h ON h.release_id = c.release_id WHERE h.model_code = ? "
        "GROUP BY c.release_id, c.cell_key) "
        "SELECT m.release_id, m.cell_key AS key, m.n, coalesce(c.published, FALSE) AS published, "
        "coalesce(c.sensitive, FALSE) AS sensitive FROM m LEFT JOIN c USING (release_id, cell_key) "
        "ORDER BY m.release_id, m.cell_key",
        [model_code, model_code],
    )
    members = store.query(
        "SELECT m.release_id, m.cell_key AS key, m.assessment_id AS contributor, m.uscc AS unit "
        "FROM release_member m JOIN release_header h ON h.release_id = m.release_id "
        "WHERE h.model_code = ? ORDER BY m.release_id, m.cell_key, m.assessment_id",
        [model_code],
    )
    return cells, members
