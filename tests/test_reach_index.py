"""The build's reach table (reach.sqlite, sse_graph/reach_index.py) on the seed graph:
every representative body's row is the count the picture made by walking the store
(``ego.walked_reach``) and, for a body above no seat holder, ``ego_reach.rq``'s; a
build without the table (an older build) draws the same pages, by the walk."""
from __future__ import annotations

import shutil

import pytest

from sse_graph import ego
from sse_graph.queries import load_query
from sse_graph.reach_index import REACH_FILE, reach_from_store, stored_reach

ID = "https://w3id.org/sse-graph/id/"


def _bodies(store) -> set[str]:
    return {r["x"] for r in store.select(load_query("representative_bodies").text).dicts()}


def test_the_build_writes_the_table(built):
    assert (built.directory / REACH_FILE).is_file()


def test_the_table_equals_the_walk_for_every_representative_body(store):
    bodies = _bodies(store)
    assert len(bodies) > 20
    table = stored_reach(store, bodies)
    assert table == ego.walked_reach(store, bodies)
    assert table == reach_from_store(store)  # what the incremental build writes
    assert max(table.values()) > 10 and 0 in table.values()


def test_the_table_equals_ego_reach_rq_above_no_seat_holder(store):
    above = {r["above"] for r in store.select(load_query("ego_mandate_reach").text).dicts()}
    bodies = _bodies(store) - above
    assert len(bodies) > 20
    table = stored_reach(store, bodies)
    query = load_query("ego_reach").text
    for body in sorted(bodies):
        counted = int(store.select(query, bindings={"org": body}).dicts()[0]["reach"])
        assert table[body] == counted, body


def test_a_node_that_is_no_body_reaches_nobody(store):
    orgs = {ID + "saw-b", ID + "concertes"}
    assert stored_reach(store, orgs) == ego.walked_reach(store, orgs)


def _without_table(built, tmp_path):
    """A copy of the seed build as an older build left it: no reach.sqlite."""
    from sse_graph import Store

    folder = tmp_path / built.directory.name
    shutil.copytree(built.directory, folder)
    (folder / REACH_FILE).unlink()
    return Store(folder / built.dataset_path.name)


@pytest.mark.parametrize("focus,depth", [("concertes", 2), ("ripess", 2), ("saw-b", 1), ("febisp", 2)])
def test_a_build_without_the_table_draws_the_same_page(built, store, questions, tmp_path, focus, depth):
    from sse_graph.draw import draw_html

    older = _without_table(built, tmp_path)
    assert stored_reach(older, [ID + focus]) is None
    kw = dict(focus=ID + focus, depth=depth, projection="all", labels=questions.labels)
    with_table, walked = draw_html(store, **kw), draw_html(older, **kw)
    assert with_table.html == walked.html
    assert "reach: 0" in walked.html and any(f"reach: {n}" in walked.html for n in range(5, 500))


class _WithoutRepresentationGraph:
    """The seed build's store as a build that wrote no representation links: the reach of
    every body is then counted along memberships (the ``representation`` projection)."""

    path = None

    def __init__(self, store):
        from sse_graph.namespaces import REPRESENTATION_GRAPH_IRI

        self._store = store
        self.graph_names = [g for g in store.graph_names if g != REPRESENTATION_GRAPH_IRI]

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_the_count_along_memberships_equals_the_walk(store):
    """The way a body above a seat holder is counted (none is, in the seed graph or the 1M
    generated one), taken here for every body: along memberships, as the walk counts it."""
    bare = _WithoutRepresentationGraph(store)
    bodies = _bodies(store)
    counted = reach_from_store(bare)
    assert counted == ego.walked_reach(bare, bodies)
    assert any(counted.values())


def test_a_body_above_a_seat_holder_is_counted_along_memberships():
    """A mandate makes its holder stand below the body it sits for; above the holder, the
    links would count through the mandate: the memberships count there (ego_mandate_reach.rq)."""
    from sse_graph.reach_index import count_reach

    ends = [("a", "fed", "membership"), ("b", "fed", "membership"), ("fed", "world", "membership"),
            ("x", "holder", "mandate"), ("holder", "world", "membership")]
    memberships = [("a", "fed"), ("b", "fed"), ("fed", "world"), ("holder", "world")]
    assert count_reach({"fed", "world"}, ends, lambda: memberships) == {"fed": 2, "world": 4}
    assert count_reach({"fed", "world"}, ends[:3], lambda: memberships) == {"fed": 2, "world": 3}
    assert count_reach({"fed", "world"}, None, lambda: memberships) == {"fed": 2, "world": 4}
