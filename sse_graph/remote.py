"""An external SPARQL 1.1 store: push the built dataset with the Graph Store
Protocol, then answer from it with the SPARQL Protocol.

Tested with the Oxigraph server (``oxigraph serve``: query at ``/query``, graph
store at ``/store``) and with Virtuoso Open Source 7 (query at ``/sparql``; loaded
by :mod:`sse_graph.virtuoso`, whose Graph Store Protocol path needs write access
the loopback setup does not grant). Fuseki (``/ds/sparql``, ``/ds/data``) and GraphDB
(``/repositories/R``, ``/repositories/R/rdf-graphs/service``) speak the same protocols.

Every query names the project's graphs (``default-graph-uri`` and
``named-graph-uri``), so a store's own graphs (Virtuoso keeps system graphs in
its default graph) never enter an answer.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from .errors import EnvironmentProblem, QueryError
from .namespaces import INFERRED_GRAPH, METRICS_GRAPH
from .safety import check_query
from .store import Results

__all__ = ["RemoteStore", "push", "remote_store", "PROJECT_GRAPH_PREFIXES"]

# The project's named graphs (namespaces.GRAPH_BASE and SRC); any other graph of the store is not ours.
PROJECT_GRAPH_PREFIXES = ("https://w3id.org/sse-graph/graph/", "https://w3id.org/sse-graph/source/")
_GRAPHS_QUERY = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"%s\") || STRSTARTS(STR(?g), \"%s\")) }"
                 % PROJECT_GRAPH_PREFIXES)


def _request(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 60) -> bytes:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", errors="replace")[:500]
        if 400 <= e.code < 500:
            raise QueryError(f"{url}: HTTP {e.code}: {detail}") from None
        raise EnvironmentProblem(f"{url}: HTTP {e.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        raise EnvironmentProblem(f"cannot reach the store at {url}: {getattr(e, 'reason', e)}") from None


def push(dataset_path: Path, base: str, *, gsp_path: str = "/store") -> dict[str, int]:
    """Replace each named graph of the store with the built one (PUT, Graph Store
    Protocol, N-Triples); returns the triples sent per graph."""
    graphs: dict[str, list[str]] = defaultdict(list)
    for q in ox.parse(path=str(dataset_path), format=ox.RdfFormat.N_QUADS):
        graphs[q.graph_name.value].append(str(ox.Triple(q.subject, q.predicate, q.object)) + " .")
    sent = {}
    for g, lines in sorted(graphs.items()):
        url = base.rstrip("/") + gsp_path + "?" + urllib.parse.urlencode({"graph": g})
        _request("PUT", url, ("\n".join(lines) + "\n").encode("utf-8"), {"Content-Type": "application/n-triples"})
        sent[g] = len(lines)
    return sent


def _term(b: dict):
    t = b["type"]
    if t == "uri":
        return ox.NamedNode(b["value"])
    if t == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


class RemoteStore:
    """The :class:`~sse_graph.store.Store` interface over a remote SPARQL endpoint."""

    def __init__(self, base: str, *, query_path: str = "/query", graph_names: list[str] | None = None):
        self.base = base.rstrip("/")
        self.query_url = self.base + query_path
        if graph_names is None:
            res = self._post(_GRAPHS_QUERY, [], "application/sparql-results+json")
            graph_names = sorted(b["g"]["value"] for b in json.loads(res)["results"]["bindings"])
            if not graph_names:
                raise EnvironmentProblem(f"the store at {self.query_url} holds none of the project's graphs "
                                         "(sse-graph push, or scripts/virtuoso.sh load, fills it)")
        self.graph_names = graph_names

    @property
    def asserted_graphs(self) -> list[str]:
        return [g for g in self.graph_names if g not in (str(INFERRED_GRAPH), str(METRICS_GRAPH))]

    def _post(self, text: str, default_graphs: list[str], accept: str) -> bytes:
        """A query by form POST (SPARQL 1.1 Protocol; Virtuoso 7 does not answer a
        direct ``application/sparql-query`` POST), its dataset named in full."""
        params = [("query", text)] + [("default-graph-uri", g) for g in default_graphs]
        if default_graphs:
            params += [("named-graph-uri", g) for g in self.graph_names]
        return _request("POST", self.query_url, urllib.parse.urlencode(params).encode("ascii"),
                        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def query_bytes(self, text: str, *, reasoned: bool = True, accept: str = "application/sparql-results+json") -> bytes:
        """The raw answer of the remote endpoint, in ``accept``."""
        check_query(text, known_graphs=self.graph_names)
        return self._post(text, self.graph_names if reasoned else self.asserted_graphs, accept)

    def select(self, text: str, *, reasoned: bool = True, bindings: dict[str, str] | None = None) -> Results:
        import re

        for name, iri in (bindings or {}).items():
            text = re.sub(rf"\?{re.escape(name)}_param\b", f"<{iri}>", text)
        doc = json.loads(self.query_bytes(text, reasoned=reasoned))
        variables = doc["head"]["vars"]
        rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]]
        return Results(variables, rows)


def remote_store(url: str, query_path: str | None = None) -> RemoteStore:
    """The store at ``url``: a base URL (the query service at ``query_path``, default
    ``/query`` as in Oxigraph) or the query service's own URL, e.g.
    ``http://127.0.0.1:8890/sparql`` (Virtuoso)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        from .errors import InputError

        raise InputError(f"--store {url}: not an http(s) URL")
    if query_path is None and parts.path.strip("/"):
        return RemoteStore(urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", "")),
                           query_path=parts.path.rstrip("/"))
    return RemoteStore(url, query_path=query_path or "/query")
