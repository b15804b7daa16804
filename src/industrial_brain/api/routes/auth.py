"""Login (bearer tokens), logout and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from industrial_brain.api.deps import CurrentRole, StoreDep, audit, require_roles
from industrial_brain.api.schemas import MePublic, Message, TokenPublic
from industrial_brain.api.security import Principal
from industrial_brain.errors import NotAuthenticated
from industrial_brain.services.accounts import authenticate, issue_token, revoke_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/token", response_model=TokenPublic, responses={401: {"model": Message}, 429: {"model": Message}}
)
def login(request: Request, store: StoreDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    """Exchange user name and password (form fields) for a bearer token. Failed attempts are rate-limited."""
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{form.username}")
    wait = limiter.retry_after(*keys)
    if wait > 0:
        return JSONResponse(
            {"detail": f"too many failed logins; try again in {int(wait) + 1} s"},
            status_code=429,
            headers={"Retry-After": str(int(wait) + 1)},
        )
    account = authenticate(store, form.username, form.password)
    if account is None:
        limiter.failed(*keys)
        name = form.username[:64]
        audit(store, Principal(name, "public"), "login_failed", f"user:{name}", client)
        refused = NotAuthenticated("wrong user name or password")
        refused.audited = True  # its one audit row is the login_failed above (never the password)
        raise refused
    who = Principal.of(account)
    limiter.reset(f"user:{form.username}")
    token, expires = issue_token(store, who.username)
    audit(store, who, "login", f"user:{who.username}", client)
    return TokenPublic(access_token=token, expires_at=expires.isoformat() + "Z", role=who.role)


@router.post("/logout", response_model=Message, responses={401: {"model": Message}})
def logout(
    request: Request,
    store: StoreDep,
    who: Annotated[Principal, Depends(require_roles("admin", "analyst", "enterprise"))],
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
    return MePublic(username=who.username, role=who.role, uscc=who.uscc, max_grade=who.max_grade)
