"""Virtuoso round trip: scripts/virtuoso.sh starts it on loopback in a work folder,
bulk-loads the built dataset with its named graphs, answers a query, stops."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port

SCRIPT = ROOT / "scripts" / "virtuoso.sh"
ORG = "http://www.w3.org/ns/org#"


def _sparql(base: str, text: str) -> dict:
    body = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(base + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.virtuoso
def test_round_trip_start_load_query_stop(built, store, tmp_path):
    folder = tmp_path / "virtuoso"
    port = free_port()
    run = lambda *a: subprocess.run([str(SCRIPT), *a], capture_output=True, text=True, timeout=300)  # noqa: E731
    r = run("start", str(folder), str(port))
    try:
        assert r.returncode == 0, r.stderr
        base = r.stdout.strip()
        assert base == f"http://127.0.0.1:{port}"
        ini = (folder / "virtuoso.ini").read_text()
        assert f"127.0.0.1:{port}" in ini and f"DirsAllowed              = {folder.resolve()}" in ini

        r = run("load", str(folder), str(built.dataset_path))
        assert r.returncode == 0, r.stderr
        quads = sum(1 for line in built.dataset_path.read_text(encoding="utf-8").splitlines() if line.strip())
        embedded = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value
        embedded = int(embedded)
        assert f"loaded {embedded} quads" in r.stdout and embedded <= quads

        graphs = {b["g"]["value"] for b in _sparql(base, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")["results"]["bindings"]}
        assert set(store.graph_names) <= graphs  # every named graph kept, beside Virtuoso's own
        q = f"SELECT ?m WHERE {{ ?m <{ORG}memberOf> <https://w3id.org/sse-graph/id/concertes> }}"
        from_clause = " ".join(f"FROM <{g}>" for g in store.graph_names)
        remote = sorted(b["m"]["value"] for b in _sparql(base, q.replace("WHERE", from_clause + " WHERE"))["results"]["bindings"])
        assert remote and remote == sorted(t[0].value for t in store.select(q).rows)

        r = run("load", str(folder), str(built.dataset_path))  # loading again replaces, not duplicates
        assert r.returncode == 0 and f"loaded {embedded} quads" in r.stdout, r.stdout + r.stderr

        # A database whose anonymous SPARQL account was given the right to write is refused at start.
        from sse_graph.virtuoso import isql

        isql(folder, 'GRANT "SPARQL_UPDATE" TO "SPARQL";\ncheckpoint;\n')
        assert run("stop", str(folder)).returncode == 0
        r = run("start", str(folder), str(port))
        assert r.returncode == 3 and "SPARQL_UPDATE" in r.stderr and "Traceback" not in r.stderr, r.stderr
    finally:
        r = run("stop", str(folder))
    assert r.returncode == 0
    assert not _listening(port) and not _listening(port + 1)


@pytest.mark.virtuoso
def test_a_port_in_use_is_an_environment_problem(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([str(SCRIPT), "start", str(tmp_path / "v"), str(port)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 3 and f"port {port}" in r.stderr and "Traceback" not in r.stderr


def test_bad_usage_of_the_script_is_exit_2(tmp_path):
    r = subprocess.run([str(SCRIPT), "start", str(tmp_path), "not-a-port"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "usage" in r.stderr
    r = subprocess.run([str(SCRIPT), "load", str(tmp_path), str(tmp_path / "missing.nq")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "missing.nq" in r.stderr


@pytest.mark.oxigraph
def test_a_store_holding_none_of_the_graphs_is_named(built, tmp_path):
    """An empty store (nothing loaded yet) is an environment problem, not an empty answer."""
    from conftest import find_oxigraph

    exe = find_oxigraph()
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "o"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from conftest import wait_until_up

        assert wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 30)
        r = subprocess.run([sys.executable, "-m", "sse_graph", "members", "ConcertES"], capture_output=True, text=True,
                           env={**os.environ, "SSE_GRAPH_STORE": f"http://127.0.0.1:{port}"}, timeout=120)
        assert r.returncode == 3 and "none of the project's graphs" in r.stderr and "Traceback" not in r.stderr
    finally:
        proc.terminate()
        proc.wait(10)
