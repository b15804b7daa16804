"""Chart labels of the report's figures in Chinese: titles, axes, legends and tick labels of each
figure drawn with ``lang="zh"`` carry no English word (the contribution chart's legend shows
indicator names, not codes)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from industrial_brain.viz.io import digital_intensity_chart, linkage_scatter  # noqa: E402
from industrial_brain.viz.macro import contribution_bars, moran_by_year, rank_interval_chart  # noqa: E402
from industrial_brain.viz.micro import radar, sector_comparison, trajectory_chart  # noqa: E402

WORD = re.compile(r"(?<![\w./\[-])[a-z][a-z']+(?![\w/\[(-])")  # lower-case English words


def _texts(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return [t for t in out if t]


def _english(fig) -> list[str]:
    return [w for t in _texts(fig) for w in WORD.findall(t)]


def _figures(lang: str):
    lk = pd.DataFrame(
        {
            "backward": [1.2, 0.8, 1.1],
            "forward": [1.3, 0.7, 0.9],
            "quadrant": ["key", "weak", "backward_oriented"],
        },
        index=["01", "02", "03"],
    )
    yield linkage_scatter(lk, lang=lang)
    yield digital_intensity_chart({"2020": pd.Series([0.1, 0.2], index=["01", "02"])}, lang=lang)
    mt = pd.DataFrame({"year": [2020, 2021], "I": [0.3, 0.35], "EI": [-0.03, -0.03], "p_sim": [0.01, 0.2]})
    yield moran_by_year(mt, lang=lang)
    contrib = pd.DataFrame(
        {
            "name": ["浙江", "浙江", "江苏", "江苏"],
            "score": [0.6, 0.6, 0.5, 0.5],
            "indicator": ["宽带接入端口", "软件业务收入"] * 2,
            "contribution": [0.2, 0.4, 0.3, 0.2],
        }
    )
    yield contribution_bars(contrib, lang=lang)
    ri = pd.DataFrame(
        {"name": ["浙江", "江苏"], "p05": [1, 2], "p95": [3, 4], "median": [2, 3], "nominal": [1, 2]}
    )
    yield rank_interval_chart(ri, lang=lang)
    dims = ["a", "b", "c"]
    yield radar(
        pd.Series([50.0, 60, 70], dims),
        pd.Series([55.0, 50, 65], dims),
        labels=["战略", "技术", "数据"],
        lang=lang,
    )
    tr = pd.DataFrame(
        {"taken_on": ["2021-01-01", "2022-01-01"], "total_score": [40.0, 55.0], "level": ["L2", "L3"]}
    ).assign(model_version="1.0")
    yield trajectory_chart(tr, lang=lang)
    sc = pd.DataFrame({"mean": [50.0, 55.0], "published_mean": [52.0, 58.0]}, index=["机械", "电子"])
    yield sector_comparison(sc, lang=lang)


def test_chinese_figures_have_no_english_labels():
    for fig in _figures("zh"):
        assert _english(fig) == [], (_texts(fig), _english(fig))
        plt.close(fig)


def test_english_figures_keep_english_labels():
    found = []
    for fig in _figures("en"):
        found += _english(fig)
        plt.close(fig)
    assert {"backward", "year", "median", "enterprise", "total"} <= set(found)


def test_contribution_legend_shows_the_names_given():
    fig = next(f for i, f in enumerate(_figures("zh")) if i == 3)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["宽带接入端口", "软件业务收入"]
    plt.close("all")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_moran_years_are_whole(lang):
    fig = list(_figures(lang))[2]
    ticks = [t for t in fig.axes[0].get_xticks() if 2019.5 <= t <= 2021.5]
    assert all(float(t).is_integer() for t in ticks) and np.all(np.diff(ticks) >= 1)
    plt.close("all")
