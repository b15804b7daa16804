"""Demo-report sections of the enterprise assessment (micro level).

Both sections use the SYNTHETIC demo population, stored once in the store by
:func:`industrial_brain.services.assess.ensure_demo_population` (dataset
``synthetic_enterprise_assessment_2022``, marked SYNTHETIC in the catalog). Order in the report:
:func:`section_micro_sectors`, then :func:`section_micro_profile`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industrial_brain.report.html import Section, bilingual
from industrial_brain.viz.fonts import cjk_font
from industrial_brain.store.connection import Store

__all__ = ["section_micro_sectors", "section_micro_profile"]


def _demo_results(store: Store) -> pd.DataFrame:
    from industrial_brain.services.assess import DEMO_DATASET_ID, ensure_demo_population, stored_results

    ensure_demo_population(store)
    res = stored_results(store, model_code="digital_transformation_maturity", latest=False)
    return res[res["dataset_id"] == DEMO_DATASET_ID]


def section_micro_sectors(store: Store, lang: str) -> Section:
    """Sector table: the synthetic population's sector means and L1 share beside the published 2022 figures."""
    from industrial_brain.micro.benchmarking import aggregate, compare_with_reference, published_reference_2022
    from industrial_brain.viz.micro import sector_comparison

    s = Section("Enterprise digital transformation by sector 分行业企业数字化转型")
    res = _demo_results(store).set_index("uscc")
    ref = published_reference_2022()
    s.text(f"{len(res):,} SYNTHETIC enterprises (not real firms; generated with a fixed seed and calibrated to the "
           "published figures), scored with the digital-transformation maturity model "
           f"{res['model_version'].iloc[0]}, beside the published {ref.year} sector averages.")
    s.note("Published reference: " + ref.source + (" — primary publication not confirmed; figures as reported."
                                                     if not ref.source_confirmed else ""))
    comp = compare_with_reference(res, low_levels=("L1",))
    zh = lang == "zh"
    names = dict(zip(ref.sectors.index, ref.sectors["name_zh"]))
    shown = comp.reset_index()
    if zh:
        shown.insert(1, "name_zh", shown["sector"].map(names).fillna("全国"))
    shown = shown.rename(columns={"mean": "synthetic_mean", "published_mean": "published_mean_2022"})
    s.table(shown.drop(columns=["reference"]), floatfmt="{:,.3g}")
    has_cjk = cjk_font()
    s.figure(sector_comparison(comp, title=bilingual("Mean total score by sector", "分行业平均总分", has_cjk)))
    agg = aggregate(res, ("sector", "region"), k=3)
    s.note(f"Sector × region aggregates: {agg.n_primary} cells with fewer than 3 firms suppressed and "
           f"{agg.n_complementary} more suppressed so that none can be recovered from the margins.")
    lv = res["level"].value_counts(normalize=True).reindex(["L1", "L2", "L3", "L4", "L5"]).fillna(0.0)
    s.table(pd.DataFrame({"level": lv.index, "share": lv.to_numpy()}), floatfmt="{:.3f}")
    return s


def section_micro_profile(store: Store, lang: str) -> Section:
    """One enterprise profile summary (a SYNTHETIC firm near its sector's median, at L2)."""
    from industrial_brain.services.assess import enterprise_profile, profile_sections

    res = _demo_results(store)
    cand = res[(res["sector"] == "Machinery") & (res["level"] == "L2")]
    if cand.empty:
        cand = res
    med = cand["total_score"].median()
    pick = cand.iloc[int(np.argmin(np.abs(cand["total_score"].to_numpy() - med)))]
    p = enterprise_profile(store, pick["uscc"])
    s = Section("Enterprise profile (synthetic firm) 企业画像（合成企业）")
    s.text(f"{p.uscc} {p.name}: SYNTHETIC — not a real enterprise. Sector {p.sector}, region {p.region}, "
           f"size {p.size_class}. Full page: ibrain assess profile --uscc {p.uscc} --out profile.html")
    for sub in profile_sections(p, lang):
        s.parts.append(f"<h3>{sub.title}</h3>")
        s.parts.extend(sub.parts)
    return s
