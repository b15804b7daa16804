"""Input–output tables: list, sector summary, multipliers and key sectors (meso engine on the stored tables)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import (
    CSV,
    CurrentRole,
    StoreDep,
    cached,
    check_datasets,
    memo,
    readable_datasets,
    records,
    render,
)
from industrial_brain.api.schemas import IOResultPublic, IOTablesPublic, Message
from industrial_brain.errors import InputError
from industrial_brain.meso import IOTable
from industrial_brain.services.io import load_table
from industrial_brain.store.connection import Store
from industrial_brain.store.readers import StoredIOTable, io_tables, read_io_table

router = APIRouter(prefix="/io-tables", tags=["io"])
Err = {400: {"model": Message}}
TableId = Annotated[str, Path(max_length=80, description="e.g. cn_nbs_io_2020_42")]
Lang = Annotated[Literal["en", "zh"], Query()]
Fmt = Annotated[Literal["json", "csv"], Query()]
Basis = Annotated[Literal["domestic", "total"], Query(description="domestic flows (import-share assumption for "
                                                                  "competitive tables) or total flows")]

_lock = threading.Lock()
_stored: OrderedDict[tuple[str, str], StoredIOTable] = OrderedDict()


def stored_table(store: Store, table_id: str) -> StoredIOTable:
    """The stored table as labelled matrices (cached per process)."""
    return memo(_stored, _lock, (store.path, table_id), lambda: read_io_table(store, table_id), 16)


def engine_table(store: Store, table_id: str, basis: str = "domestic") -> tuple[StoredIOTable, IOTable]:
    """The stored table (labels, units) and its :class:`IOTable` from :func:`industrial_brain.services.io.load_table`.

    ``basis='domestic'`` (default): non-competitive tables' domestic block; competitive and
    provincial tables split by the import-share assumption. ``basis='total'``: domestic plus
    imported use. Both are cached per process (matrices and Leontief factorisations reused).
    """
    return stored_table(store, table_id), load_table(store, table_id, basis=basis)


def _check(store: Store, who, table_id: str) -> None:
    row = store.con.execute("SELECT dataset_id FROM io_table WHERE table_id = ?", [table_id]).fetchall()
    if not row:
        ids = store.query("SELECT table_id FROM io_table ORDER BY 1")["table_id"].tolist()
        raise InputError.at("unknown IO table", column="table_id", value=table_id,
                            expected=f"one of {ids[:6]} … (see /api/v1/io-tables)")
    check_datasets(store, who, [row[0][0]])


def _named(frame: pd.DataFrame, t: StoredIOTable, lang: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    frame.index.name = "sector"
    names = t.sectors["name_zh" if lang == "zh" else "name_en"]
    frame.insert(0, "name", names.reindex(frame.index).to_numpy())
    return frame.reset_index()


def _answer(t: StoredIOTable, frame: pd.DataFrame, fmt: str, notes=()):
    return render({"table_id": t.table_id, "unit": t.unit, "notes": [str(n) for n in notes], "data": records(frame),
                   "count": len(frame)}, frame=frame, fmt=fmt)


@router.get("", response_model=IOTablesPublic)
def list_tables(request: Request, store: StoreDep, who: CurrentRole):
    """The stored input–output tables (id, year, region, scheme, unit, kind, number of sectors)."""

    def make():
        f = io_tables(store)
        f = f[f["dataset_id"].isin(readable_datasets(store, who))]
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


@router.get("/{table_id}", response_model=IOResultPublic, responses={200: CSV, **Err})
def summary(request: Request, store: StoreDep, who: CurrentRole, table_id: TableId, lang: Lang = "en",
            format: Fmt = "json"):
    """Gross output, intermediate input, value added and final demand by sector."""
    _check(store, who, table_id)

    def make():
        t = stored_table(store, table_id)
        f = pd.DataFrame({"gross_output": t.x, "intermediate_input": t.Z.sum(axis=0), "value_added": t.V.sum(axis=0),
                          "final_demand": t.Y.sum(axis=1)})
        return _answer(t, _named(f, t, lang), format)

    return cached(request, who, make)


@router.get("/{table_id}/multipliers", response_model=IOResultPublic, responses={200: CSV, **Err})
def multipliers(request: Request, store: StoreDep, who: CurrentRole, table_id: TableId, lang: Lang = "en",
                basis: Basis = "domestic", format: Fmt = "json"):
    """Output, value-added and income multipliers (type I) of every sector (Miller & Blair ch. 6), on domestic flows."""
    _check(store, who, table_id)

    def make():
        t, io = engine_table(store, table_id, basis)
        r = io.multipliers()
        return _answer(t, _named(r.to_frame(), t, lang), format, getattr(r, "notes", ()))

    return cached(request, who, make)


@router.get("/{table_id}/key-sectors", response_model=IOResultPublic, responses={200: CSV, **Err})
def key_sectors(request: Request, store: StoreDep, who: CurrentRole, table_id: TableId, lang: Lang = "en",
                basis: Basis = "domestic",
                forward: Annotated[Literal["ghosh", "leontief"], Query()] = "ghosh",
                threshold: Annotated[float, Query(gt=0, le=10)] = 1.0,
                format: Fmt = "json"):
    """Rasmussen–Hirschman backward and forward linkages (影响力系数 / 感应度系数) and the key-sector quadrant."""
    _check(store, who, table_id)

    def make():
        t, io = engine_table(store, table_id, basis)
        r = io.key_sectors(forward=forward, threshold=threshold)
        return _answer(t, _named(r.to_frame(), t, lang), format, getattr(r, "notes", ()))

    return cached(request, who, make)


@router.get("/{table_id}/links", responses={400: {"model": Message}})
def links(request: Request, store: StoreDep, who: CurrentRole, table_id: TableId,
          sector: Annotated[str, Query(max_length=20, description="sector code")],
          top: Annotated[int, Query(ge=1, le=50)] = 8, lang: Lang = "en", basis: Basis = "domestic"):
    """A sector's main suppliers (largest input coefficients a_ij of its column of A) and main buyers
    (largest allocation coefficients b_ij of its row of B)."""
    _check(store, who, table_id)

    def make():
        t, io = engine_table(store, table_id, basis)
        A, B = io.A, io.B
        codes = [str(c) for c in A.columns]
        if sector not in codes:
            raise InputError.at("unknown sector", column="sector", value=sector, expected=f"a code of {table_id}, e.g. {codes[0]}")
        names = t.sectors["name_zh" if lang == "zh" else "name_en"]
        names.index = names.index.astype(str)

        def side(s: pd.Series) -> list[dict]:
            s = s.drop(labels=[c for c in s.index if str(c) == sector]).sort_values(ascending=False).head(top)
            return [{"sector": str(c), "name": names.get(str(c)), "coefficient": float(v)} for c, v in s.items() if v > 0]

        col = A.loc[:, A.columns.astype(str) == sector].iloc[:, 0]
        row = B.loc[B.index.astype(str) == sector].iloc[0]
        return render({"table_id": table_id, "sector": sector, "name": names.get(sector),
                       "upstream": side(col), "downstream": side(row)})

    return cached(request, who, make)
