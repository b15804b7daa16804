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

Everything is saved as one run (kind ``"macro"``) in ``analysis_run`` / ``analysis_value`` with a
:class:`~industrial_brain.lineage.Lineage` naming the datasets (with sha256), every parameter, the
seed and the package version.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import IndustrialBrainError, InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro.composite import CompositeIndexResult, composite_index, rank_agreement
from industrial_brain.macro.convergence import (
    BetaConvergenceResult,
    SigmaConvergenceResult,
    beta_convergence,
    beta_convergence_panel,
    sigma_convergence,
)
from industrial_brain.macro.coupling import COORDINATION_LEVELS, CouplingResult, coupling_coordination
from industrial_brain.macro.index_system import IndexSystem, default_index_systems, load_index_system
from industrial_brain.macro import (
    DagumGiniResult,
    KernelDensityResult,
    LocalMoranResult,
    MoranResult,
    SpatialWeights,
    TheilResult,
    coefficient_of_variation,
    contiguity_weights,
    dagum_gini,
    distance_weights,
    kernel_density,
    moran_local,
    moran_panel,
    theil,
)
from industrial_brain.macro.obstacle import ObstacleResult, obstacle_degree
from industrial_brain.services.results import dataset_lineage, latest_run, run_values, save_run
from industrial_brain.store.connection import Store
from industrial_brain.store.readers import parse_years, read_panel

__all__ = ["ROLES", "DEFAULT_SYSTEMS", "EXTERNAL_REFERENCES", "WEIGHTS_KINDS", "MacroRun", "run_macro",
           "resolve_systems", "macro_systems", "export_run", "stored_macro_values", "region_table", "KIND"]

#: Run kind in ``analysis_run``.
KIND = "macro"
#: The three index roles of the pipeline, in order.
ROLES = ("digital", "real", "nqpf")
#: Shipped default system per role.
DEFAULT_SYSTEMS: Mapping[str, str] = {"digital": "digital_economy", "real": "real_economy",
                                      "nqpf": "new_quality_productive_forces"}
#: Source composite (external_reference.name) each role is compared with.
EXTERNAL_REFERENCES: Mapping[str, str] = {"digital": "digital_economy", "nqpf": "new_productivity_level"}
#: Spatial weights the pipeline can build from the store.
WEIGHTS_KINDS = ("contiguity", "inverse_distance", "knn")
_ROLE_NAMES = {"digital": ("digital economy", "数字经济"), "real": ("real economy", "实体经济"),
               "nqpf": ("new quality productive forces", "新质生产力")}
_NON_MAINLAND = ("710000", "810000", "820000")
_MISSING = ("interpolate", "raise")


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

    def dagum_table(self, lang: str = "en") -> pd.DataFrame:
        """Per year: G, G_w, G_nb, G_t and their shares, within-group Ginis (Dagum of D)."""
        check_lang(lang)
        rows = []
        for y, r in self.dagum.items():
            row = {"year": int(y), "G": r.gini, "G_w": r.within, "G_nb": r.net_between, "G_t": r.transvariation,
                   "share_w": r.contributions["within"], "share_nb": r.contributions["net_between"],
                   "share_t": r.contributions["transvariation"]}
            row.update({f"G_jj[{g}]": float(v) for g, v in r.G_jj.items()})
            rows.append(row)
        df = pd.DataFrame(rows)
        if lang == "zh" and len(df):
            df = df.rename(columns={"year": "年份", "G": "总体基尼系数", "G_w": "组内", "G_nb": "组间净差异",
                                    "G_t": "超变密度", "share_w": "组内贡献率", "share_nb": "组间贡献率",
                                    "share_t": "超变密度贡献率"})
            df = df.rename(columns={c: c.replace("G_jj", "组内基尼") for c in df.columns})
        return df

    def moran_table(self, lang: str = "en") -> pd.DataFrame:
        """Per year: I, E[I], z and p (normality, randomisation) and the permutation p_sim; LISA counts."""
        check_lang(lang)
        rows = []
        for y, m in self.moran.items():
            row = {"year": int(y), "I": m.I, "EI": m.EI, "z_norm": m.z_norm, "p_norm": m.p_norm,
                   "z_rand": m.z_rand, "p_rand": m.p_rand, "p_sim": m.p_sim}
            loc = self.local_moran.get(y)
            if loc is not None and loc.p_sim is not None:
                cl = pd.Series(loc.cluster()).value_counts()
                row.update({k: int(cl.get(k, 0)) for k in ("HH", "LL", "HL", "LH")})
            rows.append(row)
        df = pd.DataFrame(rows)
        if lang == "zh" and len(df):
            df = df.rename(columns={"year": "年份", "HH": "高-高", "LL": "低-低", "HL": "高-低", "LH": "低-高"})
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
            df = df.rename(columns={"name": "名称", "region4": "四大地区", "digital": "数字经济指数",
                                    "real": "实体经济指数", "nqpf": "新质生产力指数", "C": "耦合度C",
                                    "T": "综合发展指数T", "D": "耦合协调度D", "level": "协调等级",
                                    "level_code": "等级代码", "lagging": "滞后子系统", "lisa": "LISA聚类"})
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
        yield ((f"{y1} 最常见等级" if zh else f"most common level {y1}"),
               COORDINATION_LEVELS[top][3 if zh else 4] + f" ({int((counts == top).sum())})")
        if y1 in self.dagum and y0 in self.dagum:
            yield (f"Dagum G {y0} → {y1}", f"{self.dagum[y0].gini:.4f} → {self.dagum[y1].gini:.4f}")
            c = self.dagum[y1].contributions
            yield ((f"{y1} 贡献率 组内/组间/超变" if zh else f"{y1} shares within/between/transvariation"),
                   f"{c['within']:.1%} / {c['net_between']:.1%} / {c['transvariation']:.1%}")
        if self.sigma is not None:
            yield ("σ收敛 (CV 斜率)" if zh else "σ-convergence (slope of CV)", self.sigma.slope_CV)
        if self.beta_panel is not None:
            yield ("面板β (固定效应)" if zh else "panel β (fixed effects)",
                   f"{self.beta_panel.beta:.4f} (p = {self.beta_panel.pvalues['beta']:.3g})")
        if self.moran:
            yield ((f"莫兰 I {y1} ({self.weights_kind})" if zh else f"Moran's I {y1} ({self.weights_kind})"),
                   f"{self.moran[y1].I:.4f} (" + (f"p_sim = {self.moran[y1].p_sim:.3g}" if self.moran[y1].p_sim
                                                   is not None else f"p_norm = {self.moran[y1].p_norm:.3g}") + ")")
        for _, row in self.rank_checks[self.rank_checks["period"] == "pooled"].iterrows():
            yield ((f"秩相关 {row['role']} vs {row['reference']}" if zh
                    else f"Spearman {row['role']} vs source {row['reference']}"), float(row["spearman"]))
        for n in self.notes:
            yield ("说明" if zh else "note", n)


# ----------------------------------------------------------------------------- inputs
def macro_systems() -> pd.DataFrame:
    """The shipped index systems: code, role in the pipeline, dimensions, indicators, source."""
    rows = []
    role_of = {v: k for k, v in DEFAULT_SYSTEMS.items()}
    for name in default_index_systems():
        s = load_index_system(name)
        rows.append({"code": s.code, "role": role_of.get(s.code, ""), "name_en": s.name_en, "name_zh": s.name_zh,
                     "dimensions": len(s.dimensions), "indicators": len(s.indicators),
                     "absent_from_data": len(s.absent_from_data), "weighting": s.weighting,
                     "follows": " ".join(s.follows.split())[:160]})
    return pd.DataFrame(rows)


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
                raise InputError.at("unknown index role", column="--system", value=role,
                                    expected=", ".join(ROLES))
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
                raise InputError.at("cannot tell which index this system replaces", file=spec_s,
                                    column="code", value=sysobj.code,
                                    expected="--system ROLE=FILE with ROLE one of " + ", ".join(ROLES)
                                    + ", or a file whose code is " + " / ".join(DEFAULT_SYSTEMS.values()))
            chosen[by_code[sysobj.code]] = sysobj
    return {r: load_index_system(chosen[r]) for r in ROLES}


def region_table(store: Store) -> pd.DataFrame:
    """The 31 mainland provinces with names, NBS four-region group and capital coordinates."""
    df = store.query("SELECT code, name_zh, name_en, region4_en, region4_zh, capital_lon, capital_lat "
                     "FROM region WHERE level = 'province' ORDER BY code")
    df = df[~df["code"].isin(_NON_MAINLAND)].set_index("code")
    if df.empty:
        raise InputError.at("the store has no provinces", column="region",
                            expected="a store initialised with the default data (ibrain init)")
    return df


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
            raise InputError.at("no panel data in the requested years", column="--years", value=f"{lo}:{hi}")
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
        raise InputError.at("fewer than three consecutive years with complete data for every province",
                            column="--years", value=ok,
                            expected="--missing interpolate, or indicators/years with complete data")
    return best


def _external(store: Store, name: str) -> pd.Series:
    df = store.query("SELECT region_code, year::INTEGER AS year, value FROM external_reference WHERE name = ?", [name])
    if df.empty:
        return pd.Series(dtype=float)
    return df.set_index(["region_code", "year"])["value"]


def _spatial(store: Store, regions: pd.DataFrame, kind: str, k: int) -> tuple[SpatialWeights, list[str]]:
    ids = list(regions.index)
    if kind == "contiguity":
        pairs = store.query("SELECT code_a, code_b, kind FROM region_neighbour")
        if pairs.empty:
            raise InputError.at("the store holds no contiguity (region_neighbour is empty)", column="--weights",
                                value=kind, expected="a store initialised with the default data, or "
                                "--weights inverse_distance / knn")
        sw = contiguity_weights(pairs, ids=ids)
        ds = sorted(store.query("SELECT DISTINCT dataset_id FROM region_neighbour")["dataset_id"].dropna())
        return sw, ds
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

    Returns
    -------
    MacroRun
    """
    if missing not in _MISSING:
        raise InputError.at("unknown missing-value rule", column="--missing", value=missing,
                            expected=" / ".join(_MISSING))
    if weights not in WEIGHTS_KINDS:
        raise InputError.at("unknown spatial weights", column="--weights", value=weights,
                            expected=" / ".join(WEIGHTS_KINDS))
    if not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise InputError.at("permutations must be a non-negative integer", column="--permutations",
                            value=permutations)
    sysmap = resolve_systems(systems)
    regions = region_table(store)
    codes = list(dict.fromkeys(c for r in ROLES for c in sysmap[r].indicator_codes))
    P_all = read_panel(store, indicators=codes)
    notes: list[str] = []
    excluded = P_all.attrs.get("excluded", pd.DataFrame())
    datasets = list(P_all.attrs.get("datasets", []))
    P_all = P_all[P_all.index.get_level_values(0).isin(regions.index)].copy()
    P_all.attrs = {}
    # every province needs a row in every year: reindex to the full grid so gaps show as NaN
    all_years = sorted(int(y) for y in P_all.index.get_level_values(1).unique())
    grid = pd.MultiIndex.from_product([list(regions.index), all_years], names=["region_code", "year"])
    P_all = P_all.reindex(grid)
    P_f, filled = _interpolate(P_all) if missing == "interpolate" else (P_all, [])
    window = _years(P_f, years)
    if missing == "interpolate":
        in_win = [c for c in filled if c[1] in window]
        if in_win:
            ex = "; ".join(f"{r} {y} {c}" for r, y, c in in_win[:6])
            notes.append(f"{len(in_win)} value(s) excluded by the quality screening were interpolated linearly "
                         f"between neighbouring years: {ex}{' …' if len(in_win) > 6 else ''}")
    else:
        in_win = []
    P = P_f[P_f.index.get_level_values(1).isin(window)]
    na = P.isna().to_numpy()
    if na.any():
        i, j = np.argwhere(na)[0]
        raise InputError.at(f"{int(na.sum())} missing panel value(s) in the window; first at "
                            f"{P.index[i][0]} {P.index[i][1]}", column=str(P.columns[j]),
                            expected="a complete window: choose --years within the complete years, "
                            "or --missing interpolate")
    n_excl = int(len(excluded[excluded["year"].isin(window)])) if len(excluded) else 0
    if n_excl and not in_win:
        notes.append(f"{n_excl} value(s) in the window were left out as errors by the quality screening "
                     "(see 'ibrain quality')")

    # 1. indices
    indices = {r: composite_index(P, sysmap[r]) for r in ROLES}
    for r in ROLES:
        notes.extend(f"{r}: {n}" for n in indices[r].notes)
    U = pd.DataFrame({r: indices[r].score.reindex(P.index) for r in ROLES})
    # 2. coupling coordination of digital vs real
    cc = coupling_coordination(U[["digital", "real"]], model=model)
    # 3. obstacles
    obstacles = {r: obstacle_degree(indices[r].normalized.X, indices[r].weights["global"],
                                    sysmap[r].dimension_of, top_k=3) for r in ROLES}
    # 4. inequality per year
    Dser = pd.Series(np.asarray(cc.D), index=cc.index)
    Dpanel = Dser.unstack(level=1)
    groups = regions["region4_en"].reindex(Dpanel.index)
    if groups.isna().any():
        raise InputError.at("province without an NBS region in the store", column="region4_en",
                            value=list(groups.index[groups.isna()][:3]))
    dagum, tT, tL, ineq_rows = {}, {}, {}, []
    variables = {"D": Dpanel, **{r: U[r].unstack(level=1) for r in ROLES}}
    for y in window:
        dagum[y] = dagum_gini(Dpanel[y], groups)
        tT[y] = theil(Dpanel[y], groups, kind="T")
        tL[y] = _try(notes, f"Theil L of D in {y}", lambda y=y: theil(Dpanel[y], groups, kind="L"))
        for var, frame in variables.items():
            v = frame[y]
            dg = dagum[y] if var == "D" else _try(notes, f"Dagum Gini of {var} in {y}",
                                                  lambda v=v: dagum_gini(v, groups))
            th = tT[y] if var == "D" else _try(notes, f"Theil T of {var} in {y}", lambda v=v: theil(v, groups, "T"))
            tl = tL[y] if var == "D" else _try(notes, f"Theil L of {var} in {y}", lambda v=v: theil(v, groups, "L"))
            ineq_rows.append({"variable": var, "year": y,
                              "G": dg.gini if dg else None, "G_w": dg.within if dg else None,
                              "G_nb": dg.net_between if dg else None, "G_t": dg.transvariation if dg else None,
                              "theil_T": th.total if th else None, "theil_L": tl.total if tl else None,
                              "CV": coefficient_of_variation(v)})
    inequality = pd.DataFrame(ineq_rows).set_index(["variable", "year"])
    # 5. convergence, 6. kernel density
    sigma = _try(notes, "σ-convergence of D", lambda: sigma_convergence(Dpanel))
    T_len = window[-1] - window[0]
    beta_abs = _try(notes, "absolute β-convergence of D",
                    lambda: beta_convergence(Dpanel[window[0]], Dpanel[window[-1]], T=T_len))
    beta_pan = _try(notes, "panel β-convergence of D", lambda: beta_convergence_panel(Dpanel))
    kde = _try(notes, "kernel density of D", lambda: kernel_density(Dpanel))
    # 7. spatial
    sw, geo_ds = _spatial(store, regions, weights, k)
    datasets += geo_ds
    if sw.islands:
        notes.append(f"spatial weights leave {len(sw.islands)} island(s) without neighbours: "
                     + ", ".join(map(str, sw.islands)))
    mor = moran_panel(Dpanel, sw, permutations=int(permutations), seed=seed)
    loc = {y: moran_local(Dpanel[y], sw, permutations=int(permutations),
                          seed=None if seed is None else seed + i) for i, y in enumerate(window)}
    # 8. external rank check
    checks = []
    for role, ref in EXTERNAL_REFERENCES.items():
        ext = _external(store, ref)
        if ext.empty:
            notes.append(f"no external reference '{ref}' in the store: rank check of {role} skipped")
            continue
        ra = _try(notes, f"rank check of {role}", lambda role=role, ext=ext: rank_agreement(indices[role].score, ext))
        if ra is None:
            continue
        for period, row in ra.iterrows():
            checks.append({"role": role, "reference": ref, "period": str(period), "n": int(row["n"]),
                           "spearman": float(row["spearman"]), "kendall": float(row["kendall"])})
        datasets += sorted(store.query("SELECT DISTINCT dataset_id FROM external_reference WHERE name = ?",
                                       [ref])["dataset_id"])
    rank_checks = pd.DataFrame(checks, columns=["role", "reference", "period", "n", "spearman", "kendall"])
    region_ds = sorted(store.query("SELECT DISTINCT dataset_id FROM region WHERE level = 'province'")["dataset_id"]
                       .dropna())
    lineage = Lineage.make("services.macro.run_macro", {
        "systems": {r: {"code": sysmap[r].code, "version": sysmap[r].version} for r in ROLES},
        "years": [int(y) for y in window], "model": model, "weights": weights,
        "k": int(k) if weights == "knn" else None, "permutations": int(permutations), "missing": missing,
        "interpolated": [list(c) for c in in_win], "excluded_in_window": n_excl,
        "normalization": "minmax", "reference": "pooled", "aggregation": "arithmetic",
        "groups": "NBS four regions (region.region4_en)",
    }, seed=seed, datasets=dataset_lineage(store, datasets + region_ds))
    run = MacroRun(run_id=None, years=tuple(int(y) for y in window), regions=regions, systems=sysmap,
                   indices=indices, U=readonly(U), coupling=cc, obstacles=obstacles, dagum=dagum, theil_T=tT, theil_L=tL,
                   inequality=readonly(inequality), sigma=sigma, beta_absolute=beta_abs, beta_panel=beta_pan, kde=kde,
                   moran=mor, local_moran=loc, weights=sw, weights_kind=weights, rank_checks=rank_checks,
                   model=model, permutations=int(permutations), seed=seed, notes=tuple(notes), lineage=lineage)
    if save:
        run = replace(run, run_id=save_run(store, KIND, lineage, _long_values(run), note=note))
    return run


# ----------------------------------------------------------------------------- storage
def _long_values(run: MacroRun) -> pd.DataFrame:
    """All numbers of a run as long rows (region_code, year, measure, value, label)."""
    parts: list[pd.DataFrame] = []

    def add(region, year, measure, value, label=None):
        parts.append(pd.DataFrame({"region_code": region, "year": year, "measure": measure, "value": value,
                                   "label": label}))

    idx = run.U.index
    reg = idx.get_level_values(0).to_numpy(dtype=object)
    yr = idx.get_level_values(1).to_numpy()
    for r in ROLES:
        add(reg, yr, f"index.{r}", run.U[r].to_numpy(), run.systems[r].code)
        dims = run.indices[r].dimension_scores.reindex(idx)
        for d in dims.columns:
            add(reg, yr, f"dim.{r}.{d}", dims[d].to_numpy())
        ob = run.obstacles[r]
        O = ob.O.reindex(idx)
        for c in O.columns:
            add(reg, yr, f"obstacle.{r}.{c}", O[c].to_numpy())
        if ob.dimensions is not None:
            Od = ob.dimensions.reindex(idx)
            for c in Od.columns:
                add(reg, yr, f"obstacle_dim.{r}.{c}", Od[c].to_numpy())
    cc = run.coupling
    for m in ("C", "T", "D"):
        add(reg, yr, m, np.asarray(getattr(cc, m)))
    add(reg, yr, "level", np.asarray(cc.level, dtype=float), list(cc.level_labels("en")))
    add(reg, yr, "lagging", np.full(len(reg), np.nan), [("synchronous" if s is None else s) for s in cc.lagging])
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
            rows += [(None, None, f"{name}.D.beta", b.beta, b.cov_type),
                     (None, None, f"{name}.D.std_error", float(b.std_errors["beta"]), b.cov_type),
                     (None, None, f"{name}.D.p", float(b.pvalues["beta"]), b.cov_type),
                     (None, None, f"{name}.D.speed", b.speed, None)]
    if run.kde is not None:
        for y, f in run.kde.features.iterrows():
            for c in ("peak_x", "peak_height", "n_peaks", "fwhm", "bandwidth"):
                rows.append((None, int(y), f"kde.D.{c}", float(f[c]), None))
    for _, c in run.rank_checks.iterrows():
        y = None if c["period"] == "pooled" else int(c["period"])
        rows.append((None, y, f"rank.{c['role']}.spearman", c["spearman"], c["reference"]))
        rows.append((None, y, f"rank.{c['role']}.kendall", c["kendall"], c["reference"]))
    parts.append(pd.DataFrame(rows, columns=["region_code", "year", "measure", "value", "label"]))
    out = pd.concat(parts, ignore_index=True)
    out["year"] = pd.array(out["year"], dtype="Int16")
    return out


def stored_macro_values(store: Store, run_id: str | None = None) -> tuple[str, pd.DataFrame]:
    """``(run_id, values)`` of a stored macro run (default: the newest)."""
    rid = run_id or latest_run(store, KIND)
    if rid is None:
        raise InputError.at("no macro run in the store", column="--run", expected="run 'ibrain macro run' first")
    found = store.query("SELECT run_id FROM analysis_run WHERE run_id = ? AND kind = ?", [rid, KIND])
    if found.empty:
        raise InputError.at("unknown macro run", column="--run", value=rid, expected="an id from 'ibrain macro runs'")
    return rid, run_values(store, rid)


def export_run(run: MacroRun, path: Path, lang: str = "en") -> Path:
    """Write the run: CSV = the provinces × years table; XLSX = that plus Dagum, inequality, Moran,
    convergence, rank checks and notes on separate sheets."""
    path = Path(path)
    suffix = path.suffix.lower()
    main = run.to_frame(lang).reset_index()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        main.to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".xlsx":
        sheets = {"provinces": main, "dagum": run.dagum_table(lang), "inequality": run.inequality.reset_index(),
                  "moran": run.moran_table(lang), "rank_checks": run.rank_checks,
                  "notes": pd.DataFrame({"note": list(run.notes) or [""]})}
        if run.sigma is not None:
            sheets["sigma"] = run.sigma.by_year.reset_index()
        for role in ROLES:
            sheets[f"obstacles_{role}"] = run.obstacles[role].top().reset_index().assign(
                region_code=lambda d: [o[0] for o in d["observation"]],
                year=lambda d: [o[1] for o in d["observation"]]).drop(columns="observation")
        with pd.ExcelWriter(path) as xw:
            for name, frame in sheets.items():
                frame.to_excel(xw, sheet_name=name[:31], index=False)
    else:
        raise InputError.at("unsupported output type", file=str(path), value=suffix or "(none)",
                            expected=".csv or .xlsx")
    return path
