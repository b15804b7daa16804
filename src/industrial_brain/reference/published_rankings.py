"""Published provincial rankings of digital-economy development, for rank checks of our indices.

Each ranking is kept as published (rank order; scores where the source gives them), one row per
listed province, in ``data/reference/published_digital_rankings.csv`` (provenance in
``data/PROVENANCE.md`` §6):

- ``caict_competitiveness`` — 中国信息通信研究院政策与经济研究所 & 中央广播电视总台上海总站,
  《中国区域与城市数字经济发展报告（2020年）》, December 2020: the top 15 provinces of the 2019
  数字经济竞争力指数 (digital-economy competitiveness index).
- ``ccid_dedi`` — 赛迪顾问 (CCID Consulting, MIIT's CCID research institute), 中国数字经济发展指数
  (DEDI), 2020 edition: the top 15 provinces with their scores.
- ``tencent_digital_china`` — 腾讯研究院, 《数字中国指数报告（2019）》: the top 5 provinces of 2018.

The lists cover the top of each ranking only; a rank check therefore compares, over the listed
provinces, the published rank with the province's rank among all 31 in our index (Spearman's ρ and
Kendall's τ-b), and counts how many of the published top-k are in our top-k.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import pandas as pd

__all__ = ["published_rankings", "RANKING_TITLES"]

#: Source code → (title in English, title in Chinese).
RANKING_TITLES: dict[str, tuple[str, str]] = {
    "caict_competitiveness": (
        "CAICT digital-economy competitiveness index (Regional and city digital economy report 2020)",
        "中国信通院 数字经济竞争力指数（中国区域与城市数字经济发展报告 2020）",
    ),
    "ccid_dedi": (
        "CCID China digital economy development index (DEDI) 2020",
        "赛迪顾问 中国数字经济发展指数（DEDI）2020",
    ),
    "tencent_digital_china": (
        "Tencent Research Institute Digital China Index 2019",
        "腾讯研究院 数字中国指数 2019",
    ),
}


@lru_cache(maxsize=1)
def published_rankings() -> pd.DataFrame:
    """The embedded published rankings: ``source, edition, year, rank, region_code, province_en, score``.

    ``year`` is the year the ranking measures (the report's data year; for DEDI, the edition year).

    Examples
    --------
    >>> r = published_rankings()
    >>> r[r.source == "caict_competitiveness"].sort_values("rank").province_en.head(3).tolist()
    ['Guangdong', 'Beijing', 'Shanghai']
    """
    path = files("industrial_brain").joinpath("data/reference/published_digital_rankings.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"region_code": str})
    return df
