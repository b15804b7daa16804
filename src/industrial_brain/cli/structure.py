"""``ibrain macro similarity | specialisation | digital-by-industry``: homogeneous and uneven development
(产业同构与区域分工), attached to the ``macro`` sub-app by :func:`add_commands`.

* ``similarity [--basis io|three_sectors] [--sectors manufacturing|all] [--measure output|value_added]
  [--year Y] [--threshold 0.9] [--all-pairs] [--over-time [--years FROM:TO]]`` — structure similarity
  coefficients: the near-duplicate pairs of provinces (or every pair), or the yearly trend on the
  three-sector panel.
* ``specialisation [same options] [--over-time]`` — Krugman index against the rest of the country,
  mean bilateral Krugman index, Fan's specialisation coefficient and the division-of-labour index.
* ``digital-by-industry [--region R] [--include-digital]`` — digital share of intermediate input and
  digital input per unit of output of the three industries, per province and for the nation.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from industrial_brain._shared.i18n import check_lang
from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.reference.regions import region_code
from industrial_brain.errors import InputError
from industrial_brain.services import structure as structure_service

__all__ = ["add_commands"]

BasisOpt = Annotated[
    str, typer.Option("--basis", help="io (2017 provincial IO tables) | three_sectors (GRP panel 2010–2022).")
]
SectorsOpt = Annotated[str, typer.Option("--sectors", help="IO basis: manufacturing (06–23) | all (42).")]
MeasureOpt = Annotated[str, typer.Option("--measure", help="IO basis: output | value_added.")]
YearOpt = Annotated[
    Optional[int], typer.Option("--year", help="three_sectors basis: the year (default latest).")
]
YearsOpt = Annotated[Optional[str], typer.Option("--years", help="--over-time: FROM:TO (default 2010:2022).")]
OverTimeOpt = Annotated[bool, typer.Option("--over-time", help="Year by year on the three-sector panel.")]


def similarity(
    basis: BasisOpt = "io",
    sectors: SectorsOpt = "manufacturing",
    measure: MeasureOpt = "output",
    year: YearOpt = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Near-duplicate cut-off S ≥ T.")] = 0.9,
    all_pairs: Annotated[bool, typer.Option("--all-pairs", help="Every pair, not only S ≥ T.")] = False,
    over_time: OverTimeOpt = False,
    years: YearsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Industrial-structure similarity between provinces (UNIDO coefficient). 产业结构相似系数。"""
    check_lang(lang)
    zh = lang == "zh"
    with store_for(db) as store:
        if over_time:
            res = structure_service.similarity_over_time(store, years=years, threshold=threshold)
            emit(
                res.trend.reset_index(),
                fmt=fmt,
                lang=lang,
                units={c: "ratio" for c in ("mean_S", "median_S", "min_S", "max_S")},
                title="三次产业结构相似系数（逐年）"
                if zh
                else "Structure similarity of the three sectors, by year",
            )
            if fmt == "table" and len(res.changes):
                y0, y1 = res.trend.index[0], res.trend.index[-1]
                emit(
                    structure_service.label_pairs(store, res.changes, lang),
                    lang=lang,
                    units={"S_first": "ratio", "S_last": "ratio", "change": "ratio"},
                    title=f"近似重复地区对的变化 {y0}→{y1}"
                    if zh
                    else f"Near-duplicate pairs that changed, {y0}→{y1}",
                    max_rows=20,
                )
            return
        res = structure_service.similarity(
            store, basis=basis, sectors=sectors, measure=measure, year=year, threshold=threshold
        )
        pairs = res.pairs if all_pairs else res.near_duplicates
        shown = structure_service.label_pairs(store, pairs, lang)
    year = res.lineage.params["year"]
    if zh:
        what = (
            f"{year}年投入产出表，{'制造业' if sectors == 'manufacturing' else '42部门'}"
            if basis == "io"
            else f"{year}年三次产业"
        )
    else:
        what = f"{year} IO tables, {sectors} sectors" if basis == "io" else f"three sectors, {year}"
    emit(
        shown,
        fmt=fmt,
        lang=lang,
        units={"S": "ratio"},
        max_rows=None if fmt != "table" else 200,
        title=(f"产业结构相似系数（{what}）" if zh else f"Structure similarity ({what})")
        + ("" if all_pairs else f", S ≥ {res.threshold:g}: {len(pairs)} / {len(res.pairs)}"),
    )
    if fmt == "table":
        console.print(("平均相似系数" if zh else "mean S") + f": {res.mean:.4f}")


def specialisation(
    basis: BasisOpt = "io",
    sectors: SectorsOpt = "manufacturing",
    measure: MeasureOpt = "output",
    year: YearOpt = None,
    over_time: OverTimeOpt = False,
    years: YearsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Krugman specialisation and the regional division-of-labour index. 专业化指数与地区分工指数。"""
    check_lang(lang)
    zh = lang == "zh"
    with store_for(db) as store:
        if over_time:
            f = structure_service.specialisation_over_time(store, years=years)
            emit(
                f,
                fmt=fmt,
                lang=lang,
                units={c: "ratio" for c in ("mean_K", "max_K", "FI", "mean_S")},
                title="三次产业专业化与分工（逐年）"
                if zh
                else "Specialisation and division of labour, by year",
            )
            return
        k, fi = structure_service.specialisation(
            store, basis=basis, sectors=sectors, measure=measure, year=year
        )
        f = structure_service.specialisation_frame(store, k, fi, lang)
    emit(
        f,
        fmt=fmt,
        lang=lang,
        units={"K": "ratio", "mean_K_ij": "ratio", "FI_i": "ratio", "weight": "share"},
        title=("克鲁格曼专业化指数与地区专业化系数" if zh else "Krugman index and specialisation coefficient")
        + f" ({basis}{', ' + sectors if basis == 'io' else ''})",
    )
    if fmt == "table":
        console.print(("地区分工指数 FI" if zh else "division-of-labour index FI") + f": {fi.FI:.4f}")


def digital_by_industry(
    region: Annotated[
        Optional[list[str]], typer.Option("--region", help="Province (name or code), or CN (repeat).")
    ] = None,
    include_digital: Annotated[
        bool, typer.Option("--include-digital", help="Keep the digital sectors (20, 31) in their groups.")
    ] = False,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Digital input intensity of the primary, secondary and tertiary industries. 三次产业数字投入强度。"""
    check_lang(lang)
    with store_for(db) as store:
        f = structure_service.digital_by_industry(store, include_digital=include_digital)
        if region:
            codes = []
            for r in region:
                c = "CN" if r.upper() in ("CN", "CHINA", "全国") else region_code(r)
                if c is None:
                    raise InputError.at(
                        "unknown region", column="--region", value=r, expected="a province or CN"
                    )
                codes.append(c)
            f = f[f["region_code"].isin(codes)]
        shown = structure_service.label_regions(store, f, lang)
    cols = ["region_code", "name", "year", "industry", "share_intermediate", "per_output", "total_per_output"]
    emit(
        shown[cols + ["caict_penetration"]] if fmt == "table" else shown,
        fmt=fmt,
        lang=lang,
        units=f.attrs["units"],
        max_rows=None if fmt != "table" else 200,
        title="三次产业数字投入强度（投入产出表）"
        if lang == "zh"
        else "Digital input intensity by industry (IO tables)",
    )
    if fmt == "table":
        console.print(
            "caict_penetration: CAICT digital-economy penetration (value-added share), another definition — "
            "compare the ordering, not the level."
        )


def add_commands(app: typer.Typer) -> None:
    """Attach the three commands to the ``macro`` sub-app."""
    app.command("similarity")(similarity)
    app.command("specialisation")(specialisation)
    app.command("digital-by-industry")(digital_by_industry)
