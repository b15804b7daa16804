"""Regions (GB/T 2260), their neighbours (contiguity) and the province map (GeoJSON)."""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from industrial_brain.api.deps import CurrentRole, StoreDep, cached, records, render, send
from industrial_brain.api.schemas import Message, RegionPublic, RegionsPublic
from industrial_brain.services import catalog as service

router = APIRouter(tags=["regions"])

Code = Annotated[str, Path(max_length=12, description="GB/T 2260 code, e.g. 330000")]


@router.get("/regions", response_model=RegionsPublic)
def regions(request: Request, store: StoreDep, who: CurrentRole):
    """All regions with codes, Chinese and English names, macro-region and capital coordinates."""

    def make():
        f = service.regions(store)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


@router.get("/regions/{code}", response_model=RegionPublic, responses={400: {"model": Message}})
def region(request: Request, store: StoreDep, who: CurrentRole, code: Code):
    """One region."""
    return cached(request, who, lambda: render(records(service.region(store, code))[0]))


@router.get("/regions/{code}/neighbours", response_model=RegionsPublic, responses={400: {"model": Message}})
def neighbours(request: Request, store: StoreDep, who: CurrentRole, code: Code):
    """Regions sharing a border with ``code`` (contiguity pairs of the shipped reference data)."""

    def make():
        f = service.neighbours(store, code)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


_GEO: tuple[bytes, str, str] | None = None


@router.get("/geo/provinces", responses={200: {"content": {"application/geo+json": {}}}})
def provinces_geojson(request: Request) -> Response:
    """Province boundaries (GeoJSON FeatureCollection; ``properties.adcode`` is the GB/T 2260 code)."""
    global _GEO
    if _GEO is None:
        geojson = resources.files("industrial_brain.data").joinpath("geo/china_provinces_clean.geojson")
        body = geojson.read_bytes()
        _GEO = (body, "application/geo+json", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
    return send(request, _GEO)
