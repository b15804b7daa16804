"""API fixtures: a store with the default data plus SYNTHETIC enterprises, assessments and accounts.

The enterprises below are invented for access-control tests (names say so); their USCCs only
carry a valid check character. Sector counts are chosen for the suppression rules (k = 3):
C39 has 5 firms, C13 has 4, C26 has 2 (primary suppression, which forces a complementary one).
The store holds one release of the aggregates over them (what ``/enterprises/aggregates`` serves).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.services.accounts import add_user
from industrial_brain.services.releases import make_release
from industrial_brain.reference.uscc import uscc_check_char
from industrial_brain.store import Store

PASSWORD = "synthetic-pass-123"


def make_uscc(i: int) -> str:
    first17 = f"91330100MA{i:07d}"
    return first17 + uscc_check_char(first17)


SYNTHETIC = [  # (index, sector, region, size, score, level)
    *[(i, "C39", "330000", "large", 50.0 + 5 * i, "L3") for i in range(5)],
    *[(10 + i, "C13", "320000", "medium", 30.0 + 4 * i, "L2") for i in range(4)],
    *[(20 + i, "C26", "440000", "small", 70.0 + i, "L4") for i in range(2)],
]
ENT_A = make_uscc(0)  # in C39
ENT_B = make_uscc(20)  # in C26 (a small cell)


def load_synthetic(store: Store) -> None:
    con = store.con
    con.execute(
        "INSERT INTO dataset VALUES ('synthetic_enterprises', 'enterprise', 'SYNTHETIC test enterprises', "
        "'tests', 'tests', 'none', '', 'synthetic', ?, 'important', 'synthetic.csv', now())",
        [len(SYNTHETIC)],
    )
    con.execute(
        "INSERT INTO dataset VALUES ('synthetic_important_panel', 'panel', 'SYNTHETIC important panel', "
        "'tests', 'tests', 'none', '', 'synthetic2', 2, 'important', 'synthetic2.csv', now())"
    )
    con.execute(
        "INSERT INTO indicator (code, name_zh, name_en, unit, direction, dimension, source, dataset_id) "
        "VALUES "
        "('synthetic_secret', '合成', 'SYNTHETIC secret indicator', '1', '+', 'test', 'tests', "
        "'synthetic_important_panel')"
    )
    con.execute(
        "INSERT INTO observation VALUES ('synthetic_important_panel', '110000', 'synthetic_secret', 2020, "
        "1.0), "
        "('synthetic_important_panel', '120000', 'synthetic_secret', 2020, 2.0)"
    )
    for i, sector, region, size, score, level in SYNTHETIC:
        u = make_uscc(i)
        con.execute(
            "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id, "
            "sector_scheme) "
            "VALUES (?, ?, ?, ?, ?, 'synthetic_enterprises', 'gbt4754')",
            [u, f"SYNTHETIC firm {i}", region, sector, size],
        )
        con.execute(
            "INSERT INTO assessment_result (assessment_id, uscc, model_code, model_version, taken_on, "
            "total_score, "
            "level, dimension_scores, dataset_id) VALUES (?, ?, 'synthetic', '1', DATE '2024-06-30', ?, ?, "
            "'{}', "
            "'synthetic_enterprises')",
            [f"a{i}", u, score, level],
        )
    add_user(store, "root", PASSWORD, "admin")
    add_user(store, "ana", PASSWORD, "analyst")
    add_user(store, "ent_a", PASSWORD, "enterprise", ENT_A)
    add_user(store, "ent_b", PASSWORD, "enterprise", ENT_B)


@pytest.fixture(scope="session")
def api_db(default_db: Path, tmp_path_factory) -> Path:
    """A default-data store with the synthetic enterprises and accounts (copy it before writing)."""
    path = tmp_path_factory.mktemp("api") / "api.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        load_synthetic(s)
        make_release(s, period="2024", made_by="tests")  # the aggregates are served from a release
    return path


@pytest.fixture(scope="module")
def client(api_db: Path, tmp_path_factory):
    path = tmp_path_factory.mktemp("apimod") / "api.duckdb"
    shutil.copy(api_db, path)
    app = create_app(path)
    with TestClient(app) as c:
        yield c
    close_app(app)


def token(client: TestClient, user: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


@pytest.fixture(scope="module")
def auth(client):
    """Headers per role: auth['admin'], auth['analyst'], auth['ent_a'], auth['ent_b'],
    auth['public'] (none)."""
    return {
        "admin": token(client, "root"),
        "analyst": token(client, "ana"),
        "ent_a": token(client, "ent_a"),
        "ent_b": token(client, "ent_b"),
        "public": {},
    }


@pytest.fixture(scope="module")
def network_api(api_db, tmp_path_factory):
    """The API over a copy of the API store holding the six-firm network: the app, a client and the
    headers of admin, analyst, ent_a, ent_b and the public."""
    from .network_data import load_network  # it imports this module's ids

    root = tmp_path_factory.mktemp("net_api")
    path = root / "net.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        load_network(s, root)
    app = create_app(path)
    with TestClient(app) as c:
        users = (("admin", "root"), ("analyst", "ana"), ("ent_a", "ent_a"), ("ent_b", "ent_b"))
        headers = {r: token(c, u) for r, u in users} | {"public": {}}
        yield app, c, headers
    close_app(app)
