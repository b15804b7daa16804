"""Input–output tables: list, sector summary, multipliers, key sectors and a sector's links
(:mod:`industrial_brain.services.io`)."""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import (
    CSV,
    CurrentRole,
    StoreDep,
    cached,
    check_datasets,
    readable_datasets,
    records,
    render,
)
from industrial_brain.api.params import Fmt, Lang, TableId
from industrial_brain.api.schemas import IOResultPublic, IOTablesPublic, Message
from industrial_brain.services import io as io_service
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/io-tables", tags=["io"])
Err = {400: {"model": Message}}
Basis = Annotated[
    Literal["domestic", "total"],
    Query(description="domestic flows (import-share assumption for competitive tables) or total flows"),
]


def check_table(store: Store, who, table_id: str) -> str:
    """The grade of ``table_id``'s dataset; raises unless it is a stored table the caller may read."""
    return check_datasets(store, who, [io_service.table_dataset(store, table_id)])


def audited(store: Store, grade: str, table_id: str) -> dict:
    """:func:`~industrial_brain.api.deps.cached` keywords of an answer computed from one table: its
    grade, and the store and object of the audit row a read of an important or core table leaves."""
    return {"grade": grade, "store": store, "what": f"io_table:{table_id}"}


def _named(frame: pd.DataFrame, store: Store, table_id: str, lang: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    frame.index.name = "sector"
    names = io_service.sector_names(store, table_id, lang)
    frame.insert(0, "name", names.reindex(frame.index).to_numpy())
    return frame.reset_index()


def _answer(store: Store, table_id: str, frame: pd.DataFrame, fmt: str, notes=()):
    unit = io_service.stored_table(store, table_id).unit
    return render(
        {
            "table_id": table_id,
            "unit": unit,
            "notes": [str(n) for n in notes],
            "data": records(frame),
            "count": len(frame),
        },
        frame=frame,
        fmt=fmt,
    )


@router.get("", response_model=IOTablesPublic)
def list_tables(request: Request, store: StoreDep, who: CurrentRole):
    """The stored input–output tables (id, year, region, scheme, unit, kind, number of sectors)."""

    def make():
        f = io_service.table_list(store)
        f = f[f["dataset_id"].isin(readable_datasets(store, who))]
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


@router.get("/{table_id}", response_model=IOResultPublic, responses={200: CSV, **Err})
def summary(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Gross output, intermediate input, value added and final demand by sector."""
    grade = check_table(store, who, table_id)

    def make():
        f = io_service.table_summary(store, table_id)
        return _answer(store, table_id, _named(f, store, table_id, lang), format)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/multipliers", response_model=IOResultPublic, responses={200: CSV, **Err})
def multipliers(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    lang: Lang = "en",
    basis: Basis = "domestic",
    format: Fmt = "json",
):
    """Output, value-added and income multipliers (type I) of every sector (Miller & Blair ch. 6),
    on domestic flows."""
    grade = check_table(store, who, table_id)

    def make():
        r = io_service.table_multipliers(store, table_id, basis=basis)
        return _answer(store, table_id, _named(r.to_frame(), store, table_id, lang), format, r.notes)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/key-sectors", response_model=IOResultPublic, responses={200: CSV, **Err})
def key_sectors(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    lang: Lang = "en",
    basis: Basis = "domestic",
    forward: Annotated[Literal["ghosh", "leontief"], Query()] = "ghosh",
    threshold: Annotated[float, Query(gt=0, le=10)] = 1.0,
    format: Fmt = "json",
):
    """Rasmussen–Hirschman backward and forward linkages (影响力系数 / 感应度系数) and the
    key-sector quadrant."""
    grade = check_table(store, who, table_id)

    def make():
        r = io_service.table_key_sectors(store, table_id, basis=basis, forward=forward, threshold=threshold)
        return _answer(store, table_id, _named(r.to_frame(), store, table_id, lang), format)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/links", responses={400: {"model": Message}})
def links(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    sector: Annotated[str, Query(max_length=20, description="sector code")],
    top: Annotated[int, Query(ge=1, le=50)] = 8,
    lang: Lang = "en",
    basis: Basis = "domestic",
    tiers: Annotated[int, Query(ge=1, le=3, description="tiers up and down the chain")] = 1,
    fan: Annotated[int, Query(ge=1, le=8, description="links per sector beyond the first tier")] = 3,
):
    """A sector's main suppliers (largest input coefficients a_ij of its column of A) and main buyers
    (largest allocation coefficients b_ij of its row of B), its self-input a_jj, and with ``tiers`` > 1
    the suppliers of its suppliers and the buyers of its buyers."""
    grade = check_table(store, who, table_id)
    return cached(
        request,
        who,
        lambda: render(
            io_service.sector_links(
                store, table_id, sector, top=top, lang=lang, basis=basis, tiers=tiers, fan=fan
            )
        ),
        **audited(store, grade, table_id),
    )
