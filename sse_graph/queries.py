"""The SPARQL queries shipped with the package, as ``.rq`` files.

Each file opens with ``#`` comment lines stating its question in plain words;
a ``# param org = IRI`` line gives the example organisation that ``?org_param``
stands for in the endpoint's and the viewer's example tabs.
Competency queries live in ``queries/``; quality checks that must return no
rows live in ``queries/checks/`` and are named ``*_violation.rq``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Query", "load_query", "competency_queries", "violation_queries", "QUERY_DIR"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"


class Shipped(str):
    """The text of a query shipped with the package (or made from one by binding IRIs that
    were checked to be plain IRIs): the library runs it without the parser check that a
    user's text gets (which would import rdflib's parser into every question)."""

    __slots__ = ()


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    text: str
    path: Path


def _read(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    question = " ".join(
        line.lstrip("#").strip() for line in text.splitlines()
        if line.startswith("#") and not line.startswith("# param ")
    ).strip()
    return Query(path.stem, question, Shipped(text), path)


@lru_cache(maxsize=None)
def load_query(name: str) -> Query:
    """A shipped query by name (file stem), e.g. ``load_query("members")``."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        path = QUERY_DIR / "checks" / f"{name}.rq"
    return _read(path)


# The analyst's questions first, the building blocks of the library after.
FEATURED = ("members", "represented_by", "represents", "seats", "body_members", "counts", "card")


def competency_queries() -> list[Query]:
    """The shipped competency queries (the examples of the endpoint and the app)."""
    queries = [_read(p) for p in QUERY_DIR.glob("*.rq")]
    rank = {name: i for i, name in enumerate(FEATURED)}
    return sorted(queries, key=lambda q: (rank.get(q.name, len(FEATURED)), q.name))


def violation_queries() -> list[tuple[str, Query]]:
    return [(p.stem, _read(p)) for p in sorted((QUERY_DIR / "checks").glob("*_violation.rq"))]


# Relations read from a plain triple (relations.rq): the reasoner's copy of one a source
# states (unitOf ⊑ subOrganizationOf, an inverse …) comes without a source file.
_TRIPLE_RELATIONS = ("part of", "led by")


def once_with_source(rows: list[dict]) -> list[dict]:
    """The rows of relations.rq (or its bounded forms) without the unsourced copy of a
    "part of" / "led by" that a source states: the same relation, once, with its source.
    One only inferred is kept.  (Done here rather than in SPARQL: with the copy dropped
    by a ``FILTER NOT EXISTS { GRAPH ?s … }`` in the query, Virtuoso kept it where Oxigraph
    did not, so the shipped query answered differently by store.)"""
    sourced = {(r["a"], r["relation"], r["b"]) for r in rows if r.get("file") and r["relation"] in _TRIPLE_RELATIONS}
    return [r for r in rows if r.get("file") or r["relation"] not in _TRIPLE_RELATIONS
            or (r["a"], r["relation"], r["b"]) not in sourced]

