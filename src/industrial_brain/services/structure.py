"""Homogeneous and uneven development (产业同构与区域分工): the store → the structure engines → labelled
frames.

Two kinds of regional structure are read from the store:

* **sector outputs of the 2017 provincial input–output tables** (31 provinces × 42 sectors, gross
  output ``x`` or value added; ``sectors="manufacturing"`` keeps the 18 manufacturing sectors 06–23,
  :data:`~industrial_brain.reference.industry_groups.MANUFACTURING_NBS42`) — one cross-section;
* **the three-sector GRP panel** (``gdp_three_sectors_2010_2022``: primary, secondary and tertiary
  value added, 2010–2022) — the time path, coarse (three sectors) but long.

On them: the structure similarity coefficient (:func:`~industrial_brain.macro.similarity_coefficient`,
near-duplicate pairs; by year with :func:`~industrial_brain.macro.similarity_panel`), the Krugman
indices (:func:`~industrial_brain.macro.krugman_index`) and the division-of-labour index
(:func:`~industrial_brain.macro.division_of_labour_index`). Digital input intensity by the three
industries per province comes from the provincial tables through
:func:`~industrial_brain.meso.digital_intensity_by_industry` (and, for the nation, the 2017 and 2020
national 42-sector tables), beside the CAICT penetration rates the seeds cite.

The computations take milliseconds on data already in the store and are deterministic functions of
it, so they are not stored as runs; every result carries the lineage of the datasets it read.
Codes stay codes; :func:`label_pairs`, :func:`label_regions` add names in the requested language.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro import (
    DivisionOfLabourResult,
    KrugmanResult,
    SimilarityPanelResult,
    StructureSimilarityResult,
    division_of_labour_index,
    krugman_index,
    similarity_coefficient,
    similarity_panel,
)
from industrial_brain.meso import DIGITAL_CORE_NBS42, digital_intensity_by_industry
from industrial_brain.reference.industry_groups import (
    CAICT_PENETRATION,
    CAICT_SOURCE,
    INDUSTRY_NAMES,
    MANUFACTURING_NBS42,
)
from industrial_brain.services import io as io_service
from industrial_brain.services.results import dataset_lineage
from industrial_brain.store.connection import Store
from industrial_brain.store.readers import parse_years, quality_notes, read_panel
from industrial_brain.store.regions import regions as stored_regions

__all__ = [
    "BASES",
    "CAICT_SOURCE",
    "input_datasets",
    "SECTOR_SETS",
    "THREE_SECTOR_DATASET",
    "THREE_SECTOR_CODES",
    "NATIONAL_TABLES",
    "provincial_structure",
    "three_sector_structure",
    "similarity",
    "similarity_over_time",
    "specialisation",
    "specialisation_over_time",
    "digital_by_industry",
    "label_pairs",
    "label_regions",
    "specialisation_frame",
    "region_labels",
]

#: What a structure is read from: the 2017 provincial IO tables, or the three-sector GRP panel.
BASES = ("io", "three_sectors")
#: Sector sets of the IO basis.
SECTOR_SETS = ("manufacturing", "all")
THREE_SECTOR_DATASET = "gdp_three_sectors_2010_2022"
#: Indicator code → industry group of the three-sector panel.
THREE_SECTOR_CODES = {
    "grp_primary_va_100m_cny": "primary",
    "grp_secondary_va_100m_cny": "secondary",
    "grp_tertiary_va_100m_cny": "tertiary",
}
#: National tables the digital intensity by industry is shown for (basis: domestic + imported use).
NATIONAL_TABLES = ("cn_nbs_io_2017_42", "cn_nbs_io_2020_42")


def _error(name: str, what: str, *, value: Any = None, expected: str | None = None) -> InputError:
    """An error about the service parameter ``name``: ``parameter 'name': what (found …; expected …)``."""
    return InputError(f"parameter '{name}': {InputError.at(what, value=value, expected=expected)}")


def _parameter(name: str, value: Any, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise _error(name, "unknown value", value=value, expected=" | ".join(allowed))
    return value


def _with_lineage(
    res: Any, store: Store, datasets: Sequence[str], notes: Sequence[str] = (), **params: Any
) -> Any:
    """``res`` with the stored datasets in its lineage, ``params`` added to it and ``notes`` to its notes."""
    lin = res.lineage
    lin = Lineage.make(lin.method, {**dict(lin.params), **params}, datasets=dataset_lineage(store, datasets))
    return dataclasses.replace(res, lineage=lin, notes=tuple(dict.fromkeys((*notes, *res.notes))))


def input_datasets(store: Store, what: str) -> list[str]:
    """Ids of the datasets an analysis reads: ``"io"`` (the provincial tables), ``"three_sectors"``
    (the GRP panel) or ``"digital"`` (the provincial tables and the stored :data:`NATIONAL_TABLES`) —
    what an interface checks the caller's access against before asking for it."""
    _parameter("basis", what, (*BASES, "digital"))
    if what == "three_sectors":
        return [THREE_SECTOR_DATASET]
    ids = [io_service.PROVINCIAL_DATASET]
    if what == "digital":
        ids += [io_service.table_dataset(store, t) for t in NATIONAL_TABLES if io_service.has_table(store, t)]
    return ids


# ----------------------------------------------------------------------------- reading
def provincial_structure(
    store: Store, *, sectors: str = "manufacturing", measure: str = "output"
) -> pd.DataFrame:
    """Provinces × sectors of the 2017 provincial tables (10^4 CNY): gross output ``x`` (``measure=
    "output"``) or value added (``"value_added"``), all 42 sectors or the manufacturing ones."""
    _parameter("sectors", sectors, SECTOR_SETS)
    _parameter("measure", measure, ("output", "value_added"))
    rows = {}
    for tid in io_service.table_list(store)["table_id"]:
        if not tid.startswith(io_service.PROVINCIAL_PREFIX):
            continue
        st = io_service.stored_table(store, tid)
        rows[st.region_code] = st.x if measure == "output" else st.V.sum(axis=0)
    if not rows:
        raise InputError.at(
            "no provincial IO tables in the store",
            column="table_id",
            expected=f"{io_service.PROVINCIAL_PREFIX}<adcode> (run 'ibrain init')",
        )
    X = pd.DataFrame(rows).T.sort_index()
    X.columns = X.columns.astype(str)
    X.index.name, X.columns.name = "region_code", "sector"
    if sectors == "manufacturing":
        X = X[list(MANUFACTURING_NBS42)]
    notes = [
        "2017 provincial input–output tables (gross output)"
        if measure == "output"
        else "2017 provincial input–output tables (value added)"
    ]
    if sectors == "manufacturing":
        notes.append("manufacturing: the 18 sectors 06–23 of the NBS 42-sector tables (GB/T 4754 section C)")
    negative = int((X.to_numpy() < 0).sum())
    if negative:  # value added can be negative in a cell: a structure needs shares ≥ 0
        notes.append(f"{negative} negative cell(s) set to 0 (a structure is made of non-negative shares)")
        X = X.clip(lower=0.0)
    X.attrs["notes"] = notes
    return X


def three_sector_structure(store: Store, years: Any = None) -> dict[int, pd.DataFrame]:
    """Year → provinces × (primary, secondary, tertiary) value added (10^8 CNY) of the three-sector
    panel, over the provinces complete in every year requested (a province with a gap is left out of
    every year, so the years compare the same provinces; the left-out ones are in ``attrs``)."""
    span = parse_years(years) if isinstance(years, str) else years
    P = read_panel(store, indicators=list(THREE_SECTOR_CODES), years=span, datasets=[THREE_SECTOR_DATASET])
    if P.empty:
        raise InputError.at(
            f"parameter 'years': no three-sector data ({THREE_SECTOR_DATASET})",
            value=years,
            expected="years within 2010:2022 of a store initialised with the default data",
        )
    P = P[list(THREE_SECTOR_CODES)].rename(columns=THREE_SECTOR_CODES)
    provinces = set(stored_regions(store, "province").dropna(subset=["region4_en"])["code"])
    P = P[P.index.get_level_values(0).isin(provinces)]
    wide = P.unstack(level=1)
    gaps = sorted(wide.index[wide.isna().any(axis=1)])
    P = P[~P.index.get_level_values(0).isin(gaps)]
    qn = quality_notes(store, THREE_SECTOR_DATASET)  # the dataset's notes (a GRP break is in its sectors too)
    notes = ["three-sector GRP panel (primary, secondary, tertiary value added, current prices)"]
    if gaps:
        notes.append(f"provinces with a gap left out of every year: {', '.join(gaps)}")
    notes += [f"provenance: {d}" for d in qn[qn["kind"] == "provenance"]["detail"]]
    breaks = qn[qn["indicator_code"].isin(list(THREE_SECTOR_CODES)) & (qn["kind"] != "provenance")]
    if len(breaks):
        cells = sorted({f"{r.region_code} {int(r.year)}" for r in breaks.itertuples() if pd.notna(r.year)})
        notes.append(
            f"{len(breaks)} screening warning(s) on the sector value added (level breaks; region year: "
            f"{', '.join(cells[:8])}{' …' if len(cells) > 8 else ''}): shares jump there"
        )
    out = {int(y): g.droplevel(1) for y, g in P.groupby(level=1)}
    for f in out.values():
        f.index.name, f.columns.name = "region_code", "sector"
        f.attrs["left_out"] = gaps
        f.attrs["notes"] = notes
    return out


# ----------------------------------------------------------------------------- analyses
def _structure(store: Store, basis: str, sectors: str, measure: str, year: int | None):
    """(matrix, datasets, params) of one cross-section."""
    _parameter("basis", basis, BASES)
    if basis == "io":
        X = provincial_structure(store, sectors=sectors, measure=measure)
        return (
            X,
            [io_service.PROVINCIAL_DATASET],
            {"basis": basis, "sectors": sectors, "measure": measure, "year": 2017},
        )
    panel = three_sector_structure(store)
    y = max(panel) if year is None else int(year)
    if y not in panel:
        raise _error("year", "no three-sector data", value=y, expected=f"{min(panel)}–{max(panel)}")
    return panel[y], [THREE_SECTOR_DATASET], {"basis": basis, "year": y}


def similarity(
    store: Store,
    *,
    basis: str = "io",
    sectors: str = "manufacturing",
    measure: str = "output",
    year: int | None = None,
    threshold: float = 0.9,
) -> StructureSimilarityResult:
    """Structure similarity coefficients of every pair of provinces: on the 2017 provincial tables
    (``basis="io"``, manufacturing or all sectors) or on the three-sector panel in ``year`` (default the
    latest)."""
    X, ds, params = _structure(store, basis, sectors, measure, year)
    return _with_lineage(similarity_coefficient(X, threshold), store, ds, X.attrs["notes"], **params)


def similarity_over_time(store: Store, *, years: Any = None, threshold: float = 0.9) -> SimilarityPanelResult:
    """Structure similarity on the three-sector panel, year by year (default every year, 2010–2022)."""
    panel = three_sector_structure(store, years)
    res = similarity_panel(panel, threshold)
    first = next(iter(panel.values()))
    return _with_lineage(
        res,
        store,
        [THREE_SECTOR_DATASET],
        first.attrs["notes"],
        basis="three_sectors",
        left_out=first.attrs["left_out"],
    )


def specialisation(
    store: Store,
    *,
    basis: str = "io",
    sectors: str = "manufacturing",
    measure: str = "output",
    year: int | None = None,
) -> tuple[KrugmanResult, DivisionOfLabourResult]:
    """Krugman indices and the division-of-labour index of the provinces (same bases as
    :func:`similarity`)."""
    X, ds, params = _structure(store, basis, sectors, measure, year)
    return (
        _with_lineage(krugman_index(X), store, ds, X.attrs["notes"], **params),
        _with_lineage(division_of_labour_index(X), store, ds, X.attrs["notes"], **params),
    )


def specialisation_over_time(store: Store, *, years: Any = None) -> pd.DataFrame:
    """By year of the three-sector panel: mean and maximum Krugman index ``K`` (against the rest of
    the country), the division-of-labour index ``FI`` and the mean structure similarity."""
    panel = three_sector_structure(store, years)
    rows = []
    for y, X in panel.items():
        k, fi = krugman_index(X), division_of_labour_index(X)
        rows.append(
            {
                "year": y,
                "mean_K": float(k.K.mean()),
                "max_K": float(k.K.max()),
                "most_specialised": k.K.idxmax(),
                "FI": fi.FI,
                "mean_S": similarity_coefficient(X).mean,
            }
        )
    return pd.DataFrame(rows)


def digital_by_industry(
    store: Store,
    *,
    digital: Sequence[str] = DIGITAL_CORE_NBS42,
    include_digital: bool = False,
    national: Sequence[str] = NATIONAL_TABLES,
) -> pd.DataFrame:
    """Digital input intensity by the three industries, per province (2017 provincial tables, as
    published: inputs of every origin) and for the nation (the national tables, domestic + imported
    use).

    Long frame: ``region_code`` (the table id's region; ``CN`` for a national table), ``table_id``,
    ``year``, ``group``, ``share_intermediate``, ``per_output``, ``total_per_output`` (fractions),
    ``digital_input``, ``intermediate_input``, ``output`` (10^4 CNY), and ``caict_penetration`` (the
    CAICT rate of the group, another definition: see
    :mod:`industrial_brain.meso.digital_by_industry`).
    """
    parts = []
    tables = [
        t for t in io_service.table_list(store)["table_id"] if t.startswith(io_service.PROVINCIAL_PREFIX)
    ]
    tables += [t for t in national if io_service.has_table(store, t)]
    for tid in tables:
        tab = io_service.load_table(store, tid, basis="total")
        st = io_service.stored_table(store, tid)
        r = digital_intensity_by_industry(
            tab.A, tab.x, digital=digital, include_digital=include_digital, unit=st.unit, lu=tab.lu
        )
        f = r.table.drop(columns=["name_en", "name_zh", "sectors"]).reset_index()
        region = st.region_code if tid.startswith(io_service.PROVINCIAL_PREFIX) else "CN"
        f.insert(0, "year", st.year)
        f.insert(0, "table_id", tid)
        f.insert(0, "region_code", region)
        parts.append(f)
    if not parts:
        raise InputError.at("no IO tables in the store", column="table_id", expected="run 'ibrain init'")
    out = pd.concat(parts, ignore_index=True)
    out["caict_penetration"] = out["group"].map(CAICT_PENETRATION)
    out.attrs["units"] = {
        **dict.fromkeys(
            ["share_intermediate", "per_output", "total_per_output", "caict_penetration"], "share"
        ),
        **dict.fromkeys(["digital_input", "intermediate_input", "output"], "10^4 CNY"),
    }
    return out


# ----------------------------------------------------------------------------- labels
def region_labels(store: Store, lang: str = "en") -> dict[str, str]:
    """Code → short name (``北京``, ``Beijing``) of the provinces; ``CN`` → the nation."""
    check_lang(lang)
    r = stored_regions(store, "province")
    col = "name_zh_short" if lang == "zh" else "name_en"
    names = dict(zip(r["code"], r[col].fillna(r["name_zh" if lang == "zh" else "name_en"])))
    names["CN"] = "全国" if lang == "zh" else "China"
    return names


def label_pairs(store: Store, pairs: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A pair table (``region_i``, ``region_j`` codes) with the two names beside the codes."""
    names = region_labels(store, lang)
    f = pairs.copy()
    f.insert(f.columns.get_loc("region_j"), "name_i", f["region_i"].map(names))
    f.insert(f.columns.get_loc("region_j") + 1, "name_j", f["region_j"].map(names))
    return f


def label_regions(store: Store, frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` (regions as its index, or a ``region_code`` column) with ``region_code`` and ``name``
    (in ``lang``) as its first columns, and, beside a ``group`` column, the industry's name."""
    check_lang(lang)
    f = frame.copy() if "region_code" in frame.columns else frame.rename_axis("region_code").reset_index()
    f.insert(f.columns.get_loc("region_code") + 1, "name", f["region_code"].map(region_labels(store, lang)))
    if "group" in f.columns:
        f.insert(
            f.columns.get_loc("group") + 1, "industry", [INDUSTRY_NAMES[g][lang == "zh"] for g in f["group"]]
        )
    return f


def specialisation_frame(
    store: Store, krugman: KrugmanResult, division: DivisionOfLabourResult, lang: str = "en"
) -> pd.DataFrame:
    """By province, most specialised first: Krugman ``K`` (against the rest of the country), the mean
    bilateral ``K_ij``, the specialisation coefficient ``FI_i`` and the size weight of the
    division-of-labour index — codes, names in ``lang``."""
    f = krugman.to_frame().join(division.to_frame()[["FI_i", "weight"]])
    return label_regions(store, f, lang)
