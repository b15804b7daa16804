"""The platform layer: one audit writer (the API's actor on every row it writes), jobs through the
job service, capabilities read from the mounted routes, accounts through the accounts service."""

from __future__ import annotations

import shutil

import pandas as pd

import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import CAPABILITY_PREFIX, close_app, create_app
from industrial_brain.errors import AccessError, InputError
from industrial_brain.services import accounts, jobs
from industrial_brain.store import Store

from .conftest import PASSWORD, token


@pytest.fixture()
def app_client(api_db, tmp_path):
    path = tmp_path / "platform.duckdb"
    shutil.copy(api_db, path)
    app = create_app(path)
    with TestClient(app) as c:
        yield c
    close_app(app)


def _audit(client, action: str) -> list[tuple]:
    return (
        client.app.state.store.con.cursor()
        .execute('SELECT actor, object, detail FROM audit WHERE action = ? ORDER BY "at"', [action])
        .fetchall()
    )


def test_api_writes_audit_rows_as_the_caller(app_client):
    token(app_client, "ana")
    r = app_client.post("/api/v1/auth/token", data={"username": "ana", "password": "wrong password!"})
    assert r.status_code == 401
    assert ("api:ana", "user:ana", "testclient") in _audit(app_client, "login")
    assert _audit(app_client, "login_failed")[-1][0] == "api:ana"


def test_job_rows_and_their_audit(app_client):
    store = app_client.app.state.store
    jobs.submit_job(store, "t-1", "test", '{"a": 1}', "api:ana")
    assert jobs.job(store, "t-1")["status"] == "queued"
    jobs.start_job(store, "t-1")
    jobs.job_progress(store, "t-1", 1.7)
    row = jobs.job(store, "t-1")
    assert row["status"] == "running" and row["progress"] == 1.0 and row["owner"] == "api:ana"
    jobs.finish_job(store, "t-1", '{"ok": true}')
    row = jobs.job(store, "t-1")
    assert row["status"] == "done" and row["result"] == '{"ok": true}' and row["finished_at"]
    assert ("api:ana", "job:t-1", '{"a": 1}') in _audit(app_client, "job_submit")
    assert jobs.job(store, "nope") is None
    r = app_client.get("/api/v1/jobs/t-1", headers=token(app_client, "ana"))
    assert r.status_code == 200 and r.json()["result"] == {"ok": True}
    assert app_client.get("/api/v1/jobs/t-1", headers=token(app_client, "ent_a")).status_code == 403


def test_capabilities_are_the_mounted_services(app_client):
    caps = app_client.get("/api/v1/capabilities").json()
    assert caps == {k: True for k in CAPABILITY_PREFIX}
    paths = app_client.get("/openapi.json").json()["paths"]
    for prefix in CAPABILITY_PREFIX.values():
        assert any(p.startswith("/api/v1" + prefix + "/") for p in paths)


def test_accounts_service_tokens_and_grades():
    with Store(":memory:") as s:
        accounts.add_user(s, "bob", PASSWORD, "analyst")
        assert accounts.authenticate(s, "bob", "not the password") is None
        assert accounts.authenticate(s, "nobody", PASSWORD) is None
        assert accounts.authenticate(s, "bob", PASSWORD) == accounts.Account("bob", "analyst", None)
        tok, _ = accounts.issue_token(s, "bob")
        assert accounts.token_session(s, tok)[0].username == "bob"
        accounts.revoke_token(s, tok)
        with pytest.raises(AccessError):
            accounts.token_session(s, tok)
        assert accounts.grades_up_to("important") == ("general", "important")
        with pytest.raises(InputError, match="unknown dataset"):
            accounts.grades_of(s, ["no_such_dataset"])
        with pytest.raises(InputError, match="column 'role'"):
            accounts.add_user(s, "eve", PASSWORD, "boss")
        accounts.remove_user(s, "bob")
        assert accounts.list_users(s).empty
        rows = s.con.execute("SELECT action FROM audit WHERE object = 'user:bob' ORDER BY \"at\"").fetchall()
        assert sorted(r[0] for r in rows) == ["user_add", "user_remove"]


def test_access_policy_is_a_service_the_interfaces_share(api_db, tmp_path):
    """services.access decides without the API: role × grade × ownership, with the one-line refusal
    (401 for the public, 403 for an account) that every interface shows."""
    from industrial_brain.errors import NotAuthenticated
    from industrial_brain.services import access
    from industrial_brain.services.access import PUBLIC, Principal

    from .conftest import ENT_A, ENT_B

    path = tmp_path / "policy.duckdb"
    shutil.copy(api_db, path)
    ana, ent_a = Principal("ana", "analyst"), Principal("ent_a", "enterprise", ENT_A)
    with Store(path) as s:
        assert access.check_enterprise(s, ana, ENT_A) == "important"
        assert access.check_enterprise(s, ent_a, ENT_A) == "important"
        with pytest.raises(NotAuthenticated, match="login required"):
            access.check_enterprise(s, PUBLIC, ENT_A)
        with pytest.raises(AccessError, match="only its own enterprise"):
            access.check_enterprise(s, ent_a, ENT_B)
        # grade ENT_B's registration dataset core: the analyst loses it, admin and ENT_B itself keep it
        s.con.execute(
            "INSERT INTO dataset SELECT 'core_copy', kind, title, source, publisher, licence, citation, "
            "sha256, rows, 'core', file_name, ingested_at FROM dataset "
            "WHERE dataset_id = 'synthetic_enterprises'"
        )
        s.con.execute("UPDATE enterprise SET dataset_id = 'core_copy' WHERE uscc = ?", [ENT_B])
        with pytest.raises(AccessError, match=r"core rows; this role reads up to important"):
            access.check_enterprise(s, ana, ENT_B)
        assert access.check_enterprise(s, Principal("root", "admin"), ENT_B) == "core"
        assert access.check_enterprise(s, Principal("ent_b", "enterprise", ENT_B), ENT_B) == "core"
        frame = pd.DataFrame({"uscc": [ENT_A, ENT_B, ENT_B]})
        kept, withheld, grade = access.readable_enterprises(s, ana, frame)
        assert kept["uscc"].tolist() == [ENT_A] and withheld == 2 and grade == "important"
    # runs: ownership restricts, never widens
    assert access.run_access(ana, "ana", ["general"]) is None
    assert (
        access.run_access(Principal("bob", "analyst"), "ana", ["general"])
        == "this run belongs to another account"
    )
    assert access.run_access(Principal("root", "admin"), "ana", ["core"]) is None
    assert "rests on core data" in access.run_access(ana, "ana", ["core"])
    assert access.run_access(ana, None, ["important", None]) == "a dataset of this run is no longer stored"
