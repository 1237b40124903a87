"""Network analysis of SSE governance: projections of the reasoned graph to
networkx, measures with their meaning, and the measures written back as RDF."""
from __future__ import annotations

from .measures import MEANINGS, METRICS, compute
from .projections import ONE_MODE, PROJECTIONS, project

__all__ = ["analyse", "metrics_ntriples", "DEFAULT_METRICS", "MEANINGS", "METRICS", "PROJECTIONS", "project", "compute"]

DEFAULT_METRICS = {
    "representation": ["reach", "members", "level", "chain", "betweenness", "pagerank"],
    "affiliation": ["betweenness", "degree", "constraint", "pagerank", "core", "community"],
    "governance": ["degree", "betweenness", "pagerank", "community"],
    "coparticipation": ["betweenness", "degree", "community"],
}


def _representation(store, labels):
    G, _B, _a = project(store, "representation", labels=labels)
    return G


def analyse(store, projection: str = "representation", metrics: list[str] | None = None, *,
            top: int | None = 20, lang: str = "en", seed: int = 42) -> list[dict]:
    """Ranked rows ``{iri, label, alt_labels, kind, <metric>: value ...}``, ranked by the
    first metric (descending; ascending for ``constraint``, where low means broker)."""
    from ..names import LabelIndex

    labels = LabelIndex.from_store(store)
    metrics = list(metrics or DEFAULT_METRICS.get(projection, ["degree"]))
    G, _B, _actors = project(store, projection, lang=lang, labels=labels)
    if G.number_of_nodes() == 0:
        return []  # no tie of this kind in the graph
    R = G if projection == "representation" else _representation(store, labels)
    values = compute(G, metrics, R=R, seed=seed)
    rows = []
    for n in G.nodes:
        data = G.nodes[n]
        if data.get("bipartite") == 1 and projection in ONE_MODE:
            continue  # rank the actors, not the affiliations
        row = {"iri": data["iri"], "label": data["label"], "alt_labels": labels.alt_labels(data["iri"], lang),
               "kind": data["kind"]}
        for m in metrics:
            v = values[m].get(n)
            row[m] = round(v, 6) if isinstance(v, float) else v
        rows.append(row)
    first = metrics[0]
    ascending = first == "constraint"

    def key(r):
        v = r[first]
        missing = v is None
        return (missing, (v if ascending else -v) if not missing else 0, r["label"].casefold())

    rows.sort(key=key)
    return rows[:top] if top else rows


def metrics_ntriples(store, *, seed: int = 42) -> bytes:
    """Every default measure of every projection, as N-Triples for the metrics graph:
    ``[] a sse:Measure ; sse:measureOf <org> ; sse:metric sse:metric-reach ;
    sse:projection "representation" ; sse:value 17``."""
    import hashlib

    from ..names import LabelIndex

    labels = LabelIndex.from_store(store)
    SSE = "https://w3id.org/sse-graph/ontology#"
    XSD = "http://www.w3.org/2001/XMLSchema#"
    lines = []
    R = _representation(store, labels)
    for name in PROJECTIONS:
        G = R if name == "representation" else project(store, name, labels=labels)[0]
        if G.number_of_nodes() == 0:
            continue
        values = compute(G, DEFAULT_METRICS[name], R=R, seed=seed)
        for metric, by_node in values.items():
            for node, v in sorted(by_node.items()):
                if v is None:
                    continue
                iri = G.nodes[node]["iri"]
                h = hashlib.sha1(f"{name}|{metric}|{node}".encode()).hexdigest()[:16]
                m = f"<https://w3id.org/sse-graph/metrics/{name}/{metric}/{h}>"
                lit = f'"{v}"^^<{XSD}integer>' if isinstance(v, int) else f'"{float(v)!r}"^^<{XSD}double>'
                lines += [
                    f"{m} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SSE}Measure> .",
                    f"{m} <{SSE}measureOf> <{iri}> .",
                    f"{m} <{SSE}metric> <{SSE}metric-{metric}> .",
                    f'{m} <{SSE}projection> "{name}" .',
                    f"{m} <{SSE}value> {lit} .",
                ]
    return ("\n".join(lines) + "\n").encode("utf-8")
