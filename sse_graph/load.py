"""Read the ontology and the data files into one rdflib Dataset, all or nothing.

Each file is parsed by pyoxigraph (strict IRIs, no relative IRIs, errors with a
line and a column) into a staging list; only when every file has been read is
the Dataset built, so a malformed file leaves nothing half-loaded.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from .config import DataPaths
from .errors import ParseError
from .fastreason import audit_data, audit_ontology
from .namespaces import ONTOLOGY_GRAPH_IRI, graph_iri_for_file

__all__ = ["load_dataset", "load_store", "parse_file", "to_rdflib", "to_oxigraph"]

_POSITION = re.compile(r"line (\d+) column (\d+)")


_RDFLIB: tuple = ()


def _rdflib_terms() -> tuple:
    """rdflib's ``URIRef``, ``BNode``, ``Literal``, imported on first use: a fast build
    whose ontology is compiled already (``build_compile``) never imports rdflib."""
    global _RDFLIB
    if not _RDFLIB:
        from rdflib import BNode, Literal, URIRef

        _RDFLIB = (URIRef, BNode, Literal)
    return _RDFLIB


def to_rdflib(term) -> Node:
    """Convert a pyoxigraph term to its rdflib equivalent."""
    URIRef, BNode, Literal = _RDFLIB or _rdflib_terms()
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    """Convert an rdflib term to its pyoxigraph equivalent."""
    URIRef, _BNode, Literal = _RDFLIB or _rdflib_terms()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.BlankNode(str(term))


def _parse_error(path: Path, e: Exception) -> ParseError:
    if not isinstance(e, SyntaxError):
        return ParseError(path, None, None, str(e))
    line, col = e.lineno, e.offset
    if line is None:
        m = _POSITION.search(str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    message = str(e.msg if hasattr(e, "msg") and e.msg else e)
    message = re.sub(r"^Parser error (between|at) [^:]*: ", "", message)
    return ParseError(path, line, col, message)


def parse_file(path: Path) -> list[tuple[Node, Node, Node]]:
    """Parse one Turtle file; raise :class:`ParseError` with ``file:line:col``."""
    try:
        triples = [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
    except (SyntaxError, OSError, ValueError) as e:
        raise _parse_error(path, e) from None
    return triples


def load_store(paths: DataPaths, *, known=None) -> tuple[ox.Store, Graph | None]:
    """The asserted dataset loaded straight into an in-memory pyoxigraph store
    (the fast build: no rdflib terms for the instance data), each file in its
    named graph, and the ontology as an rdflib graph (to compile the rules).
    A malformed file raises :class:`ParseError`; the store is then discarded.

    ``known``: what ``build_compile`` keeps of these very ontology files, audited and
    compiled before (``ontology_iris``, the IRIs of its subjects; ``audit_terms``, the
    RDFS/OWL terms a data file may not use): the ontology is then loaded without rdflib
    and no rdflib graph returned, and the data files are audited without rdflib unless
    one holds something the audit could refuse (then the rdflib audit decides)."""
    store = ox.Store()
    tbox = None
    if known is None:
        from rdflib import Graph

        tbox = Graph()
    files = [(f, ONTOLOGY_GRAPH_IRI) for f in paths.ontology_files()] + \
            [(f, graph_iri_for_file(f.stem)) for f in paths.graph_files()]
    for f, name in files:
        try:
            store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(name))
        except (SyntaxError, OSError, ValueError) as e:
            raise _parse_error(f, e) from None
        if name == ONTOLOGY_GRAPH_IRI and tbox is not None:
            triples = parse_file(f)
            audit_ontology(triples, str(f))
            for t in triples:
                tbox.add(t)
    terms = None if tbox is None else set(tbox.subjects())
    for f, name in files:
        if name == ONTOLOGY_GRAPH_IRI or (terms is None and _nothing_to_refuse(store, name, known)):
            continue
        if terms is None:  # the exact audit, with the ontology's terms as rdflib reads them
            terms = {t[0] for o in paths.ontology_files() for t in parse_file(o)}
        audit_data(_vocabulary_triples(store, name), str(f), terms)
    return store, tbox


def _nothing_to_refuse(store: ox.Store, graph: str, known) -> bool:
    """True when :func:`audit_data` would find nothing to refuse in this data graph: no
    triple using one of ``known.audit_terms`` (as predicate or class), and every
    owl:sameAs between two IRIs that are not subjects of the ontology (``known.ontology_iris``)."""
    g = ox.NamedNode(graph)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for term in map(ox.NamedNode, known.audit_terms):
        if next(store.quads_for_pattern(None, term, None, g), None) is not None or \
                next(store.quads_for_pattern(None, rdf_type, term, g), None) is not None:
            return False
    same = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    iris = known.ontology_iris
    for q in store.quads_for_pattern(None, same, None, g):
        s, o = q.subject, q.object
        if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)) or s.value in iris or o.value in iris:
            return False
    return True


def _vocabulary_triples(store: ox.Store, graph: str):
    """The triples of a data graph that the fast engine's audit must see: those with
    an RDFS/OWL term as predicate or class, and every owl:sameAs (index lookups)."""
    from itertools import islice

    from .fastreason import data_audit_terms

    g = ox.NamedNode(graph)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for term in map(ox.NamedNode, data_audit_terms()):
        for q in [*islice(store.quads_for_pattern(None, term, None, g), 1),
                  *islice(store.quads_for_pattern(None, rdf_type, term, g), 1)]:
            yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)
    same = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    for q in store.quads_for_pattern(None, same, None, g):
        yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)


def load_dataset(paths: DataPaths) -> Dataset:
    """The asserted dataset: the ontology in its own named graph, each data file
    in the named graph of its source."""
    from rdflib import Dataset

    from .namespaces import ONTOLOGY_GRAPH, graph_for_file

    staged: list[tuple[URIRef, list]] = []
    for f in paths.ontology_files():
        staged.append((ONTOLOGY_GRAPH, parse_file(f)))
    for f in paths.graph_files():
        staged.append((graph_for_file(f.stem), parse_file(f)))
    ds = Dataset()
    for name, triples in staged:
        g = ds.graph(name)
        for t in triples:
            g.add(t)
    return ds
