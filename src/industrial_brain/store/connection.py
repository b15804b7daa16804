"""Opening the store: path resolution, migrations, a clear busy error, transactions and audit.

The store is one DuckDB file. DuckDB lets one process write a file at a time, and no other process
may open it meanwhile. A store held by a running server is *lent* (:mod:`industrial_brain.store.lease`):
``Store(path)`` asks the server, which pauses, closes the file and reopens it when this store closes.
Otherwise a second opener gets :class:`~industrial_brain.errors.StoreBusyError` after a short wait,
never a crash. A server hands out :meth:`Store.cursor` views through the lease gate.
"""

from __future__ import annotations

import getpass
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from industrial_brain.errors import InputError, StoreBusyError
from industrial_brain.store.lease import Gate, Lease, LeaseServer, gate_wait, request_lease
from industrial_brain.store.schema import DATA_TABLES, MIGRATIONS, SCHEMA_VERSION

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
    lease : bool
        When a running server holds the file, ask it to lend the store until :meth:`close`
        (default). A server opens its own store with ``lease=False``.
    """

    #: The lease gate of a server's store (set by :meth:`serve_lease`); ``None`` elsewhere.
    gate: Gate | None = None
    #: The account on whose behalf this store (a job's cursor) writes results: analysis runs saved
    #: through it belong to that account (set by the API's job runner); ``None``: no owner.
    owner: str | None = None
    _lease: Lease | None = None
    _lent = False  # the connection is closed while the file is lent (:meth:`serve_lease`)

    def __init__(
        self,
        path: str | os.PathLike = ":memory:",
        *,
        read_only: bool = False,
        lock_timeout: float | None = None,
        lease: bool = True,
    ):
        self.path = str(path)
        self.read_only = read_only
        self._may_lease = lease
        self._closed = False
        self._con_lock = threading.Lock()
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise InputError.at(
                    "store not found",
                    file=self.path,
                    expected="an existing store (create one with 'ibrain init')",
                )
            if p.exists() and p.is_dir():
                raise InputError.at(
                    "store path is a directory", file=self.path, expected="a .duckdb file path"
                )
            p.parent.mkdir(parents=True, exist_ok=True)
        timeout = float(os.environ.get(ENV_LOCK_TIMEOUT, "2")) if lock_timeout is None else lock_timeout
        try:
            self.con = self._connect(timeout)
        except BaseException:
            self._give_back()
            raise
        self.actor = os.environ.get("IBRAIN_ACTOR") or _whoami()
        try:
            if not read_only:
                self.migrate()
            else:
                v = self.schema_version()
                if v < SCHEMA_VERSION:
                    raise InputError.at(
                        f"store has schema version {v}, this release needs {SCHEMA_VERSION}",
                        file=self.path,
                        expected="a migrated store: open it once for writing (e.g. 'ibrain init --db PATH')",
                    )
        except BaseException:
            self.close()
            raise

    def _connect(self, timeout: float) -> duckdb.DuckDBPyConnection:
        if self._may_lease:
            # Ask a live server first, not only after a lock error: the file is free for a moment
            # after each lease, and a process that took it then, outside the queue, would hold it
            # while the server believes it lent it to someone else.
            self._lease = request_lease(self.path)  # None: no server lends this store
        deadline = time.monotonic() + timeout
        while True:
            try:
                return duckdb.connect(self.path, read_only=self.read_only)
            except duckdb.Error as exc:
                if isinstance(exc, duckdb.IOException) and _is_lock_error(exc):
                    if self._may_lease and self._lease is None:
                        self._lease = request_lease(self.path)  # a server that was still starting
                        if self._lease is not None:
                            deadline = time.monotonic() + timeout  # the server has just let go
                            continue
                    if time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    pid = re.search(r"PID (\d+)", str(exc))
                    who = f" (process {pid.group(1)})" if pid else ""
                    raise StoreBusyError(
                        f"store is busy: '{self.path}' is being written by another process{who}; "
                        "try again when it has finished"
                    ) from None
                raise InputError.at(
                    "cannot open store",
                    file=self.path,
                    value=str(exc).splitlines()[0],
                    expected="a DuckDB database file written by Industrial Brain",
                ) from None

    # -- schema -----------------------------------------------------------------------------------
    def schema_version(self) -> int:
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_name = 'meta' AND table_schema = 'main'"
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
                file=self.path,
                expected="a newer industrial-brain to open it",
            )
        applied = []
        for version, title, statements in sorted(MIGRATIONS, key=lambda m: m[0]):
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
                self.con.execute(
                    "INSERT INTO audit VALUES (now(), ?, 'migrate', 'schema', ?)",
                    [self.actor, f"to version {version}: {title}"],
                )
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
        self.con.execute(
            "INSERT INTO audit VALUES (now(), ?, ?, ?, ?)", [actor or self.actor, action, obj, detail[:2000]]
        )

    # -- reading ----------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None):
        """Run a read query and return a pandas DataFrame (through Arrow: much faster than ``.df()``)."""
        with warnings.catch_warnings():  # DuckDB notes the Arrow copy of a DB-API result; still far faster
            warnings.simplefilter("ignore", UserWarning)
            table = self.con.execute(sql, params or []).to_arrow_table()
        return table.to_pandas()

    def table_counts(self) -> dict[str, int]:
        """Rows per data table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in DATA_TABLES}

    # -- sharing one connection (the server) --------------------------------------------------------
    def cursor(self, what: str = "cursor", *, wait: float | None = None) -> StoreCursor:
        """A view of this store on a cursor of its own, for one request or job; ``close()`` it.

        On a lendable store (:meth:`serve_lease`) the cursor is taken through the gate: while the
        store is lent this waits up to ``wait`` seconds (default
        :func:`~industrial_brain.store.lease.gate_wait`; ``math.inf``: as long as it takes), then
        raises :class:`StoreBusyError`. ``what`` names the user in the message a lease asker gets
        when it runs too long ("job stress-1a2b").
        """
        token = None if self.gate is None else self.gate.enter(what, gate_wait() if wait is None else wait)
        return StoreCursor(self, token)

    async def acursor(self, what: str = "cursor", *, wait: float | None = None) -> StoreCursor:
        """:meth:`cursor` for async code: waits for a lease to end without blocking the event loop."""
        gate = self.gate
        token = None if gate is None else await gate.enter_async(what, gate_wait() if wait is None else wait)
        return StoreCursor(self, token)

    def serve_lease(self, on_reopen: Sequence[Callable[[], None]] = ()) -> LeaseServer:
        """Make this (a server's) store lendable to other processes; ``start()`` the returned server.

        From now on requests and jobs take :meth:`cursor` views through :attr:`gate`; ``on_reopen``
        hooks run each time the store comes back from a lease (clear every cache of stored data).
        """
        self.gate = Gate()
        return LeaseServer(self.path, self.gate, self._suspend, self._resume, on_reopen)

    def _suspend(self) -> None:
        with self._con_lock:
            self.con.close()
            self._lent = True

    def _resume(self) -> None:
        """Reopen the file after a lease (waiting while any other process still has it open)."""
        while not self._closed:
            try:
                con = duckdb.connect(self.path, read_only=self.read_only)
            except duckdb.IOException as exc:
                if not _is_lock_error(exc):
                    raise
                time.sleep(0.1)
                continue
            with self._con_lock:
                if self._closed:
                    con.close()
                else:
                    self.con = con
                    self._lent = False
            return

    def _give_back(self) -> None:
        if self._lease is not None:
            self._lease.close()
            self._lease = None

    def checkpoint(self) -> bool:
        """Write the write-ahead log into the database file (DuckDB ``CHECKPOINT``); False when it cannot
        run now (read-only, in memory, the file lent to another process, or a transaction still open
        on another cursor — DuckDB then checkpoints when the last connection closes).

        After a checkpoint the ``.duckdb`` file alone holds every committed write: a copy of it
        opens without the ``.wal`` file.
        """
        if self.read_only or self.path == ":memory:":
            return False
        with self._con_lock:
            if self._closed or self._lent:
                return False
            try:
                self.con.execute("CHECKPOINT")
            except duckdb.Error:
                return False
        return True

    def close(self, *, checkpoint: bool = False) -> None:
        """Close the connection (after a :meth:`checkpoint` when asked); give a lease back; on a lent
        store, turn waiting requests away."""
        if checkpoint:
            self.checkpoint()
        with self._con_lock:
            self._closed = True
            self.con.close()
        self._give_back()
        if self.gate is not None:
            self.gate.shut()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StoreCursor(Store):
    """A :class:`Store` view on its own cursor of a shared connection (one request or job).

    DuckDB cursors are independent connections to the same database, safe to use from different
    threads. :meth:`close` closes the cursor and leaves the base store's gate.
    """

    def __init__(self, base: Store, token: int | None = None):
        self.path, self.read_only, self.actor = base.path, base.read_only, base.actor
        self._base_gate, self._token = base.gate, token
        try:
            self.con = base.con.cursor()
        except BaseException:
            self._leave()
            raise

    def _leave(self) -> None:
        if self._token is not None:
            self._base_gate.leave(self._token)
            self._token = None

    def close(self, *, checkpoint: bool = False) -> None:
        """Close the cursor and give the gate entry back (the base connection stays open; a
        checkpoint is the base store's to make)."""
        try:
            self.con.close()
        finally:
            self._leave()


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database in some containers
        return "unknown"


def open_store(db: str | os.PathLike | None = None, *, read_only: bool = False, lease: bool = True) -> Store:
    """Open the store at ``db`` (default :func:`default_db_path`); ``lease``: see :class:`Store`."""
    return Store(db if db is not None else default_db_path(), read_only=read_only, lease=lease)
