"""The HTTP/1.1 server ``serve`` runs: an asyncio protocol on httptools (the
parser uvicorn uses), on uvloop where it is installed.

Why not uvicorn: for an uncached query the server's own work is parsing the
request, handing the job to a worker and sending its bytes back, and under
uvicorn + ASGI that cost about 0.34 ms of CPU per request — more than the
query itself and twice what ``oxigraph serve-read-only`` spends on the whole
request (benchmarks/README.md, "The endpoint beside Oxigraph").  Here a request
to ``/sparql`` costs one parser feed, one task running :meth:`Endpoint.handle`
and one write of the whole response; no ASGI messages, no middleware, no
watcher task (a client that goes away cancels its request's task from
``connection_lost``).

Everything else (the YASGUI page, examples, health, static files, the CORS
preflight) goes to the Starlette application of server.py through a small ASGI
bridge: those are not on the hot path.

Kept from the ASGI stack, and tested (tests/test_endpoint*.py): 414 for a URL
longer than ``max_url``, 413 for a body announced (or, chunked, counted) longer
than ``max_body`` — at once, the body unread —, ``Expect: 100-continue``, HEAD,
keep-alive and HTTP/1.0, pipelined requests answered in order, 400 for bytes
that are not HTTP, one log line per request with escaped fields.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections import deque
from email.utils import formatdate
from urllib.parse import unquote

import httptools

from .server import Endpoint, EndpointSettings, QueryRequest, Reply, _printable, _text, client_key, create_app, reply_headers

__all__ = ["serve", "start_server"]

log = logging.getLogger("sse_graph.endpoint")

MAX_HEADERS = 64 << 10  # bytes of header lines at most (else 431)
MAX_PIPELINED = 16      # requests read ahead on one connection before reading pauses
FLUSH_EVERY = 0.05      # seconds the access log's lines wait to be written together
KEEP_ALIVE = 5.0        # seconds a connection may stay silent with nothing in flight (uvicorn's default)
REQUEST_TIME = 10.0     # seconds a request may take to arrive whole, however its bytes trickle (else 408)
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           406: "Not Acceptable", 408: "Request Timeout", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
           429: "Too Many Requests", 431: "Request Header Fields Too Large", 499: "Client Closed Request",
           500: "Internal Server Error", 503: "Service Unavailable"}


class _Date:
    """The Date header, formatted once a second."""

    def __init__(self):
        self.second, self.value = 0, b""

    def header(self) -> bytes:
        now = int(time.time())
        if now != self.second:
            self.second, self.value = now, b"date: " + formatdate(now, usegmt=True).encode() + b"\r\n"
        return self.value


_DATE = _Date()


_HEADS: dict[tuple, bytes] = {}  # (status, headers) -> the head's first lines: a few kinds of answer, again and again


def _head(status: int, headers, length: int, close: bool) -> bytes:
    key = (status, tuple(headers))
    try:
        start = _HEADS[key]
    except KeyError:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n".encode()]
        for k, v in headers:
            lines.append(f"{k}: {v}\r\n".encode("latin-1"))
        start = b"".join(lines)
        if len(_HEADS) >= 512:
            _HEADS.clear()
        _HEADS[key] = start
    return b"%scontent-length: %d\r\n%s%s\r\n" % (start, length, _DATE.header(), b"connection: close\r\n" if close else b"")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"  # run_serve's


class AccessLog:
    """The one line per request, as the logging module would write it with
    ``LOG_FORMAT`` to ``stream``, at a quarter of its cost (the logging module spends
    about 20 us per call building a record and a time stamp): the time is formatted
    once a second and the lines of FLUSH_EVERY seconds are written together.  Used
    only where logging is configured as :func:`run_serve` does; else ``log.info``."""

    def __init__(self, stream, loop):
        self.stream, self.loop = stream, loop
        self.lines: list[str] = []
        self.second, self.stamp = -1, ""

    @classmethod
    def for_config(cls, loop) -> "AccessLog | None":
        root = logging.getLogger()
        if log.handlers or not log.propagate or log.getEffectiveLevel() > logging.INFO or log.filters or root.filters:
            return None
        handlers = root.handlers
        if len(handlers) != 1 or type(handlers[0]) is not logging.StreamHandler or handlers[0].filters \
                or handlers[0].level > logging.INFO or handlers[0].formatter is None \
                or handlers[0].formatter._fmt != LOG_FORMAT or type(handlers[0].formatter) is not logging.Formatter:  # noqa: SLF001
            return None
        return cls(handlers[0].stream, loop)

    def write(self, method: str, path: str, status: int, ms: float, size: int) -> None:
        now = time.time()
        second = int(now)
        if second != self.second:
            self.second, self.stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        if not self.lines:  # written every FLUSH_EVERY s: not one write (a system call) per request
            self.loop.call_later(FLUSH_EVERY, self.flush)
        self.lines.append(f"{self.stamp},{int((now - second) * 1000):03d} INFO sse_graph.endpoint "
                          f"{_printable(method)} {_printable(path)} {status} {ms:.1f}ms {size}B\n")

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        try:
            self.stream.write("".join(lines))
            self.stream.flush()
        except (OSError, ValueError):
            pass


class _Request:
    __slots__ = ("method", "url", "headers", "body", "keep_alive", "version", "refused")

    def __init__(self):
        self.url, self.headers, self.body = b"", [], []
        self.method, self.keep_alive, self.version, self.refused = "", True, "1.1", None


def _content_length(req: _Request) -> int | None:
    """The length of a request's body as framed on the wire; None if chunked."""
    length = 0
    for name, value in req.headers:
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            length = int(value)
    return length


class HttpProtocol(asyncio.Protocol):
    """One client connection: requests are parsed as they arrive and answered one
    after the other, in order."""

    def __init__(self, server: "_Server"):
        self.server, self.endpoint, self.settings = server, server.endpoint, server.endpoint.settings
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.client, self.peer = "?", None
        self.current: _Request | None = None
        self.header_bytes = self.body_bytes = 0
        self.name = b""
        self.queue: deque[_Request] = deque()
        self.task: asyncio.Task | None = None
        self.inflight: _Request | None = None  # a request being answered inline
        self.threaded: _Request | None = None  # a request whose query runs in a query thread (front.py)
        self.spent = 0.0  # seconds its first request ran in the front worker that handed it over
        self.closed = self.paused = self.upgraded = False
        self.last = 0.0  # loop time of the last bytes received or answer sent
        self.begun = 0.0  # loop time the request being read began to arrive
        self.blocked = False  # the client does not read its answers: no more are made (pause_writing)
        self.unsent = (0, 0.0)  # (bytes left to send, since when none were sent) as the sweep last saw them
        self.done = 0  # requests completed by the bytes being parsed
        self.tail: bytes | None = b""  # (inline) the raw bytes of the request being read; None: unknown
        self.seen_headers: tuple[list, dict] = ([], {})  # the last request's header lines and their dict

    # ------------------------------------------------------------------ connection
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.peer = transport.get_extra_info("peername")
        self.client = client_key(self.peer[0]) if self.peer else "?"  # an IPv6 host by its /64
        self.last = self.server.loop.time()
        self.server.connections.add(self)

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.server.connections.discard(self)
        if self.task is not None and not self.task.done():
            self.task.cancel()  # the client is gone: its query's worker is killed and replaced (pool.py)
        self.server.gone(self)

    def idle_since(self, when: float) -> bool:
        """Whether nothing is in flight and nothing was received or sent since ``when``."""
        return self.task is None and not self.queue and self.last < when

    def slow_since(self, when: float) -> bool:
        """Whether the request being read began before ``when`` (slowloris: its bytes
        trickle in, each of them keeping the connection from looking idle)."""
        return self.current is not None and self.begun < when

    def stalled(self, now: float, when: float) -> bool:
        """Whether answers wait to be sent and none of their bytes left since ``when``
        (a client that does not read); ``now`` is the sweep's time."""
        size = self.transport.get_write_buffer_size() if self.transport is not None else 0
        left, since = self.unsent
        if not size or size < left:
            self.unsent = (size, now)
            return False
        if size > left:
            self.unsent = (size, since if left else now)
        return since < when

    def pause_writing(self) -> None:
        self.blocked = True

    def resume_writing(self) -> None:
        self.blocked = False
        if self.task is None and self.queue:
            self._next()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.last = self.server.loop.time()
        if self.upgraded:  # bytes after an upgrade request: not HTTP/1.1 any more
            return
        self.done = 0
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._next_unless_busy()
            # an upgrade (h2c, websocket) is not done: the request is answered as plain
            # HTTP/1.1 (as uvicorn does), and the connection closed after it
            self.upgraded = True
            if not self.queue and self.task is None:
                self._refuse_now(400, "the request is not valid HTTP/1.1")
        except httptools.HttpParserError:
            self._next_unless_busy()  # the requests read before the bad bytes are answered first
            if self.current is not None and self.current.refused:
                self._refuse_now(*self.current.refused)
            else:
                self._refuse_now(400, "the request is not valid HTTP/1.1")
        else:
            if self.server.inline and (self.current is not None or self.tail != b""):
                self._keep_tail(data)
            self._next_unless_busy()

    def _keep_tail(self, data: bytes) -> None:
        """Keep the raw bytes of a request only partly received (inline backends): if the
        connection is handed over (front.py), the supervisor's parser must read them again.
        Only done when a request spans reads; the requests completed in ``data`` are
        skipped by their framing (headers, then Content-Length bytes)."""
        if self.current is None:
            self.tail = b""
            return
        if self.tail is None:
            return
        buf, pos = self.tail + data, 0
        for req in list(self.queue)[len(self.queue) - self.done:] if self.done else ():
            while buf.startswith(b"\r\n", pos):
                pos += 2
            end = buf.find(b"\r\n\r\n", pos)
            length = _content_length(req)
            if end < 0 or length is None:
                self.tail = None
                return
            pos = end + 4 + length
        self.tail = buf[pos:]

    def _next_unless_busy(self) -> None:
        # requests are answered once all the bytes received are parsed, not from the parser's
        # callback: an inline answer (front.py) may hand the connection over, and the requests
        # pipelined behind it must be in ``queue`` by then, not in bytes not yet parsed
        if self.task is None and self.queue:
            self._next()

    # ------------------------------------------------------------------ parser callbacks
    def on_message_begin(self) -> None:
        self.current = _Request()
        self.begun = self.last
        self.header_bytes = self.body_bytes = 0

    def on_url(self, url: bytes) -> None:
        req = self.current
        req.url += url
        if len(req.url) > self.settings.max_url and req.refused is None:
            req.refused = (414, f"the URL is longer than {self.settings.max_url} bytes; POST the query")
            raise httptools.HttpParserError("URL too long")  # stop reading: answered at once

    def on_header(self, name: bytes, value: bytes) -> None:
        req = self.current
        self.header_bytes += len(name) + len(value) + 4
        if self.header_bytes > MAX_HEADERS:
            req.refused = (431, "the request headers are too large")
            raise httptools.HttpParserError("headers too large")
        name = name.lower()
        req.headers.append((name, value))
        if name == b"content-length" and (not value.strip().isdigit() or int(value) > self.settings.max_body):
            req.refused = (413, f"the request body is larger than {self.settings.max_body} bytes")
            raise httptools.HttpParserError("body too large")

    def on_headers_complete(self) -> None:
        req, parser = self.current, self.parser
        req.method = parser.get_method().decode("ascii", "replace")
        req.version = parser.get_http_version()
        req.keep_alive = parser.should_keep_alive()
        if parser.should_upgrade():  # answered as HTTP/1.1 and closed (an inline answer comes before the parser's
            self.upgraded = True     # HttpParserUpgrade: it must know now)
        for name, value in req.headers:
            if name == b"expect" and value.lower() == b"100-continue" and not self.queue and self.task is None:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        req = self.current
        self.body_bytes += len(body)
        if self.body_bytes > self.settings.max_body:
            req.refused = (413, f"the request body is larger than {self.settings.max_body} bytes")
            raise httptools.HttpParserError("body too large")
        req.body.append(body)

    def on_message_complete(self) -> None:
        req, self.current = self.current, None
        self.done += 1
        self.queue.append(req)
        if len(self.queue) > MAX_PIPELINED and not self.paused:
            self.paused = True
            self.transport.pause_reading()

    # ------------------------------------------------------------------ answering
    def _next(self) -> None:
        self.last = self.server.loop.time()
        inline = self.server.inline
        while True:
            if self.closed or not self.queue or self.blocked:  # blocked: resume_writing goes on
                self.task = None
                return
            if self.paused and len(self.queue) <= MAX_PIPELINED // 2:
                self.paused = False
                self.transport.resume_reading()
            req = self.queue.popleft()
            if inline and req.method != "OPTIONS" and req.url.partition(b"?")[0] == b"/sparql":
                if self._answer_inline(req):  # no task: the query ran here, in the event loop's thread
                    continue
                return  # in a query thread (front.py): the next request waits for its answer
            self.task = self.server.loop.create_task(self._answer(req))
            return

    def _answer_inline(self, req: _Request) -> bool:
        """A ``/sparql`` request answered at once by an inline backend (front.py); False if
        its query runs in a query thread instead (a task sends the answer; ``task`` is set)."""
        t0 = time.perf_counter()
        self.inflight = req  # what the front worker's watchdog reads (front.py)
        status = size = 0
        try:
            request = self._query_request(req, "/sparql", req.url.partition(b"?")[2].decode("latin-1"))
            reply = self.endpoint.answer_now(request, self, req)
            if reply is None:  # handed over to the supervisor with the connection (front.py)
                return True
            if type(reply) is not Reply:  # a coroutine: the query runs in a query thread
                self.threaded = req  # re-run by the supervisor if this worker leaves before it is written
                self.task = self.server.loop.create_task(self._answer_threaded(req, request, reply, t0))
                return False
            status, size = self._send_reply(req, request, reply)
        except Exception:  # noqa: BLE001 - never a traceback to the client
            status, size = self._send_internal_error(req)
        finally:
            self.inflight = None
        self._log_query(req, status, t0, size)
        self.last = self.server.loop.time()
        return True

    async def _answer_threaded(self, req: _Request, request: QueryRequest, pending, t0: float) -> None:
        status = size = 0
        try:
            status, size = self._send_reply(req, request, await pending)
        except asyncio.CancelledError:
            status = 499  # the client went away (the watchdog frees the thread, front.py)
        except Exception:  # noqa: BLE001 - never a traceback to the client
            status, size = self._send_internal_error(req)
        finally:
            self.threaded = None
            self._log_query(req, status, t0, size)
        self.task = None  # done: the next request may be answered inline, or its connection handed over
        self._next()

    def _send_reply(self, req: _Request, request: QueryRequest, reply: Reply) -> tuple[int, int]:
        self._send(req, reply.status, reply_headers(reply, "origin" in request.headers), reply.body)
        return reply.status, len(reply.body)

    def _send_internal_error(self, req: _Request) -> tuple[int, int]:
        log.exception("internal error on %s /sparql", _printable(req.method))
        reply = _text(500, "internal error")
        self._send(req, 500, [("Content-Type", reply.media_type)], reply.body)
        return 500, len(reply.body)

    def _log_query(self, req: _Request, status: int, t0: float, size: int) -> None:
        if self.server.access is not None:
            self.server.access.write(req.method, "/sparql", status, (time.perf_counter() - t0) * 1000, size)
        else:
            log.info("%s %s %d %.1fms %dB", _printable(req.method), "/sparql", status,
                     (time.perf_counter() - t0) * 1000, size)

    def _query_request(self, req: _Request, path: str, query: str) -> QueryRequest:
        lines, headers = self.seen_headers
        if req.headers != lines:  # a client sends the same header lines again and again: read once per connection
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in req.headers}
            if len(headers) != len(req.headers):  # a repeated header: its values joined, in order
                headers = {}
                for k, v in req.headers:
                    name, value = k.decode("latin-1"), v.decode("latin-1")
                    headers[name] = f"{headers[name]}, {value}" if name in headers else value
            self.seen_headers = (req.headers, headers)  # read only from here on (QueryRequest.headers)
        return QueryRequest(req.method, path, query, headers, b"".join(req.body) if req.body else b"", self.client)

    async def _answer(self, req: _Request) -> None:
        t0 = time.perf_counter()
        raw_path, _, query = req.url.partition(b"?")
        # as uvicorn gives Starlette ``scope["path"]``: percent-escapes read as UTF-8
        path = unquote(raw_path.decode("latin-1")) if b"%" in raw_path else raw_path.decode("latin-1")
        status, size = 500, 0
        try:
            if path == "/sparql" and req.method != "OPTIONS":
                status, size = await self._sparql(req, path, query.decode("latin-1"))
            else:
                status, size = await self._asgi(req, raw_path, path, query)
        except asyncio.CancelledError:
            status = 499  # the client went away
        except Exception:  # noqa: BLE001 - never a traceback to the client
            log.exception("internal error on %s %s", _printable(req.method), _printable(path))
            if not self.closed:
                reply = _text(500, "internal error")
                self._send(req, reply.status, [("Content-Type", reply.media_type)], reply.body)
        finally:
            if path == "/sparql" and req.method != "OPTIONS":
                if self.server.access is not None:
                    self.server.access.write(req.method, path, status, (time.perf_counter() - t0) * 1000, size)
                else:
                    log.info("%s %s %d %.1fms %dB", _printable(req.method), _printable(path), status,
                             (time.perf_counter() - t0) * 1000, size)
        self._next()

    async def _sparql(self, req: _Request, path: str, query: str) -> tuple[int, int]:
        request = self._query_request(req, path, query)
        spent, self.spent = self.spent, 0.0  # the first request of a connection handed over (direct.py)
        reply: Reply = await self.endpoint.handle(request, spent)
        self._send(req, reply.status, reply_headers(reply, "origin" in request.headers), reply.body)
        return reply.status, len(reply.body)

    def _send(self, req: _Request, status: int, headers, body: bytes) -> None:
        if self.closed:
            return
        close = not req.keep_alive or self.upgraded
        head = _head(status, headers, len(body), close)
        self.transport.write(head if req.method == "HEAD" else head + body)
        if close:
            self.transport.close()
            self.closed = True

    def _refuse_now(self, status: int, message: str) -> None:
        """Answer a request that cannot be read (too big, not HTTP) and close the connection."""
        if self.closed:
            return
        reply = _text(status, message)
        log.info("%s %s %d %.1fms %dB", _printable(self.current.method if self.current else "?"), "-", status, 0.0,
                 len(reply.body))
        if self.task is None:  # answers before it stay in order: those in flight are dropped with the connection
            self.transport.write(_head(status, [("Content-Type", reply.media_type)], len(reply.body), True) + reply.body)
        self.transport.close()
        self.closed = True

    async def _asgi(self, req: _Request, raw_path: bytes, path: str, query: bytes) -> tuple[int, int]:
        """Any other request, through the Starlette application (which logs it)."""
        local = self.transport.get_extra_info("sockname")
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": req.version,
                 "server": tuple(local[:2]) if local else None, "client": tuple(self.peer[:2]) if self.peer else None,
                 "scheme": "http", "method": req.method, "root_path": "", "path": path, "raw_path": raw_path,
                 "query_string": query, "headers": req.headers, "state": {}}
        body = b"".join(req.body)
        sent = False
        start: dict = {}
        chunks: list[bytes] = []

        async def receive():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await self.server.disconnected(self)
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.server.app(scope, receive, send)
        status = start.get("status", 500)
        payload = b"".join(chunks)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])
                   if k.lower() not in (b"content-length", b"transfer-encoding", b"connection")]
        length = len(payload)
        if req.method == "HEAD":  # Starlette sends HEAD's length in its headers, and no body (files)
            for k, v in start.get("headers", []):
                if k.lower() == b"content-length" and not payload:
                    length = int(v)
        if not self.closed:
            close = not req.keep_alive or self.upgraded
            self.transport.write(_head(status, headers, length, close) + (b"" if req.method == "HEAD" else payload))
            if close:
                self.transport.close()
                self.closed = True
        return status, len(payload)


class _Server:
    def __init__(self, endpoint: Endpoint, app, loop):
        self.endpoint, self.app, self.loop = endpoint, app, loop
        self.connections: set[HttpProtocol] = set()
        self.inline = hasattr(endpoint, "answer_now") and getattr(endpoint.pool, "inline", False)
        self.access = AccessLog.for_config(loop)
        self._waiting: dict[HttpProtocol, asyncio.Future] = {}
        self._sweeper = loop.call_later(1.0, self._sweep)

    def _sweep(self) -> None:
        """Close connections silent for KEEP_ALIVE seconds with nothing in flight (idle
        keep-alive connections, requests never finished): one timer for all of them,
        none per request."""
        now = self.loop.time()
        limit = now - KEEP_ALIVE
        for proto in list(self.connections):
            if proto.stalled(now, limit):  # its answers cannot be sent: dropped, not flushed forever
                proto.closed = True
                proto.transport.abort()
            elif proto.slow_since(now - REQUEST_TIME):
                proto._refuse_now(408, f"the request did not arrive whole within {REQUEST_TIME:g} s")
            elif proto.idle_since(limit):
                proto.close()
        self._sweeper = self.loop.call_later(1.0, self._sweep)

    def stop(self) -> None:
        self._sweeper.cancel()
        if self.access is not None:
            self.access.flush()

    async def disconnected(self, proto: HttpProtocol) -> None:
        if proto.closed:
            return
        fut = self._waiting.get(proto)
        if fut is None:
            fut = self._waiting[proto] = self.loop.create_future()
        await fut

    def gone(self, proto: HttpProtocol) -> None:
        fut = self._waiting.pop(proto, None)
        if fut is not None and not fut.done():
            fut.set_result(None)


async def start_server(settings: EndpointSettings, host: str, port: int):
    """Start the workers and listen; returns (asyncio server, endpoint, connections' state)."""
    endpoint = Endpoint(settings)
    app = create_app(settings, endpoint).app  # the Starlette part: page, examples, health, static files
    await endpoint.start()
    loop = asyncio.get_running_loop()
    state = _Server(endpoint, app, loop)
    try:
        server = await loop.create_server(lambda: HttpProtocol(state), host, port, backlog=1024)
    except OSError:
        state.stop()
        await endpoint.close()
        raise
    return server, endpoint, state


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (where the loop can take signal handlers)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    return stop


async def serve(settings: EndpointSettings, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers."""
    server, endpoint, state = await start_server(settings, host, port)
    stop = stop_on_signals()
    log.info("listening on http://%s:%d", host, port)
    try:
        await stop.wait()
    finally:
        server.close()
        state.stop()
        await endpoint.close()
