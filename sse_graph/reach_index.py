"""The reach of every representative body, written by the build: ``reach.sqlite``.

A picture sizes each representative body it shows by its *reach* — how many
organisations it represents, directly or through chains of memberships
(:func:`sse_graph.ego.reach`).  Walking every link below a national chamber or the
world network to count it cost seconds at 1M triples (75,000 organisations under
the world network, each row read from the on-disk store); the build counts it once
for every body, in memory, and writes one row per body:

    reach (body TEXT PRIMARY KEY, n INTEGER)

The count is :func:`sse_graph.ego.reach`'s exactly (``tests/test_reach_index.py``):
along the materialised representation links (``ego_reach.rq``) for a body that stands
above no seat holder, along memberships only (the ``representation`` projection) for
one that does (``ego_mandate_reach.rq``) or when the build wrote no representation
links.  The reach has no date: a picture ``--as-of`` a date sizes its nodes alike.
A body absent from the table is not a representative body (reach 0).  A build
without the file (an older build) is counted by the walk, as before
(:func:`stored_reach` answers ``None``).  The file also keeps the link ends counted
along (``link (frm, dest, kind)``): the incremental build replaces those of the
organisations whose links it rewrote and counts every reach again from them, in
memory (:func:`update_reach`), without reading the whole representation graph
from the on-disk store (3-4 s at 1M triples).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from .queries import load_query

__all__ = ["REACH_FILE", "count_reach", "link_ends", "reach_from_links", "store_link_ends", "reach_from_store", "write_reach",
           "update_reach", "stored_reach", "count_below"]

REACH_FILE = "reach.sqlite"


def _counts_below(edges: Iterable[tuple[str, str]], nodes: Iterable[str]) -> dict[str, int]:
    """For each of ``nodes``, how many nodes reach it along ``edges`` (from → to), itself left out."""
    below: dict[str, set[str]] = defaultdict(set)
    for frm, to in edges:
        below[to].add(frm)
    return {node: count_below(below, node) for node in nodes}


def count_below(below: dict[str, set[str]], node: str) -> int:
    """How many nodes reach ``node`` in ``below`` (member → the nodes it is linked up to,
    reversed: ``below[to]`` holds every ``frm``), itself left out."""
    seen, stack = {node}, [node]
    while stack:
        for member in below.get(stack.pop(), ()):
            if member not in seen:
                seen.add(member)
                stack.append(member)
    return len(seen) - 1


def _above(ends: list[tuple[str, str, str]]) -> set[str]:
    """The seat holders (the ends of mandates) and every node the links lead up to from
    them: ``ego_mandate_reach.rq``."""
    up: dict[str, set[str]] = defaultdict(set)
    for frm, to, _kind in ends:
        up[frm].add(to)
    seen = {to for _frm, to, kind in ends if kind == "mandate"}
    stack = list(seen)
    while stack:
        for to in up.get(stack.pop(), ()):
            if to not in seen:
                seen.add(to)
                stack.append(to)
    return seen


def count_reach(bodies: set[str], ends: list[tuple[str, str, str]] | None, memberships) -> dict[str, int]:
    """``{body: reach}`` for every representative body: ``ends`` are the materialised
    representation links ``(from, to, kind)`` (``None``: the build wrote none), and
    ``memberships()`` gives the ``(member, body)`` memberships of representative bodies,
    asked for only where the links do not count (above a seat holder)."""
    if ends is not None:
        apart = bodies & _above(ends)
        out = _counts_below(((f, t) for f, t, _k in ends), sorted(bodies - apart))
    else:
        apart, out = set(bodies), {}
    if apart:
        out.update(_counts_below(((m, b) for m, b in memberships() if m != b), sorted(apart)))
    return out


def _bodies(store) -> set[str]:
    return {r["x"] for r in store.select(load_query("representative_bodies").text).dicts()}


def _memberships(store):
    return lambda: [(r["member"], r["body"]) for r in store.select(load_query("representative_memberships").text).dicts()]


def reach_from_links(store, ends: list[tuple[str, str, str]]) -> dict[str, int]:
    """The table from the links the build has just derived (``ends``: :func:`link_ends` of
    what ``representation_nquads`` writes) and the reasoned ``store`` (the bodies, their
    memberships)."""
    return count_reach(_bodies(store), ends or None, _memberships(store))


def store_link_ends(store) -> list[tuple[str, str, str]] | None:
    """``(from, to, kind)`` of every link of a built ``store``'s representation graph
    (``None``: it has none)."""
    from .chains import has_representation_graph

    if not has_representation_graph(store):
        return None
    return sorted({(r["from"], r["to"], r["kind"]) for r in store.select(load_query("representation_link_ends").text).dicts()})


def reach_from_store(store) -> dict[str, int]:
    """The table from a built ``store`` (its materialised representation graph)."""
    return count_reach(_bodies(store), store_link_ends(store), _memberships(store))


def link_ends(up) -> list[tuple[str, str, str]]:
    """``(from, to, kind)`` of every link of ``up`` (from → to → links)."""
    return sorted({(frm, to, link.kind) for frm, tos in up.items() for to, links in tos.items() for link in links})


def write_reach(reach: dict[str, int], path: Path, ends: list[tuple[str, str, str]]) -> None:
    """Write the table to ``path`` (replaced if there), with the link ends it was counted
    along (``link``: what the incremental build updates, then counts again from)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE reach (body TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        db.execute("CREATE TABLE link (frm TEXT NOT NULL, dest TEXT NOT NULL, kind TEXT NOT NULL)")
        db.executemany("INSERT INTO reach VALUES (?, ?)", sorted(reach.items()))
        db.executemany("INSERT INTO link VALUES (?, ?, ?)", sorted(ends))
        db.commit()
    finally:
        db.close()


def update_reach(store, path: Path, changed: set[str], new_ends: list[tuple[str, str, str]]) -> None:
    """After an incremental change: the links of the organisations ``changed`` (whose links
    the representation graph rewrote) replaced by ``new_ends`` in the table at ``path``,
    then every reach counted again from them (in memory: the world network's reach moves with
    any organisation below it) — what a full build would write."""
    db = sqlite3.connect(path)
    try:
        frms = sorted(changed)
        for i in range(0, len(frms), 500):
            chunk = frms[i:i + 500]
            db.execute(f"DELETE FROM link WHERE frm IN ({','.join('?' * len(chunk))})", chunk)
        db.executemany("INSERT INTO link VALUES (?, ?, ?)", sorted(set(new_ends)))
        ends = db.execute("SELECT frm, dest, kind FROM link").fetchall()
        reach = count_reach(_bodies(store), ends or None, _memberships(store))
        db.execute("DELETE FROM reach")
        db.executemany("INSERT INTO reach VALUES (?, ?)", sorted(reach.items()))
        db.commit()
    finally:
        db.close()


def stored_reach(store, iris: Iterable[str]) -> dict[str, int] | None:
    """``{iri: reach}`` for ``iris`` from the table beside the build ``store`` reads
    (0 for a node that is no representative body); ``None`` when there is none (an older
    build, an external store): the caller counts by walking."""
    path = getattr(store, "path", None)  # an external store (--store URL) has none
    table = Path(path).parent / REACH_FILE if path is not None and Path(path).name else None
    if table is None or not table.is_file():
        return None
    iris = sorted(set(iris))
    out = dict.fromkeys(iris, 0)
    db = sqlite3.connect(f"file:{table}?mode=ro", uri=True)
    try:
        for i in range(0, len(iris), 500):
            chunk = iris[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(db.execute(f"SELECT body, n FROM reach WHERE body IN ({marks})", chunk))
    finally:
        db.close()
    return out
