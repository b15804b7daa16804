"""Acceptance of the dashboard as its users meet it (issue 15), in Debian Chromium at 1440 and 390 px:
a firm of each of the 12 sectors submits its self-assessment; a wrong answer is explained beside its
field in Chinese and in English; answers survive a tab switch, a language switch, a reload and a new
browser (the server-side draft); every chart and table of the map, enterprise and resilience views
exports a file that opens; no view scrolls sideways at 390 px; legends span the data's range; no
English is left in Chinese mode. Screenshots of every view in both languages at both widths go to
the artifacts folder."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest
from PIL import Image

from .conftest import PASSWORD, SECTOR_USCC, SECTORS, wait_js

WIDTHS = (1440, 390)

# Fill every question of the form: the middle of a numeric range, the middle option of a choice, the
# first box of a checkbox group (one ``change`` per field, as a person's input would give).
FILL = """f => {
    const seen = new Set();
    for (const el of f.querySelectorAll('[name]')) {
        if (el.type === 'checkbox') { if (seen.has(el.name)) continue; seen.add(el.name); el.checked = true; }
        else if (el.dataset.type === 'numeric') el.value = String((Number(el.min) + Number(el.max)) / 2);
        else el.selectedIndex = Math.floor(el.options.length / 2);
        el.dispatchEvent(new Event('change', {bubbles: true}));
    }
    return seen.size;
}"""


def _open(browser, server, width: int, lang: str = "zh"):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server + "/")
    if lang == "en":
        pg.evaluate("localStorage.setItem('ib-lang', 'en')")
        pg.reload()
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    assert pg.evaluate("document.body.dataset.ready") == "1", pg.inner_text("#error")
    return ctx, pg, errors


def _login(pg, user: str) -> None:
    pg.click("button[data-view=enterprise]")
    pg.fill("#username", user)
    pg.fill("#password", PASSWORD)
    pg.click("#login button[type=submit]")
    wait_js(pg, f"window.ibrain.me && window.ibrain.me.username === '{user}'")


def _download(pg, selector: str, tmp_path):
    with pg.expect_download() as dl:
        pg.click(selector)
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    return path


def _png(path) -> tuple[int, int]:
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        return im.size


def _table_files(pg, scope: str, tmp_path) -> tuple[list[list[str]], list[tuple]]:
    """The CSV (rows after the header block) and XLSX (every row) of the export bar in ``scope``."""
    c = _download(pg, f"{scope} .export-csv", tmp_path)
    x = _download(pg, f"{scope} .export-xlsx", tmp_path)
    lines = list(csv.reader(c.read_text(encoding="utf-8-sig").splitlines()))
    rows = list(openpyxl.load_workbook(x).active.iter_rows(values_only=True))
    return lines, rows


def _body(lines: list[list[str]]) -> list[list[str]]:
    """Rows below the column names (the header block is one-cell rows: title, unit, source …)."""
    i = next(i for i, r in enumerate(lines) if len(r) > 1)
    return lines[i + 1 :]


# ---------------------------------------------------------------- the questionnaire
@pytest.mark.parametrize("width", WIDTHS)
def test_a_firm_of_every_sector_submits(browser, server, artifacts, width):
    """Six sectors at each width (all twelve over the two runs): every question its sector asks is
    shown, answered and accepted; the draft goes with the submission."""
    half = range(0, 12, 2) if width == 1440 else range(1, 12, 2)
    ctx, pg, errors = _open(browser, server, width)
    for i in half:
        user = f"sector_firm_{i:02d}"
        _login(pg, user)
        pg.wait_for_selector("#questionnaire .q")
        assert pg.eval_on_selector("#questionnaire", FILL) == 3  # three multiple-choice groups, as boxes
        variant = pg.locator("#variant-note").count()
        assert variant == (1 if SECTORS[i] in _VARIANT_SECTORS else 0), SECTORS[i]
        pg.click("#submit-assessment")
        wait_js(pg, "window.ibrain.lastAssessment && document.getElementById('level')", timeout=30)
        assert pg.evaluate("window.ibrain.lastAssessment.uscc") == SECTOR_USCC[i]
        assert pg.inner_text("#level") in {"L1", "L2", "L3", "L4", "L5"}
        draft = pg.evaluate(
            "fetch('/api/v1/assess/draft', {headers: {Authorization: 'Bearer ' + window.ibrain.token}})"
            ".then(r => r.json())"
        )
        assert draft == {"answers": {}, "updated_at": None}
        if i in (0, 1):
            pg.screenshot(path=str(artifacts / f"assessment_submitted_{width}.png"), full_page=False)
        pg.click("#logout")
        wait_js(pg, "window.ibrain.me && !window.ibrain.me.username")
    ctx.close()
    assert not errors, errors


_VARIANT_SECTORS = {
    "Electronics",
    "Transportation equipment manufacturing",
    "Machinery",
    "Petrochemicals",
    "Metallurgy",
    "Building materials",
    "Pharmaceuticals",
}


def test_a_wrong_answer_is_explained_beside_its_field_in_zh_and_en(browser, server, artifacts):
    ctx, pg, errors = _open(browser, server, 1440)
    _login(pg, "sector_firm_04")
    pg.wait_for_selector("#questionnaire input[type=number]")
    pg.eval_on_selector("#questionnaire", FILL)
    code, top = pg.eval_on_selector(
        "#questionnaire input[type=number]",
        "el => { el.value = String(Number(el.max) + 1000);"
        " el.dispatchEvent(new Event('input', {bubbles: true}));"
        " return [el.name, el.max]; }",
    )
    pg.click("#submit-assessment")
    row = pg.locator(f"#questionnaire .q[data-code={code}]")
    msg = row.locator(".field-error")
    assert pg.locator("#questionnaire .q.invalid").count() == 1
    assert "请输入范围内的数值" in msg.inner_text() and top in msg.inner_text()
    field = row.locator("input").bounding_box()
    box = msg.bounding_box()
    assert abs(box["y"] - field["y"]) < 80  # the message sits with its field, not a page away
    row.screenshot(path=str(artifacts / "assessment_range_error_zh.png"))
    pg.click("#lang")
    wait_js(pg, "document.documentElement.lang === 'en' && !!document.getElementById('submit-assessment')")
    assert pg.input_value(f"#questionnaire [name={code}]") == str(int(float(top)) + 1000)
    pg.click("#submit-assessment")
    msg = pg.locator(f"#questionnaire .q[data-code={code}] .field-error")
    assert "Enter a number in the range" in msg.inner_text()
    assert not re.search(r"[\u4e00-\u9fff]", msg.inner_text())
    pg.locator(f"#questionnaire .q[data-code={code}]").screenshot(
        path=str(artifacts / "assessment_range_error_en.png")
    )
    ctx.close()
    assert not errors, errors


def test_answers_survive_a_tab_switch_a_language_switch_a_reload_and_a_new_browser(browser, server):
    ctx, pg, errors = _open(browser, server, 1440)
    _login(pg, "sector_firm_08")
    pg.wait_for_selector("#questionnaire fieldset.checks")
    pg.eval_on_selector("#questionnaire", FILL)
    wait_js(pg, "document.getElementById('draft-status').textContent.length > 0")
    want = pg.evaluate("JSON.stringify(window.ibrain.answers)")
    n = len(pg.evaluate("window.ibrain.answers"))
    assert n == pg.evaluate("window.ibrain.questions.length")

    def form_answers():
        return pg.eval_on_selector(
            "#questionnaire",
            """f => { const a = {};
            for (const el of f.querySelectorAll('[name]')) {
                if (el.type === 'checkbox') {
                    if (el.checked) (a[el.name] = a[el.name] || []).push(el.value); }
                else if (el.value !== '') a[el.name] = el.value; }
            return JSON.stringify(Object.keys(a).sort().map(k => [k, a[k]])); }""",
        )

    shown = form_answers()
    pg.click("button[data-view=map]")
    pg.click("button[data-view=enterprise]")
    pg.wait_for_selector("#questionnaire .q")
    assert form_answers() == shown
    pg.click("#lang")
    wait_js(pg, "document.documentElement.lang === 'en' && !!document.getElementById('questionnaire')")
    assert form_answers() == shown
    pg.reload()
    pg.wait_for_selector("body[data-ready]")
    pg.click("button[data-view=enterprise]")
    pg.wait_for_selector("#questionnaire .q")
    assert form_answers() == shown
    ctx.close()
    # another browser: nothing in its session storage, the server's draft holds the answers
    ctx, pg2, errors2 = _open(browser, server, 390)
    pg = pg2
    _login(pg, "sector_firm_08")
    pg.wait_for_selector("#questionnaire .q")
    assert form_answers() == shown
    assert (
        pg.evaluate("JSON.stringify(window.ibrain.answers)") == want
        or len(pg.evaluate("window.ibrain.answers")) == n
    )
    ctx.close()
    assert not errors and not errors2, errors + errors2


# ---------------------------------------------------------------- exports
def test_every_chart_and_table_exports_a_file_that_opens(browser, server, tmp_path):
    ctx, pg, errors = _open(browser, server, 1440)
    # map: the map (PNG, its data) and the ranking
    wait_js(pg, "window.ibrain.charts.map && document.getElementById('map').dataset.regions === '31'")
    w, h = _png(_download(pg, "#map-export .export-png", tmp_path))
    assert w >= 1000 and h >= 500  # twice the screen resolution
    lines, rows = _table_files(pg, "#map-export", tmp_path)
    assert len(_body(lines)) == 31 and sum(isinstance(r[2], (int, float)) for r in rows if len(r) > 2) == 31
    lines, rows = _table_files(pg, "#view-map .side", tmp_path)
    assert len(_body(lines)) == 31
    # resilience, as the public: the stored results of the shipped scenarios
    pg.click("button[data-view=resilience]")
    pg.select_option("#scenario", "flood_equipment_mrio")
    wait_js(pg, "document.getElementById('recovery').dataset.points === '365'")
    _png(_download(pg, "#recovery-export .export-png", tmp_path))
    lines, rows = _table_files(pg, "#recovery-export", tmp_path)
    body = _body(lines)
    assert len(body) == 365 and [r[0] for r in body[:3]] == ["1", "2", "3"] and len(body[0]) == 2 + 5
    assert len([r for r in rows if isinstance(r[0], (int, float))]) == 365
    lines, _ = _table_files(pg, "#resilience-body .table-wrap:has(#stress-sectors)", tmp_path)
    assert len(_body(lines)) == 5
    lines, rows = _table_files(pg, "#stress-regions-box .side", tmp_path)
    regs = _body(lines)
    assert len(regs) == 31 and regs[0][1] in ("河南", "河南省")
    assert any("亿元" in r[0] for r in lines[:3] if r)
    _png(_download(pg, "#stress-map-export .export-png", tmp_path))
    lines, _ = _table_files(pg, "#stress-map-export", tmp_path)
    assert len(_body(lines)) == 31
    # the analyst's register: every firm that matches, not only the page
    _login(pg, "analyst1")
    pg.wait_for_selector("#firm-list tbody tr")
    pg.fill("#firm-search", "SYNTHETIC register firm")
    wait_js(pg, "document.getElementById('firm-count').textContent.endsWith('共 45 条')")
    lines, rows = _table_files(pg, "#register", tmp_path)
    assert len(_body(lines)) == 45 and all("SYNTHETIC register firm" in r[1] for r in _body(lines))
    assert len([r for r in rows if r and str(r[1]).startswith("SYNTHETIC register")]) == 45
    if pg.evaluate("!!window.ibrain.charts['aggregate-chart']"):
        _png(_download(pg, "#aggregate-chart-export .export-png", tmp_path))
        lines, _ = _table_files(pg, "#aggregate-chart-export", tmp_path)
        assert len(_body(lines)) >= 1
    pg.click("#logout")
    # a firm's profile: the dimension radar and the roadmap
    _login(pg, "sector_firm_00")  # submitted in the sector test, or submits now
    pg.wait_for_selector("#questionnaire .q")
    if not pg.locator("#radar").count():
        pg.eval_on_selector("#questionnaire", FILL)
        pg.click("#submit-assessment")
    wait_js(pg, "window.ibrain.charts.radar && document.querySelector('#roadmap tbody tr')", timeout=30)
    _png(_download(pg, "#radar-export .export-png", tmp_path))
    lines, _ = _table_files(pg, "#radar-export", tmp_path)
    assert len(_body(lines)) == pg.evaluate("window.ibrain.profile.dimensions.length")
    lines, rows = _table_files(pg, "#roadmap", tmp_path)
    assert len(_body(lines)) == pg.locator("#roadmap tbody tr").count() >= 1
    ctx.close()
    assert not errors, errors


# ---------------------------------------------------------------- layout, legends, language
# Latin words allowed in Chinese mode: codes, file formats, proper nouns and the language button.
ALLOWED = {
    "English",
    "API",
    "CSV",
    "XLSX",
    "PNG",
    "YAML",
    "ARIO",
    "MRIO",
    "UTC",
    "HH",
    "LH",
    "LL",
    "HL",
    "GDP",
    "USCC",
    "SYNTHETIC",
    "all",
    "ibrain",
    "demo",
    "release",
    "assess",
    "with",
    "quality",
    "notes",
}


# data, not interface text: firm names (synthetic), the account name, answers being edited
NOT_TEXT = "option, script, style, textarea, #firm-list td, #firm-title, #enterprise-body td, .user"


def _english_words(pg, scope: str) -> set[str]:
    text = pg.evaluate(
        """([scope, SKIP]) => { const out = [];
        const walk = document.createTreeWalker(document.querySelector(scope), NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) { const n = walk.currentNode, el = n.parentElement;
            if (!el || !el.offsetParent || el.closest(SKIP)) continue;
            out.push(n.textContent); }
        return out.join(' '); }""",
        [scope, NOT_TEXT],
    )
    text = re.sub(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b", " ", text)  # ids (dataset, scenario) are codes
    words = set(re.findall(r"[A-Za-z][A-Za-z]{2,}", text))
    return {w for w in words if w not in ALLOWED and not re.fullmatch(r"[A-Z]{1,4}\d*", w)}


VIEWS = ("map", "chain", "enterprise", "resilience")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_view_fits_speaks_chinese_and_is_photographed(browser, server, artifacts, width):
    ctx, pg, errors = _open(browser, server, width)
    _login(pg, "analyst1")
    pg.wait_for_selector("#firm-list tbody tr")
    leftovers = {}
    for lang in ("zh", "en"):
        if lang == "en":
            pg.click("#lang")
            wait_js(pg, "document.documentElement.lang === 'en'")
        for v in VIEWS:
            pg.click(f"button[data-view={v}]")
            if v == "chain":
                wait_js(
                    pg, "!!(window.ibrain.charts['chain-graph'] && window.ibrain.charts['linkage-scatter'])"
                )
            if v == "resilience":
                wait_js(
                    pg,
                    "(document.getElementById('recovery') || {dataset: {}}).dataset.points === '365'",
                )
            if v == "enterprise":
                pg.wait_for_selector("#firm-list tbody tr")
            pg.wait_for_timeout(700)  # chart animations
            wide = pg.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert wide[0] <= wide[1], (v, lang, wide)
            if lang == "zh":
                words = _english_words(pg, f"#view-{v}") | _english_words(pg, "header")
                if words:
                    leftovers[v] = sorted(words)
            pg.screenshot(path=str(artifacts / f"view_{v}_{lang}_{width}.png"), full_page=True)
    ctx.close()
    assert not leftovers, leftovers
    assert not errors, errors


def test_legends_span_the_data(browser, server):
    """The map's legend runs from the data's minimum to its maximum (not 0–1), on the index map, a
    money indicator and the stress losses by province."""
    ctx, pg, errors = _open(browser, server, 1440)
    opt = "echarts.getInstanceByDom(document.getElementById('{id}')).getOption()"
    for key in ("macro:D", None):
        if key:
            pg.select_option("#indicator", key)
            wait_js(pg, "window.ibrain.panel && window.ibrain.panel.ind.code === 'D'")
        wait_js(pg, "document.getElementById('map').dataset.regions === '31'")
        vm = pg.evaluate(opt.format(id="map") + ".visualMap[0]")
        vals = pg.evaluate(
            opt.format(id="map")
            + ".series[0].data.filter(d => typeof d.value === 'number' && !Number.isNaN(d.value))"
            + ".map(d => d.value)"
        )
        assert vm["min"] == min(vals) and vm["max"] == max(vals)
    pg.click("button[data-view=resilience]")
    pg.select_option("#scenario", "flood_equipment_mrio")
    wait_js(pg, "document.getElementById('stress-map').dataset.regions === '31'")
    vm = pg.evaluate(opt.format(id="stress-map") + ".visualMap[0]")
    vals = pg.evaluate(
        opt.format(id="stress-map")
        + ".series[0].data.filter(d => typeof d.value === 'number').map(d => d.value)"
    )
    assert vm["min"] == min(vals) and vm["max"] == max(vals) and len(vals) == 31
    ctx.close()
    assert not errors, errors


def test_the_indicator_picker_sets_doubtful_series_apart(browser, server):
    ctx, pg, errors = _open(browser, server, 1440)
    groups = pg.eval_on_selector_all(
        "#indicator optgroup", "gs => gs.map(g => [g.label, g.dataset.quality || '', g.children.length])"
    )
    flagged = pg.evaluate(
        "fetch('/api/v1/indicators').then(r => r.json()).then(b => b.data.filter(d => d.regions >= 25 && "
        "(d.quality !== 'ok' || String(d.unit || '').endsWith('(?)')))).then(d => d.length)"
    )
    if flagged:
        assert (
            groups[-1][0] == "有质量提示 / with quality notes"
            and groups[-1][1] == "1"
            and groups[-1][2] == flagged
        )
        assert all(g[1] == "" for g in groups[:-1])
    texts = pg.eval_on_selector_all("#indicator option", "os => os.map(o => o.textContent)")
    assert not any(t.endswith("(?))") or "(undocumented)" in t for t in texts)
    ctx.close()
    assert not errors, errors


def test_a_run_clears_the_old_chart_and_a_failure_says_so(browser, server):
    """A run of the form's shock: the stored curves go as it starts, the new ones come; a scenario the
    server refuses leaves the status "失败" with the reason in Chinese, never "完成"."""
    ctx, pg, errors = _open(browser, server, 1440)
    _login(pg, "analyst1")
    pg.click("button[data-view=resilience]")
    pg.select_option("#scenario", "chips_capacity_2020")
    wait_js(pg, "document.getElementById('recovery').dataset.points === '365'")
    pg.click("#shock-builder summary")
    pg.fill("#shock-size", "20")
    pg.fill("#shock-duration", "30")
    pg.fill("#days", "60")
    pg.click("#shock-build")
    yaml = pg.input_value("#scenario-yaml")
    assert "impact: 0.2" in yaml and "duration: 30" in yaml and 'sectors: ["094"]' in yaml
    pg.click("#run-scenario")
    assert pg.evaluate("document.getElementById('recovery').dataset.points") in ("0", "60")
    wait_js(pg, "document.getElementById('recovery').dataset.points === '60'", timeout=60)
    assert pg.evaluate("window.ibrain.stressJob.status") == "done"
    pg.fill("#shock-sectors", "NOPE")
    pg.click("#shock-build")
    pg.click("#run-scenario")
    wait_js(pg, "document.getElementById('stress-status').textContent.startsWith('失败')", timeout=60)
    assert pg.evaluate("document.getElementById('recovery').dataset.points") == "0"
    status = pg.inner_text("#stress-status")
    assert "完成" not in status and re.search(r"[\u4e00-\u9fff]{4}", status.removeprefix("失败"))
    ctx.close()
