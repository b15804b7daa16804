"""The input–output demo-report sections run on the default data and produce tables and figures."""

from __future__ import annotations

import pytest

from industrial_brain.report.sections_io import SECTIONS


@pytest.mark.parametrize("fn", SECTIONS, ids=lambda f: f.__name__)
def test_sections_run(io_store, fn):
    s = fn(io_store, "en")
    body = s.body
    assert "could not run" not in body and "<table" in body
    if fn.__name__ in ("section_io_key_sectors", "section_io_digital"):
        assert "data:image/png;base64" in body


def test_mrio_section_stores_the_trade_flows(default_store):
    from industrial_brain.report.sections_io import section_io_mrio
    from industrial_brain.services.runs import run_values
    from industrial_brain.store.runs import latest_run_id

    s = section_io_mrio(default_store, "zh")
    run = latest_run_id(default_store, "mrio")
    assert run is not None and run in s.body
    # people's headers and money in 亿元 (the table is in 10^4 CNY): Guangdong's 2017 gross output
    from industrial_brain.services.io import mrio_summary

    f, _ = mrio_summary(default_store)
    gd = f"{f.loc['440000', 'x'] / 1e4:,.2f}"
    assert "总产出（亿元）" in s.body and "调出（省表）" in s.body and "省际贸易" in s.body and gd in s.body
    v = run_values(default_store, run)
    flows = v[v["measure"] == "interprovincial_flow"]
    assert len(flows) <= 42 * 31 * 30 and (flows["value"] >= 0).all()
    assert flows["value"].sum() / 1e8 == pytest.approx(65.73, abs=0.005)
