"""Namespaces and the IRIs of the dataset's named graphs."""
from __future__ import annotations

from rdflib import Namespace, URIRef

SSE = Namespace("https://w3id.org/sse-graph/ontology#")
ID = Namespace("https://w3id.org/sse-graph/id/")
SRC = Namespace("https://w3id.org/sse-graph/source/")
SHP = Namespace("https://w3id.org/sse-graph/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OWLRL_ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

GRAPH_BASE = "https://w3id.org/sse-graph/graph/"
ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")
INFERRED_GRAPH = URIRef(GRAPH_BASE + "inferred")
METRICS_GRAPH = URIRef(GRAPH_BASE + "metrics")

PREFIXES = {
    "sse": str(SSE),
    "id": str(ID),
    "src": str(SRC),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "essglobal": "http://purl.org/essglobal/vocab/",
}


def graph_for_file(stem: str) -> URIRef:
    """The named graph a data file is loaded into.

    >>> str(graph_for_file("003_6530fe94a40990bb"))
    'https://w3id.org/sse-graph/source/003_6530fe94a40990bb'
    >>> str(graph_for_file("places"))
    'https://w3id.org/sse-graph/graph/places'
    """
    if stem[:3].isdigit():
        return URIRef(str(SRC) + stem)
    return URIRef(GRAPH_BASE + stem)
