"""Briefings (研判简报) as files: ``GET /brief/{scope}?code=&year=&lang=&format=[&table=]`` renders the
briefing of a province (``region``), the nation or a chain (one sector of a stored IO table) from the
stored results (:func:`industrial_brain.services.briefing.briefing`) as HTML, PDF or DOCX.

Access: a region or nation briefing reads the newest macro run the caller may read (a job's run is
its owner's); a chain briefing reads its table, checked like the other chain routes."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import CurrentRole, StoreDep, cached
from industrial_brain.api.params import Lang
from industrial_brain.api.routes.io_tables import Err, audited, check_table
from industrial_brain.api.routes.macro import readable_macro_run
from industrial_brain.report.briefing import MEDIA_TYPES, render_briefing
from industrial_brain.services import io as io_service
from industrial_brain.services.briefing import chain_table, briefing
from industrial_brain.services.macro import load_macro_run

router = APIRouter(prefix="/brief", tags=["brief"])

_FILE = {200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}, "description": "the file"}}


@router.get("/{scope}", responses={**_FILE, **Err}, response_model=None)
def brief(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    scope: Annotated[Literal["region", "nation", "chain"], Path()],
    code: Annotated[
        str | None, Query(max_length=40, description="province code (region) or sector (chain)")
    ] = None,
    year: Annotated[
        int | None, Query(ge=1900, le=2100, description="default: the clean default year")
    ] = None,
    table: Annotated[str | None, Query(max_length=80, description="IO table of a chain briefing")] = None,
    lang: Lang = "en",
    format: Annotated[Literal["html", "pdf", "docx"], Query()] = "html",
):
    """The briefing as a file (``Content-Disposition: attachment``), with its lineage inside."""
    if scope == "chain":
        table = table or chain_table(store, year)
        io_service.table_dataset(store, table)  # 400 on an unknown table
        keys = audited(store, check_table(store, who, table), table)
        run = None
    else:
        rid, ran = readable_macro_run(store, who, None)
        keys = {"grade": ran.grade, "owner": ran.owner, "store": store, "what": f"run:{rid}"}
        run = rid

    def make():
        b = briefing(
            store,
            scope,
            code,
            year=year,
            lang=lang,
            table_id=table,
            run=load_macro_run(store, run, audits=False) if run else None,
        )
        data = render_briefing(b, format)
        return data, MEDIA_TYPES[format], '"' + hashlib.sha256(data).hexdigest()[:32] + '"'

    resp = cached(request, who, make, **keys)
    name = f"brief-{scope}{'-' + code if code else ''}{'-' + str(year) if year else ''}.{format}"
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
