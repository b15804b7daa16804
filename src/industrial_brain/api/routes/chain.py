"""Industrial-chain graph of a stored IO table (services.io.chain): upstream/downstream trees,
chokepoints (import dependence × output at risk, services.io.import_chokepoints), structural hubs and
the node-link graph for the dashboard."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, memo, records, render
from industrial_brain.api.params import Fmt, Lang, TableId
from industrial_brain.api.schemas import ChokepointsPublic, Page
from industrial_brain.api.routes.io_tables import Err, audited, check_table
from industrial_brain.services import io as io_service
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/chain", tags=["chain"])
Rule = Annotated[Literal["important", "relative", "absolute"], Query(description="link selection rule")]

_lock = threading.Lock()
_graphs: OrderedDict[tuple, object] = OrderedDict()


def _graph(store: Store, table_id: str, rule: str, lang: str):
    """The chain graph of a stored table (:func:`industrial_brain.services.io.chain`), cached per process."""
    return memo(
        _graphs,
        _lock,
        (store.path, table_id, rule, lang),
        lambda: io_service.chain(store, table_id, rule=rule, lang=lang),
        8,
    )


@router.get("/{table_id}/tree", responses={200: CSV, **Err})
def tree(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    sector: Annotated[str, Query(max_length=40, description="sector code")],
    direction: Annotated[Literal["upstream", "downstream"], Query()] = "upstream",
    depth: Annotated[int, Query(ge=1, le=6)] = 2,
    rule: Rule = "important",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Breadth-first supplier (upstream) or buyer (downstream) tree of a sector."""
    grade = check_table(store, who, table_id)

    def make():
        g = _graph(store, table_id, rule, lang)
        f = io_service.tree_frame(g, sector, depth=depth, direction=direction)
        return render(
            {
                "table_id": table_id,
                "sector": sector,
                "direction": direction,
                "data": records(f),
                "count": len(f),
            },
            frame=f,
            fmt=format,
        )

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/chokepoints", response_model=ChokepointsPublic, responses={200: CSV, **Err})
def chokepoints(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    top: Annotated[int, Query(ge=1, le=200)] = 10,
    rule: Annotated[
        Literal["important", "relative", "absolute"],
        Query(description="kept for compatibility; the chokepoint score does not use the chain graph"),
    ] = "important",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Chokepoints 卡脖子环节, ranked: import share of supply × domestic output at risk from the imported
    use (supply-driven, domestic table); the centrality ranking is ``/hubs``."""
    grade = check_table(store, who, table_id)

    def make():
        res = io_service.import_chokepoints(store, table_id)
        f = io_service.chokepoints_frame(res, top, lang=lang)
        payload = {
            "table_id": table_id,
            "unit": res.unit,
            "score": "import_share * output_at_risk_share",
            "notes": list(res.notes),
            "data": records(f),
            "count": len(f),
        }
        return render(payload, frame=f, fmt=format)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/chokepoints/{sector}", response_model=Page, responses={200: CSV, **Err})
def chokepoint_users(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    sector: Annotated[str, Path(max_length=40, description="product (sector) code")],
    top: Annotated[int, Query(ge=1, le=200)] = 10,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Output at risk from the imports of one product, by using sector (imported use × Ghosh multiplier)."""
    grade = check_table(store, who, table_id)

    def make():
        res = io_service.import_chokepoints(store, table_id)
        f = io_service.chokepoint_users(res, sector, top=top, lang=lang)
        payload = {
            "table_id": table_id,
            "sector": sector,
            "unit": res.unit,
            "data": records(f),
            "count": len(f),
        }
        return render(payload, frame=f, fmt=format)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/hubs", response_model=Page, responses={200: CSV, **Err})
def hubs(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    top: Annotated[int, Query(ge=1, le=200)] = 10,
    rule: Rule = "important",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Structural hubs 结构枢纽部门: sectors ranked by hypothetical-extraction loss and betweenness
    (1 = most central)."""
    grade = check_table(store, who, table_id)

    def make():
        f = io_service.structural_hubs_frame(_graph(store, table_id, rule, lang), top)
        return render({"table_id": table_id, "data": records(f), "count": len(f)}, frame=f, fmt=format)

    return cached(request, who, make, **audited(store, grade, table_id))


@router.get("/{table_id}/graph", responses=Err)
def graph(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    table_id: TableId,
    rule: Rule = "important",
    lang: Lang = "en",
):
    """The chain graph as node-link JSON (nodes with output, PageRank, betweenness; weighted links)."""
    grade = check_table(store, who, table_id)
    return cached(
        request,
        who,
        lambda: render(json.loads(_graph(store, table_id, rule, lang).to_json())),
        **audited(store, grade, table_id),
    )
