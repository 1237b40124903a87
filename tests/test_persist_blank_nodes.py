"""The on-disk store keeps each blank node one node: the build copies its working store
as terms, in batches, so an evidence anchor (a blank node) whose triples fall in two
batches, or whose inferred types go to the inferred graph, is still one node on disk.
(Copied as N-Quads text, each bulk load gave its blank nodes new identities.)"""
from __future__ import annotations

import importlib

import pytest

from sse_graph.build import INFERRED_GRAPH, build
from sse_graph.store import Store

BLANKS_BY_GRAPH = """
SELECT ?b (GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs) WHERE {
  GRAPH ?g { { ?b ?p ?o } UNION { ?s ?p ?b } } FILTER(isBlank(?b))
} GROUP BY ?b
"""


@pytest.fixture(scope="module")
def small_batches_build(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SSE_GRAPH_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.setattr(importlib.import_module("sse_graph.persist"), "PERSIST_BATCH_BYTES", 200_000)  # about twenty loads over the seed graph (each costs 0.1-0.6 s)
    try:
        yield build(engine="fast", force=True)
    finally:
        mp.undo()


def test_no_blank_node_is_known_only_to_the_inferred_graph(small_batches_build):
    store = Store(small_batches_build.dataset_path)
    rows = store.select(BLANKS_BY_GRAPH).dicts()
    assert len(rows) > 1000  # the evidence anchors and their selectors
    in_inferred = [r for r in rows if str(INFERRED_GRAPH) in r["graphs"].split()]
    assert len(in_inferred) > 100  # the reasoner says things of blank nodes (143 on the seed graph)
    orphans = [r for r in rows if set(r["graphs"].split()) == {str(INFERRED_GRAPH)}]
    assert orphans == []  # copied as text in batches: 143 such orphans


def test_every_selector_keeps_its_text(small_batches_build):
    store = Store(small_batches_build.dataset_path)
    q = f"""PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT (COUNT(DISTINCT ?sel) AS ?selectors) (COUNT(DISTINCT ?whole) AS ?whole) WHERE {{
      GRAPH ?g {{ ?anchor a oa:SpecificResource ; oa:hasSelector ?sel }} FILTER(isBlank(?sel))
      OPTIONAL {{ GRAPH ?g2 {{ ?sel oa:exact|oa:start ?text }} BIND(?sel AS ?whole) }}
    }}"""
    row = store.select(q).dicts()[0]
    assert row["selectors"] > 500 and row["whole"] == row["selectors"]
