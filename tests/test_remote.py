"""The external store: the built graph pushed to a real Oxigraph server on
127.0.0.1 and queried back with the same answers."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import find_oxigraph, free_port, oxigraph_serving, running_virtuoso

ORACLE = "https://w3id.org/sse-graph/id/"



@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    # the tests using this fixture are marked oxigraph: skipped without it
    with oxigraph_serving(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


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


# --- sse-graph serve --store: the public endpoint in front of a real external store ---------------

SKOS = "http://www.w3.org/2004/02/skos/core#"
MEMBERS = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:memberOf <%sconcertes> }" % ORACLE)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product: minutes on the seed graph
TIMEOUT = 5


@pytest.fixture(scope="module")
def virtuoso_sparql(built, tmp_path_factory):
    yield from running_virtuoso(built, tmp_path_factory.mktemp("virtuoso-serve"))


@pytest.fixture(scope="module")
def oxigraph_read_only(built):
    """``oxigraph serve-read-only`` on the build's own on-disk store (no push needed), with its own time-out (twice the endpoint's: the endpoint gives up first)."""
    from sse_graph.store import STORE_DIR

    port = free_port()
    proc = subprocess.Popen([find_oxigraph(), "serve-read-only", "--location", str(built.dataset_path.parent / STORE_DIR),
                             "--bind", f"127.0.0.1:{port}", "--timeout-s", str(2 * TIMEOUT)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from conftest import wait_until_up

    try:
        assert wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 30), "oxigraph serve-read-only did not start"
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module", params=[pytest.param("oxigraph_read_only", marks=pytest.mark.oxigraph),
                                        pytest.param("virtuoso_sparql", marks=pytest.mark.virtuoso)])
def store_behind(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def served(store_behind):
    """``sse-graph serve --store`` on a free port in front of the store; its /sparql URL."""
    from conftest import wait_until_up

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sse_graph", "serve", "--store", store_behind, "--port", str(port),
                             "--timeout", str(TIMEOUT), "--max-rows", "50"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_up(base + "/health", 60):
            proc.kill()
            pytest.fail("serve --store did not start: " + proc.communicate(timeout=10)[1][-2000:])
        yield base + "/sparql"
    finally:
        proc.terminate()
        proc.wait(10)


def _wrapper(url: str, query: str, fmt):
    from SPARQLWrapper import POST, SPARQLWrapper

    w = SPARQLWrapper(url)
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(POST)
    return w.query()


def test_sparqlwrapper_through_serve_store_answers_as_the_embedded_store(served, store):
    from SPARQLWrapper import CSV, JSON, TURTLE, XML

    want = sorted(t[0].value for t in store.select(MEMBERS).rows)
    assert len(want) > 5
    got = sorted(b["m"]["value"] for b in _wrapper(served, MEMBERS, JSON).convert()["results"]["bindings"])
    assert got == want
    xml = _wrapper(served, MEMBERS, XML).convert()  # SPARQLWrapper's default form: a DOM
    assert sorted(n.firstChild.data for n in xml.getElementsByTagName("uri")) == want
    csv_lines = _wrapper(served, MEMBERS, CSV).convert().decode("utf-8-sig").splitlines()
    assert csv_lines[0] == "m" and sorted(csv_lines[1:]) == want
    ask = "ASK { <%sconcertes> <%sprefLabel> ?l }" % (ORACLE, SKOS)
    assert _wrapper(served, ask, JSON).convert()["boolean"] is True
    construct = "CONSTRUCT { ?m <%sprefLabel> ?l } WHERE { ?m <http://www.w3.org/ns/org#memberOf> <%sconcertes> ; <%sprefLabel> ?l }" \
        % (SKOS, ORACLE, SKOS)
    import rdflib

    g = rdflib.Graph().parse(data=_wrapper(served, construct, TURTLE).convert(), format="turtle")
    embedded = {(str(t.subject.value), str(t.object.value)) for t in store._store.query(construct, use_default_graph_as_union=True)}
    assert {(str(s), str(o)) for s, _p, o in g} == embedded and embedded


def test_a_competency_query_through_serve_store_answers_as_embedded(served, store):
    from SPARQLWrapper import JSON

    from sse_graph.queries import load_query

    text = load_query("represented_by").text.replace("?org_param", f"<{ORACLE}saw-b>")
    want = {tuple(t.value if t is not None else None for t in row) for row in store.select(text).rows}
    doc = _wrapper(served, text, JSON).convert()
    names = doc["head"]["vars"]
    got = {tuple(b[v]["value"] if v in b else None for v in names) for b in doc["results"]["bindings"]}
    assert got == want and want


def test_the_row_cap_the_cache_and_the_time_limit_hold_through_serve_store(served):
    import json as _json
    import time as _time
    import urllib.parse

    def post(query):
        req = urllib.request.Request(served, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    status, headers, body = post("SELECT * WHERE { ?s ?p ?o } LIMIT 80")  # the store sends 80, the client gets 50
    assert status == 200 and headers.get("X-SSE-Truncated") == "true"
    assert len(_json.loads(body)["results"]["bindings"]) == 50

    health = served.replace("/sparql", "/health")
    before = _json.loads(urllib.request.urlopen(health, timeout=10).read())
    assert post(MEMBERS)[0] == 200 and post(MEMBERS)[0] == 200
    after = _json.loads(urllib.request.urlopen(health, timeout=10).read())
    assert after["cache"]["entries"] == before["cache"]["entries"] + 1
    assert after["lanes"]["store"]["forwarded"] == before["lanes"]["store"]["forwarded"] + 1  # the second came from the cache

    for update in ("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "CLEAR ALL"):  # read-only, whatever the store allows
        req = urllib.request.Request(served, data=urllib.parse.urlencode({"update": update}).encode())
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=30)
        assert refused.value.code == 403
        assert post(update)[0] == 403  # sent as a query
    assert len(_json.loads(post(MEMBERS)[2])["results"]["bindings"]) > 5  # nothing was cleared

    t0 = _time.monotonic()
    status, _h, body = post(SLOW)
    assert status == 503 and b"time limit" in body, body
    assert _time.monotonic() - t0 < TIMEOUT + 10  # a loaded machine


def _listener():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    s.settimeout(0.5)
    return s


def _reached(listener) -> bool:
    import socket

    try:
        conn, _ = listener.accept()
    except socket.timeout:
        return False
    conn.close()
    return True


def _sneaky(port: int) -> list[str]:
    """Every way a query could ask the store to reach 127.0.0.1:port."""
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ optional {{ service silent <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}>",
        f'define input:grab-all "yes" SELECT * WHERE {{ <{url}> ?p ?o }}',  # Virtuoso's IRI dereferencing
        f'define get:soft "soft" SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}',  # Virtuoso's sponger
    ]


def test_service_through_serve_store_never_reaches_a_listener_on_loopback(served, store_behind):
    import urllib.parse

    listener = _listener()
    port = listener.getsockname()[1]
    try:
        for query in _sneaky(port):
            req = urllib.request.Request(served, data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(req, timeout=30)
            assert refused.value.code in (400, 403), query
            assert not _reached(listener), f"reached the listener: {query}"
        # The gate is the endpoint's check: sent straight to the store, the first query does reach out
        # from the Oxigraph server (which runs SERVICE); Virtuoso's SPARQL account refuses it itself.
        direct = urllib.request.Request(store_behind, data=urllib.parse.urlencode({"query": _sneaky(port)[0]}).encode(),
                                        headers={"Accept": "application/sparql-results+json"})
        try:
            urllib.request.urlopen(direct, timeout=30).read()
        except OSError:
            pass
        assert _reached(listener) == ("sparql" not in store_behind)
    finally:
        listener.close()


@pytest.mark.virtuoso
def test_virtuoso_itself_refuses_service_sponging_and_load(virtuoso_sparql):
    """The second layer: the loopback Virtuoso's anonymous SPARQL account cannot make it reach out."""
    import urllib.parse

    listener = _listener()
    port = listener.getsockname()[1]
    try:
        for query in _sneaky(port):
            req = urllib.request.Request(virtuoso_sparql, data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
            try:  # refused (SERVICE, LOAD, sponging), or answered from the store alone (FROM an unknown graph)
                urllib.request.urlopen(req, timeout=30).read()
            except urllib.error.HTTPError as e:
                assert e.code in (400, 500) and b"Virtuoso" in e.read()
            assert not _reached(listener), f"Virtuoso reached the listener: {query}"
    finally:
        listener.close()


def test_serve_store_refuses_an_unreachable_store_and_a_public_address(built):
    r = cli("serve", "--store", f"http://127.0.0.1:{free_port()}/sparql", "--port", str(free_port()))
    assert r.returncode == 3 and "cannot reach the store" in r.stderr and "Traceback" not in r.stderr
    r = cli("serve", "--store", "http://127.0.0.1:1/sparql", "--host", "0.0.0.0", "--port", str(free_port()))
    assert r.returncode == 2 and "--allow-unisolated" in r.stderr and "Traceback" not in r.stderr
    r = cli("serve", "--store", "ftp://127.0.0.1/x", "--port", str(free_port()))
    assert r.returncode == 2 and "not an http(s) URL" in r.stderr
