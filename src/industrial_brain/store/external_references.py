"""Composite indices published with a source panel (``external_reference``): the one reader of that table.

They are kept beside the panel as a sanity check of our own indices, never as an input.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store


def external_reference(store: Store, name: str) -> pd.DataFrame:
    """The stored values of one external reference: ``region_code, year, value, dataset_id``."""
    return store.query(
        "SELECT region_code, year::INTEGER AS year, value, dataset_id FROM external_reference "
        "WHERE name = ? ORDER BY region_code, year",
        [name],
    )
