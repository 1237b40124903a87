"""Which front worker of ``serve --front direct`` takes a new connection.

Every front worker listens on the same socket; left to the kernel and libuv (which
accepts every pending connection in a loop) a burst of keep-alive clients lands on
the workers at random.  Measured (benchmarks/README.md, "Connections packed on the
front worker that is awake"): four keep-alive clients looping an uncached ``ask``
cost 0.08-0.10 ms of CPU per request with their four connections on one front
worker, 0.115-0.128 ms spread two and two — a worker that finds the next request
waiting when it finishes one does not sleep and wake (and run cold) for each.  So
new connections are packed: the first front worker (in board order) that is not
inside one query for a while, not busier than ``SPILL`` of a core and holds fewer
than ``PACK`` connections takes them; then the next one (load spreads, and one slow
query keeps at most PACK - 1 other clients waiting).

The board is a small shared memory (a memfd the supervisor makes and every front
worker maps): one slot per front worker, written by that worker's watchdog thread
every ``front.WATCH_EVERY`` (no write per request) and by its accept loop as it
takes a connection — whether it accepts, its share of a core lately, since when
its loop is inside the query in flight, how many connections it holds.  A worker
that is not the one chosen leaves the connection ``DEFER`` seconds to the chosen one
and then takes it itself if it is still waiting (a board a little stale, a chosen
worker whose loop is stuck or that died: a connection waits at most ``DEFER``).
"""
from __future__ import annotations

import asyncio
import errno
import logging
import mmap
import os
import socket
import struct
import time

__all__ = ["Board", "Acceptor"]

log = logging.getLogger("sse_graph.endpoint")

SLOTS = 64          # front workers the board can hold (workers + spare, slots reused)
SLOT = struct.Struct("=dddd")  # accepting (1.0 or 0.0), share of a core lately, in a query since (monotonic; 0: none),
FIELD = struct.Struct("=d")    # connections held
CONNS_AT = 3 * FIELD.size
SPILL = 0.5         # a front worker busier than this (share of a core) gets no new connection while another is not
PACK = 8            # nor one holding this many connections: one slow query keeps at most PACK - 1 other clients waiting
STUCK = 0.02        # seconds inside one query after which a worker's loop cannot be counted on to accept
BURST = 64          # connections accepted at most per wake-up (then the loop's other work runs)
DEFER = 0.01        # seconds a worker not chosen leaves a new connection to the chosen one


class Board:
    """The shared slots: the supervisor creates it (:meth:`create`), each front worker
    maps the inherited descriptor (``Board(fd)``)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.map = mmap.mmap(fd, SLOTS * SLOT.size)

    @classmethod
    def create(cls) -> "Board":
        fd = os.memfd_create("sse-graph-front-board")
        os.ftruncate(fd, SLOTS * SLOT.size)
        return cls(fd)

    def publish(self, slot: int, accepting: bool, share: float, since: float, conns: int) -> None:
        SLOT.pack_into(self.map, slot * SLOT.size, 1.0 if accepting else 0.0, share, since, conns)

    def publish_conns(self, slot: int, conns: int) -> None:
        FIELD.pack_into(self.map, slot * SLOT.size + CONNS_AT, conns)

    def clear(self, slot: int) -> None:
        SLOT.pack_into(self.map, slot * SLOT.size, 0.0, 0.0, 0.0, 0.0)

    def read(self, slot: int) -> tuple[float, float, float, float]:
        return SLOT.unpack_from(self.map, slot * SLOT.size)

    def chosen(self, now: float) -> int | None:
        """The slot of the front worker that should take a new connection: the first
        accepting one not stuck in a query, not busier than SPILL and holding fewer than
        PACK connections; else the one not stuck with the fewest connections; None if
        every worker is stuck (then whoever is free takes it)."""
        fallback, least = None, (float("inf"), 0.0)
        for slot in range(SLOTS):
            accepting, share, since, conns = SLOT.unpack_from(self.map, slot * SLOT.size)
            if accepting != 1.0 or (since and now - since > STUCK):
                continue
            if share < SPILL and conns < PACK:
                return slot
            if (conns, share) < least:
                fallback, least = slot, (conns, share)
        return fallback


class Acceptor:
    """This front worker's accept loop on the shared listening socket: one connection
    per readiness, taken only when the board chooses this worker (or after DEFER)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, listener: socket.socket, board: Board | None, slot: int,
                 protocol_factory, connections):
        self.loop, self.listener, self.board, self.slot = loop, listener, board, slot
        self.factory, self.connections = protocol_factory, connections  # connections: the set the protocols join
        self.fd = listener.fileno()
        self.deferred_at = -1.0  # when this worker last left a connection to another
        self.reading = False
        self.tasks: set[asyncio.Task] = set()

    def start(self) -> None:
        self.listener.setblocking(False)
        self._resume()

    def stop(self) -> None:
        if self.reading:
            self.loop.remove_reader(self.fd)
            self.reading = False

    def _resume(self) -> None:
        if not self.reading:
            self.loop.add_reader(self.fd, self._ready)
            self.reading = True

    def _pause(self, seconds: float) -> None:
        self.stop()
        self.loop.call_later(seconds, self._resume)

    def _ready(self) -> None:
        """The pending connections this worker is chosen for (all of a burst, as libuv
        accepts them: none waits in the backlog behind a query this loop runs next)."""
        for _ in range(BURST):
            if self.board is not None:
                now = time.monotonic()
                if now - self.deferred_at > 2 * DEFER:  # not the connection left to another just now
                    chosen = self.board.chosen(now)
                    if chosen is not None and chosen != self.slot:
                        self.deferred_at = now
                        self._pause(DEFER)
                        return
            if not self._accept():
                return

    def _accept(self) -> bool:
        """Take one pending connection; False if there was none (or none can be taken now)."""
        try:
            sock, _address = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return False  # another front worker took it
        except OSError as e:
            if e.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                log.warning("cannot accept a connection now (%s): trying again in 0.1 s", e.strerror)
                self._pause(0.1)
                return False
            return True  # ECONNABORTED and the like: that client is gone, the next may be there
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            sock.close()
            return True
        task = self.loop.create_task(self._serve(sock))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        if self.board is not None:  # at once: the next connection of a burst must see it
            self.board.publish_conns(self.slot, len(self.connections) + len(self.tasks))
        return True

    async def _serve(self, sock: socket.socket) -> None:
        try:
            await self.loop.connect_accepted_socket(self.factory, sock)
        except OSError:
            sock.close()
