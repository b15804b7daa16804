"""The dashboard in headless Chromium: the map renders 31 provinces, the year slider changes the
values, the language switch relabels, the chain view draws the linkage scatter, login works.
Screenshots are saved as test artifacts."""

from __future__ import annotations

from .conftest import wait_js

MAP_DATA = (
    "echarts.getInstanceByDom(document.getElementById('map')).getOption().series[0].data"
    ".filter(d => typeof d.value === 'number' && !Number.isNaN(d.value))"
)


def _ranking(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#ranking tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )


def _login(page, username: str) -> None:
    """Open the enterprise view and log in as ``username`` (synthetic demo account)."""
    page.click("button[data-view=enterprise]")
    page.fill("#username", username)
    page.fill("#password", "synthetic-pass-123")
    page.click("#login button[type=submit]")


def test_map_renders_31_provinces(page, artifacts):
    assert page.get_attribute("#map", "data-regions") == "31"
    data = page.evaluate(MAP_DATA)
    assert len(data) == 31 and all(isinstance(d["value"], (int, float)) for d in data)
    assert len({d["name"] for d in data}) == 31 and "100000" not in {d["name"] for d in data}
    rows = _ranking(page)
    assert len(rows) == 31 and rows[0][0] == "1"
    assert page.locator("#map canvas").count() >= 1
    page.screenshot(path=str(artifacts / "map.png"), full_page=True)


def test_year_slider_changes_values(page, artifacts):
    before_year = page.get_attribute("#map", "data-year")
    before = {d["name"]: d["value"] for d in page.evaluate(MAP_DATA)}
    page.eval_on_selector(
        "#year", "el => { el.value = '2005'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_js(page, "document.getElementById('map').dataset.year === '2005'")
    assert before_year != "2005" and page.inner_text("#year-label") == "2005"
    after = {d["name"]: d["value"] for d in page.evaluate(MAP_DATA)}
    assert len(after) == 31 and after != before
    # GDP grew in every province between 2005 and the latest year
    assert all(after[c] < before[c] for c in after)
    assert page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map')).getOption().title[0].text"
    ).endswith("2005")
    page.screenshot(path=str(artifacts / "map_2005.png"), full_page=True)


def test_indicator_choice_and_language_switch(page, artifacts):
    first_name = _ranking(page)[0][1]
    page.click("#lang")
    wait_js(page, "document.documentElement.lang === 'en' || document.documentElement.lang === 'zh-CN'")
    assert _ranking(page)[0][1] != first_name  # Chinese ↔ English region names
    lang = page.evaluate("document.documentElement.lang")
    assert page.inner_text("button[data-view=map]") == ("Map" if lang == "en" else "地图")
    codes = page.eval_on_selector_all("#indicator option", "os => os.map(o => o.value)")
    target = next(c for c in codes if c.endswith(":carbon_emissions_10k_t"))
    page.select_option("#indicator", target)
    wait_js(page, "window.ibrain.panel && window.ibrain.panel.ind.code === 'carbon_emissions_10k_t'")
    wait_js(page, "document.getElementById('map').dataset.regions !== '0'")
    assert int(page.get_attribute("#map", "data-regions")) >= 25
    page.screenshot(path=str(artifacts / "map_carbon.png"), full_page=True)


def test_coupling_level_map_uses_the_ten_classes(page, artifacts):
    codes = page.eval_on_selector_all("#indicator option", "os => os.map(o => o.value)")
    assert {"macro:D", "macro:level", "macro:lisa.cluster", "macro:index.digital"} <= set(codes)
    page.select_option("#indicator", "macro:level")
    wait_js(page, "window.ibrain.panel && window.ibrain.panel.ind.code === 'level'")
    wait_js(page, "document.getElementById('map').dataset.regions === '31'")
    vm = page.evaluate("echarts.getInstanceByDom(document.getElementById('map')).getOption().visualMap[0]")
    assert vm["type"] == "piecewise" and len(vm["pieces"]) == 10
    levels = [r[2] for r in _ranking(page)]
    assert all(any(w in v for w in ("协调", "失调", "coordinat", "disorder")) for v in levels)
    page.screenshot(path=str(artifacts / "map_coupling_level.png"), full_page=True)
    page.select_option("#indicator", "macro:lisa.cluster")
    wait_js(page, "window.ibrain.panel.ind.code === 'lisa.cluster'")
    vm = page.evaluate("echarts.getInstanceByDom(document.getElementById('map')).getOption().visualMap[0]")
    assert len(vm["pieces"]) == 5
    page.screenshot(path=str(artifacts / "map_moran_quadrant.png"), full_page=True)


def test_chain_view_draws_linkages_and_the_sector_graph(page, artifacts):
    page.click("button[data-view=chain]")
    wait_js(page, "window.ibrain.keySectors && window.ibrain.charts['chain-graph']")
    n = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('linkage-scatter')).getOption()"
        ".series.slice(0, 4).reduce((a, s) => a + s.data.length, 0)"
    )
    assert n == 42
    nodes = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chain-graph')).getOption().series[0].data.length"
    )
    assert nodes >= 10
    # the top-5 chokepoints are drawn as diamonds in the linkage scatter
    wait_js(page, "window.ibrain.chokepoints && window.ibrain.chokepoints.size === 5")
    diamonds = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('linkage-scatter')).getOption()"
        ".series.slice(0, 4).flatMap(s => s.data).filter(d => d.symbol === 'diamond').length"
    )
    assert diamonds == 5
    page.wait_for_timeout(1500)  # let the chart animations finish before the screenshot
    page.screenshot(path=str(artifacts / "chain.png"), full_page=True)


def test_login_as_analyst(page, artifacts):
    _login(page, "analyst1")
    wait_js(page, "window.ibrain.me && window.ibrain.me.role === 'analyst'")
    assert "analyst1" in page.inner_text("#who")
    page.screenshot(path=str(artifacts / "enterprise_analyst.png"), full_page=True)


def test_enterprise_completes_the_questionnaire_and_sees_its_level(page, artifacts):
    _login(page, "firm1")
    page.wait_for_selector("#questionnaire select")
    assert (
        "–" in page.inner_text("#profile")
        or "尚无" in page.inner_text("#profile")
        or "No assessment" in page.inner_text("#profile")
    )
    # answer every question: the middle option of each choice, the middle of each numeric range
    page.eval_on_selector(
        "#questionnaire",
        """f => {
        for (const el of f.querySelectorAll('[name]')) {
            if (el.dataset.type === 'numeric') el.value = String((Number(el.min) + Number(el.max)) / 2);
            else { const i = Math.floor(el.options.length / 2); el.options[i].selected = true; }
        }}""",
    )
    page.click("#submit-assessment")
    wait_js(page, "window.ibrain.lastAssessment && window.ibrain.profile && document.getElementById('level')")
    level = page.inner_text("#level")
    assert level in {"L1", "L2", "L3", "L4", "L5"} and level == page.evaluate(
        "window.ibrain.lastAssessment.level"
    )
    score = page.evaluate("window.ibrain.lastAssessment.total_score")
    assert 0 < score < 100
    radar = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('radar')).getOption().radar[0].indicator.length"
    )
    assert radar >= 5
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "enterprise_assessment.png"), full_page=True)


def test_stress_scenario_runs_and_shows_recovery_curves(page, artifacts):
    _login(page, "analyst1")
    wait_js(page, "window.ibrain.me && window.ibrain.me.role === 'analyst'")
    page.click("button[data-view=resilience]")
    page.wait_for_selector("#run-scenario:not([disabled])")
    page.select_option("#scenario", "chips_capacity_2020")
    page.fill("#days", "200")
    page.fill("#runs", "8")
    page.click("#run-scenario")
    wait_js(
        page,
        "window.ibrain.stressResult && document.getElementById('recovery').dataset.points === '200'",
        timeout=60,
    )
    assert page.evaluate("window.ibrain.stressJob.status") == "done"
    assert page.evaluate("document.getElementById('stress-progress').value") == 1
    series = page.evaluate("echarts.getInstanceByDom(document.getElementById('recovery')).getOption().series")
    assert len(series) >= 2 and len(series[0]["data"]) == 200
    total = series[0]["data"]
    assert min(total) < 1.0 and abs(total[-1] - 1.0) < 0.05  # output dips, then recovers
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / "resilience.png"), full_page=True)


def test_api_docs_page_renders_offline(browser, server, artifacts):
    """Swagger UI comes from the local vendor folder (npm), so /docs works without internet."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.goto(server + "/docs")
    pg.wait_for_selector(".opblock-tag", timeout=30000)
    tags = pg.eval_on_selector_all(".opblock-tag", "els => els.map(e => e.getAttribute('data-tag'))")
    assert {"panels", "enterprises", "io"} <= set(tags)
    pg.screenshot(path=str(artifacts / "api_docs.png"))
    ctx.close()
