"""Plots of the input–output engine: linkage scatter (backward vs forward), digital input intensity by
sector across years. Each function returns a matplotlib Figure (Agg backend)."""

from __future__ import annotations

from typing import Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["linkage_scatter", "digital_intensity_chart"]

_QUADRANT_COLOURS = {
    "key": "#d1242f",
    "backward_oriented": "#1f6feb",
    "forward_oriented": "#1a7f37",
    "weak": "#8c959f",
}


_QUADRANT_EN = {
    "key": "key sectors",
    "backward_oriented": "backward-oriented",
    "forward_oriented": "forward-oriented",
    "weak": "weak linkages",
}
_QUADRANT_ZH = {
    "key": "关键部门",
    "backward_oriented": "后向型",
    "forward_oriented": "前向型",
    "weak": "弱关联",
}


def linkage_scatter(
    table: pd.DataFrame,
    *,
    threshold: float = 1.0,
    title: str = "",
    xlabel: str | None = None,
    ylabel: str | None = None,
    annotate: bool = True,
    lang: str = "en",
):
    """Backward vs forward linkages, one point per sector, coloured by key-sector quadrant; axis and
    legend labels in ``lang`` (en, zh: the caller makes sure a CJK font is set).

    ``table`` has columns ``backward``, ``forward`` and optionally ``quadrant`` (from
    :func:`industrial_brain.meso.linkages.key_sectors`), indexed by sector code.
    """
    zh = lang == "zh"
    xlabel = xlabel or ("影响力系数（后向关联）" if zh else "backward linkage (power of dispersion)")
    ylabel = ylabel or ("感应度系数（前向关联）" if zh else "forward linkage (sensitivity of dispersion)")
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    q = table["quadrant"] if "quadrant" in table.columns else pd.Series("weak", index=table.index)
    for quad, colour in _QUADRANT_COLOURS.items():
        sel = q == quad
        if sel.any():
            ax.scatter(
                table.loc[sel, "backward"],
                table.loc[sel, "forward"],
                s=28,
                color=colour,
                label=(_QUADRANT_ZH if zh else _QUADRANT_EN)[quad],
                alpha=0.85,
                edgecolor="white",
                linewidth=0.5,
            )
    ax.axvline(threshold, color="#444", lw=0.8, ls="--")
    ax.axhline(threshold, color="#444", lw=0.8, ls="--")
    if annotate:
        for code, row in table.iterrows():
            ax.annotate(
                str(code),
                (row["backward"], row["forward"]),
                fontsize=7,
                xytext=(2, 2),
                textcoords="offset points",
            )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    fig.tight_layout()
    return fig


def digital_intensity_chart(
    coefficients: Mapping[str, pd.Series],
    *,
    title: str = "",
    ylabel: str | None = None,
    top: int | None = None,
    lang: str = "en",
):
    """Grouped bars: a digital input coefficient by sector (x) for several tables/years (bars); labels
    in ``lang`` (en, zh).

    ``coefficients`` maps a label (e.g. the year) to a Series indexed by sector code.
    """
    frame = pd.DataFrame(coefficients)
    if top:
        frame = frame.loc[frame.iloc[:, -1].sort_values(ascending=False).index[:top]]
    k = frame.shape[1]
    pos = np.arange(len(frame))
    width = 0.8 / max(k, 1)
    fig, ax = plt.subplots(figsize=(min(12.0, max(7.0, 0.09 * len(frame) * max(k, 1))), 4.2))
    for m, col in enumerate(frame.columns):
        ax.bar(pos + (m - (k - 1) / 2) * width, frame[col].to_numpy(), width=width, label=str(col))
    ax.set_xticks(pos)
    ax.set_xticklabels([str(c) for c in frame.index], fontsize=7, rotation=90)
    zh = lang == "zh"
    ax.set_ylabel(
        ylabel or ("完全数字投入系数（元/元）" if zh else "total digital input coefficient (CNY per CNY)")
    )
    ax.set_xlabel("部门代码" if zh else "sector code")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
