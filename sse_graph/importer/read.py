"""Read a spreadsheet as a user made it: CSV (comma or semicolon, UTF-8 with or
without a byte order mark) or XLSX, keeping the XLSX cells' types (numbers,
dates, booleans) for the checks to read."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Table", "Row", "read_table", "column_letter"]


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


def _read_csv(path: Path) -> list[list]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_table(path: Path) -> Table:
    """The first sheet (or the CSV) as headers and non-empty rows.  Raises
    ``UnicodeDecodeError``, ``csv.Error`` or openpyxl's errors on an unreadable file."""
    matrix = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    return _table(path, matrix)
