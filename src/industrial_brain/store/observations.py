"""Panel observations (``observation``): the bulk load of a long CSV with its in-DuckDB checks, writes, reads.

The fast panel ingest stages a long UTF-8 CSV straight into ``observation`` inside the ingest's open
transaction and checks the inserted rows in one grouped scan (:func:`series_check`). Whatever the
checks find, the caller decides; a DuckDB error during the load becomes :class:`BulkLoadFailed`, so
that the caller rolls back and reports the exact cell by another road. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import registered

_CSV_SOURCE = (
    "read_csv(?, header=true, columns=?, nullstr='', auto_detect=false, delim=',', quote='\"', escape='\"')"
)


class BulkLoadFailed(Exception):
    """DuckDB refused the bulk load (a NOT NULL constraint, a cast, a malformed line): roll back."""


class SeriesCheck(NamedTuple):
    """What one grouped scan of a dataset's observations found (per series = indicator × region).

    ``unknown`` series of an indicator not registered, ``outside`` series with a value beyond the
    indicator's domain or infinite, ``missing`` rows without a value, ``duplicates`` rows beyond one
    per year, ``rows`` all rows, ``spellings`` the distinct region spellings as stored.
    """

    unknown: int
    outside: int
    missing: int
    duplicates: int
    rows: int
    spellings: list[str]


def _series_sql(year_min: int, year_max: int) -> str:
    """Per series (indicator, region) of one dataset: rows, values, extremes, infinities and distinct years.

    Distinct years are counted exactly with a bitmap of ``year − year_min`` in 64-bit words (the
    load keeps years inside ``[year_min, year_max]``); a series has a duplicated year when it has more
    rows than distinct years.
    """
    words = -(-(year_max - year_min + 1) // 64)
    return (
        "SELECT indicator_code, region_code, count(*) AS n, count(value) AS nv, min(value) AS lo, "
        "max(value) AS hi, bool_or(isinf(value)) AS inf, "
        + " + ".join(
            f"bit_count(bit_or(CASE WHEN (year - {year_min}) // 64 = {w} "
            f"THEN 1::UBIGINT << ((year - {year_min}) % 64)::UBIGINT ELSE 0::UBIGINT END))::INTEGER"
            for w in range(words)
        )
        + " AS years FROM observation WHERE dataset_id = ? GROUP BY indicator_code, region_code"
    )


@contextmanager
def bulk_load(store: Store) -> Iterator[None]:
    """Let DuckDB write in parallel for the block; any DuckDB error inside raises :class:`BulkLoadFailed`.

    Call inside the ingest's transaction: after a failure the transaction is aborted and only the
    caller's rollback is left to do.
    """
    con = store.con
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    except duckdb.Error:
        raise BulkLoadFailed from None
    finally:
        try:
            con.execute("SET preserve_insertion_order = true")
        except duckdb.Error:  # the transaction is aborted; the setting is per connection and harmless
            pass


def load_long_csv(
    store: Store, path: str | Path, columns: Mapping[str, str], dataset_id: str, *, years: tuple[int, int]
) -> None:
    """Insert a long UTF-8 CSV (``region, year, indicator, value``) as observations of ``dataset_id``.

    ``columns`` maps ``region``, ``year``, ``indicator`` and ``value`` to the file's header names.
    One pass reads and writes; the NOT NULL constraints reject blank regions and indicators, and a
    year outside ``years`` or with a fraction becomes NULL and is rejected too (raise: DuckDB error).
    Indicator codes are trimmed; region spellings are stored as found (see :func:`recode_regions`).
    """
    lo, hi = years
    types = {columns[k]: "VARCHAR" for k in ("region", "year", "indicator", "value")}
    r, y, i, v = (f'"{columns[k]}"' for k in ("region", "year", "indicator", "value"))
    # Years and values are read as text and cast only when written as the ingest rules say (years in
    # digits, values as plain or scientific decimals). DuckDB's own casts are more lenient (2e3 and
    # +2015 as years, 1_000, NaN, inf), so those are caught with cheap substring and finiteness tests
    # rather than a regular expression per row; anything refused fails the load (a NULL year breaks
    # NOT NULL, a bad value a cast), and the caller's slower path reports the exact cell.
    ylike = " OR ".join(f"contains(s.{y}, '{ch}')" for ch in ("e", "E", "_", "+", "x", "X"))
    store.con.execute(
        f"""
        INSERT INTO observation
        SELECT ?, s.{r}, trim(s.{i}),
               CASE WHEN s._y BETWEEN {int(lo)} AND {int(hi)} AND s._y = floor(s._y) AND NOT ({ylike})
                    THEN s._y::SMALLINT END,
               CASE WHEN s.{v} IS NULL THEN NULL
                    WHEN isfinite(s._v) AND NOT contains(s.{v}, '_') THEN s._v
                    ELSE 'not a number'::DOUBLE END
        FROM (SELECT *, {y}::DOUBLE AS _y, {v}::DOUBLE AS _v FROM {_CSV_SOURCE}) s""",
        [dataset_id, str(path), types],
    )


def series_check(
    store: Store, dataset_id: str, indicators: pd.DataFrame, *, years: tuple[int, int]
) -> SeriesCheck:
    """One scan of a dataset's observations against the indicators (``code, min_value, max_value``).

    ``years`` is the year range the load allowed (for the exact distinct-year count).
    """
    with registered(store, "_ind", indicators[["code", "min_value", "max_value"]]):
        row = store.con.execute(
            f"""
            WITH g AS ({_series_sql(*years)})
            SELECT count(*) FILTER (WHERE d.code IS NULL),
                   count(*) FILTER (WHERE (d.min_value IS NOT NULL AND g.lo < d.min_value)
                                       OR (d.max_value IS NOT NULL AND g.hi > d.max_value) OR g.inf),
                   sum(g.n - g.nv), sum(g.n - g.years), sum(g.n), list(DISTINCT g.region_code)
            FROM g LEFT JOIN _ind d ON g.indicator_code = d.code""",
            [dataset_id],
        ).fetchall()[0]
    unknown, outside, missing, dup, total, spellings = row
    return SeriesCheck(
        int(unknown), int(outside), int(missing or 0), int(dup or 0), int(total or 0), list(spellings or [])
    )


def recode_regions(store: Store, dataset_id: str, mapping: Mapping[str, str]) -> None:
    """Replace region spellings by codes (``spelling → code``) in a dataset's observations."""
    frame = pd.DataFrame({"spelling": list(mapping), "code": list(mapping.values())})
    with registered(store, "_region_map", frame):
        store.con.execute(
            """UPDATE observation SET region_code = m.code FROM _region_map m
                             WHERE observation.dataset_id = ? AND observation.region_code = m.spelling""",
            [dataset_id],
        )


def duplicate_years(store: Store, dataset_id: str, *, years: tuple[int, int]) -> int:
    """Rows of a dataset beyond one per (indicator, region, year)."""
    n = store.con.execute(
        f"WITH g AS ({_series_sql(*years)}) SELECT sum(n - years) FROM g", [dataset_id]
    ).fetchall()[0][0]
    return int(n or 0)


def delete_missing(store: Store, dataset_id: str) -> None:
    """Delete a dataset's observations that carry no value."""
    store.con.execute("DELETE FROM observation WHERE dataset_id = ? AND value IS NULL", [dataset_id])


def insert_observations(store: Store, dataset_id: str, frame: pd.DataFrame) -> None:
    """Insert validated observations (``region_code, indicator_code, year, value``) of one dataset."""
    with registered(store, "_obs_df", frame) as name:
        store.con.execute(
            "INSERT INTO observation "
            f"SELECT ?, region_code, indicator_code, year::SMALLINT, value FROM {name}",
            [dataset_id],
        )


def observations(store: Store, dataset_id: str) -> pd.DataFrame:
    """A dataset's observations, long: ``region_code, indicator_code, year`` (int64), ``value``."""
    obs = store.query(
        "SELECT region_code, indicator_code, year, value FROM observation WHERE dataset_id = ?", [dataset_id]
    )
    obs["year"] = obs["year"].astype("int64")
    return obs


def indicator_coverage(store: Store) -> pd.DataFrame:
    """Indicators with names, unit, direction, dimension, price basis and, per dataset holding values,
    the first and last year and the number of regions (ordered by code and dataset)."""
    return store.query(
        "SELECT i.code, i.name_zh, i.name_en, i.unit, i.direction, i.dimension, i.price_basis, o.dataset_id, "
        "o.year_min, o.year_max, o.regions FROM indicator i JOIN (SELECT indicator_code, dataset_id, "
        "min(year)::INTEGER AS year_min, max(year)::INTEGER AS year_max, "
        "count(DISTINCT region_code) AS regions FROM observation GROUP BY ALL) o "
        "ON o.indicator_code = i.code "
        "ORDER BY i.code, o.dataset_id"
    )
