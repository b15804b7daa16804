"""The macro pipeline on the store: indices → coupling coordination → obstacles → inequality,
convergence, kernel density and spatial autocorrelation, written back with lineage.

``run_macro(store)`` reads the regional panel for three index systems (by default the shipped
digital-economy, real-economy and new-quality-productive-forces systems; any may be replaced by a
user YAML file), and for the 31 mainland provinces and every year of the window computes:

1. the three composite indices (pooled min–max, the system's weighting, arithmetic aggregation, so
   the scores lie in [0, 1] and are comparable across years);
2. the coupling coordination (C, T, D, ten-level class, lagging subsystem) of the digital economy
   and the real economy;
3. obstacle degrees of every indicator and dimension of each system (top 3 kept in the summary);
4. per year: the Dagum Gini decomposition of D over the NBS four regions (and G, Theil T/L and the
   coefficient of variation of D and of each index), Theil T and L of D with within/between parts;
5. σ-convergence of D, absolute cross-section β-convergence (first → last year) and panel
   fixed-effects β-convergence with region-clustered errors (linearmodels);
6. the kernel density of D per year;
7. per year: global Moran's I of D (analytical and 999 seeded permutations) and local Moran (LISA)
   with the shipped provincial contiguity (or distance-based weights);
8. the Spearman/Kendall rank correlation of our digital-economy and NQPF indices with the source
   panel's own composite columns (``external_reference``): a sanity check, not a target.

Missing cells. Values that the quality screening marks as errors are left out by
:func:`~industrial_brain.store.readers.read_panel`; by default (``missing="interpolate"``) such
interior gaps of a province's series are filled by linear interpolation in the year (using the
neighbouring years, also outside the window) and listed in the notes; ``missing="raise"`` refuses
them. The default window is the longest run of consecutive years in which all provinces are
complete for all indicators.

Groups. The NBS four regions (East, Central, West, Northeast) are the ``region4_en`` / ``region4_zh``
columns of the stored region reference data; the provinces the pipeline covers are those with a
group (the 31 mainland provinces), and the groups are passed to the engines as data.

Everything is saved as one run (kind ``"macro"``) in ``analysis_run`` / ``analysis_value`` with a
:class:`~industrial_brain.lineage.Lineage` naming the datasets (with sha256), every parameter, the
seed and the package version. Besides the published measures (``index.*``, ``D``, ``dagum.*``,
``moran.*``, ``kde.*`` …) the run stores what rebuilding its result objects needs (normalised panels,
weights, kernel-density curves, spatial weights, and ``meta.*`` rows whose label holds a part's texts
and settings as JSON), so :func:`load_macro_run` (through
:func:`industrial_brain.services.runs.load_run`) returns a :class:`MacroRun` equal in every view to
the one the pipeline returned, without recomputing anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse

from industrial_brain._shared.export import write_csv, write_xlsx
from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import IndustrialBrainError, InputError
from industrial_brain.lineage import Lineage
from industrial_brain.reference.land_area import LAND_AREA, province_land_area
from industrial_brain.macro import (
    COORDINATION_LEVELS,
    BetaConvergenceResult,
    CompositeIndexResult,
    CouplingResult,
    CVWeights,
    DagumGiniResult,
    EntropyWeights,
    IndexAuditResult,
    IndexSystem,
    KernelDensityResult,
    LocalMoranResult,
    MoranResult,
    NormalizationResult,
    ObstacleResult,
    SigmaConvergenceResult,
    SpatialWeights,
    TheilResult,
    WeightsResult,
    beta_convergence,
    beta_convergence_panel,
    coefficient_of_variation,
    composite_index,
    contiguity_weights,
    coupling_coordination,
    dagum_gini,
    default_index_systems,
    distance_weights,
    index_audit,
    kernel_density,
    load_index_system,
    moran_local,
    moran_panel,
    obstacle_degree,
    rank_agreement,
    sigma_convergence,
    theil,
)
from industrial_brain.services.index_audit import audit_values, load_audit
from industrial_brain.services.results import (
    dataset_lineage,
    save_run,
    stored_lineage,
)
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store
from industrial_brain.store.reference import external_reference
from industrial_brain.store.readers import parse_years, read_panel
from industrial_brain.store import regions as store_regions

__all__ = [
    "ROLES",
    "DEFAULT_SYSTEMS",
    "EXTERNAL_REFERENCES",
    "WEIGHTS_KINDS",
    "MacroRun",
    "run_macro",
    "resolve_systems",
    "macro_systems",
    "index_system",
    "export_run",
    "stored_macro_values",
    "macro_run_id",
    "stored_systems",
    "macro_runs",
    "map_values",
    "region_names",
    "load_macro_run",
    "newest_or_new_run",
    "region_table",
    "KIND",
]

#: Run kind in ``analysis_run``.
KIND = "macro"
#: The three index roles of the pipeline, in order.
ROLES = ("digital", "real", "nqpf")
#: Shipped default system per role.
DEFAULT_SYSTEMS: Mapping[str, str] = {
    "digital": "digital_economy",
    "real": "real_economy",
    "nqpf": "new_quality_productive_forces",
}
#: Source composite (external_reference.name) each role is compared with.
EXTERNAL_REFERENCES: Mapping[str, str] = {"digital": "digital_economy", "nqpf": "new_productivity_level"}
#: Spatial weights the pipeline can build from the store.
WEIGHTS_KINDS = ("contiguity", "inverse_distance", "knn")
_ROLE_NAMES = {
    "digital": ("digital economy", "数字经济"),
    "real": ("real economy", "实体经济"),
    "nqpf": ("new quality productive forces", "新质生产力"),
}
_MISSING = ("interpolate", "raise")
#: Significance of the LISA cluster labels.
_LISA_SIGNIFICANCE = 0.05


def _parameter_error(name: str, what: str, *, value: Any = None, expected: str | None = None) -> InputError:
    """An error about the pipeline parameter ``name``: ``parameter 'name': what (found …; expected …)``."""
    return InputError(f"parameter '{name}': {InputError.at(what, value=value, expected=expected)}")


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class MacroRun(ResultMixin):
    """Everything the macro pipeline computed for one store, window and parameter set.

    Attributes
    ----------
    run_id : str or None
        Id of the stored run (``None`` with ``save=False``).
    years : tuple of int
    regions : DataFrame
        Province code (index), ``name_en``, ``name_zh``, ``region4_en``, ``region4_zh``.
    systems : dict role → IndexSystem
    indices : dict role → CompositeIndexResult
    U : DataFrame
        ``(region_code, year)`` × roles: the three index scores in [0, 1].
    coupling : CouplingResult
        Coupling coordination of ``digital`` and ``real``.
    obstacles : dict role → ObstacleResult
    dagum : dict year → DagumGiniResult
        Dagum decomposition of D over the NBS four regions.
    theil_T, theil_L : dict year → TheilResult
        Theil indices of D with the four-region decomposition.
    inequality : DataFrame
        Per ``(variable, year)``: ``G``, ``G_w``, ``G_nb``, ``G_t``, ``theil_T``, ``theil_L``, ``CV``
        for D and each index.
    sigma : SigmaConvergenceResult or None
    beta_absolute, beta_panel : BetaConvergenceResult or None
    kde : KernelDensityResult or None
    moran : dict year → MoranResult
    local_moran : dict year → LocalMoranResult
    weights : SpatialWeights
    weights_kind : str
    rank_checks : DataFrame
        Per role compared and period (years and ``"pooled"``): ``n``, ``spearman``, ``kendall``.
    audits : dict role → IndexAuditResult
        The audit of each index (weights by method, contributions, correlations, alpha, PCA, Monte
        Carlo rank intervals; see :mod:`industrial_brain.services.index_audit`).
    notes : tuple of str
        What was interpolated, excluded or not computed, and why.
    lineage : Lineage
    """

    run_id: str | None
    years: tuple[int, ...]
    regions: pd.DataFrame
    systems: Mapping[str, IndexSystem]
    indices: Mapping[str, CompositeIndexResult]
    U: pd.DataFrame
    coupling: CouplingResult
    obstacles: Mapping[str, ObstacleResult]
    dagum: Mapping[int, DagumGiniResult]
    theil_T: Mapping[int, TheilResult]
    theil_L: Mapping[int, TheilResult]
    inequality: pd.DataFrame
    sigma: SigmaConvergenceResult | None
    beta_absolute: BetaConvergenceResult | None
    beta_panel: BetaConvergenceResult | None
    kde: KernelDensityResult | None
    moran: Mapping[int, MoranResult]
    local_moran: Mapping[int, LocalMoranResult]
    weights: SpatialWeights
    weights_kind: str
    rank_checks: pd.DataFrame
    model: str
    permutations: int
    seed: int | None
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("services.macro"))
    audits: Mapping[str, IndexAuditResult] = field(default_factory=dict)

    title_en = "Digital–real economy integration: macro pipeline"
    title_zh = "数实融合宏观分析流水线"

    # -------------------------------------------------------------- views
    @property
    def D(self) -> pd.DataFrame:
        """Coupling coordination degree D, provinces × years."""
        d = pd.Series(np.asarray(self.coupling.D), index=self.coupling.index)
        out = d.unstack(level=1)
        out.columns.name = "year"
        return out

    @staticmethod
    def level_names(lang: str = "en") -> list[tuple[int, str]]:
        """The ten coordination levels of D: ``(code, name in lang)``, code 0 (extreme disorder, D < 0.1)
        to 9 (quality coordination, D ≥ 0.9)."""
        check_lang(lang)
        return [(lv[0], lv[3] if lang == "zh" else lv[4]) for lv in COORDINATION_LEVELS]

    def dagum_table(self, lang: str = "en") -> pd.DataFrame:
        """Per year: G, G_w, G_nb, G_t and their shares, within-group Ginis (Dagum of D)."""
        check_lang(lang)
        rows = []
        for y, r in self.dagum.items():
            row = {
                "year": int(y),
                "G": r.gini,
                "G_w": r.within,
                "G_nb": r.net_between,
                "G_t": r.transvariation,
                "share_w": r.contributions["within"],
                "share_nb": r.contributions["net_between"],
                "share_t": r.contributions["transvariation"],
            }
            row.update({f"G_jj[{g}]": float(v) for g, v in r.G_jj.items()})
            rows.append(row)
        df = pd.DataFrame(rows)
        if lang == "zh" and len(df):
            df = df.rename(
                columns={
                    "year": "年份",
                    "G": "总体基尼系数",
                    "G_w": "组内",
                    "G_nb": "组间净差异",
                    "G_t": "超变密度",
                    "share_w": "组内贡献率",
                    "share_nb": "组间贡献率",
                    "share_t": "超变密度贡献率",
                }
            )
            df = df.rename(columns={c: c.replace("G_jj", "组内基尼") for c in df.columns})
        return df

    def moran_table(self, lang: str = "en") -> pd.DataFrame:
        """Per year: I, E[I], z and p (normality, randomisation) and the permutation p_sim; LISA counts."""
        check_lang(lang)
        rows = []
        for y, m in self.moran.items():
            row = {
                "year": int(y),
                "I": m.I,
                "EI": m.EI,
                "z_norm": m.z_norm,
                "p_norm": m.p_norm,
                "z_rand": m.z_rand,
                "p_rand": m.p_rand,
                "p_sim": m.p_sim,
            }
            loc = self.local_moran.get(y)
            if loc is not None and loc.p_sim is not None:
                cl = pd.Series(loc.cluster()).value_counts()
                row.update({k: int(cl.get(k, 0)) for k in ("HH", "LL", "HL", "LH")})
            rows.append(row)
        df = pd.DataFrame(rows)
        if lang == "zh" and len(df):
            df = df.rename(
                columns={"year": "年份", "HH": "高-高", "LL": "低-低", "HL": "高-低", "LH": "低-高"}
            )
        return df

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Provinces × years: names, NBS region, the three indices, C, T, D, coordination level,
        lagging subsystem and LISA cluster of D. Index ``(region_code, year)``."""
        check_lang(lang)
        zh = lang == "zh"
        cf = self.coupling.to_frame(lang)
        df = self.U.copy()
        for c in ("C", "T", "D"):
            df[c] = cf[c].to_numpy()
        df["level"] = cf["level"].to_numpy()
        df["level_code"] = cf["level_code"].to_numpy()
        lag_names = {r: _ROLE_NAMES[r][1 if zh else 0] for r in ROLES}
        df["lagging"] = [lag_names.get(v, v) for v in cf["lagging"]]
        cl = {}
        for y, loc in self.local_moran.items():
            if loc.p_sim is None:  # permutations=0: no significance, no cluster labels
                continue
            for code, c in zip(loc.ids, loc.cluster()):
                cl[(code, y)] = c
        if cl:
            quad_zh = {"HH": "高-高", "LH": "低-高", "LL": "低-低", "HL": "高-低", "ns": "不显著"}
            df["lisa"] = [(quad_zh.get(cl.get(k, "")) if zh else cl.get(k, "")) for k in df.index]
        reg = self.regions
        codes = df.index.get_level_values(0)
        df.insert(0, "region4", reg.loc[codes, "region4_zh" if zh else "region4_en"].to_numpy())
        df.insert(0, "name", reg.loc[codes, "name_zh" if zh else "name_en"].to_numpy())
        if zh:
            df = df.rename(
                columns={
                    "name": "名称",
                    "region4": "四大地区",
                    "digital": "数字经济指数",
                    "real": "实体经济指数",
                    "nqpf": "新质生产力指数",
                    "C": "耦合度C",
                    "T": "综合发展指数T",
                    "D": "耦合协调度D",
                    "level": "协调等级",
                    "level_code": "等级代码",
                    "lagging": "滞后子系统",
                    "lisa": "LISA聚类",
                }
            )
        return df

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        y0, y1 = self.years[0], self.years[-1]
        D = self.D
        yield ("运行编号" if zh else "run id", self.run_id or ("未保存" if zh else "not saved"))
        yield ("年份" if zh else "years", f"{y0}–{y1}")
        yield ("省份数" if zh else "provinces", int(D.shape[0]))
        for r in ROLES:
            s = self.systems[r]
            yield ((f"指数体系 {_ROLE_NAMES[r][1]}" if zh else f"index system ({r})"), s.code)
        yield ("耦合模型" if zh else "coupling model", self.model)
        yield (f"平均D {y0}" if zh else f"mean D {y0}", float(D[y0].mean()))
        yield (f"平均D {y1}" if zh else f"mean D {y1}", float(D[y1].mean()))
        counts = pd.Series(np.asarray(self.coupling.level)[self.coupling.index.get_level_values(1) == y1])
        top = int(counts.value_counts().idxmax())
        yield (
            (f"{y1} 最常见等级" if zh else f"most common level {y1}"),
            COORDINATION_LEVELS[top][3 if zh else 4] + f" ({int((counts == top).sum())})",
        )
        if y1 in self.dagum and y0 in self.dagum:
            yield (f"Dagum G {y0} → {y1}", f"{self.dagum[y0].gini:.4f} → {self.dagum[y1].gini:.4f}")
            c = self.dagum[y1].contributions
            yield (
                (f"{y1} 贡献率 组内/组间/超变" if zh else f"{y1} shares within/between/transvariation"),
                f"{c['within']:.1%} / {c['net_between']:.1%} / {c['transvariation']:.1%}",
            )
        if self.sigma is not None:
            yield ("σ收敛 (CV 斜率)" if zh else "σ-convergence (slope of CV)", self.sigma.slope_CV)
        if self.beta_panel is not None:
            yield (
                "面板β (固定效应)" if zh else "panel β (fixed effects)",
                f"{self.beta_panel.beta:.4f} (p = {self.beta_panel.pvalues['beta']:.3g})",
            )
        if self.moran:
            yield (
                (f"莫兰 I {y1} ({self.weights_kind})" if zh else f"Moran's I {y1} ({self.weights_kind})"),
                f"{self.moran[y1].I:.4f} ("
                + (
                    f"p_sim = {self.moran[y1].p_sim:.3g}"
                    if self.moran[y1].p_sim is not None
                    else f"p_norm = {self.moran[y1].p_norm:.3g}"
                )
                + ")",
            )
        for _, row in self.rank_checks[self.rank_checks["period"] == "pooled"].iterrows():
            yield (
                (
                    f"秩相关 {row['role']} vs {row['reference']}"
                    if zh
                    else f"Spearman {row['role']} vs source {row['reference']}"
                ),
                float(row["spearman"]),
            )
        for n in self.notes:
            yield ("说明" if zh else "note", n)


# ----------------------------------------------------------------------------- inputs
def macro_systems() -> pd.DataFrame:
    """The shipped index systems: code, role in the pipeline, dimensions, indicators, source."""
    rows = []
    role_of = {v: k for k, v in DEFAULT_SYSTEMS.items()}
    for name in default_index_systems():
        s = load_index_system(name)
        rows.append(
            {
                "code": s.code,
                "role": role_of.get(s.code, ""),
                "name_en": s.name_en,
                "name_zh": s.name_zh,
                "dimensions": len(s.dimensions),
                "indicators": len(s.indicators),
                "absent_from_data": len(s.absent_from_data),
                "weighting": s.weighting,
                "follows": " ".join(s.follows.split())[:160],
            }
        )
    return pd.DataFrame(rows)


def index_system(source: Any) -> IndexSystem:
    """A shipped index system by code, or one read and validated from a YAML file."""
    return load_index_system(source)


def resolve_systems(systems: Any = None) -> dict[str, IndexSystem]:
    """Role → validated system: defaults, replaced by any given.

    ``systems`` may be a mapping role → (name | path | IndexSystem), or an iterable of specs
    ``"ROLE=FILE"`` / ``"FILE"`` (a bare file's role comes from its ``code`` when that is a default
    system code, e.g. a user ``digital_economy`` file replaces the default one).
    """
    chosen: dict[str, Any] = dict(DEFAULT_SYSTEMS)
    if systems is None:
        pass
    elif isinstance(systems, Mapping):
        for role, src in systems.items():
            if role not in ROLES:
                raise _parameter_error("systems", "unknown index role", value=role, expected=", ".join(ROLES))
            chosen[role] = src
    else:
        if isinstance(systems, (str, Path)):
            systems = [systems]
        for spec in systems:
            spec_s = str(spec)
            role, _, path = spec_s.partition("=")
            if path and role in ROLES:
                chosen[role] = path
                continue
            sysobj = load_index_system(spec if not isinstance(spec, str) else spec_s)
            by_code = {v: k for k, v in DEFAULT_SYSTEMS.items()}
            if sysobj.code not in by_code:
                raise InputError.at(
                    "cannot tell which index this system replaces",
                    file=spec_s,
                    column="code",
                    value=sysobj.code,
                    expected="a spec ROLE=FILE with ROLE one of "
                    + ", ".join(ROLES)
                    + ", or a file whose code is "
                    + " / ".join(DEFAULT_SYSTEMS.values()),
                )
            chosen[by_code[sysobj.code]] = sysobj
    return {r: load_index_system(chosen[r]) for r in ROLES}


def region_table(store: Store) -> pd.DataFrame:
    """The provinces of the NBS four-region grouping (the 31 mainland provinces), indexed by code, with
    names, group (``region4_en``/``region4_zh``, read from the stored region reference data) and capital
    coordinates."""
    df = store_regions.regions(store, "province")
    df = df[df["region4_en"].notna()].set_index("code")
    if df.empty:
        raise InputError.at(
            "the store has no provinces with an NBS four-region group",
            column="region4_en",
            expected="a store initialised with the default data (ibrain init)",
        )
    return df[["name_zh", "name_en", "region4_en", "region4_zh", "capital_lon", "capital_lat"]]


def region_names(store: Store, lang: str = "en") -> dict[str, str]:
    """``code → name`` (in ``lang``) of every stored region."""
    return store_regions.region_names(store, lang)


def _interpolate(P: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, int, str]]]:
    """Fill interior gaps of each region's series linearly in the year; list the filled cells."""
    before = P.isna()
    wide = P.unstack(level=0)  # years × (indicator, region): one series per column
    wide = wide.interpolate(method="index", limit_area="inside")
    Q = wide.stack(level=1, future_stack=True).swaplevel(0, 1).reindex(P.index)[list(P.columns)]
    filled = before & Q.notna()
    rr, cc = np.nonzero(filled.to_numpy())
    cells = [(str(P.index[i][0]), int(P.index[i][1]), str(P.columns[j])) for i, j in zip(rr, cc)]
    return Q, cells


def _years(P: pd.DataFrame, years: Any) -> list[int]:
    if years is not None:
        lo, hi = parse_years(years) if isinstance(years, str) else (int(years[0]), int(years[1]))
        have = sorted(int(y) for y in P.index.get_level_values(1).unique() if lo <= y <= hi)
        if not have:
            raise _parameter_error("years", "no panel data in the requested years", value=f"{lo}:{hi}")
        return have
    complete = P.notna().all(axis=1).groupby(level=1).all()
    ok = sorted(int(y) for y, v in complete.items() if v)
    # the longest run of consecutive complete years (the latest on a tie): convergence needs a
    # contiguous window
    best: list[int] = []
    cur: list[int] = []
    for y in ok:
        cur = cur + [y] if cur and y == cur[-1] + 1 else [y]
        if len(cur) >= len(best):
            best = cur
    if len(best) < 3:
        raise _parameter_error(
            "years",
            "fewer than three consecutive years with complete data for every province",
            value=ok,
            expected="missing='interpolate', or indicators/years with complete data",
        )
    return best


def _spatial(store: Store, regions: pd.DataFrame, kind: str, k: int) -> tuple[SpatialWeights, list[str]]:
    ids = list(regions.index)
    if kind == "contiguity":
        pairs = store_regions.neighbour_pairs(store)
        if pairs.empty:
            raise _parameter_error(
                "weights",
                "the store holds no contiguity (no neighbour pairs)",
                value=kind,
                expected="a store initialised with the default data, or weights inverse_distance / knn",
            )
        sw = contiguity_weights(pairs[["code_a", "code_b", "kind"]], ids=ids)
        return sw, sorted(pairs["dataset_id"].dropna().unique())
    coords = regions[["capital_lon", "capital_lat"]]
    if kind == "inverse_distance":
        return distance_weights(coords, "inverse"), []
    return distance_weights(coords, "knn", k=k), []


def _try(notes: list[str], what: str, fn: Callable[[], Any]) -> Any:
    """Run an optional statistic; on a user-level failure, note why instead of aborting the run."""
    try:
        return fn()
    except IndustrialBrainError as exc:
        notes.append(f"{what} not computed: {exc}")
        return None


# ----------------------------------------------------------------------------- pipeline
def run_macro(
    store: Store,
    systems: Any = None,
    years: Any = None,
    *,
    model: str = "conventional",
    weights: str = "contiguity",
    k: int = 4,
    permutations: int = 999,
    seed: int | None = 20240501,
    missing: str = "interpolate",
    save: bool = True,
    note: str = "",
    audit_draws: int | None = 200,
) -> MacroRun:
    """Run the macro pipeline on the store (see the module docstring).

    Parameters
    ----------
    store : Store
    systems : mapping role → system, or iterable of ``"ROLE=FILE"`` / ``"FILE"``, optional
        Replace default index systems (roles ``digital``, ``real``, ``nqpf``).
    years : ``"FROM:TO"`` or (from, to), optional
        Window; default: the longest run of consecutive years with complete data for all provinces
        and indicators (after interpolation under ``missing="interpolate"``).
    model : {"conventional", "corrected"}
        Coupling-degree model.
    weights : {"contiguity", "inverse_distance", "knn"}
        Spatial weights for Moran's I (row-standardised).
    k : int
        Neighbours for ``weights="knn"``.
    permutations : int
        Permutations for global and local Moran (seeded).
    seed : int, optional
        Seed of the permutations (global: ``seed``; local Moran of the ``i``-th year: ``seed + i``).
    missing : {"interpolate", "raise"}
        Gaps left by excluded (error-flagged) values: interpolate linearly in the year, or refuse.
    save : bool
        Store the run with lineage (``analysis_run`` / ``analysis_value``).
    audit_draws : int or None, default 200
        Monte Carlo draws of each index's audit (:func:`~industrial_brain.macro.index_audit`, seeded
        with ``seed``; 0: the audit without rank intervals; None: no audit).

    Returns
    -------
    MacroRun
    """
    if missing not in _MISSING:
        raise _parameter_error(
            "missing", "unknown missing-value rule", value=missing, expected=" / ".join(_MISSING)
        )
    if weights not in WEIGHTS_KINDS:
        raise _parameter_error(
            "weights", "unknown spatial weights", value=weights, expected=" / ".join(WEIGHTS_KINDS)
        )
    if not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise _parameter_error(
            "permutations", "permutations must be a non-negative integer", value=permutations
        )
    if audit_draws is not None and (
        not isinstance(audit_draws, (int, np.integer)) or audit_draws < 0 or 0 < audit_draws < 10
    ):
        raise _parameter_error("audit_draws", "draws must be 0 or an integer >= 10", value=audit_draws)
    sysmap = resolve_systems(systems)
    regions = region_table(store)
    codes = list(dict.fromkeys(c for r in ROLES for c in sysmap[r].input_codes))
    P_all = read_panel(store, indicators=[c for c in codes if c != LAND_AREA])
    notes: list[str] = []
    excluded = P_all.attrs.get("excluded", pd.DataFrame())
    datasets = list(P_all.attrs.get("datasets", []))
    P_all = P_all[P_all.index.get_level_values(0).isin(regions.index)].copy()
    P_all.attrs = {}
    # every province needs a row in every year: reindex to the full grid so gaps show as NaN
    all_years = sorted(int(y) for y in P_all.index.get_level_values(1).unique())
    grid = pd.MultiIndex.from_product([list(regions.index), all_years], names=["region_code", "year"])
    P_all = P_all.reindex(grid)
    if LAND_AREA in codes:  # time-invariant, from the map polygons (reference.land_area)
        P_all[LAND_AREA] = P_all.index.get_level_values(0).map(province_land_area()).astype(float)
    P_f, filled = _interpolate(P_all) if missing == "interpolate" else (P_all, [])
    window = _years(P_f, years)
    if missing == "interpolate":
        in_win = [c for c in filled if c[1] in window]
        if in_win:
            ex = "; ".join(f"{r} {y} {c}" for r, y, c in in_win[:6])
            notes.append(
                f"{len(in_win)} value(s) excluded by the quality screening were interpolated "
                f"linearly between neighbouring years: {ex}{' …' if len(in_win) > 6 else ''}"
            )
    else:
        in_win = []
    P = P_f[P_f.index.get_level_values(1).isin(window)]
    na = P.isna().to_numpy()
    if na.any():
        i, j = np.argwhere(na)[0]
        raise InputError.at(
            f"{int(na.sum())} missing panel value(s) in the window; first at {P.index[i][0]} {P.index[i][1]}",
            column=str(P.columns[j]),
            expected="a complete window: years within the complete years, or missing='interpolate'",
        )
    n_excl = int(len(excluded[excluded["year"].isin(window)])) if len(excluded) else 0
    if n_excl and not in_win:
        notes.append(
            f"{n_excl} value(s) in the window were left out as errors by the quality screening "
            "(see 'ibrain quality')"
        )

    # 1. indices
    indices = {r: composite_index(P, sysmap[r]) for r in ROLES}
    for r in ROLES:
        notes.extend(f"{r}: {n}" for n in indices[r].notes)
    U = pd.DataFrame({r: indices[r].score.reindex(P.index) for r in ROLES})
    audits = {}
    if audit_draws is not None:
        for r in ROLES:
            a = _try(
                notes,
                f"audit of the {r} index",
                lambda r=r: index_audit(P, sysmap[r], draws=int(audit_draws), seed=seed),
            )
            if a is not None:
                audits[r] = a
    # 2. coupling coordination of digital vs real
    cc = coupling_coordination(U[["digital", "real"]], model=model)
    # 3. obstacles
    obstacles = {
        r: obstacle_degree(
            indices[r].normalized.X, indices[r].weights["global"], sysmap[r].dimension_of, top_k=3
        )
        for r in ROLES
    }
    # 4. inequality per year
    Dser = pd.Series(np.asarray(cc.D), index=cc.index)
    Dpanel = Dser.unstack(level=1)
    groups = regions["region4_en"].reindex(Dpanel.index)  # the NBS four regions, as stored
    dagum, tT, tL, ineq_rows = {}, {}, {}, []
    variables = {"D": Dpanel, **{r: U[r].unstack(level=1) for r in ROLES}}
    for y in window:
        dagum[y] = dagum_gini(Dpanel[y], groups)
        tT[y] = theil(Dpanel[y], groups, kind="T")
        tL[y] = _try(notes, f"Theil L of D in {y}", lambda y=y: theil(Dpanel[y], groups, kind="L"))
        for var, frame in variables.items():
            v = frame[y]
            dg = (
                dagum[y]
                if var == "D"
                else _try(notes, f"Dagum Gini of {var} in {y}", lambda v=v: dagum_gini(v, groups))
            )
            th = (
                tT[y]
                if var == "D"
                else _try(notes, f"Theil T of {var} in {y}", lambda v=v: theil(v, groups, "T"))
            )
            tl = (
                tL[y]
                if var == "D"
                else _try(notes, f"Theil L of {var} in {y}", lambda v=v: theil(v, groups, "L"))
            )
            ineq_rows.append(
                {
                    "variable": var,
                    "year": y,
                    "G": dg.gini if dg else None,
                    "G_w": dg.within if dg else None,
                    "G_nb": dg.net_between if dg else None,
                    "G_t": dg.transvariation if dg else None,
                    "theil_T": th.total if th else None,
                    "theil_L": tl.total if tl else None,
                    "CV": coefficient_of_variation(v),
                }
            )
    inequality = pd.DataFrame(ineq_rows).set_index(["variable", "year"])
    # 5. convergence, 6. kernel density
    sigma = _try(notes, "σ-convergence of D", lambda: sigma_convergence(Dpanel))
    T_len = window[-1] - window[0]
    beta_abs = _try(
        notes,
        "absolute β-convergence of D",
        lambda: beta_convergence(Dpanel[window[0]], Dpanel[window[-1]], T=T_len),
    )
    beta_pan = _try(notes, "panel β-convergence of D", lambda: beta_convergence_panel(Dpanel))
    kde = _try(notes, "kernel density of D", lambda: kernel_density(Dpanel))
    # 7. spatial
    sw, geo_ds = _spatial(store, regions, weights, k)
    datasets += geo_ds
    if sw.islands:
        notes.append(
            f"spatial weights leave {len(sw.islands)} island(s) without neighbours: "
            + ", ".join(map(str, sw.islands))
        )
    mor = moran_panel(Dpanel, sw, permutations=int(permutations), seed=seed)
    loc = {
        y: moran_local(
            Dpanel[y],
            sw,
            permutations=int(permutations),
            significance=_LISA_SIGNIFICANCE,
            seed=None if seed is None else seed + i,
        )
        for i, y in enumerate(window)
    }
    # 8. external rank check
    checks = []
    for role, ref in EXTERNAL_REFERENCES.items():
        ext_rows = external_reference(store, ref)
        if ext_rows.empty:
            notes.append(f"no external reference '{ref}' in the store: rank check of {role} skipped")
            continue
        ext = ext_rows.set_index(["region_code", "year"])["value"]
        ra = _try(
            notes,
            f"rank check of {role}",
            lambda role=role, ext=ext: rank_agreement(indices[role].score, ext),
        )
        if ra is None:
            continue
        for period, row in ra.iterrows():
            checks.append(
                {
                    "role": role,
                    "reference": ref,
                    "period": str(period),
                    "n": int(row["n"]),
                    "spearman": float(row["spearman"]),
                    "kendall": float(row["kendall"]),
                }
            )
        datasets += sorted(ext_rows["dataset_id"].unique())
    rank_checks = pd.DataFrame(checks, columns=["role", "reference", "period", "n", "spearman", "kendall"])
    region_ds = store_regions.region_datasets(store, "province")
    lineage = Lineage.make(
        "services.macro.run_macro",
        {
            "systems": {r: {"code": sysmap[r].code, "version": sysmap[r].version} for r in ROLES},
            "years": [int(y) for y in window],
            "model": model,
            "weights": weights,
            "k": int(k) if weights == "knn" else None,
            "permutations": int(permutations),
            "audit_draws": audit_draws,
            "missing": missing,
            "interpolated": [list(c) for c in in_win],
            "excluded_in_window": n_excl,
            "normalization": "minmax",
            "reference": "pooled",
            "aggregation": "arithmetic",
            "groups": "NBS four regions (region.region4_en)",
        },
        seed=seed,
        datasets=dataset_lineage(store, datasets + region_ds),
    )
    run = MacroRun(
        run_id=None,
        years=tuple(int(y) for y in window),
        regions=regions,
        systems=sysmap,
        indices=indices,
        U=readonly(U),
        coupling=cc,
        obstacles=obstacles,
        dagum=dagum,
        theil_T=tT,
        theil_L=tL,
        inequality=readonly(inequality),
        sigma=sigma,
        beta_absolute=beta_abs,
        beta_panel=beta_pan,
        kde=kde,
        moran=mor,
        local_moran=loc,
        weights=sw,
        weights_kind=weights,
        rank_checks=rank_checks,
        model=model,
        permutations=int(permutations),
        seed=seed,
        notes=tuple(notes),
        lineage=lineage,
        audits=audits,
    )
    if save:
        run = replace(run, run_id=save_run(store, KIND, lineage, _long_values(run), note=note))
    return run


# ----------------------------------------------------------------------------- storage
def _long_values(run: MacroRun) -> pd.DataFrame:
    """All numbers of a run as long rows (region_code, year, measure, value, label)."""
    parts: list[pd.DataFrame] = []

    def add(region, year, measure, value, label=None):
        parts.append(
            pd.DataFrame(
                {"region_code": region, "year": year, "measure": measure, "value": value, "label": label}
            )
        )

    idx = run.U.index
    reg = idx.get_level_values(0).to_numpy(dtype=object)
    yr = idx.get_level_values(1).to_numpy()
    for r in ROLES:
        add(reg, yr, f"index.{r}", run.U[r].to_numpy(), run.systems[r].code)
        dims = run.indices[r].dimension_scores.reindex(idx)
        for d in dims.columns:
            add(reg, yr, f"dim.{r}.{d}", dims[d].to_numpy())
        ob = run.obstacles[r]
        degrees = ob.O.reindex(idx)
        for c in degrees.columns:
            add(reg, yr, f"obstacle.{r}.{c}", degrees[c].to_numpy())
        if ob.dimensions is not None:
            Od = ob.dimensions.reindex(idx)
            for c in Od.columns:
                add(reg, yr, f"obstacle_dim.{r}.{c}", Od[c].to_numpy())
    cc = run.coupling
    for m in ("C", "T", "D"):
        add(reg, yr, m, np.asarray(getattr(cc, m)))
    add(reg, yr, "level", np.asarray(cc.level, dtype=float), list(cc.level_labels("en")))
    add(
        reg,
        yr,
        "lagging",
        np.full(len(reg), np.nan),
        [("synchronous" if s is None else s) for s in cc.lagging],
    )
    for y, loc in run.local_moran.items():
        ids = np.asarray(loc.ids, dtype=object)
        add(ids, y, "lisa.Ii", np.asarray(loc.Is))
        if loc.p_sim is not None:
            add(ids, y, "lisa.p_sim", np.asarray(loc.p_sim))
            add(ids, y, "lisa.cluster", np.asarray(loc.q, dtype=float), list(loc.cluster()))
    rows = []
    for (var, y), r in run.inequality.iterrows():
        for m, v in r.items():
            if v is not None and np.isfinite(v):
                rows.append((None, int(y), f"inequality.{var}.{m}", float(v), None))
    for y, dg in run.dagum.items():
        for g, v in dg.G_jj.items():
            rows.append((None, int(y), "dagum.D.G_jj", float(v), str(g)))
        for _, p in dg.pair_contributions.iterrows():
            rows.append((None, int(y), "dagum.D.G_jh", float(p["G_jh"]), f"{p['group_j']}|{p['group_h']}"))
        for k, v in dg.contributions.items():
            rows.append((None, int(y), f"dagum.D.share_{k}", float(v), None))
    for y, m in run.moran.items():
        for a in ("I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand", "p_sim", "z_sim"):
            v = getattr(m, a)
            if v is not None:
                rows.append((None, int(y), f"moran.D.{a}", float(v), run.weights_kind))
    if run.sigma is not None:
        for y, r in run.sigma.by_year.iterrows():
            for c in ("CV", "sd_log"):
                rows.append((None, int(y), f"sigma.D.{c}", float(r[c]), None))
    for name, b in (("beta_absolute", run.beta_absolute), ("beta_panel", run.beta_panel)):
        if b is not None:
            rows += [
                (None, None, f"{name}.D.beta", b.beta, b.cov_type),
                (None, None, f"{name}.D.std_error", float(b.std_errors["beta"]), b.cov_type),
                (None, None, f"{name}.D.p", float(b.pvalues["beta"]), b.cov_type),
                (None, None, f"{name}.D.speed", b.speed, None),
            ]
    if run.kde is not None:
        for y, f in run.kde.features.iterrows():
            for c in ("peak_x", "peak_height", "n_peaks", "fwhm", "bandwidth"):
                rows.append((None, int(y), f"kde.D.{c}", float(f[c]), None))
    for _, c in run.rank_checks.iterrows():
        y = None if c["period"] == "pooled" else int(c["period"])
        rows.append((None, y, f"rank.{c['role']}.spearman", c["spearman"], c["reference"]))
        rows.append((None, y, f"rank.{c['role']}.kendall", c["kendall"], c["reference"]))
    parts.append(pd.DataFrame(rows, columns=["region_code", "year", "measure", "value", "label"]))
    parts.append(_reload_values(run))
    parts += [audit_values(a, r) for r, a in run.audits.items()]
    out = pd.concat(parts, ignore_index=True)
    out["year"] = pd.array(out["year"], dtype="Int16")
    return out


def _meta(part: str, year: int | None = None, **fields: Any) -> tuple:
    """A ``meta.<part>`` row: the texts and settings of one result part, as JSON in ``label``."""
    return (None, year, f"meta.{part}", np.nan, json.dumps(fields, ensure_ascii=False, sort_keys=True))


def _labelled(year: int | None, measure: str, values: pd.Series) -> list[tuple]:
    """One row per entry of ``values`` (a labelled vector: groups, indicators, coefficients)."""
    return [(None, year, measure, float(v), str(k)) for k, v in values.items()]


def _reload_values(run: MacroRun) -> pd.DataFrame:
    """The numbers and settings, beyond the published measures, from which :func:`load_macro_run`
    rebuilds the run's result objects: normalised panels, weights and deviations of each index,
    the full Dagum, Theil, convergence, Moran and LISA statistics, the kernel-density curves, the
    spatial weights, and the texts (``meta.*`` rows whose label is JSON)."""
    parts: list[pd.DataFrame] = []
    rows: list[tuple] = [_meta("run", notes=list(run.notes))]

    def add(region, year, measure, value, label=None):
        parts.append(
            pd.DataFrame(
                {"region_code": region, "year": year, "measure": measure, "value": value, "label": label}
            )
        )

    idx = run.U.index
    reg = idx.get_level_values(0).to_numpy(dtype=object)
    yr = idx.get_level_values(1).to_numpy()
    for r in ROLES:
        ci, nz, ob = run.indices[r], run.indices[r].normalized, run.obstacles[r]
        rows.append(
            _meta(
                f"index.{r}",
                system=run.systems[r].model_dump(mode="json"),
                normalization=ci.normalization,
                weighting=ci.weighting,
                aggregation=ci.aggregation,
                reference=ci.reference,
                notes=list(ci.notes),
                weight_columns=list(ci.weights.columns),
                weight_text={
                    c: ci.weights[c].astype(str).to_dict()
                    for c in ci.weights.columns
                    if not pd.api.types.is_numeric_dtype(ci.weights[c])
                },
                details={k: d.method for k, d in ci.weight_details.items()},
                norm={
                    "method": nz.method,
                    "reference": nz.reference,
                    "shift": float(nz.shift),
                    "directions": {str(k): v for k, v in nz.directions.items()},
                    "notes": list(nz.notes),
                    "columns": list(nz.X.columns),
                    "stats_index": list(nz.reference_stats.index.names),
                    "stats_labels": ["|".join(map(str, np.atleast_1d(k))) for k in nz.reference_stats.index],
                },
                obstacle={
                    "top_k": ob.top_k,
                    "notes": list(ob.notes),
                    "columns": list(ob.O.columns),
                    "dimensions": None if ob.dimensions is None else list(ob.dimensions.columns),
                },
            )
        )
        X = nz.X.reindex(idx)
        for c in X.columns:
            add(reg, yr, f"norm.{r}.{c}", X[c].to_numpy())
        for c in nz.reference_stats.columns:
            st = nz.reference_stats[c]
            rows += [
                (None, None, f"norm_stat.{r}.{c}", float(v), "|".join(map(str, np.atleast_1d(k))))
                for k, v in st.items()
            ]
        for c in ci.weights.columns:
            if pd.api.types.is_numeric_dtype(ci.weights[c]):
                rows += _labelled(None, f"weight.{r}.{c}", ci.weights[c])
        rows += _labelled(None, f"dim_weight.{r}", ci.dimension_weights)
        for key, det in ci.weight_details.items():
            for c, col in det.to_frame().items():
                rows += _labelled(None, f"weight_detail.{r}.{key}.{c}", col)
        dev = ob.I.reindex(idx)
        for c in dev.columns:
            add(reg, yr, f"obstacle_dev.{r}.{c}", dev[c].to_numpy())
        rows += _labelled(None, f"obstacle_F.{r}", ob.F)
    cc = run.coupling
    rows.append(
        _meta(
            "coupling",
            systems=list(cc.systems),
            weights=[float(w) for w in cc.weights],
            sync_tol=float(cc.sync_tol),
            notes=list(cc.notes),
        )
    )
    for y, loc in run.local_moran.items():
        ids = np.asarray(loc.ids, dtype=object)
        rows.append(
            _meta(
                "lisa",
                int(y),
                permutations=loc.permutations,
                alternative=loc.alternative,
                transformation=loc.transformation,
                significance=loc.significance,
                seed=loc.seed,
                notes=list(loc.notes),
            )
        )
        for a in ("q", "z", "lag", "EI", "VI", "EI_sim", "seI_sim", "z_sim"):
            v = getattr(loc, a)
            if v is not None:
                add(ids, y, f"lisa.{a}", np.asarray(v, dtype=float))
    for y, dg in run.dagum.items():
        pairs = dg.pair_contributions
        keys = [f"{j}|{h}" for j, h in zip(pairs["group_j"], pairs["group_h"])]
        rows.append(
            _meta("dagum", int(y), notes=list(dg.notes), groups=[str(g) for g in dg.G_jj.index], pairs=keys)
        )
        for c in dg.groups.columns:
            rows += _labelled(int(y), f"dagum.D.group.{c}", dg.groups[c])
        for c in ("D_jh", "weight", "G_nb", "G_t"):
            rows += _labelled(int(y), f"dagum.D.pair.{c}", pd.Series(pairs[c].to_numpy(), index=keys))
    for kind, results in (("T", run.theil_T), ("L", run.theil_L)):
        for y, th in results.items():
            if th is None:
                continue
            rows += [
                (None, int(y), f"theil.D.{kind}.between", th.between, None),
                (None, int(y), f"theil.D.{kind}.within", th.within, None),
            ]
            for c in th.by_group.columns:
                rows += _labelled(int(y), f"theil.D.{kind}.group.{c}", th.by_group[c])
    if run.sigma is not None:
        s = run.sigma
        rows.append(_meta("sigma", ddof=s.ddof))
        for y, r in s.by_year.iterrows():
            rows += [(None, int(y), f"sigma.D.{c}", float(r[c]), None) for c in ("mean", "std")]
        rows += [
            (None, None, f"sigma.D.{a}", float(getattr(s, a)), None)
            for a in ("slope_CV", "p_CV", "slope_sd_log", "p_sd_log")
        ]
    for name, b in (("beta_absolute", run.beta_absolute), ("beta_panel", run.beta_panel)):
        if b is not None:
            rows.append(
                _meta(
                    name,
                    kind=b.kind,
                    cov_type=b.cov_type,
                    half_life=b.half_life,
                    coefficients=[str(c) for c in b.params.index],
                )
            )
            for a in ("params", "std_errors", "tstats", "pvalues"):
                rows += _labelled(None, f"{name}.D.{a}", getattr(b, a))
            rows += [
                (None, None, f"{name}.D.r2", float(b.r2), None),
                (None, None, f"{name}.D.nobs", b.nobs, None),
            ]
    if run.kde is not None:
        rows.append(
            _meta(
                "kde",
                bw_method=str(run.kde.bw_method),
                integer_features=[
                    c for c in run.kde.features.columns if pd.api.types.is_integer_dtype(run.kde.features[c])
                ],
            )
        )
        rows += _labelled(None, "kde.D.grid", pd.Series(np.asarray(run.kde.grid)))
        for y, f in run.kde.density.iterrows():
            rows += _labelled(int(y), "kde.D.density", f)
    for y, m in run.moran.items():
        rows.append(
            _meta(
                "moran",
                int(y),
                n=m.n,
                permutations=m.permutations,
                alternative=m.alternative,
                transformation=m.transformation,
                seed=m.seed,
                notes=list(m.notes),
            )
        )
        for a in ("seI_norm", "seI_rand", "EI_sim", "seI_sim", "VI_sim", "p_z_sim"):
            v = getattr(m, a)
            if v is not None:
                rows.append((None, int(y), f"moran.D.{a}", float(v), run.weights_kind))
    sw = run.weights
    rows.append(
        _meta(
            "weights",
            ids=[str(i) for i in sw.ids],
            transformation=sw.transformation,
            islands=[str(i) for i in sw.islands],
        )
    )
    W = sw.W.tocoo()
    ids = np.asarray(sw.ids, dtype=object)
    add(ids[W.row], None, "weights.w", W.data.astype(float), [str(j) for j in ids[W.col]])
    for _, c in run.rank_checks.iterrows():
        y = None if c["period"] == "pooled" else int(c["period"])
        rows.append((None, y, f"rank.{c['role']}.n", float(c["n"]), c["reference"]))
    parts.append(pd.DataFrame(rows, columns=["region_code", "year", "measure", "value", "label"]))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------- reload
class _Values:
    """A stored run's long values, indexed by measure and year, with typed accessors for
    :func:`load_macro_run`."""

    def __init__(self, values: pd.DataFrame):
        self.region = values["region_code"].to_numpy(dtype=object)
        self.year = values["year"].fillna(-1).to_numpy(dtype="int64")  # -1: no year
        self.value = values["value"].to_numpy(dtype=float)
        self.label = values["label"].to_numpy(dtype=object)
        self.by = values.groupby("measure", sort=False).indices
        self.at = values.groupby([values["measure"].to_numpy(), self.year], sort=False).indices
        ry = values[values["region_code"].notna() & values["year"].notna()]
        self.wide = ry.assign(year=ry["year"].astype("int64")).pivot(
            index=["region_code", "year"], columns="measure", values="value"
        )
        self._wide_at: pd.DataFrame | None = None

    def rows(self, measure: str, year: int | None = None) -> np.ndarray:
        """Positions of the rows of ``measure`` (all years, or those of ``year``)."""
        pos = self.by.get(measure) if year is None else self.at.get((measure, int(year)))
        return np.array([], dtype="int64") if pos is None else pos

    def has(self, measure: str) -> bool:
        return measure in self.by

    def scalar(self, measure: str, year: int | None = None) -> float | None:
        """The one value of ``measure`` in ``year`` (None: the row without a year), or None if not stored."""
        pos = self.at.get((measure, -1 if year is None else int(year)))
        return None if pos is None else float(self.value[pos[0]])

    def labelled(self, measure: str, year: int | None = None, order: list | None = None) -> pd.Series:
        """A labelled vector (groups, indicators, coefficients, grid points), in the label order ``order``
        (by default as read)."""
        pos = self.rows(measure, year)
        s = pd.Series(self.value[pos], index=pd.Index([str(x) for x in self.label[pos]]))
        return s if order is None else s.reindex([str(k) for k in order])

    def grid(self, measure: str, year: int | None = None) -> np.ndarray:
        """A vector stored with its positions as labels (``"0"``, ``"1"``, …), in position order."""
        pos = self.rows(measure, year)
        return self.value[pos][np.argsort(self.label[pos].astype(int))]

    def panel(self, measure: str, index: pd.MultiIndex) -> np.ndarray:
        """Region × year values of ``measure`` in the order of ``index``."""
        if self._wide_at is None or not self._wide_at.index.equals(index):
            self._wide_at = self.wide.reindex(index)
        return self._wide_at[measure].to_numpy(dtype=float)

    def panel_labels(self, measure: str, index: pd.Index) -> np.ndarray:
        """Region × year labels of ``measure`` in the order of ``index``."""
        pos = self.rows(measure)
        s = pd.Series(self.label[pos], index=pd.MultiIndex.from_arrays([self.region[pos], self.year[pos]]))
        return s.reindex(index).to_numpy(dtype=object)

    def by_region(self, measure: str, year: int, ids: pd.Index) -> np.ndarray | None:
        """Values of ``measure`` in ``year`` in the order of the regions ``ids`` (None if not stored)."""
        pos = self.rows(measure, year)
        if not len(pos):
            return None
        return pd.Series(self.value[pos], index=self.region[pos]).reindex(ids).to_numpy()

    def meta(self, part: str, year: int | None = None) -> dict | None:
        """The settings and texts of one result part (its ``meta.<part>`` row), or None."""
        pos = self.at.get((f"meta.{part}", -1 if year is None else int(year)))
        return None if pos is None else json.loads(self.label[pos[0]])

    def years(self, measure: str) -> list[int]:
        """The years in which ``measure`` is stored."""
        return sorted(int(y) for y in np.unique(self.year[self.rows(measure)]) if y >= 0)


#: Weight-detail classes whose per-indicator quantities are the columns of their ``to_frame()``.
_WEIGHT_DETAILS = {"entropy": (EntropyWeights, ("e", "d")), "cv": (CVWeights, ("mean", "sd", "cv"))}


def _load_index(
    v: _Values, r: str, system: IndexSystem, meta: dict, idx: pd.MultiIndex, lineage: Lineage
) -> tuple[CompositeIndexResult, ObstacleResult]:
    """The composite index and the obstacle degrees of role ``r``, from the stored values."""
    nm = meta["norm"]
    X = pd.DataFrame({c: v.panel(f"norm.{r}.{c}", idx) for c in nm["columns"]}, index=idx)
    stats = {}
    for col in ("min", "max", "mean", "sd", "target"):
        if v.has(f"norm_stat.{r}.{col}"):
            stats[col] = v.labelled(f"norm_stat.{r}.{col}", order=nm["stats_labels"])
    ref_stats = pd.DataFrame(stats)
    ref_stats.index = (
        pd.MultiIndex.from_tuples([tuple(k.split("|")) for k in ref_stats.index], names=nm["stats_index"])
        if len(nm["stats_index"]) > 1
        else pd.Index(list(ref_stats.index), name=nm["stats_index"][0])
    )
    normalized = NormalizationResult(
        X=readonly(X),
        method=nm["method"],
        reference=nm["reference"],
        shift=nm["shift"],
        directions=nm["directions"],
        reference_stats=ref_stats,
        notes=tuple(nm["notes"]),
        lineage=lineage,
    )
    wcols = {}
    for c in meta["weight_columns"]:
        if c in meta["weight_text"]:
            wcols[c] = pd.Series(meta["weight_text"][c])
        else:
            wcols[c] = v.labelled(f"weight.{r}.{c}", order=nm["columns"])
    weights = pd.DataFrame(wcols).reindex(nm["columns"])[meta["weight_columns"]]
    weights.index.name = "indicator"
    details: dict[str, WeightsResult] = {}
    for key, method in meta["details"].items():
        names = [c for c in nm["columns"] if c in set(v.labelled(f"weight_detail.{r}.{key}.weight").index)]
        cls, extra = _WEIGHT_DETAILS.get(method, (WeightsResult, ()))
        details[key] = cls(
            weights=v.labelled(f"weight_detail.{r}.{key}.weight", order=names),
            method=method,
            lineage=lineage,
            **{e: v.labelled(f"weight_detail.{r}.{key}.{e}", order=names) for e in extra},
        )
    score = pd.Series(v.panel(f"index.{r}", idx), index=idx, name="score")
    dims = pd.DataFrame({d: v.panel(f"dim.{r}.{d}", idx) for d in system.structure}, index=idx)
    dims.columns.name = "dimension"
    scores = score.unstack(level=1)
    ci = CompositeIndexResult(
        scores=scores,
        score=score,
        dimension_scores=dims,
        weights=weights,
        dimension_weights=v.labelled(f"dim_weight.{r}", order=list(system.structure)).rename("weight"),
        weight_details=details,
        normalized=normalized,
        system=system,
        normalization=meta["normalization"],
        weighting=meta["weighting"],
        aggregation=meta["aggregation"],
        reference=meta["reference"],
        notes=tuple(meta["notes"]),
        lineage=lineage,
    )
    om = meta["obstacle"]
    degrees = pd.DataFrame({c: v.panel(f"obstacle.{r}.{c}", idx) for c in om["columns"]}, index=idx)
    dev = pd.DataFrame({c: v.panel(f"obstacle_dev.{r}.{c}", idx) for c in om["columns"]}, index=idx)
    Od = None
    if om["dimensions"] is not None:
        Od = pd.DataFrame({c: v.panel(f"obstacle_dim.{r}.{c}", idx) for c in om["dimensions"]}, index=idx)
        Od.columns.name = "dimension"
    F = v.labelled(f"obstacle_F.{r}", order=om["columns"]).rename("F")
    ob = ObstacleResult(
        O=degrees, I=dev, F=F, dimensions=Od, top_k=om["top_k"], notes=tuple(om["notes"]), lineage=lineage
    )
    return ci, ob


def _load_dagum(v: _Values, y: int, lineage: Lineage) -> DagumGiniResult:
    meta = v.meta("dagum", y)
    labels = meta["groups"]
    G_jj = v.labelled("dagum.D.G_jj", y, order=labels).rename("G_jj")
    G_jj.index.name = "group"
    groups = pd.DataFrame(
        {c: v.labelled(f"dagum.D.group.{c}", y, order=labels) for c in ("n", "mean", "p", "s")}
    )
    groups["n"] = groups["n"].astype("int64")
    groups.index.name = "group"
    G_jh = pd.DataFrame(np.diag(G_jj.to_numpy()), index=labels, columns=labels)
    D_jh = pd.DataFrame(0.0, index=labels, columns=labels)
    pairs = v.labelled("dagum.D.G_jh", y, order=meta["pairs"])
    cols = {
        c: v.labelled(f"dagum.D.pair.{c}", y, order=meta["pairs"]) for c in ("D_jh", "weight", "G_nb", "G_t")
    }
    jh = [k.split("|") for k in pairs.index]
    for (j, h), g, d in zip(jh, pairs.to_numpy(), cols["D_jh"].to_numpy()):
        G_jh.loc[j, h] = G_jh.loc[h, j] = g
        D_jh.loc[j, h] = D_jh.loc[h, j] = d
    for m in (G_jh, D_jh):
        m.index.name = m.columns.name = "group"
    pair_contributions = pd.DataFrame(
        {
            "group_j": [a for a, _ in jh],
            "group_h": [b for _, b in jh],
            "G_jh": pairs.to_numpy(),
            **{c: s.to_numpy() for c, s in cols.items()},
        }
    )
    shares = pd.Series(
        {k: v.scalar(f"dagum.D.share_{k}", y) for k in ("within", "net_between", "transvariation")},
        name="share",
    )
    return DagumGiniResult(
        gini=v.scalar("inequality.D.G", y),
        within=v.scalar("inequality.D.G_w", y),
        net_between=v.scalar("inequality.D.G_nb", y),
        transvariation=v.scalar("inequality.D.G_t", y),
        G_jj=G_jj,
        G_jh=G_jh,
        D_jh=D_jh,
        groups=groups,
        contributions=shares,
        pair_contributions=pair_contributions,
        notes=tuple(meta["notes"]),
        lineage=lineage,
    )


def _load_theil(v: _Values, kind: str, y: int, lineage: Lineage) -> TheilResult | None:
    between = v.scalar(f"theil.D.{kind}.between", y)
    if between is None:
        return None
    groups = sorted(v.labelled(f"theil.D.{kind}.group.n", y).index)  # the engine's order (numpy.unique)
    by_group = pd.DataFrame(
        {
            c: v.labelled(f"theil.D.{kind}.group.{c}", y, order=groups)
            for c in ("n", "mean", "p", "s", kind, "within_part")
        }
    )
    by_group["n"] = by_group["n"].astype("int64")
    by_group.index.name = "group"
    return TheilResult(
        kind=kind,
        total=v.scalar(f"inequality.D.theil_{kind}", y),
        between=between,
        within=v.scalar(f"theil.D.{kind}.within", y),
        by_group=by_group,
        lineage=lineage,
    )


def _load_beta(v: _Values, name: str, lineage: Lineage) -> BetaConvergenceResult | None:
    meta = v.meta(name)
    if meta is None:
        return None
    series = {
        a: v.labelled(f"{name}.D.{a}", order=meta["coefficients"])
        for a in ("params", "std_errors", "tstats", "pvalues")
    }
    return BetaConvergenceResult(
        **series,
        beta=float(series["params"]["beta"]),
        speed=v.scalar(f"{name}.D.speed"),
        half_life=meta["half_life"],
        r2=v.scalar(f"{name}.D.r2"),
        nobs=int(v.scalar(f"{name}.D.nobs")),
        kind=meta["kind"],
        cov_type=meta["cov_type"],
        lineage=lineage,
    )


def _load_kde(v: _Values, years: list[int], lineage: Lineage) -> KernelDensityResult | None:
    meta = v.meta("kde")
    if meta is None:
        return None
    density = pd.DataFrame([v.grid("kde.D.density", y) for y in years], index=pd.Index(years, name="year"))
    features = pd.DataFrame(
        {
            c: [v.scalar(f"kde.D.{c}", y) for y in years]
            for c in ("peak_x", "peak_height", "n_peaks", "fwhm", "bandwidth")
        },
        index=pd.Index(years, name="year"),
    )
    for c in meta["integer_features"]:
        features[c] = features[c].astype("int64")
    return KernelDensityResult(
        grid=v.grid("kde.D.grid"),
        density=density,
        features=features,
        bw_method=meta["bw_method"],
        lineage=lineage,
    )


def _load_moran(v: _Values, y: int, lineage: Lineage) -> MoranResult:
    meta = v.meta("moran", y)
    stats = {
        a: v.scalar(f"moran.D.{a}", y)
        for a in (
            "I",
            "EI",
            "VI_norm",
            "seI_norm",
            "z_norm",
            "p_norm",
            "VI_rand",
            "seI_rand",
            "z_rand",
            "p_rand",
            "p_sim",
            "EI_sim",
            "seI_sim",
            "VI_sim",
            "z_sim",
            "p_z_sim",
        )
    }
    return MoranResult(
        **stats,
        n=meta["n"],
        permutations=meta["permutations"],
        alternative=meta["alternative"],
        transformation=meta["transformation"],
        seed=meta["seed"],
        sim=None,
        notes=tuple(meta["notes"]),
        lineage=lineage,
    )


def _load_lisa(v: _Values, y: int, ids: pd.Index, lineage: Lineage) -> LocalMoranResult:
    meta = v.meta("lisa", y)
    arr = {
        a: v.by_region(f"lisa.{a}", y, ids)
        for a in ("z", "lag", "EI", "VI", "p_sim", "EI_sim", "seI_sim", "z_sim")
    }
    return LocalMoranResult(
        Is=v.by_region("lisa.Ii", y, ids),
        q=v.by_region("lisa.q", y, ids).astype("int64"),
        ids=ids,
        permutations=meta["permutations"],
        alternative=meta["alternative"],
        transformation=meta["transformation"],
        significance=meta["significance"],
        seed=meta["seed"],
        notes=tuple(meta["notes"]),
        lineage=lineage,
        **arr,
    )


def _load_weights(v: _Values) -> SpatialWeights:
    meta = v.meta("weights")
    ids = pd.Index(meta["ids"])
    pos = {c: i for i, c in enumerate(meta["ids"])}
    g = v.rows("weights.w")
    W = sparse.csr_matrix(
        (v.value[g], ([pos[c] for c in v.region[g]], [pos[c] for c in v.label[g]])),
        shape=(len(ids), len(ids)),
    )
    return SpatialWeights(W=W, ids=ids, transformation=meta["transformation"], islands=tuple(meta["islands"]))


def _load_rank_checks(v: _Values) -> pd.DataFrame:
    rows: list[dict] = []
    for role in EXTERNAL_REFERENCES:
        if not v.has(f"rank.{role}.spearman"):
            continue
        by_period = {}
        for stat in ("spearman", "kendall", "n"):
            g = v.rows(f"rank.{role}.{stat}")
            for y, val, lab in zip(v.year[g], v.value[g], v.label[g]):
                by_period.setdefault("pooled" if y < 0 else str(y), {"reference": lab})[stat] = val
        for p in sorted((p for p in by_period if p != "pooled"), key=int) + ["pooled"]:
            c = by_period[p]
            rows.append(
                {
                    "role": role,
                    "reference": c["reference"],
                    "period": p,
                    "n": int(c["n"]),
                    "spearman": float(c["spearman"]),
                    "kendall": float(c["kendall"]),
                }
            )
    return pd.DataFrame(rows, columns=["role", "reference", "period", "n", "spearman", "kendall"])


def pipeline_lineage(store: Store, run_id: str, *, required: bool = True) -> Lineage | None:
    """The lineage of a run the macro pipeline stored (its window in ``params['years']``);
    :class:`InputError` on ``run_id`` for an unknown run, and for a ``macro`` run stored otherwise
    unless ``required=False`` (then None)."""
    row = store_runs.run_row(store, run_id)
    if row is None or row["kind"] != KIND:
        raise InputError.at(
            "unknown macro run", column="run_id", value=run_id, expected="the id of a stored macro run"
        )
    lineage = stored_lineage(row)
    if lineage.method != "services.macro.run_macro" or "years" not in lineage.params:
        if not required:
            return None
        raise InputError.at(
            "the run was not stored by the macro pipeline",
            column="run_id",
            value=run_id,
            expected="the id of a run of 'ibrain macro run' or POST /macro/jobs",
        )
    return lineage


def load_macro_run(store: Store, run_id: str, *, audits: bool = True) -> MacroRun:
    """The :class:`MacroRun` of a stored macro run, rebuilt from ``analysis_run`` (its lineage: window,
    model, weights, permutations, seed) and ``analysis_value`` (every number and the ``meta.*`` texts):
    nothing is recomputed, and its views (``to_frame``, ``summary``, ``dagum_table``, ``moran_table``)
    equal those of the run the pipeline returned. Each part result carries the run's lineage. The
    provinces' names and groups are read from the store's region reference data. ``audits=False``
    leaves the index audits out (half the time; for readers that show none, such as briefings).

    Raises
    ------
    InputError
        No macro run with this id, or a run of kind ``macro`` not stored by the pipeline.
    """
    lineage = pipeline_lineage(store, run_id)
    params = lineage.params
    years = [int(y) for y in params["years"]]
    values = store_runs.run_values(store, run_id)
    v = _Values(values)
    regions = region_table(store)
    idx = pd.MultiIndex.from_product([list(regions.index), years], names=["region_code", "year"])
    metas = {r: v.meta(f"index.{r}") for r in ROLES}
    systems = {r: IndexSystem.model_validate(metas[r]["system"]) for r in ROLES}
    loaded = {r: _load_index(v, r, systems[r], metas[r], idx, lineage) for r in ROLES}
    U = pd.DataFrame({r: v.panel(f"index.{r}", idx) for r in ROLES}, index=idx)
    cm = v.meta("coupling")
    lag = v.panel_labels("lagging", idx)
    coupling = CouplingResult(
        U=readonly(U[cm["systems"]].to_numpy()),
        C=v.panel("C", idx),
        T=v.panel("T", idx),
        D=v.panel("D", idx),
        level=v.panel("level", idx).astype("int64"),
        lagging=np.array([None if s == "synchronous" else s for s in lag], dtype=object),
        systems=tuple(cm["systems"]),
        index=idx,
        weights=np.asarray(cm["weights"]),
        model=params["model"],
        sync_tol=cm["sync_tol"],
        notes=tuple(cm["notes"]),
        lineage=lineage,
    )
    variables = ("D", *ROLES)
    columns = ("G", "G_w", "G_nb", "G_t", "theil_T", "theil_L", "CV")
    ineq = pd.DataFrame(
        [
            {"variable": var, "year": y, **{m: v.scalar(f"inequality.{var}.{m}", y) for m in columns}}
            for y in years
            for var in variables
        ]
    ).set_index(["variable", "year"])
    sigma = None
    if (sm := v.meta("sigma")) is not None:
        by_year = pd.DataFrame(
            {c: [v.scalar(f"sigma.D.{c}", y) for y in years] for c in ("mean", "std", "CV", "sd_log")},
            index=pd.Index(years, name="year"),
        )
        sigma = SigmaConvergenceResult(
            by_year=by_year,
            ddof=sm["ddof"],
            lineage=lineage,
            **{a: v.scalar(f"sigma.D.{a}") for a in ("slope_CV", "p_CV", "slope_sd_log", "p_sd_log")},
        )
    sw = _load_weights(v)
    moran_years = v.years("meta.moran")
    return MacroRun(
        run_id=run_id,
        years=tuple(years),
        regions=regions,
        systems=systems,
        indices={r: loaded[r][0] for r in ROLES},
        U=readonly(U),
        coupling=coupling,
        obstacles={r: loaded[r][1] for r in ROLES},
        dagum={y: _load_dagum(v, y, lineage) for y in v.years("meta.dagum")},
        theil_T={y: _load_theil(v, "T", y, lineage) for y in years},
        theil_L={y: _load_theil(v, "L", y, lineage) for y in years},
        inequality=readonly(ineq),
        sigma=sigma,
        beta_absolute=_load_beta(v, "beta_absolute", lineage),
        beta_panel=_load_beta(v, "beta_panel", lineage),
        kde=_load_kde(v, years, lineage),
        moran={y: _load_moran(v, y, lineage) for y in moran_years},
        local_moran={y: _load_lisa(v, y, sw.ids, lineage) for y in v.years("meta.lisa")},
        weights=sw,
        weights_kind=params["weights"],
        rank_checks=_load_rank_checks(v),
        model=params["model"],
        permutations=int(params["permutations"]),
        seed=lineage.seed,
        notes=tuple(v.meta("run")["notes"]),
        lineage=lineage,
        audits={r: a for r in ROLES if audits and (a := load_audit(values, r, systems[r], idx)) is not None},
    )


def stored_systems(store: Store, run_id: str) -> dict[str, IndexSystem]:
    """The index systems (role → :class:`IndexSystem`) a stored macro run used, read from its
    ``meta.index.<role>`` rows without reloading the run (:func:`load_macro_run` reads them all)."""
    out = {}
    for r in ROLES:
        f = store_runs.run_values(store, run_id, measure=f"meta.index.{r}")
        if f.empty:
            raise InputError.at("the run was not stored by the macro pipeline", column="run_id", value=run_id)
        out[r] = IndexSystem.model_validate(json.loads(f["label"].iloc[0])["system"])
    return out


def macro_run_id(store: Store, run_id: str | None = None) -> tuple[str, list[str]]:
    """``(run_id, dataset ids)`` of a stored macro run: ``run_id`` checked, or the newest macro run.

    Raises
    ------
    InputError
        No macro run stored, or none with this id.
    """
    rid = run_id or store_runs.latest_run_id(store, KIND)
    if rid is None:
        raise InputError.at("no macro run in the store", column="run_id", expected="a macro run stored first")
    row = store_runs.run_row(store, rid)
    if row is None or row["kind"] != KIND:
        raise InputError.at(
            "unknown macro run", column="run_id", value=rid, expected="the id of a stored macro run"
        )
    return rid, [d for d in (row["datasets"] or "").split(",") if d]


def stored_macro_values(store: Store, run_id: str | None = None) -> tuple[str, pd.DataFrame]:
    """``(run_id, values)`` of a stored macro run (default: the newest), values in long form."""
    rid, _ = macro_run_id(store, run_id)
    return rid, store_runs.run_values(store, rid)


def macro_runs(store: Store) -> pd.DataFrame:
    """The stored macro runs, newest first: ``run_id, created_at, version, datasets, values`` (count)."""
    return store_runs.runs_with_value_counts(store, KIND)


def map_values(store: Store, run_id: str, measure: str) -> pd.DataFrame:
    """Province × year values of one measure of a stored run: ``region_code, year, value, label``,
    ordered by year and region (rows without a region left out)."""
    f = store_runs.run_values(store, run_id, measure=measure)
    f = f[f["region_code"].notna()].sort_values(["year", "region_code"], kind="stable")
    return f[["region_code", "year", "value", "label"]].reset_index(drop=True)


def newest_or_new_run(store: Store) -> MacroRun:
    """The newest stored macro run, reloaded (:func:`load_macro_run`); when the store holds none, the
    pipeline is run once with its defaults and stored (the demo report's first visit)."""
    rid = store_runs.latest_run_id(store, KIND)
    if rid is None:
        return run_macro(store)
    return load_macro_run(store, rid)


def export_run(run: MacroRun, path: Path, lang: str = "en") -> Path:
    """Write the run: CSV = the provinces × years table; XLSX = that plus Dagum, inequality, Moran,
    convergence, rank checks and notes on separate sheets."""
    path = Path(path)
    suffix = path.suffix.lower()
    main = run.to_frame(lang).reset_index()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        write_csv(main, path, index=False)
    elif suffix == ".xlsx":
        sheets = {
            "provinces": main,
            "dagum": run.dagum_table(lang),
            "inequality": run.inequality.reset_index(),
            "moran": run.moran_table(lang),
            "rank_checks": run.rank_checks,
            "notes": pd.DataFrame({"note": list(run.notes) or [""]}),
        }
        if run.sigma is not None:
            sheets["sigma"] = run.sigma.by_year.reset_index()
        for role in ROLES:
            sheets[f"obstacles_{role}"] = (
                run.obstacles[role]
                .top()
                .reset_index()
                .assign(
                    region_code=lambda d: [o[0] for o in d["observation"]],
                    year=lambda d: [o[1] for o in d["observation"]],
                )
                .drop(columns="observation")
            )
        with pd.ExcelWriter(path) as xw:
            for name, frame in sheets.items():
                write_xlsx(frame, xw, sheet_name=name[:31], index=False)
    else:
        raise InputError.at(
            "unsupported output type", file=str(path), value=suffix or "(none)", expected=".csv or .xlsx"
        )
    return path
