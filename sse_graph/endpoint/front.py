"""A front worker of ``serve --front direct``: it accepts HTTP itself and answers
``/sparql`` with no process hop.

Started by the supervisor (direct.py) through worker_boot.py, which puts up the OS
barrier (isolation.py) first: the listening socket and the two control
socketpairs (control.py) were made before and are inherited, and neither
``accept()`` on an inherited socket nor AF_UNIX traffic is stopped by the barrier;
no AF_INET/AF_INET6 socket can be opened here, so a query cannot reach out.

The event loop runs http.py's :class:`HttpProtocol` with :class:`InlineBackend`.
A text this worker has seen answered in under ``CHEAP`` seconds is evaluated
inline, in the loop's thread (about 10 us of Python around the engine's work: the
cheapest road there is); any other — a text seen for the first time, or one that
took longer — runs in one of ``--workers`` query threads (pyoxigraph releases the
GIL while it evaluates and serialises, so they use the other cores) while the loop
goes on answering the other connections; beyond ``--workers`` + ``--max-queue``
threaded queries waiting 503 + Retry-After, beyond ``--per-client`` of one client
429.  So a query of a few milliseconds, or the first run of a runaway, never holds
up the cheap ones of other clients.

Runaways are the watchdog's business: a thread that sees a query (inline or in a
query thread) running longer than ``fast_budget`` of wall time AND a tenth of that
in its own thread's CPU time (as the hop mode's fast lane decides; a query waiting
for a core is no runaway) hands every connection this worker holds to the
supervisor and ends the process — a running query cannot be stopped otherwise.
The supervisor re-runs the stuck request in its slow lane (deadline, 503,
cancellation on disconnect are its code), and the other queries that were running
in this worker's threads, and keeps the connections; its spare front worker takes
this one's place.  The same is done when the client of a running query goes away
(seen with MSG_PEEK), so that the worker is free within a second.  A text known to
overrun is handed over on arrival, its connection alone, never run here.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from . import control
from .pool import Answer, PoolBusy
from .server import Endpoint, EndpointSettings, Reply, ResultCache, _text, create_app
from .worker import answer_query

log = logging.getLogger("sse_graph.endpoint")

WATCH_EVERY = 0.05   # seconds between two looks of the watchdog at the running query
PEEK_AFTER = 0.2     # a query running this long gets its client's socket checked (gone?)
BUSY_SHARE = 0.1     # as pool.BUSY_SHARE
CHEAP = 0.001        # seconds: a text answered in less (its thread's CPU time) is evaluated inline next time
CHEAP_TEXTS = 4096   # texts remembered as cheap, the least recently used forgotten first
CHEAP_TEXT_MAX = 4096  # characters: a longer text always runs in a query thread (the set stays small)


class AtBudget(Exception):
    """The client has ``--per-client`` queries in this worker's threads already."""


class InlineBackend:
    """Queries evaluated in this thread, on the store this process opened."""

    inline = True

    def __init__(self, store, barriers: list[str], check_queries: bool, front: "Front"):
        self.store, self.barriers, self.check_queries, self.front = store, barriers, check_queries, front
        self.graph_names = store.graph_names
        self.isolated = bool(barriers)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def run_now(self, job, conn, raw):
        """The answer; None if the connection was handed over (a text known to overrun);
        an asyncio future of it if the query runs in a query thread."""
        front = self.front
        if front.heavy and control.digest(job.query) in front.heavy:
            front.hand_over_now(conn, raw, job.query)
            return None
        if front.held and conn.client in front.held:  # budget and lanes of the supervisor
            front.hand_over_now(conn, raw, None)
            return None
        if job.query not in front.cheap:
            return front.submit(conn, raw, job, self)
        front.begin(conn, raw, job.query)
        try:
            status, kind, body, truncated = self.answer(job)
        finally:
            spent = front.end()
        if spent >= CHEAP:  # slower than it was (a busy machine): the query threads again
            front.cheap.pop(job.query, None)
        return Answer(status, body, kind, truncated)

    def answer(self, job) -> tuple[int, str, bytes, bool]:
        return answer_query(self.store, job.query, job.fmt, job.max_rows, job.base, job.default_graphs,
                            job.named_graphs, self.check_queries, self.isolated)


class FrontEndpoint(Endpoint):
    """The endpoint of a front worker: inline backend, its own answer cache; health
    asks the supervisor for the rest (its lanes, the front workers)."""

    def __init__(self, settings: EndpointSettings, backend: InlineBackend, front: "Front"):
        self.settings, self.pool, self.front = settings, backend, front
        self.cache = ResultCache(settings.cache_size, settings.cache_bytes)
        self.in_flight: dict[str, int] = {}
        self._limit_headers = [("Vary", "Accept, Origin"), ("X-SSE-Row-Limit", str(settings.max_rows))]

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def answer_now(self, req, conn=None, raw=None):
        """:meth:`Endpoint.handle` for this worker (http.py calls it on every ``/sparql``
        request): the reply when the query was answered inline; a coroutine of it when the
        query runs in a query thread; None if the connection was handed over to the
        supervisor; 503/429 + Retry-After when the threads' queue or the client's budget is full."""
        pending = self.prepare(req)
        if type(pending) is Reply:
            return pending
        try:
            answer = self.pool.run_now(pending.job, conn, raw)
        except PoolBusy:
            return _text(503, "the endpoint is busy; try again shortly", [("Retry-After", "2")])
        except AtBudget:
            return _text(429, f"at most {self.settings.per_client} queries at a time per client; try again shortly",
                         [("Retry-After", "1")])
        if answer is None:
            return None
        if type(answer) is not Answer:
            return self._when_answered(pending, answer)
        self.cache.put(pending.key, answer)
        return self.reply(pending.job.fmt, answer)

    async def _when_answered(self, pending, future) -> Reply:
        answer = await future
        self.cache.put(pending.key, answer)
        return self.reply(pending.job.fmt, answer)

    async def health(self) -> dict:
        state = await self.front.ask_supervisor()
        return {"status": "ok", "mode": "direct", "graphs": len(self.pool.graph_names), "isolation": self.pool.barriers,
                "store": self.settings.store_kind(),
                "cache": {"entries": len(self.cache), "bytes": self.cache.bytes, "max_bytes": self.cache.max_bytes,
                          "per": "front worker"},
                "front": {**state.get("front", {}), "answered_by": os.getpid(), **self.front.counts()},
                "lanes": state.get("lanes", {})}


def reserialize(req) -> bytes:
    """A parsed request (http.py's ``_Request``) as HTTP/1.1 bytes again, for the
    supervisor's parser: its body whole, with its length (a chunked one included)."""
    body = b"".join(req.body)
    lines = [f"{req.method} ".encode("latin-1") + req.url + f" HTTP/{req.version}\r\n".encode()]
    for name, value in req.headers:
        if name in (b"content-length", b"transfer-encoding", b"expect"):
            continue
        lines.append(name + b": " + value + b"\r\n")
    lines.append(b"content-length: %d\r\n\r\n" % len(body))
    return b"".join(lines) + body


class Front:
    """This worker's connections, its watchdog, and its side of the control channel."""

    def __init__(self, settings: EndpointSettings, up: socket.socket, down: socket.socket):
        self.settings, self.up, self.down = settings, up, down
        self.heavy: set[str] = set()  # digests of texts known to overrun (control.digest)
        self.held: frozenset[str] = frozenset()  # client addresses whose queries go to the supervisor (direct.py)
        self.state = None             # http.py's _Server, once serving
        self.lock = threading.Lock()
        self.running = None           # (connection, request, text, wall start, CPU clock) of the inline query in flight
        self.threaded: dict[int, tuple] = {}  # the same, of each query thread's query, by thread
        self.cheap: OrderedDict[str, None] = OrderedDict()  # texts answered in under CHEAP seconds
        self.threads = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="query")
        self.tally = threading.Lock()  # the counts below, changed in the loop's and the query threads
        self.in_threads = 0           # queries submitted to the threads and not finished
        self.by_client: dict[str, int] = {}
        self.answered = {"inline": 0, "threaded": 0}
        self.loop = None              # the event loop (set when serving): the watchdog calls into it
        self.leaving = False
        self.go = asyncio.Event()
        self.asked: dict[int, asyncio.Future] = {}
        self.adopting: set[asyncio.Task] = set()
        self.next_id = 0
        self.clock = time.pthread_getcpuclockid(threading.main_thread().ident)
        self.reader = control.Reader(down)

    # ------------------------------------------------------------------ the loop's thread
    def begin(self, conn, req, text: str) -> None:
        # no CPU clock read here (a system call per query): the watchdog reads it when it
        # first sees this query, at most WATCH_EVERY later, and counts the CPU from there
        self.running = (conn, req, text, time.perf_counter(), self.clock)

    def end(self) -> float:
        """The inline query is over: the seconds it took."""
        with self.lock:  # the watchdog holds it for good once it has decided to hand over
            running, self.running = self.running, None
        self.answered["inline"] += 1
        return time.perf_counter() - running[3]

    def submit(self, conn, req, job, backend) -> asyncio.Future:
        """Run ``job`` in a query thread; raises PoolBusy / AtBudget when full."""
        settings = self.settings
        with self.tally:
            if self.by_client.get(conn.client, 0) >= settings.per_client:
                raise AtBudget()
            if self.in_threads >= settings.workers + settings.max_queue:
                raise PoolBusy()
            self.in_threads += 1
            self.by_client[conn.client] = self.by_client.get(conn.client, 0) + 1
        return self.loop.run_in_executor(self.threads, self._in_thread, conn, req, job, backend)

    def _in_thread(self, conn, req, job, backend) -> Answer:
        ident = threading.get_ident()
        clock = time.pthread_getcpuclockid(ident)
        cpu0 = time.clock_gettime(clock)
        with self.lock:
            self.threaded[ident] = (conn, req, job.query, time.perf_counter(), clock)
        try:
            status, kind, body, truncated = backend.answer(job)
        finally:
            with self.lock:  # held for good by a watchdog that decided to hand over
                del self.threaded[ident]
            with self.tally:
                self.in_threads -= 1
                left = self.by_client[conn.client] - 1
                if left:
                    self.by_client[conn.client] = left
                else:
                    del self.by_client[conn.client]
                self.answered["threaded"] += 1
        if status == 200 and time.clock_gettime(clock) - cpu0 < CHEAP and len(job.query) <= CHEAP_TEXT_MAX:
            self._remember_cheap(job.query)
        return Answer(status, body, kind, truncated)

    def _remember_cheap(self, text: str) -> None:
        cheap = self.cheap
        with self.tally:
            cheap[text] = None
            cheap.move_to_end(text)
            while len(cheap) > CHEAP_TEXTS:
                cheap.popitem(last=False)

    def counts(self) -> dict:
        return {"answered": dict(self.answered), "in_threads": self.in_threads, "cheap_texts": len(self.cheap)}

    def on_control(self) -> None:
        frames = self.reader.read()
        if frames is None:  # the supervisor is gone: so are we
            os._exit(0)
        for header, _payload, fd in frames:
            op = header.get("op")
            if op == "adopt" and fd is not None:
                self._adopt(fd)
            elif fd is not None:
                os.close(fd)
            if op == "heavy":
                self.heavy.update(header["digests"])
            elif op == "held":
                self.held = frozenset(header["clients"])
            elif op == "go":
                self.go.set()
            elif op == "state":
                fut = self.asked.pop(header.get("id"), None)
                if fut is not None and not fut.done():
                    fut.set_result(header.get("state", {}))

    def _adopt(self, fd: int) -> None:
        """Serve a connection the supervisor passes on (another front worker's, which left)."""
        from .http import HttpProtocol

        try:
            sock = socket.socket(fileno=fd)
            sock.setblocking(False)
        except OSError:
            os.close(fd)
            return

        async def adopt() -> None:
            while self.state is None:  # passed on with "go": serving starts in a moment
                await asyncio.sleep(0.01)
            try:
                await asyncio.get_running_loop().connect_accepted_socket(lambda: HttpProtocol(self.state), sock)
            except OSError:
                sock.close()

        task = asyncio.get_running_loop().create_task(adopt())
        self.adopting.add(task)
        task.add_done_callback(self.adopting.discard)

    def _return_passed_on(self) -> None:
        """(watchdog, leaving) Connections passed on to this worker but not read from the
        control channel yet (the loop was stuck): back to the supervisor, not lost."""
        try:
            self.down.setblocking(False)
            while True:
                frames = self.reader.read()
                if not frames:
                    return
                for header, _payload, fd in frames:
                    if fd is not None and header.get("op") == "adopt":
                        control.send(self.up, {"op": "connection", "fd": True, "heavy": None}, b"", fd)
        except OSError:
            pass

    async def ask_supervisor(self) -> dict:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.asked[self.next_id] = fut
        control.send(self.up, {"op": "state", "id": self.next_id})
        try:
            return await asyncio.wait_for(fut, 5)
        except asyncio.TimeoutError:
            self.asked.pop(self.next_id, None)
            return {}

    def hand_over_now(self, conn, req, text: str | None) -> None:
        """Hand one connection over (a known-heavy ``text`` arrived on it, or a request of a
        client at its budget) and forget it here."""
        payload = self._pending_bytes(conn, req)
        if payload is None:
            conn.close()
            return
        self._send_connection(conn, payload, text)
        conn.closed = True
        self.state.connections.discard(conn)
        conn.transport.abort()  # this process's descriptor only: the supervisor holds the connection now

    # ------------------------------------------------------------------ the watchdog's thread
    def watch(self) -> None:
        """Every WATCH_EVERY seconds, each query running (inline or in a query thread):
        past the fast budget (and busy), or its client gone, this worker leaves."""
        budget, checked = self.settings.fast_budget, 0.0
        seen: dict[tuple, float] = {}  # running query -> its thread's CPU seconds when first seen
        while True:
            time.sleep(WATCH_EVERY)
            running = self.running
            queries = ([running] if running is not None else []) + list(self.threaded.values())
            seen = {q: seen[q] if q in seen else time.clock_gettime(q[4]) for q in queries}
            now = time.perf_counter()
            peek = now - checked >= 0.1
            for q in queries:
                conn, t0, clock = q[0], q[3], q[4]
                if now - t0 >= budget and time.clock_gettime(clock) - seen[q] >= budget * BUSY_SHARE:
                    self._leave_for(q, rerun=True)
                    break
                if peek and now - t0 >= PEEK_AFTER:
                    checked = now
                    if conn.closed or _gone(conn):
                        self._leave_for(q, rerun=False)
                        break

    def _leave_for(self, query, rerun: bool) -> None:
        """Leave because of ``query``: from this (watchdog) thread if it is the loop's
        own inline query (the loop is stuck in it), else from the loop's thread, which is
        free and must not change the connections while they are handed over."""
        if query is self.running:
            self._leave(query, rerun)
        elif not self.leaving:
            self.leaving = True
            self.loop.call_soon_threadsafe(self._leave, query, rerun)

    def _leave(self, running, rerun: bool) -> None:
        """Hand every connection over (the stuck request, to re-run, if ``rerun``; else it
        is dropped: its client has gone; and the requests running in query threads, to
        re-run) and end this process."""
        self.lock.acquire()
        if self.running is not running and running not in self.threaded.values():  # it ended meanwhile
            self.lock.release()
            self.leaving = False
            return
        stuck_conn, stuck_req, text = running[0], running[1], running[2]
        try:
            control.send(self.up, {"op": "leaving", "rerun": rerun})
            for conn in list(self.state.connections if self.state else ()):
                if conn is stuck_conn:
                    if not rerun:
                        continue
                    payload = self._pending_bytes(conn, stuck_req, started=True)
                    if payload is not None:
                        self._send_connection(conn, payload, text, time.perf_counter() - running[3])
                    continue
                # a request in a query thread, or answered there and not written yet: run again
                payload = self._pending_bytes(conn, conn.threaded, started=conn.threaded is not None)
                if payload is not None:
                    self._send_connection(conn, payload, None)
            known = {self._fileno(c) for c in (self.state.connections if self.state else ())}
            for fd in _unannounced_connections(known - {None}):
                # accepted by the event loop, but their connection_made was still queued behind
                # the stuck query: nothing read from them yet, the supervisor reads it all
                control.send(self.up, {"op": "connection", "fd": True, "heavy": None}, b"", fd)
            self._return_passed_on()
        except OSError:
            pass
        finally:
            if self.state is not None and self.state.access is not None:
                self.state.access.flush()
            os._exit(0)

    def _pending_bytes(self, conn, first, started: bool = False) -> bytes | None:
        """What the supervisor must read on this connection before the socket's own bytes:
        ``first`` (the request being answered: ``started``, inline or in a query thread)
        and the requests read ahead; None if the connection cannot be handed over cleanly —
        an answer half written, a request half read, a non-query request in flight —: it
        is closed instead (rare)."""
        if conn.closed or conn.transport is None or conn.transport.is_closing():
            return None
        if conn.transport.get_write_buffer_size() or (conn.task is not None and not started) or conn.upgraded:
            return None
        if conn.current is not None and not conn.tail:  # a request half read, its bytes unknown
            return None
        pending = b"".join(reserialize(r) for r in ([first] if first is not None else []) + list(conn.queue))
        return pending + (conn.tail if conn.current is not None else b"")

    @staticmethod
    def _fileno(conn) -> int | None:
        sock = conn.transport.get_extra_info("socket") if conn.transport is not None else None
        return sock.fileno() if sock is not None else None

    def _send_connection(self, conn, payload: bytes, text: str | None, spent: float = 0.0) -> None:
        sock = conn.transport.get_extra_info("socket")
        if sock is None:
            return
        control.send(self.up, {"op": "connection", "fd": True, "heavy": text, "spent": spent}, payload,
                     sock.fileno())


def _unannounced_connections(known: set[int]) -> list[int]:
    """This process's connected TCP sockets that no protocol holds (see ``_leave``)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in known:
            continue
        try:
            probe = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue  # not a socket
        try:
            if probe.type == socket.SOCK_STREAM and probe.family in (socket.AF_INET, socket.AF_INET6):
                probe.getpeername()  # a listening socket has no peer: OSError
                found.append(fd)
        except OSError:
            pass
        finally:
            probe.close()
    return found


def _gone(conn) -> bool:
    """Whether the client of ``conn`` has closed its side (EOF with nothing left to read)."""
    sock = conn.transport.get_extra_info("socket") if conn.transport is not None else None
    if sock is None:
        return False
    peek = socket.socket(fileno=os.dup(sock.fileno()))
    try:
        return peek.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        peek.close()


def main(argv: list[str], barriers: list[str]) -> None:
    """argv: front DATASET check|no-check MEMORY_LIMIT LISTEN_FD UP_FD DOWN_FD SETTINGS_JSON."""
    import json

    _, dataset_path, check, memory_limit, listen_fd, up_fd, down_fd, settings_json = argv
    if int(memory_limit):
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (int(memory_limit), int(memory_limit)))
        except (ImportError, ValueError, OSError):
            pass
    from ..store import Store
    from .worker import _load

    _load()
    settings = EndpointSettings(dataset_path, check_queries=check == "check", **json.loads(settings_json))
    store = Store(dataset_path, memory=settings.in_memory)
    if settings.check_queries:
        from .. import safety

        safety.might_reach_out("\\u0041")  # the parser's module loaded now, not on the first query
        import rdflib.plugins.sparql.parser  # noqa: F401
    listener = socket.socket(fileno=int(listen_fd))
    up = socket.socket(fileno=int(up_fd))
    down = socket.socket(fileno=int(down_fd))
    up.setblocking(True)
    down.setblocking(False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging._srcfile = None  # noqa: SLF001 - as run_serve
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    runner(_serve(settings, store, barriers, listener, up, down))


async def _serve(settings, store, barriers, listener, up, down) -> None:
    from .http import HttpProtocol, _Server

    loop = asyncio.get_running_loop()
    front = Front(settings, up, down)
    backend = InlineBackend(store, barriers, settings.check_queries, front)
    endpoint = FrontEndpoint(settings, backend, front)
    app = create_app(settings, endpoint).app
    loop.add_reader(down.fileno(), front.on_control)
    control.send(up, {"op": "ready", "pid": os.getpid(), "barriers": barriers, "graphs": store.graph_names})
    await front.go.wait()  # a spare waits here, store open, until it takes a leaving worker's place
    front.state = state = _Server(endpoint, app, loop)
    front.loop = loop
    threading.Thread(target=front.watch, name="watchdog", daemon=True).start()
    await loop.create_server(lambda: HttpProtocol(state), sock=listener, backlog=1024)
    await asyncio.Event().wait()
