"""Static guards on SPARQL text, applied before any evaluation.

Nothing in a query may reach outside the dataset: ``SERVICE`` (federation),
``LOAD`` and the other update operations are refused, and ``FROM`` / ``FROM
NAMED`` may only name graphs already in the dataset.  The query is tokenised
(comments, strings and IRIs set apart) so that the words inside a string or a
comment do not trip the guard.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from .errors import QueryError

__all__ = ["check_query", "is_update", "strip_literals", "declares_dataset"]

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
    """,
    re.VERBOSE,
)
_UPDATE = re.compile(r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b(?!:)", re.IGNORECASE)


def strip_literals(text: str) -> tuple[str, list[str]]:
    """The query with comments and strings blanked and IRIs replaced by ``<>``,
    and the list of IRIs in order."""
    iris: list[str] = []

    def repl(m: re.Match) -> str:
        if m.group("iri"):
            iris.append(m.group("iri")[1:-1])
            return f"<{len(iris) - 1}>"
        return " "

    return _TOKEN.sub(repl, text), iris


def is_update(text: str) -> bool:
    """Whether the text contains a SPARQL Update operation (none of these words
    belongs to the query grammar).

    >>> is_update("SELECT ?add WHERE { ?s <http://ex/load> ?add }")
    False
    >>> is_update("INSERT DATA { <a:b> <a:c> <a:d> }")
    True
    """
    bare, _ = strip_literals(text)
    return bool(_UPDATE.search(bare))


def check_query(text: str, *, known_graphs: Collection[str] | None = None) -> None:
    """Raise :class:`QueryError` if the query would leave the dataset.

    >>> check_query('SELECT * WHERE { ?s ?p "SERVICE" }')
    >>> check_query('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    sse_graph.errors.QueryError: SERVICE (federated query) is not allowed: queries only see this dataset
    """
    bare, iris = strip_literals(text)
    if re.search(r"\bSERVICE\b", bare, re.IGNORECASE):
        raise QueryError("SERVICE (federated query) is not allowed: queries only see this dataset")
    if is_update(text):
        raise QueryError("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is not allowed: the dataset is read-only")
    if known_graphs is not None:
        for m in re.finditer(r"\bFROM\s+(?:NAMED\s+)?<(\d+)>", bare, re.IGNORECASE):
            iri = iris[int(m.group(1))]
            if iri not in known_graphs:
                raise QueryError(f"FROM <{iri}>: unknown graph; only the dataset's own graphs can be named")


def declares_dataset(text: str) -> bool:
    """Whether the query names its own dataset with FROM / FROM NAMED.

    >>> declares_dataset('SELECT * FROM <urn:g> WHERE { ?s ?p "FROM" }')
    True
    >>> declares_dataset('SELECT * WHERE { ?s ?p "FROM <x>" }')
    False
    """
    bare, _ = strip_literals(text)
    return bool(re.search(r"\bFROM\s+(NAMED\s+)?<", bare, re.IGNORECASE))
