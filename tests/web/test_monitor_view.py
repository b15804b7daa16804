"""The monitoring view in headless Chromium: the alerts of the default rules on the embedded GDP
panel (on a map of open alerts per province and in a table that exports), one alert's evidence, an
acknowledgement with its reason, and the briefing downloaded as a PDF that opens."""

from __future__ import annotations

import csv

import pytest

from .conftest import PASSWORD, wait_js


def _open_monitor(page):
    page.click("button[data-view=monitor]")
    wait_js(page, "Number(document.getElementById('alerts')?.dataset.rows) > 0")


def test_alerts_table_map_and_export(page, tmp_path, artifacts):
    _open_monitor(page)
    rows = int(page.get_attribute("#alerts", "data-rows"))
    count = page.evaluate("fetch('/api/v1/monitor/alerts?state=open').then(r => r.json()).then(j => j.count)")
    assert rows == count >= 20  # the GDP rank drops and growth lags of the default rules
    provinces = int(page.get_attribute("#alert-map", "data-regions"))
    assert 10 <= provinces <= 31
    first = page.eval_on_selector_all(
        "#alerts tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert {r[0] for r in first} <= {"严重", "警告", "提示"}
    with page.expect_download() as dl:
        page.click("#view-monitor .export-csv")
    f = tmp_path / dl.value.suggested_filename
    dl.value.save_as(f)
    lines = list(csv.reader(f.read_text(encoding="utf-8-sig").splitlines()))
    header = next(i for i, r in enumerate(lines) if r and r[0] == "级别")
    assert len(lines) - header - 1 == rows
    page.screenshot(path=str(artifacts / "monitor.png"), full_page=True)
    # choosing a province keeps its alerts only
    page.select_option("#alert-region", "110000")
    wait_js(page, f"Number(document.getElementById('alerts').dataset.rows) < {rows}")
    regions = page.eval_on_selector_all("#alerts tbody tr", "rs => rs.map(r => r.cells[2].textContent)")
    assert regions and set(regions) == {"北京"}


def test_analyst_reads_the_evidence_and_acknowledges_with_a_reason(page, artifacts):
    page.click("button[data-view=enterprise]")
    page.fill("#username", "analyst1")
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    wait_js(page, "window.ibrain.me && window.ibrain.me.role === 'analyst'")
    _open_monitor(page)
    page.click("#alerts tbody tr >> nth=0")
    wait_js(page, "document.querySelectorAll('#alert-evidence tbody tr').length > 0")
    page.click("#alert-ack")
    assert "理由" in page.inner_text("#alert-action-status")
    page.fill("#alert-reason", "已核对：2023 年为初步核算数")
    page.click("#alert-ack")
    wait_js(page, "[...document.querySelectorAll('#alert-changes tbody tr')].length === 2")
    changes = page.eval_on_selector_all(
        "#alert-changes tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    _, who, _, to, why = changes[-1]
    assert who.endswith("analyst1") and to == "已确认" and why.startswith("已核对")
    page.screenshot(path=str(artifacts / "monitor_alert.png"), full_page=True)


def test_briefing_downloads_as_a_pdf(page, tmp_path):
    _open_monitor(page)
    page.select_option("#brief-region", "330000")
    with page.expect_download(timeout=120000) as dl:
        page.click(".brief-formats button[data-format=pdf]")
    f = tmp_path / dl.value.suggested_filename
    dl.value.save_as(f)
    assert f.name == "briefing-330000-zh.pdf" and f.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monitor_view_fits_a_phone(browser, server, artifacts, lang):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = ctx.new_page()
    pg.add_init_script(f"localStorage.setItem('ib-lang', '{lang}')")
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    _open_monitor(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    head = pg.inner_text("#alerts thead")
    assert ("级别" in head) == (lang == "zh") and ("severity" in head) == (lang == "en")
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(artifacts / f"monitor_390_{lang}.png"), full_page=True)
    ctx.close()
