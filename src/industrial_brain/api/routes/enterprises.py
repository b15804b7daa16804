"""Enterprises and their assessment results (important data) and suppressed aggregates over them.

Access: admin and analyst read every enterprise; an enterprise account reads only its own rows
(any other id answers 403, whatever the path, filter or format); the public role reads no
enterprise rows (401). Aggregates are open to every role but every cell over fewer than
``k = 3`` enterprises is suppressed, with complementary suppression so that no suppressed cell
can be recovered from the margins (:func:`industrial_brain.micro.benchmarking.aggregate`).
Aggregates take no filters: a filtered aggregate minus an unfiltered one would reveal a small
group by differencing. Every read here is written to the audit table.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, records, render, require_roles, send
from industrial_brain.api.schemas import AggregatePage, EnterprisePublic, Message, Page
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError, InputError
from industrial_brain.micro.benchmarking import aggregate
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/enterprises", tags=["enterprises"])
Reader = Annotated[Principal, Depends(require_roles("admin", "analyst", "enterprise"))]
Uscc = Annotated[str, Path(min_length=1, max_length=40, description="unified social credit code")]
K = 3
_LATEST = """
    WITH r AS (SELECT *, row_number() OVER (PARTITION BY uscc ORDER BY taken_on DESC NULLS LAST, assessment_id DESC) AS rn
               FROM assessment_result)
    SELECT e.uscc, e.name, e.region_code, e.sector_code, e.sector_scheme, e.size_class,
           r.assessment_id, r.model_code, r.taken_on, r.total_score, r.level
    FROM enterprise e LEFT JOIN r ON r.uscc = e.uscc AND r.rn = 1"""


def _scope(who: Principal, where: list[str], params: list) -> None:
    """Row filter of the caller: an enterprise account sees its own enterprise only."""
    if who.role == "enterprise":
        where.append("e.uscc = ?")
        params.append(who.uscc)
    elif who.role not in ("admin", "analyst"):  # pragma: no cover - guarded by the dependency
        raise AccessError("no access to enterprise rows")


@router.get("", response_model=Page, responses={200: CSV, 401: {"model": Message}, 403: {"model": Message}})
def list_enterprises(request: Request, store: StoreDep, who: Reader,
                     sector: Annotated[str | None, Query(max_length=40)] = None,
                     region: Annotated[str | None, Query(max_length=20)] = None,
                     size_class: Annotated[str | None, Query(max_length=20)] = None,
                     limit: Annotated[int, Query(ge=1, le=10000)] = 100,
                     offset: Annotated[int, Query(ge=0)] = 0,
                     format: Annotated[Literal["json", "csv"], Query()] = "json"):
    """Registered enterprises with their latest assessment (enterprise accounts: only their own)."""
    where, params = ["TRUE"], []
    _scope(who, where, params)
    for col, v in (("e.sector_code", sector), ("e.region_code", region), ("e.size_class", size_class)):
        if v:
            where.append(f"{col} = ?")
            params.append(v)
    f = store.query(f"SELECT * FROM ({_LATEST}) e WHERE {' AND '.join(where)} ORDER BY e.uscc", params)
    part = f.iloc[offset: offset + limit]
    audit(store, who, "read", "enterprise", f"list {len(part)} of {len(f)} rows; filters sector={sector} "
                                            f"region={region} size={size_class} format={format}")
    return send(request, render({"data": records(part), "count": len(f), "limit": limit, "offset": offset},
                                frame=part, fmt=format), private=True)


@router.get("/aggregates", response_model=AggregatePage, responses={200: CSV, 400: {"model": Message}})
def aggregates(request: Request, store: StoreDep, who: CurrentRole,
               by: Annotated[list[Literal["sector", "region", "size_class"]] | None,
                             Query(max_length=2, description="one or two groupings (default sector)")] = None,
               format: Annotated[Literal["json", "csv"], Query()] = "json"):
    """Mean, quartiles and level shares of the latest assessment scores by one or two groupings.

    Cells (and margins) over fewer than 3 enterprises are suppressed, plus complementary cells.
    """
    by = list(dict.fromkeys(by or ["sector"]))
    f = store.query(f"SELECT * FROM ({_LATEST}) e WHERE total_score IS NOT NULL")
    audit(store, who, "read_aggregate", "enterprise", f"by={','.join(by)} n={len(f)}")
    f = f.rename(columns={"sector_code": "sector", "region_code": "region"})
    if f.empty:
        out = pd.DataFrame(columns=[*by, "n", "mean", "suppressed", "suppression"])
        n_sup = 0
    else:
        f["level"] = f["level"].fillna("unknown").astype(str)
        t = aggregate(f, by, k=K, level_column="level")
        out = t.frame.reset_index()
        n_sup = t.n_primary + t.n_complementary
    return send(request, render({"data": records(out), "count": len(out), "by": by, "k": K, "suppressed": n_sup},
                                frame=out, fmt=format))


def _own(store: Store, who: Principal, uscc: str) -> pd.DataFrame:
    if who.role == "enterprise" and uscc != who.uscc:
        audit(store, who, "read_denied", f"enterprise:{uscc}")
        raise AccessError("an enterprise account reads only its own enterprise")
    f = store.con.execute(f"SELECT * FROM ({_LATEST}) e WHERE e.uscc = ?", [uscc]).df()
    if f.empty:
        raise InputError.at("enterprise not registered", column="uscc", value=uscc,
                            expected="a USCC listed by /api/v1/enterprises")
    return f


@router.get("/{uscc}", response_model=EnterprisePublic,
            responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}})
def enterprise(request: Request, store: StoreDep, who: Reader, uscc: Uscc):
    """One enterprise with its latest assessment."""
    f = _own(store, who, uscc)
    audit(store, who, "read", f"enterprise:{uscc}")
    return send(request, render(records(f)[0]), private=True)


@router.get("/{uscc}/assessments", response_model=Page,
            responses={200: CSV, 400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}})
def assessments(request: Request, store: StoreDep, who: Reader, uscc: Uscc,
                format: Annotated[Literal["json", "csv"], Query()] = "json"):
    """Every scored assessment of one enterprise (dimension scores as JSON text)."""
    _own(store, who, uscc)
    f = store.con.execute("SELECT assessment_id, model_code, model_version, taken_on, total_score, level, "
                          "dimension_scores::VARCHAR AS dimension_scores, run_id FROM assessment_result "
                          "WHERE uscc = ? ORDER BY taken_on, assessment_id", [uscc]).df()
    audit(store, who, "read", f"enterprise:{uscc}:assessments", f"{len(f)} rows")
    return send(request, render({"data": records(f), "count": len(f)}, frame=f, fmt=format), private=True)
