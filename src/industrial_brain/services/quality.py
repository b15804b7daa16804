"""Default years and value marks for the views: which year a map, ranking or report opens on, which
later years were skipped and why, and which values carry a quality note.

The rule is :func:`industrial_brain.quality.years.latest_clean_year` (the latest year without an
``error`` or partial-year note on the series); this module finds the series of a view in the store:

* a **panel** (indicators of the stored observations): the datasets holding them, the years with values;
* a **macro run**: the panel columns its index systems read (all roles, or the roles behind one
  measure: ``index.<role>`` → that system; ``D``, ``C``, ``T``, ``level``, ``lagging``, ``lisa.*`` →
  digital and real), the run's datasets and its window;
* any other **stored run**: the run's datasets (every indicator of them) and the years of its values.

Everything is read from stored notes and runs; nothing is recomputed, and a stored macro run is not
reloaded (its window and systems are read from its lineage and ``meta.index.*`` rows: ≈ 0.1 s on the
default store instead of ≈ 1 s for :func:`~industrial_brain.services.macro.load_macro_run`); the API
caches the answers.
"""

from __future__ import annotations

import json

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.quality.years import (
    MARK,
    CleanYear,
    applicable,
    latest_clean_year,
    value_notes,
    year_flags,
)
from industrial_brain.services import catalog
from industrial_brain.services.macro import KIND as MACRO_KIND
from industrial_brain.services.macro import ROLES, MacroRun, macro_run_id, stored_systems
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store

__all__ = [
    "MARK",
    "WHAT",
    "YearQuality",
    "default_year",
    "macro_default_year",
    "macro_quality",
    "panel_default_year",
    "panel_quality",
    "run_default_year",
]

#: What :func:`default_year` can be asked about.
WHAT = ("panel", "macro", "run")


@dataclass(frozen=True)
class YearQuality:
    """The default year of a view and the quality notes on its values.

    Attributes
    ----------
    clean : CleanYear
        Default year, latest year, skipped years and their reasons.
    values : DataFrame
        ``region_code, year, quality_note``: values with a note of their own.
    flags : dict year → list of kinds
        Notes on a whole year (e.g. ``partial_year``).
    notes : DataFrame
        Every applicable note (the store's note columns).
    """

    clean: CleanYear
    values: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["region_code", "year", "quality_note"])
    )
    flags: dict[int, list[str]] = field(default_factory=dict)
    notes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def default_year(self) -> int | None:
        return self.clean.default

    def fields(self) -> dict[str, Any]:
        """JSON-ready fields for an answer: ``default_year``, ``latest_year``, ``clean_year``,
        ``skipped_years`` (``[{year, reason, notes: [{kind, severity, n, regions, detail}]}]``),
        ``year_flags`` (``{"2025": ["partial_year"]}``) and ``default_year_note`` (one line, English)."""
        reasons = self.clean.reasons()
        skipped = [
            {
                "year": int(y),
                "reason": reasons[int(y)],
                "notes": [
                    {
                        "kind": r.kind,
                        "severity": r.severity,
                        "n": int(r.n),
                        "regions": r.regions,
                        "detail": r.detail,
                    }
                    for r in g.itertuples()
                ],
            }
            for y, g in self.clean.skipped.groupby("year", sort=False)
        ]
        return {
            "default_year": self.clean.default,
            "latest_year": self.clean.latest,
            "clean_year": self.clean.year,
            "skipped_years": skipped,
            "year_flags": {str(y): k for y, k in self.flags.items()},
            "default_year_note": self.clean.line(),
        }

    def annotate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (with ``region_code`` and ``year``) plus ``quality_note`` (the value's own notes, or
        None) and ``year_flags`` (kinds of the notes on its year, a list)."""
        if frame.empty:
            return frame.assign(quality_note=pd.Series(dtype=object), year_flags=pd.Series(dtype=object))
        keyed = frame.assign(year=frame["year"].astype(int))
        out = keyed.merge(self.values, on=["region_code", "year"], how="left")
        out["quality_note"] = out["quality_note"].astype(object).where(out["quality_note"].notna(), None)
        out["year_flags"] = [list(self.flags.get(int(y), [])) for y in out["year"]]
        out.index = frame.index
        return out

    @cached_property
    def _kinds(self) -> dict[tuple[str | None, int], set[str]]:
        out: dict[tuple[str | None, int], set[str]] = {}
        n = self.notes[self.notes["year"].notna()] if len(self.notes) else self.notes
        for r, y, k in zip(n.get("region_code", []), n.get("year", []), n.get("kind", [])):
            out.setdefault((r if isinstance(r, str) else None, int(y)), set()).add(k)
        return out

    def kinds(self, region_code: str, year: int) -> set[str]:
        """The kinds of the notes on the value of ``region_code`` in ``year`` (its own and its year's);
        empty when it carries none."""
        return self._kinds.get((region_code, int(year)), set()) | self._kinds.get((None, int(year)), set())

    def marked(self, region_code: str, year: int) -> bool:
        """True when the value of ``region_code`` in ``year`` carries a note (its own or its year's)."""
        return bool(self.kinds(region_code, year))


def _quality(store: Store, years: Sequence[int], datasets: Collection[str] | None, indicators) -> YearQuality:
    notes = applicable(catalog.quality_notes(store), datasets=datasets, indicators=indicators)
    notes = notes[notes["year"].isna() | notes["year"].isin(list(years))].reset_index(drop=True)
    return YearQuality(latest_clean_year(years, notes), value_notes(notes), year_flags(notes), notes)


# -- panels ---------------------------------------------------------------------------------------
def _panel_series(store: Store, indicators: Sequence[str] | None, datasets: Collection[str] | None):
    cov = catalog.indicators(store, datasets=datasets)
    if indicators:
        cov = cov[cov["code"].isin(list(indicators))]
    return sorted(cov["dataset_id"].unique()), sorted(cov["code"].unique())


def panel_quality(
    store: Store,
    view: catalog.PanelView,
    datasets: Collection[str] | None = None,
) -> YearQuality:
    """Default year and value notes of a panel read with :func:`~industrial_brain.services.catalog.panel`
    (``datasets``: the datasets it was read from, None for all)."""
    ds, _ = _panel_series(store, view.indicators, datasets)
    f = view.frame
    has = f[view.indicators].notna().any(axis=1) if view.indicators else pd.Series(False, index=f.index)
    return _quality(store, sorted(set(f.loc[has, "year"].astype(int))), ds, view.indicators)


def panel_default_year(
    store: Store, indicators: Sequence[str] | str, datasets: Collection[str] | None = None
) -> CleanYear:
    """The default year of the panel of ``indicators`` (one code or several; all must be clean).

    Raises
    ------
    InputError
        An unknown indicator (none of ``datasets`` holds it).
    """
    codes = [indicators] if isinstance(indicators, str) else list(indicators)
    _, known = _panel_series(store, codes, datasets)
    missing = [c for c in codes if c not in known]
    if not codes or missing:
        raise InputError.at(
            "parameter 'indicator': unknown indicator",
            value=", ".join(missing) or "(none)",
            expected="a registered indicator code (see the catalog)",
        )
    view = catalog.panel(store, codes, None, None, list(datasets) if datasets is not None else None)
    return panel_quality(store, view, datasets).clean


# -- runs -----------------------------------------------------------------------------------------
#: Measures of the coupling of the digital and the real economy (their inputs: those two systems).
_COUPLING = ("D", "C", "T", "level", "lagging", "lisa")


def _roles(measure: str | None) -> list[str]:
    head, _, rest = (measure or "").partition(".")
    if head == "index" and rest in ROLES:
        return [rest]
    if head in _COUPLING:
        return ["digital", "real"]
    return list(ROLES)


def macro_quality(store: Store, run: MacroRun | str | None = None, measure: str | None = None) -> YearQuality:
    """Default year and value notes of a macro run (a loaded run, its id, or None for the newest),
    for the inputs behind ``measure`` (None: every system of the run)."""
    if isinstance(run, MacroRun):
        years, datasets, systems = list(run.years), [d for d, _ in run.lineage.datasets], run.systems
    else:  # the window and the systems, without reloading the whole run (≈ 1 s)
        rid, datasets = macro_run_id(store, run)
        years = [int(y) for y in json.loads(store_runs.run_row(store, rid)["params"])["years"]]
        systems = stored_systems(store, rid)
    codes = list(dict.fromkeys(c for r in _roles(measure) for c in systems[r].input_codes))
    return _quality(store, years, datasets, codes)


def macro_default_year(store: Store, run_id: str | None = None, measure: str | None = None) -> CleanYear:
    """The default year of a stored macro run (default: the newest), for ``measure`` or all of it."""
    return macro_quality(store, run_id, measure).clean


def run_default_year(store: Store, run_id: str, measure: str | None = None) -> CleanYear:
    """The default year of any stored run: a macro run as :func:`macro_default_year`, another kind over
    the years of its values and every note of its datasets.

    Raises
    ------
    InputError
        No run with this id.
    """
    row = store_runs.run_row(store, run_id)
    if row is None:
        raise InputError.at("unknown run", column="run_id", value=run_id, expected="the id of a stored run")
    if row["kind"] == MACRO_KIND:
        return macro_default_year(store, run_id, measure)
    values = store_runs.run_values(store, run_id, measure=measure)
    years = sorted({int(y) for y in values["year"].dropna()})
    datasets = [d for d in (row["datasets"] or "").split(",") if d]
    return _quality(store, years, datasets, None).clean


def default_year(
    store: Store,
    what: str = "panel",
    *,
    indicator: Sequence[str] | str | None = None,
    run_id: str | None = None,
    datasets: Collection[str] | None = None,
    measure: str | None = None,
) -> CleanYear:
    """The default year of a panel indicator (``what='panel'``), a macro run (``'macro'``, default the
    newest) or any stored run (``'run'``), with the later years skipped and why (an example:
    ``docs/data-quality.md``)."""
    if what == "panel":
        if not indicator:
            raise InputError.at("parameter 'indicator' is needed for a panel", column="indicator")
        return panel_default_year(store, indicator, datasets)
    if what == "macro":
        return macro_default_year(store, run_id, measure)
    if what == "run":
        if not run_id:
            raise InputError.at("parameter 'run_id' is needed for a stored run", column="run_id")
        return run_default_year(store, run_id, measure)
    raise InputError.at("parameter 'what': unknown view", value=what, expected=" | ".join(WHAT))
