"""Quality notes (``quality_note``): the writer of screening findings and provenance notes.

The reader is :func:`industrial_brain.store.readers.quality_notes`.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame

NOTE_COLUMNS = [
    "dataset_id",
    "indicator_code",
    "region_code",
    "year",
    "kind",
    "severity",
    "detail",
    "found_by",
]


def insert_notes(store: Store, notes: pd.DataFrame) -> None:
    """Append quality notes (columns :data:`NOTE_COLUMNS`, missing ones NULL); call inside a transaction."""
    frame = notes.reindex(columns=NOTE_COLUMNS)
    frame["year"] = pd.array(frame["year"], dtype="Int16")
    insert_frame(store, "quality_note", frame)
