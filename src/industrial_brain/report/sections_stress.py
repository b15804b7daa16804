"""Demo-report sections for supply-chain stress tests (the two shipped scenarios).

* :func:`section_stress_chips` — 30 % capacity loss of electronic components / integrated circuits
  (sector 094) for 90 days on the 2020 national 153-sector table.
* :func:`section_stress_flood` — a flood stopping Henan's equipment manufacturing on the 31-province
  MRIO (``cn_mrio_2017``, built by :func:`industrial_brain.services.io.mrio`): which other provinces and
  sectors lose most.

Each runs the scenario once as written plus a small Monte Carlo (``DEMO_RUNS``) to keep the report fast;
``ibrain stress run`` runs the full design.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import money_scale
from industrial_brain.report.html import Section
from industrial_brain.services.stress import read_scenario, run_scenario, save_scenario_run
from industrial_brain.store.connection import Store
from industrial_brain.viz.stress import plot_loss_distribution, plot_recovery, plot_region_losses

__all__ = ["section_stress_chips", "section_stress_flood", "DEMO_RUNS"]

#: Monte Carlo runs per scenario in the demo report (the scenarios themselves ask for more).
DEMO_RUNS = {"chips_capacity_2020": 100, "flood_equipment_mrio": 10}


def _names(tm, key, lang: str) -> str:
    reg, sec = str(key[0]), str(key[1])
    nm = tm.sector_names.get(sec, ("", ""))
    s = f"{sec} {nm[0] if lang == 'zh' else nm[1]}".strip()
    if reg != "CN":
        rn = tm.region_names.get(reg, (reg, reg))
        s = f"{rn[0] if lang == 'zh' else rn[1]} · {s}"
    return s


def _headline(res, mc, tm, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    k, unit = money_scale(tm.unit, lang)
    rd = res.recovery_day()
    rows = [
        (
            f"总产出损失（{unit}）" if zh else f"total production loss ({unit})",
            f"{res.total_production_loss * k:,.1f}",
        ),
        (
            "占年总产出" if zh else "share of annual gross output",
            f"{res.total_production_loss / (res.x0.sum() * 365):.3%}",
        ),
        (
            f"最终需求缺口（{unit}）" if zh else f"final demand not met ({unit})",
            f"{res.final_demand_unmet.sum() * k:,.1f}",
        ),
        (
            "恢复日（总产出回到0.1%以内）" if zh else "recovery day (total output within 0.1 %)",
            "未恢复" if (zh and rd is None) else ("not recovered" if rd is None else str(rd)),
        ),
    ]
    if mc is not None:
        s = mc.stats()
        rows += [
            (
                f"蒙特卡洛 {mc.runs} 次：损失均值（{unit}）"
                if zh
                else f"Monte Carlo ({mc.runs} runs): mean loss ({unit})",
                f"{s['mean'] * k:,.1f}",
            ),
            ("5%–95% 分位" if zh else "5th–95th percentile", f"{s['p05'] * k:,.1f} – {s['p95'] * k:,.1f}"),
        ]
    return pd.DataFrame(rows, columns=["指标" if zh else "measure", "数值" if zh else "value"])


def _top(res, mc, tm, lang: str, k: int, exclude_region: str | None = None) -> pd.DataFrame:
    f = res.to_frame()
    if exclude_region is not None:
        f = f[f.index.get_level_values(0) != exclude_region]
    f = f.sort_values("gross_loss", ascending=False).head(k)
    zh = lang == "zh"
    m, unit = money_scale(tm.unit, lang)
    out = pd.DataFrame(
        {
            ("部门" if zh else "industry"): [_names(tm, i, lang) for i in f.index],
            (f"产出损失（{unit}）" if zh else f"production loss ({unit})"): f["gross_loss"].to_numpy() * m,
            ("最低产出比" if zh else "lowest output ratio"): f["min_production_ratio"].to_numpy(),
            ("恢复日" if zh else "recovery day"): f["recovery_day"].to_numpy(),
        }
    )
    if mc is not None:
        p = mc.to_frame()["p_below"]
        out[(f"产出低于{mc.threshold:.0%}的概率" if zh else f"P(output < {mc.threshold:.0%})")] = [
            float(p.get(i, np.nan)) for i in f.index
        ]
    return out


#: Unit caption of the headline table: each row names its own.
HEADLINE_UNIT = ("as named in each row", "见各行指标名称")


def _top_unit(tm, lang: str) -> tuple[str, str]:
    _, unit = money_scale(tm.unit, lang)
    return (
        f"production loss: {unit}; output ratio: share of the initial output; recovery: day; probability 0–1",
        f"产出损失：{unit}；产出比：占初始产出比重；恢复日：天；概率 0–1",
    )


def _run(store: Store, name: str):
    sc = read_scenario(name)
    res, mc, tm = run_scenario(store, sc, runs=DEMO_RUNS.get(name, 0))
    save_scenario_run(store, sc, res, mc, tm)  # the dashboard shows the public these stored results
    return sc, res, mc, tm


def section_stress_chips(store: Store, lang: str) -> Section:
    """Chip supply cut: 30 % capacity loss of sector 094 for 90 days (2020, 153 sectors)."""
    zh = lang == "zh"
    s = Section.of(lang, "Stress test: chip supply cut", "压力测试：芯片供给冲击")
    sc, res, mc, tm = _run(store, "chips_capacity_2020")
    s.text(
        (
            "2020年全国153部门投入产出表（国内口径）。电子元器件（含集成电路，部门094）产能下降30%，持续90天，"
            "此后30天线性恢复。ARIO模型逐日模拟库存、订单、超产与最终需求配给。"
        )
        if zh
        else (
            "2020 national 153-sector table (domestic basis). Electronic components, which include "
            "integrated circuits in the NBS classification (sector 094), lose 30 % of capacity for 90 "
            "days and recover linearly over 30 days. The ARIO model steps through days: inventories "
            "(90 days' target), orders, overproduction (up to 125 %, τ = 365 days) and rationing of final "
            "demand."
        )
    )
    s.table(_headline(res, mc, tm, lang), unit=HEADLINE_UNIT)
    s.figure(plot_recovery(res, names=tm.sector_names, lang=lang, title=None))
    s.table(_top(res, mc, tm, lang, int(sc.report.get("top", 12))), unit=_top_unit(tm, lang))
    if mc is not None:
        s.note(
            (
                f"蒙特卡洛：冲击幅度（15%–50%，三角分布）与持续时间（45–135天）随机抽取，"
                f"{mc.runs}次，随机种子 {mc.seed}。"
            )
            if zh
            else (
                f"Monte Carlo over the shock's depth (triangular 15–50 %) and duration (45–135 days): "
                f"{mc.runs} runs, seed {mc.seed}; 'ibrain stress run chips_capacity_2020' runs the "
                "full 1,000."
            )
        )
        s.figure(plot_loss_distribution(mc, lang=lang, unit=tm.unit))
    return s


def section_stress_flood(store: Store, lang: str) -> Section:
    """Flood stopping Henan's equipment manufacturing on the 31-province MRIO: who else loses."""
    zh = lang == "zh"
    s = Section.of(lang, "Stress test: flood in an equipment-making province", "压力测试：装备制造省份洪灾")
    sc, res, mc, tm = _run(store, "flood_equipment_mrio")
    hit = "410000"
    s.text(
        (
            "2017年31省×42部门多区域投入产出表。洪灾使河南装备制造业（通用、专用、交通运输设备，"
            "电气机械，通信电子，仪器仪表）停产14天，产能60天内恢复；"
            "5%的资本受损并由建筑业与设备制造业重建。"
        )
        if zh
        else (
            "2017 MRIO, 31 provinces × 42 sectors. A flood stops Henan's equipment manufacturing (general "
            "and special equipment, transport equipment, electrical machinery, communication and electronic "
            "equipment, instruments) for 14 days; capacity returns over 60 days; 5 % of their capital is "
            "destroyed and rebuilt by construction and equipment makers (reconstruction demand, "
            "τ = 90 days)."
        )
    )
    s.table(_headline(res, mc, tm, lang), unit=HEADLINE_UNIT)
    s.figure(plot_recovery(res, names=tm.sector_names, region_names=tm.region_names, lang=lang))
    f = res.to_frame()
    by_reg = f.groupby(level=0)[["loss", "gross_loss", "final_demand_unmet"]].sum()
    by_reg = by_reg[by_reg.index != hit].sort_values("gross_loss", ascending=False).head(10)
    m, unit = money_scale(tm.unit, lang)
    by_reg = by_reg * m
    by_reg.insert(0, "province", [tm.region_names.get(str(r), (r, r))[0 if zh else 1] for r in by_reg.index])
    s.note("河南以外损失最大的省份：" if zh else "Provinces outside Henan that lose most:")
    s.table(
        by_reg.rename(
            columns={
                "province": "省份" if zh else "province",
                "loss": f"净损失（{unit}）" if zh else f"net loss ({unit})",
                "gross_loss": f"产出损失（{unit}）" if zh else f"production loss ({unit})",
                "final_demand_unmet": f"需求缺口（{unit}）" if zh else f"unmet final demand ({unit})",
            }
        ),
        floatfmt="{:,.2f}",
        unit=(unit, unit),
    )
    s.figure(plot_region_losses(res, region_names=tm.region_names, lang=lang, unit=tm.unit))
    s.note("河南以外受影响最大的部门：" if zh else "Industries outside Henan that lose most:")
    s.table(
        _top(res, mc, tm, lang, int(sc.report.get("top", 12)), exclude_region=hit), unit=_top_unit(tm, lang)
    )
    return s
