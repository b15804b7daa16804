"""``ibrain assess``: enterprise digital-transformation assessment (questionnaires, scores, benchmarks,
profiles). A stable contract: scripts and the web service rely on the command names and the columns.

* ``models [--db PATH]`` — models and versions; with ``--db`` also the models stored in that store's
  registry (column ``origin``: shipped / stored).
* ``template --model CODE --out FILE.xlsx|FILE.csv`` — blank questionnaire.
* ``simulate --n N --seed S --out FILE.csv`` — SYNTHETIC population: ``uscc, name, sector, region,
  size_class`` then one column per question code.
* ``score FILE --out SCORES.csv [--model CODE] [--db PATH]`` — ``uscc, sector, region, total_score,
  level`` then one column per dimension. Without ``--db`` nothing is stored anywhere; with ``--db``
  the sheet is also stored (atomically, all or nothing) and the CSV is written after the commit.
* ``benchmark SCORES.csv --by sector|region|size_class`` — aggregates with small-cell suppression
  (``size_class`` is not a column of SCORES.csv: give ``--answers SHEET`` or ``--db STORE``).
* ``profile --uscc CODE --out profile.html`` — from the store; ``trajectory``, ``cohort`` likewise.
* ``release [--model CODE] [--period LABEL] [--k 3] [--p 10] [--n-min 10] [--db PATH]`` — make a
  release of the published enterprise aggregates (every table, audited against every earlier
  release; what ``GET /enterprises/aggregates`` serves) and print its summary per table.

``template`` and ``simulate`` accept ``--db`` like every other command, for uniformity; neither
depends on a store, so neither opens one.

Every command calls :mod:`industrial_brain.services.assess` (and the profile page
:func:`industrial_brain.report.sections_micro.profile_html`); none reads the store or calls an engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for, write_out
from industrial_brain.report.sections_micro import profile_html
from industrial_brain.services import assess as service
from industrial_brain.services import releases as release_service

app = typer.Typer(
    help="Enterprise digital-transformation assessment 企业数字化转型评估.", no_args_is_help=True
)


def _opt(name: str, text: str, **kw):
    return typer.Option(name, help=text, **kw)


ModelOpt = Annotated[str, _opt("--model", "Maturity model code (see 'ibrain assess models') or a YAML path.")]
ByOpt = Annotated[str, _opt("--by", "sector | region | size_class")]
KOpt = Annotated[int, _opt("--k", "Minimum enterprises behind any published number.")]
OutFileOpt = Annotated[Optional[Path], _opt("--out", "Write to .csv/.xlsx/.parquet.")]
UnusedDbOpt = Annotated[
    Optional[Path],
    _opt(
        "--db", "Store file: accepted like every command for uniformity; this command does not use a store."
    ),
]
ModelsDbOpt = Annotated[Optional[Path], _opt("--db", "Also list the models stored in this store's registry.")]
TemplateOut = Annotated[Path, _opt("--out", "FILE.xlsx (dropdowns) or FILE.csv (header only).")]
DatasetIdOpt = Annotated[Optional[str], _opt("--dataset-id", "With --db: id of the stored dataset.")]
TakenOnOpt = Annotated[
    Optional[str],
    _opt(
        "--taken-on",
        "With --db: date of the assessments (YYYY-MM-DD) where the sheet has no taken_on column; "
        "default today.",
    ),
]
SyntheticOpt = Annotated[
    Optional[bool],
    _opt(
        "--synthetic/--real",
        "With --db: mark the dataset synthetic (default: when every name ends with '(synthetic)').",
    ),
]
GradeOpt = Annotated[str, _opt("--grade", "With --db: important | core.")]
SheetOpt = Annotated[Optional[str], _opt("--sheet", "XLSX sheet name or 0-based index.")]
AnswersOpt = Annotated[
    Optional[Path],
    _opt(
        "--answers",
        "The answer sheet the scores came from: supplies grouping columns the scores file lacks "
        "(size_class).",
    ),
]
RegistryDbOpt = Annotated[
    Optional[Path],
    _opt("--db", "Store whose enterprise registry supplies grouping columns the scores file lacks."),
]
UsccOpt = Annotated[str, _opt("--uscc", "Unified social credit code of an assessed enterprise.")]
ProfileModelOpt = Annotated[Optional[str], _opt("--model", "Model code (default: the latest assessment's).")]
SameFirmsOpt = Annotated[bool, _opt("--same-firms", "Only firms assessed by FROM and re-assessed by TO.")]
DEFAULT_MODEL = service.DEFAULT_MODEL
#: Columns of ``assess score`` output before the dimension columns.
SCORE_COLUMNS = list(service.SCORE_COLUMNS)


def _units(frame: pd.DataFrame) -> dict[str, str]:
    """Units of an assessment table: ``n``/``n_*`` counts, ``share_*`` level shares (in percent), the other
    numbers scores 0–100 (one decimal)."""
    units = {}
    for c in frame.columns:
        if c == "n" or c.startswith("n_"):
            units[c] = "count"
        elif c.startswith("share_"):
            units[c] = "share"
        elif pd.api.types.is_float_dtype(frame[c]):
            units[c] = "points"
    return units


@app.command("models")
def models(db: ModelsDbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the shipped maturity models and their versions (with --db also the stored ones).
    列出成熟度模型。"""
    if db is None:
        frame = service.model_catalog(lang=lang)
    else:
        with store_for(db, read_only=True) as store:
            frame = service.model_catalog(store, lang=lang)
    emit(frame, fmt=fmt, lang=lang, title="Maturity models 成熟度模型")


@app.command("template")
def template(
    model: ModelOpt = DEFAULT_MODEL, out: TemplateOut = ..., lang: LangOpt = "en", db: UnusedDbOpt = None
) -> None:
    """Write a blank questionnaire for a model. 生成空白问卷。"""
    m = service.write_questionnaire(model, out, lang=lang)
    console.print(
        f"wrote 已写出 {m.code} {m.version} questionnaire ({len(m.all_questions)} questions) → {out}"
    )


@app.command("simulate")
def simulate(
    n: Annotated[int, _opt("--n", "Number of enterprises.")] = 10_000,
    seed: Annotated[int, _opt("--seed", "Random seed.")] = 0,
    out: Annotated[Path, _opt("--out", "FILE.csv (or .xlsx/.parquet).")] = ...,
    model: ModelOpt = DEFAULT_MODEL,
    db: UnusedDbOpt = None,
) -> None:
    """Write a SYNTHETIC population calibrated to the published 2022 sector scores. 生成合成企业样本。"""
    pop = service.synthetic_population(n, seed=seed, model=model)
    frame = pop.answers.copy()
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(object)
    write_out(frame, out)
    cal = pop.calibration
    console.print(
        f"wrote 已写出 {len(frame):,} SYNTHETIC enterprises 合成企业 → {out} "
        f"(mean {cal.loc['ALL', 'achieved']:.1f} vs published {cal.loc['ALL', 'target']:.1f}; "
        f"at or below L1 {100 * cal.loc['ALL', 'share_at_or_below_L1']:.1f}% vs 42%)"
    )


def score_frame(scores) -> pd.DataFrame:
    """The ``assess score`` output: ``uscc, sector, region, total_score, level`` then one column per
    dimension."""
    f = scores.to_frame().reset_index()
    for c in ("sector", "region"):
        if c not in f.columns:
            f[c] = None
    dims = list(scores.dimension_scores.columns)
    out = f[SCORE_COLUMNS + dims].copy()
    out["level"] = out["level"].astype(str)
    for c in ("sector", "region"):
        out[c] = out[c].astype(object)
    return out


@app.command("score")
def score(
    file: Annotated[Path, typer.Argument(help="Filled questionnaire: CSV, XLSX or Parquet.")],
    out: Annotated[Path, _opt("--out", "SCORES.csv (or .xlsx/.parquet).")] = ...,
    model: ModelOpt = DEFAULT_MODEL,
    db: DbOpt = None,
    dataset_id: DatasetIdOpt = None,
    taken_on: TakenOnOpt = None,
    synthetic: SyntheticOpt = None,
    grade: GradeOpt = "important",
    k: KOpt = 3,
    sheet: SheetOpt = None,
) -> None:
    """Score a filled questionnaire; with --db also store it (all or nothing). 评分（可选入库）。"""
    sheet_arg = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    if db is None:
        res = service.score_file(file, model=model, sheet=sheet_arg, taken_on=taken_on)
        note = "not stored (give --db to store)"
    else:
        with store_for(db) as store:
            res = service.score_file(
                file,
                model=model,
                sheet=sheet_arg,
                taken_on=taken_on,
                store=store,
                dataset_id=dataset_id,
                synthetic=synthetic,
                grade=grade,
                k=k,
            )
        rep = res.stored
        note = (
            f"store unchanged: {rep.message}"
            if rep.skipped
            else f"stored 已入库 as dataset '{rep.dataset_id}' (model version {rep.model_version}"
            f"{', SYNTHETIC' if rep.synthetic else ''})"
        )
    m = res.model
    table = score_frame(res.scores)
    write_out(table, out)
    counts = table["level"].value_counts().sort_index()
    console.print(
        f"scored 已评分 {len(table):,} enterprises with {m.code} {m.version}: "
        f"mean {table['total_score'].mean():.1f}; "
        + ", ".join(f"{lv} {c}" for lv, c in counts.items())
        + f" → {out}; {note}"
    )


@app.command("benchmark")
def benchmark(
    scores: Annotated[Path, typer.Argument(help="SCORES.csv written by 'ibrain assess score'.")],
    by: ByOpt = "sector",
    k: KOpt = 3,
    answers: AnswersOpt = None,
    db: RegistryDbOpt = None,
    out: OutFileOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Aggregates by sector, region or size class, small cells suppressed. 对标汇总（小单元格抑制）。

    Columns: the grouping, n, mean, q1, median, q3, share_<level> …, suppressed, suppression; with
    --by sector also published_mean_2022 (the published reference, labelled as such).
    """
    if db is None:
        t = service.benchmark_scores(scores, by, k=k, answers=answers)
    else:
        with store_for(db, read_only=True) as store:
            t = service.benchmark_scores(scores, by, k=k, answers=answers, store=store)
    frame = t.frame.reset_index()
    if out:
        write_out(frame, out)
        console.print(
            f"wrote 已写出 {len(frame)} rows → {out} ({t.n_primary} primary, {t.n_complementary} "
            f"complementary suppressions, k={k})"
        )
    else:
        title = f"Benchmark by {by} 对标 (k={k}; suppressed cells blank)"
        emit(frame, fmt=fmt, lang=lang, title=title, units=_units(frame))


@app.command("profile")
def profile(
    uscc: UsccOpt,
    out: Annotated[Path, _opt("--out", "profile.html")] = Path("profile.html"),
    db: DbOpt = None,
    model: ProfileModelOpt = None,
    k: KOpt = 3,
    lang: LangOpt = "en",
) -> None:
    """Write an enterprise profile (radar vs sector median, roadmap, trajectory) from the store. 企业画像。"""
    with store_for(db, read_only=True) as store:
        p = service.enterprise_profile(store, uscc, model_code=model, k=k)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profile_html(p, lang), encoding="utf-8")
    console.print(
        f"wrote 已写出 profile 画像 of {p.uscc} ({p.latest['level']}, "
        f"{float(p.latest['total_score']):.1f}) → {out}"
    )


@app.command("trajectory")
def trajectory_cmd(
    uscc: Annotated[str, _opt("--uscc", "Unified social credit code.")],
    db: DbOpt = None,
    model: Annotated[Optional[str], typer.Option("--model")] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Every stored assessment of one enterprise, oldest first, with its model version. 历次评估。"""
    with store_for(db, read_only=True) as store:
        t = service.trajectory(store, uscc, model_code=model)
    cols = [
        "taken_on",
        "model_code",
        "model_version",
        "total_score",
        "level",
        "sector",
        "region",
        "dataset_id",
    ]
    shown = t[cols] if fmt == "table" else t.drop(columns=["assessment_id"])
    title = f"Trajectory 轨迹 {uscc} (dimension scores: --format csv)"
    emit(shown, fmt=fmt, lang=lang, title=title, units=_units(shown))


@app.command("cohort")
def cohort_cmd(
    by: ByOpt = "sector",
    start: Annotated[str, _opt("--from", "First date (YYYY-MM-DD).")] = ...,
    end: Annotated[str, _opt("--to", "Second date (YYYY-MM-DD).")] = ...,
    model: ModelOpt = DEFAULT_MODEL,
    same_firms: SameFirmsOpt = False,
    k: KOpt = 3,
    db: DbOpt = None,
    out: OutFileOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """How the level distribution of each group moved between two dates. 群体等级分布变化。"""
    with store_for(db, read_only=True) as store:
        r = service.cohort(store, by, start, end, model_code=model, same_firms=same_firms, k=k)
    frame = r.frame.reset_index()
    if out:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out}")
    else:
        title = f"Cohort by {by}: {r.start} → {r.end} (k={k})"
        emit(frame, fmt=fmt, lang=lang, title=title, units=_units(frame))


@app.command("release")
def release(
    model: Annotated[
        Optional[str], _opt("--model", "Model code (default: the model with the most assessed enterprises).")
    ] = None,
    period: Annotated[Optional[str], _opt("--period", "Period label of the release, e.g. 2024Q4.")] = None,
    k: KOpt = 3,
    p: Annotated[float, _opt("--p", "p of the p% dominance rule (percent).")] = 10.0,
    n_min: Annotated[int, _opt("--n-min", "Minimum enterprises behind published quartiles and shares.")] = 10,
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Make a release of the enterprise aggregates, audited against every earlier release. 发布企业汇总。

    Columns per table: cells, published, and suppressed by reason (primary = under k enterprises,
    dominance = p% rule, complementary, release = withheld by the audit against earlier releases).
    """
    with store_for(db) as store:
        rel = release_service.make_release(store, model_code=model, period=period, k=k, p=p, n_min=n_min)
    h = rel.header
    frame = rel.to_frame().reset_index()
    title = (
        f"Release 发布 {h['release_id']} ({h['model_code']}, {h['n_enterprises']:,} enterprises, "
        f"k={h['k']}, p={h['p']:g}, n_min={h['n_min']}; {len(rel.audit.dropped)} cells withheld by the audit)"
    )
    emit(frame, fmt=fmt, lang=lang, title=title, units={c: "count" for c in frame.columns if c != "table"})
