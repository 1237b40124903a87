"""The SPARQL page's runner: a query in one isolated worker, stopped at its time limit."""
from __future__ import annotations

import socket
import threading
import time

from sse_graph.sandbox import run_query

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_cross_join_is_stopped_at_the_limit(built):
    t0 = time.monotonic()
    out = run_query(built.dataset_path, CROSS_JOIN, timeout=3)
    assert out.kind == "timeout", out
    assert out.seconds < 3 + 2
    assert time.monotonic() - t0 < 60  # boot + limit + kill


def test_a_select_comes_back_capped(built):
    out = run_query(built.dataset_path, "SELECT ?s WHERE { ?s ?p ?o }", max_rows=5)
    assert out.kind == "select" and out.truncated
    assert len(out.json()["results"]["bindings"]) == 5


def test_service_is_refused_and_makes_no_connection(built):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    connections, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                connections.append(conn)
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        out = run_query(built.dataset_path, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert out.kind == "error" and "SERVICE" in out.message
        time.sleep(0.5)
    finally:
        stop.set()
        t.join(2)
        server.close()
    assert connections == []
