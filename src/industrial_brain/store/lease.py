"""The store lease: a command-line process working on a store that a running server holds.

DuckDB lets one process open a file for writing, and while it does no other process may open the
file at all, not even read-only. ``ibrain serve`` keeps its store open for its whole life, so it
also listens on a Unix domain socket named after the store file (:func:`socket_path`, in a
directory only this user may enter). A process about to open the file connects there first and,
when a server answers, asks for a *lease* (:func:`request_lease`). The server (:class:`LeaseServer`)
closes its :class:`Gate` so that no new request or job takes a cursor, waits (bounded) for those in
flight, closes its DuckDB connection and answers "granted". The process opens the file, works, closes
it and hangs up, or dies and the kernel hangs up for it. The server then reopens the file, runs its
``on_reopen`` hooks (cache clears: the file may have changed) and opens the gate again.

One lease at a time; a second asker queues behind the first within its own wait. The protocol is
one JSON line each way: ``{"op": "lease", "what": ..., "wait": s}`` → ``{"granted": true}`` or
``{"granted": false, "error": "store is busy: …"}``.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import math
import os
import socket
import stat
import struct
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from industrial_brain.errors import StoreBusyError

ENV_LEASE_TIMEOUT = "IBRAIN_LEASE_TIMEOUT"
ENV_GATE_TIMEOUT = "IBRAIN_GATE_TIMEOUT"
#: Seconds a command-line process waits for the server to finish its requests and jobs.
LEASE_WAIT = 15.0
#: Seconds a request waits for a lease to end before it is answered 503 (store busy).
GATE_WAIT = 30.0
_MAX_MESSAGE = 65536


def _seconds(env: str, default: float) -> float:
    return float(os.environ.get(env, default))


def lease_wait() -> float:
    """How long a process waits for a lease: ``$IBRAIN_LEASE_TIMEOUT`` or :data:`LEASE_WAIT` seconds."""
    return _seconds(ENV_LEASE_TIMEOUT, LEASE_WAIT)


def gate_wait() -> float:
    """How long a request waits while the store is lent: ``$IBRAIN_GATE_TIMEOUT`` or :data:`GATE_WAIT`."""
    return _seconds(ENV_GATE_TIMEOUT, GATE_WAIT)


# ---- where the socket lives ------------------------------------------------------------------------


def _private(d: Path) -> bool:
    """``d`` is a directory owned by this user that nobody else may enter."""
    try:
        st = d.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _runtime_bases() -> list[Path]:
    """Folders a lease socket may be in: the first is where this process's server listens; askers
    try all (``/run/user/<uid>`` is where login sessions' ``$XDG_RUNTIME_DIR`` usually points)."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    bases = [Path(xdg)] if xdg and _private(Path(xdg)) else []
    session = Path(f"/run/user/{os.getuid()}")
    return bases + ([session] if _private(session) else []) + [Path(tempfile.gettempdir()), Path("/tmp")]


def runtime_dir() -> Path:
    """``<$XDG_RUNTIME_DIR or the temp dir>/ibrain-<uid>``: the folder of lease sockets (mode 0700)."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(xdg) if xdg and _private(Path(xdg)) else Path(tempfile.gettempdir())
    return base / f"ibrain-{os.getuid()}"


def socket_path(db: str | os.PathLike) -> Path | None:
    """The lease socket a server of the store file ``db`` listens on:
    ``runtime_dir()/<sha256 of the file's real path>[:16].sock``.

    ``None`` for an in-memory store or where the platform has no Unix domain sockets.
    """
    found = _socket_paths(db)
    return found[0] if found else None


def _socket_paths(db: str | os.PathLike) -> list[Path]:
    """Every place a server of ``db`` may listen, this process's own choice first: a server started
    without ``$XDG_RUNTIME_DIR`` (a service, a container) or in a login session is still found."""
    if str(db) == ":memory:" or not hasattr(socket, "AF_UNIX"):
        return []
    name = hashlib.sha256(os.path.realpath(db).encode("utf-8")).hexdigest()[:16] + ".sock"
    out = [runtime_dir() / name]
    for base in _runtime_bases():
        p = base / f"ibrain-{os.getuid()}" / name
        if p not in out:
            out.append(p)
    return out


def _peer(conn: socket.socket) -> tuple[int | None, int | None]:
    """(pid, uid) of the process at the other end, where the platform tells (Linux)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None, None
    raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _ = struct.unpack("3i", raw)
    return pid, uid


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")


def _receive(conn: socket.socket) -> dict | None:
    """One JSON line, or ``None`` when the other end hung up first."""
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            return None
        buf += chunk
        if len(buf) > _MAX_MESSAGE:
            raise ValueError("lease message too long")
    return json.loads(buf)


# ---- the gate ------------------------------------------------------------------------------------


class Gate:
    """Who may use the server's connection: any number of cursors at once, or one lease holder alone.

    Requests and jobs :meth:`enter` (naming themselves) before they take a cursor and :meth:`leave`
    when they have closed it. :meth:`close` stops new entries and waits until those inside have
    left; :meth:`open` lets entries through again. A pending close already holds new entries back,
    so a stream of requests cannot starve a lease.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._inside: dict[int, tuple[str, float]] = {}
        self._next = 0
        self._holder: tuple[str, float] | None = None
        self._shut = False

    def _busy(self) -> StoreBusyError:
        if self._shut:
            return StoreBusyError("store is closed: the server is shutting down")
        what, since = self._holder or ("another process", time.monotonic())
        return StoreBusyError(
            f"store is busy: lent to {what} for {time.monotonic() - since:.0f} s; try again shortly"
        )

    def try_enter(self, what: str) -> int | None:
        """Enter without waiting: a token for :meth:`leave`, or ``None`` while the store is lent."""
        with self._cond:
            if self._shut:
                raise self._busy()
            if self._holder is not None:
                return None
            self._next += 1
            self._inside[self._next] = (what, time.monotonic())
            return self._next

    def enter(self, what: str, wait: float) -> int:
        """Enter, waiting up to ``wait`` seconds (``math.inf``: as long as it takes) for a lease to end."""
        deadline = None if math.isinf(wait) else time.monotonic() + wait
        with self._cond:
            while True:
                token = self.try_enter(what)
                if token is not None:
                    return token
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise self._busy()
                self._cond.wait(left)

    async def enter_async(self, what: str, wait: float) -> int:
        """:meth:`enter` for the event loop: polls every 20 ms instead of blocking a thread."""
        deadline = None if math.isinf(wait) else time.monotonic() + wait
        while True:
            token = self.try_enter(what)
            if token is not None:
                return token
            if deadline is not None and time.monotonic() >= deadline:
                with self._cond:
                    raise self._busy()
            await asyncio.sleep(0.02)

    def leave(self, token: int) -> None:
        """Give back the entry ``token``."""
        with self._cond:
            self._inside.pop(token, None)
            self._cond.notify_all()

    def close(self, holder: str, wait: float) -> None:
        """Hold new entries back and wait up to ``wait`` s for those inside to leave.

        On time-out the gate opens again and :class:`StoreBusyError` names the oldest one still inside.
        """
        deadline = time.monotonic() + wait
        with self._cond:
            if self._shut:
                raise self._busy()
            self._holder = (holder, time.monotonic())
            while self._inside:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._holder = None
                    self._cond.notify_all()
                    what, since = min(self._inside.values(), key=lambda v: v[1])
                    raise StoreBusyError(
                        f"store is busy: the server is running {what} "
                        f"(for {time.monotonic() - since:.0f} s); "
                        "try again when it has finished"
                    )
                self._cond.wait(left)

    def open(self) -> None:
        """Let entries through again (the lease has ended)."""
        with self._cond:
            self._holder = None
            self._cond.notify_all()

    def shut(self) -> None:
        """The store is closing for good: waiting and later entries fail with :class:`StoreBusyError`."""
        with self._cond:
            self._shut = True
            self._cond.notify_all()


# ---- the server side -----------------------------------------------------------------------------


class LeaseServer:
    """Lends the store at ``db`` to local processes that ask on its :func:`socket_path`.

    ``suspend()`` closes the server's connection, ``resume()`` reopens it; ``on_reopen`` hooks run
    after every lease, before the gate opens (e.g. clearing caches of answers read from the store).
    :meth:`start` and :meth:`stop` may be called more than once.
    """

    def __init__(
        self,
        db: str | os.PathLike,
        gate: Gate,
        suspend: Callable[[], None],
        resume: Callable[[], None],
        on_reopen: Sequence[Callable[[], None]] = (),
    ):
        self.path = socket_path(db)
        self.gate = gate
        self.on_reopen = list(on_reopen)
        self._suspend, self._resume = suspend, resume
        self._one = threading.Lock()
        self._holder = ""
        self._sock: socket.socket | None = None
        self._inode: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Listen (a no-op without a socket path or when already listening).

        A socket file nobody answers on is a leftover of a killed server and is replaced; one that
        answers belongs to another server of the same store: :class:`StoreBusyError`.
        """
        if self.path is None or self._thread is not None:
            return
        d = self.path.parent
        try:
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            return _not_lending(f"cannot create {d}: {exc}")
        if not _private(d):
            return _not_lending(f"{d} is not a private directory of this user")
        if self.path.exists():
            if _answers(self.path):
                raise StoreBusyError(f"store is busy: another server lends it on {self.path}")
            self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(self.path))
            os.chmod(self.path, 0o600)
            sock.listen(8)
        except OSError as exc:  # e.g. a path longer than the platform allows
            sock.close()
            return _not_lending(f"cannot listen on {self.path}: {exc}")
        sock.settimeout(0.2)
        self._sock, self._inode = sock, self.path.stat().st_ino
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept, name="ibrain-lease", daemon=True)
        self._thread.start()
        atexit.register(self.stop)  # an app never closed (a script's TestClient) leaves no socket file

    def stop(self) -> None:
        """Stop listening and remove the socket file (a lease in progress still ends normally)."""
        if self._thread is None:
            return
        atexit.unregister(self.stop)
        self._stopping.set()
        self._thread.join()
        self._sock.close()
        try:
            if self.path.stat().st_ino == self._inode:
                self.path.unlink()
        except FileNotFoundError:
            pass
        self._thread = self._sock = None

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                return
            conn.setblocking(True)
            threading.Thread(
                target=self._session, args=(conn,), name="ibrain-lease-session", daemon=True
            ).start()

    def _session(self, conn: socket.socket) -> None:
        with conn:
            try:
                self._lend(conn)
            except (OSError, ValueError):
                pass  # the asker went away or spoke nonsense: nothing was lent, or the lease ended

    def _lend(self, conn: socket.socket) -> None:
        pid, uid = _peer(conn)
        if uid is not None and uid != os.getuid():
            return
        conn.settimeout(5)
        request = _receive(conn)
        if not isinstance(request, dict) or request.get("op") != "lease":
            return
        wait = min(max(float(request.get("wait", LEASE_WAIT)), 0.0), 3600.0)
        holder = f"process {pid or request.get('pid', '?')} ({str(request.get('what', ''))[:160]})"
        deadline = time.monotonic() + wait
        conn.settimeout(wait + 5)
        if not self._one.acquire(timeout=wait):
            other = self._holder or "another process"
            _send(conn, {"granted": False, "error": f"store is busy: lent to {other}; try again shortly"})
            return
        try:
            try:
                self.gate.close(holder, max(deadline - time.monotonic(), 0.0))
            except StoreBusyError as exc:
                _send(conn, {"granted": False, "error": str(exc)})
                return
            self._holder = holder
            try:
                self._suspend()
                _send(conn, {"granted": True})
                conn.settimeout(None)
                while conn.recv(64):  # until the holder hangs up (or dies)
                    pass
            finally:
                self._take_back()
        finally:
            self._one.release()

    def _take_back(self) -> None:
        """Reopen the store, run the hooks, open the gate: whatever fails, requests are let through
        again (an error answers them; a closed gate would hang them)."""
        try:
            self._resume()
            for hook in self.on_reopen:
                try:
                    hook()
                except Exception:  # a failing hook must not keep the store shut
                    traceback.print_exc()
        finally:
            self._holder = ""
            self.gate.open()


def _not_lending(why: str) -> None:
    print(f"industrial-brain: not lending the store to command-line processes: {why}", file=sys.stderr)


def _answers(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(str(path))
    except OSError:
        return False
    finally:
        s.close()
    return True


# ---- the asking side -----------------------------------------------------------------------------

_held: set[str] = set()  # databases this process holds a lease on (real paths)
_held_lock = threading.Lock()


class Lease:
    """A granted lease. Keep it while the store file is open; :meth:`close` (or exit) gives it back.

    A second store opened on the same file by the same process while the first is open shares the
    first one's lease (``sock`` None): asking again would queue behind itself.
    """

    def __init__(self, sock: socket.socket | None, key: str):
        self._sock, self._key = sock, key

    def close(self) -> None:
        """Hang up: the server reopens the store."""
        if self._sock is not None:
            with _held_lock:
                _held.discard(self._key)
            self._sock.close()
            self._sock = None


def request_lease(db: str | os.PathLike, wait: float | None = None) -> Lease | None:
    """Ask the server that holds ``db`` to lend it; ``None`` when no server listens for that store.

    Waits up to ``wait`` seconds (default :func:`lease_wait`) and raises :class:`StoreBusyError` with
    the server's one-line reason when it refuses (a job running longer, another lease).
    """
    key = os.path.realpath(db)
    with _held_lock:
        if key in _held:
            return Lease(None, key)
    sock = _connect_server(db)
    if sock is None:
        return None
    wait = lease_wait() if wait is None else wait
    try:
        sock.settimeout(wait + 10)
        what = " ".join([Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]])
        _send(sock, {"op": "lease", "pid": os.getpid(), "what": what[:160], "wait": wait})
        answer = _receive(sock)
    except (OSError, ValueError):
        answer = None
    if not answer or not answer.get("granted"):
        sock.close()
        raise StoreBusyError(
            (answer or {}).get("error")
            or f"store is busy: the server holding '{db}' did not lend it; try again shortly"
        )
    sock.settimeout(None)
    with _held_lock:
        _held.add(key)
    return Lease(sock, key)


def _connect_server(db: str | os.PathLike) -> socket.socket | None:
    """A connection to the live server of ``db``; ``None`` if none listens (socket files left by a
    killed server are passed over)."""
    for path in _socket_paths(db):
        if not _private(path.parent) or not path.exists():
            continue
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(2)
            sock.connect(str(path))
        except OSError:
            sock.close()
            continue
        return sock
    return None
