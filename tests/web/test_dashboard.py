"""The dashboard in headless Chromium: the map renders 31 provinces, the year slider changes the
values, the language switch relabels, the chain view draws the linkage scatter, login works.
Screenshots are saved as test artifacts."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from .conftest import ELECTRONICS_USCC, wait_js

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
    # quadrants are classes: grouped in the legend's order (HH first), not ranked by their code
    wait_js(page, "document.querySelector('#ranking tbody tr td:nth-child(3)').textContent.length > 0")
    rows = _ranking(page)
    order = ["高-高 HH", "低-高 LH", "低-低 LL", "高-低 HL", "不显著"]
    seen = [order.index(r[2].split(" †")[0].strip()) for r in rows]
    assert seen == sorted(seen) and all(r[0] == "" for r in rows)
    page.screenshot(path=str(artifacts / "map_moran_quadrant.png"), full_page=True)


def test_index_map_legend_shows_the_range_and_the_missing_provinces(page, artifacts):
    """A continuous legend's ends are the data's range with its decimals (not 0 and 1); provinces
    without a value are drawn apart and named under the map."""
    page.select_option("#indicator", "macro:D")
    wait_js(page, "window.ibrain.panel && window.ibrain.panel.ind.code === 'D'")
    wait_js(page, "document.getElementById('map').dataset.regions === '31'")
    vm = page.evaluate("echarts.getInstanceByDom(document.getElementById('map')).getOption().visualMap[0]")
    assert 0.2 < vm["min"] < vm["max"] < 0.9 and vm["precision"] >= 2
    assert page.get_attribute("#map", "data-missing") == "0"
    codes = page.eval_on_selector_all("#indicator option", "os => os.map(o => o.value)")
    page.select_option("#indicator", next(c for c in codes if c.endswith(":carbon_emissions_10k_t")))
    wait_js(page, "window.ibrain.panel.ind.code === 'carbon_emissions_10k_t'")
    wait_js(page, "document.getElementById('map').dataset.regions !== '0'")
    missing = int(page.get_attribute("#map", "data-missing"))
    assert missing == 31 - int(page.get_attribute("#map", "data-regions"))
    if missing:
        assert "无数据" in page.inner_text("#map-legend")
    assert "万吨" in page.inner_text("#map-note")


def test_chain_view_draws_linkages_and_the_sector_graph(page, artifacts):
    page.click("button[data-view=chain]")
    wait_js(page, "!!(window.ibrain.keySectors && window.ibrain.charts['chain-graph'])")
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
    """The analyst's register: the login fields go away, 20 firms a page of all of them, a search
    narrows the list, a click opens the firm's profile, the export holds every firm that matches."""
    _login(page, "analyst1")
    wait_js(page, "window.ibrain.me && window.ibrain.me.role === 'analyst'")
    assert "analyst1" in page.inner_text("#who")
    assert not page.is_visible("#username") and page.is_visible("#logout")
    page.wait_for_selector("#firm-list tbody tr")
    assert page.inner_text("#register h3") == "企业名录"
    total = page.evaluate(
        "fetch('/api/v1/enterprises?limit=1', {headers: {Authorization: 'Bearer ' + "
        "window.ibrain.token}}).then(r => r.json()).then(b => b.count)"
    )
    assert page.locator("#firm-list tbody tr").count() == min(20, total) and total > 20
    assert page.inner_text("#firm-count") == f"第 1–20 条，共 {total:,} 条"
    page.click("#firm-next")
    wait_js(page, "document.getElementById('firm-count').textContent.startsWith('第 21–')")
    name = page.inner_text("#firm-list tbody tr:first-child td:nth-child(2)")
    page.fill("#firm-search", name)
    wait_js(page, "document.getElementById('firm-count').textContent.endsWith('共 1 条')")
    with page.expect_download() as dl:
        page.click("#register .export-csv")
    lines = list(csv.reader(open(dl.value.path(), encoding="utf-8-sig").read().splitlines()))
    head = next(i for i, r in enumerate(lines) if len(r) > 1)  # title, unit, source rows above
    assert (
        lines[head][:2] == ["统一社会信用代码", "企业名称"]
        and len(lines) == head + 2
        and lines[-1][1] == name
    )
    page.click("#firm-list tbody tr:first-child")
    wait_js(
        page,
        "document.getElementById('firm-title') && document.getElementById('profile').textContent.length > 0",
    )
    assert name in page.inner_text("#firm-title")
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
            if (el.type === 'checkbox') el.checked = true;
            else if (el.dataset.type === 'numeric') el.value = String((Number(el.min) + Number(el.max)) / 2);
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


FILL_ALL_BUT = """(f, skip) => {
    for (const el of f.querySelectorAll('[name]')) {
        if (el.name === skip) continue;
        if (el.type === 'checkbox') el.checked = true;
        else if (el.dataset.type === 'numeric') el.value = String((Number(el.min) + Number(el.max)) / 2);
        else { const i = Math.floor(el.options.length / 2); el.options[i].selected = true; }
    }}"""


def test_a_sector_variant_firm_submits_with_help_next_to_the_field(page, artifacts):
    """An Electronics firm sees and must answer DX01; a missing answer is marked next to the
    question, in Chinese, with a line beside the button; answers survive a language switch."""
    _login(page, "firm2")
    page.wait_for_selector("#questionnaire label.q[data-code=DX01]")
    assert page.locator("#questionnaire label.q[data-code=PX01]").count() == 0
    assert "附加题" in page.inner_text("#variant-note")
    page.eval_on_selector("#questionnaire", FILL_ALL_BUT, "DX01")
    page.click("#submit-assessment")
    row = page.locator("#questionnaire label.q.invalid")
    assert row.count() == 1 and row.get_attribute("data-code") == "DX01"
    assert "必答" in row.inner_text()
    status, button = page.locator("#submit-status"), page.locator("#submit-assessment")
    assert "1" in status.inner_text() and status.is_visible()
    assert abs(status.bounding_box()["y"] - button.bounding_box()["y"]) < 40  # beside the button
    row.screenshot(path=str(artifacts / "assessment_missing_field.png"))
    kept = page.eval_on_selector("#questionnaire input[type=number]", "el => [el.name, el.value]")
    page.click("#lang")  # English, then back: the form is redrawn with the answers kept
    page.wait_for_selector("#questionnaire label.q[data-code=DX01]")
    wait_js(page, "document.documentElement.lang === 'en' && !!document.getElementById('submit-assessment')")
    assert page.input_value(f"#questionnaire [name={kept[0]}]") == kept[1]
    page.select_option("#questionnaire [name=DX01]", index=2)
    page.click("#submit-assessment")
    wait_js(page, "window.ibrain.lastAssessment && document.getElementById('level')")
    assert page.evaluate("window.ibrain.lastAssessment.uscc") == ELECTRONICS_USCC
    assert page.inner_text("#level") in {"L1", "L2", "L3", "L4", "L5"}


def test_questionnaire_fits_a_phone(browser, server, artifacts):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = ctx.new_page()
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    _login(pg, "firm2")
    pg.wait_for_selector("#questionnaire label.q[data-code=DX01]")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    text = pg.locator("#questionnaire .q span").first.bounding_box()
    assert text["width"] > 250  # a question reads across the screen, not four characters a line
    pg.screenshot(path=str(artifacts / "assessment_390.png"), full_page=False)
    ctx.close()


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


def test_chain_graph_fits_a_phone(browser, server, artifacts):
    """At 390 px the chain graph is laid out in the chart's own pixels: nothing scrolls sideways and
    every node sits inside the chart."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = ctx.new_page()
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    pg.click("button[data-view=chain]")
    wait_js(pg, "Number(document.getElementById('chain-graph').dataset.nodes) > 10")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    width = pg.evaluate("document.getElementById('chain-graph').clientWidth")
    xs = pg.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chain-graph')).getOption()"
        ".series[0].data.map(d => d.x)"
    )
    assert 0 < min(xs) and max(xs) < width
    pg.wait_for_timeout(1200)  # the graph's entry animation
    pg.locator("#chain-graph").screenshot(path=str(artifacts / "chain_390.png"))


def _slide(page, year: int) -> None:
    page.eval_on_selector(
        "#year", f"el => {{ el.value = '{year}'; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
    )
    wait_js(page, f"document.getElementById('map').dataset.year === '{year}'")


@pytest.mark.parametrize("width", [1440, 390])
def test_map_opens_on_the_default_year_and_marks_noted_values(browser, server, artifacts, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]", timeout=30000)
    assert page.evaluate("document.body.dataset.ready") == "1", page.inner_text("#error")
    # GDP runs to 2025; 2023–2025 are partial years and 2021, 2022, 2024 hold values the screening
    # marked as errors: the map and the ranking open on 2020, the legend says why
    assert page.get_attribute("#map", "data-year") == "2020" and page.inner_text("#year-label") == "2020"
    legend = page.inner_text("#map-legend")
    assert "默认年份 2020" in legend and "2025（不完整年份）" in legend and "2022（错误值）" in legend
    assert page.get_attribute("#map", "data-marked") == "0" and "†" not in "".join(
        r[2] for r in _ranking(page)
    )
    # 2018: the level breaks of Hebei, Shandong and Yunnan are marked next to their numbers
    _slide(page, 2018)
    marked = {r[1] for r in _ranking(page) if r[2].endswith(" †")}
    assert marked == {"河北", "山东", "云南"}, marked
    page.screenshot(path=str(artifacts / f"map_marks_2018_{width}.png"), full_page=True)
    # 2025, a partial year: every value is marked and the legend warns against comparing rankings
    _slide(page, 2025)
    assert page.get_attribute("#map", "data-marked") == page.get_attribute("#map", "data-regions") == "31"
    assert "勿与完整年份比较排名" in page.inner_text("#map-legend")
    page.click("#lang")
    wait_js(page, "document.documentElement.lang === 'en'")
    assert "Default year 2020" in page.inner_text("#map-legend") and "2025 (partial year)" in page.inner_text(
        "#map-legend"
    )
    # no sideways scroll, on a desk and on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / f"map_marks_2025_{width}.png"), full_page=True)
    ctx.close()


def test_ranking_exports_csv_and_xlsx_with_unit_and_source(page, tmp_path):
    """The ranking table's CSV and XLSX carry title, unit and source rows, then all 31 provinces."""
    shown = _ranking(page)
    files = {}
    for kind in ("csv", "xlsx"):
        with page.expect_download() as dl:
            page.click(f"#view-map .side .export-{kind}")
        files[kind] = tmp_path / dl.value.suggested_filename
        dl.value.save_as(files[kind])
    assert files["csv"].name.startswith("ranking-gdp_100m_cny-")
    lines = list(csv.reader(files["csv"].read_text(encoding="utf-8-sig").splitlines()))
    head = [r[0] for r in lines[:3]]
    source = page.evaluate("window.ibrain.panel.ind.dataset_id")
    assert any("亿元" in h or "100 million" in h for h in head), head
    assert any(h.endswith(source) for h in head), head
    body = lines[4:]
    assert len(body) == 31 and [r[1] for r in body] == [r[1] for r in shown]
    ws = openpyxl.load_workbook(files["xlsx"]).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[3][1] == lines[3][1]  # the column names
    values = [r[2] for r in rows[4:]]
    assert len(values) == 31 and all(isinstance(v, (int, float)) for v in values)
    assert values == sorted(values, reverse=True)


def test_chain_view_names_tables_goes_two_tiers_and_keeps_the_sector(page, artifacts):
    page.click("button[data-view=chain]")
    wait_js(page, "document.getElementById('chain-graph').dataset.tiers === '2'")
    zh = page.evaluate("document.documentElement.lang") == "zh-CN"
    names = page.eval_on_selector_all("#io-table option", "os => os.map(o => [o.value, o.textContent])")
    zj = next(text for value, text in names if value == "cn_prov_io_2017_42_330000")
    assert zj.startswith("浙江" if zh else "Zhejiang") and "2017" in zj and "cn_prov" not in zj
    page.select_option("#io-sector", "20")
    wait_js(page, "window.ibrain.chainLinks && window.ibrain.chainLinks.sector === '20'")
    graph = "echarts.getInstanceByDom(document.getElementById('chain-graph')).getOption().series[0]"
    xs = sorted(set(page.evaluate(f"{graph}.data.map(d => Math.round(d.x))")))
    assert len(xs) == 5  # two tiers up, the sector, two tiers down
    links = page.evaluate("window.ibrain.chainLinks")
    centre = page.evaluate(f"{graph}.data.find(d => d.id === '20@c').label.formatter")
    assert f"{links['self_input']:.3f}" in centre.replace(",", "")
    pin = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('linkage-scatter')).getOption()"
        ".series.find(s => s.symbol === 'pin').data[0].name"
    )
    assert pin.startswith("20 ")
    # another table of the same classification keeps the chosen sector
    page.select_option("#io-table", "cn_prov_io_2017_42_330000")
    wait_js(
        page, "window.ibrain.chainLinks && window.ibrain.chainLinks.table_id === 'cn_prov_io_2017_42_330000'"
    )
    assert page.input_value("#io-sector") == "20"
    page.wait_for_timeout(1200)
    page.screenshot(path=str(artifacts / "chain_tiers.png"), full_page=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_index_audit_view_shows_ranks_contributions_and_exports(browser, server, artifacts, tmp_path, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    pg.click("button[data-view=audit]")
    wait_js(pg, "(document.getElementById('view-audit').dataset.ready || '').startsWith('digital:')")
    audit = pg.evaluate("window.ibrain.audit")
    opt = "id => echarts.getInstanceByDom(document.getElementById(id)).getOption()"
    ranks = pg.evaluate(f"({opt})('audit-ranks').yAxis[0].data")
    assert len(ranks) == 31
    # the stacked contributions of the first province sum to its score
    series = pg.evaluate(f"({opt})('audit-contrib').series.map(s => s.data[0])")
    first = audit["contributions"][0]
    assert sum(series) == pytest.approx(first["score"], abs=1e-9)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    with pg.expect_download() as dl:
        pg.click("#view-audit .export-xlsx >> nth=0")
    f = tmp_path / dl.value.suggested_filename
    dl.value.save_as(f)
    rows = list(openpyxl.load_workbook(f).active.iter_rows(values_only=True))
    assert len(rows) - 3 == audit["count"] == 8  # title, source and column rows; the 8 digital indicators
    pg.wait_for_timeout(1000)
    pg.screenshot(path=str(artifacts / f"audit_{width}.png"), full_page=True)
    ctx.close()
