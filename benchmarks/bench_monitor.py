"""Benchmark: alarm-rule evaluation on a SYNTHETIC 2,800 regions × 200 indicators × 20 years panel
(11.2 M rows), against a bare numpy/pandas baseline of the same checks; then the rolling-origin
forecast backtest (MASE) on the embedded panels.

Part 1. ``evaluate`` with one rule of every non-predictive kind (threshold twice, year-on-year
change, peer z-score, level break, rank drop, coordination downgrade, chain exposure) over all the
series in their scope, episodes and evidence included; the predictive kind fits a model per series
and is measured apart (seconds per series). The baseline does the same measures, thresholds and
hysteresis in bare numpy on the same cube and counts the episodes, without validation, evidence or
records; its level-break check is the core of the screening's test (robust z of the idiosyncratic
log growth, ``k = 6``, ``min_jump = 0.10``, ``max_noise = 0.10``) without its outlier-masking pass.
Target: evaluate under 5 s.

Part 2. Rolling-origin backtest (origins 2016–2019, horizons 1–3) of the naive, ETS, ARIMA and
auto forecasts of GDP, energy consumption and population (econ_energy, cells the screening notes
as errors left out) and of GRP (gdp_three_sectors): MASE by method and horizon.

    .venv/bin/python benchmarks/bench_monitor.py [--skip-backtest] [--skip-evaluation]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

import industrial_brain
from industrial_brain.monitor import RuleSet, backtest, evaluate, forecast, parse_rules
from industrial_brain.quality import screen_panel

C_LEVEL, C_D, C_OAR, R, T = 180, 10, 10, 2800, 20
TAGS = {
    **{f"ind{c}": ["level"] for c in range(C_LEVEL)},
    **{f"d{c}": ["coordination"] for c in range(C_D)},
    **{f"oar{c}": ["chain_exposure"] for c in range(C_OAR)},
}


def _rule(code, kind, tag, **kw):
    return {
        "code": code,
        "kind": kind,
        "name_zh": code,
        "name_en": code,
        "why": "benchmark rule",
        "scope": {"tags": [tag]},
        **kw,
    }


RULES = parse_rules(
    {
        "code": "bench",
        "rules": [
            _rule("level_high", "threshold", "level", fire=5e4, clear=4e4),
            _rule("yoy_fall", "yoy_change", "level", direction="below", fire=-0.03, clear=0.0),
            _rule("peer_z", "peer_zscore", "level", direction="below", fire=-3.5, clear=-2.0),
            _rule("break", "trend_break", "level"),
            _rule("rank", "rank_drop", "level", fire=100, clear=20, window=3),
            _rule("downgrade", "coordination_downgrade", "coordination"),
            _rule("disorder", "threshold", "coordination", direction="below", fire=0.35, clear=0.37),
            _rule("exposure", "chain_exposure", "chain_exposure", combine="max", fire=0.05, clear=0.04),
        ],
    }
)


def synthetic_panel(seed: int = 12345) -> pd.DataFrame:
    """SYNTHETIC: levels growing 5 % ± 2 % a year from lognormal starts, coordination degrees in
    [0.3, 0.9] and exposure shares in [0, 0.06]."""
    rng = np.random.default_rng(seed)
    start = 1000 * np.exp(rng.standard_normal((C_LEVEL, R, 1)))
    lv = start * np.exp(np.cumsum(0.05 + 0.02 * rng.standard_normal((C_LEVEL, R, T)), axis=2))
    d = np.clip(
        0.6
        + 0.1 * rng.standard_normal((C_D, R, 1))
        + np.cumsum(0.01 * rng.standard_normal((C_D, R, T)), axis=2),
        0.3,
        0.9,
    )
    oar = rng.uniform(0, 0.06, (C_OAR, R, T))
    V = np.concatenate([lv, d, oar])
    codes = (
        [f"ind{c}" for c in range(C_LEVEL)]
        + [f"d{c}" for c in range(C_D)]
        + [f"oar{c}" for c in range(C_OAR)]
    )
    idx = pd.MultiIndex.from_product(
        [codes, [f"{r:06d}" for r in range(R)], range(2005, 2005 + T)],
        names=["indicator_code", "region_code", "year"],
    )
    return pd.DataFrame({"value": V.ravel()}, index=idx).reset_index()


# --------------------------------------------------------------------------------------------------
# the bare baseline: the same measures, thresholds and hysteresis on a numpy cube
def _cube(obs: pd.DataFrame):
    ci, codes = pd.factorize(obs["indicator_code"], sort=True)
    ri, regions = pd.factorize(obs["region_code"], sort=True)
    y = obs["year"].to_numpy()
    y0 = int(y.min())
    V = np.full((len(codes), len(regions), int(y.max()) - y0 + 1), np.nan)
    V[ci, ri, y - y0] = obs["value"].to_numpy()
    return np.asarray(codes, dtype=object), V


def _lag(X, k=1):
    out = np.full_like(X, np.nan)
    out[:, :, k:] = X[:, :, :-k]
    return out


def _count_episodes(fire, clear) -> int:
    s = np.where(fire, 1, np.where(clear, -1, 0)).astype(np.int8)
    pos = np.where(s != 0, np.arange(s.shape[2]), -1)
    last = np.maximum.accumulate(pos, axis=2)
    on = (np.take_along_axis(s, np.maximum(last, 0), axis=2) == 1) & (last >= 0)
    prev = np.zeros_like(on)
    prev[:, :, 1:] = on[:, :, :-1]
    return int((on & ~prev).sum())


def baseline(obs: pd.DataFrame) -> int:
    codes, V = _cube(obs)
    lev = np.char.startswith(codes.astype(str), "ind")
    dd = np.char.startswith(codes.astype(str), "d")
    oa = np.char.startswith(codes.astype(str), "oar")
    L, D, S = V[lev], V[dd], V[oa]
    n = 0
    with np.errstate(all="ignore"):
        n += _count_episodes(L >= 5e4, L < 4e4)
        P = _lag(L)
        g = np.where(P > 0, L / P - 1, np.nan)
        n += _count_episodes(g <= -0.03, g > 0.0)
        m = np.nanmedian(g, axis=1, keepdims=True)
        s = 1.4826 * np.nanmedian(np.abs(g - m), axis=1, keepdims=True)
        z = (g - m) / s
        n += _count_episodes(z <= -3.5, z > -2.0)
        lg = np.log(L)
        e = (lg - _lag(lg)) - np.nanmedian(lg - _lag(lg), axis=1, keepdims=True)
        sc = (
            1.4826
            * np.nanmedian(
                np.abs(e - np.nanmedian(e, axis=(1, 2), keepdims=True)).reshape(len(e), -1), axis=1
            )[:, None, None]
        )
        thr = np.where(sc <= 0.10, np.fmax(6 * sc, 0.10), np.inf)
        hit = np.abs(e) > thr
        n += _count_episodes(hit, ~hit & np.isfinite(e))
        rank = rankdata(-L, axis=1, method="min")
        best = np.fmin(np.fmin(_lag(rank, 1), _lag(rank, 2)), _lag(rank, 3))
        drop = rank - best
        n += _count_episodes(drop >= 100, drop < 20)
        lvl = np.clip(np.floor(np.round(D * 10, 12)), 0, 9)
        down = _lag(lvl) - lvl
        n += _count_episodes(down >= 1, down < 1)
        n += _count_episodes(D <= 0.35, D > 0.37)
        mx = np.nanmax(S, axis=0, keepdims=True)
        n += _count_episodes(mx >= 0.05, mx < 0.04)
    return n


def baseline_break(obs: pd.DataFrame) -> int:
    """The bare level-break check alone (robust z of the idiosyncratic log growth), cube included."""
    codes, V = _cube(obs)
    L = V[np.char.startswith(codes.astype(str), "ind")]
    with np.errstate(all="ignore"):
        lg = np.log(L)
        e = (lg - _lag(lg)) - np.nanmedian(lg - _lag(lg), axis=1, keepdims=True)
        sc = (
            1.4826
            * np.nanmedian(
                np.abs(e - np.nanmedian(e, axis=(1, 2), keepdims=True)).reshape(len(e), -1), axis=1
            )[:, None, None]
        )
        thr = np.where(sc <= 0.10, np.fmax(6 * sc, 0.10), np.inf)
        hit = np.abs(e) > thr
        return _count_episodes(hit, ~hit & np.isfinite(e))


def bench_evaluation() -> None:
    t0 = time.perf_counter()
    obs = synthetic_panel()
    print(
        f"synthetic panel: {len(obs):,} rows ({C_LEVEL + C_D + C_OAR} indicators × {R:,} regions × "
        f"{T} years), generated in {time.perf_counter() - t0:.1f} s"
    )
    best_e, best_b = np.inf, np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        ev = evaluate(obs, RULES, tags=TAGS)
        best_e = min(best_e, time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_base = baseline(obs)
        best_b = min(best_b, time.perf_counter() - t0)
    per_rule = ev.alerts.groupby("rule").size().to_dict()
    print(
        f"evaluate (8 rules, episodes + evidence): {best_e:.2f} s (best of 3) — {len(ev.alerts):,} episodes "
        f"{per_rule}; target < 5 s: {'met' if best_e < 5 else 'MISSED'}"
    )
    print(f"bare numpy baseline of the same checks: {best_b:.2f} s — {n_base:,} episodes")
    print(f"ratio evaluate / baseline: {best_e / best_b:.2f}")
    # where the time goes: the level-break rule (the screening's test) against the seven others
    for label, keep in (("level-break rule alone", True), ("the seven other rules", False)):
        part = RuleSet(code="part", rules=tuple(r for r in RULES.rules if (r.kind == "trend_break") == keep))
        t0 = time.perf_counter()
        evaluate(obs, part, tags=TAGS)
        print(f"  {label} (with the cube): {time.perf_counter() - t0:.2f} s")
    part = RuleSet(code="part", rules=tuple(r for r in RULES.rules if r.kind == "trend_break"))
    t_rule = t_bare = np.inf
    for _ in range(2):
        t0 = time.perf_counter()
        evaluate(obs, part, tags=TAGS)
        t_rule = min(t_rule, time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline_break(obs)
        t_bare = min(t_bare, time.perf_counter() - t0)
    print(
        f"  level-break rule {t_rule:.2f} s against the bare numpy level-break check {t_bare:.2f} s: "
        f"ratio {t_rule / t_bare:.2f}"
    )
    # the predictive kind: one model per series
    one = obs[(obs.indicator_code == "ind0") & obs.region_code.isin([f"{r:06d}" for r in range(20)])]
    t0 = time.perf_counter()
    for _, s in one.groupby("region_code"):
        forecast(s["value"].to_numpy(), s["year"].to_numpy(), horizon=2, method="auto")
    t_auto = (time.perf_counter() - t0) / 20
    t0 = time.perf_counter()
    for _, s in one.groupby("region_code"):
        forecast(s["value"].to_numpy(), s["year"].to_numpy(), horizon=2, method="ets")
    t_ets = (time.perf_counter() - t0) / 20
    print(f"forecast per series (20 years): auto {t_auto * 1000:.0f} ms, ets {t_ets * 1000:.0f} ms")


# --------------------------------------------------------------------------------------------------
_DATA = Path(industrial_brain.__file__).parent / "data" / "panels"


def _long(file: str, codes: dict[str, str]) -> pd.DataFrame:
    wide = pd.read_csv(_DATA / file)
    out = wide.melt(id_vars=["adcode", "year"], value_vars=list(codes), var_name="indicator_code")
    out["indicator_code"] = out["indicator_code"].map(codes)
    out["region_code"] = out["adcode"].astype(str)
    return out.dropna(subset=["value"])[["region_code", "indicator_code", "year", "value"]]


def bench_backtest() -> None:
    econ = _long(
        "econ_energy_panel_1990_2025__clean.csv",
        {c: c for c in ("gdp_100m_cny", "energy_consumption_10k_tce", "population_10k")},
    )
    notes = screen_panel(econ, "econ_energy")
    bad = notes[notes.severity == "error"][["region_code", "indicator_code", "year"]].dropna()
    key = ["region_code", "indicator_code", "year"]
    econ = econ.merge(bad.assign(_bad=True), on=key, how="left")
    econ = econ[econ["_bad"].isna()].drop(columns="_bad")
    grp = _long("gdp_three_sectors_2010_2022__clean.csv", {"grp_100m_cny": "grp_100m_cny"})
    panel = pd.concat([econ, grp], ignore_index=True)
    t0 = time.perf_counter()
    bt = backtest(panel, origins=[2016, 2017, 2018, 2019], horizon=3)
    took = time.perf_counter() - t0
    tab = bt.table.pivot_table(index=["indicator_code", "method"], columns="h", values="MASE")
    n = bt.table.groupby("indicator_code")["n"].max()
    print(
        f"\nrolling-origin backtest, origins 2016–2019, horizons 1–3 ({len(bt.errors):,} forecasts, "
        f"{took:.0f} s); "
        "MASE by horizon:"
    )
    print(tab.round(2).to_string())
    print("forecasts per indicator × method × horizon (max):", n.to_dict())
    overall = bt.errors.groupby("method")["q"].mean()
    print("MASE over all:", {k: round(v, 2) for k, v in overall.items()})
    print(*bt.notes, sep="\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-backtest", action="store_true")
    ap.add_argument("--skip-evaluation", action="store_true")
    a = ap.parse_args()
    if not a.skip_evaluation:
        bench_evaluation()
    if not a.skip_backtest:
        bench_backtest()


if __name__ == "__main__":
    main()
