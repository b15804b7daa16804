"""Quality notes: the frame every screening check returns, and how one note is written.

A note has exactly the columns of the store's ``quality_note`` table (:data:`NOTE_COLUMNS`): the
dataset, the indicator (or IO sector/cell), region and year it is about, its ``kind``
(:data:`KINDS`), ``severity`` (:data:`SEVERITIES`), a sentence a reader can act on (``detail``) and
the check that found it (``found_by = "screening:<check>"``). The panel checks
(:mod:`~industrial_brain.quality.panel_checks`) and the IO checks
(:mod:`~industrial_brain.quality.io_checks`) build their notes with :func:`note` and
:func:`notes_frame` and validate their common arguments with :func:`check_dataset_id` and
:func:`check_params`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError

NOTE_COLUMNS: tuple[str, ...] = (
    "dataset_id",
    "indicator_code",
    "region_code",
    "year",
    "kind",
    "severity",
    "detail",
    "found_by",
)
KINDS: tuple[str, ...] = (
    "identity",
    "level_break",
    "outlier",
    "duplicate_column",
    "scale",
    "negative",
    "io_undefined_coefficient",
    "io_negative_value_added",
    "partial_year",
    "provenance",
    "repeated_value",
)
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


def empty_notes() -> pd.DataFrame:
    """An empty quality-note frame with the store's columns and dtypes.

    Examples
    --------
    >>> list(empty_notes().columns) == list(NOTE_COLUMNS)
    True
    """
    return notes_frame([])


def notes_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A quality-note frame from note records (:func:`note`): the store's columns, ``year`` as Int64.

    Examples
    --------
    >>> notes_frame([note("demo", "scale", "warning", "too small", "scale", year=2020)])["year"].tolist()
    [2020]
    """
    df = pd.DataFrame.from_records(list(records), columns=list(NOTE_COLUMNS))
    for col in ("dataset_id", "indicator_code", "region_code", "kind", "severity", "detail", "found_by"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df["year"] = pd.array(
        [None if (y is None or (isinstance(y, float) and math.isnan(y))) else int(y) for y in df["year"]],
        dtype="Int64",
    )
    return df.reset_index(drop=True)


def note(
    dataset_id: str,
    kind: str,
    severity: str,
    detail: str,
    check: str,
    *,
    indicator: str | None = None,
    region: str | None = None,
    year: int | None = None,
) -> dict:
    """One note record, found by ``check`` (stored as ``found_by = "screening:<check>"``).

    Examples
    --------
    >>> note("demo", "negative", "info", "value < 0", "negative", indicator="profit")["found_by"]
    'screening:negative'
    """
    return {
        "dataset_id": dataset_id,
        "indicator_code": indicator,
        "region_code": region,
        "year": None if year is None else int(year),
        "kind": kind,
        "severity": severity,
        "detail": detail,
        "found_by": f"screening:{check}",
    }


def fmt(v: float) -> str:
    """A number as a yearbook prints it: thousands separators, 4 significant digits for small ones.

    Examples
    --------
    >>> fmt(1234567.8), fmt(12.5), fmt(0.000123456)
    ('1,234,568', '12.5', '0.0001235')
    """
    if v is None or not np.isfinite(v):
        return "NaN"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1 or a == 0:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{v:.4g}"


def check_dataset_id(dataset_id: Any) -> str:
    """``dataset_id`` if it is a non-empty string, else an :class:`~industrial_brain.errors.InputError`."""
    if not isinstance(dataset_id, str) or not dataset_id:
        raise InputError.at("dataset_id must be a non-empty string", column="dataset_id", value=dataset_id)
    return dataset_id


def check_params(**kw: float) -> None:
    """Raise an :class:`~industrial_brain.errors.InputError` naming the first parameter that is not a finite
    number ≥ 0."""
    for name, v in kw.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not np.isfinite(v) or v < 0:
            raise InputError.at("parameter must be a finite number >= 0", column=name, value=v)
