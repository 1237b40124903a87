"""Read a spreadsheet as a user made it: CSV (comma or semicolon, UTF-8 with or
without a byte order mark) or XLSX, keeping the XLSX cells' types (numbers,
dates, booleans) for the checks to read."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Table", "Row", "read_table", "column_letter", "UnreadableTable", "MAX_BYTES"]


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: list  # one per header, None when empty


@dataclass
class Table:
    path: Path
    headers: list[str]
    rows: list[Row]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as a spreadsheet names its columns).

    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _table(path: Path, matrix: list[list]) -> Table:
    if not matrix:
        return Table(path, [], [])
    headers = ["" if h is None else str(h).strip() for h in matrix[0]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for n, values in enumerate(matrix[1:], start=2):
        values = list(values[:len(headers)]) + [None] * (len(headers) - len(values))
        values = [None if _blank(v) else v for v in values]
        if any(v is not None for v in values):
            rows.append(Row(n, values))
    return Table(path, headers, rows)


MAX_BYTES = 256 * 2**20  # a table larger than this is refused before it is read (a directory of 100,000 organisations is ~20 MB)
MAX_XLSX_UNPACKED = 1024 * 2**20  # what an .xlsx may unpack to (a small file may unpack to gigabytes)


class UnreadableTable(ValueError):
    """A table that cannot be read, said in words (the importer names the file)."""


def _decode(data: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without a byte order mark), or UTF-16 when it
    starts with UTF-16's byte order mark (Excel's "Unicode text"); anything else is
    refused naming the line and the byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UnreadableTable(f"starts as UTF-16 but is not: {e.reason} at byte {e.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnreadableTable(f"not UTF-8: byte 0x{data[e.start]:02X} on line {line} (save it as \"CSV UTF-8\", or as .xlsx)") from None


def _read_csv(path: Path) -> list[list]:
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list]:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise UnreadableTable("not an .xlsx workbook (not a zip archive)") from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise UnreadableTable(f"unpacks to {unpacked / 2**20:.0f} MB, more than {MAX_XLSX_UNPACKED // 2**20} MB")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_table(path: Path) -> Table:
    """The first sheet (or the CSV) as headers and non-empty rows.  Raises
    ``UnicodeDecodeError``, ``csv.Error`` or openpyxl's errors on an unreadable file."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UnreadableTable(f"{size / 2**20:.0f} MB, more than {MAX_BYTES // 2**20} MB: split it")
    matrix = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    return _table(path, matrix)
