"""Monte Carlo over event parameters: many ARIO runs on one model, with seeds.

The model (Z₀ stored once, inventories, capital) is built once and re-run for each draw; each run
draws its event parameters from its own stream ``np.random.default_rng(seed).spawn`` so that any run
can be reproduced alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso.resilience.adaptive_recovery import ARIOEvent, ARIOModel
from industrial_brain.meso.resilience.scenario import scenario_events

__all__ = ["MonteCarloResult", "monte_carlo"]


@dataclass(frozen=True)
class MonteCarloResult(ResultMixin):
    """Distribution of ARIO outcomes over random events.

    Attributes
    ----------
    total_loss : ndarray (runs,)
        Total net production loss of each run (table units).
    loss : ndarray (runs, N)
        Net production loss per industry and run.
    min_ratio : ndarray (runs, N)
        Lowest x_f(t)/x⁰_f of each industry in each run.
    draws : DataFrame
        The parameters drawn for each run.
    index : MultiIndex (region, sector)
    threshold : float
        Output ratio below which a sector counts as "dropping".
    seed : int
    lineage : Lineage
    """

    total_loss: np.ndarray
    loss: np.ndarray
    min_ratio: np.ndarray
    draws: pd.DataFrame
    index: pd.Index
    threshold: float
    seed: int
    lineage: Lineage

    title_en = "Monte Carlo stress test"
    title_zh = "蒙特卡洛压力测试"

    @property
    def runs(self) -> int:
        """Number of simulated runs."""
        return len(self.total_loss)

    def stats(self) -> dict[str, float]:
        """Mean, 5th and 95th percentiles of the total loss."""
        tl = self.total_loss
        return {
            "mean": float(tl.mean()),
            "p05": float(np.percentile(tl, 5)),
            "p50": float(np.median(tl)),
            "p95": float(np.percentile(tl, 95)),
            "sd": float(tl.std(ddof=1)) if len(tl) > 1 else 0.0,
        }

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        s = self.stats()
        yield ("模拟次数" if zh else "runs", self.runs)
        yield ("随机种子" if zh else "seed", self.seed)
        yield ("损失均值" if zh else "mean loss", s["mean"])
        yield ("损失5%分位" if zh else "5th percentile loss", s["p05"])
        yield ("损失95%分位" if zh else "95th percentile loss", s["p95"])
        f = self.to_frame()
        yield (
            (f"产出低于{self.threshold:.0%}概率最高" if zh else f"most likely below {self.threshold:.0%}"),
            f"{f['p_below'].idxmax()} ({f['p_below'].max():.1%})",
        )

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Per industry: mean, 5th, 95th percentile loss and P(output < threshold × initial)."""
        f = pd.DataFrame(
            {
                "loss_mean": self.loss.mean(axis=0),
                "loss_p05": np.percentile(self.loss, 5, axis=0),
                "loss_p95": np.percentile(self.loss, 95, axis=0),
                "min_ratio_mean": self.min_ratio.mean(axis=0),
                "p_below": (self.min_ratio < self.threshold).mean(axis=0),
            },
            index=self.index,
        )
        return f.sort_values("loss_mean", ascending=False)


def monte_carlo(
    model: ARIOModel,
    make_events: Callable[[np.random.Generator], tuple[Sequence[ARIOEvent], dict]],
    runs: int = 1000,
    *,
    days: int = 365,
    seed: int = 12345,
    threshold: float = 0.9,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Run ``model`` ``runs`` times with events drawn by ``make_events(rng)``.

    Parameters
    ----------
    model : ARIOModel
        Built once; each run starts from its initial state.
    make_events : callable
        ``rng -> (events, draws)``: the run's events and a dict of the values drawn (recorded).
    runs : int
    days : int
    seed : int
        Master seed; run i uses ``np.random.default_rng(seed).spawn(runs)[i]``.
    threshold : float
        A sector "drops" in a run when its output falls below ``threshold`` × its initial output.
    progress : callable, optional
        Called with the number of runs finished (for a progress bar).

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> import numpy as np
    >>> from industrial_brain.meso.resilience import ARIOModel, ARIOEvent
    >>> m = ARIOModel(np.array([[10.0, 5.0], [5.0, 10.0]]), np.array([85.0, 85.0]), n_regions=2)
    >>> def draw(rng):
    ...     s = rng.uniform(0.1, 0.3)
    ...     return [ARIOEvent(np.array([s, 0.0]), kind="capacity", start=1, duration=10)], {"share": s}
    >>> r = monte_carlo(m, draw, runs=20, days=60, seed=1)
    >>> bool(r.stats()["p05"] <= r.stats()["mean"] <= r.stats()["p95"])
    True
    """
    if runs < 1:
        raise InputError.at("runs must be ≥ 1", value=runs)
    rngs = np.random.default_rng(seed).spawn(runs)
    N = model.N
    total = np.empty(runs)
    loss = np.empty((runs, N))
    minr = np.empty((runs, N))
    rows = []
    for i, rng in enumerate(rngs):
        events, drawn = make_events(rng)
        r = model.run(events, days, record_inventories=False)
        lb = r.loss_by_industry
        loss[i] = lb
        total[i] = lb.sum()
        minr[i] = r.relative_production.min(axis=0)
        rows.append(drawn)
        if progress is not None:
            progress(i + 1)
    return MonteCarloResult(
        total_loss=readonly(total),
        loss=readonly(loss),
        min_ratio=readonly(minr),
        draws=pd.DataFrame(rows, index=pd.RangeIndex(runs, name="run")),
        index=model.index,
        threshold=threshold,
        seed=seed,
        lineage=Lineage.make(
            "meso.resilience.monte_carlo", {"runs": runs, "days": days, "threshold": threshold}, seed=seed
        ),
    )


def scenario_sampler(
    sc: Any, index: pd.MultiIndex, **kw: Any
) -> Callable[[np.random.Generator], tuple[list, dict]]:
    """``make_events`` for :func:`monte_carlo` from a :class:`~.scenario.Scenario`'s ``monte_carlo.vary``."""
    names = [e.name for e in sc.events]
    vary = sc.monte_carlo.vary if sc.monte_carlo else []

    def draw(rng: np.random.Generator) -> tuple[list, dict]:
        ov: dict[tuple[int, str], float] = {}
        rec: dict[str, float] = {}
        for v in vary:
            pos = v.event if isinstance(v.event, int) else names.index(v.event)
            val = v.draw(rng)
            ov[(pos, v.field)] = val
            rec[f"{names[pos]}.{v.field}"] = val
        return scenario_events(sc, index, overrides=ov, **kw), rec

    return draw
