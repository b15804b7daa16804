"""``ibrain mu``: the per-mu efficiency evaluation (亩均效益综合评价) of firms on files.

``ibrain mu evaluate FIRMS_FILE --rules linhai|zhejiang_2018|PATH [--year Y] --out scores.csv``
scores every firm-year of a CSV/XLSX/Parquet file of annual accounts and writes ``uscc, year, score,
class`` (then branch, rank, last year's class and change, each indicator's value and points).

``ibrain mu rules`` lists the shipped rule sets.

The work is done by :mod:`industrial_brain.services.per_mu`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import FormatOpt, LangOpt, console, emit
from industrial_brain.services.per_mu import evaluate_file, rule_list, write_scores

app = typer.Typer(help="Per-mu efficiency evaluation (亩均效益综合评价) of firms.", no_args_is_help=True)


@app.command("evaluate")
def evaluate_cmd(
    firms_file: Annotated[Path, typer.Argument(help="Firm annual accounts: CSV, XLSX or Parquet.")],
    rules: Annotated[str, typer.Option("--rules", help="linhai | zhejiang_2018 | path of a rule YAML.")],
    out: Annotated[Path, typer.Option("--out", help="Scores CSV to write.")],
    year: Annotated[Optional[int], typer.Option("--year", help="Evaluate this year only.")] = None,
    lang: LangOpt = "en",
) -> None:
    """Score, class and rank firms under a per-mu rule set; write the scores CSV. 亩均效益综合评价。"""
    result = evaluate_file(firms_file, rules, year=year)
    frame = write_scores(result, out)
    shares = result.scores["class"].value_counts(normalize=True)
    head = "类别占比" if lang == "zh" else "class shares"
    console.print(
        f"{result.rules.code} v{result.rules.version}: {len(frame):,} firm-years; {head} "
        + ", ".join(f"{c} {shares.get(c, 0):.1%}" for c in "ABCD")
    )
    for note in result.notes:
        console.print(f"note: {note}")
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
