"""Firm-to-firm transactions: the one reader and writer of ``transaction``, and the in-database checks
of a transaction file before it is stored.

A transaction file may hold hundreds of millions of rows, so it is never read into pandas: DuckDB
stages it in a temporary table (``rowid`` keeps the file's order) and every check below is one
vectorised query returning the first offending rows and how many there are. The ingest
(:mod:`industrial_brain.ingest.transactions`) turns a finding into its one-line error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.store.connection import Store

#: Columns of ``transaction``, in order (``date`` is a DATE, ``amount_cny`` in yuan).
TRANSACTION_COLUMNS = (
    "record_id",
    "seller_uscc",
    "buyer_uscc",
    "date",
    "amount_cny",
    "product_code",
    "dataset_id",
)
REQUIRED = ("record_id", "seller_uscc", "buyer_uscc", "date", "amount_cny")
STAGE = "_stage_transaction"

_CODE = "upper(trim(CAST({c} AS VARCHAR)))"
_AMOUNT = "TRY_CAST(amount_cny AS DOUBLE)"
_DATE = "TRY_CAST(date AS DATE)"
#: A date as text: ISO ``YYYY-MM-DD``, optionally followed by a time (a timestamp's day counts).
_ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?"


@dataclass(frozen=True)
class Finding:
    """The first offending row of one check: ``row`` (file row; the header is row 1), the ``value``
    found, the ``other_row`` it clashes with (duplicates), and ``count`` of rows failing the check."""

    check: str
    column: str
    row: int
    value: object
    count: int
    other_row: int | None = None


@contextmanager
def staged(store: Store, path: Path, fmt: str) -> Iterator[list[str]]:
    """Stage a CSV (all columns as text) or Parquet file as the temporary table :data:`STAGE`;
    yields its column names (lower-cased, trimmed). Dropped at the end of the block."""
    src = "read_csv(?, all_varchar = true, header = true)" if fmt == "csv" else "read_parquet(?)"
    try:
        store.con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT * FROM {src}", [str(path)])
    except duckdb.Error as exc:
        raise InputError.at(
            "cannot read the file",
            file=str(path),
            value=str(exc).splitlines()[0][:120],
            expected="a UTF-8 CSV with a header line, or a Parquet file",
        ) from None
    try:
        cols = [r[0] for r in store.con.execute(f"DESCRIBE {STAGE}").fetchall()]
        renames = {c: c.strip().lower() for c in cols if c != c.strip().lower()}
        for old, new in renames.items():
            store.con.execute(f'ALTER TABLE {STAGE} RENAME COLUMN "{old}" TO "{new}"')
        yield [renames.get(c, c) for c in cols]
    finally:
        store.con.execute(f"DROP TABLE IF EXISTS {STAGE}")


def staged_rows(store: Store) -> int:
    """Rows in the staged file."""
    return int(store.con.execute(f"SELECT count(*) FROM {STAGE}").fetchone()[0])


def _first(store: Store, check: str, column: str, where: str, value: str, params=None) -> Finding | None:
    row = store.con.execute(
        f"SELECT rowid + 2, CAST({value} AS VARCHAR), count(*) OVER () FROM {STAGE} s "
        f"WHERE {where} ORDER BY rowid LIMIT 1",
        params or [],
    ).fetchone()
    return Finding(check, column, int(row[0]), row[1], int(row[2])) if row else None


def _pair(store: Store, check: str, column: str, join: str, params=None) -> Finding | None:
    """The first row (b) that repeats an earlier one (a) under the condition ``join``."""
    row = store.con.execute(
        f"SELECT b.rowid + 2, CAST(b.{column} AS VARCHAR), a.rowid + 2, count(*) OVER () "
        f"FROM {STAGE} a JOIN {STAGE} b ON {join} AND a.rowid < b.rowid "
        "QUALIFY row_number() OVER (PARTITION BY b.rowid ORDER BY a.rowid) = 1 ORDER BY b.rowid LIMIT 1",
        params or [],
    ).fetchone()
    return Finding(check, column, int(row[0]), row[1], int(row[3]), int(row[2])) if row else None


def check_staged(
    store: Store, *, period: tuple[str | None, str | None] = (None, None), replacing: str | None = None
) -> Iterator[Finding]:
    """Every failing check of the staged file, in this order: blank required cells; amounts that are
    not numbers, NaN or infinite, zero or negative; dates that are not dates or fall outside
    ``period`` (inclusive ISO dates, either end open); self-trade; a seller or buyer not in ``firm``
    (``unknown_seller`` / ``unknown_buyer``: the caller tells a malformed code from an unregistered
    one); a record id twice in the file or already stored; a record repeated with seller and buyer
    swapped (same date and amount) in the file or against the stored records (those of dataset
    ``replacing`` left out: they are about to be replaced). A generator: the caller may stop at the
    first finding."""
    for c in REQUIRED:
        f = _first(store, "blank", c, f"{c} IS NULL OR trim(CAST({c} AS VARCHAR)) = ''", "NULL")
        if f:
            yield f
    yield from filter(
        None,
        (
            _first(store, "amount_not_number", "amount_cny", f"{_AMOUNT} IS NULL", "amount_cny"),
            _first(store, "amount_not_finite", "amount_cny", f"NOT isfinite({_AMOUNT})", "amount_cny"),
            _first(store, "amount_not_positive", "amount_cny", f"{_AMOUNT} <= 0", "amount_cny"),
            _first(
                store,
                "date_not_date",
                "date",
                f"{_DATE} IS NULL OR NOT regexp_full_match(trim(CAST(date AS VARCHAR)), '{_ISO_DATE}')",
                "date",
            ),
        ),
    )
    start, end = period
    if start is not None or end is not None:
        f = _first(
            store,
            "date_outside_period",
            "date",
            f"{_DATE} < COALESCE(CAST(? AS DATE), {_DATE}) OR {_DATE} > COALESCE(CAST(? AS DATE), {_DATE})",
            "date",
            [start, end],
        )
        if f:
            yield f
    seller, buyer = _CODE.format(c="seller_uscc"), _CODE.format(c="buyer_uscc")
    f = _first(store, "self_trade", "buyer_uscc", f"{seller} = {buyer}", "buyer_uscc")
    if f:
        yield f
    for col, code in (("seller_uscc", seller), ("buyer_uscc", buyer)):
        f = _first(
            store,
            "unknown_" + col.split("_")[0],
            col,
            f"NOT EXISTS (SELECT 1 FROM firm f WHERE f.uscc = {code})",
            col,
        )
        if f:
            yield f
    rid = "trim(CAST({t}.record_id AS VARCHAR))"
    f = _pair(store, "duplicate_record_id", "record_id", f"{rid.format(t='a')} = {rid.format(t='b')}")
    if f:
        yield f
    f = _first(
        store,
        "record_id_stored",
        "record_id",
        f'EXISTS (SELECT 1 FROM "transaction" t WHERE t.record_id = {rid.format(t="s")} '
        "AND t.dataset_id IS DISTINCT FROM ?)",
        "record_id",
        [replacing],
    )
    if f:
        yield f
    a_s, a_b = _CODE.format(c="a.seller_uscc"), _CODE.format(c="a.buyer_uscc")
    b_s, b_b = _CODE.format(c="b.seller_uscc"), _CODE.format(c="b.buyer_uscc")
    swapped = (
        f"{a_s} = {b_b} AND {a_b} = {b_s} AND TRY_CAST(a.date AS DATE) = TRY_CAST(b.date AS DATE) "
        "AND TRY_CAST(a.amount_cny AS DOUBLE) = TRY_CAST(b.amount_cny AS DOUBLE)"
    )
    f = _pair(store, "swapped_duplicate", "seller_uscc", swapped)
    if f:
        yield f
    f = _first(
        store,
        "swapped_stored",
        "seller_uscc",
        f'EXISTS (SELECT 1 FROM "transaction" t WHERE t.seller_uscc = {_CODE.format(c="s.buyer_uscc")} '
        f"AND t.buyer_uscc = {_CODE.format(c='s.seller_uscc')} AND t.date = TRY_CAST(s.date AS DATE) "
        "AND t.amount_cny = TRY_CAST(s.amount_cny AS DOUBLE) AND t.dataset_id IS DISTINCT FROM ?)",
        "seller_uscc",
        [replacing],
    )
    if f:
        yield f


def insert_staged(store: Store, dataset_id: str, has_product: bool) -> int:
    """Write the staged (checked) file into ``transaction`` under ``dataset_id``; returns the rows
    written. Codes are trimmed and upper-cased, dates and amounts cast. Call inside a transaction."""
    product = "NULLIF(trim(CAST(product_code AS VARCHAR)), '')" if has_product else "NULL"
    store.con.execute(
        f'INSERT INTO "transaction" ({", ".join(TRANSACTION_COLUMNS)}) '
        f"SELECT trim(CAST(record_id AS VARCHAR)), {_CODE.format(c='seller_uscc')}, "
        f"{_CODE.format(c='buyer_uscc')}, CAST(date AS DATE), CAST(amount_cny AS DOUBLE), {product}, ? "
        f"FROM {STAGE} ORDER BY rowid",
        [dataset_id],
    )
    return staged_rows(store)


def transactions(store: Store, *, uscc: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Stored transactions (:data:`TRANSACTION_COLUMNS`), by date and record id; ``uscc``: those where
    the firm sells or buys; ``year``: of that calendar year."""
    where, params = [], []
    if uscc is not None:
        where.append("(seller_uscc = ? OR buyer_uscc = ?)")
        params += [uscc, uscc]
    if year is not None:
        where.append("year(date) = ?")
        params.append(int(year))
    sql = f'SELECT {", ".join(TRANSACTION_COLUMNS)} FROM "transaction"'
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query(sql + " ORDER BY date, record_id", params)


def transaction_years(store: Store) -> list[int]:
    """Calendar years with stored transactions, ascending."""
    rows = store.con.execute('SELECT DISTINCT year(date) y FROM "transaction" ORDER BY y').fetchall()
    return [int(r[0]) for r in rows]


def export_network_parquet(store: Store, directory: Path) -> dict[str, Path]:
    """Write ``firm`` and ``transaction`` as Parquet files in ``directory`` (for an engine that reads
    files, e.g. Spark); returns ``{'firm': path, 'transaction': path}``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for table in ("firm", "transaction"):
        path = directory / f"{table}.parquet"
        store.con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{_quoted(path)}' (FORMAT parquet)")
        out[table] = path
    return out


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
