"""``ibrain assess``: enterprise digital-transformation assessment (questionnaires, scores, benchmarks,
profiles). A stable contract: scripts and the web service rely on the command names and the columns.

* ``template --model CODE --out FILE.xlsx|FILE.csv`` — blank questionnaire; ``models`` — models and versions.
* ``simulate --n N --seed S --out FILE.csv`` — SYNTHETIC population: ``uscc, name, sector, region,
  size_class`` then one column per question code.
* ``score FILE --out SCORES.csv [--model CODE] [--db PATH]`` — ``uscc, sector, region, total_score,
  level`` then one column per dimension. Without ``--db`` nothing is stored anywhere; with ``--db``
  the sheet is also stored (atomically, all or nothing) and the CSV is written after the commit.
* ``benchmark SCORES.csv --by sector|region|size_class`` — aggregates with small-cell suppression
  (``size_class`` is not a column of SCORES.csv: give ``--answers SHEET`` or ``--db STORE``).
* ``profile --uscc CODE --out profile.html`` — from the store; ``trajectory``, ``cohort`` likewise.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import numpy as np
import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for, write_out
from industrial_brain.errors import InputError

app = typer.Typer(help="Enterprise digital-transformation assessment 企业数字化转型评估.", no_args_is_help=True)

ModelOpt = Annotated[str, typer.Option("--model", help="Maturity model code (see 'ibrain assess models') or a YAML path.")]
ByOpt = Annotated[str, typer.Option("--by", help="sector | region | size_class")]
KOpt = Annotated[int, typer.Option("--k", help="Minimum enterprises behind any published number.")]
DEFAULT_MODEL = "digital_transformation_maturity"
#: Columns of ``assess score`` output before the dimension columns.
SCORE_COLUMNS = ["uscc", "sector", "region", "total_score", "level"]
_BY = ("sector", "region", "size_class")


def _check_by(by: str) -> None:
    if by not in _BY:
        raise InputError.at("unknown grouping", column="--by", value=by, expected="sector | region | size_class")


@app.command("models")
def models(fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the shipped maturity models and their versions. 列出成熟度模型。"""
    from industrial_brain.micro.model import list_models, load_model

    rows = []
    for code, _ in list_models():
        m = load_model(code)
        rows.append({"code": m.code, "version": m.version, "name": m.name_zh if lang == "zh" else m.name_en,
                     "dimensions": len(m.dimensions), "questions": len(m.all_questions),
                     "levels": " ".join(m.level_codes), "fingerprint": m.fingerprint[:12]})
    emit(pd.DataFrame(rows), fmt=fmt, lang=lang, title="Maturity models 成熟度模型")


@app.command("template")
def template(model: ModelOpt = DEFAULT_MODEL,
             out: Annotated[Path, typer.Option("--out", help="FILE.xlsx (dropdowns) or FILE.csv (header only).")] = ...,
             lang: LangOpt = "en") -> None:
    """Write a blank questionnaire for a model. 生成空白问卷。"""
    from industrial_brain.micro.model import load_model
    from industrial_brain.micro.questionnaire import write_template

    m = load_model(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template(m, out, lang=lang)
    console.print(f"wrote 已写出 {m.code} {m.version} questionnaire ({len(m.all_questions)} questions) → {out}")


@app.command("simulate")
def simulate(n: Annotated[int, typer.Option("--n", help="Number of enterprises.")] = 10_000,
             seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
             out: Annotated[Path, typer.Option("--out", help="FILE.csv (or .xlsx/.parquet).")] = ...,
             model: ModelOpt = DEFAULT_MODEL) -> None:
    """Write a SYNTHETIC population calibrated to the published 2022 sector scores. 生成合成企业样本。"""
    from industrial_brain.micro.population import simulate_population

    pop = simulate_population(n, seed=seed, model=model)
    frame = pop.answers.copy()
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(object)
    write_out(frame, out)
    cal = pop.calibration
    console.print(f"wrote 已写出 {len(frame):,} SYNTHETIC enterprises 合成企业 → {out} "
                  f"(mean {cal.loc['ALL', 'achieved']:.1f} vs published {cal.loc['ALL', 'target']:.1f}; "
                  f"at or below L1 {100 * cal.loc['ALL', 'share_at_or_below_L1']:.1f}% vs 42%)")


def score_frame(scores) -> pd.DataFrame:
    """The ``assess score`` output: ``uscc, sector, region, total_score, level`` then one column per dimension."""
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
def score(file: Annotated[Path, typer.Argument(help="Filled questionnaire: CSV, XLSX or Parquet.")],
          out: Annotated[Path, typer.Option("--out", help="SCORES.csv (or .xlsx/.parquet).")] = ...,
          model: ModelOpt = DEFAULT_MODEL,
          db: DbOpt = None,
          dataset_id: Annotated[Optional[str], typer.Option("--dataset-id", help="With --db: id of the stored dataset.")] = None,
          taken_on: Annotated[Optional[str], typer.Option("--taken-on", help="With --db: date of the assessments (YYYY-MM-DD) where the sheet has no taken_on column; default today.")] = None,
          synthetic: Annotated[Optional[bool], typer.Option("--synthetic/--real", help="With --db: mark the dataset synthetic (default: when every name ends with '(synthetic)').")] = None,
          grade: Annotated[str, typer.Option("--grade", help="With --db: important | core.")] = "important",
          k: KOpt = 3,
          sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet name or 0-based index.")] = None) -> None:
    """Score a filled questionnaire; with --db also store it (all or nothing). 评分（可选入库）。"""
    from industrial_brain.micro.model import load_model
    from industrial_brain.services.assess import ingest_answers, read_answers

    m = load_model(model)
    sheet_arg = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    frame = read_answers(file, sheet=sheet_arg)
    if db is None:
        from industrial_brain.services.assess import score_sheet

        scores, _ = score_sheet(frame, m, file=str(file), taken_on=taken_on or "1970-01-01")
        note = "not stored (give --db to store)"
    else:
        with store_for(db) as store:
            rep = ingest_answers(store, frame, model=m, dataset_id=dataset_id, taken_on=taken_on, synthetic=synthetic,
                                 grade=grade, k=k, file=str(file))
            if rep.skipped:
                from industrial_brain.services.assess import score_sheet

                scores, _ = score_sheet(frame, m, file=str(file), taken_on=taken_on or "1970-01-01")
                note = f"store unchanged: {rep.message}"
            else:
                scores = rep.scores
                note = (f"stored 已入库 as dataset '{rep.dataset_id}' (model version {rep.model_version}"
                        f"{', SYNTHETIC' if rep.synthetic else ''})")
    table = score_frame(scores)
    write_out(table, out)
    counts = table["level"].value_counts().sort_index()
    console.print(f"scored 已评分 {len(table):,} enterprises with {m.code} {m.version}: mean {table['total_score'].mean():.1f}; "
                  + ", ".join(f"{lv} {c}" for lv, c in counts.items()) + f" → {out}; {note}")


def _read_scores(path: Path) -> pd.DataFrame:
    from industrial_brain.ingest.files import read_frame

    f = read_frame(path)
    for c in ("uscc", "total_score", "level"):
        if c not in f.columns:
            raise InputError.at("column missing from the scores file", file=str(path), row=1, column=c,
                                expected="the columns written by 'ibrain assess score': " + ", ".join(SCORE_COLUMNS))
    x = pd.to_numeric(f["total_score"], errors="coerce")
    bad = x.isna() | (x < 0) | (x > 100)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError.at("bad total score", file=str(path), row=i + 2, column="total_score",
                            value=f["total_score"].iat[i], expected="a number from 0 to 100")
    f["total_score"] = x.astype(np.float64)
    return f.set_index("uscc")


def _level_order(levels) -> list[str]:
    def key(s: str):
        mm = re.fullmatch(r"([A-Za-z]*)(\d+)", s)
        return (0, int(mm.group(2))) if mm else (1, s)

    return sorted({str(v) for v in levels if pd.notna(v)}, key=key)


@app.command("benchmark")
def benchmark(scores: Annotated[Path, typer.Argument(help="SCORES.csv written by 'ibrain assess score'.")],
              by: ByOpt = "sector", k: KOpt = 3,
              answers: Annotated[Optional[Path], typer.Option("--answers", help="The answer sheet the scores came from: supplies grouping columns the scores file lacks (size_class).")] = None,
              db: Annotated[Optional[Path], typer.Option("--db", help="Store whose enterprise registry supplies grouping columns the scores file lacks.")] = None,
              out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet.")] = None,
              fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """Aggregates by sector, region or size class, small cells suppressed. 对标汇总（小单元格抑制）。

    Columns: the grouping, n, mean, q1, median, q3, share_<level> …, suppressed, suppression; with
    --by sector also published_mean_2022 (the published reference, labelled as such).
    """
    from industrial_brain.micro.benchmarking import aggregate, published_reference_2022

    _check_by(by)
    f = _read_scores(scores)
    if by not in f.columns and answers is not None:
        from industrial_brain.services.assess import read_answers

        a = read_answers(answers)
        if "uscc" in a.columns and by in a.columns:
            key = a["uscc"].astype(str).str.strip().str.upper()
            f[by] = f.index.map(dict(zip(key, a[by])))
    if by not in f.columns and db is not None:
        with store_for(db, read_only=True) as store:
            reg = store.query("SELECT uscc, sector_code AS sector, region_code AS region, size_class FROM enterprise")
        f[by] = f.index.map(dict(zip(reg["uscc"], reg[by])))
    if by not in f.columns:
        raise InputError.at("column missing from the scores file", file=str(scores), row=1, column=by,
                            expected=f"a '{by}' column, or --answers SHEET / --db STORE to look it up by uscc")
    if f[by].isna().any():
        i = int(np.flatnonzero(f[by].isna().to_numpy())[0])
        raise InputError.at(f"missing {by}", file=str(scores), row=i + 2, column=by,
                            value=f.index[i], expected=f"a {by} for every enterprise")
    t = aggregate(f, by, k=k, level_codes=_level_order(f["level"]))
    frame = t.frame.reset_index()
    if by == "sector":
        ref = published_reference_2022()
        pub = dict(ref.sectors["mean_score"])
        pub["ALL"] = ref.national_mean
        frame["published_mean_2022"] = frame["sector"].map(pub)
    if out:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out} ({t.n_primary} primary, {t.n_complementary} "
                      f"complementary suppressions, k={k})")
    else:
        emit(frame, fmt=fmt, lang=lang, title=f"Benchmark by {by} 对标 (k={k}; suppressed cells blank)")


@app.command("profile")
def profile(uscc: Annotated[str, typer.Option("--uscc", help="Unified social credit code of an assessed enterprise.")],
            out: Annotated[Path, typer.Option("--out", help="profile.html")] = Path("profile.html"),
            db: DbOpt = None, model: Annotated[Optional[str], typer.Option("--model", help="Model code (default: the latest assessment's).")] = None,
            k: KOpt = 3, lang: LangOpt = "en") -> None:
    """Write an enterprise profile (radar vs sector median, roadmap, trajectory) from the store. 企业画像。"""
    from industrial_brain.services.assess import enterprise_profile, profile_html

    with store_for(db, read_only=True) as store:
        p = enterprise_profile(store, uscc, model_code=model, k=k)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profile_html(p, lang), encoding="utf-8")
    console.print(f"wrote 已写出 profile 画像 of {p.uscc} ({p.latest['level']}, {float(p.latest['total_score']):.1f}) → {out}")


@app.command("trajectory")
def trajectory_cmd(uscc: Annotated[str, typer.Option("--uscc", help="Unified social credit code.")],
                   db: DbOpt = None, model: Annotated[Optional[str], typer.Option("--model")] = None,
                   fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """Every stored assessment of one enterprise, oldest first, with its model version. 历次评估。"""
    from industrial_brain.services.assess import trajectory

    with store_for(db, read_only=True) as store:
        t = trajectory(store, uscc, model_code=model)
    cols = ["taken_on", "model_code", "model_version", "total_score", "level", "sector", "region", "dataset_id"]
    shown = t[cols] if fmt == "table" else t.drop(columns=["assessment_id"])
    emit(shown, fmt=fmt, lang=lang, title=f"Trajectory 轨迹 {uscc} (dimension scores: --format csv)")


@app.command("cohort")
def cohort_cmd(by: ByOpt = "sector",
               start: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")] = ...,
               end: Annotated[str, typer.Option("--to", help="Second date (YYYY-MM-DD).")] = ...,
               model: ModelOpt = DEFAULT_MODEL,
               same_firms: Annotated[bool, typer.Option("--same-firms", help="Only firms assessed by FROM and re-assessed by TO.")] = False,
               k: KOpt = 3, db: DbOpt = None,
               out: Annotated[Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet.")] = None,
               fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """How the level distribution of each group moved between two dates. 群体等级分布变化。"""
    from industrial_brain.services.assess import cohort

    _check_by(by)
    with store_for(db, read_only=True) as store:
        r = cohort(store, by, start, end, model_code=model, same_firms=same_firms, k=k)
    frame = r.frame.reset_index()
    if out:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out}")
    else:
        emit(frame, fmt=fmt, lang=lang, title=f"Cohort by {by}: {r.start} → {r.end} (k={k})")
