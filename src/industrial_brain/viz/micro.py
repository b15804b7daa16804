"""Plots of enterprise assessments: radar of dimension scores against a benchmark, score trajectory,
sector means against the published reference. Each function returns a matplotlib Figure (Agg)."""

from __future__ import annotations

from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["radar", "trajectory_chart", "sector_comparison"]


def radar(
    scores: pd.Series,
    benchmark: pd.Series | None = None,
    *,
    labels: Sequence[str] | None = None,
    title: str = "",
    score_label: str | None = None,
    benchmark_label: str | None = None,
    lang: str = "en",
):
    """Radar (spider) chart of dimension scores (0–100), with a benchmark polygon when given; legend
    in ``lang`` unless the labels are given.

    ``scores`` and ``benchmark`` are indexed by dimension code; a benchmark of NaN is not drawn.
    """
    zh = lang == "zh"
    score_label = score_label or ("本企业" if zh else "enterprise")
    benchmark_label = benchmark_label or ("行业中位数" if zh else "sector median")
    codes = list(scores.index)
    n = len(codes)
    ang = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    closed = np.append(ang, ang[:1])
    fig, ax = plt.subplots(figsize=(5.6, 5.6), subplot_kw={"polar": True})
    v = scores.to_numpy(dtype=np.float64)
    ax.plot(closed, np.append(v, v[:1]), color="#1f6feb", lw=2, label=score_label)
    ax.fill(closed, np.append(v, v[:1]), color="#1f6feb", alpha=0.15)
    if benchmark is not None:
        b = benchmark.reindex(codes).to_numpy(dtype=np.float64)
        if np.isfinite(b).all():
            ax.plot(closed, np.append(b, b[:1]), color="#d1242f", lw=1.5, ls="--", label=benchmark_label)
    ax.set_xticks(ang)
    ax.set_xticklabels(list(labels) if labels is not None else codes, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_rlabel_position(180.0 / n)  # radial labels between the first two axes, clear of their names
    ax.tick_params(axis="y", labelsize=7)
    if title:
        ax.set_title(title, pad=18)
    ax.legend(loc="lower right", bbox_to_anchor=(1.25, -0.05), fontsize=8)
    return fig


def trajectory_chart(traj: pd.DataFrame, *, title: str = "", lang: str = "en"):
    """Total score of each assessment over time, one marker per assessment, labelled with its level
    and model version (columns ``taken_on``, ``total_score``, ``level``, ``model_version``)."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    x = pd.to_datetime(traj["taken_on"])
    ax.plot(x, traj["total_score"], marker="o", color="#1f6feb")
    for xi, yi, lv, ver in zip(x, traj["total_score"], traj["level"], traj["model_version"]):
        ax.annotate(
            f"{lv} (v{ver})", (xi, yi), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel("总分（0–100）" if lang == "zh" else "total score (0–100)")
    if title:
        ax.set_title(title)
    fig.autofmt_xdate()
    return fig


def sector_comparison(
    table: pd.DataFrame,
    *,
    title: str = "",
    ours_label: str | None = None,
    ref_label: str | None = None,
    lang: str = "en",
):
    """Horizontal bars of our sector means beside the published reference means
    (columns ``mean`` and ``published_mean``, index = sector; the ``ALL`` row is left out)."""
    zh = lang == "zh"
    ours_label = ours_label or ("合成样本" if zh else "synthetic population")
    ref_label = ref_label or ("2022年公布值（参照）" if zh else "published 2022 (reference)")
    t = table.drop(index="ALL", errors="ignore")
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(t) + 1.2))
    ax.barh(y - 0.2, t["published_mean"], height=0.4, color="#999999", label=ref_label)
    ax.barh(y + 0.2, t["mean"], height=0.4, color="#1f6feb", label=ours_label)
    ax.set_yticks(y)
    ax.set_yticklabels(list(t.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("平均总分（0–100）" if zh else "mean total score (0–100)")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    return fig
