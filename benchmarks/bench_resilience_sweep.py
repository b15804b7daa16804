"""Sweep: ARIO default and ``boario_compat`` modes against BoARIO 0.7.2, every industry of the test MRIO.

For each of the 48 (region, sector) industries of ``pymrio.load_test()`` and each event type, the same
event is run for 365 days by our default mode (``boario_compat=False``, default ``ARIOParams``), our
BoARIO-compatible mode and BoARIO's ``ARIOPsiModel`` (order type "alt"), as in
``tests/resilience/test_peer_boario.py``:

* ``rebuild``  — capital destroyed = ``share`` × the industry's capital stock (4 × value added) on
  day 5, rebuilt from day 6 by construction (55 %) and manufacturing (45 %), τ_REBUILD = 60 days;
* ``capacity`` — ``share`` of the industry's capacity lost on day 5 for 90 days, then recovered
  linearly over 30 days (BoARIO: ``event_type="arbitrary"``);
* ``recover``  — capital destroyed as for ``rebuild``, recovered along BoARIO's concave curve over
  90 days after 10 days (not rebuilt).

It prints, per event type, how many runs stopped with an error in each model and the min / median /
max relative difference of the total production loss Σ_t Σ_f (x⁰_f − x_f(t)), (ours − BoARIO) /
|BoARIO|, over the 48 industries, how many differ by more than 1 %, and the largest difference where
BoARIO's loss is material (|loss| ≥ 10⁻⁶ of annual output; the others are small industries whose
loss is a net gain or loss of a few thousand units). One BoARIO run takes about 1 s: the default
sweep (2 × 48 events) takes ~2 min.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_resilience_sweep.py
    PYTHONPATH=src .venv/bin/python benchmarks/bench_resilience_sweep.py --share 0.01 --kinds rebuild
    PYTHONPATH=src .venv/bin/python benchmarks/bench_resilience_sweep.py \\
        --kinds rebuild,capacity,recover --csv sweep.csv
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

DAYS = 365
REBUILDING = {"construction": 0.55, "manufactoring": 0.45}


def load():
    """pymrio's test MRIO in BoARIO's (alphabetical) order: Z, Y, x, the IOSystem, index, sectors."""
    import pymrio

    io = pymrio.load_test()
    io.calc_all()
    regs, secs = sorted(io.get_regions()), sorted(io.get_sectors())
    idx = pd.MultiIndex.from_product([regs, secs], names=["region", "sector"])
    return io.Z.loc[idx, idx], io.Y.loc[idx], io.x.loc[idx].iloc[:, 0], io, idx, secs


def our_event(kind: str, i: int, share: float, impact: float, n: int, secs: list[str]):
    from industrial_brain.meso.resilience import ARIOEvent

    imp = np.zeros(n)
    if kind == "capacity":
        imp[i] = share
        return ARIOEvent(imp, kind="capacity", start=5, duration=90, recovery_tau=30, name="capacity")
    imp[i] = impact
    if kind == "rebuild":
        return ARIOEvent(
            imp,
            kind="capital",
            start=5,
            duration=1,
            rebuild=True,
            rebuild_tau=60,
            rebuilding_sectors={secs.index(k): v for k, v in REBUILDING.items()},
            name="rebuild",
        )
    return ARIOEvent(
        imp,
        kind="capital",
        start=5,
        duration=10,
        rebuild=False,
        recovery_tau=90,
        recovery_shape="concave",
        name="recover",
    )


def boario_loss(io, idx, kind: str, region: str, sector: str, share: float, impact: float, x0: np.ndarray):
    """BoARIO's total production loss for one event (or the error that stopped it, as a string)."""
    import boario.event as bev
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    model = ARIOPsiModel(io)
    sim = Simulation(model, n_temporal_units_to_sim=DAYS)
    common = dict(
        affected_regions=[region],
        affected_sectors=[sector],
        impact_regional_distrib="equal",
        impact_sectoral_distrib="equal",
    )
    if kind == "rebuild":
        ev = bev.from_scalar_regions_sectors(
            impact=impact,
            event_type="rebuild",
            **common,
            rebuilding_sectors=REBUILDING,
            rebuild_tau=60,
            occurrence=5,
            duration=1,
            event_monetary_factor=10**6,
        )
    elif kind == "recover":
        ev = bev.from_scalar_regions_sectors(
            impact=impact,
            event_type="recovery",
            **common,
            recovery_tau=90,
            recovery_function="concave",
            occurrence=5,
            duration=10,
            event_monetary_factor=10**6,
        )
    else:
        ev = bev.from_scalar_regions_sectors(
            impact=share,
            event_type="arbitrary",
            **common,
            recovery_tau=30,
            recovery_function="linear",
            occurrence=5,
            duration=90,
        )
    sim.add_event(ev)
    try:
        sim.loop()
    except Exception as e:  # noqa: BLE001 - the peer's failure is a result of the sweep
        return f"{type(e).__name__}: {e}"
    prod = sim.production_realised.loc[:, idx].to_numpy()[:DAYS]
    return float((x0[None, :] - prod).sum())


def sweep(kinds: list[str], share: float, with_boario: bool = True) -> pd.DataFrame:
    """One row per (kind, region, sector): total loss of default, compat, BoARIO (NaN + error if stopped)."""
    from industrial_brain.meso.resilience import ARIOModel

    warnings.simplefilter("ignore")
    Z, Y, x, io, idx, secs = load()
    models = {"default": ARIOModel(Z, Y, x), "compat": ARIOModel(Z, Y, x, boario_compat=True)}
    K = models["default"].K
    x0 = x.to_numpy() / 365.0
    rows = []
    for kind in kinds:
        for i, (region, sector) in enumerate(idx):
            impact = float(share * K[i])
            row: dict = {"kind": kind, "region": region, "sector": sector}
            ev = our_event(kind, i, share, impact, len(idx), secs)
            for name, m in models.items():
                try:
                    row[name] = m.run([ev], DAYS, record_inventories=False).total_production_loss
                    row[f"{name}_error"] = ""
                except Exception as e:  # noqa: BLE001 - an aborted run is a result of the sweep
                    row[name], row[f"{name}_error"] = np.nan, str(e)
            if with_boario:
                b = boario_loss(io, idx, kind, region, sector, share, impact, x0)
                row["boario"], row["boario_error"] = (np.nan, b) if isinstance(b, str) else (b, "")
            rows.append(row)
    return pd.DataFrame(rows)


def summary(df: pd.DataFrame, annual_output: float) -> pd.DataFrame:
    """Per kind and mode: runs stopped; min / median / max of (ours − BoARIO) / |BoARIO| over all events.

    ``material_max_abs`` is the largest |difference| over the events whose BoARIO loss is at least 10⁻⁶
    of annual output (``material`` of them); the others are industries so small that their loss is a
    net gain or loss of a few thousand units.
    """
    out = []
    for kind, g in df.groupby("kind", sort=False):
        material = g["boario"].abs() >= 1e-6 * annual_output
        for mode in ("default", "compat"):
            rel = (g[mode] - g["boario"]) / g["boario"].abs()
            out.append(
                {
                    "kind": kind,
                    "mode": mode,
                    "events": len(g),
                    "stopped": int((g[f"{mode}_error"] != "").sum()),
                    "boario_stopped": int((g["boario_error"] != "").sum()),
                    "min": rel.min(),
                    "median": rel.median(),
                    "max": rel.max(),
                    "over_1pct": int((rel.abs() > 0.01).sum()),
                    "material": int(material.sum()),
                    "material_max_abs": rel[material].abs().max(),
                }
            )
    return pd.DataFrame(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--kinds", default="rebuild,capacity", help="rebuild, capacity, recover (comma-separated)"
    )
    ap.add_argument("--share", type=float, default=0.10, help="share of capital (or capacity) lost")
    ap.add_argument("--csv", help="write the per-event table here")
    a = ap.parse_args()
    try:
        import boario  # noqa: F401 - the peer (test/bench extra), with progressbar2 beside it
        import progressbar  # noqa: F401
        import pymrio  # noqa: F401
    except ImportError as e:
        print(f"skipped: the sweep needs BoARIO 0.7.2, progressbar2 and pymrio ({e})")
        return
    t0 = time.perf_counter()
    df = sweep(a.kinds.split(","), a.share)
    Z, Y, x, *_ = load()
    s = summary(df, float(x.sum()))
    print(
        f"ARIO vs BoARIO 0.7.2 ARIOPsiModel on pymrio's test MRIO, 48 industries, {DAYS} days, "
        f"share {a.share:g}"
    )
    print("relative difference of the total production loss, (ours − BoARIO) / |BoARIO| (1e-2 = 1 %)\n")
    with pd.option_context("display.width", 200, "display.float_format", "{:+.2e}".format):
        print(s.to_string(index=False))
    for mode in ("default", "compat", "boario"):
        bad = df[df[f"{mode}_error"] != ""]
        for _, r in bad.iterrows():
            print(f"\n{mode} stopped: {r['kind']} {r['region']}/{r['sector']}: {r[f'{mode}_error'][:160]}")
    d = df.assign(rel=(df["default"] - df["boario"]) / df["boario"].abs())
    print("\nlargest differences, default vs BoARIO:")
    with pd.option_context("display.width", 200):
        cols = ["kind", "region", "sector", "default", "compat", "boario", "rel"]
        print(
            d.reindex(d["rel"].abs().sort_values(ascending=False).index)[cols].head(10).to_string(index=False)
        )
    if a.csv:
        df.to_csv(a.csv, index=False)
        print(f"\nper-event table: {a.csv}")
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
