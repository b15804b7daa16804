"""SYNTHETIC firm register and annual accounts for the per-mu board tests (invented firms).

County 331082 (临海), sector 16: ``ENT_A`` and four more firms; county 330782 (义乌), sector 20:
``ENT_B`` and one more (a cell of two firms: always suppressed in the public roll-ups); ENT_B's
accounts are a core dataset, so its firm is core (the analyst is refused it). The hand
firm ``ENT_A`` (Linhai rule, 3 mu or more) scores 80 in 2023 (B) and 64 in 2022 (C); see
tests/api/test_mu.py for the hand computation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industrial_brain.services.mu_board import evaluate_stored, ingest_accounts
from industrial_brain.services.network import ingest_network_file
from industrial_brain.store.firms import firms as stored_firms

from .conftest import ENT_A, ENT_B, make_uscc

COUNTY_A, COUNTY_B = "331082", "330782"
OTHERS_A = [make_uscc(i) for i in (1, 2, 3, 4)]  # registered enterprises of the API fixtures too
OTHER_B = make_uscc(21)
#: ENT_A's 2023 accounts (the hand case).
HAND = {
    "land_mu": 10.0,
    "tax_10k_cny": 120.0,
    "revenue_10k_cny": 2400.0,
    "value_added_10k_cny": 480.0,
    "employees": 40.0,
    "energy_tce": 200.0,
    "electricity_kwh": 500000.0,
    "water_t": 6000.0,
    "cod_t": 1.2,
}


def firm_rows() -> pd.DataFrame:
    rows = [
        (ENT_A, COUNTY_A, "16"),
        *[(u, COUNTY_A, "16") for u in OTHERS_A],
        (ENT_B, COUNTY_B, "20"),
        (OTHER_B, COUNTY_B, "20"),
    ]
    return pd.DataFrame(
        {
            "uscc": [u for u, _, _ in rows],
            "name": [f"SYNTHETIC mu firm {u[-4:]}" for u, _, _ in rows],
            "region_code": [c for _, c, _ in rows],
            "sector_code": [s for _, _, s in rows],
            "size_class": "medium",
        }
    )


def account_rows() -> pd.DataFrame:
    out = []
    for k, u in enumerate(firm_rows()["uscc"]):
        for year in (2022, 2023):
            row = dict(HAND) | {"uscc": u, "year": year}
            if u != ENT_A:
                row["tax_10k_cny"] = 60.0 + 40.0 * k  # spread the others over the classes
            elif year == 2022:
                row["tax_10k_cny"] = 60.0
            out.append(row)
    return pd.DataFrame(out)


def load_mu(store, directory: Path) -> str:
    """Register the firms, store their accounts and a Linhai evaluation; return the run id."""
    directory.mkdir(parents=True, exist_ok=True)
    known = set(stored_firms(store)["uscc"])  # firms another fixture registered keep their rows
    new = firm_rows()
    new[~new["uscc"].isin(known)].to_csv(directory / "mu_firms.csv", index=False)
    ingest_network_file(store, directory / "mu_firms.csv", "firms", dataset_id="synthetic_mu_test_firms")
    acc = account_rows()
    acc[acc["uscc"] != ENT_B].to_csv(directory / "mu_accounts.csv", index=False)
    acc[acc["uscc"] == ENT_B].to_csv(directory / "mu_accounts_core.csv", index=False)
    ingest_accounts(store, directory / "mu_accounts.csv", dataset_id="synthetic_mu_test_accounts")
    ingest_accounts(
        store, directory / "mu_accounts_core.csv", dataset_id="synthetic_mu_test_core", grade="core"
    )
    return evaluate_stored(store, "linhai").run_id
