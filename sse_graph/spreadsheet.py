"""CSV for spreadsheets: no cell from the data may start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``
sends the reader to a stranger's site).  OWASP's rule: prefix such a cell with
a single quote, which spreadsheets show as text.  The formula character counts
also behind what a reader does not see or a spreadsheet may trim: spaces, line
ends, control and format characters (zero-width, bidi), and in its full-width
form (``＝``, which an East Asian input turns into ``=``); a cell that starts
with a line end is quoted too.  A cell that is only a number
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
import unicodedata
from collections.abc import Iterable

__all__ = ["FORMULA_START", "would_be_formula", "neutralise", "csv_text", "neutralise_csv", "neutralise_tsv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\u2212")  # and full-width = + - @, the minus sign
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _unseen(c: str) -> bool:
    """A character a reader does not see before the first one that shows."""
    return c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def would_be_formula(value: str) -> bool:
    """Whether a spreadsheet could read the cell as a formula.

    >>> [would_be_formula(v) for v in ("=1", "  =1", "\\n=1", "\\u200b@x", "＝1", "-3", " -3", "SAW-B", "\\t-3")]
    [True, True, True, True, True, False, False, False, True]
    """
    if value.startswith(("\t", "\r", "\n")):
        return True
    shown = value.lstrip("".join({c for c in value[:64] if _unseen(c)}))
    return shown[:1] in _FORMULA_CHARS and not _NUMBER.match(shown)


def neutralise(value):
    """The value, with a leading ``'`` when a spreadsheet would read it as a formula.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("-12.5"), neutralise(-3), neutralise("SAW-B")
    ('-12.5', -3, 'SAW-B')
    >>> neutralise("-1+1"), neutralise(' =HYPERLINK("x")')
    ("'-1+1", '\\' =HYPERLINK("x")')
    """
    if isinstance(value, str) and would_be_formula(value):
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


def _escaped_start(cell: str) -> str:
    """A SPARQL TSV literal cell (``"…"`` then a tag or a datatype) whose value would
    start a formula, with its first character written as a ``\\u`` escape: the same
    RDF term to a TSV reader, text to a spreadsheet (which sees a backslash first)."""
    if not cell.startswith('"') or len(cell) < 2 or not would_be_formula(cell[1:]):
        return cell
    c = cell[1]
    code = f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}"
    return '"' + code + cell[2:]


def neutralise_tsv(data: bytes) -> bytes:
    """SPARQL 1.1 TSV results (UTF-8) whose every literal that a spreadsheet would read
    as a formula starts with an escape instead (:func:`_escaped_start`).  A TSV cell
    holds no raw tab or line end (the format escapes them), so a line is a row and a
    tab separates its cells.

    >>> neutralise_tsv('?x\\t?y\\n"=1+1"\\t" @SUM(1)"@en\\n'.encode()).decode()
    '?x\\t?y\\n"\\\\u003D1+1"\\t"\\\\u0020@SUM(1)"@en\\n'
    """
    lines = data.decode("utf-8").split("\n")
    return "\n".join([lines[0], *("\t".join(map(_escaped_start, line.split("\t"))) for line in lines[1:])]).encode("utf-8")
