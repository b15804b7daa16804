"""Per-user watchlists of the indicator library (``watchlist``): the one reader and writer.

A row is an account, an indicator code and a region code (``''``: the indicator itself, every region
or the national line). Times are UTC.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store

WATCHLIST_COLUMNS = ("code", "region_code", "added_at")


def watchlist(store: Store, username: str) -> pd.DataFrame:
    """The account's entries (:data:`WATCHLIST_COLUMNS`), oldest first."""
    return store.query(
        "SELECT code, region_code, added_at::VARCHAR AS added_at FROM watchlist WHERE username = ? "
        "ORDER BY added_at, rowid",
        [username],
    )


def add_entry(store: Store, username: str, code: str, region_code: str, at: str) -> bool:
    """Add one entry; False when the account watches it already (nothing written)."""
    before = store.con.execute(
        "SELECT count(*) FROM watchlist WHERE username = ? AND code = ? AND region_code = ?",
        [username, code, region_code],
    ).fetchall()[0][0]
    if before:
        return False
    store.con.execute("INSERT INTO watchlist VALUES (?, ?, ?, ?)", [username, code, region_code, at])
    return True


def remove_entry(store: Store, username: str, code: str, region_code: str | None) -> int:
    """Remove the account's entry of ``code`` (of one region; None: of every region); the number removed."""
    where, params = "username = ? AND code = ?", [username, code]
    if region_code is not None:
        where += " AND region_code = ?"
        params.append(region_code)
    n = store.con.execute(f"SELECT count(*) FROM watchlist WHERE {where}", params).fetchall()[0][0]
    store.con.execute(f"DELETE FROM watchlist WHERE {where}", params)
    return int(n)
