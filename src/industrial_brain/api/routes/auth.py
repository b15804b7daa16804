"""Login (bearer tokens), logout and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from industrial_brain.api.deps import CurrentRole, StoreDep, audit, require_roles
from industrial_brain.api.schemas import MePublic, Message, TokenPublic
from industrial_brain.api.security import HashBusy, HashGate, LoginLimiter, Principal
from industrial_brain.errors import InputError, NotAuthenticated
from industrial_brain.services.accounts import MAX_PASSWORD, authenticate, issue_token, revoke_token

router = APIRouter(prefix="/auth", tags=["auth"])

#: Longest user name looked up at login (the longest an account may have, ``USERNAME_RE``).
MAX_USERNAME = 64


def _refuse(status: int, detail: str, wait: float) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers={"Retry-After": str(int(wait) + 1)})


@router.post(
    "/token",
    response_model=TokenPublic,
    responses={
        400: {"model": Message},
        401: {"model": Message},
        429: {"model": Message},
        503: {"model": Message},
    },
)
def login(request: Request, store: StoreDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    """Exchange user name and password (form fields) for a bearer token.

    Attempts are rate-limited per client address and per user name (5 a minute; an attempt counts
    before its password is checked and is given back on success). A user name over 64 or a password
    over 1024 characters is refused without checking (400).
    """
    if len(form.username) > MAX_USERNAME or len(form.password) > MAX_PASSWORD:
        raise InputError.at(
            "too long", column="username/password", expected=f"≤ {MAX_USERNAME} / ≤ {MAX_PASSWORD} characters"
        )
    limiter: LoginLimiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{form.username}")
    wait, stamp = limiter.reserve(*keys)
    if wait > 0:
        return _refuse(429, f"too many login attempts; try again in {int(wait) + 1} s", wait)
    gate: HashGate = request.app.state.hash_gate
    try:
        with gate.slot():
            account = authenticate(store, form.username, form.password)
    except HashBusy:
        limiter.release(stamp, *keys)  # not checked: not counted
        return _refuse(503, "too many logins at once; try again in 1 s", 0)
    if account is None:
        name = form.username[:64]
        audit(store, Principal(name, "public"), "login_failed", f"user:{name}", client)
        refused = NotAuthenticated("wrong user name or password")
        refused.audited = True  # its one audit row is the login_failed above (never the password)
        raise refused
    limiter.release(stamp, *keys)
    who = Principal.of(account)
    token, expires = issue_token(store, who.username)
    audit(store, who, "login", f"user:{who.username}", client)
    return TokenPublic(
        access_token=token, expires_at=expires.replace(tzinfo=None).isoformat() + "Z", role=who.role
    )


@router.post("/logout", response_model=Message, responses={401: {"model": Message}})
def logout(
    request: Request,
    store: StoreDep,
    who: Annotated[Principal, Depends(require_roles("admin", "analyst", "enterprise", "steward"))],
):
    """Revoke the bearer token used for this request."""
    token = request.headers.get("authorization", "").split(" ", 1)[-1]
    revoke_token(store, token)
    request.app.state.tokens.evict(token=token)
    audit(store, who, "logout", f"user:{who.username}")
    return Message(detail="logged out")


@router.get("/me", response_model=MePublic)
def me(who: CurrentRole):
    """The caller's role (``public`` without a token)."""
    return MePublic(
        username=who.username,
        role=who.role,
        uscc=who.uscc,
        department=who.department,
        max_grade=who.max_grade,
    )
