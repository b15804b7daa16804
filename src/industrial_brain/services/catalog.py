"""What is stored and what is known about it: adding a file, the catalog, quality notes, panels, regions,
IO tables.

The services behind ``ibrain ingest``, ``catalog``, ``quality``, ``show panel|io|regions`` and
``version`` and behind the API's ``/catalog``, ``/quality-notes``, ``/indicators``, ``/panel`` and
``/regions``. Each takes the store first; ``datasets`` (where accepted) limits the answer to those
dataset ids, which is how an interface passes on what the caller may read. Errors name the parameter
or column at fault, never an interface's option.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.i18n import unit_labels as _unit_labels
from industrial_brain.errors import InputError
from industrial_brain.ingest import IngestReport, ingest
from industrial_brain.services import monitor
from industrial_brain.store import readers
from industrial_brain.store.connection import Store
from industrial_brain.store.observations import indicator_coverage
from industrial_brain.store.regions import REGION_COLUMNS, neighbour_pairs, region_names
from industrial_brain.store.regions import regions as stored_regions
from industrial_brain.store.schema import SCHEMA_VERSION

SEVERITIES = ("error", "warning", "info")
#: Region fields an interface shows (every stored column but the dataset id).
REGION_FIELDS = [c for c in REGION_COLUMNS if c != "dataset_id"]
#: Columns of :func:`regions_with_neighbours`.
REGION_TABLE_COLUMNS = ["code", "name_zh", "name_en", "level", "region4_en", "neighbours"]
#: Columns of :attr:`IOTableSummary.frame`.
IO_SUMMARY_COLUMNS = ["sector", "name", "gross_output", "intermediate_input", "value_added", "final_demand"]


def _only(frame: pd.DataFrame, datasets: Collection[str] | None) -> pd.DataFrame:
    return frame if datasets is None else frame[frame["dataset_id"].isin(list(datasets))]


# -- adding a file --------------------------------------------------------------------------------
def ingest_file(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    dataset_id: str | None = None,
    source: str = "",
    publisher: str = "",
    licence: str = "",
    grade: str | None = None,
    replace: bool = False,
    sheet: str | int | None = None,
    layout: str = "auto",
    year: int | None = None,
    table_id: str | None = None,
    region: str | None = None,
    scheme: str | None = None,
    unit: str = "10^4 CNY",
    rtol: float = 1e-4,
) -> IngestReport:
    """Validate a user's file and store it whole as one dataset of ``kind``, or raise :class:`InputError`.

    Takes every option any kind knows and passes each kind its own: ``layout`` (panel); ``year``,
    ``table_id``, ``region``, ``scheme``, ``unit``, ``rtol`` (io); ``scheme`` (sectors, enterprise).
    See :func:`industrial_brain.ingest.ingest` for the guarantees (validated first, all or nothing,
    an identical file is a no-op). After a panel is stored the shipped alarm rules run on it
    (:func:`industrial_brain.services.monitor.run`; counts in ``details['monitor']``).
    """
    options: dict = {}
    if kind == "panel":
        options["layout"] = layout
    elif kind == "io":
        options.update(year=year, table_id=table_id, region=region, scheme=scheme or "", unit=unit, rtol=rtol)
    elif kind in ("sectors", "enterprise"):
        options["scheme"] = scheme
    report = ingest(
        store,
        path,
        kind,
        dataset_id=dataset_id,
        source=source,
        publisher=publisher,
        licence=licence,
        grade=grade,
        replace=replace,
        sheet=sheet,
        **options,
    )
    if kind != "panel" or report.skipped:
        return report
    # the shipped alarm rules on the panel just stored (that dataset only); see services.monitor
    ran = monitor.run(store, datasets=[report.dataset_id])
    seen = {"opened": len(ran.opened), "closed": len(ran.closed), "queued": ran.queued}
    return dataclasses.replace(report, details={**report.details, "monitor": seen})


# -- catalog and quality notes --------------------------------------------------------------------
def catalog(store: Store, *, datasets: Collection[str] | None = None) -> pd.DataFrame:
    """Datasets with provenance, grade, rows, years covered, missing share and number of quality notes.

    One row per dataset (of ``datasets`` when given), in ingest order; see
    :func:`industrial_brain.store.readers.catalog` for the missing share.
    """
    return _only(readers.catalog(store), datasets).reset_index(drop=True)


def quality_notes(
    store: Store,
    dataset: str | None = None,
    severity: str | None = None,
    *,
    datasets: Collection[str] | None = None,
) -> pd.DataFrame:
    """Stored quality notes (screening findings and provenance notes), optionally of one dataset and severity.

    Parameters
    ----------
    dataset : one dataset id, or None for all
    severity : {'error', 'warning', 'info'} or None for all
    datasets : limit to these dataset ids (None: no limit)
    """
    if severity is not None and severity not in SEVERITIES:
        raise InputError.at(
            "parameter 'severity': unknown severity", value=severity, expected=" | ".join(SEVERITIES)
        )
    return _only(readers.quality_notes(store, dataset, severity), datasets).reset_index(drop=True)


def notes_summary(store: Store, *, datasets: Collection[str] | None = None) -> pd.DataFrame:
    """Number of quality notes by ``dataset_id``, ``kind`` and ``severity`` (column ``count``)."""
    qn = quality_notes(store, datasets=datasets)
    return qn.groupby(["dataset_id", "kind", "severity"]).size().rename("count").reset_index()


# -- indicators and panels ------------------------------------------------------------------------
def indicators(store: Store, *, datasets: Collection[str] | None = None) -> pd.DataFrame:
    """Indicators with names, unit, direction, dimension and price basis, one row per dataset holding
    values of it, with that dataset's first and last year and number of regions."""
    return _only(indicator_coverage(store), datasets).reset_index(drop=True)


#: Quality statuses of an indicator series in a picker, most serious first (:func:`indicator_choices`).
SERIES_STATUSES = ("duplicated", "excluded", "undocumented", "unit_unknown", "ok")


def indicator_choices(store: Store, *, datasets: Collection[str] | None = None) -> pd.DataFrame:
    """:func:`indicators` with the quality status of each series (indicator × dataset), so a picker
    can set doubtful series apart: ``quality`` (the most serious of :data:`SERIES_STATUSES`),
    ``quality_flags`` (every status that applies, in that order), ``unit_known`` and
    ``quality_notes`` (the series-wide notes: kind, severity, detail).

    A series is *duplicated* when a note of kind ``duplicate_column`` or a note saying "duplicated"
    is on it, *excluded* when a series-wide ``error`` note leaves it out of default analyses,
    *undocumented* when its unit is "undocumented" or a note says it is not documented, and
    *unit_unknown* when its unit is missing or carries the source's "(?)" mark.
    """
    ind = indicators(store, datasets=datasets)
    qn = quality_notes(store, datasets=datasets)
    wide = qn[qn["region_code"].isna() & qn["year"].isna() & qn["indicator_code"].notna()]
    by = {k: g for k, g in wide.groupby(["dataset_id", "indicator_code"])}
    flags, notes = [], []
    for code, ds, unit in zip(ind["code"], ind["dataset_id"], ind["unit"]):
        g = by.get((ds, code), wide.iloc[:0])
        text = " ".join(g["detail"].astype(str)).lower()
        u = "" if unit is None or pd.isna(unit) else str(unit).strip()
        f = {
            "duplicated": (g["kind"] == "duplicate_column").any() or "duplicated" in text,
            "excluded": (g["severity"] == "error").any(),
            "undocumented": u == "undocumented" or "not documented" in text or "undocumented" in text,
            "unit_unknown": u in ("", "(?)") or u.endswith("(?)"),
        }
        flags.append([s for s in SERIES_STATUSES[:-1] if f[s]])
        notes.append(g[["kind", "severity", "detail"]].to_dict("records"))
    out = ind.copy()
    out["quality"] = [f[0] if f else "ok" for f in flags]
    out["quality_flags"] = flags
    out["unit_known"] = ["unit_unknown" not in f and "undocumented" not in f for f in flags]
    out["quality_notes"] = notes
    return out


def unit_labels(lang: str = "en") -> list[dict]:
    """Every unit code with its English and Chinese label
    (:func:`~industrial_brain._shared.i18n.unit_labels`).
    """
    return _unit_labels(lang)


@dataclass(frozen=True)
class PanelView:
    """A panel read for display.

    Attributes
    ----------
    frame : DataFrame
        One row per ``(region_code, year)``, one column per indicator; with a ``name`` column after
        ``region_code`` when the panel was read with a language.
    indicators : list of str
        The indicator columns, in order.
    excluded : DataFrame
        Values left out as quality errors (``dataset_id, region_code, indicator_code, year, value, detail``).
    """

    frame: pd.DataFrame
    indicators: list[str]
    excluded: pd.DataFrame


def panel(
    store: Store,
    indicators: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    years: str | tuple[int, int] | None = None,
    datasets: Sequence[str] | None = None,
    *,
    raw: bool = False,
    lang: str | None = None,
) -> PanelView:
    """A panel of the stored observations, for display or export.

    Parameters
    ----------
    indicators, regions, datasets : codes / province names or codes / dataset ids, or None for all
    years : ``"YEAR"``, ``"FROM:TO"`` or ``(from, to)``
    raw : keep the values the quality screening marked as errors (left out by default)
    lang : ``'en'`` or ``'zh'`` to add region names in that language; None for codes only
    """
    if lang is not None:
        check_lang(lang)
    p = readers.read_panel(store, indicators, regions, years, datasets, clean=not raw)
    frame = p.reset_index()
    frame.attrs = {}
    if lang is not None:
        frame.insert(1, "name", frame["region_code"].map(region_names(store, lang)))
    return PanelView(frame, [str(c) for c in p.columns], p.attrs["excluded"])


# -- regions --------------------------------------------------------------------------------------
def regions(store: Store) -> pd.DataFrame:
    """Every stored region with code, names, level, parent, NBS macro-region and capital coordinates."""
    return stored_regions(store)[REGION_FIELDS]


def region(store: Store, code: str) -> pd.DataFrame:
    """One region as a one-row frame (columns :data:`REGION_FIELDS`); InputError for an unknown code."""
    f = regions(store)
    f = f[f["code"] == code].reset_index(drop=True)
    if f.empty:
        raise InputError.at(
            "unknown region", column="code", value=code, expected="a stored GB/T 2260 region code"
        )
    return f


def neighbours(store: Store, code: str) -> pd.DataFrame:
    """The regions that neighbour ``code`` (contiguity of the reference data), by code, with the pair's kind.

    ``kind`` is ``shared_border`` or ``convention`` (an island linked by convention).
    """
    region(store, code)
    pairs = neighbour_pairs(store)
    pairs = pairs[pairs["code_a"] == code]
    kinds = dict(zip(pairs["code_b"], pairs["kind"]))
    f = regions(store)
    f = f[f["code"].isin(list(kinds))]
    return f.assign(kind=f["code"].map(kinds)).reset_index(drop=True)


def regions_with_neighbours(store: Store) -> pd.DataFrame:
    """Regions with codes, names, level, macro-region and the codes of their neighbours (sorted)."""
    reg = regions(store)[["code", "name_zh", "name_en", "level", "region4_en"]]
    pairs = neighbour_pairs(store)
    nb = {a: " ".join(sorted(b)) for a, b in pairs.groupby("code_a")["code_b"]}
    return reg.assign(neighbours=reg["code"].map(nb))[REGION_TABLE_COLUMNS].reset_index(drop=True)


# -- input–output tables --------------------------------------------------------------------------
def io_tables(store: Store) -> pd.DataFrame:
    """The stored input–output tables: id, year, region, scheme, unit, kind, dataset and number of sectors."""
    return readers.io_tables(store)


@dataclass(frozen=True)
class IOTableSummary:
    """One stored IO table by sector: gross output, intermediate input, value added and final demand.

    ``frame`` has the columns :data:`IO_SUMMARY_COLUMNS`, in the table's unit ``unit``.
    """

    table_id: str
    year: int
    region_code: str
    kind: str
    unit: str
    frame: pd.DataFrame


def io_table_summary(store: Store, table_id: str, lang: str = "en") -> IOTableSummary:
    """Sector accounts of one stored table, with sector names in ``lang``.

    Notes
    -----
    With Z the intermediate flows (domestic block for non-competitive tables), V the value-added
    rows and Y final demand (Miller & Blair 2009, §2.2): gross output :math:`x_j`, intermediate
    input :math:`\\sum_i Z_{ij}`, value added :math:`\\sum_r V_{rj}`, final demand :math:`\\sum_k Y_{jk}`.
    """
    check_lang(lang)
    t = readers.read_io_table(store, table_id)
    name = t.sectors["name_zh" if lang == "zh" else "name_en"]
    frame = (
        t.x.rename("gross_output")
        .to_frame()
        .assign(
            name=name,
            value_added=t.V.sum(axis=0),
            final_demand=t.Y.sum(axis=1),
            intermediate_input=t.Z.sum(axis=0),
        )
        .reset_index()
    )
    return IOTableSummary(t.table_id, t.year, t.region_code, t.kind, t.unit, frame[IO_SUMMARY_COLUMNS])


# -- the store ------------------------------------------------------------------------------------
def schema_versions(store: Store) -> tuple[int, int]:
    """``(version recorded in the store, version this release writes)``; the first is 0 if never migrated."""
    return store.schema_version(), SCHEMA_VERSION
