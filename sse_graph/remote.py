"""An external SPARQL 1.1 store: push the built dataset with the Graph Store
Protocol, then answer from it with the SPARQL Protocol.

Tested with the Oxigraph server (``oxigraph serve``: query at ``/query``, graph
store at ``/store``); Fuseki (``/ds/sparql``, ``/ds/data``), GraphDB
(``/repositories/R``, ``/repositories/R/rdf-graphs/service``) and Virtuoso
(``/sparql``, ``/sparql-graph-crud``) speak the same protocols: give their
paths with ``--query-path`` and ``--gsp-path``.
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

__all__ = ["RemoteStore", "push"]


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
            res = self._post("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", [], "application/sparql-results+json")
            graph_names = sorted(b["g"]["value"] for b in json.loads(res)["results"]["bindings"])
        self.graph_names = graph_names

    @property
    def asserted_graphs(self) -> list[str]:
        return [g for g in self.graph_names if g not in (str(INFERRED_GRAPH), str(METRICS_GRAPH))]

    def _post(self, text: str, default_graphs: list[str], accept: str) -> bytes:
        params = [("default-graph-uri", g) for g in default_graphs]
        url = self.query_url + ("?" + urllib.parse.urlencode(params) if params else "")
        return _request("POST", url, text.encode("utf-8"), {"Content-Type": "application/sparql-query", "Accept": accept})

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
