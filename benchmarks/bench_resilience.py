"""Benchmark: ARIO recovery dynamics against BoARIO 0.7.2 (ARIOPsiModel), same event, same run.

Cases (each timed in its own process, so that peak memory — ru_maxrss — is clean):

* ``test``  — pymrio's test MRIO (6 × 8), 365 days: ours (default and ``boario_compat``) and BoARIO;
* ``2000``  — synthetic MRIO, 10 regions × 200 sectors (N = 2,000), 365 days: ours and BoARIO;
* ``9800``  — synthetic MRIO, 49 regions × 200 sectors (N = 9,800), 365 days ours; BoARIO only a few
  days (``--boario-days-9800``, default 2), extrapolated to 365 — skipped if less than 14 GB is free;
* ``mc``    — 1,000 Monte Carlo runs (365 days each) of the test MRIO.

The event is a 30 % capacity loss of region 0's first five sectors for 30 days, linear recovery over
30 days (BoARIO: ``event_type="arbitrary"``). Synthetic tables are random (seeded), dense, with
value added > 0: they only serve to time the engines.

Usage::

    .venv/bin/python benchmarks/bench_resilience.py                 # all cases
    .venv/bin/python benchmarks/bench_resilience.py --cases test,2000,mc
    .venv/bin/python benchmarks/bench_resilience.py --boario-days-2000 60   # shorter BoARIO run, extrapolated
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

DAYS = 365


def synthetic(n_regions: int, n_sectors: int, seed: int = 0):
    """Random dense MRIO (Z, Y, x) as frames; value added 40–70 % of output; trade mostly at home."""
    rng = np.random.default_rng(seed)
    N = n_regions * n_sectors
    regions = [f"r{i:02d}" for i in range(n_regions)]
    sectors = [f"s{i:03d}" for i in range(n_sectors)]
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    x = rng.uniform(100.0, 1000.0, N)
    A = rng.random((N, N))
    for r in range(n_regions):  # home bias, in place
        A[r * n_sectors : (r + 1) * n_sectors, r * n_sectors : (r + 1) * n_sectors] *= 5.0
    A *= (rng.uniform(0.3, 0.6, N) / A.sum(axis=0))[None, :]
    A *= x[None, :]  # A is now Z
    Z = A
    fd = np.maximum(x - Z.sum(axis=1), 0.05 * x)
    Y = np.repeat((fd / n_regions)[:, None], n_regions, axis=1)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    cols = pd.MultiIndex.from_product([regions, ["final demand"]], names=["region", "category"])
    return pd.DataFrame(Z, idx, idx, copy=False), pd.DataFrame(Y, idx, cols), pd.Series(x, idx, name="indout")


def load(case: str):
    if case == "test":
        import pymrio

        io = pymrio.load_test()
        io.calc_all()
        regs, secs = sorted(io.get_regions()), sorted(io.get_sectors())
        idx = pd.MultiIndex.from_product([regs, secs], names=["region", "sector"])
        return io.Z.loc[idx, idx], io.Y.loc[idx], io.x.loc[idx].iloc[:, 0], io
    R, S = {"2000": (10, 200), "9800": (49, 200)}[case]
    Z, Y, x = synthetic(R, S)
    return Z, Y, x, None


def event_industries(index: pd.MultiIndex):
    reg0 = index.get_level_values(0)[0]
    secs = list(index.get_level_values(1)[:5])
    return reg0, secs


def run_ours(case: str, days: int, compat: bool) -> dict:
    from industrial_brain.meso.resilience import ARIOEvent, ARIOModel

    Z, Y, x, _ = load(case)
    t0 = time.perf_counter()
    m = ARIOModel(Z, Y, x, boario_compat=compat)
    del Z
    imp = np.zeros(m.N)
    imp[:5] = 0.3
    ev = ARIOEvent(imp, kind="capacity", start=5, duration=30, recovery_tau=30)
    t1 = time.perf_counter()
    r = m.run([ev], days)
    t2 = time.perf_counter()
    return {
        "build_s": t1 - t0,
        "run_s": t2 - t1,
        "days": days,
        "loss": r.total_production_loss,
        "production": r.production[:, :8].tolist() if case == "test" else None,
    }


def run_boario(case: str, days: int) -> dict:
    import pymrio
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation
    import boario.event as bev

    warnings.simplefilter("ignore")
    Z, Y, x, io = load(case)
    if io is None:
        io = pymrio.IOSystem(Z=Z, Y=Y, x=x.to_frame("indout"), A=Z / x.to_numpy()[None, :])
        io.meta.change_meta("name", f"synthetic {case}")
    del Z
    reg0, secs = event_industries(
        io.Z.index
        if case != "test"
        else pd.MultiIndex.from_product([sorted(io.get_regions()), sorted(io.get_sectors())])
    )
    t0 = time.perf_counter()
    model = ARIOPsiModel(io)
    sim = Simulation(model, n_temporal_units_to_sim=max(days, 36) if days >= 36 else 36)
    # the scalar impact is split equally between the affected industries: 0.3 each
    ev = bev.from_scalar_regions_sectors(
        impact=0.3 * len(secs),
        event_type="arbitrary",
        affected_regions=[reg0],
        affected_sectors=secs,
        impact_regional_distrib="equal",
        impact_sectoral_distrib="equal",
        recovery_tau=30,
        recovery_function="linear",
        occurrence=5,
        duration=30,
    )
    sim.add_event(ev)
    t1 = time.perf_counter()
    for _ in range(days):
        sim.next_step()
    t2 = time.perf_counter()
    prod = sim.production_realised.to_numpy()[:days] if case == "test" else None
    return {
        "build_s": t1 - t0,
        "run_s": t2 - t1,
        "days": days,
        "loss": float((model.X_0[None, :] - prod).sum()) if prod is not None else None,
        "production": prod[:, :8].tolist() if prod is not None else None,
    }


def run_mc(runs: int) -> dict:
    import pymrio
    from industrial_brain.meso.resilience import ARIOEvent, ARIOModel, monte_carlo

    io = pymrio.load_test()
    io.calc_all()
    m = ARIOModel(io.Z, io.Y, io.x.iloc[:, 0])

    def draw(rng):
        imp = np.zeros(m.N)
        s = rng.uniform(0.1, 0.5)
        imp[:5] = s
        d = int(rng.integers(10, 120))
        return [ARIOEvent(imp, kind="capacity", start=1, duration=d, recovery_tau=30)], {
            "share": s,
            "duration": d,
        }

    t0 = time.perf_counter()
    r = monte_carlo(m, draw, runs=runs, days=DAYS, seed=1)
    return {"run_s": time.perf_counter() - t0, "runs": runs, "mean_loss": r.stats()["mean"]}


def child(spec: str) -> None:
    kind, case, days = spec.split(":")
    days = int(days)
    if kind == "ours":
        out = run_ours(case, days, compat=False)
    elif kind == "compat":
        out = run_ours(case, days, compat=True)
    elif kind == "boario":
        out = run_boario(case, days)
    else:
        out = run_mc(days)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT " + json.dumps(out))


def spawn(spec: str) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", spec], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": (p.stderr or p.stdout)[-800:]}


def mem_available_gb() -> float:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable"):
                    return int(line.split()[1]) / 1024**2
    except OSError:  # pragma: no cover
        pass
    return float("inf")


def fmt(r: dict, days: int = DAYS) -> str:
    if "error" in r:
        return "error: " + r["error"].strip().splitlines()[-1]
    per_day = r["run_s"] / r["days"]
    ext = "" if r["days"] == days else f" (→ {per_day * days:,.1f} s for {days} days, extrapolated)"
    return (
        f"{r['run_s']:8.2f} s for {r['days']} days, {per_day * 1e3:8.2f} ms/day, "
        f"peak {r['peak_mb']:,.0f} MB{ext}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child")
    ap.add_argument("--cases", default="test,2000,9800,mc")
    ap.add_argument("--boario-days-2000", type=int, default=DAYS)
    ap.add_argument("--boario-days-9800", type=int, default=2)
    ap.add_argument("--mc-runs", type=int, default=1000)
    a = ap.parse_args()
    if a.child:
        child(a.child)
        return
    cases = a.cases.split(",")
    print(f"ARIO benchmark: {DAYS} days; our engine vs BoARIO 0.7.2 ARIOPsiModel (same event)\n")
    if "test" in cases:
        o, c, b = spawn(f"ours:test:{DAYS}"), spawn(f"compat:test:{DAYS}"), spawn(f"boario:test:{DAYS}")
        print("pymrio test MRIO (N = 48)")
        print(f"  ours (default)       {fmt(o)}")
        print(f"  ours (boario_compat) {fmt(c)}")
        print(f"  BoARIO               {fmt(b)}")
        if "error" not in b and "error" not in c:
            pb, pc = np.array(b["production"]), np.array(c["production"])
            print(
                f"  speed-up {b['run_s'] / o['run_s']:.1f}× (default), {b['run_s'] / c['run_s']:.1f}× "
                "(compat); "
                f"compat vs BoARIO: loss ratio {c['loss'] / b['loss']:.12f}, "
                "max rel. diff of daily production (first 8 industries) "
                f"{np.max(np.abs(pc - pb) / np.abs(pb)):.1e}"
            )
    for case, bdays in (("2000", a.boario_days_2000), ("9800", a.boario_days_9800)):
        if case not in cases:
            continue
        o = spawn(f"ours:{case}:{DAYS}")
        print(f"\nsynthetic MRIO N = {int(case):,}")
        print(f"  ours (default)       {fmt(o)}")
        if case == "9800" and mem_available_gb() < 14:
            print(f"  BoARIO               skipped: {mem_available_gb():.1f} GB available, it needs ~12 GB")
            continue
        b = spawn(f"boario:{case}:{bdays}")
        print(f"  BoARIO               {fmt(b)}")
        if "error" not in b and "error" not in o:
            ratio = (b["run_s"] / b["days"]) / (o["run_s"] / o["days"])
            print(f"  speed-up per day {ratio:.1f}×; peak memory ratio {b['peak_mb'] / o['peak_mb']:.1f}×")
    if "mc" in cases:
        r = spawn(f"mc:test:{a.mc_runs}")
        if "error" in r:
            print(f"\nMonte Carlo: {fmt(r)}")
        else:
            print(
                f"\nMonte Carlo, test MRIO: {r['runs']} runs × {DAYS} days in {r['run_s']:.1f} s "
                f"({r['run_s'] / r['runs'] * 1e3:.1f} ms per run; target < 60 s), peak {r['peak_mb']:,.0f} MB"
            )


if __name__ == "__main__":
    main()
