"""Bodies that used to answer 500: a lone surrogate in a JSON string, scenario YAML nested thousands of
levels deep; and a questionnaire dated in the future (it would pin the firm's "latest" assessment).
Each is now a 400 with one line, and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import ENT_A
from .test_assess import _answers

SURROGATE = '{"yaml": "\\ud800"}'  # JSON text: the escape of a lone high surrogate (not valid Unicode)


def _count(client, sql: str) -> int:
    return client.app.state.store.con.cursor().execute(sql).fetchall()[0][0]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/stress/jobs", SURROGATE),
        ("/api/v1/stress/jobs", '{"scenario": "chips\\udfff"}'),
        ("/api/v1/assess/submissions", '{"answers": {"q1": "\\ud800"}}'),
        ("/api/v1/assess/submissions", '{"answers": {"\\udbff": "a"}}'),
    ],
)
def test_a_lone_surrogate_in_a_json_body_is_a_400(client, auth, path, body):
    jobs_before = _count(client, "SELECT count(*) FROM api_job")
    who = "analyst" if "stress" in path else "ent_a"
    r = client.post(path, content=body.encode(), headers={**auth[who], "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert detail.startswith("request body: text with a lone surrogate"), detail
    assert _count(client, "SELECT count(*) FROM api_job") == jobs_before


def test_malformed_json_is_still_a_422_with_its_location(client, auth):
    r = client.post(
        "/api/v1/stress/jobs",
        content=b'{"yaml": ',
        headers={**auth["analyst"], "Content-Type": "application/json"},
    )
    assert r.status_code == 422


def test_json_nested_100000_levels_is_a_400(client, auth):
    r = client.post(
        "/api/v1/stress/jobs",
        content=b"[" * 100_000,
        headers={**auth["analyst"], "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text[:300]  # FastAPI's own answer: "There was an error parsing the body"
    assert "\n" not in r.json()["detail"]


@pytest.mark.parametrize(
    "deep", ["[" * 9000, "- " * 9000, "{a:" * 6000], ids=["flow-list", "block-list", "map"]
)
def test_scenario_yaml_nested_9000_levels_is_a_400(client, auth, deep):
    jobs_before = _count(client, "SELECT count(*) FROM api_job")
    r = client.post("/api/v1/stress/jobs", json={"yaml": deep}, headers=auth["analyst"])
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert "\n" not in detail
    assert detail.startswith("column 'yaml': scenario YAML nested too deeply"), detail
    assert _count(client, "SELECT count(*) FROM api_job") == jobs_before


def test_a_future_taken_on_is_refused_at_submission(client, auth):
    _, best = _answers(client, -1)
    before = _count(client, f"SELECT count(*) FROM assessment_result WHERE uscc = '{ENT_A}'")
    soon = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)).isoformat()
    r = client.post(
        "/api/v1/assess/submissions", json={"answers": best, "taken_on": soon}, headers=auth["ent_a"]
    )
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert f"column 'taken_on': date of the assessment is in the future (found '{soon}'" in detail, detail
    assert _count(client, f"SELECT count(*) FROM assessment_result WHERE uscc = '{ENT_A}'") == before
    # tomorrow (UTC) is still accepted: east of UTC a firm's today may already be tomorrow in UTC
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    r = client.post(
        "/api/v1/assess/submissions", json={"answers": best, "taken_on": tomorrow}, headers=auth["ent_a"]
    )
    assert r.status_code == 201, r.text
