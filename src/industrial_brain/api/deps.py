"""Request dependencies: the store, the caller's role, grade checks, audit, cached answers with ETags.

Handlers take these as ``Annotated`` parameters (``StoreDep``, ``CurrentRole``) and never repeat
a role check: :func:`require_roles` and :func:`require_grade` are dependencies.

Answers rendered here (:func:`render`, then :func:`send` or :func:`cached`) bypass FastAPI's own
serialisation, so they are checked here against the route's declared ``response_model``
(:func:`check_answer`): a JSON body that breaks its contract is a bug and fails the request (500)
instead of reaching the client.

One DuckDB connection is opened per process (``app.state.store``); each request gets its own
cursor on it (DuckDB cursors are independent connections to the same database, safe to use from
the worker threads FastAPI runs synchronous handlers in), taken through the store's lease gate
(it waits while a command-line process has the store: ``industrial_brain.store.lease``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter, ValidationError

from industrial_brain._shared.export import XLSX_MEDIA, csv_text, xlsx_bytes
from industrial_brain._shared.i18n import unit_of_column
from industrial_brain.api.limits import CACHE_HIT
from industrial_brain.errors import AccessError, InputError, NotAuthenticated
from industrial_brain.services import access, accounts
from industrial_brain.services.access import GRADES, PUBLIC, Principal
from industrial_brain.store.connection import Store

__all__ = ["NotAuthenticated", "PUBLIC", "Principal"]  # and the dependencies below


async def get_store(request: Request) -> AsyncIterator[Store]:
    """A cursor of its own for this request (async: no worker-thread hop just to open it)."""
    s = await request.app.state.store.acursor(f"request {request.method} {request.url.path}")
    try:
        yield s
    finally:
        s.close()


StoreDep = Annotated[Store, Depends(get_store)]

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/v1/auth/token")


class TokenCache:
    """Recently checked tokens → caller, for ``ttl`` seconds and never past the token's own expiry.

    Saves a store query per request. Logout and account removal through the API evict at once; a
    removal by the command line (another process) reaches the server through the store lease, whose
    reopen empties this cache (``app.state.lease`` in :func:`industrial_brain.api.main.create_app`).
    At most ``size`` tokens are kept (the soonest to lapse go first). ``clock`` gives tz-aware UTC
    (tests pass their own); the ``ttl`` is counted on the same clock.
    """

    def __init__(self, ttl: float = 30.0, size: int = 10000, clock: Callable[[], _dt.datetime] | None = None):
        self.ttl, self.size = _dt.timedelta(seconds=ttl), size
        self.clock = clock or accounts.utc_now
        self._d: dict[str, tuple[_dt.datetime, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        """The caller behind ``token`` if checked within ``ttl`` and still unexpired, else None."""
        now = self.clock()
        with self._lock:
            hit = self._d.get(token)
            if hit is not None and not now < hit[0]:
                del self._d[token]
                hit = None
        return None if hit is None else hit[1]

    def put(self, token: str, who: Principal, expires_at: _dt.datetime) -> None:
        """Remember a checked token until ``min(now + ttl, expires_at)`` (tz-aware)."""
        until = min(self.clock() + self.ttl, expires_at)
        with self._lock:
            if len(self._d) >= self.size:
                now = self.clock()
                for k in [k for k, (t, _) in self._d.items() if not now < t]:
                    del self._d[k]
                while len(self._d) >= self.size:
                    del self._d[min(self._d, key=lambda k: self._d[k][0])]
            self._d[token] = (until, who)

    def evict(self, token: str | None = None, username: str | None = None) -> None:
        """Forget one token, or every token of ``username`` (logout, account removal)."""
        with self._lock:
            gone = [k for k, (_, w) in self._d.items() if k == token or (username and w.username == username)]
            for k in gone:
                del self._d[k]

    def clear(self) -> None:
        """Forget every checked token (accounts may have changed in the store)."""
        with self._lock:
            self._d.clear()


async def get_principal(
    request: Request, store: StoreDep, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller: the account behind the bearer token, or the public role without one."""
    if creds is None:
        request.state.who = PUBLIC
        return PUBLIC
    tokens: TokenCache = request.app.state.tokens
    who = tokens.get(creds.credentials)
    if who is None:
        try:
            account, expires = accounts.token_session(store, creds.credentials, tokens.clock())
        except AccessError:
            raise NotAuthenticated("invalid or expired token: log in again at /api/v1/auth/token") from None
        who = Principal.of(account)
        tokens.put(creds.credentials, who, expires)
    request.state.who = who  # the actor of a refusal's audit row (api.main)
    return who


CurrentRole = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Principal]:
    """Dependency: the caller must have one of ``roles`` (no login → 401, wrong role → 403)."""

    async def check(who: CurrentRole) -> Principal:
        if who.role not in roles:
            if who.role == "public":
                raise NotAuthenticated(f"login required (roles: {', '.join(roles)})")
            raise AccessError(f"role '{who.role}' may not do this (roles: {', '.join(roles)})")
        return who

    check.requires_login = True  # read by the OpenAPI document: the bearer scheme is required here
    return check


def require_grade(grade: str) -> Callable[[Principal], Principal]:
    """Dependency: the caller's role must be cleared for data of ``grade`` (general/important/core)."""
    if grade not in GRADES:
        raise ValueError(grade)

    async def check(who: CurrentRole) -> Principal:
        if not who.may_read_grade(grade):
            if who.role == "public":
                raise NotAuthenticated(f"login required for {grade} data")
            raise AccessError(f"role '{who.role}' may not read {grade} data")
        return who

    return check


def readable_datasets(store: Store, who: Principal) -> list[str]:
    """Dataset ids whose grade the caller may read
    (:func:`industrial_brain.services.access.readable_datasets`)."""
    return access.readable_datasets(store, who)


def check_datasets(store: Store, who: Principal, ids) -> str:
    """The highest grade among ``ids``; raises if one is unknown (400) or above the caller's grade
    (401 public / 403): :func:`industrial_brain.services.access.check_datasets`."""
    return access.check_datasets(store, who, ids)


def readable_grade(store: Store, who: Principal, ids=None) -> str:
    """The highest grade among the datasets ``ids`` (default: every dataset the caller may read): the
    grade of an answer drawn from them, for :func:`cached`."""
    ids = readable_datasets(store, who) if ids is None else list(ids)
    return access.highest_grade(access.grades_of(store, ids).values())


def audit(store: Store, who: Principal, action: str, obj: str, detail: str = "") -> None:
    """Write one audit row for the caller (reads of important data and every write): :meth:`Store.audit`."""
    store.audit(action, obj, detail, actor=who.actor)


# ---- answers -------------------------------------------------------------------------------------

#: OpenAPI ``responses`` entry of endpoints that can also answer in CSV or XLSX (``format=csv|xlsx``).
CSV = {"content": {"text/csv": {}, XLSX_MEDIA: {}}}


_memos: dict[int, tuple[OrderedDict, threading.Lock]] = {}


def clear_memos() -> None:
    """Empty every cache filled through :func:`memo` (the store was changed by another process)."""
    for cache, lock in list(_memos.values()):
        with lock:
            cache.clear()


def memo(cache: OrderedDict, lock: threading.Lock, key: Hashable, make: Callable[[], Any], size: int) -> Any:
    """``cache[key]``, computed by ``make()`` (outside ``lock``) and stored on a miss; beyond ``size``
    entries the oldest stored ones are dropped. For per-process caches of stored tables and graphs."""
    with lock:
        _memos.setdefault(id(cache), (cache, lock))
        if key in cache:
            return cache[key]
    value = make()
    with lock:
        cache[key] = value
        while len(cache) > size:
            cache.popitem(last=False)
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (NaN → null, numpy scalars → Python)."""
    if frame.empty:
        return []
    text = frame.to_json(orient="records", force_ascii=False, date_format="iso", double_precision=15)
    return json.loads(text)


def page(frame: pd.DataFrame, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    """Rows ``offset … offset + limit`` of ``frame`` and the number of rows before paging."""
    return frame.iloc[offset : offset + limit], len(frame)


class AnswerCache:
    """Rendered answers of read endpoints, keyed by :func:`cache_key` (LRU), bounded twice.

    At most ``size`` answers and ``max_bytes`` bytes (bodies, keys and ETags); an answer larger than
    ``max_bytes × item_fraction`` is served but not kept (it would push out many others). Beside the
    answers, the query parameter names each cached *path* declares (:meth:`declared`), so that the
    lookup before routing (``PublicCacheMiddleware``) canonicalises a URL as the handler did.
    """

    def __init__(self, size: int = 256, max_bytes: int = 64 * 2**20, item_fraction: float = 1 / 16):
        self.size, self.max_bytes = size, max_bytes
        self.max_item = int(max_bytes * item_fraction)
        self._d: OrderedDict[str, tuple[bytes, str, str]] = OrderedDict()
        self._names: OrderedDict[str, frozenset[str]] = OrderedDict()  # path → declared query names
        self._lock = threading.Lock()
        self.bytes = 0
        self.version = 0

    @staticmethod
    def _cost(key: str, value: tuple[bytes, str, str]) -> int:
        return len(value[0]) + len(key) + len(value[1]) + len(value[2]) + 200  # + entry overhead

    def __len__(self) -> int:
        return len(self._d)

    def get(self, key: str):
        """The rendered answer ``(body, media type, ETag)`` under ``key``, or None."""
        with self._lock:
            hit = self._d.get(key)
            if hit is not None:
                self._d.move_to_end(key)
            return hit

    def declared(self, path: str) -> frozenset[str] | None:
        """The query parameter names the route of ``path`` declares, once an answer of it was cached."""
        with self._lock:
            return self._names.get(path)

    def put(
        self,
        key: str,
        value: tuple[bytes, str, str],
        path: str | None = None,
        names: frozenset[str] = frozenset(),
    ) -> bool:
        """Store a rendered answer (False when too large to keep), dropping the least recently used
        beyond ``size`` entries or ``max_bytes``; ``names`` are the query names declared for ``path``."""
        cost = self._cost(key, value)
        if cost > self.max_item:
            return False
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self.bytes -= self._cost(key, old)
            self._d[key] = value
            self.bytes += cost
            while len(self._d) > self.size or self.bytes > self.max_bytes:
                k, v = self._d.popitem(last=False)
                self.bytes -= self._cost(k, v)
            if path is not None:
                self._names[path] = names
                self._names.move_to_end(path)
                while len(self._names) > 4 * self.size:
                    self._names.popitem(last=False)
        return True

    def clear(self) -> None:
        """Forget every answer (after a write that may change them)."""
        with self._lock:
            self._d.clear()
            self._names.clear()
            self.bytes = 0
            self.version += 1


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def render(
    payload: Any = None,
    *,
    frame: pd.DataFrame | None = None,
    fmt: str = "json",
    units: Mapping[str, str] | None = None,
    source: str | None = None,
) -> tuple[bytes, str, str]:
    """Body, media type and ETag of an answer: JSON of ``payload``; CSV of ``frame`` when
    ``fmt='csv'`` (columns as they are); an XLSX workbook when ``fmt='xlsx'`` with the source and the
    columns' units in two header rows (:func:`industrial_brain._shared.export.xlsx_bytes`; ``units``
    column → unit code, the others named by their column (:func:`unit_of_column`); ``source`` default:
    the frame's ``dataset_id`` values). Text cells starting with ``= + - @``, tab or CR are prefixed
    with ``'`` in both files (OWASP)."""
    if fmt == "csv":  # text cells a spreadsheet would run as a formula are escaped (OWASP)
        text = csv_text(frame if frame is not None else pd.DataFrame(), index=False)
        body, media = text.encode("utf-8"), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        f = frame if frame is not None else pd.DataFrame()
        body, media = xlsx_bytes(f, source=table_source(f, source), units=table_units(f, units)), XLSX_MEDIA
    elif fmt == "json":
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        media = "application/json"
    else:
        raise InputError.at("unknown format", column="format", value=fmt, expected="json | csv | xlsx")
    return body, media, _etag(body)


def table_units(frame: pd.DataFrame, units: Mapping[str, str] | None = None) -> dict[str, str]:
    """Column → unit code of a table answer: ``units`` first, then the unit a column name carries
    (:func:`~industrial_brain._shared.i18n.unit_of_column`); a ``unit`` column says it per row."""
    out = {str(c): u for c in frame.columns if (u := (units or {}).get(str(c)) or unit_of_column(c))}
    if "unit" in frame.columns:
        out["*"] = "see column 'unit' 见“单位”列"
    return out


def table_source(frame: pd.DataFrame, source: str | None = None) -> str:
    """The source line of a table answer: ``source`` or the datasets in its ``dataset_id`` column
    (their provenance: ``GET /api/v1/catalog``), always naming the service."""
    if source is None and "dataset_id" in frame.columns:
        ids = sorted({str(d) for d in frame["dataset_id"].dropna()})
        source = "datasets " + ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "") if ids else None
    base = "Industrial Brain 产业大脑 API (provenance: /api/v1/catalog)"
    return f"{source} · {base}" if source else base


class AnswerContractError(RuntimeError):
    """A handler's JSON answer does not match its route's declared ``response_model`` (a bug: 500)."""


@lru_cache(maxsize=256)
def _adapter(model: Any) -> TypeAdapter:
    return TypeAdapter(model)


def check_answer(request: Request, rendered: tuple[bytes, str, str]) -> None:
    """Validate a rendered JSON body against the ``response_model`` of the route serving ``request``.

    Pydantic's strict JSON mode is used (an ``int`` field takes a JSON integer, not ``"3"`` nor ``3.5``),
    so the answer is what the OpenAPI document promises. CSV bodies and routes without a declared
    model pass unchecked. Raises :class:`AnswerContractError`.
    """
    body, media, _ = rendered
    route = request.scope.get("route")
    model = route.response_model if isinstance(route, APIRoute) else None
    if model is None or media != "application/json":
        return
    try:
        _adapter(model).validate_json(body, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AnswerContractError(
            f"{route.path}: answer does not match {getattr(model, '__name__', model)} "
            f"({exc.error_count()} error(s); "
            f"first at {first['loc']}: {first['msg']})"
        ) from None


def send(request: Request, rendered: tuple[bytes, str, str], *, private: bool = False) -> Response:
    """Answer with ETag (checked by :func:`check_answer`); ``304 Not Modified`` when the client already
    holds this version."""
    check_answer(request, rendered)
    return _respond(request, rendered, private)


def _respond(request: Request, rendered: tuple[bytes, str, str], private: bool) -> Response:
    body, media, etag = rendered
    headers = {"ETag": etag, "Cache-Control": "private, no-cache" if private else "public, no-cache"}
    inm = request.headers.get("if-none-match")
    if inm and etag in [t.strip() for t in inm.split(",")]:
        return Response(status_code=304, headers=headers)
    headers.update(file_headers(request.url.path, media))
    return Response(body, media_type=media, headers=headers)


def file_headers(path: str, media: str) -> dict[str, str]:
    """``Content-Disposition`` of a workbook answer (saved, not shown), named after the path's last
    part (``/api/v1/catalog`` → ``catalog.xlsx``); no header for other answers.

    >>> file_headers("/api/v1/catalog", XLSX_MEDIA), file_headers("/api/v1/catalog", "text/csv")
    ({'Content-Disposition': 'attachment; filename="catalog.xlsx"'}, {})
    """
    if media != XLSX_MEDIA:
        return {}
    name = path.rstrip("/").rsplit("/", 1)[-1] or "table"
    return {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}


#: Audience of the answers every caller may see: the only one the public cache middleware serves.
PUBLIC_AUDIENCE = "general"


def audience(who: Principal, owner: str | None = None) -> str:
    """Who may see an answer, as the first part of its cache key: the caller's clearance, plus
    ``|owner=<account>`` for an answer scoped to one account (a job's run, a caller's own run list).

    An owner-scoped audience never equals :data:`PUBLIC_AUDIENCE`, so the public cache middleware
    cannot serve it. An account of a department gets ``|dept=<id>`` (data held by departments
    differ between them: :func:`industrial_brain.services.access.audience_of`).

    >>> audience(PUBLIC), audience(Principal("ana", "analyst"), owner="ana")
    ('general', 'important|owner=ana')
    """
    return access.audience_of(who) + (f"|owner={owner}" if owner is not None else "")


def query_names(route: Any) -> frozenset[str]:
    """The query parameter names (aliases) a route declares, its dependencies' included."""
    hit = _route_names.get(id(route))
    if hit is not None and hit[0] is route:
        return hit[1]
    names: set[str] = set()
    todo = [route.dependant] if isinstance(route, APIRoute) else []
    while todo:
        d = todo.pop()
        names.update(f.alias for f in d.query_params)
        todo.extend(d.dependencies)
    out = frozenset(names)
    _route_names[id(route)] = (route, out)
    return out


_route_names: dict[int, tuple[Any, frozenset[str]]] = {}


def canonical_query(query_string: bytes, names: frozenset[str]) -> str:
    """The query string with only the parameters in ``names``, ordered by name (repeated values of one
    name keep their order), so that unknown parameters and reordering never make a new cache entry.

    >>> canonical_query(b"years=2020&junk=abc&indicator=b&indicator=a", frozenset({"indicator", "years"}))
    'indicator=b&indicator=a&years=2020'
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    kept = sorted((kv for kv in pairs if kv[0] in names), key=lambda kv: kv[0])
    return urlencode(kept)


def cache_key(grade: str, scope, names: frozenset[str]) -> str:
    """Key of an answer: its :func:`audience` (``grade``: the caller's clearance, with the owner of an
    owner-scoped answer), the path and the declared query parameters (:func:`canonical_query`)."""
    return f"{grade}|{scope['path']}?{canonical_query(scope.get('query_string', b''), names)}"


#: Grades whose every read is audited (hit or miss of the answer cache).
AUDITED_GRADES = ("important", "core")


def cached(
    request: Request,
    who: Principal,
    make: Callable[[], tuple[bytes, str, str]],
    *,
    private: bool = False,
    grade: str = "general",
    owner: str | None = None,
    store: Store | None = None,
    what: str | None = None,
) -> Response:
    """Serve from the answer cache (key: :func:`audience` + URL), computing with ``make`` on a miss.

    Only for answers that depend on the URL, the caller's clearance and (``owner``) the account an
    owner-scoped answer belongs to — never on enterprise rows. The caller's access is checked by the
    handler *before* this call, hit or miss. ``grade`` is the highest grade of the data in the answer:
    an ``important`` or ``core`` answer is audited on every serve (one ``read`` row on ``store``,
    object ``what`` or the path) and sent ``private``, as is every owner-scoped answer. Query
    parameters the route does not declare are left out of the key (:func:`canonical_query`). An
    answer is checked by :func:`check_answer` once, before it enters the cache.
    """
    if grade in AUDITED_GRADES and store is None:  # pragma: no cover - a programming error
        raise RuntimeError("cached(): an important or core answer needs the store for its audit row")
    private = private or owner is not None or grade in AUDITED_GRADES
    cache: AnswerCache = request.app.state.cache
    names = query_names(request.scope.get("route"))
    key = cache_key(audience(who, owner), request.scope, names)
    hit = cache.get(key)
    if hit is None:
        hit = make()
        check_answer(request, hit)
        cache.put(key, hit, request.scope["path"], names)
    else:
        request.scope[CACHE_HIT] = True  # the rate limits give this request's tokens back
    if grade in AUDITED_GRADES:  # once the answer exists (a 400 of a bad parameter reads nothing)
        query = request.scope.get("query_string", b"").decode("latin-1")[:500]
        audit(store, who, "read", what or request.url.path, f"grade={grade} {query}".strip())
    return _respond(request, hit, private)
