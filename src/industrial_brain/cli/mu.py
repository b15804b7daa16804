"""``ibrain mu``: the per-mu efficiency evaluation (亩均效益综合评价) of firms on files.

``ibrain mu evaluate FIRMS_FILE --rules linhai|zhejiang_2018|PATH [--year Y] --out scores.csv``
scores every firm-year of a CSV/XLSX/Parquet file of annual accounts and writes ``uscc, year, score,
class`` (then branch, rank, last year's class and change, each indicator's value and points).

``ibrain mu ingest FILE --db DB`` stores a file of firm annual accounts (validated, all or nothing,
graded important; the firms must be in the firm register). ``ibrain mu evaluate --db DB --rules R
[--year Y] [--out scores.csv]`` (no FIRMS_FILE) evaluates the stored accounts and stores the scores as
an analysis run.

``ibrain mu rules`` lists the shipped rule sets.

The work is done by :mod:`industrial_brain.services.per_mu` (files) and
:mod:`industrial_brain.services.mu_board` (the store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for
from industrial_brain.errors import InputError
from industrial_brain.services.mu_board import evaluate_stored, ingest_accounts
from industrial_brain.services.per_mu import evaluate_file, rule_list, write_scores

app = typer.Typer(help="Per-mu efficiency evaluation (亩均效益综合评价) of firms.", no_args_is_help=True)


@app.command("ingest")
def ingest_cmd(
    file: Annotated[Path, typer.Argument(help="Firm annual accounts: CSV, XLSX or Parquet.")],
    db: DbOpt = None,
    dataset_id: Annotated[
        Optional[str],
        typer.Option("--dataset-id", help="Id of the new dataset (default: from the file name)."),
    ] = None,
    grade: Annotated[str, typer.Option("--grade", help="important | core (firm-level data).")] = "important",
    replace: Annotated[bool, typer.Option("--replace", help="Replace the dataset with the same id.")] = False,
) -> None:
    """Validate a firm accounts file and store it whole, or not at all. 企业年度数据校验入库。"""
    with store_for(db) as store:
        report = ingest_accounts(store, file, dataset_id=dataset_id, grade=grade, replace=replace)
    if report.skipped:
        console.print(f"unchanged 未变更: {report.message}")
    else:
        console.print(f"ok 成功: dataset '{report.dataset_id}' — {report.message}")


@app.command("evaluate")
def evaluate_cmd(
    rules: Annotated[str, typer.Option("--rules", help="linhai | zhejiang_2018 | path of a rule YAML.")],
    firms_file: Annotated[
        Optional[Path],
        typer.Argument(help="Firm annual accounts: CSV, XLSX or Parquet (omit: the stored accounts, --db)."),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Scores CSV to write.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Evaluate this year only.")] = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Score, class and rank firms under a per-mu rule set; write the scores CSV (a file) or store
    the scores as a run (the stored accounts). 亩均效益综合评价。"""
    run_id = None
    if firms_file is not None:
        if out is None:
            raise InputError.at("missing option", column="--out", expected="the scores CSV to write")
        result = evaluate_file(firms_file, rules, year=year)
    else:
        with store_for(db) as store:
            ev = evaluate_stored(store, rules, year=year)
        result, run_id = ev.result, ev.run_id
    frame = write_scores(result, out) if out is not None else result.scores
    shares = result.scores["class"].value_counts(normalize=True)
    head = "类别占比" if lang == "zh" else "class shares"
    console.print(
        f"{result.rules.code} v{result.rules.version}: {len(frame):,} firm-years; {head} "
        + ", ".join(f"{c} {shares.get(c, 0):.1%}" for c in "ABCD")
    )
    for note in result.notes:
        console.print(f"note: {note}")
    if run_id is not None:
        console.print(f"stored run 已保存: {run_id}")
    if out is not None:
        console.print(f"wrote {out}")


@app.command("rules")
def rules_cmd(fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """List the shipped per-mu rule sets. 列出内置的亩均评价规则。"""
    frame = rule_list()
    cols = [
        "code",
        "version",
        "name_zh" if lang == "zh" else "name_en",
        "effective_from",
        "branches",
        "classes",
    ]
    emit(frame[cols], fmt=fmt, lang=lang)
