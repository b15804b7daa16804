"""Browser-test fixtures: the API and dashboard served by uvicorn on a free loopback port, and
headless Debian Chromium driven by Playwright (launched with the system browser's path).

The tests skip, saying why, only when Chromium is not installed (``make browsers`` / ``.ci/run``
install it). Screenshots go to ``$IBRAIN_ARTIFACTS`` (default ``.ci-artifacts/web``, gitignored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from industrial_brain.micro.benchmarking import published_reference_2022
from industrial_brain.store import Store

CHROMIUM = os.environ.get("IBRAIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "synthetic-pass-123"
ROOT = Path(__file__).resolve().parents[2]


def _synthetic_uscc(first17: str = "91330100MA0000007") -> str:
    from industrial_brain.reference.uscc import uscc_check_char

    return first17 + uscc_check_char(first17)


ENT_USCC = _synthetic_uscc()
ELECTRONICS_USCC = _synthetic_uscc("91330100MA0000008")  # a sector with a variant question (DX01)
#: The 12 sectors of the maturity model's reference scores (config/maturity_models): one firm each.
SECTORS = tuple(published_reference_2022().sectors.index)
SECTOR_USCC = [_synthetic_uscc(f"91330100MA{200 + i:07d}") for i in range(len(SECTORS))]


def wait_js(page, expression: str, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's ``wait_for_function`` compiles its predicate inside the page, which the dashboard's
    Content-Security-Policy (no ``unsafe-eval``) forbids; ``page.evaluate`` goes through the
    DevTools protocol and is not subject to it. So the tests run under the real policy.
    """
    deadline = time.monotonic() + timeout
    while True:
        if page.evaluate(expression):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    d = Path(os.environ.get("IBRAIN_ARTIFACTS", ROOT / ".ci-artifacts" / "web"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _web_store(default_db, tmp_path_factory) -> Path:
    """A copy of the default store with a macro run, SYNTHETIC enterprises and demo accounts."""
    from industrial_brain.api.main import web_dir
    from industrial_brain.services.accounts import add_user

    if not (web_dir() / "vendor" / "echarts.min.js").is_file():
        pytest.fail(
            "web/vendor/echarts.min.js is missing: run 'make install' (npm install of the dashboard's "
            "charting library)"
        )
    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    shutil.copy(default_db, path)
    with Store(path) as s:
        add_user(s, "analyst1", PASSWORD, "analyst")
        from industrial_brain.services.macro import run_macro

        run_macro(s, permutations=99)  # a macro run for the index / coupling / Moran maps
        # a SYNTHETIC enterprise and its account, for the self-assessment view
        s.con.execute(
            "INSERT INTO dataset VALUES ('synthetic_web_enterprise', 'enterprise', 'SYNTHETIC test "
            "enterprise', "
            "'tests', 'tests', 'none', '', 'synthetic-web', 1, 'important', 'synthetic.csv', now())"
        )
        s.con.execute(
            "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id) VALUES "
            "(?, 'SYNTHETIC web firm', '330000', 'C39', 'medium', 'synthetic_web_enterprise')",
            [ENT_USCC],
        )
        s.con.execute(
            "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id) "
            "VALUES (?, 'SYNTHETIC electronics firm', '330000', 'Electronics', 'medium', "
            "'synthetic_web_enterprise')",
            [ELECTRONICS_USCC],
        )
        for i in range(45):  # a register longer than one page (20 rows)
            s.con.execute(
                "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id) "
                "VALUES (?, ?, '320000', 'Textiles', 'small', 'synthetic_web_enterprise')",
                [_synthetic_uscc(f"91320100MA{100 + i:07d}"), f"SYNTHETIC register firm {i:02d}"],
            )
        # one SYNTHETIC firm and account per sector of the maturity model (sector_firm_00 … _11)
        for i, sector in enumerate(SECTORS):
            s.con.execute(
                "INSERT INTO enterprise (uscc, name, region_code, sector_code, size_class, dataset_id) "
                "VALUES (?, ?, '330000', ?, 'medium', 'synthetic_web_enterprise')",
                [SECTOR_USCC[i], f"SYNTHETIC {sector} firm", sector],
            )
            add_user(s, f"sector_firm_{i:02d}", PASSWORD, "enterprise", SECTOR_USCC[i])
        # the shipped scenarios' stored results the public sees (what 'ibrain demo' stores)
        from industrial_brain.services.stress import read_scenario, run_scenario, save_scenario_run

        for name in ("chips_capacity_2020", "flood_equipment_mrio"):
            sc = read_scenario(name)
            save_scenario_run(s, sc, *run_scenario(s, sc, runs=0))
        add_user(s, "firm1", PASSWORD, "enterprise", ENT_USCC)
        add_user(s, "firm2", PASSWORD, "enterprise", ELECTRONICS_USCC)
        # the monitoring view's alerts (default rules on the GDP panel) and the chain map's SYNTHETIC
        # firm network (what 'ibrain demo' stores)
        from industrial_brain.services import monitor, network

        monitor.run(s, datasets=["econ_energy_1990_2025"])
        network.store_demo_network(s)
    return path


@contextlib.contextmanager
def serving(path: Path):
    """The API and dashboard on ``path`` at a free loopback port (yields the base URL)."""
    import uvicorn

    from industrial_brain.api.main import close_app, create_app

    app = create_app(path)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(10)
    close_app(app)


@pytest.fixture(scope="session")
def server(default_db, tmp_path_factory):
    with serving(_web_store(default_db, tmp_path_factory)) as url:
        yield url


# module scope: Playwright's sync API keeps an event loop running while the browser lives, and other
# test files of the same worker call asyncio.run
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not installed ({CHROMIUM} missing): run 'make browsers' "
            "(apt-get install chromium chromium-driver)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh, empty profile directory (its own --user-data-dir).
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None
        ),
    )
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready]", timeout=30000)
    assert pg.evaluate("document.body.dataset.ready") == "1", pg.inner_text("#error")
    yield pg
    ctx.close()
    assert not errors, errors
