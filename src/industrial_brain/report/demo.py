"""The main job: every analysis the package has, on the embedded default data, as one HTML report.

Each capability contributes a section function ``(store, lang) -> Section``; :data:`SECTIONS` lists
them in order. A section that cannot run says why in the report instead of failing the whole job.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from industrial_brain import __version__  # noqa: E402
from industrial_brain.report.html import Section, chart_label, render  # noqa: E402
from industrial_brain.store.connection import Store  # noqa: E402
from industrial_brain.services import catalog as catalog_service  # noqa: E402
from industrial_brain.services.io import stored_table  # noqa: E402
from industrial_brain.viz.fonts import cjk_font  # noqa: E402

SectionFn = Callable[[Store, str], Section]


def section_catalog(store: Store, lang: str) -> Section:
    """The catalog: every dataset with grade, rows, years, missing share and its number of notes."""
    s = Section.of(lang, "Data catalog", "数据目录")
    cat = catalog_service.catalog(store)
    s.text(
        s.t(
            f"{len(cat)} datasets with provenance (source, publisher, licence, sha256). "
            "Every stored row points to its dataset; every write is in the audit table.",
            f"{len(cat)} 个数据集，均有来源说明（来源、发布机构、许可、SHA-256 校验值）。"
            "每一行入库数据都指向其数据集；每次写入都记入审计表。",
        )
    )
    cols = ["dataset_id", "kind", "grade", "rows", "years", "missing_share", "notes", "errors", "licence"]
    return s.table(
        cat[cols], unit=("rows and notes: count; missing share: share", "行数、提示数：个；缺失比例：比重")
    )


def section_quality(store: Store, lang: str) -> Section:
    """Quality notes by dataset, kind and severity, and the values left out of default analyses."""
    s = Section.of(lang, "Data quality", "数据质量")
    qn = catalog_service.quality_notes(store)
    if qn.empty:
        return s.text(s.t("No quality notes were recorded.", "未记录质量提示。"))
    s.text(
        s.t(
            f"The automatic screening and the provenance notes recorded {len(qn)} notes. Values with an "
            "'error' note are left out of default analyses; 'warning' notes (breaks, suspicious scale) are "
            "kept and reported.",
            f"自动筛查与来源说明共记录 {len(qn)} 条质量提示。带“错误”提示的数值不进入默认分析；"
            "“警告”提示（断点、可疑量纲）保留并在报告中注明。",
        )
    )
    s.table(
        qn.groupby(["dataset_id", "kind", "severity"]).size().rename("notes").reset_index(),
        unit=("notes: count", "提示数：条"),
    )
    errs = qn[qn.severity == "error"]
    if len(errs):
        s.note(
            s.t("Values excluded from default analyses (first rows):", "不进入默认分析的数值（前若干行）：")
        )
        cols = ["dataset_id", "indicator_code", "region_code", "year", "kind"]
        # the notes' own text is English (data/PROVENANCE.md): the Chinese report shows their kind
        s.table(errs[cols if lang == "zh" else [*cols, "detail"]], max_rows=25, unit=("codes", "代码与类型"))
        if lang == "zh":
            s.note_cmd("各条提示的原文说明：", "ibrain quality", "，或 /api/v1/quality-notes。")
    return s


def section_panel(store: Store, lang: str) -> Section:
    """Gross regional product by NBS region over time and the largest economies of the last year."""
    s = Section.of(lang, "Regional economy", "区域经济")
    view = catalog_service.panel(
        store, ["grp_100m_cny", "grp_secondary_va_100m_cny", "grp_tertiary_va_100m_cny"], lang=lang
    )
    regions = catalog_service.regions(store)
    regions = regions[regions["level"] == "province"]
    group = dict(zip(regions.code, regions["region4_zh" if lang == "zh" else "region4_en"]))
    df = view.frame
    df["region4"] = df["region_code"].map(group)
    by = df.groupby(["year", "region4"])["grp_100m_cny"].sum().unstack() / 1e4
    zh = cjk_font() and lang == "zh"
    if not zh:
        by.columns = [dict(zip(regions.region4_zh, regions.region4_en)).get(c, c) for c in by.columns]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    by.plot(ax=ax, marker="o", ms=3)
    ax.set_ylabel(chart_label("GRP (trillion CNY)", "地区生产总值（万亿元）", lang))
    ax.set_xlabel(chart_label("year", "年份", lang))
    ax.legend(title=chart_label("NBS region", "四大区域", lang), fontsize=8)
    ax.set_title(chart_label("Gross regional product by NBS region", "四大区域地区生产总值", lang))
    s.figure(fig)
    last = df[df.year == df.year.max()].copy()
    last["tertiary_share"] = 100 * last["grp_tertiary_va_100m_cny"] / last["grp_100m_cny"]
    s.text(
        s.t(
            f"Largest economies in {int(df.year.max())} (gdp_three_sectors_2010_2022):",
            f"{int(df.year.max())} 年经济规模最大的省份（数据集 gdp_three_sectors_2010_2022）：",
        )
    )
    s.table(
        last.sort_values("grp_100m_cny", ascending=False)[
            ["region_code", "name", "grp_100m_cny", "tertiary_share"]
        ],
        max_rows=10,
        unit=("GRP: 100 million CNY; tertiary share: %", "地区生产总值：亿元；第三产业比重：%"),
    )
    if len(view.excluded):
        s.note(
            s.t(
                f"{len(view.excluded)} value(s) left out as quality errors.",
                f"{len(view.excluded)} 个数值因质量错误未纳入。",
            )
        )
    return s


def section_io(store: Store, lang: str) -> Section:
    """Totals of the national 42-sector tables: output, value added, imported intermediates (10^12 CNY)."""
    s = Section.of(lang, "Input–output tables", "投入产出表")
    tabs = catalog_service.io_tables(store)
    s.text(
        s.t(
            f"{len(tabs)} tables stored (national NBS 2017/2018/2020 and 31 provincial tables for 2017).",
            f"已存 {len(tabs)} 张表（国家统计局2017、2018、2020年全国表及2017年31个省级表）。",
        )
    )
    rows = []
    for tid in ("cn_nbs_io_2017_42", "cn_nbs_io_2018_42", "cn_nbs_io_2020_42"):
        if tid not in set(tabs.table_id):
            continue
        t = stored_table(store, tid)
        rows.append(
            {
                "table": tid,
                "year": t.year,
                "gross_output_trn_cny": t.x.sum() / 1e8,
                "value_added_trn_cny": t.V.to_numpy().sum() / 1e8,
                "imported_intermediates_trn_cny": t.Z_imports.to_numpy().sum() / 1e8
                if t.Z_imports is not None
                else None,
            }
        )
    if rows:
        s.table(pd.DataFrame(rows), unit=("trillion CNY", "万亿元"))
    return s


from industrial_brain.report.sections_io import SECTIONS as SECTIONS_IO  # noqa: E402
from industrial_brain.report.sections_macro import SECTIONS_MACRO  # noqa: E402
from industrial_brain.report.sections_stress import section_stress_chips, section_stress_flood  # noqa: E402
from industrial_brain.report.sections_micro import section_micro_profile, section_micro_sectors  # noqa: E402
from industrial_brain.report.sections_mu import section_per_mu  # noqa: E402
from industrial_brain.report.sections_network import section_network  # noqa: E402

#: Sections in report order; later capabilities append theirs.
SECTIONS: list[SectionFn] = [
    section_catalog,
    section_quality,
    section_panel,
    section_io,
    *SECTIONS_IO,
    section_stress_chips,
    section_stress_flood,
    *SECTIONS_MACRO,
    section_micro_sectors,
    section_micro_profile,
    section_network,  # before section_per_mu: the demo network is stored only into an empty register
    section_per_mu,
]


#: The report's title and subtitle by language.
TITLES = {
    "en": (
        "Industrial Brain — demo report",
        "Embedded default data: provincial panels, NBS and provincial input–output tables.",
    ),
    "zh": ("产业大脑演示报告", "内置默认数据：省级面板数据，国家统计局全国与省级投入产出表。"),
}


def run_demo(store: Store, out: Path, *, lang: str = "en", progress=None) -> Path:
    """Run every section in Chinese and in English and write ``out/report.zh.html`` and
    ``out/report.en.html``, and ``out/report.html`` (the one in ``lang``); return that path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = progress if progress is not None else _NullProgress()
    pages: dict[str, Path] = {}
    with ctx as bar:
        for lg in ("zh", "en"):
            sections, failed = _sections(store, lg, bar)
            title, subtitle = TITLES[lg]
            other = "en" if lg == "zh" else "zh"
            link = f"report.{other}.html"
            stamp = f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
            footer = (
                f"industrial-brain {__version__} · {stamp} · "
                + ("英文版：" if lg == "zh" else "中文版：")
                + f'<a href="{link}"><code>{link}</code></a>'
            )
            path = out / f"report.{lg}.html"
            path.write_text(render(title, subtitle, sections, footer, lang=lg), encoding="utf-8")
            pages[lg] = path
            for sec in sections:
                print(f"  ✓ [{lg}] {sec.title}" if sec.title not in failed else f"  ✗ [{lg}] {sec.title}")
    main = out / "report.html"
    main.write_text(pages[lang].read_text(encoding="utf-8"), encoding="utf-8")
    return main


def _sections(store: Store, lang: str, bar) -> tuple[list[Section], set[str]]:
    sections: list[Section] = []
    failed: set[str] = set()
    task = bar.add_task(f"analyses 分析 ({lang})", total=len(SECTIONS))
    for fn in SECTIONS:
        name = fn.__name__.removeprefix("section_")
        bar.update(task, description=f"analysis 分析 ({lang}): {name}")
        try:
            sections.append(fn(store, lang))
        except Exception as exc:  # one failing section must not lose the others
            sec = Section(name, lang=lang)
            sec.text(sec.t("This section could not run: ", "本节未能运行：") + f"{type(exc).__name__}: {exc}")
            sections.append(sec)
            failed.add(name)
        bar.update(task, advance=1)
    return sections, failed


class _NullProgress:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def add_task(self, *a, **k):
        return 0

    def update(self, *a, **k):
        pass
