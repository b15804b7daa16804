"""The HTML report on a phone: wide tables scroll inside themselves and long unbroken lines (hashes,
lineage) wrap, so the page never scrolls sideways at 390 px."""

from __future__ import annotations


import pandas as pd
import pytest

from industrial_brain.report.html import Section, render


def test_report_fits_a_phone(browser, tmp_path):
    wide = pd.DataFrame({f"column_{i}": [123456.789 * i, 2.5] for i in range(25)})
    s = Section("Wide table 宽表").table(wide).note("Lineage: sha256=" + "ab12" * 60)
    path = tmp_path / "report.html"
    path.write_text(render("Report 报告", "subtitle", [s], "footer", lang="zh"), encoding="utf-8")
    for width in (390, 1440):
        pg = browser.new_page(viewport={"width": width, "height": 800})
        pg.goto(path.as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        table = "document.querySelector('table')"
        assert pg.evaluate(f"{table}.scrollWidth > {table}.clientWidth")
        pg.close()


@pytest.mark.slow
def test_demo_reports_fit_both_widths(browser, demo_run, artifacts):
    """The demo report in Chinese and in English at 1440 and 390 px: no sideways scroll; screenshots
    (report_zh_390.png …) saved as CI artifacts."""
    for lang in ("zh", "en"):
        for width in (1440, 390):
            pg = browser.new_page(viewport={"width": width, "height": 900})
            pg.goto((demo_run[1] / f"report.{lang}.html").as_uri())
            assert pg.evaluate("document.documentElement.scrollWidth") <= width
            pg.screenshot(path=str(artifacts / f"report_{lang}_{width}.png"), full_page=False)
            pg.close()
