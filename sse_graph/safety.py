"""What a query may do, decided on its parse tree (rdflib's SPARQL 1.1 parser,
the grammar Oxigraph implements), never on regular expressions over its text.
One check for every caller: the endpoint's workers, ``sse-graph query`` and the
other commands (``Store.raw_query``), and a remote store.

- ``SERVICE`` anywhere (federation): refused.
- ``FROM`` / ``FROM NAMED``: only the dataset's own graphs, prefixed names and
  ``\\u`` escapes resolved as the engine resolves them.
- an update (``LOAD``, ``INSERT`` …): refused as read-only.

The grammar lets keywords be written only as ASCII letters in any case, after
``\\u`` / ``\\U`` escapes are expanded (SPARQL 1.1 §19.2).  So a query whose
expanded, case-folded text contains none of ``service``, ``from``, ``load``
cannot use them, and needs no parse: the hot path stays as fast as the engine.
In the endpoint it runs inside the isolated worker, never on the server's event loop.

>>> check_query('SELECT * WHERE { ?s ?p "SERVICE" }', known_graphs=[]).parsed
True
>>> check_query('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }', known_graphs=[])
Traceback (most recent call last):
...
sse_graph.errors.QueryError: SERVICE (federated query) is not allowed: queries only see this dataset
>>> check_query('PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a-with ex:load ?o }', known_graphs=[]).declares_dataset
False
"""
from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["Refused", "Unreadable", "Verdict", "check", "check_query", "is_update", "might_reach_out",
           "unreadable_reason"]

_WORDS = ("service", "from", "load")


class Unreadable(SyntaxError):
    """rdflib's parser could not read the query (the engine may or may not)."""


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Verdict:
    declares_dataset: bool  # the query's own FROM / FROM NAMED set its dataset
    parsed: bool            # whether the parser was needed


def _expand(text: str) -> str:
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        return expandUnicodeEscapes(text)
    except Exception:  # noqa: BLE001 - an invalid escape: the engine refuses the text anyway
        return text


def might_reach_out(text: str) -> bool:
    """Whether the text could contain SERVICE, FROM or LOAD (conservatively)."""
    folded = (_expand(text) if "\\" in text else text).casefold()
    return any(w in folded for w in _WORDS)


def _nodes(node):
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, ParseResults)):
            stack.extend(n)


def is_update(text: str) -> bool:
    """Whether the text parses as a SPARQL Update request."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSING:
            parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update
        return False
    return True


def check(text: str, known_graphs: Collection[str], base_iri: str | None = None) -> Verdict:
    """Raise :class:`Refused` if the query would leave the dataset; else its verdict.
    ``None`` is returned for nothing: a text the parser cannot read raises
    :class:`SyntaxError` for the caller to report (or to let the engine report)."""
    if not might_reach_out(text):
        return Verdict(declares_dataset=False, parsed=False)
    with _PARSING:  # rdflib's parser (pyparsing) makes no promise for two threads at once (front.py's query threads)
        return _check_parsed(text, known_graphs, base_iri)


_PARSING = threading.RLock()  # is_update parses too, inside check


def _check_parsed(text: str, known_graphs: Collection[str], base_iri: str | None) -> Verdict:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception as e:  # noqa: BLE001 - pyparsing's ParseException and friends
        if is_update(text):
            raise Refused(403, "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is not allowed: "
                               "the dataset is read-only") from None
        raise Unreadable(str(e)) from None
    if any(n.name == "ServiceGraphPattern" for n in _nodes(tree)):
        raise Refused(400, "SERVICE (federated query) is not allowed: queries only see this dataset")
    clauses = [n for n in _nodes(tree) if n.name == "DatasetClause"]
    if clauses:
        try:
            algebra = translateQuery(tree, base=base_iri).algebra
        except Exception as e:  # noqa: BLE001 - an unknown prefix and the like
            raise Unreadable(str(e)) from None
        for clause in algebra.get("datasetClause") or []:
            iri = str(clause.get("default") or clause.get("named"))
            if iri not in known_graphs:
                raise Refused(400, f"FROM <{iri}>: unknown graph; only the dataset's own graphs can be named")
    return Verdict(declares_dataset=bool(clauses), parsed=True)


def unreadable_reason(text: str, base_iri: str | None, message: str, *, ask_engine: bool = False) -> str:
    """Why a text the safety parser could not read is refused.  With ``ask_engine``
    (only behind the OS barrier: Oxigraph runs a SERVICE it reads as soon as the query
    is opened, results or not) the engine's own syntax error, with its line:column, or,
    if the engine reads the text, that it mixes syntax beyond SPARQL 1.1 with SERVICE,
    FROM or LOAD; else the safety parser's own words."""
    if not ask_engine:
        return f"SPARQL syntax error (as read by the safety check, SPARQL 1.1): {message}"
    import pyoxigraph as ox

    try:
        ox.Store().query(text, base_iri=base_iri)
    except SyntaxError as e:
        return f"SPARQL syntax error: {e}"
    except Exception:  # noqa: BLE001
        pass
    return ("the query uses syntax beyond SPARQL 1.1 together with SERVICE, FROM or LOAD, which the "
            f"safety check cannot read: {message}")


def check_query(text: str, *, known_graphs: Collection[str], base_iri: str | None = None) -> Verdict:
    """:func:`check` for the library and the CLI, which run queries in their own process,
    with no OS barrier: a refusal or a text the parser cannot read (the engine is never
    asked about it) is a :class:`~sse_graph.errors.QueryError` (exit 2)."""
    from .errors import QueryError

    try:
        return check(text, known_graphs, base_iri)
    except Refused as e:
        raise QueryError(str(e)) from None
    except Unreadable as e:
        raise QueryError(unreadable_reason(text, base_iri, str(e))) from None
