"""The hand-made 6-firm network of tests/network/conftest.py as stored files (SYNTHETIC firms).

Three tiers in three provinces (annual CNY, one record per pair, all in 2017)::

    metals (14, Beijing 110000)      A (revenue 3,650)   B (1,825)
    electrical (19, Shanghai 310000) C (7,300)           D (3,650)
    electronics (20, Guangdong 440000) E (14,600)        F (7,300)

    A→C 1,460  B→C 365  A→D 730  B→E 365  C→E 3,650  D→E 1,825  C→F 1,095  D→F 365
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industrial_brain.reference.uscc import make_usccs
from industrial_brain.services import network as nw
from industrial_brain.store import Store

REGIONS = ["110000", "110000", "310000", "310000", "440000", "440000"]
SECTORS = ["14", "14", "19", "19", "20", "20"]
REVENUE = [3650.0, 1825.0, 7300.0, 3650.0, 14600.0, 7300.0]
PAIRS = [("A", "C", 1460.0), ("B", "C", 365.0), ("A", "D", 730.0), ("B", "E", 365.0),
         ("C", "E", 3650.0), ("D", "E", 1825.0), ("C", "F", 1095.0), ("D", "F", 365.0)]  # fmt: skip
USCC = dict(zip("ABCDEF", make_usccs(REGIONS, range(101, 107)).tolist()))


def six_files(directory: Path, usccs: dict[str, str] | None = None) -> tuple[Path, Path]:
    """Write ``firms.csv`` and ``tx.csv`` of the six firms (letters → ``usccs``, default :data:`USCC`)."""
    u = usccs or USCC
    firms = pd.DataFrame(
        {
            "uscc": [u[k] for k in "ABCDEF"],
            "name": [f"SYNTHETIC firm {k}" for k in "ABCDEF"],
            "region_code": REGIONS,
            "sector_code": SECTORS,
            "size_class": ["medium", "small", "large", "medium", "large", "large"],
            "revenue_cny": REVENUE,
        }
    )
    tx = pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(len(PAIRS))],
            "seller_uscc": [u[s] for s, _, _ in PAIRS],
            "buyer_uscc": [u[b] for _, b, _ in PAIRS],
            "date": [f"2017-{1 + i:02d}-15" for i in range(len(PAIRS))],
            "amount_cny": [a for _, _, a in PAIRS],
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    fp, tp = directory / "six_firms.csv", directory / "six_tx.csv"
    firms.to_csv(fp, index=False)
    tx.to_csv(tp, index=False)
    return fp, tp


def store_six(store: Store, directory: Path, usccs: dict[str, str] | None = None) -> dict[str, str]:
    """Ingest the six firms and their transactions into ``store``; returns letter → USCC."""
    fp, tp = six_files(directory, usccs)
    nw.ingest_network_file(store, fp, "firms")
    nw.ingest_network_file(store, tp, "transactions")
    return usccs or USCC
