"""SPARQL results, capped: SELECT/ASK as JSON, XML, CSV, TSV; graphs as Turtle,
N-Triples, JSON-LD, RDF/XML.  Rows past the cap are not serialised and the truncation is
reported to the caller (an HTTP header).

A SELECT result is first written by Oxigraph's own serialiser (in Rust, 2-4x
faster than building it here), stopped as soon as its size exceeds what
``max_rows`` of the smallest possible rows could take: an answer that fits
surely has no more rows than the cap.  A bigger one is evaluated again and
written here, row by row, up to the cap.  Answers of interactive size take the
first road only."""
from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

__all__ = ["serialize", "RESULT_TYPES", "GRAPH_TYPES"]

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BOM = "\ufeff".encode()  # so that Excel reads UTF-8 CSV (accents, Hangul); pandas skips it


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype and t.datatype.value != XSD_STRING:
        d["datatype"] = t.datatype.value
    return d


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
    if t.datatype and t.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
    return f"<literal>{escape(t.value)}</literal>"


def _csv_value(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return t.value


def _select(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, r) if t is not None} for r in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for r in rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                              for v, t in zip(variables, r) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for r in rows:
            w.writerow([_csv_value(t) for t in r])
        return BOM + buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in r) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(fmt)


_BOOLEANS: dict[tuple[bool, str], bytes] = {}


def _boolean(value: bool, fmt: str) -> bytes:
    try:
        return _BOOLEANS[value, fmt]
    except KeyError:
        body = _BOOLEANS[value, fmt] = _boolean_text(value, fmt)
        return body


def _boolean_text(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return (f"{'true' if value else 'false'}\n").encode()


_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML}


def _graph(triples: list, fmt: str) -> bytes:
    """Oxigraph's own serialisers, straight to bytes."""
    return ox.serialize(triples, format=_RDF_FORMATS[fmt]) or b""


_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
# the fewest bytes a row can take in each format (every variable unbound): ``{},``,
# ``<result></result>``, a CSV line end, a TSV line end
_MIN_ROW = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


class _TooBig(Exception):
    pass


class _Bounded:
    """A file-like sink for Oxigraph's serialiser that refuses more than ``limit`` bytes."""

    __slots__ = ("left", "parts")

    def __init__(self, limit: int):
        self.left, self.parts = limit, []

    def write(self, data) -> int:
        n = len(data)
        self.left -= n
        if self.left < 0:
            raise _TooBig()
        self.parts.append(data if type(data) is bytes else bytes(data))  # pyoxigraph writes bytes: no copy
        return n

    def flush(self) -> None:
        pass


def _select_in_rust(result, fmt: str, max_rows: int) -> bytes | None:
    """The whole answer from Oxigraph's serialiser, or None if it may hold more than ``max_rows`` rows."""
    sink = _Bounded(max_rows * _MIN_ROW[fmt])
    try:
        result.serialize(sink, _RESULT_FORMATS[fmt])
    except _TooBig:
        return None
    body = b"".join(sink.parts)
    return BOM + body if fmt == "csv" else body


def serialize(result, fmt: str, max_rows: int, again=None) -> tuple[bytes, bool]:
    """Serialise a pyoxigraph result in ``fmt``; returns (body, truncated).  ``again()``
    evaluates the query anew, for a SELECT answer too big for the fast road."""
    if isinstance(result, ox.QueryBoolean):
        return _boolean(bool(result), fmt), False
    if isinstance(result, ox.QuerySolutions) and again is not None:
        body = _select_in_rust(result, fmt, max_rows)
        if body is not None:
            return body, False
        result = again()
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for sol in result:
            if len(rows) == max_rows:
                return _select(variables, rows, fmt), True
            rows.append([sol[v] for v in variables])
        return _select(variables, rows, fmt), False
    triples = []
    for t in result:
        if len(triples) == max_rows:
            return _graph(triples, fmt), True
        triples.append(t)
    return _graph(triples, fmt), False
