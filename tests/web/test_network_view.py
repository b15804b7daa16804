"""The chain map of firms (产业链图谱) in headless Chromium, on the SYNTHETIC demo network: the public
is told to log in; an analyst sees Guangdong's electronics chain as tiers with each link's status,
opens a sector (local firms, candidate suppliers), runs the cascade of a firm's stop and sees its
losses by province; the links table exports."""

from __future__ import annotations

import openpyxl
import pandas as pd

from .conftest import PASSWORD, wait_js


def _login(page, user="analyst1"):
    page.click("button[data-view=enterprise]")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    wait_js(page, f"window.ibrain.me && window.ibrain.me.username === '{user}'")


def test_public_is_asked_to_log_in(page):
    page.click("button[data-view=network]")
    wait_js(page, "document.getElementById('net-note')?.textContent.length > 0")
    assert "登录" in page.inner_text("#net-note")
    assert page.is_hidden("#net-body")


def test_analyst_sees_the_chain_opens_a_sector_and_runs_a_cascade(page, artifacts, tmp_path):
    _login(page)
    page.click("button[data-view=network]")
    wait_js(page, "document.getElementById('view-network').dataset.ready === '440000:electronics'")
    gaps = pd.DataFrame(page.evaluate("window.ibrain.netGaps"))
    nodes = int(page.get_attribute("#net-map", "data-nodes"))
    assert nodes == len(gaps)
    statuses = page.eval_on_selector_all("#net-gaps tbody tr", "rs => rs.map(r => r.cells[7].textContent)")
    zh = {"core": "核心", "missing": "缺失", "weak": "薄弱", "strong": "较强"}
    assert statuses == [zh[s] for s in gaps["status"]]
    # a weak upstream link: its local firms and candidate suppliers from other provinces
    weak = gaps[(gaps.position == "upstream") & (gaps.status != "core")].iloc[0]["sector_code"]
    page.evaluate(
        "code => { const c = echarts.getInstanceByDom(document.getElementById('net-map'));"
        " const n = c.getOption().series[0].data"
        ".find(d => d.g.sector_code === code && d.g.position === 'upstream');"
        " c.trigger('click', { dataType: 'node', data: n }); }",
        weak,
    )
    wait_js(page, f"document.getElementById('net-side').dataset.sector === '{weak}'")
    cands = page.eval_on_selector_all("#net-candidates tbody tr", "rs => rs.map(r => r.cells[1].textContent)")
    assert cands and "广东" not in cands
    page.click("#net-firms .net-stop >> nth=0")
    wait_js(page, "Number(document.getElementById('net-cascade-map')?.dataset.regions) > 0")
    assert "亿元" in page.inner_text("#net-cascade-note") and "合成" in page.inner_text("#net-cascade-note")
    with page.expect_download() as dl:
        page.click(".table-wrap:has(#net-gaps) .export-xlsx")
    f = tmp_path / dl.value.suggested_filename
    dl.value.save_as(f)
    rows = list(openpyxl.load_workbook(f).active.iter_rows(values_only=True))
    assert any("合成" in str(r[0]) for r in rows[:5]) and len(rows) - 5 == len(gaps)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "network.png"), full_page=True)


def test_chain_map_fits_a_phone(browser, server, artifacts):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = ctx.new_page()
    pg.add_init_script("localStorage.setItem('ib-lang', 'en')")
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    _login(pg)
    pg.click("button[data-view=network]")
    wait_js(pg, "document.getElementById('view-network').dataset.ready === '440000:electronics'")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    assert "weak" in pg.inner_text("#net-gaps") or "missing" in pg.inner_text("#net-gaps")
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(artifacts / "network_390_en.png"), full_page=True)
    ctx.close()
