"""Projections of the reasoned RDF graph to networkx, the projection being a parameter.

=================  ==========================================================  =========
name               edges                                                       kind
=================  ==========================================================  =========
representation     member → body that represents it (org:Membership)          directed
affiliation        organisation ↔ body or network it is a member of or sits   bipartite,
                   on (memberships, seats; NOT partnerships: hosting an       weighted
                   event is no representation tie); measured on its           one-mode
                   one-mode projection (co-membership, weight = shared
                   affiliations)
coparticipation    organisation ↔ event or project it takes part in or        bipartite,
                   hosts (partnerships): co-participation, kept apart from    weighted
                   the representation and affiliation measures                one-mode
governance         organisation or person ↔ public, consultative or           bipartite
                   governance body it sits on (itself, through a person, or
                   by nominating the holder)
=================  ==========================================================  =========

Every node carries ``label``, ``kind``, ``rank`` (level 1 local … 5 international)
and ``countries``; bipartite graphs mark nodes with ``bipartite`` 0 (actors) or 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import networkx as nx

from ..names import LabelIndex
from ..queries import load_query

__all__ = ["Projection", "PROJECTIONS", "project", "edges_to_graph", "AFFILIATION_PREFIX", "ONE_MODE"]

AFFILIATION_PREFIX = "affiliation:"


@dataclass(frozen=True)
class Projection:
    name: str
    meaning: str
    query: str
    source: str
    target: str
    directed: bool
    bipartite: bool
    relations: tuple[str, ...] | None = None  # the query's ?relation values kept (None: every row)


PROJECTIONS = {
    p.name: p
    for p in (
        Projection("representation", "member → the body that represents it", "representation_edges", "member", "body", True, False),
        Projection("affiliation", "organisations linked by the bodies and networks they are members of or sit on "
                   "(no partnership, no event)", "affiliation_edges", "actor", "target", False, True, ("membership", "seat")),
        Projection("coparticipation", "organisations linked by the events and projects they take part in or host "
                   "(co-participation, not representation)", "affiliation_edges", "actor", "target", False, True,
                   ("partnership",)),
        Projection("governance", "organisations and people ↔ the bodies they sit on", "governance_edges", "actor", "body", False, True),
    )
}


def edges_to_graph(edges: list[tuple[str, str]], *, directed: bool, bipartite: bool):
    """A networkx graph from (source, target) pairs.

    For a bipartite projection, targets become distinct nodes named
    ``affiliation:<iri>`` (an organisation can be both an actor and an
    affiliation, e.g. a federation that is a member of an umbrella), and the
    result is ``(B, actors)``; otherwise the graph and ``None``.

    >>> g, _ = edges_to_graph([("a", "b"), ("b", "c")], directed=True, bipartite=False)
    >>> sorted(g.edges())
    [('a', 'b'), ('b', 'c')]
    >>> b, actors = edges_to_graph([("a", "p"), ("b", "p")], directed=False, bipartite=True)
    >>> sorted(actors), sorted(b.nodes())
    (['a', 'b'], ['a', 'affiliation:p', 'b'])
    """
    if not bipartite:
        g = nx.DiGraph() if directed else nx.Graph()
        for s, t in edges:
            if s != t:
                g.add_edge(s, t)
        return g, None
    b = nx.Graph()
    actors = set()
    for s, t in edges:
        b.add_node(s, bipartite=0)
        b.add_node(AFFILIATION_PREFIX + t, bipartite=1)
        b.add_edge(s, AFFILIATION_PREFIX + t)
        actors.add(s)
    return b, actors


def attribute_rows(rows, labels: LabelIndex, lang: str) -> dict[str, dict]:
    """``{node: {kinds, rank, countries}}`` from rows of ``node_attributes.rq`` (or its
    per-node variant ``ego_node_attributes.rq``)."""
    attrs: dict[str, dict] = {}
    for row in rows:
        a = attrs.setdefault(row["node"], {"kinds": set(), "rank": None, "countries": set()})
        if row["kind"]:
            a["kinds"].add(labels.label(row["kind"], lang))
        if row["rank"] is not None:
            a["rank"] = max(a["rank"] or 0, int(row["rank"]))
        if row["country"]:
            a["countries"].add(labels.label(row["country"], lang))
    return attrs


def _attributes(store, labels: LabelIndex, lang: str) -> dict[str, dict]:
    return attribute_rows(store.select(load_query("node_attributes").text).dicts(), labels, lang)


# Above this many co-membership pairs, the one-mode projection (a clique per
# affiliation) is not built: the measures run on the bipartite graph instead.
ONE_MODE_LIMIT = 200_000
ONE_MODE = ("affiliation", "coparticipation")  # measured on the actors' one-mode projection


def one_mode_pairs(B) -> int:
    """How many actor pairs the one-mode projection of ``B`` would hold, at most."""
    return sum(d * (d - 1) // 2 for n, d in B.degree() if B.nodes[n].get("bipartite") == 1)


def project(store, name: str, *, lang: str = "en", labels: LabelIndex | None = None,
            one_mode_limit: int = ONE_MODE_LIMIT):
    """Project the store's reasoned graph; returns ``(G, B, actors)``.

    ``G`` is the graph the measures run on: for ``affiliation`` the weighted
    one-mode projection onto the actors (co-membership), unless it would exceed
    ``one_mode_limit`` pairs (large federations make it quadratic), in which case
    ``G`` is the bipartite graph itself and ``G.graph["one_mode"]`` is False;
    ``B`` is the bipartite graph (or None).
    """
    from ..errors import InputError

    if name not in PROJECTIONS:
        raise InputError(f"unknown projection '{name}': use {', '.join(PROJECTIONS)}")
    spec = PROJECTIONS[name]
    labels = labels or LabelIndex.from_store(store)
    rows = store.select(load_query(spec.query).text).dicts()
    edges = [(r[spec.source], r[spec.target]) for r in rows if spec.relations is None or r.get("relation") in spec.relations]
    graph, actors = edges_to_graph(edges, directed=spec.directed, bipartite=spec.bipartite)
    attrs = _attributes(store, labels, lang)
    B = None
    if spec.bipartite:
        B = graph
        if name in ONE_MODE and one_mode_pairs(B) <= one_mode_limit:
            from networkx.algorithms import bipartite

            G = bipartite.weighted_projected_graph(B, sorted(actors)) if actors else nx.Graph()  # no such tie at all
            G.graph["one_mode"] = True
        else:
            G = B
            G.graph["one_mode"] = False
    else:
        G = graph
    decorate: Callable[[str], dict] = lambda n: _node_data(n, labels, attrs, lang)  # noqa: E731
    for g in (G, B):
        if g is None:
            continue
        for n in g.nodes:
            g.nodes[n].update(decorate(n))
    return G, B, actors


def _node_data(node: str, labels: LabelIndex, attrs: dict, lang: str) -> dict:
    iri = node[len(AFFILIATION_PREFIX):] if node.startswith(AFFILIATION_PREFIX) else node
    a = attrs.get(iri, {})
    return {
        "iri": iri,
        "label": labels.label(iri, lang),
        "kind": ", ".join(sorted(a.get("kinds", ()))) or "",
        "rank": a.get("rank"),
        "countries": sorted(a.get("countries", ())),
    }
