"""``serve --front direct``: front workers behind the OS barrier accept HTTP and
answer queries inline; runaways and gone clients are handed to the supervisor.
Real servers on 127.0.0.1, raw sockets and http.client as clients."""
from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import threading
import time

import pytest

from conftest import serving
from test_endpoint import ORG_MEMBERS
from test_endpoint_safety import RUNAWAY, Listener, hostile_corpus

JSON = "application/sparql-results+json"


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def direct(built, tmp_path_factory):
    """Two front workers (two query threads each), a one-second fast budget, a four-second deadline."""
    with serving(["--front", "direct", "--fronts", "2", "--workers", "2", "--fast-budget", "1", "--timeout", "4", "--cache-size", "0"],
                 tmp_path_factory.mktemp("direct") / "server.log", wait=90) as base:
        yield _port(base)


@pytest.fixture(scope="module")
def direct_barrier_only(built, tmp_path_factory):
    """The direct mode with the parser check off: the OS barrier alone stands."""
    code = ("import sys; from sse_graph.endpoint import EndpointSettings, run_serve; "
            "run_serve(EndpointSettings(sys.argv[1], timeout=3, check_queries=False, front='direct'), "
            "host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')")
    with serving([], tmp_path_factory.mktemp("direct") / "server.log", wait=90,
                 command=[sys.executable, "-c", code, str(built.dataset_path), "PORT"]) as base:
        yield _port(base)


class Client:
    """One keep-alive connection (http.client), timing each request."""

    def __init__(self, port: int, timeout: float = 30):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def post(self, query: str, accept: str = JSON) -> tuple[int, bytes, float]:
        t0 = time.perf_counter()
        self.conn.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query", "Accept": accept})
        r = self.conn.getresponse()
        return r.status, r.read(), time.perf_counter() - t0

    def close(self):
        self.conn.close()


def health(port: int) -> dict:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/health")
    return json.loads(c.getresponse().read())


def _in_thread(fn, *args):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", fn(*args)))
    t.start()
    return t, out


def _front_ready(port: int, seconds: float = 60) -> dict:
    """Health once the front workers are all up and a spare is parked (after a replacement), and
    no client is held at the supervisor (a query of theirs still runs there: their next ones go there)."""
    deadline = time.perf_counter() + seconds
    while True:
        h = health(port)
        if (len(h["front"]["pids"]) == h["front"]["fronts"] and h["front"]["spare_ready"]
                and not h["front"]["held"]) or time.perf_counter() > deadline:
            return h
        time.sleep(0.2)


def _clients_on_every_front(port: int, n: int = 6) -> list[Client]:
    """Keep-alive clients until each front worker holds at least one of them
    (``answered_by`` in /health names the worker that answered on a connection)."""
    fronts = set(_front_ready(port)["front"]["pids"])
    clients, seen = [], set()
    for _ in range(40):
        c = Client(port)
        c.conn.request("GET", "/health")
        pid = json.loads(c.conn.getresponse().read())["front"]["answered_by"]
        seen.add(pid)
        clients.append(c)
        if seen >= fronts and len(clients) >= n:
            break
    assert seen >= fronts
    return clients


def test_health_names_the_mode_the_front_workers_and_their_barriers(direct):
    from sse_graph.endpoint.isolation import probe

    h = _front_ready(direct)
    assert h["mode"] == "direct" and h["isolation"] == probe() and h["isolation"]
    assert h["front"]["fronts"] == 2 and h["front"]["threads"] == 2 and len(h["front"]["pids"]) == 2 and h["front"]["answered_by"] in h["front"]["pids"]
    assert h["lanes"]["slow"]["priority"] == "SCHED_IDLE"
    assert all(os.sched_getscheduler(pid) == os.SCHED_OTHER for pid in h["front"]["pids"])


def test_queries_are_answered_by_the_front_workers(direct):
    c = Client(direct)
    status, body, _t = c.post(ORG_MEMBERS)
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) > 0
    status, body, _t = c.post("ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, body, _t = c.post("SELECT ?x WHERE { ?x ")  # a syntax error, answered inline too
    assert status == 400
    c.close()


def test_a_runaway_does_not_stall_other_clients_and_is_stopped_in_the_slow_lane(direct):
    before = _front_ready(direct)["front"]
    clients = _clients_on_every_front(direct)
    text = RUNAWAY + " # runaway-1"
    runaway, out = _in_thread(Client(direct).post, text)
    time.sleep(0.2)
    # every client, on whichever front worker, is answered within the fast budget (1 s) plus slack
    worst = 0.0
    t_end = time.perf_counter() + 2.5
    while time.perf_counter() < t_end:
        for c in clients:
            status, _b, took = c.post(ORG_MEMBERS)
            assert status == 200
            worst = max(worst, took)
    assert worst < 2.0, worst
    runaway.join(30)
    status, body, took = out["r"]
    assert status == 503 and b"time limit" in body  # re-run in the slow lane, stopped at its deadline:
    assert 3.5 < took < 4 + 2                        # 4 s in all, the fast budget spent inline included
    after = health(direct)["front"]
    assert after["runaways"] == before["runaways"] + 1 and after["replaced"] == before["replaced"] + 1
    for c in clients:  # the connections of the worker that left keep working (handed over)
        assert c.post(ORG_MEMBERS)[0] == 200
        c.close()


def test_a_handed_over_keep_alive_connection_keeps_working(direct):
    _front_ready(direct)
    c = Client(direct)
    assert c.post("ASK {}")[0] == 200
    status, body, _t = c.post(RUNAWAY + " # keep-alive")
    assert status == 503 and b"time limit" in body
    for query in (ORG_MEMBERS, "ASK { ?s ?p ?o }"):  # two more on the same socket
        status, body, _t = c.post(query)
        assert status == 200 and body
    c.close()


def test_a_known_heavy_text_is_handed_over_at_once(direct):
    text = RUNAWAY + " # known-heavy"
    assert Client(direct).post(text)[0] == 503  # runs inline first, overruns, is marked heavy
    before = _front_ready(direct)["front"]
    status, body, took = Client(direct).post(text)
    assert status == 503 and b"time limit" in body
    after = health(direct)["front"]
    # handed over on arrival: no front worker had to leave for it, and it had the whole deadline
    assert after["replaced"] == before["replaced"] and after["handed_over"] > before["handed_over"]
    assert 3.5 < took < 4 + 3


def test_a_client_that_disconnects_frees_its_front_worker_within_a_second(direct):
    before = _front_ready(direct)["front"]
    body = RUNAWAY.encode() + b" # disconnect"
    s = socket.create_connection(("127.0.0.1", direct))
    s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    time.sleep(0.4)  # under the fast budget: still running (in a query thread: a text seen for the first time)
    s.close()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        now = health(direct)["front"]
        if now["gone"] > before["gone"]:
            break
        time.sleep(0.05)
    assert now["gone"] == before["gone"] + 1 and now["runaways"] == before["runaways"], now
    assert len(now["pids"]) == 2  # the spare took the place at once
    status, _b, took = Client(direct).post(ORG_MEMBERS)
    assert status == 200 and took < 1


def test_the_barrier_alone_blocks_service_in_front_workers(direct_barrier_only):
    lst = Listener()
    try:
        h = health(direct_barrier_only)
        assert h["mode"] == "direct" and h["isolation"]
        answered = 0
        for query in hostile_corpus(lst.port):
            c = Client(direct_barrier_only)
            status, body, _t = c.post(query, JSON + ", text/turtle")
            c.close()
            assert status in (200, 400, 403), (query, status, body)
            answered += 1
        time.sleep(0.3)
        assert answered >= 40 and lst.connections == 0
    finally:
        lst.close()


@pytest.fixture(scope="module")
def one_front(built, tmp_path_factory):
    """A single front worker with a single query thread: every other text seen for the first
    time waits behind its runaway, and is re-run by the supervisor when the worker leaves."""
    with serving(["--front", "direct", "--workers", "1", "--fast-budget", "1", "--timeout", "3", "--cache-size", "0"],
                 tmp_path_factory.mktemp("direct") / "server.log", wait=90) as base:
        yield _port(base)


def test_connections_waiting_behind_a_runaway_are_answered_never_reset(one_front):
    _front_ready(one_front)
    runaway, out = _in_thread(Client(one_front).post, RUNAWAY + " # one front")
    time.sleep(0.3)
    # accepted while the only query thread is stuck in the runaway: queued behind it
    waiting = [_in_thread(Client(one_front).post, q) for q in (ORG_MEMBERS, "ASK { ?s ?p ?o }", ORG_MEMBERS + " ")]
    for t, result in waiting:
        t.join(30)
        status, body, took = result["r"]
        assert status == 200 and body and took < 1 + 3, (status, body, took)
    runaway.join(30)
    assert out["r"][0] == 503


def test_a_front_worker_that_dies_is_replaced_by_the_spare(direct):
    before = _front_ready(direct)["front"]
    victim, spare = before["pids"][0], before["spare_pid"]
    os.kill(victim, 9)  # as the kernel's OOM killer would
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        now = health(direct)["front"]
        if victim not in now["pids"]:
            break
        time.sleep(0.1)
    assert victim not in now["pids"] and spare in now["pids"] and len(now["pids"]) == 2
    assert now["replaced"] == before["replaced"] + 1
    assert all(Client(direct).post("ASK {}")[0] == 200 for _ in range(6))


def test_front_is_checked_and_a_port_in_use_exits_3_in_the_direct_mode(built, capsys):
    from sse_graph.cli import main

    assert main(["serve", "--front", "bogus"]) == 2
    err = capsys.readouterr().err
    assert "--front bogus" in err and "Traceback" not in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--front", "direct", "--port", str(port)]) == 3
    assert f"127.0.0.1:{port}" in capsys.readouterr().err


@pytest.fixture(scope="module")
def threaded(built, tmp_path_factory):
    """The default shape of the direct mode: one front worker, two query threads; two queries
    at most per client, one more waiting for a thread."""
    with serving(["--front", "direct", "--workers", "2", "--per-client", "2", "--max-queue", "1", "--fast-budget", "2",
                  "--timeout", "4", "--cache-size", "0"], tmp_path_factory.mktemp("direct") / "server.log",
                 wait=90) as base:
        yield _port(base)


def _answered(port: int) -> dict:
    return _front_ready(port)["front"]["answered"]


def test_a_new_text_runs_in_a_query_thread_and_a_cheap_one_inline_the_next_time(threaded):
    before = _answered(threaded)
    c = Client(threaded)
    text = ORG_MEMBERS + " # cheap"
    first, second = c.post(text), c.post(text)
    c.close()
    assert first[0] == second[0] == 200 and first[1] == second[1]
    after = _answered(threaded)
    assert after["threaded"] == before["threaded"] + 1 and after["inline"] == before["inline"] + 1


def test_a_runaway_in_a_query_thread_does_not_hold_up_the_front_workers_other_connections(threaded):
    before = _front_ready(threaded)["front"]
    runaway, out = _in_thread(Client(threaded).post, RUNAWAY + " # in a thread")
    time.sleep(0.3)
    other = Client(threaded, timeout=10)
    took = []
    for i in range(5):  # new texts (the other query thread) and the same again (inline)
        for text in (f"ASK {{ ?s ?p {i} }}", f"ASK {{ ?s ?p {i} }}"):
            status, _b, t = other.post(text)
            assert status == 200
            took.append(t)
    other.close()
    # the front worker's only other way was to wait for the runaway's fast budget (2 s)
    assert max(took) < 1.0, took
    runaway.join(30)
    status, body, spent = out["r"]
    assert status == 503 and b"time limit" in body and 3.5 < spent < 4 + 2  # re-run, stopped at the deadline
    after = health(threaded)["front"]
    assert after["runaways"] == before["runaways"] + 1 and after["replaced"] == before["replaced"] + 1


def test_the_query_threads_have_a_per_client_budget_and_a_bounded_queue(threaded):
    _front_ready(threaded)

    def client(address: str) -> Client:
        c = Client(threaded)
        c.conn.source_address = (address, 0)
        return c

    # 127.0.0.1 takes its two queries, 127.0.0.2 the last place: both threads and the one waiting place
    running = [_in_thread(client("127.0.0.1").post, RUNAWAY + f" # budget {i}") for i in range(2)]
    time.sleep(0.3)
    queued = _in_thread(client("127.0.0.2").post, RUNAWAY + " # queued")
    time.sleep(0.3)
    refused = client("127.0.0.1").conn
    refused.request("POST", "/sparql", b"ASK { ?s ?p 'budget' }", {"Content-Type": "application/sparql-query"})
    r = refused.getresponse()
    assert r.status == 429 and r.getheader("Retry-After") and b"per client" in r.read()
    busy = client("127.0.0.3").conn
    busy.request("POST", "/sparql", b"ASK { ?s ?p 'full' }", {"Content-Type": "application/sparql-query"})
    r = busy.getresponse()
    assert r.status == 503 and r.getheader("Retry-After") and b"busy" in r.read()
    for t, out in running + [queued]:  # every one answered (re-run by the supervisor), none reset
        t.join(60)
        assert out["r"][0] == 503, out


def test_one_front_worker_for_a_build_held_in_memory_two_for_one_read_from_disk(built):
    from sse_graph.endpoint import EndpointSettings

    assert EndpointSettings(built.dataset_path).fronts == 1
    assert EndpointSettings(built.dataset_path, memory_triples=0).fronts == 2
    assert EndpointSettings(built.dataset_path, memory_triples=0, fronts=1).fronts == 1
