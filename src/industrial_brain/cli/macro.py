"""``ibrain macro``: regional integration of the digital and the real economy (数实融合宏观分析).

* ``run [--system FILE | ROLE=FILE] [--years FROM:TO] [--model conventional|corrected]
  [--weights contiguity|inverse_distance|knn] [--permutations N] [--seed S] [--out FILE.csv|.xlsx]
  [--figures DIR] [--no-save] [--db PATH] [--lang en|zh]`` — the pipeline: indices, coupling coordination,
  obstacles, Dagum Gini, Theil, convergence, kernel density, Moran's I; stored with lineage; Rich summary.
* ``systems [--show CODE|FILE] [--db PATH]`` — the shipped index systems, or one system's indicators.
* ``runs`` — stored macro runs; ``show [--run ID] [--measure M] [--year Y | --all-years]`` — a stored
  run's values; province values without ``--year`` are those of the run's default year (the latest
  without an error or partial-year note on the measure's inputs), and one line on stderr says which
  later years were skipped and why.
* ``audit --system ROLE|CODE [--year Y] [--run ID] [--part P] [--format table|csv]`` — the stored audit
  of one index (weights by method, contributions, rank intervals, correlations, alpha, PCA).
* ``similarity``, ``specialisation``, ``digital-by-industry`` — homogeneous and uneven development
  (:mod:`industrial_brain.cli.structure`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.table import Table

from industrial_brain._shared.i18n import check_lang
from industrial_brain.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    console,
    emit,
    err_console,
    store_for,
    write_out,
)
from industrial_brain.cli.structure import add_commands as add_structure_commands
from industrial_brain.errors import InputError
from industrial_brain.services.index_audit import AUDIT_PARTS, audit_tables, run_audit
from industrial_brain.services.macro import (
    export_run,
    index_system,
    load_macro_run,
    macro_run_id,
    macro_runs,
    macro_systems,
    newest_or_new_run,
    region_names,
    run_macro,
    stored_macro_values,
)
from industrial_brain.services.index_checks import published_rank_checks
from industrial_brain.services.quality import macro_default_year
from industrial_brain.viz.macro import write_macro_figures

app = typer.Typer(
    help="Regional digital–real economy integration 数实融合宏观分析 (indices, coupling, "
    "inequality, convergence, spatial).",
    no_args_is_help=True,
)


def _kv_table(title: str, items) -> Table:
    t = Table(title=title, show_header=False, header_style="bold")
    t.add_column("", style="bold")
    t.add_column("")
    for k, v in items:
        if isinstance(v, float):
            v = f"{v:,.4f}"
        t.add_row(str(k), str(v))
    return t


@app.command("run")
def run(
    system: Annotated[
        Optional[list[str]],
        typer.Option(
            "--system",
            help="Index system YAML replacing a default: FILE (its code names the role) or "
            "ROLE=FILE with ROLE digital | real | nqpf (repeat).",
        ),
    ] = None,
    years: Annotated[
        Optional[str], typer.Option("--years", help="FROM:TO (default: every complete year).")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="Coupling model: conventional | corrected.")
    ] = "conventional",
    weights: Annotated[
        str, typer.Option("--weights", help="Spatial weights: contiguity | inverse_distance | knn.")
    ] = "contiguity",
    k: Annotated[int, typer.Option("--k", help="Neighbours for --weights knn.")] = 4,
    permutations: Annotated[int, typer.Option("--permutations", help="Moran permutations.")] = 999,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the permutations.")] = 20240501,
    missing: Annotated[
        str, typer.Option("--missing", help="Gaps left by error-flagged values: interpolate | raise.")
    ] = "interpolate",
    out: Annotated[
        Optional[Path],
        typer.Option("--out", help="Also write FILE.csv (provinces × years) or FILE.xlsx (all tables)."),
    ] = None,
    figures: Annotated[
        Optional[Path],
        typer.Option(
            "--figures",
            help="Folder for the plots: map of D, kernel density (PNG + interactive HTML), Moran's I.",
        ),
    ] = None,
    audit_draws: Annotated[
        int,
        typer.Option("--audit-draws", help="Monte Carlo draws of each index's audit (0: no rank intervals)."),
    ] = 200,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the results with lineage.")] = True,
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Run the macro pipeline on the store and print a summary. 运行宏观分析流水线。"""
    check_lang(lang)
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError.at(
            "unsupported output type", file=str(out), value=out.suffix or "(none)", expected=".csv or .xlsx"
        )
    with store_for(db) as store:
        result = run_macro(
            store,
            system,
            years,
            model=model,
            weights=weights,
            k=k,
            permutations=permutations,
            seed=seed,
            missing=missing,
            save=save,
            audit_draws=audit_draws,
        )
    zh = lang == "zh"
    console.print(
        _kv_table(
            "数实融合宏观分析 Macro pipeline" if zh else "Macro pipeline 数实融合宏观分析",
            result._summary_items(lang),
        )
    )
    last = result.years[-1]
    frame = result.to_frame(lang).xs(last, level=1).reset_index()
    drop = (
        "level_code",
        "等级代码",
        "C",
        "耦合度C",
        "T",
        "综合发展指数T",
        "region4",
        "四大地区",
        "lagging",
        "滞后子系统",
        "lisa",
        "LISA聚类",
    )
    keep = [c for c in frame.columns if c not in drop]
    D_col = "耦合协调度D" if zh else "D"
    shown = frame[keep].sort_values(D_col, ascending=False)
    emit(
        shown,
        units={c: "index" for c in shown.columns if pd.api.types.is_float_dtype(shown[c])},
        lang=lang,
        title=(f"{last} 年各省指数与耦合协调度" if zh else f"Provinces in {last}: indices and coordination"),
    )
    dg = result.dagum_table(lang).iloc[:, :8]
    english = result.dagum_table("en").columns[:8]  # the contributions (share_*) in percent, G in 3 decimals
    emit(
        dg,
        units={
            c: "share" if e.startswith("share") else "index"
            for c, e in zip(dg.columns, english)
            if pd.api.types.is_float_dtype(dg[c])
        },
        lang=lang,
        title=(
            "Dagum 基尼系数分解（D，四大地区）" if zh else "Dagum Gini decomposition of D (NBS four regions)"
        ),
    )
    mt = result.moran_table(lang).drop(columns=["EI", "z_rand", "p_rand"])
    emit(
        mt,
        units={c: "ratio" for c in mt.columns if pd.api.types.is_float_dtype(mt[c])},
        lang=lang,
        title=f"莫兰指数（{result.weights_kind}，{result.permutations} 次置换）"
        if zh
        else f"Moran's I of D ({result.weights_kind} weights, {result.permutations} permutations)",
    )
    if len(result.rank_checks):
        rc = result.rank_checks[result.rank_checks["period"] == "pooled"]
        emit(
            rc,
            units={c: "index" for c in rc.columns if pd.api.types.is_float_dtype(rc[c])},
            lang=lang,
            title="外部校验：与源数据综合指数的秩相关"
            if zh
            else "External check: rank correlation with the source panel's composites",
        )
    pub = published_rank_checks(result, "digital", lang)
    if len(pub):
        emit(
            pub.drop(columns=[pub.columns[1]]),
            units={c: "index" for c in pub.columns if pd.api.types.is_float_dtype(pub[c])},
            lang=lang,
            title="数字经济指数与已发布省级排名的秩相关（所列省份）"
            if zh
            else "Digital economy index vs published provincial rankings (listed provinces)",
        )
    if out is not None:
        export_run(result, out, lang)
        console.print(f"wrote 已写出 → {out}")
    if figures is not None:
        for path in write_macro_figures(result, figures):
            console.print(f"wrote 已写出 → {path}")
    if result.run_id:
        console.print(f"stored 已保存: run {result.run_id} (ibrain macro show --run {result.run_id})")


@app.command("systems")
def systems(
    show: Annotated[
        Optional[str],
        typer.Option("--show", help="Code of a shipped system or a YAML path: list its indicators."),
    ] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """List the shipped index systems, or one system's indicators. 列出指数体系。

    The systems are files shipped with the package (or the YAML file given), not store contents:
    ``--db`` is accepted, like on every command, and not opened."""
    if show is None:
        t = macro_systems()
        if fmt == "table":  # the citation is long: CSV/JSON carry it, the table names the system
            t = t[["code", "role", "name_zh" if lang == "zh" else "name_en", "dimensions", "indicators"]]
        emit(t, fmt=fmt, lang=lang, title="Index systems 指数体系")
        return
    s = index_system(show)
    emit(
        s.to_frame(lang).reset_index(),
        fmt=fmt,
        lang=lang,
        title=f"{s.code}: {s.name_zh if lang == 'zh' else s.name_en}",
    )
    if fmt == "table":
        if s.absent_from_data:
            emit(
                pd.DataFrame([a.model_dump() for a in s.absent_from_data]),
                lang=lang,
                title="Indicators of the published system absent from the data 数据中缺失的指标",
            )
        console.print(f"follows 依据: {' '.join(s.follows.split())}")


@app.command("runs")
def runs(db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the stored macro runs. 已保存的宏观分析。"""
    with store_for(db) as store:
        df = macro_runs(store)
    emit(df, fmt=fmt, lang=lang, title="Macro runs 宏观分析记录")


@app.command("show")
def show(
    run_id: Annotated[Optional[str], typer.Option("--run", help="Run id (default: the newest).")] = None,
    measure: Annotated[
        Optional[str],
        typer.Option("--measure", help="Measure, e.g. D, index.digital, moran.D.I (prefix match)."),
    ] = "D",
    year: Annotated[
        Optional[int],
        typer.Option("--year", help="Only this year (default for province values: the default year)."),
    ] = None,
    all_years: Annotated[bool, typer.Option("--all-years", help="Province values of every year.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Print the values of a stored macro run. 显示已保存的结果。"""
    with store_for(db) as store:
        rid, vals = stored_macro_values(store, run_id)
        names = region_names(store, lang)
        # a ranking of provinces opens on the run's default year; series by year stay whole
        ranking = year is None and not all_years and bool(measure) and vals["measure"].eq(measure).any()
        ranking = ranking and vals.loc[vals["measure"] == measure, "region_code"].notna().any()
        clean = macro_default_year(store, rid, measure) if ranking else None
    if measure:
        sel = vals[(vals["measure"] == measure) | vals["measure"].str.startswith(measure + ".")]
        if sel.empty:
            known = sorted({m.split(".")[0] for m in vals["measure"]})
            raise InputError.at(
                "no such measure in the run",
                column="--measure",
                value=measure,
                expected="one of " + ", ".join(known) + " (or a longer dotted name)",
            )
        vals = sel
    if clean is not None:
        year = clean.default
        err_console.print(("默认年份 " + clean.line("zh")) if lang == "zh" else "default " + clean.line("en"))
    if year is not None:
        vals = vals[vals["year"] == year]
    vals = vals.assign(name=vals["region_code"].map(names))
    vals = vals[["region_code", "name", "year", "measure", "value", "label"]].sort_values(
        ["measure", "year", "region_code"]
    )
    if out:
        write_out(vals, out)
        console.print(f"wrote 已写出 {len(vals)} rows → {out}")
    else:
        # scores 0–1 (D, C, T, indices) with three decimals; other measures (tests, p-values) as numbers
        scores = bool(measure) and measure.split(".")[0] in ("D", "C", "T", "index")
        units = {"value": "index"} if scores else None
        emit(vals, fmt=fmt, lang=lang, title=f"run {rid}", max_rows=400, units=units)


#: Units of the audit tables' numeric columns (weights and shares in percent, r and α as ratios).
_AUDIT_UNITS = {
    "share": "share",
    "contribution": "ratio",
    "score": "index",
    "r": "ratio",
    "alpha": "ratio",
    "PC1": "ratio",
    "pc1_share": "share",
    "median": "ratio",
    "p05": "ratio",
    "p95": "ratio",
    "mean": "ratio",
    "width": "ratio",
    "r_dimension": "ratio",
    "r_index": "ratio",
}


@app.command("audit")
def audit(
    system: Annotated[
        str, typer.Option("--system", help="Index: role digital | real | nqpf, or a system code.")
    ] = "digital",
    year: Annotated[Optional[int], typer.Option("--year", help="Year (default: the run's last).")] = None,
    run_id: Annotated[Optional[str], typer.Option("--run", help="Run id (default: the newest).")] = None,
    part: Annotated[
        Optional[str],
        typer.Option(
            "--part", help="One table: " + " | ".join(AUDIT_PARTS) + " (default: all; CSV: indicators)."
        ),
    ] = None,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """The audit of an index of a stored macro run (COINr-style). 综合指数审计。

    Rendered from the run (the newest, or ``--run``; when the store holds none the pipeline runs
    once and is stored), never recomputed."""
    check_lang(lang)
    if part is not None and part not in AUDIT_PARTS:
        raise InputError.at(
            "unknown audit table", column="--part", value=part, expected=" | ".join(AUDIT_PARTS)
        )
    with store_for(db) as store:
        run = load_macro_run(store, macro_run_id(store, run_id)[0]) if run_id else newest_or_new_run(store)
    role, result = run_audit(run.audits, system)
    tables = audit_tables(result, year, lang, run.regions["name_zh" if lang == "zh" else "name_en"].to_dict())
    if fmt != "table":
        emit(tables[part or "indicators"], fmt=fmt, lang=lang)
        return
    zh = lang == "zh"
    console.print(
        _kv_table(f"{result.title_zh if zh else result.title_en}: {role}", result._summary_items(lang))
    )
    y = int(tables["contributions"]["year"].iloc[0])
    for name in [part] if part else AUDIT_PARTS:
        t = tables[name]
        if name == "indicators":  # the published counterpart and long names are in CSV / JSON
            t = t.drop(
                columns=[c for c in t.columns if c in ("published", "对应的已发布指标", "name", "名称")]
            )
        if name == "contributions":
            t = t[t["region_code"].isin(t["region_code"].unique()[:5])]
        units = {c: u for c, u in _AUDIT_UNITS.items() if c in t.columns}
        units.update(
            {c: "share" for c in t.columns if str(c).startswith("w:") or name == "dimension_weights"}
        )
        when = {"indicators": "r pooled", "dimension_weights": "fixed across years"}.get(name, str(y))
        emit(t, lang=lang, title=f"{name} ({when})", units=units, max_rows=400)
    if run.run_id:
        console.print(f"run {run.run_id}")


add_structure_commands(app)  # similarity, specialisation, digital-by-industry (cli/structure.py)
