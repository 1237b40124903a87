"""The public, read-only SPARQL 1.1 endpoint (Starlette), with the YASGUI page.

- SPARQL 1.1 Protocol: query by GET, POST form-encoded, POST application/sparql-query.
- Results by content negotiation or ``format=``; XML when nothing asks otherwise
  (SPARQLWrapper's default); its ``output=`` / ``results=`` parameters are accepted.
- Read-only: any update, by any method, gets 403; SERVICE and LOAD get 400;
  FROM / FROM NAMED / default-graph-uri / named-graph-uri only name the dataset's graphs.
- Bounded: each query runs in a worker process under a deadline and a row cap.
- Logs one line per request (method, path, status, duration, size); never the query text at INFO.
"""
from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from importlib.resources import files
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import QueryError
from ..queries import competency_queries
from ..safety import check_query, is_update
from .pool import PoolBusy, QueryJob, QueryTimeout, WorkerPool
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
}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


class EndpointSettings:
    def __init__(self, dataset_path, *, timeout: float = 10.0, max_rows: int = 10000, workers: int = 2,
                 memory_limit: int | None = 2 * 1024**3, queue_wait: float | None = None, cache_size: int = 512):
        self.dataset_path = str(dataset_path)
        self.timeout = timeout
        self.max_rows = max_rows
        self.workers = workers
        self.memory_limit = memory_limit
        self.queue_wait = queue_wait if queue_wait is not None else 3 * timeout
        self.cache_size = cache_size


class ResultCache:
    """Answers to identical requests, kept in memory: the dataset never changes while
    the server runs, so an answer stays right.  Only successful answers under
    ``max_bytes`` are kept, ``size`` of them at most (least recently used first out)."""

    def __init__(self, size: int = 512, max_bytes: int = 1 << 20):
        from collections import OrderedDict

        self.size, self.max_bytes = size, max_bytes
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def put(self, key, answer) -> None:
        if not self.size or answer.status != 200 or len(answer.body) > self.max_bytes:
            return
        self._items[key] = answer
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


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


def _formats(params: dict[str, list[str]], accept: str) -> tuple[str, str] | None:
    """(SELECT/ASK format, CONSTRUCT/DESCRIBE format) from format=/output=/results= or Accept."""
    for key in ("format", "output", "results"):
        for value in params.get(key, []):
            fmt = FORMAT_ALIASES.get(value.strip().lower())
            if fmt in RESULT_FORMATS:
                return fmt, "turtle" if fmt in ("xml", "csv", "tsv") else "jsonld"
            if fmt in GRAPH_FORMATS:
                return "json", fmt
    result = _negotiate(accept, RESULT_FORMATS, "xml")
    graph = _negotiate(accept, GRAPH_FORMATS, "turtle")
    if result is None and graph is None:
        return None
    return result or "xml", graph or "turtle"


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
        fmt:Turtle , fmt:N-Triples , fmt:JSON-LD ;
    sd:defaultDataset [ a sd:Dataset ;
      sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of every named graph" ] ;
{named}
    ] .
"""


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
            log.info("%s %s %d %.1fms %dB", scope["method"], scope["path"], state["status"],
                     (time.perf_counter() - t0) * 1000, state["size"])


def create_app(settings: EndpointSettings) -> Starlette:
    pool = WorkerPool(settings.dataset_path, size=settings.workers, memory_limit=settings.memory_limit)
    cache = ResultCache(settings.cache_size)
    static = files("sse_graph.endpoint").joinpath("static")

    @asynccontextmanager
    async def lifespan(_app):
        await pool.start()
        try:
            yield
        finally:
            pool.close()

    async def sparql(request: Request) -> Response:
        params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
        if request.method == "GET":
            if "update" in params:
                return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if "query" not in params:
                return _describe(request)
        elif request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            if ctype == "application/sparql-update":
                return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8", errors="strict"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    return _error(400, "the form is not UTF-8")
                if "update" in form:
                    return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
                if "query" in form and "query" in params:
                    return _error(400, "give the query once: in the form, not also in the URL")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                if "query" in params:
                    return _error(400, "give the query once: in the body, not also in the URL")
                try:
                    params["query"] = [body.decode("utf-8", errors="strict")]
                except UnicodeDecodeError:
                    return _error(400, "the query is not UTF-8")
            else:
                return _error(415, "POST a query as application/x-www-form-urlencoded or application/sparql-query")
        else:
            return _error(405, "use GET or POST")

        queries = params.get("query", [])
        if len(queries) != 1:
            return _error(400, "exactly one query parameter is needed")
        query = queries[0]
        if is_update(query):
            return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        try:
            check_query(query, known_graphs=pool.graph_names)
        except QueryError as e:
            return _error(400, str(e))
        default_graphs = params.get("default-graph-uri") or None
        named_graphs = params.get("named-graph-uri") or None
        for g in (default_graphs or []) + (named_graphs or []):
            if g not in pool.graph_names:
                return _error(400, f"unknown graph <{g}>: only the dataset's own graphs can be named")
        fmts = _formats(params, request.headers.get("accept", ""))
        if fmts is None:
            return _error(406, "none of the accepted media types can be served; see the service description")
        job = QueryJob(query, fmts, settings.max_rows, default_graphs, named_graphs)
        key = (query, fmts, tuple(default_graphs or ()), tuple(named_graphs or ()))
        answer = cache.get(key)
        try:
            if answer is None:
                answer = await pool.run(job, settings.timeout, wait=settings.queue_wait)
                cache.put(key, answer)
        except QueryTimeout:
            return _error(503, f"the query ran longer than the time limit of {settings.timeout:g} s and was stopped")
        except PoolBusy:
            resp = _error(503, "the endpoint is busy; try again shortly")
            resp.headers["Retry-After"] = "5"
            return resp
        if answer.status != 200:
            return _error(answer.status, answer.body.decode("utf-8", errors="replace"))
        fmt = fmts[1] if answer.kind == "graph" else fmts[0]
        media = (GRAPH_TYPES if answer.kind == "graph" else RESULT_TYPES)[fmt]
        headers = {"Vary": "Accept", "X-SSE-Row-Limit": str(settings.max_rows)}
        if answer.truncated:
            headers["X-SSE-Truncated"] = "true"
        return Response(answer.body, media_type=media, headers=headers)

    def _describe(request: Request) -> Response:
        base = str(request.url.replace(query=""))
        text = _service_description(base, pool.graph_names)
        fmt = _negotiate(request.headers.get("accept", ""), GRAPH_FORMATS, "turtle")
        if fmt in ("jsonld", "ntriples"):
            from rdflib import Graph

            g = Graph().parse(data=text, format="turtle")
            payload = g.serialize(format="json-ld" if fmt == "jsonld" else "nt", encoding="utf-8")
            return Response(payload, media_type=GRAPH_TYPES[fmt])
        return Response(text, media_type=GRAPH_TYPES["turtle"])

    async def index(request: Request) -> Response:
        html = static.joinpath("index.html").read_text(encoding="utf-8")
        return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": CSP})

    async def examples(request: Request) -> Response:
        tabs = [{"name": q.name.replace("_", " "), "question": q.question, "query": _example(q.text)}
                for q in competency_queries()]
        return JSONResponse(tabs)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "workers": pool.size, "restarts": pool.restarts, "graphs": len(pool.graph_names)})

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/queries.json", examples),
            Route("/health", health),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
        ],
        middleware=[Middleware(RequestLog), Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                               allow_headers=["Accept", "Content-Type"], expose_headers=["X-SSE-Truncated", "X-SSE-Row-Limit"])],
        lifespan=lifespan,
    )
    app.state.pool = pool
    return app


def _example(text: str) -> str:
    """A competency query made runnable: ?org_param bound to an example organisation,
    with the prefixes the editor would otherwise lack."""
    import re

    m = re.search(r"^# param org = (\S+)$", text, re.MULTILINE)
    if "?org_param" in text:
        iri = m.group(1) if m else "https://w3id.org/sse-graph/id/concertes"
        text = text.replace("?org_param", f"<{iri}>")
    return text
