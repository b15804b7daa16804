"""The static China map: the South China Sea (南海诸岛) in an inset box, the data's range on the colour
bar, and "no data" kept apart from "not covered" (Taiwan, Hong Kong, Macao)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from industrial_brain.viz.macro import INSET_LABEL, SOUTH_CHINA_SEA, choropleth, province_shapes

NOT_COVERED = {"710000", "810000", "820000"}


def _values() -> pd.Series:
    codes = sorted(c for c in province_shapes() if c not in NOT_COVERED)
    v = pd.Series(np.linspace(0.17, 0.78, len(codes)), index=codes)
    v["210000"] = np.nan  # Liaoning without a value this year
    return v


def test_map_has_the_south_china_sea_inset():
    fig = choropleth(_values(), bins=np.arange(0.0, 1.0001, 0.1), label="D", lang="zh")
    main = fig.axes[0]
    (box,) = [a for a in main.child_axes if a.get_label() == INSET_LABEL]
    assert box.get_xlim() == SOUTH_CHINA_SEA[:2] and box.get_ylim()[0] == SOUTH_CHINA_SEA[2]
    # the inset is drawn inside the map's lower right corner and holds the same provinces
    x, y, w, h = box.get_position().bounds
    mx, my, mw, mh = main.get_position().bounds
    assert x + w <= mx + mw + 1e-6 and y >= my - 1e-6 and w < mw / 2
    assert sum(len(c.get_paths()) for c in box.collections) == 34
    assert "南海诸岛" in [t.get_text() for t in box.texts]
    assert main.get_ylim()[0] == 17.0  # the main map ends above the sea, Hainan (18.1° N) kept
    plt.close(fig)


def test_map_keys_no_data_apart_from_not_covered_and_shows_the_range():
    fig = choropleth(_values(), label="D", lang="en")
    main = fig.axes[0]
    painted = [len(c.get_paths()) for c in main.collections]
    assert painted == [1, 3, 30]  # no data (Liaoning), not covered (TW, HK, MO), coloured
    keys = [t.get_text() for t in main.get_legend().get_texts()]
    assert keys == ["no data", "not covered (Taiwan, Hong Kong, Macao)"]
    assert fig.axes[1].get_ylabel() == "D\nmin 0.17 · max 0.78"
    plt.close(fig)


def test_inset_can_be_left_out():
    fig = choropleth(_values(), inset=False)
    assert fig.axes[0].child_axes == []
    plt.close(fig)
