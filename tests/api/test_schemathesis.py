"""Property-based API test: schemathesis generates requests from the OpenAPI spec (a bounded number
of examples per operation, derandomized) for every role and no answer may be a server error (5xx).
That the spec's security matches what the routes require is tested against the route walk
(``test_access_walk.py::test_declared_security_matches_the_walk``).

Driven through hypothesis directly (``operation.as_strategy()``) rather than schemathesis's pytest
plugin, which does not load under pytest 9.
"""

from __future__ import annotations

import os
import shutil

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from industrial_brain.api.main import create_app
from industrial_brain.services.capital import load_synthetic_market
from industrial_brain.store import Store

from .conftest import token

#: Examples per operation and role (5 roles × ~37 operations × 10: bounded, derandomized, no database).
MAX_EXAMPLES = 10
ROLES = ("admin", "analyst", "ent_a", "ent_b", "public")
SKIP = {
    "POST /api/v1/auth/logout",  # would revoke the token the other examples use
    "POST /api/v1/macro/jobs",  # queue real background runs (tested in test_chain_macro.py)
    "POST /api/v1/stress/jobs",  # (tested in test_stress.py)
}
#: Only the operations whose label holds this text (e.g. ``IBRAIN_ST_ONLY=/capital/``): a targeted run.
ONLY = os.environ.get("IBRAIN_ST_ONLY")


def _fuzz(app, headers: dict, keep) -> tuple[int, list[str]]:
    """Schemathesis over the operations whose label ``keep`` accepts, with ``headers``: how many ran
    and every failing operation (collected, then reported together)."""
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, ran = [], 0
    for result in schema.get_all_operations():
        op = result.ok()
        if not keep(op.label):
            continue
        ran += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            check()
        except Exception as exc:
            failures.append(f"{op.label}: {type(exc).__name__}: {str(exc)[:600]}")
    return ran, failures


@pytest.fixture(scope="module")
def st_app(api_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("st") / "st.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:  # a small SYNTHETIC capital market, so the capital routes compute
        load_synthetic_market(s, n_needs=80, n_sources=10, seed=3, provinces=("32",))
    app = create_app(path)
    with TestClient(app) as c:
        headers = {
            "admin": token(c, "root"),
            "analyst": token(c, "ana"),
            "ent_a": token(c, "ent_a"),
            "ent_b": token(c, "ent_b"),
            "public": {},
        }
        yield app, headers


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors(st_app, role):
    app, headers = st_app
    ran, failures = _fuzz(app, headers[role], lambda label: label not in SKIP and (not ONLY or ONLY in label))
    assert ran >= (1 if ONLY else 20)
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def st_network_app(network_api):
    """The API over a store holding the 6-firm network (tests/api/network_data.py), so that the
    network routes answer with data, not only with 400."""
    app, _, headers = network_api
    return app, headers


@pytest.mark.parametrize("role", ROLES)
def test_network_routes_no_server_errors(st_network_app, role):
    """The network routes over real network data, every role (``-k network`` runs only these)."""
    app, headers = st_network_app
    ran, failures = _fuzz(app, headers[role], lambda label: "/api/v1/network/" in label)
    assert ran == 8
    assert not failures, "\n".join(failures)


DATA_ROLES = ("admin", "analyst", "steward", "dept_analyst", "ent_a", "public")


@pytest.fixture(scope="module")
def st_data_app(api_db, tmp_path_factory):
    """A store with two departments, a steward, a department analyst and two SYNTHETIC products."""
    from industrial_brain.services import sharing
    from industrial_brain.services.access import Principal
    from industrial_brain.services.accounts import add_user
    from industrial_brain.store import Store

    from .conftest import PASSWORD

    path = tmp_path_factory.mktemp("stdata") / "st.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        sharing.add_department(s, "econ", "经信厅", "SYNTHETIC economy")
        sharing.add_department(s, "stats", "统计局", "SYNTHETIC statistics")
        add_user(s, "stew", PASSWORD, "steward", department="econ")
        add_user(s, "ana_s", PASSWORD, "analyst", department="stats")
        stew = Principal("stew", "steward", department="econ")
        for obj in ("synthetic_enterprises", "synthetic_important_panel"):
            sharing.publish(
                s, stew, kind="dataset", object_id=obj, title_zh="合成", title_en=obj, public_epsilon=5.0
            )
    app = create_app(path)
    with TestClient(app) as c:
        headers = {
            "admin": token(c, "root"),
            "analyst": token(c, "ana"),
            "steward": token(c, "stew"),
            "dept_analyst": token(c, "ana_s"),
            "ent_a": token(c, "ent_a"),
            "public": {},
        }
        yield app, headers


@pytest.mark.parametrize("role", DATA_ROLES)
def test_no_server_errors_data_routes(st_data_app, role):
    """The data-product routes (issue 20) for every role, the steward's included."""
    app, headers = st_data_app
    ran, failures = _fuzz(app, headers[role], lambda label: "/api/v1/data/" in label)
    assert ran == 11
    assert not failures, "\n".join(failures)
