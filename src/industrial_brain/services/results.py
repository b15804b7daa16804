"""Storing analysis results with their lineage (tables ``analysis_run`` and ``analysis_value``)."""

from __future__ import annotations

import datetime as _dt
import json
import uuid

import pandas as pd

from industrial_brain.lineage import Lineage
from industrial_brain.store import runs
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_sha256


def new_run_id(kind: str) -> str:
    """A fresh run id: ``<kind>-<UTC time>-<8 hex>``."""
    return f"{kind}-{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def save_run(
    store: Store,
    kind: str,
    lineage: Lineage,
    values: pd.DataFrame,
    *,
    note: str = "",
    owner: str | None = None,
) -> str:
    """Store one analysis run and its values atomically; return the new ``run_id``.

    ``values`` is long: columns among ``region_code, sector_code, year, measure, value, label``
    (``measure`` required), one row per number. ``owner`` (default: the store's
    :attr:`~industrial_brain.store.connection.Store.owner`, which the API's job runner sets to the
    job's submitter) is the account the run belongs to: only it and admin may list or read the run
    (:mod:`industrial_brain.services.access`); None leaves the run readable by grade alone.
    """
    if "measure" not in values.columns:
        raise ValueError("values need a 'measure' column")  # programming error, not a user error
    run_id = new_run_id(kind)
    owner = owner if owner is not None else store.owner
    with store.transaction():
        n = runs.insert_run(
            store,
            run_id=run_id,
            kind=kind,
            method=lineage.method,
            version=lineage.version,
            params_json=json.dumps(lineage.to_dict()["params"], ensure_ascii=False),
            lineage_json=lineage.to_json(),
            datasets=",".join(d for d, _ in lineage.datasets),
            note=note,
            values=values,
            owner=owner,
        )
        store.audit(
            "analysis",
            f"run:{run_id}",
            f"{kind} {lineage.method} values={n}" + (f" owner={owner}" if owner else ""),
            actor=f"api:{owner}" if owner else None,
        )
    return run_id


def stored_lineage(row: pd.Series) -> Lineage:
    """The :class:`~industrial_brain.lineage.Lineage` a run was saved with, from its ``analysis_run`` row."""
    return Lineage.from_dict(json.loads(row["lineage"]))


def value_rows(region, year, measure, value, label=None) -> pd.DataFrame:
    """Long run rows ``region_code, year, measure, value, label`` (scalars broadcast over arrays)."""
    return pd.DataFrame(
        {"region_code": region, "year": year, "measure": measure, "value": value, "label": label}
    )


def dataset_lineage(store: Store, dataset_ids) -> tuple[tuple[str, str], ...]:
    """``(dataset_id, sha256)`` pairs for a Lineage, from the dataset table."""
    return dataset_sha256(store, dataset_ids)
