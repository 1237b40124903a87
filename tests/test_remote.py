"""The external store: the built graph pushed to a real Oxigraph server on
127.0.0.1 and queried back with the same answers."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import find_oxigraph, free_port

ORACLE = "https://w3id.org/sse-graph/id/"



@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    exe = find_oxigraph()  # the tests using this fixture are marked oxigraph: skipped without it
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.mark.oxigraph
def test_push_then_answer_from_the_external_store(built, store, oxigraph_server):
    r = cli("push", "--store", oxigraph_server)
    assert r.returncode == 0, r.stderr
    from sse_graph.remote import RemoteStore

    remote = RemoteStore(oxigraph_server)
    assert set(remote.graph_names) == set(store.graph_names)
    q = "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:memberOf <https://w3id.org/sse-graph/id/concertes> }"
    assert sorted(t[0].value for t in remote.select(q).rows) == sorted(t[0].value for t in store.select(q).rows)
    assert len(remote.select(q, reasoned=False).rows) == 0


@pytest.mark.oxigraph
def test_pushing_twice_replaces_not_duplicates(built, oxigraph_server):
    from sse_graph.remote import RemoteStore

    assert cli("push", "--store", oxigraph_server).returncode == 0
    n1 = RemoteStore(oxigraph_server).select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value
    assert cli("push", "--store", oxigraph_server).returncode == 0
    n2 = RemoteStore(oxigraph_server).select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value
    assert n1 == n2


@pytest.mark.oxigraph
def test_the_analyst_commands_answer_from_the_store(built, oxigraph_server):
    assert cli("push", "--store", oxigraph_server).returncode == 0
    r = cli("represented-by", "SAW-B", "--json", env={"SSE_GRAPH_STORE": oxigraph_server})
    assert r.returncode == 0, r.stderr
    assert "Social Economy Europe" in r.stdout
    r = cli("query", "--store", oxigraph_server, "-e", "SELECT ?l WHERE { <https://w3id.org/sse-graph/id/febisp> "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }", "--format", "csv")
    assert r.returncode == 0 and "FÉBISP" in r.stdout


def test_an_unreachable_store_is_a_clear_error(built):
    r = cli("push", "--store", f"http://127.0.0.1:{free_port()}")
    assert r.returncode == 3 and "cannot reach the store" in r.stderr and "Traceback" not in r.stderr
