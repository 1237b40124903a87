"""The focus picture read around the focus (sse_graph/ego.py) is the picture cut out
of the whole graph: same nodes, edges, labels, colours, sizes and positions, on
the seed graph, for several foci, depths, projections and dates — and it never
asks the store for the whole graph."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/sse-graph/id/"
FOCI = ["saw-b", "concertes", "febisp", "ripess", "cress"]


def _scene(store, questions, whole: bool, **kw):
    from sse_graph.draw import build_scene

    return build_scene(store, labels=questions.labels, whole=whole, **kw)


def _same(a, b):
    assert a.nodes == b.nodes  # iri, label, tooltip, colour, shape, size, x, y, focus — in order
    assert a.edges == b.edges  # a, b, relation, file, colour, on the chain — in order
    assert (a.legend, a.relations, a.focus_label, a.lang) == (b.legend, b.relations, b.focus_label, b.lang)


@pytest.mark.parametrize("focus", FOCI)
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("projection", ["representation", "all"])
def test_ego_scene_equals_the_whole_graph_cut(store, questions, focus, depth, projection):
    kw = dict(focus=ID + focus, depth=depth, projection=projection)
    _same(_scene(store, questions, True, **kw), _scene(store, questions, False, **kw))


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("focus", ["saw-b", "concertes", "ripess"])
def test_ego_scene_as_of_2018_equals_the_whole_graph_cut(store, questions, focus, strict):
    kw = dict(focus=ID + focus, depth=2, projection="all", as_of=datetime.date(2018, 1, 1), strict=strict)
    _same(_scene(store, questions, True, **kw), _scene(store, questions, False, **kw))


@pytest.mark.parametrize("projection,depth", [("governance", 2), ("affiliation", 1), ("all", 0), ("all", 3)])
def test_other_projections_and_depths(store, questions, projection, depth):
    for focus in ("saw-b", "concertes"):
        kw = dict(focus=ID + focus, depth=depth, projection=projection)
        _same(_scene(store, questions, True, **kw), _scene(store, questions, False, **kw))


@pytest.mark.parametrize("metric", ["reach", "members", "chain", "betweenness", "degree"])
def test_node_sizes_equal_for_each_measure(store, questions, metric):
    kw = dict(focus=ID + "concertes", depth=2, projection="all", size_metric=metric)
    old, new = _scene(store, questions, True, **kw), _scene(store, questions, False, **kw)
    _same(old, new)
    assert len({n["size"] for n in new.nodes}) > 1, "the measure should tell some nodes apart"


def test_the_viewers_node_filter_gives_the_same_picture(store, questions):
    """The viewer draws a focus among a chosen set of nodes (a country, a kind, a level)."""
    whole = _scene(store, questions, True, projection="all")
    chosen = {n["iri"] for n in whole.nodes if n["group"] in ("network", "umbrella body", "federation", "SSE chamber")}
    kw = dict(focus=ID + "concertes", depth=2, projection="all", nodes=chosen)
    old, new = _scene(store, questions, True, **kw), _scene(store, questions, False, **kw)
    _same(old, new)
    assert 1 < len(new.nodes) < len(_scene(store, questions, False, focus=ID + "concertes", depth=2, projection="all").nodes)


def test_the_scenes_compared_are_not_trivial(store, questions):
    scene = _scene(store, questions, False, focus=ID + "saw-b", depth=2, projection="all")
    assert len(scene.nodes) > 50 and len(scene.edges) > 100
    assert any(e["chain"] for e in scene.edges), "SAW-B's representation chain is highlighted"
    assert len({n["group"] for n in scene.nodes}) > 3 and len({e["relation"] for e in scene.edges}) > 3
    assert [n["iri"] for n in scene.nodes if n["focus"]] == [ID + "saw-b"]


class Recording:
    """The real store, recording the text of every query it answers."""

    def __init__(self, store):
        self._store, self.texts = store, []

    def __getattr__(self, name):
        return getattr(self._store, name)

    def select(self, text, **kw):
        self.texts.append(text)
        return self._store.select(text, **kw)


class WithoutReachTable(Recording):
    """As a build without ``reach.sqlite`` (an older build): the reach is walked."""

    path = None


@pytest.mark.parametrize("table", [True, False])
def test_the_ego_path_never_reads_the_whole_graph(store, questions, table):
    from sse_graph.queries import load_query

    rec = Recording(store) if table else WithoutReachTable(store)
    scene = _scene(rec, questions, False, focus=ID + "concertes", depth=2, projection="all",
                   as_of=datetime.date(2018, 1, 1))
    assert len(scene.nodes) > 20 and rec.texts
    whole = {load_query(n).text for n in ("relations", "representation_edges", "node_attributes", "all_labels", "labels",
                                          "representation_graph_links", "representation_links")}
    assert not whole & set(rec.texts)
    # every query is bound to the nodes reached (the reach too: the links below them), or
    # reads the seat holders' mandates (as many as there are seats), or the representative
    # bodies and seat holders (the nodes links lead to)
    bound = {load_query("ego_mandate_reach").text, load_query("link_targets").text}
    assert all("VALUES ?" in t or t in bound for t in rec.texts), [t[:120] for t in rec.texts if t not in bound]
    walked = any(t.startswith(load_query("ego_link_ends_to").text.split("VALUES")[0]) for t in rec.texts)
    assert walked != table  # the build's reach table, else the walk below the nodes shown
    # and the whole-graph path does read them (the comparison above is not vacuous)
    rec = Recording(store)
    _scene(rec, questions, True, focus=ID + "concertes", depth=2, projection="all")
    assert load_query("relations").text in rec.texts


def test_values_accept_only_iris():
    from sse_graph.ego import with_values
    from sse_graph.errors import QueryError

    text = "SELECT * WHERE { VALUES ?x { <urn:a> } ?x ?p ?o }"
    assert with_values(text, "x", ["urn:b"]) == "SELECT * WHERE { VALUES ?x { <urn:b> } ?x ?p ?o }"
    for bad in ["urn:a> } ?s ?p ?o . { VALUES ?y { <urn:b", "urn:a b", 'urn:"x"', ""]:
        with pytest.raises(QueryError):
            with_values(text, "x", [bad])
    with pytest.raises(QueryError):
        with_values(text, "y", ["urn:b"])


def test_sub_organisations_carry_no_borrowed_dates(questions):
    """relations.rq gave each sub-organisation and leader statement (no record) the
    dates of every dated record of the graph, one row each."""
    rows = [r for r in questions.relations() if r["relation"] in ("part of", "led by")]
    assert rows
    assert all(r["start"] is None and r["end"] is None and r["attested"] is None for r in rows)
    per_edge = Counter((r["a"], r["b"], r["relation"], r["file"]) for r in rows)
    assert max(per_edge.values()) <= 2  # once per graph that states it (source and inferred)


def test_focus_layout_does_not_depend_on_the_hash_seed(built):
    """The same focus gives the same picture in every process (it followed set order)."""
    code = ("import json,sys; from sse_graph import Store, build; from sse_graph.draw import build_scene; "
            "s = build_scene(Store(build().dataset_path), focus=sys.argv[1], depth=2, projection='all'); "
            "print(json.dumps([[n['iri'], round(n['x'], 3), round(n['y'], 3)] for n in s.nodes]))")
    out = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        r = subprocess.run([sys.executable, "-c", code, ID + "saw-b"], capture_output=True, text=True, env=env,
                           cwd=ROOT, timeout=600)
        assert r.returncode == 0, r.stderr
        out.append(json.loads(r.stdout))
    assert out[0] == out[1] and len(out[0]) > 50


def test_a_whole_graph_too_large_to_draw_is_refused_with_a_way_out(store, questions):
    from sse_graph.ego import check_whole_graph_size
    from sse_graph.errors import InputError, SSEGraphError

    organisations = int(store.select("PREFIX sse: <https://w3id.org/sse-graph/ontology#> "
                                     "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a sse:Organisation }").dicts()[0]["n"])
    assert organisations > 100
    check_whole_graph_size(store, limit=organisations)  # at the limit: drawn
    with pytest.raises(InputError, match=f"holds {organisations:,} organisations.*--focus") as e:
        check_whole_graph_size(store, limit=organisations - 1)
    assert isinstance(e.value, SSEGraphError)  # the CLI exits 2, the viewer shows the message
    with pytest.raises(InputError, match="holds 3 organisations"):
        check_whole_graph_size(store, nodes={"urn:a", "urn:b", "urn:c"}, limit=2)
    assert _scene(store, questions, False, projection="all").nodes  # the seed graph is drawn whole


def test_reach_counted_by_the_store_equals_the_projections(store):
    """The reach of every organisation, counted around it, equals the measure on the
    whole representation projection (what the whole-graph picture is sized by)."""
    from sse_graph import ego
    from sse_graph.analysis import project
    from sse_graph.analysis.measures import compute

    R = project(store, "representation")[0]
    want = compute(R, ["reach"], R=R)["reach"]
    everyone = {r["x"] for r in store.select("PREFIX sse: <https://w3id.org/sse-graph/ontology#> "
                                             "SELECT DISTINCT ?x WHERE { ?x a sse:Organisation }").dicts()}
    got = ego.reach(store, everyone)
    assert got == {n: want.get(n, 0) for n in everyone}
    assert sum(1 for v in got.values() if v > 1) >= 5


def test_reach_walked_once_equals_the_count_per_body(store):
    """The picture's reach, from one walk down the representation links of all the bodies
    shown (ego.links_below), is the store's own property-path count (ego_reach.rq), body
    by body, for every representative body of the seed graph not above a seat holder."""
    from sse_graph.ego import count_below, link_targets, links_below
    from sse_graph.queries import load_query

    bodies = {r["x"] for r in store.select("PREFIX sse: <https://w3id.org/sse-graph/ontology#> "
                                           "SELECT DISTINCT ?x WHERE { ?x a sse:RepresentativeBody }").dicts()}
    apart = {r["above"] for r in store.select(load_query("ego_mandate_reach").text).dicts()}
    counted = sorted(bodies - apart)
    text = load_query("ego_reach").text
    by_store = {b: int(store.select(text, bindings={"org": b}).dicts()[0]["reach"] or 0) for b in counted}
    below = links_below(store, counted)
    walked = {b: count_below(below, b) for b in counted}
    assert walked == by_store
    # asking only about the nodes links can lead to changes nothing
    targets = link_targets(store)
    assert bodies <= targets and {m for ms in below.values() for m in ms} - targets  # some are not asked about
    below = links_below(store, counted, targets)
    assert {b: count_below(below, b) for b in counted} == by_store
    assert len(counted) > 20 and sum(1 for v in walked.values() if v > 0) >= 3 and max(walked.values()) > 5  # not vacuous
