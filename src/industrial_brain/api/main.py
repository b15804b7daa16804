"""The FastAPI application: ``create_app(db)`` mounts one router per resource under ``/api/v1``,
maps the project's errors to 4xx answers and serves the dashboard at ``/``.

``GET /api/v1/capabilities`` says which services (macro, io chain, stress, assess) this server
serves, read from the routes it mounted (:data:`CAPABILITY_PREFIX`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from industrial_brain import __version__
from industrial_brain.api.deps import (
    PUBLIC_AUDIENCE,
    AnswerCache,
    NotAuthenticated,
    TokenCache,
    cache_key,
    clear_memos,
    file_headers,
)
from industrial_brain.api.jobs import JobRunner
from industrial_brain.api.limits import RateLimitMiddleware, RateLimits
from industrial_brain.api.routes import (
    assess,
    auth,
    brief,
    capital,
    catalog,
    chain,
    data,
    enterprises,
    indicators,
    innovation,
    io_tables,
    jobs,
    macro,
    monitor,
    mu,
    network,
    panels,
    regions,
    releases,
    runs,
    stress,
)
from industrial_brain.api.schemas import Capabilities
from industrial_brain.api.security import HashGate, LoginLimiter
from industrial_brain._shared.error_zh import error_zh
from industrial_brain.errors import AccessError, IndustrialBrainError, InputError, MethodError, StoreBusyError
from industrial_brain.services import access
from industrial_brain.services.jobs import fail_interrupted_jobs
from industrial_brain.store.connection import Store, open_store

API_PREFIX = "/api/v1"

#: Routers mounted under :data:`API_PREFIX`, in the order of the API documentation.
ROUTERS = (
    auth,
    catalog,
    regions,
    indicators,
    panels,
    io_tables,
    releases,
    enterprises,
    runs,
    jobs,
    macro,
    chain,
    stress,
    assess,
    brief,
    innovation,
    capital,
    monitor,
    data,
    mu,
    network,
)
#: Limits on costly requests of apps built without their own (tests relax them; serve keeps these).
RATE_LIMITS = RateLimits()
#: Capability → path prefix (under :data:`API_PREFIX`) of the routes that serve it.
CAPABILITY_PREFIX = {"macro": "/macro", "io": "/chain", "stress": "/stress", "assess": "/assess"}

STATUS = [
    (StoreBusyError, 503),
    (NotAuthenticated, 401),
    (AccessError, 403),
    (MethodError, 422),
    (InputError, 400),
    (IndustrialBrainError, 400),
]


meta = APIRouter(tags=["meta"])


@meta.get("/capabilities", response_model=Capabilities)
def capabilities(request: Request):
    """Which services (macro, io chain, stress, assess) this server serves."""
    return request.app.state.capabilities


def web_dir() -> Path:
    """The dashboard's folder (``index.html``, ``static/``, ``vendor/``) inside the package."""
    return Path(str(resources.files("industrial_brain") / "web"))


def requires_login(route: APIRoute) -> bool:
    """True when a dependency of ``route`` refuses the public role (``deps.require_roles``): every
    call without a valid token answers 401."""
    todo = [route.dependant]
    while todo:
        d = todo.pop()
        if getattr(d.call, "requires_login", False):
            return True
        todo.extend(d.dependencies)
    return False


def declare_security(app: FastAPI, schema: dict) -> dict:
    """Make each operation's ``security`` say what the route really requires: the bearer scheme for a
    route that refuses the public role (``[{HTTPBearer: []}]``), an optional one for a route the
    public may call, where a token only widens what is answered (``[{}, {HTTPBearer: []}]``, the
    OpenAPI way of "no security or this one"). Routes that read no token keep no ``security``."""
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        ops = schema.get("paths", {}).get(ctx.path_format, {})
        needed = requires_login(route)
        for method in ctx.methods or ():
            op = ops.get(method.lower())
            if op is None or "security" not in op:
                continue
            op["security"] = [{"HTTPBearer": []}] if needed else [{}, {"HTTPBearer": []}]
    return schema


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class PublicCacheMiddleware:
    """Serve cached public answers before routing (pure ASGI, no thread hop, no store access).

    Only GET requests without an ``Authorization`` header are looked up, under the public
    audience's key (:data:`~industrial_brain.api.deps.PUBLIC_AUDIENCE`); an entry exists only if the
    handler produced it for that same audience via :func:`industrial_brain.api.deps.cached`, after
    its own checks passed. The key is built as the handler built it: from the query parameters the
    path's route declares (recorded by the cache when the handler stored an answer of that path), so
    unknown parameters neither miss nor make entries. Owner-scoped answers and answers of important or
    core data live under other audiences, so they are never served here (and never without their
    audit row). Answers 304 when the client's ``If-None-Match`` matches.
    """

    def __init__(self, app, cache: AnswerCache):
        self.app, self.cache = app, cache

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(API_PREFIX):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if b"authorization" in headers:
            return await self.app(scope, receive, send)
        names = self.cache.declared(scope["path"])  # known once the handler cached an answer of this path
        # never an owner-scoped audience
        hit = None if names is None else self.cache.get(cache_key(PUBLIC_AUDIENCE, scope, names))
        if hit is None:
            return await self.app(scope, receive, send)
        body, media, etag = hit
        out = [(b"etag", etag.encode()), (b"cache-control", b"public, no-cache")]
        inm = headers.get(b"if-none-match", b"").decode("latin-1")
        if inm and etag in [t.strip() for t in inm.split(",")]:
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        out += [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
        out += [
            (k.lower().encode(), v.encode("latin-1")) for k, v in file_headers(scope["path"], media).items()
        ]
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Headers on every answer: no MIME sniffing, no framing, no referrer; a strict content policy on
    the dashboard page (its scripts and styles come from this server only)."""

    COMMON = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    )
    PAGE_CSP = (
        b"content-security-policy",
        (
            b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            b"script-src 'self'; object-src 'none'; frame-ancestors 'none'"
        ),
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = [*self.COMMON, *([self.PAGE_CSP] if scope["path"] == "/" else [])]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def audit_denial(request: Request, status: int, reason: str) -> None:
    """One audit row for a refused request (401/403): action ``read_denied`` (GET, HEAD) or
    ``write_denied``, the caller as actor (``api:token-refused`` when its token was not accepted),
    object the path, detail the status, method and one-line reason. The token, the password and the
    query string are never stored."""
    who = getattr(request.state, "who", None)
    actor = who.actor if who is not None else ("api:token-refused" if status == 401 else "api:unknown")
    action = "read_denied" if request.method in ("GET", "HEAD") else "write_denied"
    s = await request.app.state.store.acursor(f"audit {request.method} {request.url.path}")
    try:
        s.audit(action, request.url.path[:300], f"{status} {request.method}: {reason}"[:500], actor=actor)
    finally:
        s.close()


#: A JSON escape of a UTF-16 surrogate (``\ud800``–``\udfff``): a body without one cannot hold a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> str | None:
    r"""The first string of a JSON ``body`` (key or value) holding a lone UTF-16 surrogate, with the
    surrogate written as its escape; None when there is none.

    JSON lets ``"\ud83d\ude00"`` spell one character by its surrogate pair, but a surrogate alone
    (``"\ud800"``) is no character at all (RFC 8259 §8.2): Python decodes it into a string that cannot
    be encoded again, and every later step would fail on it. Bodies that are not JSON are left to the
    route's own validation.

    >>> lone_surrogate(b'{"yaml": "\\\\ud800"}')  # an escaped backslash: plain text
    >>> lone_surrogate(b'{"a": "\\ud83d\\ude00"}')  # a pair: one emoji
    >>> lone_surrogate(b'{"a": ["x", "b\\ud800"]}')
    'b\\ud800'
    """
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    todo = [data]
    while todo:  # no recursion: a deep body must not overflow the stack here
        item = todo.pop()
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, str) and any("\ud800" <= ch <= "\udfff" for ch in item):
            shown = item if len(item) <= 40 else item[:37] + "..."
            return "".join(f"\\u{ord(ch):04x}" if "\ud800" <= ch <= "\udfff" else ch for ch in shown)
    return None


class LoneSurrogateMiddleware:
    """Answer 400 with one line to a JSON body holding a lone surrogate (see :func:`lone_surrogate`),
    before any route sees it; the body is read once and handed on unchanged otherwise."""

    METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in self.METHODS:
            return await self.app(scope, receive, send)
        if b"json" not in dict(scope["headers"]).get(b"content-type", b"").lower():
            return await self.app(scope, receive, send)
        chunks, first = [], None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                first = message  # the client went away: let the app see it
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        found = lone_surrogate(body) if first is None else None
        if found is not None:
            err = InputError.at(
                "text with a lone surrogate",
                file="request body",
                value=found,
                expected="valid Unicode text (UTF-16 surrogates only in pairs, RFC 8259 §8.2)",
            )
            answer = JSONResponse({"detail": str(err)}, status_code=400)
            return await answer(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return first or {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def close_app(app: FastAPI) -> None:
    """Stop lending the store, stop the job threads (queued jobs are marked failed) and close the
    store opened by :func:`create_app` with a checkpoint, so that the database file alone holds every
    acknowledged write and no ``.wal`` file is left."""
    app.state.lease.stop()
    app.state.jobs.shutdown()
    if getattr(app.state, "owns_store", False):
        app.state.store.close(checkpoint=True)


def create_app(
    db: str | os.PathLike | None = None,
    *,
    store: Store | None = None,
    rate_limits: RateLimits | None = None,
    proxies: Sequence[str] = (),
    cache_entries: int = 256,
    cache_mb: float = 64,
) -> FastAPI:
    """Build the app on the store at ``db`` (migrated on open) or on an open ``store``.

    ``rate_limits``: the limits on costly requests (default :data:`RATE_LIMITS`,
    :mod:`industrial_brain.api.limits`). ``proxies``: addresses of trusted reverse proxies, whose
    ``X-Forwarded-For`` names the client (none by default: the socket peer is the client).
    ``cache_entries`` / ``cache_mb``: the bounds of the answer cache.
    """
    base = store if store is not None else open_store(db, lease=False)  # a server never borrows its store
    if store is None:  # the store is this server's alone: no job of an earlier process still runs
        fail_interrupted_jobs(base)
    cache = AnswerCache(size=cache_entries, max_bytes=int(cache_mb * 2**20))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The store is not closed here: test clients enter and leave the lifespan many times; ``close_app``
        # (called by ``ibrain serve`` after the server stops) releases the store and the job threads.
        app.state.lease.start()  # again, if a previous lifespan stopped it
        try:
            yield
        finally:
            app.state.lease.stop()  # the socket goes with the server, even if close_app never runs

    app = FastAPI(
        title="Industrial Brain 产业大脑 API",
        version=__version__,
        lifespan=lifespan,
        description="Digital–real economy integration analytics: catalog, panels, input–output, "
        "enterprise assessment. Roles: admin, analyst, enterprise, public (no login).",
        generate_unique_id_function=_operation_id,
        docs_url=None,
    )
    app.state.store = base
    app.state.owns_store = store is None
    app.state.cache = cache
    app.state.limiter = LoginLimiter()
    app.state.hash_gate = HashGate()
    app.state.tokens = TokenCache()
    app.state.jobs = JobRunner(base, on_done=cache.clear)
    app.state.lease = base.serve_lease(
        on_reopen=[cache.clear, app.state.tokens.clear, clear_memos, access.forget_sharing]
    )
    app.state.lease.start()  # lend the store to command-line processes from now on (stopped by close_app)

    @app.exception_handler(IndustrialBrainError)
    async def _project_error(request: Request, exc: IndustrialBrainError):
        status = next(code for cls, code in STATUS if isinstance(exc, cls))
        if status in (401, 403) and not getattr(exc, "audited", False):
            await audit_denial(request, status, str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        body = {"detail": str(exc), "detail_zh": error_zh(str(exc))}
        return JSONResponse(body, status_code=status, headers=headers)

    api = APIRouter(prefix=API_PREFIX)
    for mod in ROUTERS:
        api.include_router(mod.router)
    paths = [r.path or "" for r in iter_route_contexts(api.routes)]
    app.state.capabilities = Capabilities(
        **{
            cap: any(p.startswith(API_PREFIX + prefix + "/") for p in paths)
            for cap, prefix in CAPABILITY_PREFIX.items()
        }
    )
    api.include_router(meta)

    app.include_router(api)
    # innermost first: costly requests limited behind the public cache (a cached answer is never limited),
    # the client address resolved before anything else (only from configured proxies)
    app.add_middleware(RateLimitMiddleware, limits=rate_limits or RATE_LIMITS, prefix=API_PREFIX)
    app.add_middleware(PublicCacheMiddleware, cache=cache)
    app.add_middleware(LoneSurrogateMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))
    app.state.proxies = tuple(proxies)

    web = web_dir()
    if (web / "static").is_dir():
        app.mount("/static", StaticFiles(directory=web / "static"), name="static")
    if (web / "vendor").is_dir():
        app.mount("/vendor", StaticFiles(directory=web / "vendor"), name="vendor")

    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = declare_security(app, default_openapi())
        return app.openapi_schema

    app.openapi = openapi

    @app.get("/", include_in_schema=False)
    def dashboard():
        return FileResponse(web / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs():
        """Swagger UI from the local vendor folder (works without internet), else from FastAPI's CDN."""
        kw = {}
        if (web / "vendor" / "swagger-ui-bundle.js").is_file():
            kw = {
                "swagger_js_url": "/vendor/swagger-ui-bundle.js",
                "swagger_css_url": "/vendor/swagger-ui.css",
                "swagger_favicon_url": "/static/favicon.svg",
            }
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=app.title + " — docs", **kw)

    @app.get("/api", include_in_schema=False)
    def api_root():
        return RedirectResponse("/docs")

    return app
