"""Every route of the OpenAPI document, walked for every role over data of every grade.

One table (:data:`CASES`) gives, for each route and each data variant (general, important and core
datasets; an enterprise with important rows, one with core rows; a run owned by a background job),
the status each role must get. The walk fails when a route of the spec has no entry. Each request's
audit rows are checked against the same table: a refusal (401/403) leaves exactly one
``read_denied``/``write_denied`` row, a read of important or core data exactly one ``read`` row, a
write exactly one row of its action, anything else none (issue 13, findings 3, 7, 9).

The data (SYNTHETIC): ``ENT_A`` has important rows only; ``ENT_B`` has a core-graded assessment, so
its firm is core: the analyst is refused (403) and ``ent_b`` itself reads it (the data subject).
"""

from __future__ import annotations

import csv
import json
import io
import shutil
import time
from dataclasses import dataclass, field

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from industrial_brain.api.main import close_app, create_app
from industrial_brain.lineage import Lineage
from industrial_brain.services.access import Principal
from industrial_brain.services.accounts import add_user
from industrial_brain.services.capital import load_synthetic_market
from industrial_brain.services.results import dataset_lineage, save_run
from industrial_brain.services.sharing import add_department, publish
from industrial_brain.store import Store
from industrial_brain.store.alerts import write_alerts

from .conftest import ENT_A, ENT_B, PASSWORD, token
from .mu_data import load_mu
from .network_data import load_network

ROLES = ("admin", "analyst", "analyst2", "ent_a", "ent_b", "public", "steward")
USERS = {
    "admin": "root",
    "analyst": "ana",
    "analyst2": "ana2",
    "ent_a": "ent_a",
    "ent_b": "ent_b",
    "steward": "stew",
}
IO_GENERAL, IO_CORE = "cn_nbs_io_2020_42", "synthetic_core_io_42"
P = "/api/v1"


def refused(*allowed: str, ok: int = 200, other: int | None = None) -> dict[str, int]:
    """``ok`` for the ``allowed`` roles; the rest refused (public 401, accounts 403) or ``other``."""
    return {r: ok if r in allowed else (other or (401 if r == "public" else 403)) for r in ROLES}


def everyone(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


MEMBERS = ("admin", "analyst", "analyst2", "ent_a", "ent_b", "steward")
RUNNERS = ("admin", "analyst", "analyst2")
CLEARED_IMPORTANT = ("admin", "analyst", "analyst2", "steward")
#: The data product of the walk: a general SYNTHETIC panel held by the steward's department.
PRODUCT = "dataset-synthetic-dept-panel"


@dataclass
class Case:
    """One request of the walk: route (method and OpenAPI path), concrete URL, data grade and the
    status per role; ``action`` is the audit action of a successful write."""

    method: str
    path: str
    url: str
    expect: dict[str, int]
    grade: str = "general"
    body: dict | None = None
    form: dict | None = None
    action: str | None = None
    audit: bool = True  # False: the route's audit rules are another part's (aggregates)
    fresh_token: bool = False
    ids: dict = field(default_factory=dict)


def cases(ids: dict) -> list[Case]:
    """The table: every route × data variant, with the status each role gets."""
    run_g, run_i, run_c, run_job, job = (ids[k] for k in ("run_g", "run_i", "run_c", "run_job", "job"))
    answers = {"answers": ids["answers"], "uscc": ENT_A}
    ent_400 = refused(*CLEARED_IMPORTANT) | {"ent_a": 400, "ent_b": 400}
    return [
        Case("GET", "/capabilities", "/capabilities", everyone()),
        Case("GET", "/auth/me", "/auth/me", everyone()),
        Case(
            "POST",
            "/auth/token",
            "/auth/token",
            everyone(401),
            form={"username": "ana", "password": "wrong-password-0"},
            action="login_failed",
        ),
        Case(
            "POST",
            "/auth/token",
            "/auth/token",
            everyone(200),
            form={"username": "ana2", "password": PASSWORD},
            action="login",
        ),
        Case("GET", "/catalog", "/catalog", everyone()),
        Case("GET", "/catalog", "/catalog?format=csv", everyone()),
        Case("GET", "/catalog", "/catalog?format=xlsx", everyone()),
        Case("GET", "/catalog/units", "/catalog/units?lang=zh", everyone()),
        Case("GET", "/quality-notes", "/quality-notes", everyone()),
        Case(
            "GET",
            "/quality-notes",
            "/quality-notes?dataset=synthetic_important_panel",
            refused(*CLEARED_IMPORTANT),
        ),
        Case("GET", "/quality-notes", "/quality-notes?dataset=synthetic_core_panel", refused("admin")),
        Case("GET", "/regions", "/regions", everyone()),
        Case("GET", "/regions/{code}", "/regions/330000", everyone()),
        Case("GET", "/regions/{code}/neighbours", "/regions/330000/neighbours", everyone()),
        Case("GET", "/geo/provinces", "/geo/provinces", everyone()),
        Case("GET", "/indicators", "/indicators", everyone()),
        Case("GET", "/indicators", "/indicators?search=耦合&lang=zh&format=csv", everyone()),
        Case("GET", "/indicators/{code}", "/indicators/gdp_100m_cny", everyone()),
        Case(
            "GET",
            "/indicators/{code}",
            "/indicators/synthetic_secret",
            refused(*CLEARED_IMPORTANT, other=400),
        ),
        Case(
            "GET",
            "/indicators/{code}/series",
            "/indicators/gdp_100m_cny/series?region=420000",
            everyone(),
        ),
        Case(
            "GET",
            "/indicators/{code}/series",
            "/indicators/synthetic_secret/series?region=110000&dataset=synthetic_important_panel",
            refused(*CLEARED_IMPORTANT),
            grade="important",
        ),
        Case("GET", "/watchlist", "/watchlist", refused(*MEMBERS)),
        Case(
            "PUT",
            "/watchlist",
            "/watchlist",
            refused(*MEMBERS),
            body={"code": "gdp_100m_cny", "region": "420000"},
            action="watch",
        ),
        Case("DELETE", "/watchlist", "/watchlist?code=gdp_100m_cny", refused(*MEMBERS), action="unwatch"),
        Case("GET", "/regions/{code}/board", "/regions/330000/board?lang=zh", everyone()),
        Case(
            "GET",
            "/regions/compare",
            "/regions/compare?codes=330000,320000&indicator=gdp_100m_cny",
            everyone(),
        ),
        Case("GET", "/panel", "/panel?dataset=econ_energy_1990_2025&limit=5", everyone()),
        Case(
            "GET",
            "/panel",
            "/panel?dataset=synthetic_important_panel",
            refused(*CLEARED_IMPORTANT),
            grade="important",
        ),
        Case(
            "GET",
            "/panel",
            "/panel?dataset=synthetic_important_panel&format=csv",
            refused(*CLEARED_IMPORTANT),
            grade="important",
        ),
        Case("GET", "/panel", "/panel?dataset=synthetic_core_panel", refused("admin"), grade="core"),
        Case("GET", "/io-tables", "/io-tables", everyone()),
        *[
            c
            for tid, grade, ok in ((IO_GENERAL, "general", ROLES), (IO_CORE, "core", ("admin",)))
            for c in (
                Case("GET", "/io-tables/{table_id}", f"/io-tables/{tid}", refused(*ok), grade=grade),
                Case(
                    "GET",
                    "/io-tables/{table_id}/multipliers",
                    f"/io-tables/{tid}/multipliers",
                    refused(*ok),
                    grade=grade,
                ),
                Case(
                    "GET",
                    "/io-tables/{table_id}/key-sectors",
                    f"/io-tables/{tid}/key-sectors",
                    refused(*ok),
                    grade=grade,
                ),
                Case(
                    "GET",
                    "/io-tables/{table_id}/links",
                    f"/io-tables/{tid}/links?sector=01",
                    refused(*ok),
                    grade=grade,
                ),
                Case(
                    "GET",
                    "/chain/{table_id}/tree",
                    f"/chain/{tid}/tree?sector=01",
                    refused(*ok),
                    grade=grade,
                ),
                Case(
                    "GET",
                    "/chain/{table_id}/chokepoints",
                    f"/chain/{tid}/chokepoints",
                    refused(*ok),
                    grade=grade,
                ),
                Case(
                    "GET",
                    "/chain/{table_id}/chokepoints/{sector}",
                    f"/chain/{tid}/chokepoints/01",
                    refused(*ok),
                    grade=grade,
                ),
                Case("GET", "/chain/{table_id}/hubs", f"/chain/{tid}/hubs", refused(*ok), grade=grade),
                Case("GET", "/chain/{table_id}/graph", f"/chain/{tid}/graph", refused(*ok), grade=grade),
                Case("GET", "/brief/{scope}", f"/brief/chain?code=01&table={tid}", refused(*ok), grade=grade),
            )
        ],
        # enterprises: ENT_A's rows are important, ENT_B's core (a core-graded assessment)
        Case("GET", "/enterprises", "/enterprises", refused(*MEMBERS), grade="important"),
        Case("GET", "/enterprises", "/enterprises?format=csv", refused(*MEMBERS), grade="important"),
        Case("GET", "/enterprises", "/enterprises?format=xlsx", refused(*MEMBERS), grade="important"),
        Case("GET", "/enterprises/aggregates", "/enterprises/aggregates", everyone(), audit=False),
        Case("GET", "/enterprises/releases", "/enterprises/releases", everyone()),
        Case(
            "POST", "/enterprises/releases", "/enterprises/releases", refused("admin", ok=422), body={"k": 1}
        ),
        Case(
            "GET",
            "/enterprises/{uscc}",
            f"/enterprises/{ENT_A}",
            refused("admin", "analyst", "analyst2", "ent_a", "steward"),
            grade="important",
        ),
        Case("GET", "/enterprises/{uscc}", f"/enterprises/{ENT_B}", refused("admin", "ent_b"), grade="core"),
        Case(
            "GET",
            "/enterprises/{uscc}/assessments",
            f"/enterprises/{ENT_A}/assessments",
            refused("admin", "analyst", "analyst2", "ent_a", "steward"),
            grade="important",
        ),
        Case(
            "GET",
            "/enterprises/{uscc}/assessments",
            f"/enterprises/{ENT_B}/assessments?format=csv",
            refused("admin", "ent_b"),
            grade="core",
        ),
        # the per-mu board (tests/api/mu_data.py): ENT_A's accounts important, ENT_B's core
        Case("GET", "/mu/firms", "/mu/firms", refused(*MEMBERS), grade="important"),
        Case(
            "GET",
            "/mu/firms",
            "/mu/firms?format=csv&class=B&sort=-score",
            refused(*MEMBERS),
            grade="important",
        ),
        Case(
            "GET",
            "/mu/firms/{uscc}/profile",
            f"/mu/firms/{ENT_A}/profile",
            refused("admin", "analyst", "analyst2", "ent_a", "steward"),  # the steward reads like an analyst
            grade="important",
        ),
        Case(
            "GET",
            "/mu/firms/{uscc}/profile",
            f"/mu/firms/{ENT_B}/profile",
            refused("admin", "ent_b"),
            grade="core",
        ),
        Case("GET", "/mu/rollups", "/mu/rollups", everyone()),
        Case("GET", "/mu/rollups", "/mu/rollups?by=sector&format=csv", everyone()),
        Case("GET", "/assess/template", "/assess/template", everyone()),
        Case(
            "POST",
            "/assess/submissions",
            "/assess/submissions",
            refused("admin", "analyst", "analyst2", "ent_a", "steward", ok=201),
            body=answers,
            action="assessment_submit",
        ),
        # a questionnaire draft: an enterprise account's own, nobody else's
        Case("GET", "/assess/draft", "/assess/draft", refused("ent_a", "ent_b")),
        Case(
            "PUT",
            "/assess/draft",
            "/assess/draft",
            refused("ent_a", "ent_b"),
            body={"answers": {"Q01": "A", "Q02": ["A", "B"], "Q03": 12.5}},
            action="assessment_draft",
        ),
        Case(
            "GET",
            "/assess/profile/{uscc}",
            f"/assess/profile/{ENT_A}",
            refused("admin", "analyst", "analyst2", "ent_a", "steward"),
            grade="important",
        ),
        Case(
            "GET",
            "/assess/profile/{uscc}",
            f"/assess/profile/{ENT_B}",
            refused("admin", "ent_b"),
            grade="core",
        ),
        # runs: of a general, an important and a core dataset (no owner), and one owned by ana's job
        Case("GET", "/runs", "/runs", everyone()),
        Case("GET", "/runs", "/runs?kind=synthetic_job", everyone()),
        Case("GET", "/runs/latest", "/runs/latest?kind=synthetic_general", everyone()),
        Case(
            "GET",
            "/runs/latest",
            "/runs/latest?kind=synthetic_core",
            refused("admin", other=400),
            grade="core",
        ),
        Case(
            "GET",
            "/runs/latest",
            "/runs/latest?kind=synthetic_job",
            refused("admin", "analyst", other=400),
        ),
        *[
            c
            for rid, grade, ok in (
                (run_g, "general", ROLES),
                (run_i, "important", CLEARED_IMPORTANT),
                (run_c, "core", ("admin",)),
                (run_job, "general", ("admin", "analyst")),
            )
            for c in (
                Case("GET", "/runs/{run_id}", f"/runs/{rid}", refused(*ok), grade=grade),
                Case("GET", "/runs/{run_id}/values", f"/runs/{rid}/values", refused(*ok), grade=grade),
                Case(
                    "GET",
                    "/runs/{run_id}/values",
                    f"/runs/{rid}/values?format=csv",
                    refused(*ok),
                    grade=grade,
                ),
            )
        ],
        Case("GET", "/jobs/{job_id}", f"/jobs/{job}", refused("admin", "analyst")),
        Case(
            "GET",
            "/default-year",
            "/default-year?what=panel&indicator=gdp_100m_cny&dataset=econ_energy_1990_2025",
            everyone(),
        ),
        Case("GET", "/default-year", f"/default-year?what=run&run_id={run_g}", everyone()),
        Case("GET", "/default-year", f"/default-year?what=run&run_id={run_job}", refused("admin", "analyst")),
        Case("GET", "/macro/measures", "/macro/measures", everyone()),
        *[
            Case("GET", f"/macro/structure/{r}", f"/macro/structure/{r}", everyone())
            for r in ("similarity", "similarity/trend", "specialisation", "digital-by-industry")
        ],
        Case("GET", "/macro/map", f"/macro/map?run_id={run_g}", everyone()),
        Case("GET", "/macro/map", f"/macro/map?run_id={run_job}", refused("admin", "analyst")),
        # run_g is readable by all but is not a pipeline run (no index to check): 400 for everyone
        Case("GET", "/macro/rank-checks", f"/macro/rank-checks?run_id={run_g}", everyone(400)),
        Case(
            "GET",
            "/macro/rank-checks",
            f"/macro/rank-checks?run_id={run_job}",
            refused("admin", "analyst", ok=400),
        ),
        # the audit of an index: run_g has none (not a pipeline run): 400; the job's run is its owner's
        Case(
            "GET", "/macro/index/{system}/audit", f"/macro/index/digital/audit?run_id={run_g}", everyone(400)
        ),
        Case(
            "GET",
            "/macro/index/{system}/audit",
            f"/macro/index/digital/audit?run_id={run_job}",
            refused("admin", "analyst", ok=400),
        ),
        # a briefing reads the newest macro run the caller may read: here run_g or the job's, neither a
        # pipeline run (nothing to write about): 400 for everyone
        Case("GET", "/brief/{scope}", "/brief/region?code=330000", everyone(400)),
        Case("GET", "/brief/{scope}", "/brief/nation?format=docx", everyone(400)),
        # invalid bodies: the role check comes first (401/403), then the runner gets its 4xx — no job runs
        Case("POST", "/macro/jobs", "/macro/jobs", refused(*RUNNERS, ok=422), body={"permutations": -1}),
        Case("GET", "/stress/scenarios", "/stress/scenarios", everyone()),
        Case("GET", "/stress/results", "/stress/results", everyone()),
        Case("GET", "/innovation/efficiency", "/innovation/efficiency?years=2022", everyone()),
        Case("GET", "/innovation/malmquist", "/innovation/malmquist?from=2021&to=2022", everyone()),
        Case("GET", "/innovation/chain", "/innovation/chain?years=2022", everyone()),
        # the capital chain (SYNTHETIC market, important): rows never public; the enterprise
        # accounts have no needs or accounts there (400); the indicators are suppressed aggregates
        *[
            Case("GET", f"/capital/{r}", f"/capital/{r}{q}", ent_400, grade="important")
            for r, q in (
                ("match", ""),
                ("match", "?unmatched=true&format=csv"),
                ("eligibility", "?on=2025-01-01"),
                ("eligibility", "?candidates=true&region=320000"),
            )
        ],
        Case("GET", "/capital/indicators", "/capital/indicators?by=region", everyone(), audit=False),
        Case("GET", "/capital/indicators", "/capital/indicators?format=csv", everyone(), audit=False),
        Case("POST", "/stress/jobs", "/stress/jobs", refused(*RUNNERS, ok=400), body={"scenario": "nope"}),
        # monitoring: a general and an important alert (SYNTHETIC); ack and close change the general
        # one (admin first, then it is no longer open: 400); the others are refused first
        Case("GET", "/monitor/alerts", "/monitor/alerts?rule=synthetic_g", everyone()),
        Case("GET", "/monitor/alerts", "/monitor/alerts?rule=synthetic_g&format=csv", everyone()),
        Case("GET", "/monitor/alerts/{alert_id}", "/monitor/alerts/walk_g", everyone()),
        Case(
            "GET",
            "/monitor/alerts/{alert_id}",
            "/monitor/alerts/walk_i",
            refused(*CLEARED_IMPORTANT),
            grade="important",
        ),
        Case(
            "POST",
            "/monitor/alerts/{alert_id}/ack",
            "/monitor/alerts/walk_g/ack",
            refused("admin", "analyst", "analyst2", ok=400) | {"admin": 200},
            body={"reason": "seen"},
            action="alert_ack",
        ),
        Case(
            "POST",
            "/monitor/alerts/{alert_id}/close",
            "/monitor/alerts/walk_g/close",
            refused("admin", "analyst", "analyst2", ok=400) | {"admin": 200},
            body={"reason": "done"},
            action="alert_close",
        ),
        Case(
            "POST",
            "/monitor/alerts/{alert_id}/ack",
            "/monitor/alerts/walk_i/ack",
            refused("admin", "analyst", "analyst2", ok=422),
            body={"reason": ""},
        ),
        Case("GET", "/monitor/rules", "/monitor/rules", everyone()),
        Case("GET", "/monitor/subscriptions", "/monitor/subscriptions", refused(*MEMBERS)),
        Case(
            "POST",
            "/monitor/subscriptions",
            "/monitor/subscriptions",
            refused(*MEMBERS, ok=201),
            body={"channel": "email", "target": "planning@example.org", "rules": ["synthetic_g"]},
            action="alert_subscribe",
        ),
        Case(
            "POST",
            "/monitor/subscriptions/{subscription_id}/stop",
            "/monitor/subscriptions/nope/stop",
            refused(*MEMBERS, ok=400),
        ),
        # the firm network (SYNTHETIC six firms, A = ENT_A important, E = ENT_B core): flows for
        # everyone (released cells; the analysts' full cells are audited, tests/api/test_network.py)
        Case("GET", "/network/flows", "/network/flows", everyone(), audit=False),
        Case("GET", "/network/flows", "/network/flows?format=csv", everyone(), audit=False),
        *[
            Case(
                "GET",
                f"/network/{route}",
                f"/network/{route}{query}",
                refused("admin", "analyst", "analyst2"),  # firm-level analyses: admin and analysts
                grade="important",
            )
            for route, query in (
                ("leaders", ""),
                ("leaders", "?format=csv"),
                ("spof", "?min_input_share=0.1"),
                ("cascade", f"?firm={ENT_A}&days=10&inventory_days=3"),
                ("gaps", "?region=440000"),
                ("targets", "?region=440000&format=csv"),
                ("match", "?region=440000"),
            )
        ],
        Case(
            "GET",
            "/network/firms/{uscc}/partners",
            f"/network/firms/{ENT_A}/partners",
            refused(*CLEARED_IMPORTANT, "ent_a"),
            grade="important",
        ),
        Case(
            "GET",
            "/network/firms/{uscc}/partners",
            f"/network/firms/{ENT_B}/partners?format=csv",
            refused("admin", "ent_b"),
            grade="core",
        ),
        # data products (issue 20): a general panel held by the steward's department (econ); the others
        # hold no grant, so only admin and the holder read it; decisions and revocations of unknown ids: 400
        Case("GET", "/data/products", "/data/products", everyone()),
        Case("GET", "/data/products", "/data/products?q=synthetic&grade=general", everyone()),
        Case(
            "POST",
            "/data/products",
            "/data/products",
            refused("admin", "steward", ok=400),
            body={"kind": "dataset", "object_id": "nope", "title_zh": "无", "title_en": "none"},
        ),
        Case("GET", "/data/products/{product_id}", f"/data/products/{PRODUCT}", everyone()),
        Case(
            "GET",
            "/data/products/{product_id}/rows",
            f"/data/products/{PRODUCT}/rows",
            refused("admin", "steward"),
            action="data_use",
        ),
        Case(
            "GET",
            "/data/products/{product_id}/rows",
            f"/data/products/{PRODUCT}/rows?format=csv",
            refused("admin", "steward"),
            action="data_use",
        ),
        Case(
            "GET",
            "/data/products/{product_id}/aggregates",
            f"/data/products/{PRODUCT}/aggregates?by=region_code&statistic=mean&measure=synthetic_dept",
            everyone(),  # open to public release (regional data: exact, not enterprise-level)
            action="data_use",
        ),
        Case(
            "GET",
            "/data/products/{product_id}/verify",
            f"/data/products/{PRODUCT}/verify?key=110000&measure=synthetic_dept&at_least=1",
            refused("admin", "steward"),
            action="data_use",
        ),
        Case(
            "POST",
            "/data/products/{product_id}/requests",
            f"/data/products/{PRODUCT}/requests",
            refused(other=403) | {"public": 401, "steward": 400},  # no department / its own product
            body={"purpose": "walk", "form": "rows", "days": 1},
        ),
        Case("GET", "/data/inbox", "/data/inbox", refused("admin", "steward")),
        Case(
            "POST",
            "/data/requests/{grant_id}/decision",
            "/data/requests/nope/decision",
            refused("admin", "steward", ok=400),
            body={"approve": True, "reason": "walk"},
        ),
        Case(
            "POST",
            "/data/grants/{grant_id}/revoke",
            "/data/grants/nope/revoke",
            refused("admin", "steward", ok=400),
            body={"reason": "walk"},
        ),
        Case("GET", "/data/usage", "/data/usage", refused("steward") | {"admin": 400}),
        Case("GET", "/data/usage", "/data/usage?holder=econ", refused("admin", "steward")),
        # last: revokes the token it is called with (a fresh one per role)
        Case("POST", "/auth/logout", "/auth/logout", refused(*MEMBERS), action="logout", fresh_token=True),
    ]


def _add_core_data(s: Store) -> None:
    con = s.con
    for ds, kind in (
        ("synthetic_core_panel", "panel"),
        ("synthetic_core_assessments", "assessment"),
        ("synthetic_core_io", "io"),
    ):
        con.execute(
            f"INSERT INTO dataset VALUES ('{ds}', '{kind}', 'SYNTHETIC core data', 'tests', 'tests', "
            "'none', '', 'synthetic-core', 2, 'core', 'synthetic.csv', now())"
        )
    con.execute(
        "INSERT INTO indicator (code, name_zh, name_en, unit, direction, dimension, source, dataset_id) "
        "VALUES ('synthetic_core', '核心', 'SYNTHETIC core indicator', '1', '+', 'test', 'tests', "
        "'synthetic_core_panel')"
    )
    con.execute(
        "INSERT INTO observation VALUES ('synthetic_core_panel', '110000', 'synthetic_core', 2020, 7.0), "
        "('synthetic_core_panel', '120000', 'synthetic_core', 2020, 8.0)"
    )
    con.execute(
        "INSERT INTO assessment_result (assessment_id, uscc, model_code, model_version, taken_on, "
        "total_score, level, dimension_scores, dataset_id) VALUES ('core-b', ?, 'synthetic', '1', "
        "DATE '2024-07-31', 77.0, 'L4', '{}', 'synthetic_core_assessments')",
        [ENT_B],
    )
    con.execute(
        f"INSERT INTO io_table SELECT '{IO_CORE}', year, region_code, scheme, unit, kind, "
        f"'synthetic_core_io' FROM io_table WHERE table_id = '{IO_GENERAL}'"
    )
    con.execute(
        f"INSERT INTO io_flow SELECT '{IO_CORE}', row_code, col_code, value, origin FROM io_flow "
        f"WHERE table_id = '{IO_GENERAL}'"
    )
    con.execute(
        f"INSERT INTO io_code SELECT '{IO_CORE}', axis, code, role, name_zh, name_en, position FROM io_code "
        f"WHERE table_id = '{IO_GENERAL}'"
    )
    add_user(s, "ana2", PASSWORD, "analyst")
    con.execute(
        "INSERT INTO dataset VALUES ('synthetic_dept_panel', 'panel', 'SYNTHETIC department panel', 'tests', "
        "'tests', 'none', '', 'synthetic-dept', 2, 'general', 'synthetic.csv', now())"
    )
    con.execute(
        "INSERT INTO indicator (code, name_zh, name_en, unit, direction, dimension, source, dataset_id) "
        "VALUES ('synthetic_dept', '部门', 'SYNTHETIC department indicator', '1', '+', 'test', 'tests', "
        "'synthetic_dept_panel')"
    )
    con.execute(
        "INSERT INTO observation VALUES ('synthetic_dept_panel', '110000', 'synthetic_dept', 2020, 3.0), "
        "('synthetic_dept_panel', '120000', 'synthetic_dept', 2020, 4.0)"
    )
    add_department(s, "econ", "经信厅", "SYNTHETIC economy department")
    add_user(s, "stew", PASSWORD, "steward", department="econ")
    publish(
        s, Principal("stew", "steward", department="econ"), kind="dataset", object_id="synthetic_dept_panel",
        title_zh="合成部门面板", title_en="SYNTHETIC department panel", public_epsilon=1.0,
    )  # fmt: skip
    alert = {
        "subject": "s", "kind": "threshold", "region_code": "110000", "indicator_code": "synthetic_core",
        "year": 2020, "severity": "warning", "state": "open", "condition": "firing", "last_year": 2020,
        "message_en": "SYNTHETIC", "message_zh": "合成", "evidence": "{}", "opened_at": "2021-01-01",
        "updated_at": "2021-01-01",
    }  # fmt: skip
    rows = [
        alert | {"alert_id": "walk_g", "rule": "synthetic_g", "grade": "general",
                 "datasets": "econ_energy_1990_2025"},
        alert | {"alert_id": "walk_i", "rule": "synthetic_i", "grade": "important",
                 "datasets": "synthetic_important_panel"},
    ]  # fmt: skip
    with s.transaction():
        write_alerts(s, pd.DataFrame(rows))


def _values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["110000", "120000"],
            "year": [2020, 2020],
            "measure": ["D", "D"],
            "value": [0.61, 0.55],
            "label": ['=HYPERLINK("http://x")', "+1"],  # formula-like labels: escaped in CSV
        }
    )


def _run(s: Store, kind: str, dataset: str) -> str:
    lineage = Lineage.make("synthetic", {"k": 1}, datasets=dataset_lineage(s, [dataset]))
    return save_run(s, kind, lineage, _values())


@pytest.fixture(scope="module")
def walk(api_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("walk") / "walk.duckdb"
    shutil.copy(api_db, path)
    with Store(path) as s:
        _add_core_data(s)
        load_network(s, path.parent)
        load_mu(s, path.parent / "mu")  # after the network: its firms keep their register rows
        ids = {
            "run_g": _run(s, "macro", "econ_energy_1990_2025"),  # a "macro" run: /macro/map reads it
            "run_i": _run(s, "synthetic_important", "synthetic_important_panel"),
            "run_c": _run(s, "synthetic_core", "synthetic_core_panel"),
        }
        _run(s, "synthetic_general", "econ_energy_1990_2025")
        load_synthetic_market(s, n_needs=120, n_sources=12, seed=5, provinces=("32", "33"))
    app = create_app(path)
    with TestClient(app) as c:
        # a background job of ana's that saves a run (kind macro too) without naming an owner
        def work(store, progress):
            return {"run_id": _run(store, "macro", "econ_energy_1990_2025")}

        s = app.state.store.cursor()
        job = app.state.jobs.submit(s, Principal("ana", "analyst"), "synthetic_job", {}, work)
        s.close()
        for _ in range(200):
            row = (
                c.app.state.store.con.cursor()
                .execute("SELECT status, result FROM api_job WHERE job_id = ?", [job])
                .fetchall()[0]
            )
            if row[0] in ("done", "failed"):
                break
            time.sleep(0.02)
        assert row[0] == "done", row
        ids["run_job"] = json.loads(row[1])["run_id"]
        ids["job"] = job
        with app.state.store.cursor() as s2:  # a second run of the job kind, to list
            s2.owner = "ana"
            _run(s2, "synthetic_job", "econ_energy_1990_2025")
        app.state.cache.clear()
        headers = {r: token(c, u) for r, u in USERS.items()} | {"public": {}}
        t = c.get(f"{P}/assess/template").json()
        ids["answers"] = {
            q["code"]: (q["max"] if q["type"] == "numeric" else q["options"][-1]["code"])
            for q in t["questions"]
            if not q["sector_variant"]
        }
        # default-model assessments for both firms, so their profiles exist (ENT_B stays core)
        for who in ("ent_a", "ent_b"):
            r = c.post(f"{P}/assess/submissions", json={"answers": ids["answers"]}, headers=headers[who])
            assert r.status_code == 201, r.text
        yield c, headers, ids
    close_app(app)


def _audit_rows(client) -> int:
    """A mark in the audit table: rows written after it are :func:`_new_audit`'s."""
    return (
        client.app.state.store.con.cursor()
        .execute("SELECT coalesce(max(rowid), -1) FROM audit")
        .fetchall()[0][0]
    )


def _new_audit(client, since: int) -> list[tuple]:
    return (
        client.app.state.store.con.cursor()
        .execute("SELECT actor, action, object, detail FROM audit WHERE rowid > ? ORDER BY rowid", [since])
        .fetchall()
    )


def expected_audit(case: Case, role: str, status: int) -> list[str]:
    """The audit actions one request must leave (one row each, none beside)."""
    if status in (401, 403):
        if case.action in ("login_failed",):
            return [case.action]
        return ["read_denied" if case.method == "GET" else "write_denied"]
    if 200 <= status < 300:
        if case.action:
            return [case.action]
        if case.grade in ("important", "core"):
            return ["read"]
    return []


def test_every_route_of_the_spec_is_in_the_table(walk):
    client, _, ids = walk
    spec = client.get("/openapi.json").json()["paths"]
    routes = {(m.upper(), p.removeprefix(P)) for p, ops in spec.items() for m in ops}
    table = {(c.method, c.path) for c in cases(ids)}
    assert routes - table == set(), "routes without an entry in the access table"
    assert table - routes == set(), "table entries for routes the spec does not have"


def test_walk_every_route_for_every_role(walk):
    client, headers, ids = walk
    wrong = []
    for case in cases(ids):
        for role in ROLES:
            h = headers[role]
            if case.fresh_token and role != "public":
                h = token(client, USERS[role])
            before = _audit_rows(client)
            if case.form is not None:
                r = client.post(P + case.url, data=case.form, headers=h)
            elif case.method in ("POST", "PUT"):
                r = client.request(case.method, P + case.url, json=case.body or {}, headers=h)
            else:
                r = client.request(case.method, P + case.url, headers=h)
            if case.action == "login_failed":  # six wrong passwords: not a test of the limiter
                client.app.state.limiter = type(client.app.state.limiter)()
            label = f"{case.method} {case.url} as {role}"
            if r.status_code != case.expect[role]:
                wrong.append(f"{label}: {r.status_code} (expected {case.expect[role]}) {r.text[:120]}")
                continue
            if not case.audit:
                continue
            rows = _new_audit(client, before)
            want = expected_audit(case, role, r.status_code)
            if [a for _, a, _, _ in rows] != want:
                wrong.append(f"{label}: audit {[a for _, a, _, _ in rows]} (expected {want})")
            elif rows and role != "public" and not (case.form and case.action == "login_failed"):
                actor = rows[0][0]
                if actor != f"api:{USERS[role]}" and case.action != "login":
                    wrong.append(f"{label}: audit actor {actor}")
            for _, _, _, detail in rows:  # a password or token never reaches the audit table
                assert PASSWORD not in (detail or "") and "wrong-password-0" not in (detail or "")
    assert not wrong, "\n".join(wrong)


def test_analyst_lists_withhold_core_firms_and_say_so(walk):
    client, headers, _ = walk
    body = client.get(f"{P}/enterprises?limit=10000", headers=headers["analyst"]).json()
    usccs = {e["uscc"] for e in body["data"]}
    assert ENT_B not in usccs and ENT_A in usccs and body["withheld"] >= 1
    admin = client.get(f"{P}/enterprises?limit=10000", headers=headers["admin"]).json()
    assert ENT_B in {e["uscc"] for e in admin["data"]} and admin["withheld"] == 0
    assert admin["count"] == body["count"] + body["withheld"]
    own = client.get(f"{P}/enterprises", headers=headers["ent_b"]).json()  # the data subject reads its own
    assert {e["uscc"] for e in own["data"]} == {ENT_B} and own["withheld"] == 0
    r = client.get(f"{P}/enterprises/{ENT_B}", headers=headers["analyst"])
    assert r.status_code == 403 and "core" in r.json()["detail"] and "77" not in r.text


def test_job_results_are_their_owners(walk):
    """Finding 7: the six reads of a job's result by the public, another enterprise and another analyst
    (list and read) are refused; the owner and admin read it."""
    client, headers, ids = walk
    rid = ids["run_job"]
    for role in ("public", "ent_b", "analyst2"):
        listed = client.get(f"{P}/runs?kind=macro", headers=headers[role]).json()["data"]
        assert rid not in {x["run_id"] for x in listed}, role
        assert client.get(f"{P}/runs/{rid}", headers=headers[role]).status_code in (401, 403), role
    for role in ("analyst", "admin"):
        listed = client.get(f"{P}/runs?kind=macro", headers=headers[role]).json()["data"]
        assert rid in {x["run_id"] for x in listed}, role
        run = client.get(f"{P}/runs/{rid}", headers=headers[role]).json()
        assert run["owner"] == "ana"
    # the owner's newest macro run is its own; the public map stays on the unowned run
    assert client.get(f"{P}/macro/map", headers=headers["analyst"]).json()["run_id"] == rid
    assert client.get(f"{P}/macro/map").json()["run_id"] == ids["run_g"]


def test_owner_scoped_answers_never_reach_the_public_cache(walk):
    client, headers, ids = walk
    rid = ids["run_job"]
    ok = client.get(f"{P}/runs/{rid}/values", headers=headers["analyst"])
    assert ok.status_code == 200 and ok.headers["cache-control"].startswith("private")
    keys = list(client.app.state.cache._d)
    assert any(f"owner=ana|{P}/runs/{rid}/values" in k for k in keys)
    assert not any(k.startswith(f"general|{P}/runs/{rid}") for k in keys)
    assert client.get(f"{P}/runs/{rid}/values").status_code == 401  # no cached answer served


def test_cached_important_reads_are_audited_every_time(walk):
    client, headers, ids = walk
    url = f"{P}/runs/{ids['run_i']}/values?format=csv"
    before = _audit_rows(client)
    for _ in range(3):
        assert client.get(url, headers=headers["analyst"]).status_code == 200
    rows = _new_audit(client, before)
    assert [a for _, a, _, _ in rows] == ["read"] * 3
    assert all(o == f"run:{ids['run_i']}" and "grade=important" in d for _, _, o, d in rows)


def test_csv_cells_are_escaped(walk):
    """Finding 8: text cells starting with = + - @ are prefixed with ' in every CSV answer; numbers
    (a negative one too) are not."""
    client, headers, ids = walk
    text = client.get(f"{P}/runs/{ids['run_g']}/values?format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["label"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+1"]
    assert [float(r["value"]) for r in rows] == [0.61, 0.55]
    con = client.app.state.store.con.cursor()
    con.execute("UPDATE enterprise SET name = '=cmd|'' /C calc''!A0' WHERE uscc = ?", [ENT_A])
    con.execute("UPDATE enterprise SET name = '-2+3' WHERE uscc = ?", [ENT_B])
    text = client.get(f"{P}/enterprises?format=csv&limit=10000", headers=headers["admin"]).text
    names = {r["uscc"]: r["name"] for r in csv.DictReader(io.StringIO(text))}
    assert names[ENT_A] == "'=cmd|' /C calc'!A0" and names[ENT_B] == "'-2+3"
    scores = [r["total_score"] for r in csv.DictReader(io.StringIO(text)) if r["total_score"]]
    assert all(not s.startswith("'") for s in scores)


def test_declared_security_matches_the_walk(walk):
    """The spec's security per operation is what the walk observed: a route whose every variant
    answers the public 401 declares the bearer scheme required; a route the public may call declares
    it optional (``[{}, {HTTPBearer: []}]``) or reads no token at all."""
    client, _, ids = walk
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    by_route: dict[tuple[str, str], list[int]] = {}
    for c in cases(ids):
        by_route.setdefault((c.method, c.path), []).append(c.expect["public"])
    wrong = []
    for (method, path), statuses in by_route.items():
        declared = spec["paths"][P + path][method.lower()].get("security")
        login_required = all(s == 401 for s in statuses)
        if login_required and declared != [{"HTTPBearer": []}]:
            wrong.append(f"{method} {path}: public always 401 but security {declared}")
        if not login_required and declared not in (None, [{}, {"HTTPBearer": []}]):
            wrong.append(f"{method} {path}: public answered {statuses} but security {declared}")
    assert not wrong, "\n".join(wrong)
    required = {k for k, v in by_route.items() if all(s == 401 for s in v)}
    assert ("GET", "/enterprises/{uscc}") in required and ("GET", "/runs/{run_id}") not in required
