"""The indicator library (一库): every stored indicator and every engine output, addressable by code,
with its definition, unit, direction, provenance, coverage and quality; series by region with the
national and regional-group lines; per-user watchlists.

The services behind ``ibrain indicators`` and ``/api/v1/indicators``, ``/api/v1/watchlist``:

* **stored indicators** take their names, unit, direction, dimension and price basis from the store
  (``indicators.csv`` as ingested), their source, publisher, licence and grade from the dataset
  (``datasets.yaml`` as ingested), their coverage (first and last year, regions) from the
  observations and their quality from the screening's notes (counts by severity and kind);
  ``flags`` name what a reader must know: ``undocumented`` (a unit or meaning the source does not
  document: a ``?`` or ``undocumented`` in the unit, 未注明 or 推断 in the name), ``duplicated`` (a
  ``duplicate_column`` note: the series repeats another column), ``screening_errors`` (values the
  screening marks as errors; left out of the series). The library file adds what the store does not
  hold: definition, publishing department, tags;
* **engine outputs** (index scores, D and its level, Gini parts, obstacle degrees, multipliers,
  linkages, chokepoint scores, location quotients, enterprise level shares) are defined as data in
  ``industrial_brain/config/indicator_library/default.yaml`` (names, definition, formula, unit,
  direction, reference, tags, and where its values are read). A code with ``*`` names a family
  (``obstacle.*``: ``obstacle.<role>.<indicator>``).

The library is a list, one row per stored indicator × dataset holding it (``dataset_id``) and one per
engine output; :func:`indicator` gathers one code's rows. Units are shown through
:func:`industrial_brain._shared.i18n.unit_label` (``10^8 CNY`` → 亿元).

A **series** (:func:`series`) is one indicator by year for a region, with the national line (the
sum over the provinces for a quantity in money, tonnes, persons, energy, counts; their mean for
ratios, shares, per-capita values and indices: ``national_method``) and the line of the region's
NBS macro-region (东部, 中部, 西部, 东北; the same method over the group's provinces), each with the
number of provinces it covers; the region's rank among the provinces (1 = the largest) is given too.
Engine outputs with ``series: macro`` are read from the newest stored macro run the caller may read.
"""

from __future__ import annotations

import fnmatch
import datetime as _dt
import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from industrial_brain._shared.config import load_config
from industrial_brain._shared.i18n import check_lang, unit_label
from industrial_brain.errors import InputError
from industrial_brain.services import catalog
from industrial_brain.services import macro as macro_service
from industrial_brain.store import watchlist as store_watchlist
from industrial_brain.store.connection import Store

__all__ = [
    "LIBRARY_COLUMNS",
    "SERIES_COLUMNS",
    "library_file",
    "library",
    "indicator",
    "series",
    "watchlist",
    "watch",
    "unwatch",
]

#: Columns of :func:`library` (``tags`` and ``flags`` are lists).
LIBRARY_COLUMNS = (
    "code",
    "kind",
    "name",
    "name_zh",
    "name_en",
    "unit",
    "unit_label",
    "direction",
    "dimension",
    "dataset_id",
    "source",
    "publisher",
    "licence",
    "grade",
    "frequency",
    "year_min",
    "year_max",
    "regions",
    "department",
    "definition",
    "formula",
    "reference",
    "price_basis",
    "quality_notes",
    "quality_errors",
    "flags",
    "tags",
    "series",
    "address",
)
#: Columns of a series' ``data``.
SERIES_COLUMNS = ("year", "value", "rank", "n", "national", "national_n", "group", "group_n")

#: Units of quantities that add up over the provinces (the national line is their sum).
_ADDITIVE = re.compile(r"^(10\^\d+ )?(CNY|yuan|t|tce|kWh|m3|persons|km)$|^Mt CO2$|^count$|^persons$")
_UNDOCUMENTED = re.compile(r"\?|undocumented|未注明|推断")
_LIBRARY = "default"


def _t(lang: str, en: Any, zh: Any) -> Any:
    return zh if lang == "zh" and zh not in (None, "") else en


@lru_cache(maxsize=4)
def library_file(name: str = _LIBRARY) -> dict[str, Any]:
    """The library file (shipped by name, default ``default``): ``outputs`` (engine outputs),
    ``stored`` (what the store does not hold about a stored indicator), ``kpis``, ``frequency``.

    Each output needs ``code``, ``name_zh``, ``name_en``, ``kind``, ``unit``, ``definition_en``
    and ``formula``; an error names the file and the key.
    """
    cfg = load_config("indicator_library", name)
    outputs = cfg.get("outputs") or []
    for i, o in enumerate(outputs):
        for key in ("code", "name_zh", "name_en", "kind", "unit", "definition_en", "formula"):
            if not o.get(key):
                raise InputError.at(
                    "indicator library entry without a required key",
                    file=f"indicator_library/{name}.yaml",
                    column=f"outputs[{i}].{key}",
                    expected="a value",
                )
    return cfg


def _plain(v: Any) -> Any:
    """A JSON-ready value: NaN and NA → None, numpy scalars → Python."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def _flags(name_zh: str, unit: str, kinds: set[str], errors: int) -> list[str]:
    out = []
    if _UNDOCUMENTED.search(f"{unit or ''} {name_zh or ''}"):
        out.append("undocumented")
    if "duplicate_column" in kinds:
        out.append("duplicated")
    if errors:
        out.append("screening_errors")
    return out


def _stored_rows(store: Store, datasets: Collection[str] | None, lang: str) -> list[dict[str, Any]]:
    cfg = library_file()
    extra: Mapping[str, Mapping[str, Any]] = cfg.get("stored") or {}
    cov = catalog.indicators(store, datasets=datasets)
    cat = catalog.catalog(store, datasets=datasets).set_index("dataset_id")
    qn = catalog.quality_notes(store, datasets=datasets)
    qn = qn[qn["indicator_code"].notna()]
    kinds = qn.groupby(["dataset_id", "indicator_code"])["kind"].agg(set).to_dict()
    counts = qn.groupby(["dataset_id", "indicator_code"]).size().to_dict()
    errs = qn[qn["severity"] == "error"].groupby(["dataset_id", "indicator_code"]).size().to_dict()
    rows = []
    for r in cov.to_dict("records"):
        key = (r["dataset_id"], r["code"])
        x = extra.get(r["code"], {})
        d = cat.loc[r["dataset_id"]] if r["dataset_id"] in cat.index else {}
        unit = r["unit"] or ""
        rows.append(
            {
                "code": r["code"],
                "kind": "panel",
                "name": _t(lang, r["name_en"], r["name_zh"]),
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "unit": unit,
                "unit_label": unit_label(unit, lang) if unit else "",
                "direction": r["direction"],
                "dimension": r["dimension"],
                "dataset_id": r["dataset_id"],
                "source": d.get("source"),
                "publisher": d.get("publisher"),
                "licence": d.get("licence"),
                "grade": d.get("grade"),
                "frequency": x.get("frequency", cfg.get("frequency", "annual")),
                "year_min": int(r["year_min"]),
                "year_max": int(r["year_max"]),
                "regions": int(r["regions"]),
                "department": _t(lang, x.get("department_en"), x.get("department_zh")),
                "definition": _t(lang, x.get("definition_en"), x.get("definition_zh"))
                or _t(
                    lang, f"{r['name_en']}, as published by the source", f"{r['name_zh']}（按来源发布口径）"
                ),
                "formula": x.get("formula"),
                "reference": d.get("source"),
                "price_basis": r["price_basis"],
                "quality_notes": int(counts.get(key, 0)),
                "quality_errors": int(errs.get(key, 0)),
                "flags": _flags(r["name_zh"], unit, kinds.get(key, set()), errs.get(key, 0)),
                "tags": sorted({*(x.get("tags") or []), *([r["dimension"]] if r["dimension"] else [])}),
                "series": "panel",
                "address": f"/api/v1/indicators/{r['code']}/series?dataset={r['dataset_id']}",
            }
        )
    return rows


def _output_row(o: Mapping[str, Any], lang: str) -> dict[str, Any]:
    unit = str(o["unit"])
    return {
        "code": o["code"],
        "kind": o["kind"],
        "name": _t(lang, o["name_en"], o["name_zh"]),
        "name_zh": o["name_zh"],
        "name_en": o["name_en"],
        "unit": unit,
        "unit_label": unit_label(unit, lang),
        "direction": o.get("direction"),
        "dimension": o.get("dimension"),
        "dataset_id": None,
        "source": f"industrial_brain ({o['kind']})",
        "publisher": _t(lang, "computed by Industrial Brain from its inputs", "产业大脑根据输入数据计算"),
        "licence": _t(lang, "derived: the licences of its inputs apply", "派生数据：适用其输入数据的许可"),
        "grade": None,
        "frequency": o.get("frequency", "annual"),
        "year_min": None,
        "year_max": None,
        "regions": None,
        "department": None,
        "definition": _t(lang, o["definition_en"], o.get("definition_zh")),
        "formula": o["formula"],
        "reference": o.get("reference"),
        "price_basis": None,
        "quality_notes": 0,
        "quality_errors": 0,
        "flags": ["family"] if "*" in o["code"] else [],
        "tags": sorted(o.get("tags") or []),
        "series": o.get("series"),
        "address": o.get("address")
        or (f"/api/v1/indicators/{o['code']}/series" if o.get("series") else None),
    }


def _matches(row: Mapping[str, Any], search: str | None, dimension, source, tag) -> bool:
    if search:
        s = search.strip().lower()
        hay = " ".join(str(row.get(k) or "") for k in ("code", "name_zh", "name_en", "definition"))
        if s not in hay.lower():
            return False
    if dimension and row.get("dimension") != dimension:
        return False
    if source:
        s = source.lower()
        if not any(s in str(row.get(k) or "").lower() for k in ("dataset_id", "source", "publisher", "kind")):
            return False
    if tag and tag not in row.get("tags", []):
        return False
    return True


def library(
    store: Store,
    *,
    datasets: Collection[str] | None = None,
    lang: str = "en",
    search: str | None = None,
    dimension: str | None = None,
    source: str | None = None,
    tag: str | None = None,
) -> pd.DataFrame:
    """The library (:data:`LIBRARY_COLUMNS`): stored indicators of ``datasets`` (None: all) by code
    and dataset, then the engine outputs; filtered by ``search`` (a substring of the code, either
    name or the definition, any case), ``dimension`` (exact), ``source`` (a substring of the dataset
    id, source, publisher or kind: ``macro``, ``io`` …) and ``tag``."""
    check_lang(lang)
    rows = _stored_rows(store, datasets, lang) + [_output_row(o, lang) for o in library_file()["outputs"]]
    rows = [r for r in rows if _matches(r, search, dimension, source, tag)]
    f = pd.DataFrame(rows, columns=list(LIBRARY_COLUMNS))
    f = f.astype({"year_min": "Int64", "year_max": "Int64", "regions": "Int64"})
    # the picker's status of each stored series (catalog.indicator_choices): ok, unit_unknown, …
    q = catalog.indicator_choices(store, datasets=datasets)[
        ["code", "dataset_id", "quality", "quality_flags", "unit_known"]
    ]
    f = f.merge(q, on=["code", "dataset_id"], how="left")
    stored = f["quality"].notna()
    f["quality"] = f["quality"].where(stored, "ok")
    f["quality_flags"] = [v if isinstance(v, list) else [] for v in f["quality_flags"]]
    f["unit_known"] = f["unit_known"].where(stored, True).astype(bool)
    return f


def _output_for(code: str) -> Mapping[str, Any] | None:
    outs = library_file()["outputs"]
    exact = [o for o in outs if o["code"] == code]
    if exact:
        return exact[0]
    fam = [o for o in outs if "*" in o["code"] and fnmatch.fnmatchcase(code, o["code"])]
    return fam[0] if fam else None


def _unknown(code: str) -> InputError:
    return InputError.at(
        "unknown indicator",
        column="code",
        value=code,
        expected="a code listed by 'ibrain indicators search' (GET /api/v1/indicators)",
    )


def indicator(
    store: Store, code: str, *, datasets: Collection[str] | None = None, lang: str = "en"
) -> dict[str, Any]:
    """One code: the library row (the first dataset's for a stored indicator) with ``sources`` (one
    entry per dataset holding it: dataset, source, publisher, licence, years, regions, quality) and,
    for a stored indicator, its ``quality`` notes (kind, severity, region, year, detail; at most 50,
    errors first). InputError for a code the library does not know (or the caller may not read)."""
    check_lang(lang)
    rows = [r for r in _stored_rows(store, datasets, lang) if r["code"] == code]
    if not rows:
        o = _output_for(code)
        if o is None:
            raise _unknown(code)
        row = _output_row(o, lang)
        if "*" in o["code"]:
            row = {**row, "code": code, "family": o["code"]}
        return _plain({**row, "sources": [], "quality": []})
    keep = ("dataset_id", "source", "publisher", "licence", "grade", "year_min", "year_max", "regions")
    sources = [{k: r[k] for k in (*keep, "quality_notes", "quality_errors", "flags")} for r in rows]
    qn = catalog.quality_notes(store, datasets=[r["dataset_id"] for r in rows])
    qn = qn[qn["indicator_code"] == code]
    order = qn["severity"].map({"error": 0, "warning": 1, "info": 2}).fillna(3)
    qn = qn.assign(_o=order).sort_values(["_o", "year"], kind="stable").head(50)
    cols = ["dataset_id", "kind", "severity", "region_code", "year", "detail"]
    notes = qn[cols].astype(object).where(qn[cols].notna(), None).to_dict("records")
    for n in notes:
        n["year"] = None if n["year"] is None else int(n["year"])
    return _plain({**rows[0], "sources": sources, "quality": notes})


# -- series ----------------------------------------------------------------------------------------
def _national_method(unit: str) -> str:
    return "sum" if _ADDITIVE.match((unit or "").strip()) else "mean"


def _lines(frame: pd.DataFrame, groups: pd.Series, method: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """National and group lines by year over the provinces (``region_code, year, value``)."""
    f = frame.dropna(subset=["value"]).assign(group=lambda d: d["region_code"].map(groups))
    f = f[f["group"].notna()]  # provinces only (the national row, if stored, has no group)
    agg = "sum" if method == "sum" else "mean"
    nat = (
        f.groupby("year")["value"].agg([agg, "size"]).rename(columns={agg: "national", "size": "national_n"})
    )
    grp = (
        f.groupby(["group", "year"])["value"]
        .agg([agg, "size"])
        .rename(columns={agg: "group", "size": "group_n"})
    )
    return nat, grp


def _panel_frame(store: Store, code: str, dataset: str) -> pd.DataFrame:
    view = catalog.panel(store, [code], None, None, [dataset])
    f = view.frame
    if code not in f:
        return pd.DataFrame(columns=["region_code", "year", "value"])
    return f[["region_code", "year", code]].rename(columns={code: "value"})


def series(
    store: Store,
    code: str,
    *,
    region: str | None = None,
    dataset: str | None = None,
    datasets: Collection[str] | None = None,
    macro_run: str | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """One indicator by year (:data:`SERIES_COLUMNS`) for ``region`` (None: the national and group
    lines only), with the national line and the line of the region's NBS macro-region.

    A stored indicator is read from ``dataset`` (default: the dataset with the most regions, then the
    longest coverage) of ``datasets`` (None: all), without the values the screening marks as errors;
    an engine output with ``series: macro`` from the run ``macro_run`` (the caller passes the newest
    it may read; None: there is none). InputError for an unknown code or region, or an output that is
    not a region × year series (its ``address`` says where to read it).

    Notes
    -----
    National line N_t = Σ_i x_it (``sum``) or (1/n_t) Σ_i x_it (``mean``) over the n_t provinces
    reporting in year t; group line the same over the group's provinces; rank 1 = the largest value
    among the provinces reporting that year (ties share the smaller rank).
    """
    check_lang(lang)
    regions = catalog.regions(store)
    prov = regions[regions["level"] == "province"]
    groups = prov.set_index("code")["region4_en"]
    if region is not None and region not in set(regions["code"]):
        raise InputError.at("unknown region", column="region", value=region, expected="a GB/T 2260 code")
    rows = [r for r in _stored_rows(store, datasets, lang) if r["code"] == code]
    if rows:
        if dataset is not None:
            rows = [r for r in rows if r["dataset_id"] == dataset]
            if not rows:
                raise InputError.at(
                    "indicator not in that dataset", column="dataset", value=dataset, expected=code
                )
        meta = sorted(rows, key=lambda r: (-r["regions"], r["year_min"]))[0]
        frame = _panel_frame(store, code, meta["dataset_id"])
    else:
        o = _output_for(code)
        if o is None:
            raise _unknown(code)
        meta = _output_row(o, lang) | {"code": code}
        if o.get("series") != "macro":
            raise InputError.at(
                "not a region × year series",
                column="code",
                value=code,
                expected=f"a panel indicator or a macro output; read it at {meta['address']}",
            )
        if macro_run is None:
            frame = pd.DataFrame(columns=["region_code", "year", "value"])
        else:
            frame = macro_service.map_values(store, macro_run, code)[["region_code", "year", "value"]]
    method = "mean" if meta["kind"] != "panel" else _national_method(meta["unit"])
    frame = frame.astype({"year": "int64"}) if len(frame) else frame
    nat, grp = _lines(frame, groups, method)
    group = groups.get(region) if region is not None else None
    out = nat.copy()
    if group is not None and len(grp):
        out = out.join(grp.xs(group, level="group") if group in grp.index.get_level_values(0) else None)
    if region is not None:
        mine = frame[frame["region_code"] == region].set_index("year")["value"]
        pv = frame[frame["region_code"].isin(groups.index)].dropna(subset=["value"])
        rank = pv.assign(r=pv.groupby("year")["value"].rank(ascending=False, method="min"))
        rank = rank[rank["region_code"] == region].set_index("year")
        n = pv.groupby("year").size()
        out = out.join(mine.rename("value"), how="outer").join(rank["r"].rename("rank")).join(n.rename("n"))
    out = out.reindex(columns=list(SERIES_COLUMNS[1:])).sort_index()
    out = out.astype({c: "Int64" for c in ("rank", "n", "national_n", "group_n")})
    out.index.name = "year"
    data = out.reset_index()
    name_col = "name_zh" if lang == "zh" else "name_en"
    region_name = regions.set_index("code")[name_col].get(region) if region is not None else None
    group_zh = prov.set_index("region4_en")["region4_zh"].to_dict()
    return {
        "code": code,
        "name": meta["name"],
        "unit": meta["unit"],
        "unit_label": meta["unit_label"],
        "kind": meta["kind"],
        "dataset_id": meta.get("dataset_id"),
        "run_id": macro_run if meta["kind"] != "panel" else None,
        "region_code": region,
        "region_name": region_name,
        "group": None if group is None else _t(lang, group, group_zh.get(group)),
        "national_method": method,
        "data": data,
    }


# -- watchlists ------------------------------------------------------------------------------------
def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def watchlist(
    store: Store, username: str, *, datasets: Collection[str] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """The account's watched indicators: ``code, region_code, added_at, name, unit_label, kind`` (a
    code the caller can no longer read keeps its row, with ``kind`` null)."""
    check_lang(lang)
    w = store_watchlist.watchlist(store, username)
    lib = library(store, datasets=datasets, lang=lang).drop_duplicates("code").set_index("code")
    names = {c: lib["name"].get(c) for c in w["code"]}
    for c in w["code"]:
        if names[c] is None and (o := _output_for(c)) is not None:
            names[c] = _t(lang, o["name_en"], o["name_zh"])
    return w.assign(
        name=w["code"].map(names),
        unit_label=w["code"].map(lib["unit_label"]),
        kind=w["code"].map(lambda c: lib["kind"].get(c) or ((_output_for(c) or {}).get("kind"))),
    )


def watch(
    store: Store,
    username: str,
    code: str,
    region: str | None = None,
    *,
    datasets: Collection[str] | None = None,
    actor: str | None = None,
) -> bool:
    """Add ``code`` (of one ``region``; None: the indicator itself) to the account's watchlist;
    False when it was there already. InputError for a code or region the library does not know."""
    indicator(store, code, datasets=datasets)
    if region is not None and region not in set(catalog.regions(store)["code"]):
        raise InputError.at("unknown region", column="region", value=region, expected="a GB/T 2260 code")
    with store.transaction():
        added = store_watchlist.add_entry(store, username, code, region or "", _now())
        if added:
            store.audit("watch", code, region or "", actor=actor or username)
    return added


def unwatch(
    store: Store, username: str, code: str, region: str | None = None, *, actor: str | None = None
) -> int:
    """Remove ``code`` (of one ``region``; None: every entry of the code) from the account's
    watchlist; the number removed (0: it was not watched)."""
    with store.transaction():
        n = store_watchlist.remove_entry(store, username, code, region)
        if n:
            store.audit("unwatch", code, region or "", actor=actor or username)
    return n


def kpi_codes() -> list[str]:
    """The headline indicators of a region board (the library file's ``kpis``)."""
    return list(library_file().get("kpis") or [])
