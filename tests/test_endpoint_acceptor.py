"""Which front worker of ``serve --front direct`` takes a new connection (acceptor.py):
the board's choice on a real shared memory, and on a real server, connections packed
on one front worker until it holds PACK of them, then on the next."""
from __future__ import annotations

import http.client
import json
import os
import time

import pytest

from conftest import serving
from sse_graph.endpoint.acceptor import PACK, SPILL, STUCK, Board


@pytest.fixture
def board():
    b = Board.create()
    yield b
    b.map.close()
    os.close(b.fd)


def test_the_first_worker_not_stuck_nor_busy_nor_full_is_chosen(board):
    now = time.monotonic()
    assert board.chosen(now) is None  # nobody accepts yet
    board.publish(1, True, 0.0, 0.0, 0)
    board.publish(2, True, 0.0, 0.0, 0)
    assert board.chosen(now) == 1  # packed: the first in board order
    board.publish(1, True, 0.0, now - 10 * STUCK, 0)  # inside one query for a while
    assert board.chosen(now) == 2
    board.publish(1, True, 0.0, now - STUCK / 4, 3)  # a query just begun: it still accepts
    assert board.chosen(now) == 1
    board.publish(1, True, SPILL + 0.1, 0.0, 3)  # busier than SPILL of a core
    assert board.chosen(now) == 2
    board.publish(1, True, 0.0, 0.0, PACK)  # full
    assert board.chosen(now) == 2
    board.publish_conns(1, PACK - 1)
    assert board.chosen(now) == 1


def test_when_every_worker_is_busy_or_full_the_one_with_fewest_connections_is_chosen(board):
    now = time.monotonic()
    board.publish(0, True, 0.9, 0.0, PACK + 3)
    board.publish(1, True, 0.2, 0.0, PACK + 1)
    board.publish(2, True, 0.0, now - 1.0, 0)  # stuck: never chosen
    assert board.chosen(now) == 1
    board.publish(1, True, 0.2, now - 1.0, PACK + 1)
    assert board.chosen(now) == 0
    board.publish(0, True, 0.9, now - 1.0, PACK + 3)
    assert board.chosen(now) is None  # all stuck: whoever is free takes it


def test_a_cleared_slot_is_not_chosen(board):
    now = time.monotonic()
    board.publish(0, True, 0.0, 0.0, 0)
    board.publish(3, True, 0.0, 0.0, 0)
    board.clear(0)  # a worker that left
    assert board.read(0) == (0.0, 0.0, 0.0, 0.0)
    assert board.chosen(now) == 3


@pytest.fixture(scope="module")
def packed(built, tmp_path_factory):
    """Two front workers, nothing else connected."""
    with serving(["--front", "direct", "--workers", "2", "--cache-size", "0"],
                 tmp_path_factory.mktemp("packed") / "server.log", wait=90) as base:
        yield int(base.rsplit(":", 1)[1])


def _health(conn: http.client.HTTPConnection) -> dict:
    conn.request("GET", "/health")
    return json.loads(conn.getresponse().read())


def _settled(port: int, seconds: float = 30) -> dict:
    """Health once both front workers are up and the board shows no connection but the one asking."""
    deadline = time.perf_counter() + seconds
    while True:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        h = _health(c)["front"]
        c.close()
        if (len(h["pids"]) == 2 and sum(h["connections"].values()) <= 1) or time.perf_counter() > deadline:
            return h
        time.sleep(0.2)


def test_connections_are_packed_on_one_front_worker_then_spill_to_the_next(packed):
    """PACK + 3 keep-alive connections opened one after the other: the first PACK on one front
    worker, the rest on the other; /health shows the board's count.  The choice is timed (a
    worker not chosen takes the connection itself after DEFER): a machine too busy to run the
    chosen worker within DEFER may spread one — so up to three tries on a settled server."""
    tries = []
    for _ in range(3):
        fronts = _settled(packed)
        conns = [http.client.HTTPConnection("127.0.0.1", packed, timeout=10) for _ in range(PACK + 3)]
        pids = [_health(c)["front"]["answered_by"] for c in conns]
        time.sleep(0.2)  # a watchdog look or two: the board's counts
        seen = _health(conns[0])["front"]["connections"]
        for c in conns:
            c.close()
        tries.append((pids, seen))
        first, rest = pids[:PACK], pids[PACK:]
        if len(set(first)) == 1 and len(set(rest)) == 1 and first[0] != rest[0]:
            assert set(pids) <= set(fronts["pids"])
            assert seen[str(first[0])] >= PACK and seen[str(rest[0])] >= 3, seen
            return
    pytest.fail(f"connections not packed: {tries}")
