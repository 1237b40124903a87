"""Querying: run the shipped ``.rq`` queries and walk the relations, in IRIs.

Nothing here picks a label or shapes an answer (that is :mod:`.format`); the
functions return rows of the queries and paths of IRIs.
"""
from __future__ import annotations

import re
from collections import defaultdict, deque
from datetime import date

from ..names import LabelIndex, normalise
from ..queries import load_query
from ..timeline import Timing, counts, status_on
from ..values import bind_values, values_block

__all__ = ["select", "member_rows", "representation_edges", "shortest_chains", "relation_adjacency",
           "shortest_path", "relation_rows_around", "relations_around", "AdjacencyReader", "bounded_shortest_path",
           "search_scores", "fact_evidence_rows", "link_evidence_rows", "attribute_evidence_rows"]

Edges = dict[str, dict[str, set[str]]]


def select(store, name: str, org: str | None = None):
    """The rows of the shipped query ``name``, with ``?org`` bound to ``org`` if given."""
    return store.select(load_query(name).text, bindings={"org": org} if org else None)


def _role_matches(labels: LabelIndex, role_iri: str | None, needle: str) -> bool:
    if not role_iri:
        return False
    return any(needle in normalise(lbl) for lbl in set(labels.pref.get(role_iri, {}).values()))


def record_status(row: dict, on: date) -> str:
    """The status on ``on`` of one dated record (a query row with start/end/attested/during)."""
    return status_on(Timing.of(start=row.get("start"), end=row.get("end"), attested=row.get("attested"),
                               during=row.get("during")), on)


def member_rows(store, labels: LabelIndex, org: str, *, as_of: date | None = None, role: str | None = None,
                strict: bool = False) -> list[dict]:
    """The membership rows of ``org`` that count on ``as_of`` (all but those known to have
    ended or not yet started; with ``strict`` only those that hold or are attested then)
    and whose role label contains ``role``."""
    needle = normalise(role) if role else None
    rows = []
    for row in select(store, "members", org).dicts():
        if as_of and not counts(record_status(row, as_of), strict=strict):
            continue
        if needle is not None and not _role_matches(labels, row["role"], needle):
            continue
        rows.append(row)
    return rows


def representation_edges(store) -> tuple[Edges, Edges]:
    """Direct representation steps, both ways (``up`` member → body, ``down`` body → member),
    each with every source file that states it."""
    up: Edges = defaultdict(lambda: defaultdict(set))
    down: Edges = defaultdict(lambda: defaultdict(set))
    for row in select(store, "representation_edges").dicts():
        files = {row["file"]} if row["file"] else set()
        up[row["member"]][row["body"]] |= files
        down[row["body"]][row["member"]] |= files
    return up, down


def shortest_chains(start: str, edges: Edges) -> dict[str, list[tuple[str, set[str]]]]:
    """Shortest chain from ``start`` to every reachable node: [(node, sources of the step)].

    >>> chains = shortest_chains("a", {"a": {"b": {"f1"}}, "b": {"c": {"f2"}}})
    >>> [n for n, _ in chains["c"]], chains["c"][-1][1]
    (['a', 'b', 'c'], {'f2'})
    """
    chains = {start: [(start, set())]}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(edges.get(node, {})):
            if nxt not in chains:
                chains[nxt] = chains[node] + [(nxt, edges[node][nxt])]
                queue.append(nxt)
    return chains


Adjacency = dict[str, list[tuple[str, str, str | None, str | None]]]

# Each relation read backwards, in words ("B has as member A" for "A member of B").
INVERSE_WORDS = {
    "member of": "has as member", "sits on": "has a seat held by", "sits for": "has a seat held on its behalf by",
    "nominates members to": "has members nominated by", "takes part in": "has as participant",
    "holds a post in": "has a post held by", "part of": "has as part", "led by": "leads",
}


def relation_adjacency(relations: list[dict]) -> Adjacency:
    """Every sourced relation as an edge both ways: node → [(other, relation, role, file)]."""
    adj: Adjacency = defaultdict(list)
    for r in relations:
        adj[r["a"]].append((r["b"], r["relation"], r["role"], r["file"]))
        adj[r["b"]].append((r["a"], INVERSE_WORDS.get(r["relation"], f"(reverse of '{r['relation']}')"), r["role"], r["file"]))
    return adj


def shortest_path(adj: Adjacency, a: str, b: str) -> list[tuple[str, tuple[str, str, str | None] | None]]:
    """The nodes from ``a`` to ``b`` in order, each with ``(previous node, relation, role)``
    of the step that reached it (``None`` for ``a``); empty when nothing links them.

    >>> adj = relation_adjacency([{"a": "x", "b": "y", "relation": "member of", "role": None, "file": "f"}])
    >>> shortest_path(adj, "y", "x")
    [('y', None), ('x', ('y', 'has as member', None))]
    """
    prev: dict[str, tuple[str, str, str | None] | None] = {a: None}
    queue = deque([a])
    while queue and b not in prev:
        node = queue.popleft()
        for nxt, rel, role, _src in sorted(adj.get(node, []), key=lambda e: (e[0], e[1])):
            if nxt not in prev:
                prev[nxt] = (node, rel, role)
                queue.append(nxt)
    if b not in prev:
        return []
    return _walk_back(prev, b)


def relation_rows_around(store, nodes: list[str]) -> tuple[list[dict], list[dict]]:
    """The rows of relations.rq going out of ``nodes`` and those coming into them, in two
    bounded queries (relations_around.rq), never the whole graph's."""
    if not nodes:
        return [], []
    from ..queries import once_with_source

    bound = [(n,) for n in nodes]
    return (once_with_source(store.select(bind_values("relations_around", ("a",), bound)).dicts()),
            once_with_source(store.select(bind_values("relations_around", ("b",), bound)).dicts()))


def relations_around(store, nodes: list[str], keep=None) -> Adjacency:
    """The adjacency (as :func:`relation_adjacency`) of ``nodes`` only; ``keep(row)`` filters
    the relations (e.g. those that count on a date)."""
    adj: Adjacency = {n: [] for n in nodes}
    going, coming = relation_rows_around(store, nodes)
    for r in going:
        if r["a"] in adj and (keep is None or keep(r)):
            adj[r["a"]].append((r["b"], r["relation"], r["role"], r["file"]))
    for r in coming:
        if r["b"] in adj and (keep is None or keep(r)):
            adj[r["b"]].append((r["a"], INVERSE_WORDS.get(r["relation"], f"(reverse of '{r['relation']}')"), r["role"], r["file"]))
    return adj


class AdjacencyReader:
    """The adjacency of the nodes asked for, read from the store on demand and kept."""

    def __init__(self, store, keep=None):
        self.store, self.keep, self.adj = store, keep, {}

    def __call__(self, nodes) -> Adjacency:
        missing = [n for n in dict.fromkeys(nodes) if n not in self.adj]
        if missing:
            self.adj.update(relations_around(self.store, missing, self.keep))
        return self.adj


def _level_walk(adjacency: AdjacencyReader, dist: dict[str, int], front: list[str]) -> list[str]:
    """Expand one whole BFS level from ``front``; label the new nodes in ``dist``; return them."""
    adj = adjacency(front)
    nxt = []
    for node in front:
        for other, _rel, _role, _src in adj[node]:
            if other not in dist:
                dist[other] = dist[node] + 1
                nxt.append(other)
    return nxt


def bounded_shortest_path(adjacency: AdjacencyReader, a: str, b: str):
    """:func:`shortest_path` without the whole graph: the same answer (the first shortest
    path in the order of a BFS from ``a`` over neighbours sorted by (node, relation)), reading
    only the neighbourhoods it needs.

    A BFS from both ends (the smaller frontier first) finds the distance d and the nodes
    on some shortest path; the BFS from ``a`` is then replayed over those nodes only.  The
    replay picks what the full BFS picks: a node's first discoverer in the full BFS is
    one of its neighbours one level closer to ``a``, hence itself on a shortest path.
    """
    if a == b:
        return [(a, None)]
    dist_a, dist_b = {a: 0}, {b: 0}
    front_a, front_b = [a], [b]
    meet: set[str] = set()
    while front_a and front_b and not meet:
        if len(front_a) <= len(front_b):
            front_a = _level_walk(adjacency, dist_a, front_a)
            meet = {n for n in front_a if n in dist_b}
        else:
            front_b = _level_walk(adjacency, dist_b, front_b)
            meet = {n for n in front_b if n in dist_a}
    if not meet:
        return []
    d = min(dist_a[n] + dist_b[n] for n in meet)
    meet = {n for n in meet if dist_a[n] + dist_b[n] == d}
    level = {n: dist_a[n] for n in meet}
    # back from the meeting nodes to a (their a-side discoverers are expanded), and on to b
    for dist, to_level in ((dist_a, lambda k: k), (dist_b, lambda k: d - k)):
        layer = set(meet)
        while layer:
            k = dist[next(iter(layer))]
            if k == 0:
                break
            below = {u for u, du in dist.items() if du == k - 1}
            adj = adjacency(below)
            layer = {u for u in below if any(o in layer for o, *_ in adj[u])}
            level.update({u: to_level(k - 1) for u in layer})
    prev: dict[str, tuple[str, str, str | None] | None] = {a: None}
    current = [a]
    for k in range(d):
        adj = adjacency(current)
        nxt = []
        for node in current:
            for other, rel, role, _src in sorted(adj[node], key=lambda e: (e[0], e[1])):
                if level.get(other) == k + 1 and other not in prev:
                    prev[other] = (node, rel, role)
                    nxt.append(other)
        current = nxt
    return _walk_back(prev, b)


def _walk_back(prev: dict, b: str) -> list:
    """The steps from the start to ``b``, read back through ``prev`` (node → (parent, relation, role))."""
    steps = []
    node: str | None = b
    while node is not None:
        info = prev[node]
        steps.append((node, info))
        node = info[0] if info else None
    return list(reversed(steps))


def step_sources(adj: Adjacency, parent: str, node: str, relation: str) -> list[str]:
    """Every source of the parallel relations ``relation`` from ``parent`` to ``node``."""
    return sorted({f for n, r, _role, f in adj[parent] if n == node and r == relation and f})


def search_scores(labels: LabelIndex, text: str) -> dict[str, int]:
    """Organisations and persons whose label or acronym matches ``text``: 100 exact, 80 prefix,
    60 inside; then the other named things (projects, events, documents, places), one point
    lower, so that an organisation comes first at the same closeness."""
    key = normalise(text)
    if not key:
        return {}
    scores: dict[str, int] = {}
    for candidates, lower in ((labels.candidates, 0), (labels.thing_candidates, 1)):
        for iri, _name, norm in candidates(key):
            best = (100 if norm == key else 80 if norm.startswith(key) else 60) - lower
            scores[iri] = max(scores.get(iri, 0), best)  # a thing is never an agent (names.py)
    return scores or word_scores(labels, text)


def _words(text: str) -> list[str]:
    return [w for w in (normalise(part) for part in re.split(r"[\W_]+", text)) if w]


FUZZY_MAX_NAMES = 20_000  # close spellings are looked for among at most this many names (a scan of every name)


def word_scores(labels: LabelIndex, text: str) -> dict[str, int]:
    """When no name contains ``text`` whole: the names holding each of its words at a word's start,
    in any order (``labo ess`` finds "Le Labo de l'ESS"), 50 to 58 (the fewer other words, the
    higher); else, on a graph of at most :data:`FUZZY_MAX_NAMES` names, those where each word is
    spelled closely (``Febisb``, ``econmie``: a letter off), 40; things one point lower.
    Read only when nothing matched."""
    asked = _words(text)
    if not asked:
        return {}
    scores: dict[str, int] = {}
    longest = max(asked, key=len)  # a name holding every word contains the longest one: the index finds those
    for candidates, lower in ((labels.candidates, 0), (labels.thing_candidates, 1)):
        for iri, value, _norm in candidates(longest):
            words = _words(value)
            if all(any(w.startswith(a) for w in words) for a in asked):
                share = sum(map(len, asked)) / max(1, sum(map(len, words)))  # the fewer other words, the better
                scores[iri] = max(scores.get(iri, 0), 50 + min(8, int(8 * share)) - lower)
    return scores or _close_spellings(labels, asked)


def _close_spellings(labels: LabelIndex, asked: list[str]) -> dict[str, int]:
    from difflib import get_close_matches
    from itertools import islice

    if any(len(a) < 4 for a in asked):  # too short to tell a typo from another name
        return {}
    named = [(iri, value, lower) for names, lower in ((labels.all_names(), 0), (labels.all_thing_names(), 1))
             for iri, value in islice(names, FUZZY_MAX_NAMES + 1)]
    if len(named) > FUZZY_MAX_NAMES:
        return {}

    scores: dict[str, int] = {}
    for iri, value, lower in named:
        words = _words(value)
        if all(get_close_matches(a, words, n=1, cutoff=0.8) for a in asked):  # a letter off, as names.py's suggestions
            scores[iri] = max(scores.get(iri, 0), 40 - lower)
    return scores


# ---------------------------------------------------------------------- evidence
def _bind(name: str, values: str) -> str:  # kept for callers binding a ready VALUES block
    from ..values import _MARKED

    text, n = _MARKED.subn(lambda m: m.group(1) + values, load_query(name).text, count=1)
    assert n == 1, f"{name}.rq has no example VALUES line"
    return text


def fact_evidence_rows(store, facts: list[str]) -> list[dict]:
    """The evidence of many facts (records, entities) in one query: a row per (fact, evidence)."""
    if not facts:
        return []
    text = bind_values("fact_evidence", ("fact",), [(f,) for f in facts])
    return store.select(text).dicts()


def source_graphs(store) -> list[str] | None:
    """The graphs the sources assert (not the inferred, metrics or representation graphs), when the
    store can restrict a query to them (the embedded one); else ``None``."""
    if not hasattr(store, "raw_query"):
        return None
    derived = ("/graph/inferred", "/graph/metrics", "/graph/representation")
    return [g for g in store.graph_names if not g.endswith(derived)]


def link_evidence_rows(store, pairs: list[tuple[str, str]]) -> list[dict]:
    """The evidence linking each pair ``(a, b)`` (records naming both, statements between them).

    Embedded: in two steps — the facts naming both, looked up in the source graphs
    (link_facts.rq), then their passages (link_fact_evidence.rq): one query over the union
    (link_evidence.rq, what an external store runs) reads every derived triple pointing at a
    hub (seconds at a million triples).  The answers are the same (tests/test_questions_fast.py)."""
    if not pairs:
        return []
    graphs = source_graphs(store)
    if graphs is None:
        return store.select(_bind("link_evidence", values_block(("a", "b"), pairs))).dicts()
    named, statements = [], []  # records by IRI; reified statements are blank nodes, found again by their pair
    wanted = set(pairs)
    firsts, seconds = {a for a, _ in pairs}, {b for _, b in pairs}
    side = "a" if len(firsts) <= len(seconds) else "b"
    bound = [(x,) for x in sorted(firsts if side == "a" else seconds)]
    for row in store.raw_query(bind_values("link_facts", (side,), bound), default_graphs=graphs):
        a, b, record = row["a"].value, row["b"].value, row["record"].value
        if (a, b) not in wanted:
            continue
        (named.append((a, b, record)) if record else statements.append((a, b)))
    rows = []
    if named:
        rows += store.select(bind_values("link_fact_evidence", ("a", "b", "fact"), named)).dicts()
    if statements:
        rows += store.select(bind_values("link_statement_evidence", ("a", "b"), statements)).dicts()
    return list({tuple(r.items()): r for r in rows}.values())


def attribute_evidence_rows(store, org: str) -> list[dict]:
    """The evidence of every attribute statement about ``org`` (kind, place, level …)."""
    return select(store, "attribute_evidence", org).dicts()
