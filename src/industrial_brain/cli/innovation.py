"""``ibrain innovation``: the regional innovation chain (R&D → patents → economy) and its efficiency.

* ``efficiency [--year Y|FROM:TO] [--stage rd|economy|overall] [--model ccr|bcc]
  [--orientation input|output]`` — DEA efficiency per province and year, ranked, with peers;
* ``malmquist [--from Y --to Y | --year FROM:TO] [--stage ...] [--orientation ...]`` — Malmquist index
  = efficiency change × technical change, per province, for the given pair or each pair of consecutive years;
* ``chain [--year Y|FROM:TO]`` — the chain measures, ratios and the two-stage (Kao–Hwang) efficiencies.

All take ``--db``, ``--format table|csv|json`` and ``--lang zh|en``; the work is done by
:mod:`industrial_brain.services.innovation` (shared with the API).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, emit, err_console, store_for
from industrial_brain.services.innovation import innovation_chain, innovation_efficiency, innovation_malmquist

app = typer.Typer(
    help="Regional innovation chain: DEA efficiency, Malmquist index, two-stage chain.", no_args_is_help=True
)

YearOpt = Annotated[Optional[str], typer.Option("--year", help="YEAR or FROM:TO (default: all, 2013–2022).")]
StageOpt = Annotated[
    str, typer.Option("--stage", help="rd (R&D → patents) | economy (patents → GRP, profit) | overall")
]
ModelOpt = Annotated[str, typer.Option("--model", help="ccr (constant returns) | bcc (variable returns)")]
OrientOpt = Annotated[str, typer.Option("--orientation", help="input | output")]

EFF_UNITS = {"efficiency": "index", "rank": "count", "year": "year"}
MI_UNITS = {c: "ratio" for c in ("MI", "EC", "TC", "D_t_t", "D_t_t1", "D_t1_t", "D_t1_t1")} | {
    "period_from": "year",
    "period_to": "year",
}


def _notes(notes) -> None:
    for n in notes:
        err_console.print(f"note: {n}")


@app.command("efficiency")
def efficiency_cmd(
    year: YearOpt = None,
    stage: StageOpt = "rd",
    model: ModelOpt = "ccr",
    orientation: OrientOpt = "input",
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """DEA efficiency of each province's innovation chain (one frontier per year), ranked."""
    with store_for(db, read_only=True) as store:
        r = innovation_efficiency(
            store, years=year, stage=stage, model=model, orientation=orientation, lang=lang
        )
    f = r.to_frame(lang="en").sort_values(["year", "rank"])
    _notes(r.notes)
    emit(
        f,
        fmt=fmt,
        lang=lang,
        units=EFF_UNITS,
        title=f"{r.title_zh if lang == 'zh' else r.title_en} — {stage}, {model.upper()}, {orientation}",
    )


@app.command("malmquist")
def malmquist_cmd(
    year: YearOpt = None,
    from_year: Annotated[Optional[int], typer.Option("--from", help="Base year of one pair.")] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", help="Comparison year of one pair.")] = None,
    stage: StageOpt = "rd",
    orientation: OrientOpt = "output",
    db: DbOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = "en",
) -> None:
    """Malmquist productivity index per province: MI = EC (catching up) × TC (frontier shift)."""
    pair = None
    if from_year is not None or to_year is not None:
        if from_year is None or to_year is None:
            raise typer.BadParameter("give both --from and --to")
        pair = (from_year, to_year)
    with store_for(db, read_only=True) as store:
        r = innovation_malmquist(
            store, years=year, pair=pair, stage=stage, orientation=orientation, lang=lang
        )
    _notes(r.notes)
    emit(
        r.to_frame(lang="en"),
        fmt=fmt,
        lang=lang,
        units=MI_UNITS,
        title=f"{r.title_zh if lang == 'zh' else r.title_en} — {stage}",
    )


@app.command("chain")
def chain_cmd(year: YearOpt = None, db: DbOpt = None, fmt: FormatOpt = "table", lang: LangOpt = "en") -> None:
    """The chain per province and year: R&D input → invention patents → GRP and profit, with the
    two-stage (Kao–Hwang) efficiencies and their rank."""
    with store_for(db, read_only=True) as store:
        r = innovation_chain(store, years=year, lang=lang)
    cols = [
        "region_code",
        "name",
        "year",
        "rd_personnel",
        "internal_rd_expenditure_10k_cny",
        "valid_invention_patents",
        "gdp_100m_cny",
        "total_profit_100m_cny",
        "rd_intensity_pct",
        "patents_per_10k_rd_personnel",
        "assimilation_to_import",
        "stage1",
        "stage2",
        "overall",
        "rank",
    ]
    f = r.to_frame(lang="en")[cols].sort_values(["year", "rank"])
    units = {
        "rd_personnel": "count",
        "internal_rd_expenditure_10k_cny": "10^4 CNY",
        "valid_invention_patents": "count",
        "gdp_100m_cny": "10^8 CNY",
        "total_profit_100m_cny": "10^8 CNY",
        "rd_intensity_pct": "ratio",
        "patents_per_10k_rd_personnel": "ratio",
        "assimilation_to_import": "ratio",
        "stage1": "index",
        "stage2": "index",
        "overall": "index",
        "rank": "count",
        "year": "year",
    }
    _notes(r.notes)
    emit(f, fmt=fmt, lang=lang, units=units, title=r.title_zh if lang == "zh" else r.title_en)
