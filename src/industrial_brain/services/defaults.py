"""The embedded default data and ``ibrain init``: load it all into a store, idempotently.

Every file goes through the same validated, atomic ingest as a user's file; a file already stored
(same sha256) is skipped, so running ``init`` twice changes nothing.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from industrial_brain.ingest.core import DatasetInfo, IngestReport, commit_dataset
from industrial_brain.ingest.files import sha256_file
from industrial_brain.ingest.io import NATIONAL, ingest_io
from industrial_brain.ingest.panel import ingest_panel
from industrial_brain.ingest.reference_kinds import ingest_indicators, ingest_sectors
from industrial_brain.reference.contiguity import contiguity_from_geojson
from industrial_brain.reference.regions import province_table
from industrial_brain.store.connection import Store
from industrial_brain.store.quality_notes import insert_notes
from industrial_brain.store.datasets import dataset_by_sha256
from industrial_brain.store.reference import insert_external_references
from industrial_brain.store.regions import insert_neighbours, insert_regions

Progress = Callable[[str], None]


def data_path(relative: str) -> Path:
    """Filesystem path of an embedded data file."""
    with as_file(files("industrial_brain.data").joinpath(relative)) as p:
        return Path(p)


@lru_cache(maxsize=1)
def manifest() -> dict:
    """The default-data manifest (``data/datasets.yaml``)."""
    return yaml.safe_load(data_path("datasets.yaml").read_text(encoding="utf-8"))


def _load_once(
    store: Store,
    path: Path,
    info: DatasetInfo,
    rows: Callable[[], pd.DataFrame],
    write: Callable[[Store, pd.DataFrame], None],
    message: Callable[[pd.DataFrame], str],
) -> IngestReport:
    """Store a shipped reference file as dataset ``info``: ``write`` the frame ``rows()`` builds, in one
    transaction; a no-op report when a file with its sha256 is already stored."""
    sha = sha256_file(path)
    if (same := dataset_by_sha256(store, sha)) is not None:
        return IngestReport(same, info.kind, str(path), sha, 0, skipped=True, message="already stored")
    frame = rows()
    commit_dataset(store, info, file=str(path), sha=sha, rows=len(frame), write=lambda s: write(s, frame))
    return IngestReport(info.dataset_id, info.kind, str(path), sha, len(frame), message=message(frame))


def _load_regions(store: Store) -> IngestReport:
    info = DatasetInfo(
        "ref_provinces_gbt2260",
        "reference",
        "Provinces (GB/T 2260) with names, NBS regions, capitals",
        source="reference/provinces_gbt2260.csv",
        publisher="compiled from GB/T 2260 codes and the ECharts China map (see PROVENANCE.md §3)",
        licence="compiled here from public codes",
    ).checked()

    def rows() -> pd.DataFrame:
        t = province_table()
        frame = pd.DataFrame(
            {
                "code": t["code"],
                "name_zh": t["name_zh"],
                "name_en": t["name_en"],
                "level": "province",
                "parent_code": NATIONAL,
                "dataset_id": info.dataset_id,
                "name_zh_short": t["name_zh_short"],
                "region4_zh": t["region4_zh"],
                "region4_en": t["region4_en"],
                "capital_lon": t["capital_lon"],
                "capital_lat": t["capital_lat"],
            }
        )
        nation = pd.DataFrame(
            [
                {
                    "code": NATIONAL,
                    "name_zh": "全国",
                    "name_en": "China (national)",
                    "level": "country",
                    "parent_code": None,
                    "dataset_id": info.dataset_id,
                    "name_zh_short": "全国",
                }
            ]
        )
        return pd.concat([nation, frame], ignore_index=True)

    path = data_path("reference/provinces_gbt2260.csv")
    return _load_once(store, path, info, rows, insert_regions, lambda f: "34 provinces + national")


def _load_contiguity(store: Store) -> IngestReport:
    info = DatasetInfo(
        "geo_china_provinces",
        "geo",
        "Province boundaries (ECharts China map) and contiguity",
        source="PyPI echarts-countries-pypkg 0.1.6, china.js (decoded)",
        publisher="Apache ECharts map data",
        licence="MIT (see LICENSE-DATA)",
    ).checked()
    path = data_path("geo/china_provinces_clean.geojson")

    def rows() -> pd.DataFrame:
        pairs = contiguity_from_geojson(json.loads(path.read_text(encoding="utf-8"))).pairs.copy()
        flipped = pairs.rename(columns={"code_a": "code_b", "code_b": "code_a"})
        both = pd.concat([pairs, flipped], ignore_index=True)
        return both[["code_a", "code_b", "kind"]].assign(dataset_id=info.dataset_id)

    # both directions are stored: half the rows are the pairs
    return _load_once(store, path, info, rows, insert_neighbours, lambda f: f"{len(f) // 2} neighbour pairs")


def _panel_frame(entry: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clean panel as wide-by-indicator (region, year, codes…) and its external-reference columns."""
    df = pd.read_csv(data_path(entry["file"]), dtype=str, keep_default_na=False, na_values=[""])
    df = df.drop(columns=entry.get("drop", []))
    df = df.rename(columns={"adcode": "region", **entry.get("rename", {})})
    ext_cols = list(entry.get("external_references", {}))
    ext = df[["region", "year", *ext_cols]] if ext_cols else pd.DataFrame()
    return df.drop(columns=ext_cols), ext


def _load_panel(store: Store, entry: dict) -> IngestReport:
    path = data_path(entry["file"])
    info = DatasetInfo(
        entry["dataset_id"],
        "panel",
        entry["title"],
        entry["source"],
        entry["publisher"],
        entry["licence"],
        entry.get("citation", ""),
        "general",
    ).checked()
    frame, ext = _panel_frame(entry)
    report = ingest_panel(
        store, path, info, layout="wide-indicator", frame=frame, identities=entry.get("identities")
    )
    notes = manifest().get("provenance_notes", {}).get(info.dataset_id, [])
    if not report.skipped and notes:
        frame_notes = pd.DataFrame(
            [
                {
                    **n,
                    "dataset_id": info.dataset_id,
                    "kind": "provenance",
                    "found_by": "provenance:PROVENANCE.md",
                }
                for n in notes
            ]
        )
        with store.transaction():
            insert_notes(store, frame_notes)
            store.audit("annotate", f"dataset:{info.dataset_id}", f"{len(frame_notes)} provenance notes")
    if not report.skipped and len(ext):
        notes = entry["external_references"]
        long = ext.melt(id_vars=["region", "year"], var_name="name", value_name="value")
        long = long.dropna(subset=["value"])
        long = pd.DataFrame(
            {
                "dataset_id": info.dataset_id,
                "region_code": long["region"],
                "year": long["year"].astype(int),
                "name": long["name"],
                "value": long["value"].astype(float),
                "note": long["name"].map(notes),
            }
        )
        with store.transaction():
            insert_external_references(store, long)
            store.audit("ingest", f"dataset:{info.dataset_id}", f"external references: {', '.join(notes)}")
    return report


def _io_frame(entry: dict, sectors: pd.DataFrame) -> pd.DataFrame:
    df = pd.read_csv(data_path(entry["file"]), dtype=str, keep_default_na=False, na_values=[""])
    if entry.get("provincial"):
        to_code = dict(zip(sectors["provincial_table_row_code"], sectors["code"]))
        df = df.drop(columns=["province_zh"])
        df["row_code"] = df["row_code"].map(lambda c: to_code.get(c, c))
        df = df.rename(columns={**to_code, "row_code": "Code"})
        names = sectors.set_index("code")
        df.insert(1, "name_zh", df["Code"].map(names["name_zh"]))
        df.insert(2, "name_en", df["Code"].map(names["name_en"]))
    return df


def _load_io(store: Store, entry: dict, sectors: pd.DataFrame) -> IngestReport:
    common = manifest()["io_common"]
    info = DatasetInfo(
        entry["dataset_id"],
        "io",
        entry["title"],
        common["source"],
        common["publisher"],
        common["licence"],
        common["citation_provincial" if entry.get("provincial") else "citation"],
        "general",
    ).checked()
    path = data_path(entry["file"])
    if dataset_by_sha256(store, sha256_file(path)) is not None:
        return ingest_io(store, path, info, year=entry["year"])  # reports the no-op
    return ingest_io(
        store,
        path,
        info,
        year=entry["year"],
        scheme=entry["scheme"],
        kind=entry["kind"],
        unit=common["unit"],
        frame=_io_frame(entry, sectors),
        atol=1.0,
        rtol=1e-4,
    )


def init_store(store: Store, progress: Progress | None = None) -> list[IngestReport]:
    """Load every embedded dataset into ``store`` (idempotent); return one report per file."""
    say = progress or (lambda _msg: None)
    reports: list[IngestReport] = []
    say("regions")
    reports.append(_load_regions(store))
    say("contiguity")
    reports.append(_load_contiguity(store))
    say("indicators")
    ind_path = data_path("indicators.csv")
    reports.append(
        ingest_indicators(
            store,
            ind_path,
            DatasetInfo(
                "indicators_default",
                "indicators",
                "Indicator catalogue of the embedded panels",
                source="data/indicators.csv",
                publisher="Industrial Brain (units and meanings from PROVENANCE.md)",
                licence="Apache-2.0",
            ).checked(),
        )
    )
    say("sectors")
    sec_path = data_path("io_tables/sectors_nbs_2017_42.csv")
    sectors = pd.read_csv(sec_path, dtype=str)
    reports.append(
        ingest_sectors(
            store,
            sec_path,
            DatasetInfo(
                "sectors_nbs2017_42",
                "sectors",
                "NBS 2017 input–output sectors (42)",
                source="io_tables/sectors_nbs_2017_42.csv",
                publisher="National Bureau of Statistics of China",
                licence="public classification",
            ).checked(),
            scheme="nbs2017_42",
            frame=sectors.drop(columns=["provincial_table_row_code"]),
        )
    )
    m = manifest()
    for entry in m["panels"]:
        say(entry["dataset_id"])
        reports.append(_load_panel(store, entry))
    for entry in m["io_tables"]:
        say(entry["dataset_id"])
        reports.append(_load_io(store, entry, sectors))
    return reports


def default_steps() -> int:
    """Number of progress steps of :func:`init_store`."""
    m = manifest()
    return 4 + len(m["panels"]) + len(m["io_tables"])
