"""A briefing's HTML as a reader sees it in Chromium: the sentence with Zhejiang's D and rank is
visible text, the charts are drawn (images decoded at their size) and the tables are on the page."""

from __future__ import annotations

import shutil

import pytest

from industrial_brain.report.briefing import briefing_html
from industrial_brain.services.briefing import briefing
from industrial_brain.services.macro import run_macro
from industrial_brain.store import Store


@pytest.fixture(scope="module")
def zj(default_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("brief_page") / "b.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        run = run_macro(s, permutations=0, audit_draws=0)
        return run, briefing(s, "region", "330000", lang="zh", run=run)


def test_briefing_renders_in_chromium(browser, zj, tmp_path):
    run, b = zj
    y = b.year
    rank = int((run.D[y] > run.D.loc["330000", y]).sum()) + 1
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page.set_content(briefing_html(b))
        text = page.inner_text("body")
        assert f"浙江省数实融合耦合协调度{run.D.loc['330000', y]:.3f}" in text
        assert f"居全国第{rank}位" in text
        sizes = page.eval_on_selector_all("img", "els => els.map(e => [e.naturalWidth, e.complete])")
        assert len(sizes) == len(b.charts) and all(w > 300 and ok for w, ok in sizes)
        assert page.locator("table").count() == len(b.tables)
        page.screenshot(path=str(tmp_path / "briefing.png"), full_page=True)
    finally:
        page.close()
