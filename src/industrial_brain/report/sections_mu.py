"""Report section of the per-mu evaluation (亩均效益综合评价) over the SYNTHETIC demo accounts.

:func:`section_per_mu` stores, once, the demo population's firm register and SYNTHETIC accounts and
a Linhai-rule evaluation run (:func:`industrial_brain.services.mu_board.ensure_demo_accounts`), so
that a fresh ``make run`` serves the enterprise board, then shows the suppressed county roll-up.
"""

from __future__ import annotations

from industrial_brain.report.html import Section
from industrial_brain.services.assess import ensure_demo_population
from industrial_brain.services.mu_board import class_rollup, ensure_demo_accounts
from industrial_brain.store.connection import Store

__all__ = ["section_per_mu"]


def section_per_mu(store: Store, lang: str) -> Section:
    """County class shares and per-mu tax of the SYNTHETIC demo accounts (suppressed cells blank)."""
    s = Section("Per-mu efficiency evaluation 亩均效益综合评价")
    ensure_demo_population(store)
    ensure_demo_accounts(store)
    t, meta = class_rollup(store, by="county")
    s.text(
        f"SYNTHETIC annual accounts (not real firms) of the demo population, scored with rule "
        f"{meta['rules']} (run {meta['run_id']}). Value-added and tax rates by sector follow the NBS 2017 "
        "input–output table; per-mu levels are not calibrated to published per-mu figures."
    )
    latest = t[t["year"] == t["year"].max()] if len(t) else t
    s.table(latest, floatfmt="{:,.3g}")
    s.note(
        f"Cells of fewer than {meta['k']} firms, or where two firms pay over 85 % of the tax, are "
        "suppressed, with one complementary cell per year when only one is."
    )
    return s
