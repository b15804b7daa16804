"""Automatic quality screening of panels and input–output tables (pure functions → quality notes).

Every check returns a DataFrame with exactly the columns of the store's ``quality_note`` table
(:data:`~industrial_brain.quality.screening.NOTE_COLUMNS`). See ``docs/data-quality.md``.
"""

from industrial_brain.quality.screening import (
    DEFAULT_IDENTITIES,
    KINDS,
    NOTE_COLUMNS,
    SEVERITIES,
    IOMatrices,
    check_common_breaks,
    check_duplicate_columns,
    check_identities,
    check_level_breaks,
    check_negative,
    check_outliers,
    check_partial_years,
    check_repeated_values,
    check_scale,
    empty_notes,
    io_matrices_from_flows,
    screen_io,
    screen_io_flows,
    screen_panel,
)

__all__ = [
    "DEFAULT_IDENTITIES", "KINDS", "NOTE_COLUMNS", "SEVERITIES", "IOMatrices",
    "check_common_breaks", "check_duplicate_columns", "check_identities", "check_level_breaks",
    "check_negative", "check_outliers", "check_partial_years", "check_repeated_values", "check_scale", "empty_notes",
    "io_matrices_from_flows", "screen_io", "screen_io_flows", "screen_panel",
]
