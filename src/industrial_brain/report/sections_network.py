"""The demo report's firm-network section: a SYNTHETIC network drawn from the embedded MRIO is stored
(:func:`industrial_brain.services.network.store_demo_network`) and Guangdong's electronics chain is
mapped from it: its links against the national structure, gaps, candidate suppliers and the leaders."""

from __future__ import annotations

from industrial_brain.report.html import Section
from industrial_brain.services import network as network_service
from industrial_brain.store.connection import Store

REGION = "440000"  # Guangdong: the largest electronics province


def section_network(store: Store, lang: str) -> Section:
    """Guangdong's electronics chain on the SYNTHETIC firm network: links, gaps, targets, leaders."""
    s = Section(
        "Firm network: Guangdong's electronics chain 企业网络：广东电子信息产业链 (SYNTHETIC 合成数据)"
    )
    stored = network_service.store_demo_network(store)
    if stored:
        s.text(
            "A SYNTHETIC network was stored: firms named 合成企业… drawn in proportion to the 2017 MRIO's "
            "output, transactions in proportion to its interregional flows (not real firms)."
        )
    else:
        s.text("The firms and transactions already in the store are used (no synthetic network added).")
    s.text("Core sector 20 (communication equipment, computers); links against the national 2017 structure.")
    gaps = network_service.gaps(store, REGION, chain="electronics")
    s.table(gaps.to_frame(lang).reset_index())
    cand = gaps.to_frame(lang, level="candidates").reset_index()
    if len(cand):
        s.note("Candidate suppliers for the gaps (精准招商), best first:")
        s.table(cand, max_rows=10)
    lead = network_service.leaders(store)
    top = network_service.with_firm_names(store, lead.table.reset_index()).head(10)
    s.note("Chain leaders of the whole network (output at risk if the firm stops):")
    return s.table(
        top[["uscc", "name", "region_code", "sector_code", "output_at_risk", "output_at_risk_share"]]
    )
