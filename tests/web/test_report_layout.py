"""The HTML report on a phone: wide tables scroll inside themselves and long unbroken lines (hashes,
lineage) wrap, so the page never scrolls sideways at 390 px."""

from __future__ import annotations

import pandas as pd

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
