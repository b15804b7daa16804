"""Plots for stress tests: recovery curves of an ARIO run, Monte Carlo loss distribution."""

from __future__ import annotations

from typing import Any, Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from industrial_brain._shared.i18n import money_scale  # noqa: E402
from industrial_brain.viz.fonts import cjk_font  # noqa: E402

__all__ = ["plot_recovery", "plot_loss_distribution", "plot_region_losses"]


def _label(
    key: Any, names: Mapping[str, Any] | None, lang: str, region_names: Mapping[str, Any] | None = None
) -> str:
    if isinstance(key, tuple):
        reg, sec = (str(k) for k in key[:2])
    else:
        reg, sec = "", str(key)
    name = ""
    if names and sec in names:
        v = names[sec]
        if isinstance(v, (tuple, list)):
            name = v[0] if lang == "zh" else (v[1] if len(v) > 1 else v[0])
        else:
            name = str(v)
    lab = f"{sec} {name}".strip()
    rn = (region_names or {}).get(reg)
    if isinstance(rn, (tuple, list)):
        reg = str(rn[0] if lang == "zh" else (rn[1] if len(rn) > 1 else rn[0]))
    return f"{reg} · {lab}" if reg and reg != "CN" else lab


def plot_recovery(
    res: Any,
    *,
    names: Mapping[str, Any] | None = None,
    top: int = 6,
    lang: str = "en",
    title: str | None = None,
    region_names: Mapping[str, Any] | None = None,
) -> Figure:
    """Recovery curves: total output (% of initial) and the ``top`` most affected industries' output ratio."""
    zh = lang == "zh" and cjk_font()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    days = np.arange(res.days)
    tot = res.production.sum(axis=1) / res.x0.sum() * 100.0
    cap = res.capacity.sum(axis=1) / res.x0.sum() * 100.0
    a1.plot(days, tot, lw=2, label="总产出" if zh else "production")
    a1.plot(days, cap, lw=1, ls="--", label="产能" if zh else "capacity")
    a1.axhline(100.0, color="grey", lw=0.8)
    a1.set_xlabel("天" if zh else "day")
    a1.set_ylabel("% 初始水平" if zh else "% of initial level")
    a1.set_title("经济整体" if zh else "whole economy")
    a1.legend(fontsize=8)
    worst = res.most_affected(top)
    rel = res.relative_production
    pos = {k: i for i, k in enumerate(res.index)}
    for key in worst.index:
        label = _label(key, names, "zh" if zh else "en", region_names)[:44]
        a2.plot(days, rel[:, pos[key]] * 100.0, lw=1.2, label=label)
    a2.axhline(100.0, color="grey", lw=0.8)
    a2.set_xlabel("天" if zh else "day")
    a2.set_title("受影响最大的部门" if zh else "most affected industries")
    a2.legend(fontsize=7, loc="lower right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _money(unit: str, zh: bool) -> tuple[float, str]:
    """(factor to 亿元, axis-label suffix) for a table unit (:func:`money_scale`)."""
    k, label = money_scale(unit, "zh" if zh else "en")
    return k, f"（{label}）" if zh else f" ({label})"


def plot_loss_distribution(mc: Any, *, lang: str = "en", title: str | None = None, unit: str = "") -> Figure:
    """Histogram of total losses over Monte Carlo runs with the 5th, 50th and 95th percentiles
    (in 亿元 when ``unit`` is the table's money unit)."""
    zh = lang == "zh" and cjk_font()
    k_, suffix = _money(unit, zh)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.hist(np.asarray(mc.total_loss) * k_, bins=min(40, max(5, mc.runs // 10)), color="#4477aa", alpha=0.8)
    s = mc.stats()
    for k, ls in (("p05", ":"), ("p50", "-"), ("p95", ":")):
        ax.axvline(s[k] * k_, color="k", ls=ls, lw=1)
    ax.set_xlabel(("总产出损失" if zh else "total production loss") + suffix)
    ax.set_ylabel("次数" if zh else "runs")
    ax.set_title(title or (f"{mc.runs} 次模拟" if zh else f"{mc.runs} runs"))
    fig.tight_layout()
    return fig


def plot_region_losses(
    res: Any,
    *,
    region_names: Mapping[str, Any] | None = None,
    top: int = 12,
    lang: str = "en",
    unit: str = "",
) -> Figure:
    """Bar chart of net production loss by region for a multi-regional run (in 亿元 when ``unit`` is
    the table's money unit, else in table units)."""
    zh = lang == "zh" and cjk_font()
    k_, suffix = _money(unit, zh)
    f = res.to_frame()
    by = f["loss"].groupby(level=0).sum().sort_values(ascending=False).head(top)
    labels = []
    for r in by.index:
        v = (region_names or {}).get(str(r))
        labels.append(str(v[0] if zh else v[1]) if isinstance(v, (tuple, list)) else str(r))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.barh(labels[::-1], by.to_numpy()[::-1] * k_, color="#cc6677")
    ax.set_xlabel(("产出损失" if zh else "production loss") + suffix)
    fig.tight_layout()
    return fig
