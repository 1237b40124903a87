"""A --data folder whose graph/ holds N-Triples builds the same graph as Turtle;
one holding another RDF syntax is refused by name (exit 2), never built empty."""
from __future__ import annotations

import os
import subprocess
import sys

from rdflib import Graph


def run_build(root, tmp_path, *extra):
    env = {**os.environ, "SSE_GRAPH_CACHE": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--json", "--data",
                           str(root), *extra], capture_output=True, text=True, env=env, timeout=600)


def test_ntriples_data_files_are_read_like_turtle(dataset_copy, tmp_path):
    from sse_graph import build

    turtle = build(dataset_copy, engine="fast")
    for f in sorted((dataset_copy / "graph").glob("*.ttl")):
        Graph().parse(f, format="turtle").serialize(f.with_suffix(".nt"), format="nt", encoding="utf-8")
        f.unlink()
    done = run_build(dataset_copy, tmp_path)
    assert done.returncode == 0, done.stderr
    import json

    report = json.loads(done.stdout)
    assert report["asserted_triples"] == turtle.asserted_triples > 3000
    assert report["counts"] == turtle.counts


def test_another_rdf_syntax_is_refused_by_name(dataset_copy, tmp_path):
    (dataset_copy / "graph" / "extra.nq").write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    done = run_build(dataset_copy, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "extra.nq" in done.stderr and "Traceback" not in done.stderr
