"""CSV for spreadsheets: no cell from the data may start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``
sends the reader to a stranger's site).  OWASP's rule: prefix such a cell with
a single quote, which spreadsheets show as text.  A cell that is only a number
(``-3``, ``+1.5e3``) is left as it is: it is read as a number, never as a
formula, and a quote would turn a measure into text.

Used by the viewer's downloads and the CLI's ``analyse --csv`` and
``query --format csv``.  The SPARQL endpoint's ``text/csv`` answer is the W3C
SPARQL 1.1 CSV format and stays as the standard says.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

__all__ = ["FORMULA_START", "neutralise", "csv_text", "neutralise_csv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value):
    """The value, with a leading ``'`` when a spreadsheet would read it as a formula.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("-12.5"), neutralise(-3), neutralise("SAW-B")
    ('-12.5', -3, 'SAW-B')
    >>> neutralise("-1+1")
    "'-1+1"
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_text(header: Iterable[str], rows: Iterable[Iterable], *, bom: bool = True) -> str:
    """A CSV document (CRLF lines, optional byte order mark for Excel) whose
    every cell is neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in header])
    for row in rows:
        w.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" if bom else "") + buf.getvalue()


def neutralise_csv(data: bytes) -> bytes:
    """A CSV document (UTF-8) rewritten with every cell neutralised; a byte
    order mark is kept if there was one, the rest of the quoting is csv's."""
    text = data.decode("utf-8")
    bom = text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    if not rows:
        return data
    return csv_text(rows[0], rows[1:], bom=bom).encode("utf-8")
