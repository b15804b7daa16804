"""Quality notes (``quality_note``): the writer of screening findings and provenance notes.

The reader is :func:`industrial_brain.store.readers.quality_notes`. The note's columns are defined
once, by the table (:mod:`industrial_brain.store.schema`); the screening side builds its frames with
the same names (:data:`industrial_brain.quality.notes.NOTE_COLUMNS`, kept equal to the table by a test).
Store and quality are sibling layers and may not import each other, so the writer reads the column
list from the table rather than from a second copy of it.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame


def note_columns(store: Store) -> list[str]:
    """The columns of ``quality_note`` in table order (the one definition of a note's fields)."""
    return [d[0] for d in store.con.execute("SELECT * FROM quality_note LIMIT 0").description]


def insert_notes(store: Store, notes: pd.DataFrame) -> None:
    """Append quality notes (columns of :func:`note_columns`; missing ones NULL, others dropped);
    call inside a transaction."""
    frame = notes.reindex(columns=note_columns(store))
    frame["year"] = pd.array(frame["year"], dtype="Int16")
    insert_frame(store, "quality_note", frame)
