"""The public, read-only SPARQL 1.1 endpoint, with the YASGUI page: its handler
(:class:`Endpoint`, called by the lean HTTP server of http.py that ``serve`` runs)
and the same endpoint as an ASGI application (:func:`create_app`, Starlette).

- SPARQL 1.1 Protocol: query by GET, POST form-encoded, POST application/sparql-query.
- Results by content negotiation or ``format=``; XML when nothing asks otherwise
  (SPARQLWrapper's default); its ``output=`` / ``results=`` parameters are accepted.
- Read-only: any update, by any method, gets 403; SERVICE and LOAD get 400;
  FROM / FROM NAMED / default-graph-uri / named-graph-uri only name the dataset's graphs.
- Bounded: each query runs in a worker process under a deadline and a row cap.
- Logs one line per request (method, path, status, duration, size); never the query text at INFO.
"""
from __future__ import annotations

import asyncio
import codecs
import ipaddress
import logging
import re
import time
from contextlib import asynccontextmanager
from importlib.resources import files
from urllib.parse import parse_qs, unquote_plus

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..build_output import triples_in_build
from ..queries import competency_queries
from .pool import Lanes, PoolBusy, QueryJob, QueryTimeout, WorkerUnavailable
from .serialize import GRAPH_TYPES, RESULT_TYPES

__all__ = ["create_app", "EndpointSettings"]

log = logging.getLogger("sse_graph.endpoint")

FORMAT_ALIASES = {
    "json": "json", "srj": "json", "application/sparql-results+json": "json", "application/json": "json",
    "xml": "xml", "srx": "xml", "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "csv": "csv", "text/csv": "csv",
    "tsv": "tsv", "text/tab-separated-values": "tsv",
    "turtle": "turtle", "ttl": "turtle", "text/turtle": "turtle", "application/x-turtle": "turtle",
    "ntriples": "ntriples", "nt": "ntriples", "application/n-triples": "ntriples", "text/plain": "ntriples",
    "jsonld": "jsonld", "json-ld": "jsonld", "application/ld+json": "jsonld",
    "rdfxml": "rdfxml", "rdf/xml": "rdfxml", "rdf": "rdfxml", "application/rdf+xml": "rdfxml",
}
RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


class EndpointSettings:
    """Everything ``serve`` can tune.  ``check_queries=False`` is for tests only: it
    proves the OS barrier alone blocks a SERVICE query (no CLI option reaches it)."""

    def __init__(self, dataset_path, *, timeout: float = 10.0, max_rows: int = 10000, workers: int = 2,
                 memory_limit: int | None = 2 * 1024**3, queue_wait: float | None = None, cache_size: int = 512,
                 cache_bytes: int = 64 << 20, max_body: int = 256 << 10, max_url: int = 32 << 10, max_queue: int = 32,
                 per_client: int = 8, slow_workers: int = 1, fast_budget: float = 1.0, check_queries: bool = True,
                 store_url: str | None = None, front: str = "hop", memory_triples: int = 200_000, fronts: int | None = None):
        self.dataset_path = str(dataset_path)
        # each query worker holds a dataset of at most memory_triples triples in memory (the
        # answers never change while it serves): a small query costs a third to a half less
        # than read from the on-disk store; a bigger dataset is read from disk, shared
        self.memory_triples = memory_triples
        triples = triples_in_build(dataset_path) if dataset_path is not None and memory_triples > 0 else None
        self.in_memory = triples is not None and triples <= memory_triples
        # "direct": front workers accept HTTP and answer queries inline (direct.py, front.py);
        # "hop": this process serves HTTP, queries hop to worker processes (http.py, pool.py)
        self.front = "hop" if store_url else front
        # direct: the processes accepting HTTP; each evaluates a text known to be cheap inline and
        # any other in one of ``workers`` threads (front.py).  By default one for a build held in
        # memory (two processes woken for every light request cost half as much CPU again), two
        # for one read from disk (its queries of a few tenths of a millisecond, inline, need the
        # second core; benchmarks/README.md, "One front worker, query threads")
        self.fronts = fronts or (1 if self.in_memory else 2)
        self.store_url = store_url  # serve from this external store instead (remote_backend.py)
        self.timeout = timeout
        self.max_rows = max_rows
        self.workers = workers
        self.memory_limit = memory_limit
        self.queue_wait = queue_wait if queue_wait is not None else timeout
        self.cache_size = cache_size
        self.cache_bytes = cache_bytes
        self.max_body, self.max_url = max_body, max_url
        self.max_queue, self.per_client = max_queue, per_client
        self.slow_workers, self.fast_budget = slow_workers, fast_budget
        self.check_queries = check_queries

    def store_kind(self) -> str:
        """Where the query workers read the dataset: "memory", "disk" or "remote" (--store)."""
        return "remote" if self.store_url else "memory" if self.in_memory else "disk"


class ResultCache:
    """Answers to identical requests, kept in memory: the dataset never changes while
    the server runs, so an answer stays right.  Only successful answers are kept,
    ``size`` of them at most and ``max_bytes`` in all (keys and bodies), least
    recently used first out; an answer bigger than an eighth of that is not kept."""

    def __init__(self, size: int = 512, max_bytes: int = 64 << 20):
        from collections import OrderedDict

        self.size, self.max_bytes = size, max_bytes
        self.bytes = 0
        self._items: OrderedDict = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    @staticmethod
    def _cost(key, answer) -> int:
        return len(answer.body) + sum(len(str(k)) for k in key) + 200

    def get(self, key):
        if not self.size:
            return None
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key, answer) -> None:
        if not self.size or answer.status != 200:
            return  # the cache off (or an error): not even its cost is computed
        cost = self._cost(key, answer)
        if cost > self.max_bytes // 8 or key in self._items:
            return
        self._items[key] = answer
        self.bytes += cost
        while len(self._items) > self.size or self.bytes > self.max_bytes:
            k, a = self._items.popitem(last=False)
            self.bytes -= self._cost(k, a)


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


def _negotiate(accept: str, allowed: tuple[str, ...], default: str) -> str | None:
    """Pick a format from an Accept header by q-value; None if nothing acceptable."""
    if not accept.strip():
        return default
    choices = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        mime, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, i, mime))
    for negq, _i, mime in sorted(choices):
        if negq == 0:
            continue
        if mime in ("*/*", "application/*", "text/*"):
            return default
        fmt = FORMAT_ALIASES.get(mime)
        if fmt in allowed:
            return fmt
    return None


_ACCEPTED: dict[str, tuple[str, str] | None] = {}  # Accept header -> formats: clients send a few, again and again


def _formats(params: dict[str, list[str]], accept: str) -> tuple[str, str] | None:
    """(SELECT/ASK format, CONSTRUCT/DESCRIBE format) from format=/output=/results= or Accept."""
    if "format" in params or "output" in params or "results" in params:
        for key in ("format", "output", "results"):
            for value in params.get(key, []):
                fmt = FORMAT_ALIASES.get(value.strip().lower())
                if fmt in RESULT_FORMATS:
                    return fmt, "turtle" if fmt in ("xml", "csv", "tsv") else "jsonld"
                if fmt in GRAPH_FORMATS:
                    return "json", fmt
    try:
        return _ACCEPTED[accept]
    except KeyError:
        pass
    fmts = _accepted(accept)
    if len(_ACCEPTED) >= 256:
        _ACCEPTED.clear()
    _ACCEPTED[accept] = fmts
    return fmts


def _accepted(accept: str) -> tuple[str, str] | None:
    result = _negotiate(accept, RESULT_FORMATS, "xml")
    graph = _negotiate(accept, GRAPH_FORMATS, "turtle")
    if result is None and graph is None:
        return None
    return result, graph  # one may be None: 406 once the query's form is known


def _service_description(base: str, graphs: list[str]) -> str:
    named = "\n".join(f"      sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;" for g in graphs)
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{base}> a sd:Service ;
    dcterms:title "sse-graph SPARQL endpoint" ;
    sd:endpoint <{base}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat fmt:SPARQL_Results_JSON , fmt:SPARQL_Results_XML , fmt:SPARQL_Results_CSV , fmt:SPARQL_Results_TSV ,
        fmt:Turtle , fmt:N-Triples , fmt:JSON-LD , fmt:RDF_XML ;
    sd:defaultDataset [ a sd:Dataset ;
      sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of every named graph" ] ;
{named}
    ] .
"""


_PLAIN = frozenset(("GET", "POST", "HEAD", "/sparql"))


def client_key(address: str) -> str:
    """Who a peer is, for the per-client budget and the fast lane's fair share: an IPv4
    address (also one mapped into IPv6) as it is, an IPv6 address by its /64 — the
    smallest network a host is given, so that one host cannot take 2**64 budgets by
    changing the low bits of its address.

    >>> client_key("192.0.2.7"), client_key("::ffff:192.0.2.7"), client_key("2001:db8:1:2::5")
    ('192.0.2.7', '192.0.2.7', '2001:db8:1:2::/64')
    >>> client_key("2001:db8:1:2:ffff::9") == client_key("2001:db8:1:2::5"), client_key("?")
    (True, '?')
    """
    if ":" not in address:  # IPv4 (or no address): as it is, nothing parsed
        return address
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if ip.is_loopback:
            return str(ip)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _printable(text: str) -> str:
    """A field safe in a log line: control characters, spaces and non-ASCII percent-encoded."""
    if text in _PLAIN:
        return text
    from urllib.parse import quote

    return quote(text, safe="/:@!$&'()*+,;=-._~%")


class Limits:
    """ASGI middleware: 414 for a URL longer than ``max_url``, 413 for a body announced
    longer than ``max_body`` (bodies sent without a length are counted as they arrive)."""

    def __init__(self, app, max_url: int, max_body: int):
        self.app, self.max_url, self.max_body = app, max_url, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
                return await _error(414, f"the URL is longer than {self.max_url} bytes; POST the query")(scope, receive, send)
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                return await _error(413, f"the request body is larger than {self.max_body} bytes")(scope, receive, send)
        return await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def _until_disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


_BASES: dict[str, str | None] = {}
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\ \t\r\n]')


def _base_iri(req: "QueryRequest") -> str | None:
    """The endpoint's own URL, the base of relative IRIs in a query (if it is a valid IRI)."""
    base = req.url()
    try:
        return _BASES[base]
    except KeyError:
        pass
    valid = None if _NOT_IN_IRI.search(base) else base
    if len(_BASES) >= 256:
        _BASES.clear()
    _BASES[base] = valid
    return valid


class QueryRequest:
    """What the ``/sparql`` handler needs of a request, whichever server parsed it:
    the lean HTTP server of http.py, or an ASGI server through :class:`SparqlFirst`.
    ``headers`` has lower-case names (repeated headers joined by ", ")."""

    __slots__ = ("method", "path", "query_string", "headers", "body", "client", "scheme")

    def __init__(self, method: str, path: str, query_string: str, headers: dict[str, str], body: bytes, client: str,
                 scheme: str = "http"):
        self.method, self.path, self.query_string, self.headers = method, path, query_string, headers
        self.body, self.client, self.scheme = body, client, scheme

    def url(self) -> str:
        """scheme://host/path, from the Host header as Starlette builds ``request.url``."""
        return f"{self.scheme}://{self.headers.get('host', '')}{self.path}"


class Pending:
    """A ``/sparql`` request ready to run: its cache key and its job."""

    __slots__ = ("key", "job")

    def __init__(self, key: tuple, job: QueryJob):
        self.key, self.job = key, job


class Reply:
    """A response of the ``/sparql`` handler: status, body, media type, extra headers."""

    __slots__ = ("status", "body", "media_type", "headers")

    def __init__(self, status: int, body: bytes, media_type: str, headers: list[tuple[str, str]] | None = None):
        self.status, self.body, self.media_type, self.headers = status, body, media_type, headers or []


def _text(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)


class RequestLog:
    """ASGI middleware: one log line per request — method, path, status, duration, size.
    The query string (the query text) is never logged at INFO."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        state = {"status": 0, "size": 0}

        async def sending(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            elif message["type"] == "http.response.body":
                state["size"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            log.info("%s %s %d %.1fms %dB", _printable(scope["method"]), _printable(scope["path"]), state["status"],
                     (time.perf_counter() - t0) * 1000, state["size"])


def _backend(settings: EndpointSettings):
    """Where queries run: worker processes over the built dataset, or the external store."""
    if settings.store_url:
        from .remote_backend import StoreBackend

        return StoreBackend(settings.store_url, concurrency=settings.workers, max_queue=settings.max_queue)
    return Lanes(settings.dataset_path, workers=settings.workers, slow_workers=settings.slow_workers,
                 fast_budget=settings.fast_budget, max_queue=settings.max_queue, memory_limit=settings.memory_limit,
                 check_queries=settings.check_queries, in_memory=settings.in_memory)


def _unquote_plus(data: bytes) -> str:
    """``unquote_plus`` of ASCII form data, in C: ``%XX`` made ``\\xXX`` for the codec
    that reads Python's escapes (backslashes escaped first); anything it will not
    read (a stray ``%``) goes the pure-Python way, which reads it as text."""
    try:
        raw = codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"+", b" ").replace(b"%", b"\\x"))[0]
    except ValueError:
        return unquote_plus(data.decode("latin-1"))
    return raw.decode("utf-8", "replace")


def _form(text: str) -> dict[str, list[str]]:
    """A form-encoded body, as ``parse_qs(keep_blank_values=True)`` reads it; the
    usual body, ``query=...`` alone, without its machinery."""
    if text.startswith("query=") and "&" not in text:
        value = text[6:]
        return {"query": [_unquote_plus(value.encode("ascii")) if value.isascii() else unquote_plus(value)]}
    return parse_qs(text, keep_blank_values=True, strict_parsing=False)


class Endpoint:
    """The endpoint's state (worker lanes, answer cache, queries in flight per client)
    and its ``/sparql`` handler, which both servers call thinly: the lean HTTP server
    (http.py, what ``serve`` runs) and the ASGI application of :func:`create_app`."""

    def __init__(self, settings: EndpointSettings):
        self.settings = settings
        self.pool = _backend(settings)
        self.cache = ResultCache(settings.cache_size, settings.cache_bytes)
        self.in_flight: dict[str, int] = {}
        self._limit_headers = [("Vary", "Accept, Origin"), ("X-SSE-Row-Limit", str(settings.max_rows))]
        self.mode = "hop"  # queries hop to worker processes; "direct" in front workers (front.py)

    async def start(self) -> None:
        await self.pool.start()
        if not self.pool.barriers and not self.settings.store_url:
            log.warning("query workers are NOT isolated from the network: no namespace, no seccomp filter here")

    async def close(self) -> None:
        await self.pool.close()

    def health(self) -> dict:
        pool, cache = self.pool, self.cache
        lanes = {p.name: {"workers": p.size, "idle": p.idle, "waiting": p.waiting, "pids": p.worker_pids(), "priority": p.priority,
                          "spare_ready": p.spare_ready,
                          **{k: v for k, v in vars(p.stats).items() if k != "durations"}} for p in (pool.fast, pool.slow)}
        return {"status": "ok", "mode": self.mode, "graphs": len(pool.graph_names), "isolation": pool.barriers,
                "store": self.settings.store_kind(),
                "cache": {"entries": len(cache), "bytes": cache.bytes, "max_bytes": cache.max_bytes}, "lanes": lanes}

    async def handle(self, req: QueryRequest, spent: float = 0.0) -> Reply:
        """Answer a request to ``/sparql`` whose body the server has read (within
        ``max_body``).  A client that goes away cancels the task awaiting this: the
        query's worker is killed and replaced (pool.py).  ``spent``: seconds of its
        deadline the query already ran elsewhere (a front worker that handed it over)."""
        pending = self.prepare(req)
        if type(pending) is Reply:
            return pending
        return await self.run(req.client, pending, spent)

    def prepare(self, req: QueryRequest) -> "Reply | Pending":
        """All of a ``/sparql`` request that needs no worker: its reply if it is an
        error, a description or a cached answer; else the query to run."""
        settings, pool = self.settings, self.pool
        params = parse_qs(req.query_string, keep_blank_values=True) if req.query_string else {}
        if req.method in ("GET", "HEAD"):
            if "update" in params:
                return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if "query" not in params:
                return self._describe(req)
        elif req.method == "POST":
            ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = _form(req.body.decode("utf-8", errors="strict"))
                except UnicodeDecodeError:
                    return _text(400, "the form is not UTF-8")
                if "update" in form:
                    return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
                if "query" in form and "query" in params:
                    return _text(400, "give the query once: in the form, not also in the URL")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                if "query" in params:
                    return _text(400, "give the query once: in the body, not also in the URL")
                try:
                    params["query"] = [req.body.decode("utf-8", errors="strict")]
                except UnicodeDecodeError:
                    return _text(400, "the query is not UTF-8")
            else:
                return _text(415, "POST a query as application/x-www-form-urlencoded or application/sparql-query")
        else:
            return _text(405, "use GET or POST")

        queries = params.get("query", [])
        if len(queries) != 1:
            return _text(400, "exactly one query parameter is needed")
        query = queries[0]
        # rdflib's SPARQLStore names the default graph urn:x-rdflib:default: that is ours
        default_graphs = [g for g in params.get("default-graph-uri", []) if g != RDFLIB_DEFAULT_GRAPH] or None
        named_graphs = params.get("named-graph-uri") or None
        for g in (default_graphs or []) + (named_graphs or []):
            if g not in pool.graph_names:
                return _text(400, f"unknown graph <{g}>: only the dataset's own graphs can be named")
        fmts = _formats(params, req.headers.get("accept", ""))
        if fmts is None:
            return _text(406, "none of the accepted media types can be served; see the service description")
        base = _base_iri(req)
        key = (query, fmts, tuple(default_graphs) if default_graphs else (),
               tuple(named_graphs) if named_graphs else (), base)
        answer = self.cache.get(key)
        if answer is not None:
            return self.reply(fmts, answer)
        return Pending(key, QueryJob(query, fmts, settings.max_rows, default_graphs, named_graphs, base, req.client))

    async def run(self, client: str, pending: "Pending", spent: float = 0.0) -> Reply:
        """Run a prepared query in the backend, within the per-client budget."""
        settings, in_flight, job = self.settings, self.in_flight, pending.job
        if in_flight.get(client, 0) >= settings.per_client:
            return _text(429, f"at most {settings.per_client} queries at a time per client; try again shortly",
                         [("Retry-After", "1")])
        in_flight[client] = in_flight.get(client, 0) + 1
        try:
            timeout = settings.timeout - spent
            if timeout <= 0:
                raise QueryTimeout()
            answer = await self.pool.run(job, timeout, wait=settings.queue_wait)
            self.cache.put(pending.key, answer)
        except QueryTimeout:
            return _text(503, f"the query ran longer than the time limit of {settings.timeout:g} s and was stopped")
        except PoolBusy:
            return _text(503, "the endpoint is busy; try again shortly", [("Retry-After", "2")])
        except WorkerUnavailable:
            return _text(503, "the query worker died (out of memory?); it has been replaced")
        finally:
            in_flight[client] -= 1
            if not in_flight[client]:
                del in_flight[client]
        return self.reply(job.fmt, answer)

    def reply(self, fmts: tuple[str, str], answer) -> Reply:
        """The reply carrying a worker's answer."""
        if answer.status != 200:
            return _text(answer.status, answer.body.decode("utf-8", errors="replace"))
        fmt = fmts[1] if answer.kind == "graph" else fmts[0]
        media = (GRAPH_TYPES if answer.kind == "graph" else RESULT_TYPES)[fmt]
        headers = self._limit_headers
        if answer.truncated:
            headers = [*headers, ("X-SSE-Truncated", "true")]
        return Reply(200, answer.body, media, headers)

    def _describe(self, req: QueryRequest) -> Reply:
        text = _service_description(req.url(), self.pool.graph_names)
        fmt = _negotiate(req.headers.get("accept", ""), GRAPH_FORMATS, "turtle")
        if fmt in ("jsonld", "ntriples"):
            from rdflib import Graph

            g = Graph().parse(data=text, format="turtle")
            payload = g.serialize(format="json-ld" if fmt == "jsonld" else "nt", encoding="utf-8")
            return Reply(200, payload, GRAPH_TYPES[fmt])
        return Reply(200, text.encode("utf-8"), GRAPH_TYPES["turtle"])


EXPOSED = "X-SSE-Truncated, X-SSE-Row-Limit"


def reply_headers(reply: Reply, origin: bool) -> list[tuple[str, str]]:
    """The headers of a ``/sparql`` reply but its length: its own, CORS's when the
    request came with an Origin, and ``Vary`` naming Origin."""
    headers = [("Content-Type", reply.media_type)]
    vary = "Origin"
    for k, v in reply.headers:
        if k == "Vary":
            vary = v
        else:
            headers.append((k, v))
    if origin:
        headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED)]
    headers.append(("Vary", vary))
    return headers


def create_app(settings: EndpointSettings, endpoint: Endpoint | None = None) -> "SparqlFirst":
    """The endpoint as an ASGI application (any ASGI server): ``/sparql`` through
    :class:`SparqlFirst`, the rest (YASGUI page, examples, health, static files, CORS
    preflight) through Starlette.  ``serve`` runs the lean server of http.py instead,
    which calls the same :class:`Endpoint` and this Starlette app for the rest."""
    endpoint = endpoint or Endpoint(settings)
    static = files("sse_graph.endpoint").joinpath("static")

    @asynccontextmanager
    async def lifespan(_app):
        await endpoint.start()
        try:
            yield
        finally:
            await endpoint.close()

    async def index(request: Request) -> Response:
        html = static.joinpath("index.html").read_text(encoding="utf-8")
        return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": CSP})

    async def examples(request: Request) -> Response:
        tabs = [{"name": q.name.replace("_", " "), "question": q.question, "query": _example(q.text)}
                for q in competency_queries()]
        return JSONResponse(tabs)

    async def health(request: Request) -> Response:
        state = endpoint.health()
        if asyncio.iscoroutine(state):  # a front worker asks its supervisor (front.py)
            state = await state
        return JSONResponse(state)

    async def sparql(request: Request) -> Response:  # only reached by a CORS preflight's neighbours
        return await SparqlFirst.respond_via_starlette(endpoint, settings, request)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/queries.json", examples),
            Route("/health", health),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        middleware=[Middleware(RequestLog), Middleware(Limits, max_url=settings.max_url, max_body=settings.max_body),
                    Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Accept", "Content-Type"], expose_headers=["X-SSE-Truncated", "X-SSE-Row-Limit"])],
        lifespan=lifespan,
    )
    app.state.pool = endpoint.pool
    app.state.endpoint = endpoint
    return SparqlFirst(app, endpoint, max_url=settings.max_url, max_body=settings.max_body)


def _scope_request(scope, body: bytes) -> QueryRequest:
    headers: dict[str, str] = {}
    for k, v in scope["headers"]:
        name, value = k.decode("latin-1").lower(), v.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    client = scope.get("client")
    return QueryRequest(scope["method"], scope.get("root_path", "") + scope["path"],
                        (scope.get("query_string") or b"").decode("latin-1"), headers, body,
                        client_key(client[0]) if client else "?", scope.get("scheme", "http"))


class SparqlFirst:
    """The ASGI application.  Queries (``/sparql`` by any method but a CORS
    preflight ``OPTIONS``) go straight to :meth:`Endpoint.handle`, with the size
    limits, CORS headers and log line of the middleware done inline.  Every other
    request, and lifespan, goes through ``app``."""

    def __init__(self, app: Starlette, endpoint: Endpoint, *, max_url: int, max_body: int):
        self.app, self.endpoint, self.max_url, self.max_body = app, endpoint, max_url, max_body
        self.state = app.state

    @staticmethod
    async def respond_via_starlette(endpoint: Endpoint, settings: EndpointSettings, request: Request) -> Response:
        try:
            body = await _read_body(request, settings.max_body)
        except BodyTooLarge:
            return _error(413, f"the request body is larger than {settings.max_body} bytes")
        reply = await endpoint.handle(_scope_request(request.scope, body))
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=dict(reply.headers))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        status, size, started = 500, 0, False
        try:
            reply = self._limits(scope)
            if reply is None:
                request = Request(scope, receive)
                try:
                    body = await _read_body(request, self.max_body)
                except BodyTooLarge:
                    reply = _text(413, f"the request body is larger than {self.max_body} bytes")
                else:
                    reply = await _run_unless_gone(request, self.endpoint.handle(_scope_request(scope, body)))
                    if reply is None:
                        reply = Reply(499, b"", "text/plain")  # nobody is listening
            origin = any(k == b"origin" for k, _v in scope["headers"])
            headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply_headers(reply, origin)]
            headers.append((b"content-length", str(len(reply.body)).encode()))
            status, started = reply.status, True
            await send({"type": "http.response.start", "status": status, "headers": headers})
            size = len(reply.body)
            await send({"type": "http.response.body", "body": reply.body})
        except Exception:  # noqa: BLE001 - never a traceback to the client
            log.exception("internal error on %s %s", _printable(scope["method"]), _printable(scope["path"]))
            if not started:
                response = _error(500, "internal error")
                size = len(response.body)
                await response(scope, receive, send)
        finally:
            log.info("%s %s %d %.1fms %dB", _printable(scope["method"]), _printable(scope["path"]), status,
                     (time.perf_counter() - t0) * 1000, size)

    def _limits(self, scope) -> Reply | None:
        """What :class:`Limits` answers, inline."""
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
            return _text(414, f"the URL is longer than {self.max_url} bytes; POST the query")
        for k, v in scope["headers"]:
            if k == b"content-length" and (not v.isdigit() or int(v) > self.max_body):
                return _text(413, f"the request body is larger than {self.max_body} bytes")
        return None


async def _run_unless_gone(request: Request, work):
    """Await the coroutine ``work`` in this task unless the client disconnects first:
    then cancel it (which kills the worker running it) and return None.  One
    watcher task per query, no task for the work itself."""
    me = asyncio.current_task()
    gone = False

    async def watch() -> None:
        nonlocal gone
        await _until_disconnected(request)
        gone = True
        me.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        return await work
    except asyncio.CancelledError:
        if not gone:
            raise
        me.uncancel()
        return None
    finally:
        watcher.cancel()


def _example(text: str) -> str:
    """A competency query made runnable: ?org_param bound to an example organisation,
    with the prefixes the editor would otherwise lack."""
    import re

    m = re.search(r"^# param org = (\S+)$", text, re.MULTILINE)
    if "?org_param" in text:
        iri = m.group(1) if m else "https://w3id.org/sse-graph/id/concertes"
        text = text.replace("?org_param", f"<{iri}>")
    return text
