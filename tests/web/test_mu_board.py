"""The per-mu enterprise board in headless Chromium: an analyst searches a firm, opens its profile
(score, class, indicators, what lifts it a class) and exports the county table; the public sees the
county table only. Data: the SYNTHETIC demo population and its SYNTHETIC accounts."""

from __future__ import annotations

import shutil

import pytest

from industrial_brain.services.accounts import add_user
from industrial_brain.services.assess import ensure_demo_population
from industrial_brain.services.mu_board import ensure_demo_accounts
from industrial_brain.store import Store

from .conftest import PASSWORD, serving, wait_js


@pytest.fixture(scope="module")
def server(default_db, tmp_path_factory):
    """The dashboard over a store with the demo population's accounts and one Linhai run."""
    path = tmp_path_factory.mktemp("muweb") / "mu.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        ensure_demo_population(s)
        ensure_demo_accounts(s)
        add_user(s, "analyst1", PASSWORD, "analyst")
    with serving(path) as url:
        yield url


def test_public_sees_the_county_table_only(page):
    page.click("button[data-view=mu]")
    page.wait_for_selector("#mu-county tbody tr")
    assert "登录" in page.inner_text("#mu-body") and not page.query_selector("#mu-firms")
    assert "已抑制" in page.inner_text("#mu-county")


def test_analyst_searches_opens_a_profile_and_exports_the_county_table(page, artifacts, tmp_path):
    page.click("button[data-view=enterprise]")
    page.fill("#username", "analyst1")
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    wait_js(page, "window.ibrain.me && window.ibrain.me.role === 'analyst'")
    page.click("button[data-view=mu]")
    page.wait_for_selector("#mu-firms tbody tr")
    assert page.inner_text("#mu-count") == "第 1–20 条，共 5,000 条"
    uscc = page.inner_text("#mu-firms tbody tr:nth-child(3) td:first-child")
    page.fill("#mu-search", uscc)
    wait_js(page, "document.getElementById('mu-count').textContent.endsWith('共 1 条')")
    page.click("#mu-firms tbody tr:first-child")
    wait_js(page, "document.getElementById('mu-score') !== null")
    assert uscc in page.inner_text("#mu-firm-title")
    body = page.evaluate(
        f"fetch('/api/v1/mu/firms/{uscc}/profile', {{headers: {{Authorization: 'Bearer ' + "
        "window.ibrain.token}}).then(r => r.json())"
    )
    assert page.inner_text("#mu-class-val") == body["per_mu"]["class"]
    assert page.inner_text("#mu-score") == f"{body['per_mu']['score']:,.1f}"
    assert page.locator("#mu-indicators tbody tr").count() == len(body["per_mu"]["indicators"])
    page.select_option("#mu-class", "D")
    wait_js(page, "!document.getElementById('mu-count').textContent.endsWith('共 1 条')")
    page.fill("#mu-search", "")
    page.select_option("#mu-class", "")
    with page.expect_download() as dl:
        page.click("#mu-county-card .export-csv")
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    assert "331082" in text and "万元/亩" in text and uscc not in text
    page.screenshot(path=str(artifacts / "mu_board_analyst.png"), full_page=True)
