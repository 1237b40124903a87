"""Namespaces and the IRIs of the dataset's named graphs.

The plain strings (``PREFIXES``, ``GRAPH_BASE``, ``*_GRAPH_IRI``) need no rdflib; the
rdflib objects (``SSE``, ``INFERRED_GRAPH`` …) are made when first imported, so that
the question commands, which read the store with pyoxigraph, never import rdflib.
"""
from __future__ import annotations

_NAMESPACES = {
    "SSE": "https://w3id.org/sse-graph/ontology#",
    "ID": "https://w3id.org/sse-graph/id/",
    "SRC": "https://w3id.org/sse-graph/source/",
    "SHP": "https://w3id.org/sse-graph/shapes#",
    "ORG": "http://www.w3.org/ns/org#",
    "SKOS": "http://www.w3.org/2004/02/skos/core#",
    "DCTERMS": "http://purl.org/dc/terms/",
    "OWLRL_ERR": "http://www.daml.org/2002/03/agents/agent-ont#",
}

GRAPH_BASE = "https://w3id.org/sse-graph/graph/"
ONTOLOGY_GRAPH_IRI = GRAPH_BASE + "ontology"
INFERRED_GRAPH_IRI = GRAPH_BASE + "inferred"
METRICS_GRAPH_IRI = GRAPH_BASE + "metrics"
REPRESENTATION_GRAPH_IRI = GRAPH_BASE + "representation"  # written by representation.py, read by chains.py
_GRAPHS = {"ONTOLOGY_GRAPH": ONTOLOGY_GRAPH_IRI, "INFERRED_GRAPH": INFERRED_GRAPH_IRI, "METRICS_GRAPH": METRICS_GRAPH_IRI}


def __getattr__(name: str):
    """``SSE``, ``ORG`` … as rdflib Namespaces and ``*_GRAPH`` as URIRefs, made on first use."""
    if name in _NAMESPACES:
        from rdflib import Namespace

        value = Namespace(_NAMESPACES[name])
    elif name in _GRAPHS:
        from rdflib import URIRef

        value = URIRef(_GRAPHS[name])
    else:
        raise AttributeError(name)
    globals()[name] = value
    return value


PREFIXES = {
    "sse": _NAMESPACES["SSE"],
    "id": _NAMESPACES["ID"],
    "src": _NAMESPACES["SRC"],
    "org": _NAMESPACES["ORG"],
    "skos": _NAMESPACES["SKOS"],
    "dcterms": _NAMESPACES["DCTERMS"],
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "essglobal": "http://purl.org/essglobal/vocab/",
}


def graph_for_file(stem: str):
    """The named graph a data file is loaded into.

    >>> str(graph_for_file("003_6530fe94a40990bb"))
    'https://w3id.org/sse-graph/source/003_6530fe94a40990bb'
    >>> str(graph_for_file("places"))
    'https://w3id.org/sse-graph/graph/places'
    """
    from rdflib import URIRef

    return URIRef(graph_iri_for_file(stem))


def graph_iri_for_file(stem: str) -> str:
    """The IRI of :func:`graph_for_file`, as a string (no rdflib)."""
    if stem[:3].isdigit():
        return _NAMESPACES["SRC"] + stem
    return GRAPH_BASE + stem
