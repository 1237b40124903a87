"""The ontology and the seed graph: they parse, conform, and every fact has its source."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from sse_graph.queries import violation_queries

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("ontology/*.ttl"), *ROOT.glob("graph/*.ttl")])
SEEDS = ["000_30352ab47c79168e", "001_a8e3a8c5c264d9e4", "002_8a782234b05de830", "003_6530fe94a40990bb", "004_95ab2b3f0b488944"]


def test_there_is_a_graph_file_for_each_of_the_five_sources():
    assert [p.stem for p in sorted(ROOT.glob("graph/0*.ttl"))] == SEEDS


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_parses_with_rdflib(path):
    g = rdflib.Graph().parse(path, format="turtle")
    assert len(g) > 0


def test_the_data_conforms_to_the_shapes(built):
    assert built.validation["conforms"], built.validation["violations"][:5]


@pytest.mark.parametrize("name,query", violation_queries(), ids=[n for n, _q in violation_queries()])
def test_every_violation_query_returns_no_rows(store, name, query):
    assert store.select(query.text).rows == []


def test_the_violation_queries_exist():
    assert {n for n, _q in violation_queries()} >= {"record_without_source_violation", "undescribed_source_violation"}


def test_the_five_sources_are_described(store):
    rows = store.select("""
        PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?file ?lang ?date WHERE { ?s a sse:SourceDocument ; sse:fileName ?file ; dcterms:language ?lang .
          OPTIONAL { ?s dcterms:date ?date } FILTER(STRENDS(?file, ".txt")) } ORDER BY ?file""").dicts()
    assert [r["file"] for r in rows] == [s + ".txt" for s in SEEDS]
    assert [r["lang"] for r in rows] == ["en", "fr", "en", "fr", "fr"]
    assert rows[1]["date"] == "2012-01-11"


def test_each_source_file_is_its_own_named_graph(built):
    for seed in SEEDS:
        assert built.graphs[f"https://w3id.org/sse-graph/source/{seed}"] > 0


def test_every_record_of_a_source_graph_cites_that_source(store):
    # A record stated in graph G must name G's source (it may cite others too).
    rows = store.select("""
        PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?r ?g WHERE { GRAPH ?g { ?r a ?cls } ?cls <http://www.w3.org/2000/01/rdf-schema#subClassOf> sse:Record .
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/sse-graph/source/"))
          FILTER NOT EXISTS { GRAPH ?g { ?r dcterms:source ?g } } }""", reasoned=True).rows
    assert rows == []


def test_the_graph_is_complete_not_a_sample(built):
    counts = built.counts
    assert 150 <= counts["organisations (all kinds)"] <= 250
    assert counts["memberships"] >= 35  # CRESS HDF in ESS France: stated by no document (removed by cur003)
    assert counts["seats and mandates"] >= 40
    assert counts["people"] >= 18


def test_the_two_counts_of_concertes_members_are_kept_with_their_dates(store):
    rows = store.select("""
        PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        PREFIX id: <https://w3id.org/sse-graph/id/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?value ?asof ?file WHERE { ?c sse:countOf id:concertes ; sse:measure sse:measure-members ; sse:value ?value ;
          dcterms:source/sse:fileName ?file . OPTIONAL { ?c sse:asOf ?asof } } ORDER BY ?value""").dicts()
    assert rows == [
        {"value": 17, "asof": "2018-12-31", "file": "003_6530fe94a40990bb.txt"},
        {"value": 21, "asof": None, "file": "000_30352ab47c79168e.txt"},
    ]


def test_ontology_header_is_complete():
    g = rdflib.Graph().parse(ROOT / "ontology" / "sse.ttl")
    onto = rdflib.URIRef("https://w3id.org/sse-graph/ontology")
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    langs = {d.language for d in g.objects(onto, DCT.description)}
    assert langs == {"en", "fr"}
    for p in (DCT.title, DCT.license, DCT.modified, rdflib.OWL.versionIRI,
              rdflib.URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")):
        assert g.value(onto, p) is not None, p
