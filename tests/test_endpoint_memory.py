"""Where the query workers read the dataset: a small build is held in each worker's
memory (``serve --memory-triples``, default 200,000 triples), a bigger one is read
from the on-disk store; either way the answers are the same.  Real servers on
127.0.0.1, queried with SPARQLWrapper."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from conftest import serving

ORG = "PREFIX org: <http://www.w3.org/ns/org#> "
QUERIES = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "members": ORG + "SELECT ?m WHERE { ?m org:memberOf <https://w3id.org/sse-graph/id/concertes> }",
    "chains": ORG + "SELECT ?a ?b WHERE { ?a org:memberOf+ ?b }",
    "ask": "ASK { <https://w3id.org/sse-graph/id/saw-b> ?p ?o }",
    "labels": "SELECT ?o ?label WHERE { ?o a <http://www.w3.org/ns/org#Organization> ; "
              "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


def health(base: str) -> dict:
    with urllib.request.urlopen(base + "/health", timeout=10) as r:
        return json.load(r)


def answers(base: str) -> dict:
    """Each query's answer, as a sorted list of rows (or the boolean)."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    out = {}
    for name, text in QUERIES.items():
        sw = SPARQLWrapper(base + "/sparql")
        sw.setQuery(text)
        sw.setReturnFormat(JSON)
        result = sw.query().convert()
        if "boolean" in result:
            out[name] = result["boolean"]
        else:
            out[name] = sorted(json.dumps(row, sort_keys=True) for row in result["results"]["bindings"])
    return out


@pytest.mark.parametrize("front", ["hop", "direct"])
def test_the_seed_build_is_held_in_memory_and_answers_as_the_on_disk_store_does(built, tmp_path, front):
    with serving(["--front", front], tmp_path / "memory.log") as in_memory, \
            serving(["--front", front, "--memory-triples", "0"], tmp_path / "disk.log") as on_disk:
        assert health(in_memory)["store"] == "memory"
        assert health(on_disk)["store"] == "disk"
        got, expected = answers(in_memory), answers(on_disk)
    assert got == expected
    assert int(json.loads(got["count"][0])["n"]["value"]) > 19_000  # the whole reasoned graph, metrics included
    assert len(got["members"]) >= 5 and got["ask"] is True
    assert "held in each query worker's memory" in (tmp_path / "memory.log").read_text(encoding="utf-8")
    assert "read from the on-disk store" in (tmp_path / "disk.log").read_text(encoding="utf-8")


def test_a_build_bigger_than_the_threshold_is_read_from_disk(built, tmp_path):
    # the seed build holds about 20,000 triples (asserted and inferred)
    with serving(["--memory-triples", "1000"], tmp_path / "serve.log") as base:
        assert health(base)["store"] == "disk"


def test_a_negative_threshold_is_refused_with_exit_2(built):
    run = subprocess.run([sys.executable, "-m", "sse_graph", "serve", "--memory-triples", "-1", "--port", "1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "--memory-triples" in run.stderr
    assert "Traceback" not in run.stderr
