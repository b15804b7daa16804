"""Report sections of the enterprise assessment (micro level): the enterprise profile page and the
demo-report sections.

:func:`profile_html` is the self-contained profile page (``ibrain assess profile``);
:func:`profile_sections` its sections, also used by the demo report. The demo sections use the
SYNTHETIC demo population, stored once by
:func:`industrial_brain.services.assess.ensure_demo_population` (dataset
``synthetic_enterprise_assessment_2022``, marked SYNTHETIC in the catalog). Order in the report:
:func:`section_micro_sectors`, then :func:`section_micro_profile`.
"""

from __future__ import annotations

import re

import pandas as pd

from industrial_brain import __version__
from industrial_brain._shared.i18n import check_lang
from industrial_brain.report.html import Section, chart_label, render
from industrial_brain.services.assess import (
    EnterpriseProfile,
    demo_profile,
    demo_sector_comparison,
    sector_names_zh,
)
from industrial_brain.viz.fonts import cjk_font
from industrial_brain.store.connection import Store
from industrial_brain.viz.micro import radar, sector_comparison, trajectory_chart

__all__ = ["profile_html", "profile_sections", "section_micro_sectors", "section_micro_profile"]


def profile_html(profile: EnterpriseProfile, lang: str = "en") -> str:
    """A self-contained HTML page: summary, radar (dimensions vs sector median), trajectory, roadmap."""
    check_lang(lang)
    secs = profile_sections(profile, lang)
    sub = (
        f"{profile.uscc} · {profile.sector or '—'} · {profile.region or '—'} · "
        f"model {profile.model.code} {profile.latest['model_version']}"
        + (" · SYNTHETIC — not a real enterprise" if profile.synthetic else "")
    )
    title = f"{profile.name or profile.uscc} — digital-transformation profile 数字化转型画像"
    foot = (
        f"industrial-brain {__version__} · enterprise-level data (grade important): do not publish · "
        f"{profile.lineage.footer()}"
    )
    return render(title, sub, secs, foot, lang=lang)


def profile_sections(profile: EnterpriseProfile, lang: str = "en") -> list[Section]:
    """The report sections of a profile: where the firm stands (radar and dimension table), the
    roadmap to the next level, progress over time."""
    zh_font = cjk_font()
    zh = lang == "zh"
    figs = lang if zh_font else "en"
    s1 = Section.of(lang, "Where the firm stands", "现状")
    lat = profile.latest
    s1.text(
        s1.t(
            f"Total score {float(lat['total_score']):.1f}, level {lat['level']} "
            f"(assessed on {lat['taken_on']}, model {profile.model.code} {lat['model_version']}, "
            f"fingerprint {str(lat['model_fingerprint'])[:12]}).",
            f"总分 {float(lat['total_score']):.1f}，等级 {lat['level']}（评估日期 {lat['taken_on']}，"
            f"模型 {profile.model.code} {lat['model_version']}，"
            f"指纹 {str(lat['model_fingerprint'])[:12]}）。",
        )
    )
    if profile.sector_n >= profile.k:
        s1.text(
            s1.t(
                f"Sector percentile {profile.sector_percentile:.0f} among {profile.sector_n} assessed firms "
                f"of {profile.sector}.",
                f"在行业 {sector_names_zh().get(str(profile.sector), profile.sector)} 的 "
                f"{profile.sector_n} 家已评估企业中位于第 "
                f"{profile.sector_percentile:.0f} 百分位。",
            )
        )
    else:
        s1.note(
            s1.t(
                f"Sector comparison withheld: fewer than {profile.k} assessed firms in the sector.",
                f"行业内已评估企业少于 {profile.k} 家，不作行业比较。",
            )
        )
    names = profile.dimensions["name_zh" if zh and zh_font else "name_en"]
    s1.figure(
        radar(
            profile.dimensions["score"],
            profile.dimensions["benchmark"],
            labels=names,
            title=chart_label("Dimension scores vs sector median", "各维度得分与行业中位数", lang),
            lang=figs,
        )
    )
    dim = profile.dimensions.reset_index()[
        [
            "dimension",
            "name_zh" if zh else "name_en",
            "score",
            "benchmark",
            "next_level_floor",
            "gap_to_next_level",
            "weighted_gap",
        ]
    ]
    points = ("points (0–100)", "分（0–100）")
    s1.table(dim, floatfmt="{:,.1f}", unit=points)
    s2 = Section.of(lang, "Roadmap to the next level", "迈向下一等级的路线图")
    if profile.next_level is None:
        s2.text(s2.t("The firm is at the top level.", "该企业已处于最高等级。"))
    else:
        for b in profile.blocking:
            s2.note(s2.t("Blocked by: ", "受限于：") + (_blocking_zh(str(b)) if zh else str(b)))
        rm = profile.roadmap.reset_index()
        if len(rm):
            s2.table(
                rm[
                    [
                        "step",
                        "action",
                        "name_zh" if zh else "name_en",
                        "questions",
                        "effort",
                        "total_after",
                        "gain",
                        "level_after",
                    ]
                ],
                floatfmt="{:,.1f}",
                unit=(
                    "scores: points (0–100); effort: the catalogue's scale",
                    "得分：分（0–100）；工作量：措施目录的等级",
                ),
            )
        else:
            s2.text(
                s2.t(
                    "No action in the catalogue improves the score further.",
                    "措施目录中没有能进一步提高得分的措施。",
                )
            )
    s3 = Section.of(lang, "Progress over time", "历次评估")
    tr = profile.trajectory
    if len(tr) > 1:
        s3.figure(
            trajectory_chart(
                tr, title=chart_label("Total score by assessment", "历次评估总分", lang), lang=figs
            )
        )
    s3.table(
        tr[["taken_on", "model_code", "model_version", "total_score", "level", "dataset_id"]],
        floatfmt="{:,.1f}",
        unit=points,
    )
    return [s1, s2, s3]


def section_micro_sectors(store: Store, lang: str) -> Section:
    """Sector table: the synthetic population's sector means and L1 share beside the published 2022
    figures."""
    s = Section.of(lang, "Enterprise digital transformation by sector", "分行业企业数字化转型")
    c = demo_sector_comparison(store)
    ref = c.reference
    s.text(
        s.t(
            f"{c.n:,} SYNTHETIC enterprises (not real firms; generated with a fixed seed and calibrated to "
            "the published figures), scored with the digital-transformation maturity model "
            f"{c.model_version}, beside the published {ref.year} sector averages.",
            f"{c.n:,} 家合成企业（非真实企业；以固定种子生成并校准到公布数据），按数字化转型成熟度模型 "
            f"{c.model_version} 评分，与 {ref.year} 年公布的行业均值并列。",
        )
    )
    if lang == "zh":
        s.note(
            "公布参考数据：2022年企业数字化转型评估报告（据称由中国电子技术标准化研究院／两化融合公共服务平台发布）"
            + ("；原始出版物未经核实，数字按转述引用。" if not ref.source_confirmed else "。")
        )
    else:
        unconfirmed = (
            "" if ref.source_confirmed else " — primary publication not confirmed; figures as reported."
        )
        s.note("Published reference: " + ref.source + unconfirmed)
    names = dict(zip(ref.sectors.index, ref.sectors["name_zh"]))
    shown = c.comparison.reset_index()
    if lang == "zh":  # the sector codes are English words: the Chinese report shows the names
        shown.insert(1, "name_zh", shown["sector"].map(names).fillna("全国"))
        shown = shown.drop(columns=["sector"])
    shown = shown.rename(columns={"mean": "synthetic_mean", "published_mean": "published_mean_2022"})
    s.table(
        shown.drop(columns=["reference"]),
        floatfmt="{:,.3g}",
        unit=("means: points (0–100); shares 0–1; n: firms", "均值：分（0–100）；比重 0–1；样本数：家"),
    )
    s.figure(
        sector_comparison(
            c.comparison.rename(index=names) if lang == "zh" and cjk_font() else c.comparison,
            title=chart_label("Mean total score by sector", "分行业平均总分", lang),
            lang=lang if cjk_font() else "en",
        )
    )
    s.note(
        s.t(
            f"Sector × region aggregates: {c.n_primary} cells with fewer than {c.k} firms suppressed and "
            f"{c.n_complementary} more suppressed so that none can be recovered from the margins.",
            f"行业 × 地区汇总：{c.n_primary} 个企业数少于 {c.k} 的单元格被抑制，另有 {c.n_complementary} "
            "个单元格作补充抑制，使其无法由边际合计反推。",
        )
    )
    lv = c.level_shares
    s.table(
        pd.DataFrame({"level": lv.index, "share": lv.to_numpy()}),
        floatfmt="{:.3f}",
        unit=("share of firms 0–1", "企业占比 0–1"),
    )
    return s


def _blocking_zh(text: str) -> str:
    """A reason the firm is held below the next level (the diagnosis's English line) in Chinese."""
    m = re.fullmatch(r"total score ([\d.]+) < ([\d.]+) needed for (\S+)", text)
    if m:
        return f"总分 {m[1]}，低于 {m[3]} 所需的 {m[2]}"
    m = re.fullmatch(r"(dimension|question) (\S+) ([\d.]+) < floor ([\d.]+) for (\S+)", text)
    if m:
        return f"{'维度' if m[1] == 'dimension' else '题目'} {m[2]} 为 {m[3]}，低于 {m[5]} 的门槛 {m[4]}"
    return text


_SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def section_micro_profile(store: Store, lang: str) -> Section:
    """One enterprise profile summary (a SYNTHETIC firm near its sector's median, at L2)."""
    p = demo_profile(store)
    s = Section.of(lang, "Enterprise profile (synthetic firm)", "企业画像（合成企业）")
    s.text(
        s.t(
            f"{p.uscc} {p.name}: SYNTHETIC — not a real enterprise. Sector {p.sector}, region {p.region}, "
            f"size {p.size_class}. Full page:",
            f"{p.uscc} {str(p.name).replace('(synthetic)', '（合成）')}：合成企业，非真实企业。"
            f"行业 {sector_names_zh().get(str(p.sector), p.sector)}，地区 {p.region}，"
            f"规模 {_SIZE_ZH.get(str(p.size_class), p.size_class)}。完整画像页：",
        )
    )
    s.code(f"ibrain assess profile --uscc {p.uscc} --out profile.html")
    for sub in profile_sections(p, lang):
        s.parts.append(f"<h3>{sub.title}</h3>")
        s.parts.extend(sub.parts)
    return s
