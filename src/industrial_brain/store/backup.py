"""A consistent single-file copy of the store (``ibrain backup``), made while a server may be serving.

How it is consistent: the process making the copy holds the store alone — beside a running server it
has borrowed the file through the lease (:mod:`industrial_brain.store.lease`: the server finished its
requests and jobs in flight and closed its connection), elsewhere DuckDB's lock keeps other writers
out. A ``CHECKPOINT`` then writes the write-ahead log into the database file, so the file alone holds
every committed write; it is copied byte for byte while this process still holds the lock (nobody can
write meanwhile), to a temporary file beside the destination that is synced and renamed into place: a
backup is whole or absent. The copy is opened read-only and its rows counted per table.

Why not ``COPY FROM DATABASE``: it rebuilds every table in a new file (slower, and the copy is a
different file with re-created constraints); under the lease the byte copy of a checkpointed file is
the same database, exactly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store


def copy_store(store: Store, dest: str | os.PathLike) -> dict[str, int]:
    """Checkpoint ``store`` and copy its file to ``dest`` (replacing a file there); return the copy's
    rows per table (every table of the ``main`` schema), read back from the copy."""
    if store.path == ":memory:":
        raise InputError.at("an in-memory store has no file to copy", column="--db", expected="a store file")
    dest = Path(dest)
    try:
        store.con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise InputError.at(
            "cannot checkpoint the store before the copy",
            file=store.path,
            value=str(exc).splitlines()[0],
            expected="no other transaction open on the store",
        ) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(store.path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 22)
            out.flush()
            os.fsync(out.fileno())
        counts = table_counts(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts


def table_counts(path: str | os.PathLike) -> dict[str, int]:
    """Rows per table of the ``main`` schema of the store file at ``path``, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in names}
    finally:
        con.close()
