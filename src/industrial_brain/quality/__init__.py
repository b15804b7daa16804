"""Automatic quality screening of panels and input–output tables (pure functions → quality notes).

Every check returns a DataFrame with exactly the columns of the store's ``quality_note`` table
(:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`); the ingest stores them, ``ibrain catalog`` and
``ibrain quality`` show them, and default analyses skip values noted with severity ``'error'``.
See ``docs/data-quality.md``.

* :mod:`~industrial_brain.quality.panel_checks` — checks of a long panel (identities, outliers,
  level breaks, duplicated columns, scale, negatives, partial years, repeated values), ``screen_panel``
* :mod:`~industrial_brain.quality.io_checks` — checks of one input–output table, ``screen_io``,
  ``screen_io_flows``, ``io_matrices_from_flows``
* :mod:`~industrial_brain.quality.notes` — the note frame (``NOTE_COLUMNS``, ``KINDS``, ``SEVERITIES``,
  ``empty_notes``, ``note``, ``notes_frame``) and how a note is written
* :mod:`~industrial_brain.quality.years` — the default year of a series (``latest_clean_year``: the
  latest without an error or partial-year note) and the notes on its values
"""

from industrial_brain.quality.io_checks import IOMatrices, io_matrices_from_flows, screen_io, screen_io_flows
from industrial_brain.quality.notes import KINDS, NOTE_COLUMNS, SEVERITIES, empty_notes, note, notes_frame
from industrial_brain.quality.panel_checks import (
    DEFAULT_IDENTITIES,
    check_common_breaks,
    check_duplicate_columns,
    check_identities,
    check_level_breaks,
    check_negative,
    check_outliers,
    check_partial_years,
    check_repeated_values,
    check_scale,
    screen_panel,
)
from industrial_brain.quality.years import CleanYear, latest_clean_year

__all__ = [
    "DEFAULT_IDENTITIES",
    "KINDS",
    "NOTE_COLUMNS",
    "SEVERITIES",
    "IOMatrices",
    "check_common_breaks",
    "check_duplicate_columns",
    "check_identities",
    "check_level_breaks",
    "check_negative",
    "check_outliers",
    "check_partial_years",
    "check_repeated_values",
    "check_scale",
    "empty_notes",
    "io_matrices_from_flows",
    "screen_io",
    "screen_io_flows",
    "screen_panel",
    "note",
    "notes_frame",
    "CleanYear",
    "latest_clean_year",
]
