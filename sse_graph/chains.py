"""Time-respecting representation chains.

A *link* is one direct representation step (``from`` is spoken for by ``to``):
a membership of a representative body, or a seat held on an organisation's
behalf (a mandate), with every record that states it merged (their roles,
sources and dates).  A *chain* is a sequence of links; it *holds together*
where the spans of all its links intersect (:func:`sse_graph.timeline.intersect`;
undated links do not constrain the interval but are flagged); it *never held
together* when the periods of its links exclude each other (then it is not a
chain).  On a date D a chain counts only when every link counts on D.

Links are read in one query: from the materialised representation graph when
the build wrote it (:mod:`sse_graph.representation`), else from the records.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .queries import load_query
from .timeline import Span, Timing, counts, intersect, status_on, worst

__all__ = ["Link", "Chain", "load_links", "Links", "chains_between", "reachable_chains", "REPRESENTATION_KINDS"]

REPRESENTATION_KINDS = ("membership", "mandate")


@dataclass
class Link:
    frm: str
    to: str
    kind: str
    records: list[dict] = field(default_factory=list)  # record, role, file, wording, via body
    timing: Timing = field(default_factory=Timing)

    @property
    def sources(self) -> list[str]:
        return sorted({r["file"] for r in self.records if r.get("file")})

    @property
    def roles(self) -> list[str]:
        return sorted({r["role"] for r in self.records if r.get("role")})


Links = dict[str, dict[str, list[Link]]]  # from -> to -> links (one per kind)


def links_from_rows(rows) -> tuple[Links, Links]:
    """Both directions of the links (``up``: from → to, ``down``: to → from)."""
    merged: dict[tuple[str, str, str], Link] = {}
    for r in rows:
        key = (r["from"], r["to"], r["kind"])
        link = merged.get(key)
        if link is None:
            link = merged[key] = Link(r["from"], r["to"], r["kind"])
        link.timing.add(start=r.get("start"), end=r.get("end"), attested=r.get("attested"),
                        during=r.get("during"), source_date=r.get("sourcedate"))
        rec = {"record": r.get("record"), "role": r.get("role"), "file": r.get("file"), "src": r.get("src"),
               "wording": r.get("wording"), "body": r.get("body")}
        if rec not in link.records:
            link.records.append(rec)
    up: Links = defaultdict(lambda: defaultdict(list))
    down: Links = defaultdict(lambda: defaultdict(list))
    # SPARQL leaves the order of rows to the store (Oxigraph and Virtuoso differ):
    # links and their records are put in one order here, so an answer never depends on it.
    for key in sorted(merged):
        link = merged[key]
        link.records.sort(key=_record_order)
        up[link.frm][link.to].append(link)
        down[link.to][link.frm].append(link)
    return up, down


def _record_order(rec: dict) -> tuple:
    return tuple(rec.get(k) or "" for k in ("record", "role", "file", "src", "wording", "body"))


def has_representation_graph(store) -> bool:
    from .namespaces import REPRESENTATION_GRAPH_IRI

    return REPRESENTATION_GRAPH_IRI in (getattr(store, "graph_names", None) or [])


def load_links_around(store, org: str, *, up: bool) -> tuple[Links, Links] | None:
    """Only the links reachable from ``org`` (up: towards its representatives), read from
    the materialised graph in two bounded queries (the organisations reached, then their
    links); ``None`` when the build did not write it."""
    if not has_representation_graph(store):
        return None
    from .values import bind_values

    way = "up" if up else "down"
    reached = [r["x"] for r in store.select(load_query(f"representation_reach_{way}").text, bindings={"org": org}).dicts()]
    rows = store.select(bind_values(f"representation_links_{way}", ("x",), [(x,) for x in reached])).dicts()
    return links_from_rows(rows)


def load_links(store) -> tuple[Links, Links]:
    """The links of the graph, in one query (the materialised graph if the build wrote it)."""
    rows = []
    if has_representation_graph(store):
        rows = store.select(load_query("representation_graph_links").text).dicts()
    if not rows:
        rows = store.select(load_query("representation_links").text).dicts()
    return links_from_rows(rows)


@dataclass
class Chain:
    links: list[Link]

    @property
    def nodes(self) -> list[str]:
        return [self.links[0].frm] + [l.to for l in self.links]

    def interval(self) -> Span | None:
        """Where every dated link holds at once (``None``: never together)."""
        return intersect([s for s in (l.timing.span() for l in self.links) if s is not None])

    def possible(self) -> bool:
        """False when the links' periods exclude each other (never held together)."""
        return intersect([l.timing.bounds() for l in self.links]) is not None

    def together(self) -> str:
        """``held together`` (the evidence overlaps), ``not attested together`` (the
        periods allow it, the attestations do not show it) or ``never held together``."""
        if not self.possible():
            return "never held together"
        return "held together" if self.interval() is not None else "not attested together"

    @property
    def has_undated(self) -> bool:
        return any(l.timing.span() is None for l in self.links)

    def statuses(self, on: date) -> list[str]:
        return [status_on(l.timing, on) for l in self.links]

    def counts_on(self, on: date, strict: bool = False) -> bool:
        return all(counts(s, strict=strict) for s in self.statuses(on))

    def counts(self, on: date | None, strict: bool = False) -> bool:
        """Whether the chain counts: its links held together, and on ``on`` each counts."""
        if on is None:
            return self.possible() and (not strict or self.interval() is not None)
        return self.possible() and self.counts_on(on, strict)

    def status(self, on: date) -> str:
        return worst(self.statuses(on))


def _simple_paths(start: str, edges: Links, kinds, target: str | None, max_len: int):
    """Every simple path of links from ``start`` (to ``target`` if given), depth first."""
    stack = [(start, [], {start})]
    while stack:
        node, path, seen = stack.pop()
        for nxt in sorted(edges.get(node, {})):
            if nxt in seen:
                continue
            for link in edges[node][nxt]:
                if link.kind not in kinds:
                    continue
                p = path + [link]
                if target is None or nxt == target:
                    yield p
                if len(p) < max_len and nxt != target:
                    stack.append((nxt, p, seen | {nxt}))


def _oriented(path: list[Link], up: bool) -> Chain:
    return Chain(path if up else list(reversed(path)))


def chains_between(up: Links, org: str, representative: str, *, kinds=REPRESENTATION_KINDS,
                   max_len: int = 8) -> list[Chain]:
    """Every chain by which ``representative`` speaks for ``org``, shortest first."""
    found = [Chain(p) for p in _simple_paths(org, up, kinds, representative, max_len)]
    return sorted(found, key=lambda c: (len(c.links), c.nodes))


def reachable_chains(edges: Links, org: str, *, up: bool = True, kinds=("membership",),
                     max_len: int = 8) -> dict[str, list[Chain]]:
    """For each organisation reached from ``org`` (up: its representatives; down:
    those it represents), every chain reaching it, shortest first."""
    out: dict[str, list[Chain]] = defaultdict(list)
    for p in _simple_paths(org, edges, kinds, None, max_len):
        last = p[-1].to if up else p[-1].frm
        out[last].append(Chain(p) if up else Chain(list(reversed(p))))
    for chains in out.values():
        chains.sort(key=lambda c: (len(c.links), c.nodes))
    return dict(out)


def pick(chains: list[Chain], on: date | None, strict: bool) -> tuple[Chain | None, Chain | None]:
    """The best chain that counts (on ``on``, or holds together without a date),
    and, failing that, the shortest one that does not (for "links never held together")."""
    good = [c for c in chains if c.counts(on, strict)]
    good.sort(key=lambda c: (c.interval() is None, len(c.links)))  # evidenced first, then shortest
    if good:
        return good[0], None
    return None, (chains[0] if chains else None)
