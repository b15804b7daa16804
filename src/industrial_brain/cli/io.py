"""``ibrain io`` (input–output analysis) and ``ibrain chain`` (the industrial chain graph).

Two Typer apps, attached in ``cli/main.py`` with::

    from industrial_brain.cli.io import chain_app, io_app
    app.add_typer(io_app, name="io")
    app.add_typer(chain_app, name="chain")

Every command takes ``--table`` (a stored table id such as ``cn_nbs_io_2020_42``,
``cn_prov_io_2017_42_110000``, or ``cn_mrio_2017`` for the constructed 31-province MRIO), ``--out``
(.csv/.xlsx/.parquet; ``chain`` also .graphml/.json for the graph), ``--db``, ``--lang`` and ``--format``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, FormatOpt, LangOpt, console, emit, store_for, write_out
from industrial_brain.errors import InputError
from industrial_brain.services.io import (
    CHOKEPOINT_LABELS_ZH,
    MRIO_ID,
    NATIONAL_42,
    chain,
    chokepoint_users,
    chokepoints_frame,
    import_chokepoints,
    digital_national,
    digital_provinces,
    digital_spillover,
    load_table,
    mrio,
    mrio_summary,
    national_comparison,
    save_mrio,
    sector_names,
    structural_hubs_frame,
    table_key_sectors,
    table_multipliers,
    table_overview,
    tree_frame,
)

io_app = typer.Typer(
    help="Input–output analysis 投入产出分析: multipliers, key sectors, digital integration, MRIO.",
    no_args_is_help=True,
)
chain_app = typer.Typer(
    help="Industrial chain graph 产业链网络: upstream/downstream trees, chokepoints (import dependence), "
    "structural hubs.",
    no_args_is_help=True,
)
#: The module's main app (convention of ``cli/<domain>.py``): the ``io`` group.
app = io_app

DEFAULT_TABLE = "cn_nbs_io_2020_42"
GRAPH_SUFFIXES = (".graphml", ".json")
TableOpt = Annotated[
    str, typer.Option("--table", help="Table id (ibrain show io), or cn_mrio_2017 for the MRIO.")
]
OutOpt = Annotated[
    Optional[Path], typer.Option("--out", help="Write to .csv/.xlsx/.parquet instead of printing.")
]
BasisOpt = Annotated[
    str, typer.Option("--basis", help="domestic (default: domestic block / import-share split) | total")
]
RuleOpt = Annotated[str, typer.Option("--rule", help="Significant links: important | relative | absolute")]
ThresholdOpt = Annotated[
    Optional[float], typer.Option("--threshold", help="Rule threshold (default 20 % | 0.05 | 0.01).")
]
DigitalTablesOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--table",
        help="Table id (repeat); default the national 2017/2018/2020 tables; 'provinces' for the 31 "
        "provincial tables.",
    ),
]
DigitalBasisOpt = Annotated[
    str, typer.Option("--basis", help="total (domestic + imported digital inputs) | domestic")
]
SectorsOpt = Annotated[str, typer.Option("--sectors", help="Digital sector codes, comma-separated.")]
SpilloverOpt = Annotated[
    bool, typer.Option("--spillover", help="Interprovincial spillover of digital demand (MRIO).")
]
SectorOpt = Annotated[
    str, typer.Option("--sector", help="Sector code, e.g. 31 (MRIO: region:sector, 110000:31).")
]


#: Columns printed as unitless ratios (multipliers, coefficients, linkages, centralities): four decimals.
RATIO_COLUMNS = (
    "output",
    "income",
    "income_typeI",
    "backward",
    "forward",
    "direct",
    "total",
    "weight",
    "path_weight",
    "betweenness",
    "pagerank",
    "intra_multiplier",
    "spillover_multiplier",
)
#: Columns printed as shares (fractions, shown in percent).
SHARE_COLUMNS = ("share_intermediate", "share_total", "spillover_share")
#: Columns in the unit of the table (money).
MONEY_COLUMNS = (
    "x",
    "value_added",
    "final_demand",
    "loss_total",
    "OF",
    "IF",
    "OF_target",
    "IF_target",
    "outflows",
    "inflows",
    "for_own_demand",
    "for_other_regions",
    "for_exports",
    "demand",
    "induced_output",
    "digital_demand",
)


def _units(frame: pd.DataFrame, money: str | None = None, *, ratios: tuple[str, ...] = ()) -> dict[str, str]:
    """Units of the columns of an IO or chain table: ratios (:data:`RATIO_COLUMNS` and ``ratios``),
    shares and, given ``money`` (the table's unit), amounts (:data:`MONEY_COLUMNS`)."""
    units = {c: "ratio" for c in (*RATIO_COLUMNS, *ratios)} | {c: "share" for c in SHARE_COLUMNS}
    if (
        money is not None
    ):  # "10^4 CNY (current producer prices)": the money unit, the price basis in the title
        units |= {c: money.split(" (")[0] for c in MONEY_COLUMNS if c not in ratios}
    return {c: u for c, u in units.items() if c in frame.columns}


def _show(
    frame: pd.DataFrame, *, out: Path | None, fmt: str, lang: str, title: str, units: dict[str, str]
) -> None:
    if out is not None:
        write_out(frame, out)
        console.print(f"wrote 已写出 {len(frame)} rows → {out}")
    else:
        emit(frame, fmt=fmt, lang=lang, title=title, units=units)


def _by_sector(db: Path | None, table: str, lang: str, compute) -> tuple[pd.DataFrame, str]:
    """``compute(store)`` (a frame indexed by sector) with sector names, and the table's unit."""
    with store_for(db, read_only=True) as store:
        frame = _with_names(compute(store), store, table, lang)
        return frame, load_table(store, table).unit


def _with_names(frame: pd.DataFrame, store, table: str, lang: str) -> pd.DataFrame:
    """Frame indexed by sector code → columns ``sector``, ``name``, …"""
    f = frame.copy()
    if "name" in f.columns:
        f = f.drop(columns="name")
    names = sector_names(store, table, lang)
    f.index = f.index.map(lambda c: c if isinstance(c, tuple) else str(c))
    mrio = isinstance(f.index, pd.MultiIndex)
    f = f.reset_index()
    first = f.columns[0]
    key = f["sector"] if mrio else f[first]
    f.insert(2 if mrio else 1, "name", key.map(names).fillna(""))
    return f if mrio else f.rename(columns={first: "sector"})


def _sector_command(name: str, help_text: str, compute, title: str, *, ratios: tuple[str, ...] = ()) -> None:
    """Register ``ibrain io <name>``: the frame ``compute(store, table, basis)`` (indexed by sector) with the
    sector names, printed with its units or written to ``--out``; ``title`` is formatted with ``table``
    and ``basis``."""

    def command(
        table: TableOpt = DEFAULT_TABLE,
        out: OutOpt = None,
        db: DbOpt = None,
        lang: LangOpt = "en",
        fmt: FormatOpt = "table",
        basis: BasisOpt = "domestic",
    ) -> None:
        f, unit = _by_sector(db, table, lang, lambda store: compute(store, table, basis))
        shown = title.format(table=table, basis=basis)
        _show(f, out=out, fmt=fmt, lang=lang, title=shown, units=_units(f, unit, ratios=ratios))

    io_app.command(name, help=help_text)(command)


_sector_command(
    "summary",
    "Output, value added, final demand, output multiplier and linkages by sector. 投入产出概览。",
    lambda store, table, basis: table_overview(store, table, basis=basis),
    "{table} ({basis})",
)
_sector_command(
    "multipliers",
    "Output, value-added and income multipliers (type I) by sector. 乘数。",
    lambda store, table, basis: table_multipliers(store, table, basis=basis).table,
    "Multipliers 乘数 — {table} ({basis})",
    ratios=("value_added",),
)


@io_app.command("key-sectors")
def io_key_sectors(
    table: TableOpt = DEFAULT_TABLE,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    basis: BasisOpt = "domestic",
    threshold: Annotated[float, typer.Option("--threshold", help="Linkage threshold (default 1).")] = 1.0,
) -> None:
    """Rasmussen–Hirschman linkages and the four-quadrant key-sector classification. 关键部门。"""
    # files keep the English column names and quadrant codes; the screen shows them in ``lang``
    f, _ = _by_sector(
        db,
        table,
        lang,
        lambda store: table_key_sectors(store, table, basis=basis, threshold=threshold).to_frame(
            lang if out is None else "en"
        ),
    )
    _show(f, out=out, fmt=fmt, lang=lang, title=f"Key sectors 关键部门 — {table}", units=_units(f))


@io_app.command("digital")
def io_digital(
    table: DigitalTablesOpt = None,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    basis: DigitalBasisOpt = "total",
    sectors: SectorsOpt = "20,31",
    spillover: SpilloverOpt = False,
) -> None:
    """Direct and total digital input coefficients by sector (数实融合, industry level). 数字投入系数。"""
    digital = [s.strip() for s in sectors.split(",") if s.strip()]
    with store_for(db, read_only=True) as store:
        if spillover:
            f = digital_spillover(store, digital=digital)
            unit = load_table(store, MRIO_ID).unit
            title = "Spillover of digital demand 数字需求的省际溢出 (MRIO 2017)"
        elif table == ["provinces"]:
            f = digital_provinces(store, digital=digital, basis=basis, lang=lang)
            unit = None
            title = f"Digital input coefficients 数字投入系数 — 31 provinces 2017 ({basis})"
        else:
            ids = table or list(NATIONAL_42)
            res = digital_national(store, table_ids=ids, digital=digital, basis=basis, lang=lang)
            parts = []
            for tid, r in res.items():
                t = r.table.reset_index()
                t.insert(0, "table", tid)
                parts.append(t)
            f = pd.concat(parts, ignore_index=True)
            unit = None
            title = f"Digital input coefficients 数字投入系数 ({basis}; digital = {', '.join(digital)})"
    _show(f, out=out, fmt=fmt, lang=lang, title=title, units=_units(f, unit))


@io_app.command("mrio")
def io_mrio(
    table: TableOpt = "cn_mrio_2017",
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    beta: Annotated[float, typer.Option("--beta", help="Distance elasticity of the gravity prior.")] = 1.0,
    reconcile: Annotated[str, typer.Option("--reconcile", help="mean | outflows | inflows")] = "mean",
    save: Annotated[bool, typer.Option("--save", help="Store the trade flows as an analysis run.")] = False,
) -> None:
    """Build the 31-province MRIO of 2017 and summarise it by province. 多区域投入产出表。"""
    if table != MRIO_ID:
        raise InputError.at(
            "only the constructed MRIO is available", column="--table", value=table, expected=MRIO_ID
        )
    with store_for(db, read_only=not save) as store:
        res = mrio(store, beta=beta, reconcile=reconcile)
        f, _ = mrio_summary(store, res)
        comp = national_comparison(store, res)
        run_id = save_mrio(store, res) if save else None
    f = f.drop(columns="name_zh" if lang == "en" else "name_en").reset_index()
    title = "MRIO 2017 by province 分省多区域投入产出表"
    _show(f, out=out, fmt=fmt, lang=lang, title=title, units=_units(f, res.table.unit))
    if fmt == "table" and out is None:
        checks = {**res.checks, **{f"national:{k}": v for k, v in comp.items()}}
        emit(
            pd.DataFrame({"check": list(checks), "value": list(checks.values())}),
            lang=lang,
            title="Checks 校验",
        )
    if run_id:
        console.print(f"stored 已保存 run {run_id}")


def _graph_out(g, out: Path | None) -> bool:
    """Write the graph itself when ``--out`` ends in .graphml or .json; return True if done."""
    if out is None or out.suffix.lower() not in GRAPH_SUFFIXES:
        return False
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(g.to_graphml() if out.suffix.lower() == ".graphml" else g.to_json(), encoding="utf-8")
    console.print(
        f"wrote 已写出 graph 网络 ({g.graph.number_of_nodes()} nodes, "
        f"{g.graph.number_of_edges()} edges) → {out}"
    )
    return True


@chain_app.command("tree")
def chain_tree(
    sector: SectorOpt,
    depth: Annotated[int, typer.Option("--depth", help="Levels of suppliers/buyers.")] = 3,
    direction: Annotated[str, typer.Option("--direction", help="upstream | downstream")] = "upstream",
    table: TableOpt = DEFAULT_TABLE,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    rule: RuleOpt = "important",
    threshold: ThresholdOpt = None,
) -> None:
    """Upstream (suppliers) or downstream (buyers) tree of a sector. 产业链上下游树。"""
    with store_for(db, read_only=True) as store:
        g = chain(
            store,
            table,
            rule=rule,
            threshold=threshold,
            lang=lang,
            centralities=out is not None and out.suffix.lower() in GRAPH_SUFFIXES,
        )
    if _graph_out(g, out):
        return
    f = tree_frame(g, sector, depth=depth, direction=direction)
    title = f"{direction} tree of {sector} (depth {depth}, rule {g.rule})"
    _show(f, out=out, fmt=fmt, lang=lang, title=title, units=_units(f) | {"depth": "count"})


@chain_app.command("chokepoints")
def chain_chokepoints(
    table: TableOpt = DEFAULT_TABLE,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    rule: RuleOpt = "important",
    threshold: ThresholdOpt = None,
    top: Annotated[int, typer.Option("--top", help="Number of sectors (0 = all).")] = 15,
    sector: Annotated[
        Optional[str],
        typer.Option("--sector", help="Show one product's output at risk by using sector instead."),
    ] = None,
) -> None:
    """Chokepoints 卡脖子环节: import share of supply × output at risk (Ghosh, domestic table).

    Ranked first to last; ``--format csv`` has the sector codes in its first column ``sector``. The
    centrality ranking this command showed before is ``ibrain chain hubs``; ``--out`` ending in
    .graphml/.json still writes the chain graph (built with ``--rule``/``--threshold``).
    """
    if out is not None and out.suffix.lower() in GRAPH_SUFFIXES:
        with store_for(db, read_only=True) as store:
            g = chain(store, table, rule=rule, threshold=threshold, lang=lang)
        _graph_out(g, out)
        return
    with store_for(db, read_only=True) as store:
        res = import_chokepoints(store, table)
    units = res.units
    if sector is not None:
        f = chokepoint_users(res, sector, top=top or None, lang=lang)
        title = (
            f"Output at risk from imports of {sector} by using sector 进口风险产出（按使用部门） — {table}"
        )
        units = {c: u for c, u in units.items() if c in f.columns} | {
            "imported_use": units["x"],
            "ghosh_multiplier": "ratio",
            "share_of_product": "share",
        }
        _show_zh(f, out=out, fmt=fmt, lang=lang, title=title, units=units)
        return
    f = chokepoints_frame(res, top or None, lang=lang)
    title = f"Chokepoints 卡脖子环节 — {table}: import share × output at risk"
    _show_zh(f, out=out, fmt=fmt, lang=lang, title=title, units=units)


def _show_zh(frame: pd.DataFrame, *, out, fmt: str, lang: str, title: str, units: dict[str, str]) -> None:
    """:func:`_show` with the chokepoint columns in Chinese for ``lang='zh'`` (``sector``/``user`` are
    localised by ``emit``; files written with ``--out`` keep the English keys)."""
    units = {c: u for c, u in units.items() if c in frame.columns}
    if lang == "zh" and out is None:
        ren = {k: v for k, v in CHOKEPOINT_LABELS_ZH.items() if k not in ("sector", "user")}
        frame = frame.rename(columns=ren)
        units = {ren.get(c, c): u for c, u in units.items()}
    _show(frame, out=out, fmt=fmt, lang=lang, title=title, units=units)


@chain_app.command("hubs")
def chain_hubs(
    table: TableOpt = DEFAULT_TABLE,
    out: OutOpt = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
    fmt: FormatOpt = "table",
    rule: RuleOpt = "important",
    threshold: ThresholdOpt = None,
    top: Annotated[int, typer.Option("--top", help="Number of sectors (0 = all).")] = 15,
) -> None:
    """Structural hubs 结构枢纽部门: sectors ranked by hypothetical-extraction loss and betweenness."""
    with store_for(db, read_only=True) as store:
        g = chain(store, table, rule=rule, threshold=threshold, lang=lang)
        unit = load_table(store, table).unit
    if _graph_out(g, out):
        return
    f = structural_hubs_frame(g, top or None)
    title = f"Structural hubs 结构枢纽部门 — {table} (rule {g.rule})"
    _show(f, out=out, fmt=fmt, lang=lang, title=title, units=_units(f, unit))
