"""Stored analysis runs: listing what a caller may read, one run's record, and reloading a run as the
result object its pipeline returned.

``load_run(store, run_id)`` dispatches on the run's kind through :data:`LOADERS` (kind → loader
function ``(store, run_id) → result``); a pipeline whose results reload registers its loader there.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.services import access, macro
from industrial_brain.services.access import Principal, run_datasets
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store

__all__ = ["LOADERS", "load_run", "run_datasets", "readable_runs", "run_record", "run_values"]

#: Run kind → the function that rebuilds a stored run of that kind as its pipeline's result object.
LOADERS: Mapping[str, Callable[[Store, str], Any]] = {macro.KIND: macro.load_macro_run}


def load_run(store: Store, run_id: str) -> Any:
    """The result object of a stored run (e.g. a :class:`~industrial_brain.services.macro.MacroRun`),
    rebuilt from ``analysis_run``, ``analysis_value`` and the run's lineage; nothing is recomputed.

    Raises
    ------
    InputError
        No run with this id, or a run of a kind that does not reload (its values remain readable).
    """
    row = store_runs.run_row(store, run_id)
    if row is None:
        raise InputError.at("unknown run", column="run_id", value=run_id, expected="the id of a stored run")
    loader = LOADERS.get(row["kind"])
    if loader is None:
        raise InputError.at(
            "runs of this kind do not reload as a result object",
            column="kind",
            value=row["kind"],
            expected="one of " + ", ".join(sorted(LOADERS)),
        )
    return loader(store, run_id)


def readable_runs(store: Store, who: Principal, kind: str | None = None) -> pd.DataFrame:
    """Runs (of ``kind``) the subject may read, newest first (the rule:
    :func:`industrial_brain.services.access.readable_runs`)."""
    return access.readable_runs(store, who, kind)


def run_record(store: Store, run_id: str) -> dict[str, Any] | None:
    """One run's row with its ``params`` and ``lineage`` parsed from JSON, or None if there is none."""
    row = store_runs.run_row(store, run_id)
    if row is None:
        return None
    rec = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    for k in ("params", "lineage"):
        try:
            rec[k] = json.loads(rec[k]) if rec[k] else None
        except (TypeError, ValueError):
            pass
    return rec


def run_values(
    store: Store,
    run_id: str,
    *,
    measure: str | None = None,
    year: int | None = None,
    region_code: str | None = None,
) -> pd.DataFrame:
    """The values of one run for an interface (long form: ``region_code, sector_code, year, measure,
    value, label``), optionally of one measure, year or region; the reader is
    :func:`industrial_brain.store.runs.run_values`, which interfaces may not import themselves."""
    return store_runs.run_values(store, run_id, measure=measure, year=year, region_code=region_code)
