"""The fast engine never reasons less without a word: through `sse-graph build
--engine fast`, an ontology construct it does not implement, or a TBox axiom in a
data file, is refused with exit 2, naming the file and the axiom; an
inconsistency exits 1 naming the individuals; an inverse step in a property chain
is reasoned with (it used to end in an internal error, exit 70)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

PREFIXES = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sse: <https://w3id.org/sse-graph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix id: <https://w3id.org/sse-graph/id/> .
"""


def build_fast(root, tmp_path):
    env = {**os.environ, "SSE_GRAPH_CACHE": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--data", str(root)],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("axiom,named", [
    ("sse:memberOfSelf a owl:InverseFunctionalProperty .", "owl:InverseFunctionalProperty"),
    ("sse:Listed owl:equivalentClass [ owl:oneOf ( id:concertes id:saw-b ) ] .", "owl:oneOf"),
    ("sse:Tied a owl:SymmetricProperty .", "owl:SymmetricProperty"),
    ("sse:Org2 owl:equivalentClass [ a owl:Restriction ; owl:onProperty org:memberOf ; "
     "owl:someValuesFrom sse:Organisation ] .", "owl:someValuesFrom"),
])
def test_an_unimplemented_construct_in_the_ontology_is_refused(axiom, named, dataset_copy, tmp_path):
    extra = dataset_copy / "ontology" / "extra.ttl"
    extra.write_text(PREFIXES + axiom + "\n", encoding="utf-8")
    done = build_fast(dataset_copy, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "extra.ttl" in done.stderr and named in done.stderr and "Traceback" not in done.stderr


def test_a_tbox_axiom_in_a_data_file_is_refused(dataset_copy, tmp_path):
    (dataset_copy / "graph" / "zz_axioms.ttl").write_text(
        PREFIXES + "sse:Cooperative rdfs:subClassOf sse:Network .\n", encoding="utf-8")
    done = build_fast(dataset_copy, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "zz_axioms.ttl" in done.stderr and "rdfs:subClassOf" in done.stderr


def test_disjoint_classes_and_same_as_against_different_from_are_inconsistencies(dataset_copy, tmp_path):
    (dataset_copy / "ontology" / "extra.ttl").write_text(
        PREFIXES + "sse:Cooperative owl:disjointWith sse:Network .\n", encoding="utf-8")
    (dataset_copy / "graph" / "zz_clash.ttl").write_text(
        PREFIXES + "id:credal a sse:Network .\nid:saw-b owl:sameAs id:concertes .\n"
                   "id:concertes owl:differentFrom id:saw-b .\n", encoding="utf-8")
    done = build_fast(dataset_copy, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "https://w3id.org/sse-graph/id/credal is a member of the disjoint classes" in done.stderr
    assert "id/saw-b" in done.stderr and "owl:differentFrom" in done.stderr


def test_an_inverse_step_in_a_property_chain_is_reasoned_with(dataset_copy, tmp_path):
    (dataset_copy / "ontology" / "extra.ttl").write_text(
        PREFIXES + "sse:coMember a owl:ObjectProperty ; "
                   "owl:propertyChainAxiom ( org:memberOf [ owl:inverseOf org:memberOf ] ) .\n", encoding="utf-8")
    done = build_fast(dataset_copy, tmp_path)
    assert done.returncode == 0, done.stderr
    from sse_graph import Store

    store = Store(next((tmp_path / "cache").glob("*-fast*")) / "dataset.nq")
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a <https://w3id.org/sse-graph/ontology#coMember> ?b "
                        "FILTER(?a != ?b) }").dicts()
    assert rows[0]["n"] > 0
