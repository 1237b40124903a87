"""Rendering query results: a readable table, or the standard SPARQL formats."""
from __future__ import annotations

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

__all__ = ["render", "serialize_results", "RESULT_FORMATS"]

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
}


def _cell(term) -> str:
    """The term as a table cell: never rich markup (a ``[link=…]`` in the data would be a
    hidden hyperlink on the terminal, a stray ``[/red]`` an error), line ends and control
    characters shown (:func:`sse_graph.plaintext.visible`)."""
    from rich.markup import escape

    from .plaintext import visible

    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.language:
        return escape(visible(f"{term.value} @{term.language}"))
    return escape(visible(term.value))


def serialize_results(result, fmt: str) -> bytes:
    """SELECT/ASK in json, xml, csv or tsv; CONSTRUCT/DESCRIBE in turtle, ntriples or nquads."""
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        return result.serialize(format=RESULT_FORMATS[fmt])
    return result.serialize(format=GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE))


def render(result, fmt: str, console: Console) -> None:
    """Print a query result on the console in ``fmt`` (table, json, csv, tsv)."""
    import sys

    if isinstance(result, ox.QueryTriples):
        sys.stdout.buffer.write(serialize_results(result, "turtle"))
        return
    if fmt != "table":
        sys.stdout.buffer.write(serialize_results(result, fmt))
        sys.stdout.flush()
        return
    if isinstance(result, ox.QueryBoolean):
        console.print("true" if bool(result) else "false")
        return
    variables = [v.value for v in result.variables]
    table = Table(*variables, show_lines=False)
    n = 0
    for sol in result:
        table.add_row(*(_cell(sol[v]) for v in variables))
        n += 1
    console.print(table)
    console.print(f"{n} row(s)")
