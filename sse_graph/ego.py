"""The picture around one organisation, read from the store around it.

``draw --focus ORG`` (and the viewer's focus picture) show the ego graph of
radius ``depth`` around ORG.  Cutting it out of the whole graph meant reading
every relation, kind, level and the whole representation projection first
(55 s at 108k triples); here each step asks the store only about the nodes it
has reached, with the shipped ``ego_*.rq`` queries whose ``VALUES`` block is
replaced by those nodes:

- :func:`ego_graph` — breadth-first, layer by layer: the relations from and to
  the nodes of the last layer (``ego_relations_from`` / ``_to``, the rows of
  ``relations.rq``), filtered as the picture's projection and ``--as-of`` say,
  then the relations among the nodes of the outer layer: the same nodes and
  edges as the whole graph cut by :func:`networkx.ego_graph`;
- :func:`attributes`, :func:`kinds` — kinds, level and countries of the nodes shown;
- :func:`representation_ancestry` — the representation graph restricted to the
  nodes that reach the nodes shown (what ``reach``, ``members`` and ``chain`` count);
- :func:`chain_pairs` — the steps of the focus's representation chains (the links
  reachable from it, read from the build's materialised representation graph).

The work grows with what is drawn (and, for ``reach``, with what the shown nodes
represent), not with the graph.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from .errors import QueryError
from .queries import load_query, once_with_source
from .reach_index import count_below

__all__ = ["WHOLE_GRAPH_LIMIT", "check_whole_graph_size", "ego_graph", "attributes", "kinds", "representation_ancestry", "reach", "walked_reach", "link_targets", "links_below", "count_below", "chain_pairs", "with_values", "select_around"]

WHOLE_GRAPH_LIMIT = 10_000  # organisations: above, a picture of the whole graph is refused (a focus is asked for)
CHUNK = 1000  # IRIs per VALUES block: one query per chunk keeps each query's text small
_NOT_IRI = re.compile(r'[<>"{}|^`\\\s]')


def with_values(text: str, var: str, iris: Iterable[str]) -> str:
    """``text`` with every ``VALUES ?var { … }`` block listing ``iris`` instead.

    >>> with_values("SELECT * { VALUES ?x { <urn:a> } ?x ?p ?o }", "x", ["urn:b", "urn:c"])
    'SELECT * { VALUES ?x { <urn:b> <urn:c> } ?x ?p ?o }'
    """
    iris = list(iris)
    for iri in iris:
        if not iri or _NOT_IRI.search(iri):
            raise QueryError(f"not an IRI: {iri!r}")
    block = "VALUES ?%s { %s }" % (var, " ".join(f"<{i}>" for i in iris))
    out, n = re.subn(r"VALUES \?%s \{[^}]*\}" % re.escape(var), lambda _m: block, text)
    if not n:
        raise QueryError(f"the query has no VALUES ?{var} block")
    from .queries import Shipped

    return Shipped(out) if isinstance(text, Shipped) else out  # plain IRIs only were written


def select_around(store, name: str, var: str, iris: Iterable[str]) -> list[dict]:
    """The rows of the shipped query ``name`` for the nodes ``iris`` (bound to ``?var``)."""
    iris = sorted(set(iris))
    text = load_query(name).text
    rows: list[dict] = []
    for i in range(0, len(iris), CHUNK):
        rows += store.select(with_values(text, var, iris[i:i + CHUNK])).dicts()
    return rows


def check_whole_graph_size(store, nodes: set[str] | None = None, limit: int = WHOLE_GRAPH_LIMIT) -> None:
    """Refuse (exit 2) to draw the whole graph — or the ``nodes`` chosen — when it holds
    more than ``limit`` organisations: the layout of 75,000 nodes runs for hours and
    no one could read it; the neighbourhood of one organisation is drawn instantly."""
    from .errors import InputError

    n = len(nodes) if nodes is not None else int(store.select(load_query("organisation_count").text).dicts()[0]["organisations"] or 0)
    if n > limit:
        raise InputError(f"the graph holds {n:,} organisations: a picture of more than {limit:,} is neither legible nor "
                         "quick to draw; draw the neighbourhood of one of them (--focus NAME --depth 1 or 2), or "
                         "rank them with `sse-graph analyse`")


def _relation_rows(store, nodes: set[str], *, incoming: bool = True) -> list[dict]:
    """The rows of ``relations.rq`` with ``?a`` in ``nodes`` (and, if ``incoming``, those
    with ``?b`` in ``nodes``), each row once."""
    rows = once_with_source(select_around(store, "ego_relations_from", "a", nodes))
    if incoming:  # a row with both ends in ``nodes`` came with the first query already
        rows += [r for r in once_with_source(select_around(store, "ego_relations_to", "b", nodes)) if r["a"] not in nodes]
    return rows


def ego_graph(store, focus: str, depth: int, *, wanted: Callable[[dict], bool], representation: bool = False,
              nodes: set[str] | None = None):
    """The relations within ``depth`` steps of ``focus`` (either direction) among
    those ``wanted`` keeps (a row of ``relations.rq``): a ``MultiDiGraph`` with
    ``relation`` and ``file`` on each edge, as the whole graph cut by
    :func:`networkx.ego_graph` would be.  ``representation``: only memberships of
    representative bodies count; ``nodes``: only relations between those (and the focus)."""
    import networkx as nx

    allowed = None if nodes is None else set(nodes) | {focus}
    rep_cache: dict[str, bool] = {}

    def representative(iris: set[str]) -> None:
        todo = {i for i in iris if i not in rep_cache}
        if todo:
            found = {r["x"] for r in select_around(store, "ego_representative_bodies", "x", todo)}
            rep_cache.update({i: i in found for i in todo})

    def keep(rows: list[dict]) -> list[dict]:
        rows = [r for r in rows if wanted(r)]
        if allowed is not None:
            rows = [r for r in rows if r["a"] in allowed and r["b"] in allowed]
        if representation:
            representative({r["b"] for r in rows})
            rows = [r for r in rows if rep_cache[r["b"]]]
        return rows

    G = nx.MultiDiGraph()
    G.add_node(focus)
    seen = {focus}  # the nodes reached so far
    done: set[str] = set()  # the nodes whose relations are all read
    frontier = {focus}
    for _ in range(depth):
        rows = [r for r in keep(_relation_rows(store, frontier)) if r["a"] not in done and r["b"] not in done]
        done |= frontier
        nxt = set()
        for r in rows:
            G.add_edge(r["a"], r["b"], relation=r["relation"], file=r["file"])
            nxt |= {r["a"], r["b"]} - seen
        seen |= nxt
        frontier = nxt
        if not frontier:
            break
    if frontier:  # the outer layer: the relations among its own nodes
        for r in keep(_relation_rows(store, frontier, incoming=False)):
            if r["b"] in frontier:
                G.add_edge(r["a"], r["b"], relation=r["relation"], file=r["file"])
    return G


def attributes(store, labels, lang: str, iris: Iterable[str]) -> dict[str, dict]:
    """``{node: {kinds, rank, countries}}`` for ``iris``, as
    :func:`sse_graph.analysis.projections._attributes` gives for every node."""
    from .analysis.projections import attribute_rows

    return attribute_rows(select_around(store, "ego_node_attributes", "node", iris), labels, lang)


def kinds(store, labels, iris: Iterable[str]) -> dict[str, list[str]]:
    """The kinds (English labels) of ``iris``, and Body, Person, Project, Event: what styles a node."""
    out: dict[str, list[str]] = {}
    for r in select_around(store, "ego_node_kinds", "x", iris):
        out.setdefault(r["x"], []).append(labels.label(r["kind"], "en"))
    return out


def representation_ancestry(store, iris: Iterable[str]):
    """The representation graph (member → representative body, as the
    ``representation`` projection) restricted to ``iris`` and every node that
    reaches one of them: enough for ``reach``, ``members`` and ``chain`` of ``iris``."""
    import networkx as nx

    R = nx.DiGraph()
    frontier, seen = set(iris), set(iris)
    while frontier:
        nxt = set()
        for r in select_around(store, "ego_represented_members", "body", frontier):
            if r["member"] != r["body"]:
                R.add_edge(r["member"], r["body"])
            if r["representative"] and r["member"] not in seen:
                nxt.add(r["member"])
        seen |= nxt
        frontier = nxt
    return R


def link_targets(store) -> set[str]:
    """The nodes a representation link can lead to (``link_targets.rq``): a few hundred
    at 1M triples, read in one query."""
    return {r["x"] for r in store.select(load_query("link_targets").text).dicts()}


def links_below(store, iris: Iterable[str], targets: set[str] | None = None) -> dict[str, set[str]]:
    """The build's materialised representation links (member → representative, every
    kind; the chains left out: their ends are joined by links) into ``iris`` and, step by
    step, into every node that reaches them, as ``{representative: {members}}``: what
    ``ego_reach.rq`` walks for each of them (:func:`count_below`).  One walk for all the
    nodes of a picture, each node's links read once: the bodies of a picture overlap (a
    world network represents what its national chambers do), and a property-path count
    per body read them again for each.  ``targets``: the only nodes links can lead to
    (:func:`link_targets`); the others (a chamber's 14,000 enterprises) are not asked about."""
    below: dict[str, set[str]] = {}
    frontier, seen = set(iris), set(iris)
    while frontier:
        nxt = set()
        asked = frontier if targets is None else frontier & targets
        for r in select_around(store, "ego_link_ends_to", "to", asked) if asked else []:
            below.setdefault(r["to"], set()).add(r["from"])
            if r["from"] not in seen:
                nxt.add(r["from"])
        seen |= nxt
        frontier = nxt
    return below




def reach(store, iris: Iterable[str]) -> dict[str, int]:
    """How many organisations each of ``iris`` represents (the ``reach`` measure of the
    representation projection): read from the build's table (``reach.sqlite``, counted
    by the build as below: :mod:`sse_graph.reach_index`), else :func:`walked_reach`."""
    from .reach_index import stored_reach

    stored = stored_reach(store, iris)
    return stored if stored is not None else walked_reach(store, iris)


def walked_reach(store, iris: Iterable[str]) -> dict[str, int]:
    """How many organisations each of ``iris`` represents, counted by the store along the materialised
    representation links (:func:`links_below`, exactly what ``ego_reach.rq`` counts for
    one body); through the memberships
    read out (:func:`representation_ancestry`) for a body above a seat holder (whose
    mandate links the count would follow) or when the build wrote no such graph."""
    import networkx as nx

    from .chains import has_representation_graph

    iris = set(iris)
    out = dict.fromkeys(iris, 0)
    bodies = {r["x"] for r in select_around(store, "ego_representative_bodies", "x", iris)}
    if has_representation_graph(store):
        apart = bodies & {r["above"] for r in store.select(load_query("ego_mandate_reach").text).dicts()}
        below = links_below(store, bodies - apart, link_targets(store)) if bodies - apart else {}
        out.update({body: count_below(below, body) for body in bodies - apart})
    else:
        apart = bodies
    if apart:
        R = representation_ancestry(store, apart)
        out.update({n: len(nx.ancestors(R, n)) if n in R else 0 for n in apart})
    return out


def _links_out_of(store, among: set[str]) -> dict[str, list[dict]]:
    """The rows of ``ego_links_from.rq`` for the links out of ``among`` (the nodes a picture
    shows), by the node they lead to: a chain down from the focus among them is walked
    in memory.  Asking the store, step by step, for the links into the nodes reached
    from those shown read every link into them first — at 1M triples the 14,000
    enterprises below a chamber's federations, none of them shown (0.7-1 s)."""
    into: dict[str, list[dict]] = {}
    for r in select_around(store, "ego_links_from", "from", among):
        into.setdefault(r["to"], []).append(r)
    return into


def _links_around(store, focus: str, *, up: bool, max_len: int, within: set[str] | None = None):
    """The representation links reachable from ``focus`` through memberships (up: towards
    its representatives), read one step at a time from the build's materialised
    representation graph, as ``(up, down)``; ``None`` when the build did not write it.
    ``within``: only links between those nodes."""
    from .chains import has_representation_graph, links_from_rows

    if not has_representation_graph(store):
        return None
    name, var, ahead = ("ego_links_from", "from", "to") if up else ("ego_links_to", "to", "from")
    rows: list[dict] = []
    frontier, seen = {focus}, {focus}
    out_of_shown = _links_out_of(store, within) if within is not None and not up else None
    for _ in range(max_len):  # no chain is longer (chains.reachable_chains)
        if out_of_shown is not None:  # only the links from the nodes shown
            found = [r for to in sorted(frontier) for r in out_of_shown.get(to, [])]
        else:
            found = select_around(store, name, var, frontier)
        if within is not None:
            found = [r for r in found if r[ahead] in within]
        rows += found
        frontier = {r[ahead] for r in found if r["kind"] == "membership"} - seen
        seen |= frontier
        if not frontier:
            break
    return links_from_rows(rows)


def chain_pairs(store, focus: str, *, as_of=None, strict: bool = False, links=None,
                shown: set[str] | None = None) -> set[tuple[str, str]]:
    """The (member, representative) steps of the chains that represent ``focus`` and
    that ``focus`` represents, as ``Questions.represented_by`` / ``represents`` pick them
    (without their labels and evidence); ``links``: a callable returning the graph's
    ``(up, down)`` links, for a build that did not materialise them.

    ``shown``: the nodes of the picture.  The chains down from ``focus`` are then
    those that stay among them: a national chamber represents tens of thousands of
    organisations at 1M triples, and reading every chain to mark the few steps a
    picture shows cost most of its time.  (Up, towards its representatives, every
    chain is read: there are few.)  The two differ only where the best chain to a
    shown organisation leaves the picture and comes back into it."""
    from .chains import pick, reachable_chains

    max_len = reachable_chains.__kwdefaults__["max_len"]
    pairs: set[tuple[str, str]] = set()
    for up in (True, False):
        around = _links_around(store, focus, up=up, max_len=max_len, within=None if up else shown)
        if around is None:
            around = links() if links is not None else None
        if around is None:
            continue
        for iri, chains in reachable_chains(around[0] if up else around[1], focus, up=up).items():
            if iri == focus:
                continue
            best, _other = pick(chains, as_of, strict)
            if best is None:
                continue
            if up:
                pairs.update(zip(best.nodes, best.nodes[1:]))
            else:  # as represents(): the chain from the focus down, each step read upwards
                path = list(reversed(best.nodes))
                pairs.update((b, a) for a, b in zip(path, path[1:]))
    return pairs
