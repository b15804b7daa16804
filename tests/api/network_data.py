"""The 6-firm network (tests/network_data/six.py) in an API test store: firm A is ``ENT_A`` (the
``ent_a`` account's firm, important rows) and firm E is ``ENT_B`` (``ent_b``'s, core rows)."""

from __future__ import annotations

from pathlib import Path

from industrial_brain.store import Store
from network_data.six import USCC, store_six  # tests/ is on sys.path (rootdir-relative packages)

from .conftest import ENT_A, ENT_B

#: Letter → USCC of the six firms in the API stores.
API_USCC = USCC | {"A": ENT_A, "E": ENT_B}


def load_network(store: Store, directory: Path) -> dict[str, str]:
    """Store the six firms and their eight transactions (SYNTHETIC)."""
    return store_six(store, directory, API_USCC)
