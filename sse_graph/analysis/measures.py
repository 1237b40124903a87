"""Network measures, each with its meaning in plain words.

Every function takes the projection's graph ``G`` (and the representation graph
``R`` for the measures that are about representation) and returns
``{node: value}``.  Randomised steps take ``seed``; the results are the same
from run to run.
"""
from __future__ import annotations

import math

import networkx as nx

__all__ = ["METRICS", "MEANINGS", "compute", "EXACT_BETWEENNESS_LIMIT"]

# Above this many nodes, betweenness is estimated from a seeded sample of k source nodes,
# k = min(300, 1.2e7 / (nodes + edges)) and at least 32: about a minute on 2 cores at 100k organisations.
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_SAMPLE = 300
BETWEENNESS_WORK = 12_000_000

MEANINGS = {
    "degree": "how many direct links it has in this projection (affiliations, members, seats)",
    "members": "how many organisations are its direct members (how many it gathers)",
    "reach": "how many organisations it represents, directly or through chains of federations",
    "level": "the territorial level it acts at: 1 local, 2 regional, 3 national, 4 European, 5 international",
    "chain": "the longest chain of representation below it (1: it only gathers direct members)",
    "betweenness": "how often it lies on the shortest path between two others: a broker between groups",
    "constraint": "how much its contacts are tied to each other (low: it bridges structural holes)",
    "effective_size": "how many of its contacts are non-redundant (high: it spans separate groups)",
    "pagerank": "how much weight its position carries, counting who links to it and how important they are",
    "core": "the densest group it belongs to (k-core: every member has at least k links inside)",
    "community": "the cluster of actors that work together most (Louvain communities, numbered by size)",
    "countries": "how many countries its direct contacts (and itself) are in: above 1, it links countries",
}
METRICS = tuple(MEANINGS)


def _undirected(G) -> nx.Graph:
    U = G.to_undirected() if G.is_directed() else G.copy()
    U.remove_edges_from(nx.selfloop_edges(U))
    return U


def degree(G, **_):
    return dict(G.degree())


def members(G, R=None, **_):
    R = R if R is not None else G
    return dict(R.in_degree()) if R.is_directed() else dict(R.degree())


def reach(G, R=None, **_):
    """Number of organisations that reach this one through representation edges.

    >>> R = nx.DiGraph([("c1", "A"), ("c2", "A"), ("A", "U")])
    >>> reach(R, R)["U"], reach(R, R)["A"], reach(R, R)["c1"]
    (3, 2, 0)
    """
    R = R if R is not None else G
    if not R.is_directed():
        return {n: 0 for n in G}
    return {n: (len(nx.ancestors(R, n)) if n in R else 0) for n in G}


def level(G, **_):
    return {n: G.nodes[n].get("rank") for n in G}


def chain(G, R=None, **_):
    """Longest chain of representation ending at each node (edges count).

    >>> R = nx.DiGraph([("c1", "A"), ("A", "U"), ("U", "E"), ("c2", "E")])
    >>> chain(R, R)["E"], chain(R, R)["A"], chain(R, R)["c1"]
    (3, 1, 0)
    """
    R = R if R is not None else G
    longest = {n: 0 for n in R}
    if R.is_directed() and nx.is_directed_acyclic_graph(R):
        for n in nx.topological_sort(R):
            for m in R.successors(n):
                longest[m] = max(longest[m], longest[n] + 1)
    return {n: longest.get(n, 0) for n in G}


def betweenness(G, seed=42, **_):
    n = G.number_of_nodes()
    k = None if n <= EXACT_BETWEENNESS_LIMIT else min(n, BETWEENNESS_SAMPLE,
                                                      max(32, BETWEENNESS_WORK // (n + G.number_of_edges())))
    return nx.betweenness_centrality(G, k=k, seed=seed, normalized=True)


def _clean(values: dict) -> dict:
    return {n: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for n, v in values.items()}


def constraint(G, **_):
    U = _undirected(G)
    return _clean(nx.constraint(U, weight="weight" if nx.is_weighted(U) else None))


def effective_size(G, **_):
    U = _undirected(G)
    return _clean(nx.effective_size(U, weight="weight" if nx.is_weighted(U) else None))


def pagerank(G, **_):
    if G.number_of_edges() == 0:
        return {n: 1 / max(1, G.number_of_nodes()) for n in G}
    return nx.pagerank(G, alpha=0.85, weight="weight")


def core(G, **_):
    return nx.core_number(_undirected(G))


def community(G, seed=42, **_):
    """Louvain communities, numbered 1, 2 … by decreasing size (ties by smallest node)."""
    U = _undirected(G)
    comms = nx.community.louvain_communities(U, weight="weight", seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    return {n: i + 1 for i, c in enumerate(comms) for n in c}


def countries(G, **_):
    U = _undirected(G)
    out = {}
    for n in G:
        seen = set(G.nodes[n].get("countries") or ())
        for m in U.neighbors(n):
            seen.update(U.nodes[m].get("countries") or ())
        out[n] = len(seen)
    return out


_FUNCTIONS = {
    "degree": degree, "members": members, "reach": reach, "level": level, "chain": chain,
    "betweenness": betweenness, "constraint": constraint, "effective_size": effective_size,
    "pagerank": pagerank, "core": core, "community": community, "countries": countries,
}


def compute(G, metrics, *, R=None, seed: int = 42) -> dict[str, dict]:
    """``{metric: {node: value}}`` for the asked metrics on ``G`` (``R``: the
    representation graph, for members, reach and chain)."""
    from ..errors import InputError

    unknown = [m for m in metrics if m not in _FUNCTIONS]
    if unknown:
        raise InputError(f"unknown metric(s) {', '.join(unknown)}: use {', '.join(METRICS)}")
    return {m: _FUNCTIONS[m](G, R=R, seed=seed) for m in metrics}
