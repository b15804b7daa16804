"""The regional innovation chain (区域创新链): R&D input → innovation output → economic result, per
province and year from the embedded panels, its efficiency (DEA), two-stage decomposition and change
(Malmquist).

The chain, as the panels carry it:

* **R&D input** — R&D personnel (persons), internal R&D expenditure (万元), of which equipment
  (``digital_innovation_2013_2022``);
* **innovation output** — valid invention patents (count); technology purchase and assimilation
  (imports, assimilation and domestic purchase expenditure, 万元) as commercialisation indicators;
* **economic result** — gross regional product (亿元, ``econ_energy_1990_2025``; where the screening
  marked a value an error, the GRP of ``gdp_three_sectors_2010_2022`` is used and a note says so)
  and total profit (亿元, ``digital_innovation_2013_2022``).

Values with a quality note of severity *error* are left out
(:func:`~industrial_brain.store.readers.read_panel`); a province missing a measure in a year is left
out of that year's frontier, and a note names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.innovation import MODELS, ORIENTATIONS, DEAResult, dea, malmquist, two_stage
from industrial_brain.lineage import Lineage
from industrial_brain.services.results import dataset_lineage
from industrial_brain.store.connection import Store
from industrial_brain.store.readers import read_panel
from industrial_brain.store import regions as store_regions

#: the panels the chain reads (the API checks the caller may read them)
DATASETS = ("digital_innovation_2013_2022", "econ_energy_1990_2025", "gdp_three_sectors_2010_2022")
RD_INPUTS = ("rd_personnel", "internal_rd_expenditure_10k_cny")
PATENTS = ("valid_invention_patents",)
GDP = "gdp_100m_cny"
GRP_FALLBACK = "grp_100m_cny"
ECONOMY = (GDP, "total_profit_100m_cny")
TECHNOLOGY = (
    "equipment_cost_10k_cny",
    "technology_import_expenditure_10k_cny",
    "technology_assimilation_expenditure_10k_cny",
    "domestic_tech_purchase_expenditure_10k_cny",
)
#: DEA stages: name → (inputs, outputs)
STAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rd": (RD_INPUTS, PATENTS),
    "economy": (PATENTS, ECONOMY),
    "overall": (RD_INPUTS, ECONOMY),
}


def _parameter(name: str, value: Any, allowed) -> None:
    if value not in allowed:
        raise InputError.at(f"parameter '{name}': unknown value", value=value, expected=", ".join(allowed))


def chain_panel(store: Store, years: tuple[int, int] | None = None) -> tuple[pd.DataFrame, list[str], tuple]:
    """The chain measures per ``(region_code, year)`` (provinces only), the notes on what was
    replaced or left out, and the datasets' lineage."""
    codes = [*RD_INPUTS, *PATENTS, *ECONOMY, *TECHNOLOGY, GRP_FALLBACK]
    P = read_panel(store, indicators=codes, years=years or (2013, 2022), datasets=DATASETS)
    provinces = set(store_regions.regions(store, "province")["code"])
    P = P[P.index.get_level_values("region_code").isin(provinces)]
    if P.empty or not set(RD_INPUTS) <= set(P.columns):
        lo, hi = years or (2013, 2022)
        raise InputError.at(
            f"the innovation panels have no R&D data in {lo}–{hi}",
            column="years",
            value=f"{lo}:{hi}",
            expected="years within the panels (2013–2022 as shipped)",
        )
    P = P[P[list(RD_INPUTS)].notna().any(axis=1)]
    notes = []
    miss = P[GDP].isna() & P[GRP_FALLBACK].notna()
    if miss.any():
        cells = ", ".join(f"{r} {y}" for r, y in P.index[miss])
        notes.append(
            f"{GDP}: {int(miss.sum())} values marked errors by the screening (or missing) replaced by "
            f"{GRP_FALLBACK} of gdp_three_sectors_2010_2022 ({cells})"
        )
        P.loc[miss, GDP] = P.loc[miss, GRP_FALLBACK]
    P = P.drop(columns=[GRP_FALLBACK])
    ex = P.attrs.get("excluded")
    if ex is not None and len(ex):
        notes.append(f"{len(ex)} values with a quality note of severity error left out")
    lin = dataset_lineage(store, P.attrs.get("datasets", []))
    return P, notes, lin


def _stage_frames(P: pd.DataFrame, year: int, stage: str, notes: list[str]):
    ins, outs = STAGES[stage]
    f = P.xs(year, level="year")[list(ins) + list(outs)]
    o = f[list(outs)]
    bad = f.isna().any(axis=1) | (f[list(ins)] <= 0).any(axis=1) | (o.max(axis=1) <= 0) | (o < 0).any(axis=1)
    if bad.any():
        notes.append(
            f"{year} ({stage}): left out for missing, non-positive inputs or negative outputs: "
            + ", ".join(f.index[bad])
        )
    f = f[~bad]
    return f[list(ins)], f[list(outs)]


@dataclass(frozen=True)
class RegionalEfficiency(ResultMixin):
    """DEA efficiency of the provinces' innovation chain, one DEA per year.

    ``results`` maps year → :class:`~industrial_brain.innovation.DEAResult`; ``names`` code → name."""

    results: dict[int, DEAResult]
    stage: str
    model: str
    orientation: str
    names: dict[str, str]
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("services.innovation_efficiency"))

    title_en = "Innovation efficiency of the provinces (DEA)"
    title_zh = "各省创新效率（DEA）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        rows = []
        for y, r in self.results.items():
            f = r.to_frame("en").reset_index().rename(columns={"unit": "region_code"})
            f.insert(1, "name", f["region_code"].map(self.names))
            f.insert(2, "year", y)
            rows.append(f)
        f = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns})
        return f

    def _summary_items(self, lang: str = "en"):
        items = [
            ("stage", self.stage),
            (label("model", lang), f"{self.model.upper()} ({label(self.orientation + '-oriented', lang)})"),
        ]
        for y, r in self.results.items():
            items.append((f"{y} {label('mean efficiency', lang)}", float(r.efficiency.mean())))
        return items


def innovation_efficiency(
    store: Store,
    *,
    years: Any = None,
    stage: str = "rd",
    model: str = "ccr",
    orientation: str = "input",
    lang: str = "en",
) -> RegionalEfficiency:
    """DEA efficiency per province and year of one stage of the chain: ``rd`` (R&D personnel and
    expenditure → invention patents), ``economy`` (patents → GRP and profit) or ``overall``."""
    check_lang(lang)
    _parameter("stage", stage, STAGES)
    _parameter("model", model, MODELS)
    _parameter("orientation", orientation, ORIENTATIONS)
    P, notes, lin = chain_panel(store, _years(years))
    out = {}
    for y in sorted(P.index.get_level_values("year").unique()):
        X, Y = _stage_frames(P, int(y), stage, notes)
        if len(X) >= 2:
            out[int(y)] = dea(X, Y, model, orientation)
    params = {"stage": stage, "model": model, "orientation": orientation, "years": sorted(out)}
    return RegionalEfficiency(
        results=out,
        stage=stage,
        model=model,
        orientation=orientation,
        names=store_regions.region_names(store, lang),
        notes=tuple(notes),
        lineage=Lineage.make("services.innovation_efficiency", params, datasets=lin),
    )


def _years(years: Any) -> tuple[int, int] | None:
    if years is None:
        return None
    if isinstance(years, int):
        return (years, years)
    if isinstance(years, str):
        from_to = years.split(":")
        try:
            lo, hi = int(from_to[0]), int(from_to[-1])
        except ValueError:
            raise InputError.at(
                "parameter 'year': not a year", value=years, expected="YEAR or FROM:TO"
            ) from None
        return (lo, hi)
    lo, hi = years
    return (int(lo), int(hi))


@dataclass(frozen=True)
class _RegionalFrame(ResultMixin):
    """A tidy frame of provinces (``region_code`` first) with their names in the asked language."""

    frame: pd.DataFrame
    names: dict[str, str]
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("services.innovation"))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = self.frame.copy()
        f.insert(1, "name", f["region_code"].map(self.names))
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns})
        return f


@dataclass(frozen=True)
class RegionalMalmquist(_RegionalFrame):
    """Malmquist index per province for consecutive pairs of years (or one given pair)."""

    stage: str = "rd"

    title_en = "Malmquist productivity index of the provinces' innovation chain"
    title_zh = "各省创新链Malmquist生产率指数"

    def _summary_items(self, lang: str = "en"):
        g = self.frame.groupby(["period_from", "period_to"])
        items = [("stage", self.stage)]
        for (a, b), f in g:
            geo = np.exp(np.log(f[["MI", "EC", "TC"]]).mean())
            items.append((f"{a}→{b} MI / EC / TC", f"{geo.MI:.4f} / {geo.EC:.4f} / {geo.TC:.4f}"))
        return items


def innovation_malmquist(
    store: Store,
    *,
    years: Any = None,
    pair: tuple[int, int] | None = None,
    stage: str = "rd",
    orientation: str = "output",
    lang: str = "en",
) -> RegionalMalmquist:
    """Malmquist index (EC × TC) of one stage per province, for each pair of consecutive years in
    ``years`` or for the one ``pair`` (e.g. (2013, 2022)); provinces present in both years only."""
    check_lang(lang)
    _parameter("stage", stage, STAGES)
    _parameter("orientation", orientation, ORIENTATIONS)
    P, notes, lin = chain_panel(store, _years(years) if pair is None else (min(pair), max(pair)))
    have = sorted(int(y) for y in P.index.get_level_values("year").unique())
    pairs = [tuple(pair)] if pair is not None else list(zip(have[:-1], have[1:]))
    if not pairs or not have:
        raise InputError.at(
            "a Malmquist index compares two years; the panel has data for "
            + (", ".join(map(str, have)) if have else "no year")
            + " in this window",
            column="years",
            value=None if years is None else str(years),
            expected="a window of at least two years with data, or pair=FROM:TO",
        )
    for a, b in pairs:
        if a not in have or b not in have or a >= b:
            raise InputError.at(
                "parameter 'pair': years not in the panel",
                value=f"{a}:{b}",
                expected=f"FROM < TO within {have[0]}–{have[-1]}",
            )
    frames = []
    for a, b in pairs:
        X0, Y0 = _stage_frames(P, a, stage, notes)
        X1, Y1 = _stage_frames(P, b, stage, notes)
        both = X0.index.intersection(X1.index)
        r = malmquist(
            X0.loc[both], Y0.loc[both], X1.loc[both], Y1.loc[both], orientation=orientation, periods=(a, b)
        )
        f = r.to_frame("en").reset_index().rename(columns={"unit": "region_code"})
        f.insert(1, "period_from", a)
        f.insert(2, "period_to", b)
        frames.append(f)
    params = {"stage": stage, "orientation": orientation, "pairs": [list(p) for p in pairs]}
    return RegionalMalmquist(
        frame=pd.concat(frames, ignore_index=True),
        stage=stage,
        names=store_regions.region_names(store, lang),
        notes=tuple(notes),
        lineage=Lineage.make("services.innovation_malmquist", params, datasets=lin),
    )


@dataclass(frozen=True)
class RegionalChain(_RegionalFrame):
    """The innovation chain per province and year: the measures of each link, ratios between links,
    and the two-stage (Kao–Hwang) efficiencies R&D → patents → economy."""

    title_en = "Regional innovation chain: R&D → patents → economy"
    title_zh = "区域创新链：研发投入 → 专利产出 → 经济效益"

    def _summary_items(self, lang: str = "en"):
        f = self.frame
        return [
            (label("units", lang), int(f["region_code"].nunique())),
            (label("years", lang), f"{int(f['year'].min())}–{int(f['year'].max())}"),
            (label("overall", lang) + " (mean)", float(f["overall"].mean())),
        ]


def innovation_chain(store: Store, *, years: Any = None, lang: str = "en") -> RegionalChain:
    """Per province and year: R&D input, patents, GRP and profit; patents per 10,000 R&D personnel and
    per 亿元 of R&D expenditure; R&D intensity (R&D expenditure / GRP, %); the technology-assimilation
    ratio (assimilation / import expenditure, a commercialisation indicator); and the two-stage DEA
    (:func:`~industrial_brain.innovation.two_stage`: R&D inputs → patents → GRP and profit)."""
    check_lang(lang)
    P, notes, lin = chain_panel(store, _years(years))
    f = P.reset_index()
    f["patents_per_10k_rd_personnel"] = f["valid_invention_patents"] / f["rd_personnel"] * 1e4
    f["patents_per_100m_cny_rd"] = f["valid_invention_patents"] / (f["internal_rd_expenditure_10k_cny"] / 1e4)
    f["rd_intensity_pct"] = f["internal_rd_expenditure_10k_cny"] / 1e4 / f[GDP] * 100
    imp = f["technology_import_expenditure_10k_cny"].where(f["technology_import_expenditure_10k_cny"] > 0)
    f["assimilation_to_import"] = f["technology_assimilation_expenditure_10k_cny"] / imp
    parts = []
    for y in sorted(f["year"].unique()):
        X, Z = _stage_frames(P, int(y), "rd", notes)
        _, Y = _stage_frames(P, int(y), "economy", notes)
        both = X.index.intersection(Y.index)
        r = two_stage(X.loc[both], Z.loc[both], Y.loc[both])
        t = r.to_frame("en").reset_index().rename(columns={"unit": "region_code"})
        t["year"] = int(y)
        parts.append(t)
    f = f.merge(pd.concat(parts), on=["region_code", "year"], how="left")
    f["rank"] = f.groupby("year")["overall"].rank(ascending=False, method="min").astype("Int64")
    return RegionalChain(
        frame=f,
        names=store_regions.region_names(store, lang),
        notes=tuple(dict.fromkeys(notes)),
        lineage=Lineage.make(
            "services.innovation_chain", {"years": sorted(map(int, f["year"].unique()))}, datasets=lin
        ),
    )
