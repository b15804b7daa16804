"""Checks of a macro run's indices against published provincial rankings.

The digital-economy index is compared with every embedded published ranking
(:mod:`industrial_brain.reference.published_rankings`) whose year the run covers:
:func:`~industrial_brain.macro.composite.listed_rank_agreement` over the listed provinces. These are
sanity checks, not targets: the published indices use other data (firm and platform data, digital
finance, software revenue) and, for DEDI, scale as well as intensity.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain.macro import listed_rank_agreement
from industrial_brain.reference.published_rankings import RANKING_TITLES, published_rankings
from industrial_brain.services.macro import ROLES, MacroRun

__all__ = ["published_rank_checks", "index_top"]

_COLUMNS = ["reference", "title", "edition", "year", "listed", "n", "spearman", "kendall", "overlap"]
_ZH = {
    "reference": "参照排名",
    "title": "名称",
    "edition": "版次",
    "year": "年份",
    "listed": "所列省份数",
    "n": "比较省份数",
    "spearman": "Spearman ρ",
    "kendall": "Kendall τ",
    "overlap": "前k名重合率",
}


def published_rank_checks(run: MacroRun, role: str = "digital", lang: str = "en") -> pd.DataFrame:
    """Rank agreement of one index of ``run`` with each published ranking of a year in the run.

    One row per ranking: ``reference, title, edition, year, listed, n, spearman, kendall, overlap``
    (``listed`` = k, the length of the published list; ``overlap`` = share of its provinces in our
    top k). Rankings of years outside the run's window are left out.
    """
    check_lang(lang)
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    score = run.U[role]
    rows = []
    for (src, edition, year), g in published_rankings().groupby(["source", "edition", "year"], sort=True):
        if int(year) not in run.years:
            continue
        agree = listed_rank_agreement(score.xs(int(year), level=1), g.set_index("region_code")["rank"])
        rows.append(
            {
                "reference": src,
                "title": RANKING_TITLES[src][1 if lang == "zh" else 0],
                "edition": int(edition),
                "year": int(year),
                "listed": len(g),
                **agree,
            }
        )
    out = pd.DataFrame(rows, columns=_COLUMNS)
    return out.rename(columns=_ZH) if lang == "zh" else out


def index_top(run: MacroRun, role: str, year: int, k: int = 10, lang: str = "en") -> pd.DataFrame:
    """The ``k`` provinces with the highest score of index ``role`` in ``year``: rank, code, name, score."""
    check_lang(lang)
    s = run.U[role].xs(int(year), level=1).sort_values(ascending=False, kind="stable").head(k)
    names = run.regions["name_zh" if lang == "zh" else "name_en"]
    out = pd.DataFrame(
        {
            "rank": range(1, len(s) + 1),
            "region_code": s.index,
            "name": [names.get(c, c) for c in s.index],
            "score": s.to_numpy(),
        }
    )
    return (
        out.rename(columns={"rank": "排名", "region_code": "地区代码", "name": "地区", "score": "得分"})
        if lang == "zh"
        else out
    )
