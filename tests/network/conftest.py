"""The hand-made 6-firm network of the network-engine tests.

Three tiers in three regions (annual CNY; daily = annual / 365)::

    materials (m, region 11)   A (output 3,650)   B (1,825)
    parts     (p, region 31)   C (7,300)          D (3,650)
    assembly  (e, region 44)   E (14,600)         F (7,300)

    A→C 1,460 (4/day)  B→C 365 (1/day)  A→D 730 (2/day)  B→E 365 (1/day)
    C→E 3,650 (10/day) D→E 1,825 (5/day) C→F 1,095 (3/day) D→F 365 (1/day)

Purchases: m_C = 1,825, m_D = 730, m_E = 5,840, m_F = 1,460. Sales: s_A = 2,190, s_B = 730,
s_C = 4,745, s_D = 2,190.
"""

from __future__ import annotations

import pandas as pd
import pytest

from industrial_brain.network import firm_graph

FIRMS = pd.DataFrame(
    {
        "uscc": list("ABCDEF"),
        "region_code": ["11", "11", "31", "31", "44", "44"],
        "sector_code": ["m", "m", "p", "p", "e", "e"],
        "revenue": [3650.0, 1825.0, 7300.0, 3650.0, 14600.0, 7300.0],
    }
)
EDGES = pd.DataFrame(
    {
        "seller": ["A", "B", "A", "B", "C", "D", "C", "D"],
        "buyer": ["C", "C", "D", "E", "E", "E", "F", "F"],
        "amount": [1460.0, 365.0, 730.0, 365.0, 3650.0, 1825.0, 1095.0, 365.0],
    }
)


@pytest.fixture
def six():
    """The 6-firm graph (one year, no year column)."""
    return firm_graph(FIRMS, EDGES)
