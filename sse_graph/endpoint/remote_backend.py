"""The public endpoint in front of an external SPARQL store: ``sse-graph serve --store URL``.

The same protocol, limits, refusals and answer cache as the embedded endpoint
(server.py); only where a query runs differs. Instead of worker processes over
the built dataset, each query is checked here and forwarded over HTTP to the
store's query service (Oxigraph server ``/query``, Virtuoso ``/sparql``), and
its answer is read back, capped at ``max_rows`` and re-serialised by this
endpoint (serialize.py), so a client sees the same formats, headers and
truncation flag whichever store answers.

What the OS barrier means here: the forwarding process must open connections to
the store, so it cannot be cut off the network as the embedded endpoint's
workers are. What stops a query from reaching out is therefore

1. the parser check before anything is forwarded (sse_graph/safety.py: SERVICE refused,
   LOAD and every update refused, FROM only the dataset's graphs), and the
   query read by Oxigraph's SPARQL 1.1 parser: a store's own extensions
   (Virtuoso's ``define input:grab-all``, ``define get:soft``, which fetch
   IRIs) are not SPARQL 1.1 and never reach the store;
2. the store's own account: Virtuoso's anonymous ``SPARQL`` user holds
   ``SPARQL_SELECT`` only, so its SERVICE, sponger and LOAD are refused by the
   store itself (tests/test_remote.py checks both). The Oxigraph server does
   run SERVICE: in front of it, (1) is the only gate in the product (see
   docs/deploy.md for an OS rule on the store's own user).

Timeouts: the endpoint stops waiting after ``--timeout`` (the connection to the
store is closed); Virtuoso is also told the same limit (its ``timeout``
parameter, in ms, capped by ``MaxQueryExecutionTime``); its "anytime" partial
answer (HTTP 206, ``X-SQL-State: S1TAT``) is a time-out here, never an answer.
The Oxigraph server stops a query after its own ``--timeout-s``.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import safety as guard
from .pool import Answer, PoolBusy, QueryJob, QueryTimeout

__all__ = ["StoreBackend", "MAX_ANSWER_BYTES"]

MAX_ANSWER_BYTES = 64 << 20  # the store's answer, read at most (a bigger one: 503, add a LIMIT)
_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_SAFE_BNODE = re.compile(r"[A-Za-z0-9_]+")


@dataclass
class _Stats:
    forwarded: int = 0
    timeouts: int = 0
    refused_busy: int = 0
    store_errors: int = 0
    durations: list = field(default_factory=list)


class _Lane:
    """The forwarding lane, shaped as a worker pool for ``/health``."""

    name = "store"
    priority = None  # no worker process of ours: the store schedules its own queries
    spare_ready = True  # nothing to start

    def __init__(self, size: int):
        self.size = size
        self.running = 0
        self.waiting = 0
        self.stats = _Stats()

    @property
    def idle(self) -> int:
        return self.size - self.running

    @staticmethod
    def worker_pids() -> list[int]:
        return []  # no worker process: queries run in the store


class StoreBackend:
    """Forwards checked queries to the store at ``url``, ``concurrency`` at a time,
    ``max_queue`` at most waiting; the interface of :class:`~.pool.Lanes`."""

    def __init__(self, url: str, *, concurrency: int = 2, max_queue: int = 32, max_answer_bytes: int = MAX_ANSWER_BYTES):
        self.url = url
        self.max_answer_bytes = max_answer_bytes
        self.max_queue = max_queue
        self.lane = _Lane(concurrency)
        self.fast = self.slow = self.lane  # /health lists the lanes it finds: here the one
        self.barriers: list[str] = []       # the forwarding process is not cut off the network
        self.graph_names: list[str] = []
        self.query_url = ""
        self.virtuoso = False
        self._slots: asyncio.Semaphore | None = None
        self._client = None

    async def start(self) -> None:
        """Find the project's graphs in the store (an environment problem if it holds none)."""
        import httpx

        from ..remote import remote_store

        store = await asyncio.to_thread(remote_store, self.url)
        self.graph_names, self.query_url = store.graph_names, store.query_url
        # TCP_NODELAY: a request's headers and body go out in two writes; the body must not wait
        # for the store's (delayed) ACK of the first.
        transport = httpx.AsyncHTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                                             limits=httpx.Limits(max_connections=self.lane.size))
        self._client = httpx.AsyncClient(transport=transport, timeout=None, follow_redirects=False)
        probe = await self._client.post(self.query_url, data={"query": "ASK {}"}, headers={"Accept": _RESULTS_JSON})
        self.virtuoso = probe.headers.get("server", "").lower().startswith("virtuoso")
        self._slots = asyncio.Semaphore(self.lane.size)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run(self, job: QueryJob, timeout: float, wait: float | None = None) -> Answer:
        if self._slots is None:
            raise PoolBusy()
        lane = self.lane
        if self._slots.locked() and lane.waiting >= self.max_queue:
            lane.stats.refused_busy += 1
            raise PoolBusy()
        lane.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=wait)
        except asyncio.TimeoutError:
            lane.stats.refused_busy += 1
            raise PoolBusy() from None
        finally:
            lane.waiting -= 1
        lane.running += 1
        try:
            return await asyncio.wait_for(self._answer(job, timeout), timeout)
        except asyncio.TimeoutError:
            lane.stats.timeouts += 1
            raise QueryTimeout() from None
        finally:
            lane.running -= 1
            self._slots.release()

    async def _answer(self, job: QueryJob, timeout: float) -> Answer:
        prepared = await asyncio.to_thread(prepare, job, self.graph_names)
        if isinstance(prepared, Answer):
            return prepared
        kind, params = prepared
        if self.virtuoso:  # the store stops too; its partial "anytime" answer is refused below
            params.append(("timeout", str(max(1000, int(timeout * 1000)))))
        accept = _GRAPH_ACCEPT if kind == "graph" else _RESULTS_JSON
        self.lane.stats.forwarded += 1
        status, headers, body = await self._post(params, accept)
        if status == 206 or headers.get("x-sql-state", "").upper() == "S1TAT":
            raise asyncio.TimeoutError()  # the store gave up: a time-out, never a partial answer
        if status == -1:
            return Answer(503, f"the store's answer is larger than {self.max_answer_bytes >> 20} MB; "
                               "add a LIMIT".encode(), "error")
        if status != 200:
            self.lane.stats.store_errors += 1
            detail = body[:800].decode("utf-8", errors="replace")
            return Answer(400 if 400 <= status < 500 else 502, f"the store answered HTTP {status}: {detail}".encode(), "error")
        try:
            return await asyncio.to_thread(reserialize, kind, job, body, headers.get("content-type", ""))
        except (ValueError, SyntaxError, KeyError, TypeError) as e:
            self.lane.stats.store_errors += 1
            return Answer(502, f"the store's answer could not be read: {e}".encode(), "error")

    async def _post(self, params: list[tuple[str, str]], accept: str) -> tuple[int, dict, bytes]:
        """The store's status, headers and body (status -1: the body was over the cap)."""
        import httpx

        body = urllib.parse.urlencode(params).encode("ascii")
        request = self._client.build_request("POST", self.query_url, content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as e:
            self.lane.stats.store_errors += 1
            return 502, {}, f"cannot reach the store at {self.query_url}: {type(e).__name__}".encode()
        try:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_answer_bytes:
                    return -1, {}, b""
                chunks.append(chunk)
            return response.status_code, {k.lower(): v for k, v in response.headers.items()}, b"".join(chunks)
        except httpx.HTTPError as e:
            self.lane.stats.store_errors += 1
            return 502, {}, f"the store's answer broke off: {type(e).__name__}".encode()
        finally:
            await response.aclose()


def query_form(text: str, base: str | None) -> str:
    """``select``, ``ask`` or ``graph``, by Oxigraph's SPARQL 1.1 parser on an empty
    store (nothing is evaluated but an ASK over nothing); SyntaxError if not SPARQL 1.1."""
    result = ox.Store().query(text, base_iri=base)
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(result, ox.QuerySolutions) else "graph"


def prepare(job: QueryJob, graphs: list[str]) -> Answer | tuple[str, list[tuple[str, str]]]:
    """Check the query as the embedded endpoint does; an :class:`Answer` refusing it,
    or (its form, the parameters to forward: query and dataset)."""
    text, base = job.query, job.base
    try:
        verdict = guard.check(text, graphs, base)
        kind = query_form(text, base)
    except guard.Refused as e:
        return Answer(e.status, str(e).encode(), "error")
    except guard.Unreadable as e:  # rdflib cannot read it, and it may hold SERVICE, FROM or LOAD
        try:
            query_form(text, base)
        except SyntaxError as engine:
            return Answer(400, f"SPARQL syntax error: {engine}".encode(), "error")
        return Answer(400, ("the query uses syntax beyond SPARQL 1.1 together with SERVICE, FROM or LOAD, which the "
                            f"safety check cannot read: {e}").encode(), "error")
    except SyntaxError as e:
        if guard.is_update(text):
            return Answer(403, b"SPARQL Update is not allowed: this endpoint is read-only", "error")
        return Answer(400, f"SPARQL syntax error: {e}".encode(), "error")
    if job.fmt[kind == "graph"] is None:
        return Answer(406, f"none of the accepted media types can carry a {kind.upper()} result".encode(), "error")
    # Relative IRIs resolve against this endpoint, as in the embedded one (a later BASE in the query wins).
    params = [("query", f"BASE <{base}>\n{text}" if base else text)]
    # The dataset: what the request or the query names, else the union of the project's graphs
    # (named in full, so a store's own graphs, e.g. Virtuoso's system graphs, never enter).
    defaults = job.default_graphs if job.default_graphs is not None else (None if verdict.declares_dataset else graphs)
    named = job.named_graphs if job.named_graphs is not None else (None if verdict.declares_dataset else graphs)
    params += [("default-graph-uri", g) for g in defaults or []]
    params += [("named-graph-uri", g) for g in named or []]
    return kind, params


def _bnode(value: str) -> ox.BlankNode:
    """A store's blank node label (Virtuoso's ``nodeID://b1``) as a valid one, the same each time."""
    if _SAFE_BNODE.fullmatch(value):
        return ox.BlankNode(value)
    return ox.BlankNode("b" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:20])


def _term(b: dict):
    t = b["type"]
    if t == "uri":
        return ox.NamedNode(b["value"])
    if t == "bnode":
        return _bnode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def reserialize(kind: str, job: QueryJob, body: bytes, content_type: str) -> Answer:
    """The store's answer in the format the client asked for, at most ``max_rows`` rows."""
    from .serialize import _boolean, _graph, _select

    fmt = job.fmt[kind == "graph"]
    if kind == "graph":
        rdf = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
        triples: dict = {}  # a graph is a set: a store's union default graph may repeat a triple
        for t in ox.parse(body, format=rdf):
            triple = ox.Triple(t.subject, t.predicate, t.object)
            if triple not in triples and len(triples) == job.max_rows:
                return Answer(200, _graph(list(triples), fmt), "graph", True)
            triples[triple] = None
        return Answer(200, _graph(list(triples), fmt), "graph", False)
    doc = json.loads(body)
    if kind == "ask":
        return Answer(200, _boolean(bool(doc["boolean"]), fmt), "ask", False)
    variables = doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    truncated = len(bindings) > job.max_rows
    rows = [[_term(b[v]) if v in b else None for v in variables] for b in bindings[:job.max_rows]]
    return Answer(200, _select(variables, rows, fmt), "select", truncated)
