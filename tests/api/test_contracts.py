"""Every JSON answer is checked against its route's declared ``response_model``.

Walks every route of the app that declares a model, swaps its handler for one answering a payload
that breaks the model — through the raw-response path (``send``), the cached path (``cached``)
and FastAPI's own serialisation — and proves the request fails instead of answering. That the real
handlers keep their contracts is shown by the rest of the suite (every answer is checked) and by
schemathesis (no 5xx).
"""

from __future__ import annotations

import functools
import inspect
import shutil

import pytest
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from industrial_brain.api import deps
from industrial_brain.api.main import close_app, create_app
from industrial_brain.services.accounts import issue_token
from industrial_brain.store import Store

BAD = {"unexpected": "a payload no declared model accepts"}


def _modelled_routes(app) -> list[tuple[str, APIRoute]]:
    out = []
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        if isinstance(route, APIRoute) and route.response_model is not None:
            out.append((rc.path, route))
    return out


def _sample(schema: dict, spec: dict):
    """A valid value of a JSON schema from the app's OpenAPI document (enough to pass request validation)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _sample(options[0], spec)
    kind = schema.get("type")
    if kind == "integer":
        return max(1, schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "number":
        return max(1.0, schema.get("minimum", 1.0))
    if kind == "boolean":
        return False
    if kind == "array":
        return [_sample(schema.get("items", {"type": "string"}), spec)]
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {k: _sample(v, spec) for k, v in schema.get("properties", {}).items() if k in required}
    return "x"


def _request(spec: dict, method: str, path: str) -> tuple[str, dict]:
    """URL and request arguments of a valid call of ``method path``, from the OpenAPI document."""
    op = spec["paths"][path][method.lower()]
    url, query = path, {}
    for p in op.get("parameters", []):
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", "x")
        elif p["in"] == "query" and p.get("required"):
            query[p["name"]] = _sample(p["schema"], spec)
    kw: dict = {"params": query}
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        kw["json"] = _sample(content["application/json"]["schema"], spec)
    elif "application/x-www-form-urlencoded" in content:
        kw["data"] = _sample(content["application/x-www-form-urlencoded"]["schema"], spec)
    return url, kw


def _violating(route: APIRoute, how: str):
    original = route.endpoint
    takes_request = "request" in inspect.signature(original).parameters

    @functools.wraps(original)
    def handler(*args, **kwargs):
        if how == "send" and takes_request:
            return deps.send(kwargs["request"], deps.render(BAD))
        if how == "cached" and takes_request:
            return deps.cached(kwargs["request"], deps.PUBLIC, lambda: deps.render(BAD))
        return BAD

    return handler


@pytest.fixture()
def contract_db(api_db, tmp_path):
    path = tmp_path / "contracts.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        tok, _ = issue_token(s, "root")
    return path, {"Authorization": "Bearer " + tok}


def test_every_route_declares_what_it_answers(client):
    routes = _modelled_routes(client.app)
    assert len(routes) >= 25
    for path, route in routes:
        assert path.startswith("/api/v1/"), path


@pytest.mark.parametrize("how", ["send", "cached", "model"])
def test_an_answer_breaking_its_model_fails(contract_db, monkeypatch, how):
    path, headers = contract_db
    probe = create_app(path)
    routes = _modelled_routes(probe)
    close_app(probe)
    for _, route in routes:  # patched before the app below is built: it wires the violating handlers
        monkeypatch.setattr(route, "endpoint", _violating(route, how))
    app = create_app(path)
    answered = []
    try:
        with TestClient(app, raise_server_exceptions=True) as c:
            spec = c.get("/openapi.json").json()
            for p, route in routes:
                method = sorted(route.methods)[0]
                url, kw = _request(spec, method, p)
                try:
                    r = c.request(method, url, headers=headers, **kw)
                except (deps.AnswerContractError, ResponseValidationError):
                    continue
                if r.status_code in (403, 422):  # refused before the handler (role, parameter pattern)
                    continue
                answered.append(f"{method} {p}: {r.status_code} {r.text[:120]}")
        with TestClient(app, raise_server_exceptions=False) as c:
            url, kw = _request(spec, "GET", "/api/v1/catalog")
            assert c.request("GET", url, headers=headers, **kw).status_code == 500
    finally:
        close_app(app)
    assert not answered, answered


def test_check_answer_rejects_a_wrong_type(client):
    """Strict: a count written as text, or a year as 2020.5, breaks the contract."""
    from starlette.requests import Request

    route = next(r for _, r in _modelled_routes(client.app) if r.path == "/catalog")
    request = Request({"type": "http", "route": route, "headers": []})
    deps.check_answer(request, deps.render({"data": [], "count": 0}))
    with pytest.raises(deps.AnswerContractError, match="count"):
        deps.check_answer(request, deps.render({"data": [], "count": "0"}))
    deps.check_answer(request, deps.render(None, frame=None, fmt="csv"))  # CSV is not checked
