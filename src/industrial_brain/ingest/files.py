"""Reading user files: format and encoding detection, hashing, one-line errors for unreadable input.

Chinese statistical files often come as GBK/GB18030 CSV or as XLSX; all are read as text first so
that type errors can be reported at their cell.
"""

from __future__ import annotations

import codecs
import hashlib
import warnings
from pathlib import Path

import pandas as pd

from industrial_brain.errors import InputError

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def sha256_file(path: str | Path, chunk: int = 1 << 22) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def file_format(path: Path) -> str:
    """'csv', 'xlsx' or 'parquet' from the file suffix; InputError otherwise."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise InputError.at(
        "unsupported file type",
        file=str(path),
        value=suffix or "(no suffix)",
        expected="a .csv, .xlsx or .parquet file",
    )


def check_readable(path: Path) -> None:
    """Raise a one-line InputError when the path is missing, a directory or empty."""
    if not path.exists():
        raise InputError.at("file not found", file=str(path), expected="an existing file")
    if path.is_dir():
        raise InputError.at("is a directory", file=str(path), expected="a data file")
    if path.stat().st_size == 0:
        raise InputError.at("file is empty", file=str(path), expected="a header line and data rows")


def detect_encoding(path: Path, chunk: int = 1 << 22) -> str:
    """'utf-8-sig' (BOM), 'utf-8' or 'gb18030' (a superset of GBK/GB2312); InputError if none fits.

    Reads incrementally so a large file is never held in memory twice.
    """
    with open(path, "rb") as fh:
        head = fh.read(3)
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        dec = codecs.getincrementaldecoder(enc)()
        line = 1
        try:
            with open(path, "rb") as fh:
                while block := fh.read(chunk):
                    dec.decode(block)
                    line += block.count(b"\n")
                dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError as exc:
            if enc == "gb18030":
                raise InputError.at(
                    "cannot decode text",
                    file=str(path),
                    row=line + exc.object[: exc.start].count(b"\n"),
                    value=exc.object[exc.start : exc.start + 4].hex(" "),
                    expected="UTF-8 (with or without BOM) or GBK/GB18030 text",
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def read_frame(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV, XLSX sheet or Parquet file into a DataFrame of strings (Parquet keeps its types).

    Column names are stripped of surrounding blanks. Blank cells become missing values.
    """
    path = Path(path)
    check_readable(path)
    fmt = file_format(path)
    if fmt == "csv":
        enc = detect_encoding(path)
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        header = _csv_header(path, enc, sep)
        _check_header(header, str(path))
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                df = pd.read_csv(
                    path,
                    dtype=str,
                    encoding=enc,
                    sep=sep,
                    keep_default_na=False,
                    index_col=False,
                    na_values=[""],
                    skipinitialspace=True,
                )
            except pd.errors.EmptyDataError:
                raise InputError.at(
                    "file has no header line", file=str(path), expected="a header line"
                ) from None
            except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
                line = _first_ragged_line(path, enc, sep, len(header))
                raise InputError.at(
                    "malformed CSV",
                    file=str(path),
                    row=line,
                    value=str(exc).strip().splitlines()[-1][:80],
                    expected=f"{len(header)} fields on every line, as in the header",
                ) from None
    elif fmt == "xlsx":
        df = _read_xlsx(path, sheet)
    else:
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise InputError.at(
                "cannot read Parquet file",
                file=str(path),
                value=str(exc).splitlines()[0],
                expected="a valid Parquet file",
            ) from None
    df.columns = [str(c).strip() for c in df.columns]
    _check_header(list(df.columns), str(path))
    if df.empty:
        raise InputError.at("no data rows", file=str(path), expected="at least one row below the header")
    return df


def _csv_header(path: Path, enc: str, sep: str) -> list[str]:
    import csv

    with open(path, encoding=enc, newline="") as fh:
        for row in csv.reader(fh, delimiter=sep):
            if any(cell.strip() for cell in row):
                return [c.strip() for c in row]
    raise InputError.at("file has no header line", file=str(path), expected="a header line")


def _first_ragged_line(path: Path, enc: str, sep: str, width: int) -> int | None:
    import csv

    with open(path, encoding=enc, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            for row in reader:
                if len(row) != width and reader.line_num > 1 and any(c.strip() for c in row):
                    return reader.line_num
        except csv.Error:
            return reader.line_num
    return None


def _check_header(columns: list[str], file: str) -> None:
    if any(c == "" or c.startswith("Unnamed:") for c in columns):
        pos = next(i for i, c in enumerate(columns) if c == "" or c.startswith("Unnamed:"))
        raise InputError.at(
            "blank column name",
            file=file,
            row=1,
            column=f"#{pos + 1}",
            expected="a name in every header cell",
        )
    dup = pd.Index(columns)[pd.Index(columns).duplicated()]
    if len(dup):
        raise InputError.at(
            "duplicate column name", file=file, row=1, column=dup[0], expected="each column name once"
        )


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    from openpyxl import load_workbook
    from zipfile import BadZipFile

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError.at(
            "cannot read XLSX workbook",
            file=str(path),
            value=str(exc).splitlines()[0],
            expected="a valid .xlsx file",
        ) from None
    names = wb.sheetnames
    if sheet is None:
        name = names[0]
    elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        idx = int(sheet)
        if not 0 <= idx < len(names):
            raise InputError.at(
                "no such sheet",
                file=str(path),
                value=sheet,
                expected=f"a sheet index 0..{len(names) - 1} or a name among {names}",
            )
        name = names[idx]
    elif sheet in names:
        name = sheet
    else:
        raise InputError.at("no such sheet", file=str(path), value=sheet, expected=f"one of {names}")
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    rows = [r for r in rows if r is not None and any(v is not None and str(v).strip() != "" for v in r)]
    if not rows:
        raise InputError.at("sheet is empty", file=f"{path}[{name}]", expected="a header row and data rows")
    header = ["" if v is None else str(v) for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    body = [
        [
            None if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            for v in r[: len(header)]
        ]
        for r in rows[1:]
    ]
    return pd.DataFrame(body, columns=header, dtype=object)
