"""Differential test: the fast engine's closure equals owlrl's (the reference).

Normalisation: both closures are compared on their instance-level triples
(``fastreason.abox``), after the differences listed in ``fastreason.DIFFERENCES``
and no others (the types of the ontology's own terms, owl:Thing included, are
compared).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, URIRef

from sse_graph.config import data_paths
from sse_graph.fastreason import abox
from sse_graph.load import load_dataset, parse_file
from sse_graph.namespaces import ONTOLOGY_GRAPH
from sse_graph.reason import fast_reason, reason

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def closures(ds):
    tbox = set(ds.graph(ONTOLOGY_GRAPH).subjects())
    return abox(reason(ds).inferred, tbox), abox(fast_reason(ds).inferred, tbox)


def test_same_closure_as_owlrl_on_the_seed_graph():
    ref, fast = closures(load_dataset(data_paths(ROOT)))
    assert len(ref) > 3000
    assert ref == fast, (sorted(ref - fast)[:5], sorted(fast - ref)[:5])


@pytest.mark.parametrize("orgs,seed", [(150, 1), (400, 2)])
def test_same_closure_as_owlrl_on_synthetic_graphs(orgs, seed, tmp_path):
    from generate import generate

    f = tmp_path / "g.nt"
    f.write_text("\n".join(generate(orgs, seed)) + "\n", encoding="utf-8")
    ds = Dataset()
    onto = ds.graph(ONTOLOGY_GRAPH)
    for p in (ROOT / "ontology" / "sse.ttl", ROOT / "ontology" / "concepts.ttl"):
        for t in parse_file(p):
            onto.add(t)
    ds.graph(URIRef("urn:synthetic")).parse(f, format="nt")
    ref, fast = closures(ds)
    assert ref == fast, (sorted(ref - fast)[:5], sorted(fast - ref)[:5])


def test_the_generator_is_deterministic_for_a_seed():
    from generate import generate

    assert generate(300, 5) == generate(300, 5)
    assert generate(300, 5) != generate(300, 6)


def test_fast_build_answers_the_competency_questions(private_cache):
    from sse_graph import Store, build
    from sse_graph.questions import Questions

    result = build(ROOT, engine="fast")
    assert result.engine == "fast" and result.validation["conforms"]
    reference = build(ROOT)
    assert result.asserted_triples == reference.asserted_triples and result.counts == reference.counts
    # the persistent store beside the N-Quads, opened read-only by every later command
    assert (result.directory / "store").is_dir() and Store(result.dataset_path)._store is not None
    vocabularies = ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#", "<http://www.w3.org/2000/01/rdf-schema#",
                    "<http://www.w3.org/2002/07/owl#", "<http://www.w3.org/2001/XMLSchema#")
    inferred = [line for line in result.nquads().read_text(encoding="utf-8").splitlines()
                if line.endswith("<https://w3id.org/sse-graph/graph/inferred> .")]
    assert len(inferred) == result.inferred_triples > 4000
    assert not [line for line in inferred if line.startswith(vocabularies)]
    q = Questions(Store(result.dataset_path))
    assert len(q.members("https://w3id.org/sse-graph/id/concertes")) == 17
    assert [a["chain"] for a in q.represented_by("https://w3id.org/sse-graph/id/saw-b")][-1] == \
        ["SAW-B", "ConcertES", "Social Economy Europe"]


def test_a_long_representation_chain_is_closed_like_owlrl():
    """Twenty organisations each represented by the next: the semi-naive passes
    must reach the 190 pairs of the closure (and their inverses), as owlrl does."""
    ds = Dataset()
    onto = ds.graph(ONTOLOGY_GRAPH)
    for p in (ROOT / "ontology" / "sse.ttl", ROOT / "ontology" / "concepts.ttl"):
        for t in parse_file(p):
            onto.add(t)
    g = ds.graph(URIRef("urn:chain"))
    sse = "https://w3id.org/sse-graph/ontology#"
    nodes = [URIRef(f"urn:org:{i}") for i in range(20)]
    for a, b in zip(nodes, nodes[1:]):
        g.add((a, URIRef(sse + "representedBy"), b))
    ref, fast = closures(ds)
    by = {(s, o) for s, p, o in fast if p == URIRef(sse + "representedBy")} | set(zip(nodes, nodes[1:]))
    assert len(by) == 190 and (nodes[0], nodes[19]) in by
    assert ref == fast, (sorted(ref - fast)[:5], sorted(fast - ref)[:5])


def test_the_steps_written_as_text_or_as_terms_give_the_same_closure(monkeypatch):
    """Steps go over as N-Triples text in a small store, as a stream of terms in a large
    one; a text step naming a blank node (the seed graph's evidence anchors, which the
    rules type) is evaluated again as terms, so that each keeps its identity.  Both
    ways give the same inferred triples, blank nodes included (``abox`` leaves those out)."""
    import sse_graph.fastreason as fr

    ds = load_dataset(data_paths(ROOT))
    monkeypatch.setattr(fr, "TEXT_STEPS_MAX_QUADS", 10**9)
    as_text = set(fast_reason(ds).inferred)
    monkeypatch.setattr(fr, "TEXT_STEPS_MAX_QUADS", 0)
    as_terms = set(fast_reason(ds).inferred)
    assert as_text == as_terms
    assert sum(isinstance(s, BNode) for s, _p, _o in as_text) > 100  # 158 on the seed graph
