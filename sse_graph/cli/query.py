"""The query command: SPARQL over the reasoned dataset or an external store."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Optional

import typer

from .context import DataOpt, _store, app, out


_REMOTE_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def _remote_result(raw: bytes):
    """An external store's SELECT/ASK answer as pyoxigraph results, rendered as the embedded
    store's are (each store writes CSV in its own way: Virtuoso quotes IRIs); a graph as bytes."""
    import pyoxigraph as ox

    try:
        return ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError):
        return raw


def _query_text(file: Path) -> str:
    """The text of a query file or, where no such file exists, of the shipped query of that
    name (``represented_by_as_of``, as the README and docs cite them); exit 2 naming the file."""
    from ..errors import InputError
    from ..queries import QUERY_DIR, competency_queries

    try:
        return file.read_text(encoding="utf-8")
    except OSError as e:
        shipped = QUERY_DIR / f"{file.name.removesuffix('.rq')}.rq"
        if not file.exists() and file.parent == Path(".") and re.fullmatch(r"[A-Za-z0-9_]+(\.rq)?", file.name) \
                and shipped.is_file():
            return shipped.read_text(encoding="utf-8")
        names = [q.name for q in competency_queries()]  # the analyst's questions first
        hint = f" (nor a shipped query: {', '.join(names[:8])} … — {len(names)} in sse_graph/queries/)" if not file.exists() else ""
        raise InputError(f"{file}: {e.strerror or e}{hint}") from None


@app.command()
def query(
    file: Optional[Path] = typer.Argument(None, help="A .rq file, or the name of a shipped query (represented_by_as_of), or use -e."),
    expression: Optional[str] = typer.Option(None, "-e", "--expression", help="The query text."),
    asserted: bool = typer.Option(False, "--asserted", help="Query the asserted graphs only, without inferences."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json (SPARQL 1.1 JSON results), csv (a cell that would start a spreadsheet formula gets a leading quote) or tsv (SPARQL TSV; a literal that would start a formula begins with a \\u escape: the same term)."),
    store_url: Optional[str] = typer.Option(None, "--store", help="Answer from this external SPARQL store (see push)."),
    org: Optional[str] = typer.Option(None, "--org", help="The organisation ?org_param stands for (IRI, prefixed name, label or acronym), as in the shipped queries' '# param org' line."),
    data: Optional[Path] = DataOpt,
):
    """Run a SPARQL query over the reasoned dataset (default graph: union of all graphs)."""
    import pyoxigraph as ox

    from ..errors import InputError, QueryError
    from ..results import render, serialize_results
    from ..spreadsheet import neutralise_csv, neutralise_tsv

    if (file is None) == (expression is None):
        raise InputError("give either a query file or -e TEXT, not both")
    if fmt not in ("table", "json", "csv", "tsv"):
        raise InputError(f"unknown format '{fmt}': use table, json, csv or tsv")
    if file is not None:
        text = _query_text(file)
    else:
        text = expression
    store = _store(data, store_url)
    if org is not None:
        from ..questions import Questions

        iri = Questions(store, lang="en").resolve(org)
        if not re.search(r"\?org_param\b", text):
            raise InputError(f"{file or 'the query'}: --org is given but the query has no ?org_param")
        if any(c in iri for c in '<>"{}|^`\\ \t\n\r'):  # as Store.raw_query's bindings: an IRI, nothing else
            raise InputError(f"not an IRI: {iri!r}")
        text = re.sub(r"\?org_param\b", f"<{iri}>", text)
    elif re.search(r"\?org_param\b", text):
        example = re.search(r"^# param org = (\S+)", text, re.M)
        print(f"note: ?org_param is not bound, so the query answers for every organisation; give --org"
              + (f" (its example: {example.group(1)})" if example else ""), file=sys.stderr)
    try:
        if hasattr(store, "query_bytes"):  # an external store
            result = _remote_result(store.query_bytes(text, reasoned=not asserted, accept=_REMOTE_ACCEPT))
            if isinstance(result, bytes):  # a graph (CONSTRUCT / DESCRIBE): the store's Turtle as it is
                sys.stdout.buffer.write(result)
                return
        else:
            result = store.raw_query(text, reasoned=not asserted)
    except QueryError as e:
        if file is None:
            raise
        raise QueryError(f"{file}: {e}") from None  # name the .rq file the mistake is in
    if fmt == "csv" and not isinstance(result, ox.QueryTriples):
        # For spreadsheets: a cell that would start a formula gets a leading quote.
        # The SPARQL endpoint's text/csv stays the W3C format, untouched.
        sys.stdout.buffer.write(neutralise_csv(serialize_results(result, "csv")))
        sys.stdout.flush()
        return
    if fmt == "json" and not isinstance(result, ox.QueryTriples):
        # the same SPARQL JSON, a format character (bidi override, zero-width) written as its \u escape
        from ..plaintext import json_inert

        sys.stdout.buffer.write(json_inert(serialize_results(result, "json").decode("utf-8")).encode("utf-8"))
        sys.stdout.flush()
        return
    if fmt == "tsv" and not isinstance(result, ox.QueryTriples):
        # SPARQL TSV keeps its terms; a literal that would start a formula begins with a \u escape
        sys.stdout.buffer.write(neutralise_tsv(serialize_results(result, "tsv")))
        sys.stdout.flush()
        return
    render(result, fmt, out)
