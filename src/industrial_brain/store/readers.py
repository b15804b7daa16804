"""Typed readers: the store's tables as pandas objects ready for the engines.

* :func:`read_panel` — a ``(region_code, year) × indicator`` frame; values that the quality
  screening marked as errors are left out by default (and listed in ``frame.attrs['excluded']``).
* :func:`read_io_table` — an input–output table as labelled matrices (:class:`StoredIOTable`).
* :func:`catalog` and :func:`quality_notes` — what is stored, where from, and what is known about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from industrial_brain._shared.frames import long_to_matrix
from industrial_brain.errors import InputError
from industrial_brain.reference.regions import region_code
from industrial_brain.store.connection import Store
from industrial_brain.store.frames import placeholders


def _in_clause(column: str, values, params: list) -> str:
    return f"{column} IN ({placeholders(values, params)})"


def parse_years(spec: str | None) -> tuple[int, int] | None:
    """``"2015:2022"`` → (2015, 2022); ``"2020"`` → (2020, 2020); ``None`` → ``None``."""
    if spec is None or spec == "":
        return None
    try:
        if ":" in spec:
            a, b = spec.split(":", 1)
            lo, hi = int(a), int(b)
        else:
            lo = hi = int(spec)
    except ValueError:
        raise InputError.at(
            "parameter 'years': bad year range", value=spec, expected="YEAR or FROM:TO, e.g. 2015:2022"
        ) from None
    if lo > hi:
        raise InputError.at("parameter 'years': bad year range", value=spec, expected="FROM ≤ TO")
    return lo, hi


def read_panel(
    store: Store,
    indicators=None,
    regions=None,
    years: tuple[int, int] | str | None = None,
    datasets=None,
    *,
    clean: bool = True,
) -> pd.DataFrame:
    """A panel: rows ``(region_code, year)``, one column per indicator code.

    Parameters
    ----------
    indicators, regions, datasets : iterables of codes/ids, or None for all
        Regions may be given in any spelling :func:`~industrial_brain.reference.regions.region_code` knows.
    years : (from, to) or ``"FROM:TO"``
    clean : leave out values with a quality note of severity ``error`` (default). The excluded values
        and the notes behind them are in ``attrs['excluded']``; all notes on the returned cells in
        ``attrs['notes']``.
    """
    if isinstance(years, str):
        years = parse_years(years)
    params: list = []
    where = ["TRUE"]
    if indicators:
        known = set(store.query("SELECT code FROM indicator")["code"])
        for i in indicators:
            if i not in known:
                raise InputError.at(
                    "parameter 'indicators': unknown indicator",
                    value=i,
                    expected="a registered indicator code (see the catalog)",
                )
        where.append(_in_clause("o.indicator_code", indicators, params))
    if regions:
        codes = []
        for r in regions:
            c = region_code(r)
            if c is None:
                raise InputError.at(
                    "parameter 'regions': unknown region",
                    value=r,
                    expected="a province name or GB/T 2260 code",
                )
            codes.append(c)
        where.append(_in_clause("o.region_code", codes, params))
    if years:
        where.append("o.year BETWEEN ? AND ?")
        params += [int(years[0]), int(years[1])]
    if datasets:
        where.append(_in_clause("o.dataset_id", datasets, params))
    long = store.query(
        "SELECT o.dataset_id, o.region_code, o.indicator_code, o.year::INTEGER AS year, o.value "
        f"FROM observation o WHERE {' AND '.join(where)}",
        params,
    )
    notes = store.query("SELECT * FROM quality_note")
    cell_notes = notes.dropna(subset=["indicator_code"])
    shown = ["dataset_id", "region_code", "indicator_code", "year", "value", "detail"]
    excluded = pd.DataFrame(columns=shown)
    if clean and len(long) and len(cell_notes):
        errs = cell_notes[cell_notes["severity"] == "error"]
        key = ["dataset_id", "indicator_code", "region_code", "year"]
        # a note without region/year applies to all regions/years of that indicator
        m = long.merge(
            errs[key + ["detail"]].assign(year=errs["year"].astype("Int64")),
            on=["dataset_id", "indicator_code"],
            how="inner",
            suffixes=("", "_n"),
        )
        hit = (m["region_code_n"].isna() | (m["region_code_n"] == m["region_code"])) & (
            m["year_n"].isna() | (m["year_n"] == m["year"])
        )
        excluded = m[hit][shown].drop_duplicates(["dataset_id", "region_code", "indicator_code", "year"])
        if len(excluded):
            drop = (
                long.merge(
                    excluded[["dataset_id", "region_code", "indicator_code", "year"]],
                    how="left",
                    indicator=True,
                )["_merge"]
                .eq("both")
                .to_numpy()
            )
            long = long[~drop]
    dup = long.duplicated(["region_code", "indicator_code", "year"], keep=False)
    if dup.any():
        row = long[dup].iloc[0]
        raise InputError.at(
            f"parameter 'datasets': indicator '{row.indicator_code}' is stored by more than one dataset",
            value=", ".join(
                sorted(long[dup & (long.indicator_code == row.indicator_code)].dataset_id.unique())
            ),
            expected="one of them chosen in 'datasets'",
        )
    panel = long.pivot(index=["region_code", "year"], columns="indicator_code", values="value").sort_index()
    panel.columns.name = None
    inds = set(panel.columns)
    panel.attrs["excluded"] = excluded.reset_index(drop=True)
    panel.attrs["notes"] = cell_notes[cell_notes["indicator_code"].isin(inds)].reset_index(drop=True)
    panel.attrs["datasets"] = sorted(long["dataset_id"].unique())
    return panel


@dataclass(frozen=True)
class StoredIOTable:
    """An input–output table from the store as labelled matrices (Miller & Blair symbols).

    ``Z`` intermediate flows (for non-competitive tables the domestic block, with ``Z_imports`` the
    imported block), ``Y`` final demand by category, ``V`` value-added rows, ``x`` gross output,
    ``trade`` the extra columns of provincial tables (OF, IF, IM, ERR), ``sectors`` codes and names.
    """

    table_id: str
    year: int
    region_code: str
    scheme: str
    unit: str
    kind: str
    dataset_id: str
    Z: pd.DataFrame
    Y: pd.DataFrame
    V: pd.DataFrame
    x: pd.Series
    sectors: pd.DataFrame
    trade: pd.DataFrame = field(default_factory=pd.DataFrame)
    Z_imports: pd.DataFrame | None = None
    Y_imports: pd.DataFrame | None = None


def io_tables(store: Store) -> pd.DataFrame:
    """The stored input–output tables (id, year, region, scheme, unit, kind, dataset, size)."""
    return store.query("""SELECT t.*, (SELECT count(*) FROM io_code c WHERE c.table_id = t.table_id
                          AND c.axis = 'col' AND c.role = 'sector') AS sectors
                          FROM io_table t ORDER BY t.table_id""")


def read_io_table(store: Store, table_id: str) -> StoredIOTable:
    """Read one stored table as labelled matrices (see :class:`StoredIOTable`)."""
    meta = store.con.execute("SELECT * FROM io_table WHERE table_id = ?", [table_id]).df()
    if meta.empty:
        ids = store.query("SELECT table_id FROM io_table ORDER BY 1")["table_id"].tolist()
        raise InputError.at(
            "unknown IO table",
            column="table_id",
            value=table_id,
            expected=f"one of {ids[:8]}{' …' if len(ids) > 8 else ''}",
        )
    m = meta.iloc[0]
    codes = store.con.execute(
        "SELECT * FROM io_code WHERE table_id = ? ORDER BY axis, position", [table_id]
    ).df()
    flows = store.con.execute(
        "SELECT row_code, col_code, origin, value FROM io_flow WHERE table_id = ?", [table_id]
    ).df()
    cols = codes[codes.axis == "col"]
    rows = codes[codes.axis == "row"]
    sec = cols[cols.role == "sector"]["code"].tolist()
    fd = cols[cols.role == "final_demand"]["code"].tolist()
    trade_cols = cols[cols.role.isin(["imports", "trade_out", "trade_in", "discrepancy"])]["code"].tolist()
    va = rows[rows.role == "value_added"]["code"].tolist()

    def block(origin_filter, row_codes, col_codes):
        f = flows[
            flows.origin.isin(origin_filter) & flows.row_code.isin(row_codes) & flows.col_code.isin(col_codes)
        ]
        return long_to_matrix(f, row_codes, col_codes)

    product = ["all", "domestic"]
    Z = block(product, sec, sec)
    Y = block(product, sec, fd)
    V = block(["all"], va, sec)
    x = block(product, sec, ["GO"])["GO"] if "GO" in set(cols.code) else Z.sum(axis=0) + V.sum(axis=0)
    trade = block(product, sec, trade_cols) if trade_cols else pd.DataFrame(index=sec)
    Zm = Ym = None
    if m["kind"] == "noncompetitive":
        Zm, Ym = block(["imported"], sec, sec), block(["imported"], sec, fd)
    names = (
        rows[rows.role == "sector"]
        .drop_duplicates("code")
        .set_index("code")[["name_zh", "name_en"]]
        .reindex(sec)
    )
    for frame in (Z, Y, V, trade, *(f for f in (Zm, Ym) if f is not None)):
        frame.index.name, frame.columns.name = "row", "col"
    x.name, x.index.name = "x", "sector"
    names.index.name = "sector"
    return StoredIOTable(
        table_id,
        int(m["year"]),
        m["region_code"],
        m["scheme"],
        m["unit"],
        m["kind"],
        m["dataset_id"],
        Z,
        Y,
        V,
        x,
        names,
        trade,
        Zm,
        Ym,
    )


def catalog(store: Store) -> pd.DataFrame:
    """Datasets with provenance, grade, rows, years covered, missing-value share and number of quality notes.

    The missing share of a panel is ``1 − stored values / (regions × years × indicators)`` over the
    dataset's own regions, years and indicators.
    """
    return store.query("""
        WITH p AS (
          SELECT dataset_id, min(year) AS y0, max(year) AS y1,
                 count(*) AS n, count(DISTINCT region_code) AS nr, count(DISTINCT year) AS ny,
                 count(DISTINCT indicator_code) AS ni
          FROM observation GROUP BY dataset_id),
        t AS (SELECT dataset_id, min(year) AS y0, max(year) AS y1 FROM io_table GROUP BY dataset_id),
        q AS (SELECT dataset_id, count(*) AS notes, count(*) FILTER (WHERE severity = 'error') AS errors
              FROM quality_note GROUP BY dataset_id)
        SELECT d.dataset_id, d.kind, d.title, d.grade, d.rows,
               CASE WHEN coalesce(p.y0, t.y0) IS NULL THEN ''
                    ELSE coalesce(p.y0, t.y0)::VARCHAR || '–' || coalesce(p.y1, t.y1)::VARCHAR END AS years,
               CASE WHEN p.n IS NULL THEN NULL
                    ELSE round(1 - p.n / (p.nr * p.ny * p.ni)::DOUBLE, 4) END AS missing_share,
               coalesce(q.notes, 0) AS notes, coalesce(q.errors, 0) AS errors,
               d.source, d.publisher, d.licence, d.sha256, d.ingested_at
        FROM dataset d LEFT JOIN p USING (dataset_id) LEFT JOIN t USING (dataset_id)
             LEFT JOIN q USING (dataset_id)
        ORDER BY d.ingested_at, d.dataset_id""")


def quality_notes(store: Store, dataset: str | None = None, severity: str | None = None) -> pd.DataFrame:
    """Stored quality notes, optionally for one dataset and/or severity."""
    params: list = []
    where = ["TRUE"]
    if dataset:
        where.append("dataset_id = ?")
        params.append(dataset)
    if severity:
        where.append("severity = ?")
        params.append(severity)
    return store.query(
        f"""SELECT dataset_id, indicator_code, region_code, year, kind, severity, detail,
                           found_by FROM quality_note WHERE {" AND ".join(where)}
                           ORDER BY dataset_id, severity, indicator_code, region_code, year""",
        params,
    )
