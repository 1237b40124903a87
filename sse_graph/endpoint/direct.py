"""``serve --front direct`` (the default; ``--front hop`` is the other design, server.py and pool.py): the supervisor.

It makes the listening socket, then starts ``--fronts`` front workers (front.py;
one by default: two processes waking for every request cost about half as much CPU
again as one, benchmarks/README.md) and one more, parked: the spare.  Each is a fresh interpreter behind the OS
barrier that accepts connections on the inherited socket and answers ``/sparql``
inline — no hop between processes for a query, which is what made the hop mode
cost about twice Oxigraph's CPU per request (benchmarks/README.md).

The supervisor itself accepts nothing.  It keeps today's machinery (an
:class:`Endpoint` over :class:`Lanes`: a one-worker fast lane and the slow lane)
for the connections a front worker hands over (control.py):

- when a front worker's watchdog sees a runaway, every connection it holds comes
  here, the stuck request's bytes with it; the text is marked heavy (here and in
  every front worker, so that it is handed over on arrival next time) and re-run
  in the slow lane at once, within what is left of its deadline, with 503/429/Retry-After and
  cancellation on disconnect as in the hop mode;
- the leaving worker ends itself; the spare is told to accept at once (no dip in
  accept capacity) and a new spare starts.

Adopted connections stay here until their clients close them (keep-alive): moving
an idle connection back would need a second hand-over for a rare case, and the
one-worker fast lane answers their ordinary queries meanwhile.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
from collections import OrderedDict

from . import control
from .pool import BOOT
from .server import Endpoint, EndpointSettings, client_key, create_app

log = logging.getLogger("sse_graph.endpoint")

HOLD_AT = 1  # queries running or waiting here from which a client's next queries come here too
SYNC_EVERY = 0.1  # seconds between two updates of the front workers (heavy texts, clients at their budget)
FRONT_SETTINGS = ("timeout", "max_rows", "workers", "memory_limit", "cache_size", "cache_bytes", "max_body", "max_url",
                  "max_queue", "per_client", "slow_workers", "fast_budget", "memory_triples")


class FrontWorker:
    """One front worker process and the supervisor's ends of its control channel."""

    def __init__(self, proc: subprocess.Popen, up: socket.socket, down: socket.socket):
        self.proc, self.up, self.down = proc, up, down
        self.reader = control.Reader(up)
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.active = self.leaving = False

    def tell(self, header: dict) -> None:
        try:
            control.send(self.down, header)
        except OSError:
            pass

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass


class Supervisor:
    def __init__(self, settings: EndpointSettings, listener: socket.socket):
        self.settings, self.listener = settings, listener
        self.loop = asyncio.get_running_loop()
        own = EndpointSettings(settings.dataset_path, **{k: getattr(settings, k) for k in FRONT_SETTINGS
                                                         if k != "workers"}, workers=1,
                               check_queries=settings.check_queries)
        self.endpoint = Endpoint(own)
        self.endpoint.mode = "direct"
        self.fronts: list[FrontWorker] = []
        self.spare: FrontWorker | None = None
        self.sent_heavy: OrderedDict[str, None] = OrderedDict()  # digests told to the front workers
        self.held: list[str] = []  # client addresses whose queries come here on arrival, as told to the fronts
        self.stats = {"replaced": 0, "handed_over": 0, "passed_on": 0, "runaways": 0, "gone": 0}
        self.closing = False
        self.state = None
        self._sync = None

    async def start(self) -> None:
        from .http import _Server

        await self.endpoint.start()
        self.state = _Server(self.endpoint, create_app(self.endpoint.settings, self.endpoint).app, self.loop)
        workers = [self._start_front() for _ in range(self.settings.fronts + 1)]
        await asyncio.gather(*(w.ready for w in workers))
        *active, self.spare = workers
        for w in active:
            self._activate(w)
        self._sync = self.loop.call_later(SYNC_EVERY, self._sync_heavy)

    def _start_front(self) -> FrontWorker:
        up_mine, up_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        down_mine, down_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        s = self.settings
        args = json.dumps({k: getattr(s, k) for k in FRONT_SETTINGS})
        fds = [self.listener.fileno(), up_theirs.fileno(), down_theirs.fileno()]
        proc = subprocess.Popen([sys.executable, BOOT, "front", s.dataset_path, "check" if s.check_queries else "no-check",
                                 str(s.memory_limit or 0), *map(str, fds), args], pass_fds=fds)
        up_theirs.close()
        down_theirs.close()
        up_mine.setblocking(False)
        down_mine.settimeout(1.0)
        worker = FrontWorker(proc, up_mine, down_mine)
        self.loop.add_reader(up_mine.fileno(), self._on_front, worker)
        return worker

    def _activate(self, worker: FrontWorker) -> None:
        worker.active = True
        self.fronts.append(worker)
        worker.tell({"op": "go"})

    # ------------------------------------------------------------------ messages from a front worker
    def _on_front(self, worker: FrontWorker) -> None:
        frames = worker.reader.read()
        if frames is None:
            self._lost(worker)
            return
        for header, payload, fd in frames:
            op = header.get("op")
            if op == "ready":
                if self.sent_heavy:
                    worker.tell({"op": "heavy", "digests": list(self.sent_heavy)})
                if self.held:
                    worker.tell({"op": "held", "clients": self.held})
                if not worker.ready.done():
                    worker.ready.set_result(header)
            elif op == "state":
                worker.tell({"op": "state", "id": header.get("id"), "state": self.health()})
            elif op == "leaving":
                self.stats["runaways" if header.get("rerun") else "gone"] += 1
                self._replace(worker)
            elif op == "connection" and fd is not None:
                self.stats["handed_over"] += 1
                self._adopt(fd, payload, header.get("heavy"), float(header.get("spent") or 0.0))

    def _adopt(self, fd: int, payload: bytes, heavy: str | None, spent: float = 0.0) -> None:
        from .http import HttpProtocol

        if heavy is not None:
            self.mark_heavy(heavy)
        try:
            sock = socket.socket(fileno=fd)
            sock.setblocking(False)
            client = client_key(sock.getpeername()[0])  # as the held list names it (an IPv6 host by its /64)
        except OSError:
            os.close(fd)
            return
        if heavy is None and not payload and client not in self.held and self._pass_on(sock):
            return

        async def adopt() -> None:
            try:
                _transport, proto = await self.loop.connect_accepted_socket(lambda: HttpProtocol(self.state), sock)
            except OSError:
                sock.close()
                return
            proto.spent = spent  # the re-run keeps the request's deadline: --timeout in all
            if payload:
                proto.data_received(payload)

        self.loop.create_task(adopt())

    def _pass_on(self, sock: socket.socket) -> bool:
        """Give a connection with nothing pending (an idle keep-alive one, or one accepted but
        not read yet, of a front worker that left) to a front worker, the newest: here, the
        one-worker fast lane would answer its queries behind the runaways handed over with it
        (a client sending one runaway each from a dozen addresses starved everyone else)."""
        for w in reversed(self.fronts):
            if w.leaving or not w.ready.done():
                continue
            try:
                control.send(w.down, {"op": "adopt", "fd": True}, b"", sock.fileno())
            except OSError:
                continue
            sock.close()  # the front worker holds it now
            self.stats["passed_on"] += 1
            return True
        return False

    def mark_heavy(self, text: str) -> None:
        """A text that overran: run in the slow lane here, handed over on arrival by the fronts."""
        heavy = self.endpoint.pool._heavy  # noqa: SLF001 - Lanes' own record, shared on purpose
        heavy[text] = None
        while len(heavy) > 1024:
            heavy.popitem(last=False)
        self._tell_heavy([text])

    def _tell_heavy(self, texts) -> None:
        digests = [d for d in map(control.digest, texts) if d not in self.sent_heavy]
        if not digests:
            return
        for d in digests:
            self.sent_heavy[d] = None
        while len(self.sent_heavy) > 1024:
            self.sent_heavy.popitem(last=False)
        for w in self.fronts + ([self.spare] if self.spare else []):
            w.tell({"op": "heavy", "digests": digests})

    def _sync_heavy(self) -> None:
        """Texts the supervisor's own fast lane found heavy (on adopted connections) told to the
        fronts, and the clients held here (:meth:`_sync_held`)."""
        self._tell_heavy(list(self.endpoint.pool._heavy))  # noqa: SLF001
        self._sync_held()
        self._sync = self.loop.call_later(SYNC_EVERY, self._sync_heavy)

    def _sync_held(self) -> None:
        """The per-client budget across the hand-over: a client with a query running or
        waiting here (a runaway of its re-run in the slow lane, mostly) has its next queries
        handed over on arrival by the fronts, to be run here within ``--per-client`` (429 +
        Retry-After beyond) and the lanes' queue bound (503), until none is left here.
        Without it, a client sending more distinct runaways than there are front workers
        kept every front worker stuck for the fast budget and then replaced, one process
        start per runaway, and nobody else was served (tests/test_endpoint_attack_direct.py).
        The price: meanwhile, that address's queries (a NAT's other users' too) run in the
        supervisor's one-worker fast lane."""
        held = sorted(c for c, n in self.endpoint.in_flight.items() if n >= HOLD_AT)
        if held != self.held:
            self.held = held
            for w in self.fronts + ([self.spare] if self.spare else []):
                w.tell({"op": "held", "clients": held})

    # ------------------------------------------------------------------ replacing front workers
    def _replace(self, worker: FrontWorker) -> None:
        """``worker`` leaves (or has died): the spare accepts in its place, a new spare starts."""
        if worker.leaving or self.closing:
            return
        worker.leaving = True
        if worker in self.fronts:
            self.fronts.remove(worker)
            self.stats["replaced"] += 1
            spare, self.spare = self.spare, None
            if spare is not None and spare.ready.done() and spare.ready.exception() is None:
                self._activate(spare)
            elif spare is not None and not spare.ready.done():
                spare.ready.add_done_callback(lambda f, s=spare: None if f.exception() else self._activate(s))
            self._new_spare()
        elif worker is self.spare:
            self.spare = None
            self._new_spare()

    def _new_spare(self) -> None:
        if self.closing or self.spare is not None:
            return
        self.spare = self._start_front()

    def _lost(self, worker: FrontWorker) -> None:
        try:
            self.loop.remove_reader(worker.up.fileno())
        except (ValueError, OSError):
            pass
        if not worker.ready.done():  # died before it was ready (at start: serve fails, as a hop worker's would)
            worker.ready.set_exception(RuntimeError("a front worker failed to start"))
            worker.ready.exception()  # retrieved: no "never retrieved" warning for a spare's
            if worker is self.spare and not self.closing:
                self.spare = None
                self.loop.call_later(1.0, self._new_spare)  # not in a tight loop if every start fails
            worker.leaving = True
        self._replace(worker)
        worker.up.close()
        worker.down.close()
        worker.kill()
        self.loop.run_in_executor(None, worker.proc.wait)

    # ------------------------------------------------------------------ health, close
    def health(self) -> dict:
        mine = self.endpoint.health()
        spare = self.spare
        return {"front": {"fronts": self.settings.fronts, "threads": self.settings.workers,
                          "pids": [w.proc.pid for w in self.fronts],
                          "spare_pid": spare.proc.pid if spare else None,
                          "spare_ready": bool(spare and spare.ready.done()), "held": list(self.held), **self.stats},
                "lanes": mine["lanes"]}

    async def close(self) -> None:
        self.closing = True
        if self._sync is not None:
            self._sync.cancel()
        workers = self.fronts + ([self.spare] if self.spare else [])
        for w in workers:
            w.kill()
        for w in workers:
            await self.loop.run_in_executor(None, w.proc.wait)
        if self.state is not None:
            self.state.stop()
        await self.endpoint.close()


def listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


async def serve(settings: EndpointSettings, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then stop every worker."""
    listener = listen(host, port)
    supervisor = Supervisor(settings, listener)
    from .http import stop_on_signals

    stop = stop_on_signals()
    try:
        await supervisor.start()
        log.info("listening on http://%s:%d (%d front worker(s) answering queries directly, %d query threads each)",
                 host, port, settings.fronts, settings.workers)
        await stop.wait()
    finally:
        await supervisor.close()
        listener.close()
