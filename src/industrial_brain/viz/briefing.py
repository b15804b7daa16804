"""Charts of a briefing (:mod:`industrial_brain.services.briefing`): one line or bar chart per
:class:`~industrial_brain.services.briefing.BriefChart`, with a CJK font for Chinese labels."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from pandas.api.types import is_numeric_dtype

from industrial_brain.viz.fonts import cjk_font

__all__ = ["briefing_chart"]


def briefing_chart(chart: Any) -> Figure:
    """A figure of ``chart.data`` (x as index, one column per series): lines with markers
    (``kind='line'``) or grouped bars (``'bar'``; horizontal when the index holds names), titled
    ``chart.title``. Built without pyplot's
    global state, so requests can draw in parallel."""
    cjk_font()
    fig = Figure(figsize=(7.0, 3.0), layout="constrained")
    ax = fig.add_subplot()
    data = chart.data
    if chart.kind == "bar" and not is_numeric_dtype(data.index):  # categories (sector names): horizontal
        data.iloc[::-1].plot.barh(ax=ax, legend=data.shape[1] > 1, color="#1f6feb", width=0.7)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_ylabel("")
        ax.set_xlabel(chart.ylabel)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(chart.title, fontsize=10)
        return fig
    if chart.kind == "bar":
        data.plot.bar(ax=ax, legend=data.shape[1] > 1, color="#1f6feb", width=0.7)
        ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    else:
        data.plot(ax=ax, marker="o", legend=True)
        ax.set_xticks(list(data.index))
    ax.set_title(chart.title, fontsize=10)
    ax.set_ylabel(chart.ylabel)
    ax.set_xlabel("")
    ax.grid(axis="y", alpha=0.3)
    return fig
