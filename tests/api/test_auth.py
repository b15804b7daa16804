"""Accounts, tokens, roles, login rate limit, error mapping, the `ibrain user` commands."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from industrial_brain.api.main import create_app
from industrial_brain.store import Store

from .conftest import ENT_A, PASSWORD, token


def test_login_gives_a_bearer_token_and_me_tells_the_role(client):
    r = client.post("/api/v1/auth/token", data={"username": "ana", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["role"] == "analyst" and len(body["access_token"]) >= 40
    me = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer " + body["access_token"]}).json()
    assert me == {
        "username": "ana",
        "role": "analyst",
        "uscc": None,
        "department": None,
        "max_grade": "important",
    }
    ent = client.get("/api/v1/auth/me", headers=token(client, "ent_a")).json()
    assert ent["role"] == "enterprise" and ent["uscc"] == ENT_A and ent["max_grade"] == "general"
    assert client.get("/api/v1/auth/me").json()["role"] == "public"


def test_wrong_password_and_bad_token_are_401_with_one_line(client):
    r = client.post("/api/v1/auth/token", data={"username": "ana", "password": "not the password"})
    assert r.status_code == 401 and r.json()["detail"] == "wrong user name or password"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401 and "\n" not in r.json()["detail"]


def test_logout_revokes_the_token(client):
    h = token(client, "ana")
    assert client.post("/api/v1/auth/logout", headers=h).status_code == 200
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401


def test_passwords_and_tokens_are_stored_hashed(client):
    h = token(client, "root")
    raw = h["Authorization"].split()[1]
    store = client.app.state.store
    hashes = [r[0] for r in store.con.cursor().execute("SELECT password_hash FROM app_user").fetchall()]
    assert all(x.startswith("$argon2id$") and PASSWORD not in x for x in hashes)
    tokens = [r[0] for r in store.con.cursor().execute("SELECT token_sha256 FROM api_token").fetchall()]
    assert raw not in tokens and all(len(t) == 64 for t in tokens)


def test_login_is_rate_limited(api_db, tmp_path):
    path = tmp_path / "rl.duckdb"
    shutil.copy(api_db, path)
    with TestClient(create_app(path)) as c:
        codes = [
            c.post("/api/v1/auth/token", data={"username": "root", "password": "wrong-password!"}).status_code
            for _ in range(6)
        ]
        assert codes == [401] * 5 + [429]
        # even the right password waits: the limit is per client address and per user name
        r = c.post("/api/v1/auth/token", data={"username": "root", "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        audit = (
            c.app.state.store.con.cursor()
            .execute("SELECT count(*) FROM audit WHERE action = 'login_failed'")
            .fetchall()[0][0]
        )
        assert audit == 5


@pytest.mark.parametrize("role", ["admin", "analyst", "enterprise"])
def test_cli_user_add_list_remove(tmp_path, role):
    from industrial_brain.cli.main import app

    db = tmp_path / "u.duckdb"
    runner = CliRunner()
    extra = []
    if role == "enterprise":
        from .conftest import load_synthetic

        with Store(db) as s:  # an enterprise account needs a registered enterprise
            s.con.execute(
                "INSERT INTO enterprise (uscc, name, dataset_id) VALUES (?, 'SYNTHETIC', 'x')", [ENT_A]
            )
        extra = ["--enterprise", ENT_A]
        assert load_synthetic  # imported for the fixture data's USCC scheme
    r = runner.invoke(
        app,
        ["user", "add", "someone", "--role", role, *extra, "--password-stdin", "--db", str(db)],
        input="long enough password\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--db", str(db), "--format", "csv"])
    assert f"someone,{role}" in r.output and "long enough" not in r.output
    r = runner.invoke(app, ["user", "remove", "someone", "--db", str(db)])
    assert r.exit_code == 0
    r = runner.invoke(app, ["user", "list", "--db", str(db), "--format", "csv"])
    assert "someone" not in r.output


def test_cli_user_errors_are_one_line(tmp_path, capsys, monkeypatch):
    """Through the full `ibrain` entry point (the lead wires `user` and `serve` into cli/main.py)."""
    import io

    from industrial_brain.cli.main import main

    db = tmp_path / "e.duckdb"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit) as ex:
        main(["user", "add", "x1", "--role", "analyst", "--password-stdin", "--db", str(db)])
    assert ex.value.code == 2 and "password refused: too short" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ex:
        main(["user", "add", "x1", "--role", "boss", "--password-stdin", "--db", str(db)])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "unknown role" in err and "admin | analyst | enterprise" in err
    with pytest.raises(SystemExit) as ex:
        main(["user", "remove", "nobody", "--db", str(db)])
    assert ex.value.code == 2 and "no such user" in capsys.readouterr().err


def test_add_user_checks():
    from industrial_brain.services.accounts import add_user
    from industrial_brain.errors import InputError

    with Store(":memory:") as s:
        with pytest.raises(InputError, match="password refused: too short"):
            add_user(s, "bob", "short", "admin")
        with pytest.raises(InputError, match="needs its enterprise"):
            add_user(s, "bob", PASSWORD, "enterprise")
        with pytest.raises(InputError, match="not registered"):
            add_user(s, "bob", PASSWORD, "enterprise", ENT_A)
        with pytest.raises(InputError, match="bad user name"):
            add_user(s, "a b", PASSWORD, "admin")
        add_user(s, "bob", PASSWORD, "admin")
        with pytest.raises(InputError, match="user exists"):
            add_user(s, "bob", PASSWORD, "admin")


def test_project_errors_map_to_4xx(client):
    from fastapi import APIRouter

    from industrial_brain.errors import MethodError, StoreBusyError

    r = client.get("/api/v1/regions/999999")
    assert r.status_code == 400 and r.json()["detail"].startswith("column 'code': unknown region")
    app = client.app
    router = APIRouter()

    @router.get("/_test/method")
    def _m():
        raise MethodError("singular matrix: sector 07 has no inputs")

    @router.get("/_test/busy")
    def _b():
        raise StoreBusyError("store is busy")

    app.include_router(router)
    assert client.get("/_test/method").status_code == 422
    assert client.get("/_test/busy").status_code == 503
