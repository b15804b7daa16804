"""Opening the store: path resolution, migrations, a clear busy error, transactions and audit.

The store is one DuckDB file. DuckDB lets one process write a file at a time; a second writer gets
:class:`~industrial_brain.errors.StoreBusyError` after a short wait, never a crash.
"""

from __future__ import annotations

import getpass
import os
import re
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from industrial_brain.errors import InputError, StoreBusyError
from industrial_brain.store.schema import MIGRATIONS, SCHEMA_VERSION

ENV_DB = "IBRAIN_DB"
ENV_LOCK_TIMEOUT = "IBRAIN_LOCK_TIMEOUT"


def default_db_path() -> Path:
    """``$IBRAIN_DB`` if set, else ``<user data dir>/industrial-brain/ibrain.duckdb``."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("industrial-brain", appauthor=False)) / "ibrain.duckdb"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


class Store:
    """An open store. Use as a context manager; ``con`` is the DuckDB connection.

    Parameters
    ----------
    path : str or Path
        Database file; ``":memory:"`` for a throw-away store (tests).
    read_only : bool
        Open without write access (several readers may share a file).
    lock_timeout : float, optional
        Seconds to wait for another process's write lock before :class:`StoreBusyError`
        (default ``$IBRAIN_LOCK_TIMEOUT`` or 2).
    """

    def __init__(self, path: str | os.PathLike = ":memory:", *, read_only: bool = False,
                 lock_timeout: float | None = None):
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise InputError.at("store not found", file=self.path,
                                    expected="an existing store (create one with 'ibrain init')")
            if p.exists() and p.is_dir():
                raise InputError.at("store path is a directory", file=self.path, expected="a .duckdb file path")
            p.parent.mkdir(parents=True, exist_ok=True)
        timeout = float(os.environ.get(ENV_LOCK_TIMEOUT, "2")) if lock_timeout is None else lock_timeout
        self.con = self._connect(timeout)
        self.actor = os.environ.get("IBRAIN_ACTOR") or _whoami()
        if not read_only:
            self.migrate()
        else:
            v = self.schema_version()
            if v < SCHEMA_VERSION:
                raise InputError.at(
                    f"store has schema version {v}, this release needs {SCHEMA_VERSION}", file=self.path,
                    expected="a migrated store: open it once for writing (e.g. 'ibrain init --db PATH')")

    def _connect(self, timeout: float) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return duckdb.connect(self.path, read_only=self.read_only)
            except duckdb.IOException as exc:
                if _is_lock_error(exc):
                    if time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    pid = re.search(r"PID (\d+)", str(exc))
                    who = f" (process {pid.group(1)})" if pid else ""
                    raise StoreBusyError(
                        f"store is busy: '{self.path}' is being written by another process{who}; "
                        "try again when it has finished") from None
                raise InputError.at("cannot open store", file=self.path, value=str(exc).splitlines()[0],
                                    expected="a DuckDB database file written by Industrial Brain") from None
            except duckdb.Error as exc:
                raise InputError.at("cannot open store", file=self.path, value=str(exc).splitlines()[0],
                                    expected="a DuckDB database file written by Industrial Brain") from None

    # -- schema -----------------------------------------------------------------------------------
    def schema_version(self) -> int:
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
        ).fetchall()[0][0]
        if not has_meta:
            return 0
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def migrate(self) -> list[int]:
        """Apply every migration above the stored version; return the versions applied."""
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise InputError.at(
                f"store has schema version {current}, newer than this release ({SCHEMA_VERSION})",
                file=self.path, expected="a newer industrial-brain to open it")
        applied = []
        for version, title, statements in MIGRATIONS:
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
                self.con.execute(
                    "INSERT INTO audit VALUES (now(), ?, 'migrate', 'schema', ?)",
                    [self.actor, f"to version {version}: {title}"])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    # -- writing ----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def audit(self, action: str, obj: str, detail: str = "", *, actor: str | None = None) -> None:
        """Append one audit row (call inside the write's transaction).

        ``actor`` defaults to the store's (``$IBRAIN_ACTOR`` or the OS user); the REST API passes
        the caller (``api:<user>``). ``detail`` is kept to its first 2,000 characters.
        """
        self.con.execute("INSERT INTO audit VALUES (now(), ?, ?, ?, ?)",
                         [actor or self.actor, action, obj, detail[:2000]])

    # -- reading ----------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None):
        """Run a read query and return a pandas DataFrame (through Arrow: several times faster than ``.df()``)."""
        with warnings.catch_warnings():  # DuckDB notes the Arrow copy of a DB-API result; still far faster
            warnings.simplefilter("ignore", UserWarning)
            table = self.con.execute(sql, params or []).to_arrow_table()
        return table.to_pandas()

    def table_counts(self) -> dict[str, int]:
        from industrial_brain.store.schema import DATA_TABLES

        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in DATA_TABLES}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database in some containers
        return "unknown"


def open_store(db: str | os.PathLike | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``db`` (default :func:`default_db_path`)."""
    return Store(db if db is not None else default_db_path(), read_only=read_only)
