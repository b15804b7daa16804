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
from industrial_brain.report.html import Section, bilingual, render  # noqa: E402
from industrial_brain.store.connection import Store  # noqa: E402
from industrial_brain.services import catalog as catalog_service  # noqa: E402
from industrial_brain.services.io import stored_table  # noqa: E402
from industrial_brain.viz.fonts import cjk_font  # noqa: E402

SectionFn = Callable[[Store, str], Section]


def section_catalog(store: Store, lang: str) -> Section:
    """The catalog: every dataset with grade, rows, years, missing share and its number of notes."""
    s = Section("Data catalog 数据目录")
    cat = catalog_service.catalog(store)
    s.text(
        f"{len(cat)} datasets with provenance (source, publisher, licence, sha256). "
        "Every stored row points to its dataset; every write is in the audit table."
    )
    return s.table(
        cat[["dataset_id", "kind", "grade", "rows", "years", "missing_share", "notes", "errors", "licence"]]
    )


def section_quality(store: Store, lang: str) -> Section:
    """Quality notes by dataset, kind and severity, and the values left out of default analyses."""
    s = Section("Data quality 数据质量")
    qn = catalog_service.quality_notes(store)
    if qn.empty:
        return s.text("No quality notes were recorded.")
    s.text(
        f"The automatic screening and the provenance notes recorded {len(qn)} notes. Values with an 'error' "
        "note "
        "are left out of default analyses; 'warning' notes (breaks, suspicious scale) are kept and reported."
    )
    s.table(qn.groupby(["dataset_id", "kind", "severity"]).size().rename("notes").reset_index())
    errs = qn[qn.severity == "error"]
    if len(errs):
        s.note("Values excluded from default analyses (first rows):")
        s.table(errs[["dataset_id", "indicator_code", "region_code", "year", "kind", "detail"]], max_rows=25)
    return s


def section_panel(store: Store, lang: str) -> Section:
    """Gross regional product by NBS region over time and the largest economies of the last year."""
    s = Section("Regional economy 区域经济")
    view = catalog_service.panel(
        store, ["grp_100m_cny", "grp_secondary_va_100m_cny", "grp_tertiary_va_100m_cny"], lang=lang
    )
    regions = catalog_service.regions(store)
    regions = regions[regions["level"] == "province"]
    group = dict(zip(regions.code, regions["region4_zh" if lang == "zh" else "region4_en"]))
    df = view.frame
    df["region4"] = df["region_code"].map(group)
    by = df.groupby(["year", "region4"])["grp_100m_cny"].sum().unstack() / 1e4
    zh = cjk_font()
    if not zh:
        by.columns = [dict(zip(regions.region4_zh, regions.region4_en)).get(c, c) for c in by.columns]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    by.plot(ax=ax, marker="o", ms=3)
    ax.set_ylabel(bilingual("GRP, 10^12 CNY", "地区生产总值（万亿元）", zh))
    ax.set_title(bilingual("Gross regional product by NBS region", "四大区域地区生产总值", zh))
    s.figure(fig)
    last = df[df.year == df.year.max()].copy()
    last["tertiary_share"] = last["grp_tertiary_va_100m_cny"] / last["grp_100m_cny"]
    s.text(f"Largest economies in {int(df.year.max())} (gdp_three_sectors_2010_2022):")
    s.table(
        last.sort_values("grp_100m_cny", ascending=False)[
            ["region_code", "name", "grp_100m_cny", "tertiary_share"]
        ],
        max_rows=10,
    )
    if len(view.excluded):
        s.note(f"{len(view.excluded)} value(s) left out as quality errors.")
    return s


def section_io(store: Store, lang: str) -> Section:
    """Totals of the national 42-sector tables: output, value added, imported intermediates (10^12 CNY)."""
    s = Section("Input–output tables 投入产出表")
    tabs = catalog_service.io_tables(store)
    s.text(f"{len(tabs)} tables stored (national NBS 2017/2018/2020 and 31 provincial tables for 2017).")
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
        s.table(pd.DataFrame(rows))
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


def run_demo(store: Store, out: Path, *, lang: str = "en", progress=None) -> Path:
    """Run every section and write ``out/report.html``; return its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sections: list[Section] = []
    ctx = progress if progress is not None else _NullProgress()
    with ctx as bar:
        task = bar.add_task("analyses 分析", total=len(SECTIONS))
        for fn in SECTIONS:
            bar.update(task, description=f"analysis 分析: {fn.__name__.removeprefix('section_')}")
            try:
                sections.append(fn(store, lang))
            except Exception as exc:  # one failing section must not lose the others
                sections.append(
                    Section(fn.__name__.removeprefix("section_")).text(
                        f"This section could not run: {type(exc).__name__}: {exc}"
                    )
                )
            bar.update(task, advance=1)
    html = render(
        "Industrial Brain — demo report 产业大脑演示报告",
        "Embedded default data: provincial panels, NBS and provincial input–output tables.",
        sections,
        f"industrial-brain {__version__} · {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        lang=lang,
    )
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    failed = [sec.title for sec in sections if any("could not run" in p for p in sec.parts)]
    for sec in sections:
        print(f"  ✓ {sec.title}" if sec.title not in failed else f"  ✗ {sec.title} (see report)")
    return path


class _NullProgress:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def add_task(self, *a, **k):
        return 0

    def update(self, *a, **k):
        pass
