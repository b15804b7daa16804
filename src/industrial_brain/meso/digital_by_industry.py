"""Digital input intensity by industry group (primary / secondary / tertiary 三次产业的数字投入强度).

From the digital input coefficients of every sector (:func:`~industrial_brain.meso.digital.
digital_integration`: ``d_j = Σ_{i∈D} a_ij`` direct, ``t_j = Σ_{i∈D} (L − I)_ij`` total) and gross
output ``x_j``, for each group G of sectors (by default the three industries of the NBS rules,
:data:`~industrial_brain.reference.industry_groups.THREE_INDUSTRIES_NBS42`)::

    digital input        z_DG = Σ_{j∈G} d_j x_j            (= Σ_{i∈D} Σ_{j∈G} z_ij)
    share of intermediate input   s_G = z_DG / Σ_{j∈G} Σ_i z_ij
    per unit of output   d_G = z_DG / Σ_{j∈G} x_j
    total (direct + indirect) per unit of output   t_G = Σ_{j∈G} t_j x_j / Σ_{j∈G} x_j

By default the digital sectors themselves (communication equipment and computers, 20, in the
secondary industry; information services, 31, in the tertiary) are left out of their groups: the
measure is then how much the *other* industries buy from the digital sectors — the input side of
"industrial digitalisation" (产业数字化) — and is not inflated by the electronics industry buying
chips from itself. ``include_digital=True`` keeps them.

These are input–output intensities, not the CAICT's "digital economy penetration" (数字经济渗透率:
the value added of industrial digitalisation as a share of each industry's value added, estimated
by CAICT with a growth-accounting split of ICT capital's contribution): both describe how far the
digital economy reaches into each industry, by different definitions, and their levels are not
comparable one to one — only the ordering across the three industries is.

References
----------
Miller & Blair (2009), *Input–Output Analysis*, 2nd ed., ch. 2 (A, L). 国家统计局 (2021),
《数字经济及其核心产业统计分类（2021）》 (the digital core sectors). 国家统计局 (2018),
《三次产业划分规定》. 中国信息通信研究院 (CAICT), 《中国数字经济发展研究报告》 (penetration by
industry; definitions in its methodological annex).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso._common import as_matrix, as_vector, labels_of
from industrial_brain.meso.digital import DIGITAL_CORE_NBS42, DigitalIntegration, digital_integration
from industrial_brain.meso.leontief import LeontiefLU
from industrial_brain.reference.industry_groups import INDUSTRY_NAMES, THREE_INDUSTRIES_NBS42

__all__ = ["DigitalIntensityByIndustry", "digital_intensity_by_industry"]

_ZH = {
    "group": "产业",
    "name": "名称",
    "digital_input": "数字投入",
    "intermediate_input": "中间投入",
    "output": "总产出",
    "share_intermediate": "数字投入占中间投入比重",
    "per_output": "单位产出直接数字投入",
    "total_per_output": "单位产出完全数字投入",
    "sectors": "部门数",
}


@dataclass(frozen=True)
class DigitalIntensityByIndustry(ResultMixin):
    """Digital input intensity of each industry group.

    Attributes
    ----------
    table : pandas.DataFrame
        By group (index): ``name_en``, ``name_zh``, ``sectors`` (how many), ``digital_input``,
        ``intermediate_input``, ``output`` (in the table's unit), ``share_intermediate``,
        ``per_output``, ``total_per_output`` (fractions).
    sectors : DigitalIntegration
        The sector-level coefficients the groups aggregate.
    include_digital : bool
    unit : str
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    sectors: DigitalIntegration
    include_digital: bool
    unit: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Digital input intensity by industry"
    title_zh = "三次产业数字投入强度"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per group: the name in ``lang``, the flows and the three intensities."""
        check_lang(lang)
        f = self.table.drop(columns=["name_zh" if lang == "en" else "name_en"])
        f = f.rename(columns={"name_en": "name", "name_zh": "name"})
        f.index.name = "group"
        return f.rename(columns=_ZH).rename_axis(_ZH["group"]) if lang == "zh" else f

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        col = "name_zh" if zh else "name_en"
        for g, r in self.table.iterrows():
            yield (
                f"{r[col]}：数字投入占中间投入" if zh else f"{r[col]}: digital share of intermediate input",
                f"{100 * r['share_intermediate']:.2f} %",
            )
        yield ("含数字部门本身" if zh else "digital sectors included", self.include_digital)
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def digital_intensity_by_industry(
    A: Any,
    x: Any,
    *,
    groups: Mapping[str, str] = THREE_INDUSTRIES_NBS42,
    digital: Sequence[str] = DIGITAL_CORE_NBS42,
    include_digital: bool = False,
    group_names: Mapping[str, tuple[str, str]] = INDUSTRY_NAMES,
    unit: str = "",
    lu: LeontiefLU | None = None,
) -> DigitalIntensityByIndustry:
    """Digital share of intermediate input, direct and total digital input per unit of output, by group.

    Parameters
    ----------
    A : (n, n) DataFrame with sector codes as labels
        Technical coefficients (the caller chooses the basis, as for :func:`digital_integration`).
    x : (n,) Series or array
        Gross output.
    groups : mapping sector code → group code
        Default: the three industries of the NBS 42-sector tables. Every sector of ``A`` must have a
        group.
    digital : sequence of str
        Codes of the digital sectors (default 20 and 31).
    include_digital : bool, default False
        Keep the digital sectors in their groups (see the module docstring).
    group_names : mapping group → (English, Chinese)
    unit : str
        Unit of ``x`` (recorded; the flows are in it).
    lu : LeontiefLU, optional

    Returns
    -------
    DigitalIntensityByIndustry

    Raises
    ------
    InputError
        A sector without a group, unknown digital codes, a group with zero intermediate input.

    Notes
    -----
    ``s_G = Σ_{j∈G} d_j x_j / Σ_{j∈G} (1'A)_j x_j``, ``d_G = Σ_{j∈G} d_j x_j / Σ_{j∈G} x_j``,
    ``t_G = Σ_{j∈G} t_j x_j / Σ_{j∈G} x_j``.

    References
    ----------
    Miller & Blair (2009), ch. 2; see the module docstring.

    Examples
    --------
    A SYNTHETIC 3-sector table, sector "3" digital, Z = [[10, 20, 5], [5, 40, 10], [5, 20, 10]],
    x = (100, 200, 100), groups 1 → primary, 2 and 3 → secondary. The primary industry uses 5 of
    digital input out of 20 of intermediate input (25 %), 0.05 per unit of output; the secondary
    industry without the digital sector uses 20 of 80 (25 %), 0.1 per unit of output:

    >>> import pandas as pd
    >>> codes = ["1", "2", "3"]
    >>> Z = pd.DataFrame([[10, 20, 5], [5, 40, 10], [5, 20, 10]], index=codes, columns=codes, dtype=float)
    >>> x = pd.Series([100., 200., 100.], index=codes)
    >>> r = digital_intensity_by_industry(Z / x, x, groups={"1": "primary", "2": "secondary",
    ...                                   "3": "secondary"}, digital=["3"])
    >>> r.table[["share_intermediate", "per_output"]].round(4).to_numpy().tolist()
    [[0.25, 0.05], [0.25, 0.1]]
    """
    di = digital_integration(A, x, digital=digital, lu=lu)
    codes = di.table.index
    g = pd.Series({str(k): str(v) for k, v in groups.items()}).reindex(codes)
    if g.isna().any():
        raise InputError.at(
            "sector without an industry group",
            column="groups",
            value=list(codes[g.isna().to_numpy()][:5]),
            expected="a group for every sector of the table",
        )
    xv = pd.Series(as_vector(x, "x", len(codes), labels=labels_of(A)[1]), index=codes)
    colsum = as_matrix(A, "A", square=True).sum(axis=0)
    f = pd.DataFrame(
        {
            "group": g.to_numpy(),
            "digital_input": di.table["direct"].to_numpy() * xv.to_numpy(),
            "intermediate_input": colsum * xv.to_numpy(),
            "output": xv.to_numpy(),
            "total_weighted": di.table["total"].to_numpy() * xv.to_numpy(),
        },
        index=codes,
    )
    if not include_digital:
        f = f[~di.table["is_digital"].to_numpy()]
    order = list(dict.fromkeys(str(v) for v in groups.values()))
    agg = f.groupby("group").agg(
        sectors=("output", "size"),
        digital_input=("digital_input", "sum"),
        intermediate_input=("intermediate_input", "sum"),
        output=("output", "sum"),
        total_weighted=("total_weighted", "sum"),
    )
    agg = agg.reindex([o for o in order if o in agg.index])
    if (agg["intermediate_input"] <= 0).any():
        raise InputError.at(
            "industry group with no intermediate input",
            column="groups",
            value=str(agg.index[(agg["intermediate_input"] <= 0).to_numpy()][0]),
            expected="groups of sectors with output",
        )
    agg["share_intermediate"] = agg["digital_input"] / agg["intermediate_input"]
    agg["per_output"] = agg["digital_input"] / agg["output"]
    agg["total_per_output"] = agg.pop("total_weighted") / agg["output"]
    agg.insert(0, "name_zh", [group_names.get(k, (k, k))[1] for k in agg.index])
    agg.insert(0, "name_en", [group_names.get(k, (k, k))[0] for k in agg.index])
    agg.index.name = "group"
    notes = [] if include_digital else [f"digital sectors {', '.join(di.digital)} left out of their groups"]
    return DigitalIntensityByIndustry(
        table=agg,
        sectors=di,
        include_digital=include_digital,
        unit=unit,
        notes=tuple(notes),
        lineage=Lineage.make(
            "meso.digital_intensity_by_industry",
            {"digital": list(di.digital), "include_digital": include_digital, "groups": sorted(set(order))},
        ),
    )
