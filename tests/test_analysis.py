"""Network measures: exact values on a small hand-computed network, and facts of the seed graph."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from sse_graph.analysis import analyse, compute, project
from sse_graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/sse-graph/id/"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    ds = rdflib.Dataset()
    g = ds.graph(rdflib.URIRef("urn:tiny"))
    for f in (ROOT / "ontology" / "sse.ttl", ROOT / "ontology" / "concepts.ttl", Path(__file__).parent / "data" / "analysis_tiny.ttl"):
        g.parse(f, format="turtle")
    path = tmp_path_factory.mktemp("tiny") / "tiny.nq"
    ds.serialize(path, format="nquads")
    return Store(path)


def by_label(G, values):
    return {G.nodes[n]["label"]: v for n, v in values.items()}


def test_representation_measures_on_the_tiny_network(tiny):
    G, _B, _a = project(tiny, "representation")
    v = compute(G, ["members", "reach", "chain", "betweenness", "level", "countries"], R=G)
    assert by_label(G, v["members"]) == {"c1": 0, "c2": 0, "c3": 0, "A": 2, "B": 1, "U": 2, "E": 1}
    assert by_label(G, v["reach"]) == {"c1": 0, "c2": 0, "c3": 0, "A": 2, "B": 1, "U": 5, "E": 6}
    assert by_label(G, v["chain"]) == {"c1": 0, "c2": 0, "c3": 0, "A": 1, "B": 1, "U": 2, "E": 3}
    bc = by_label(G, v["betweenness"])
    assert bc["A"] == pytest.approx(4 / 30) and bc["B"] == pytest.approx(2 / 30) and bc["U"] == pytest.approx(5 / 30)
    assert bc["E"] == 0 and bc["c1"] == 0
    assert by_label(G, v["level"])["E"] == 4 and by_label(G, v["level"])["U"] == 3
    assert by_label(G, v["countries"])["U"] == 2  # U links Belgium (A) and France (B)


def test_pagerank_flows_up_the_chain(tiny):
    G, _B, _a = project(tiny, "representation")
    pr = by_label(G, compute(G, ["pagerank"], R=G)["pagerank"])
    assert sum(pr.values()) == pytest.approx(1.0)
    assert max(pr, key=pr.get) == "E"


def test_affiliation_projection_weights_shared_affiliations(tiny):
    G, B, actors = project(tiny, "affiliation")
    w = {frozenset((G.nodes[a]["label"], G.nodes[b]["label"])): d["weight"] for a, b, d in G.edges(data=True)}
    assert w == {frozenset(("c1", "c2")): 1, frozenset(("A", "B")): 1}, "memberships and seats only: no project"
    assert sorted(G.nodes[n]["label"] for n in actors) == ["A", "B", "U", "c1", "c2", "c3"]
    v = compute(G, ["constraint", "core", "community"], R=None)
    cons = by_label(G, v["constraint"])
    assert cons["c1"] == pytest.approx(1.0) and cons["U"] is None
    assert by_label(G, v["core"]) == {"c1": 1, "c2": 1, "c3": 0, "A": 1, "B": 1, "U": 0}
    comm = by_label(G, v["community"])
    assert comm["c1"] == comm["c2"] and comm["A"] == comm["B"] and comm["c1"] != comm["A"]


def test_coparticipation_is_a_projection_of_its_own(tiny):
    G, B, actors = project(tiny, "coparticipation")
    w = {frozenset((G.nodes[a]["label"], G.nodes[b]["label"])): d["weight"] for a, b, d in G.edges(data=True)}
    assert w == {frozenset(("c1", "c2")): 1, frozenset(("c2", "c3")): 1}
    v = compute(G, ["betweenness", "constraint"], R=None)
    assert by_label(G, v["betweenness"]) == {"c1": 0, "c2": pytest.approx(1.0), "c3": 0}
    assert by_label(G, v["constraint"])["c2"] == pytest.approx(0.5)


def test_hosting_an_event_does_not_make_a_broker(store):
    """Ville de Bilbao hosts an event: a co-participation tie, not a representation one."""
    bilbao = ID + "ville-de-bilbao"
    for projection in ("affiliation", "representation"):
        rows = analyse(store, projection, ["betweenness"], top=None)
        top = [r["iri"] for r in rows[:5]]
        assert bilbao not in top, (projection, top)
        assert all(r["betweenness"] == 0 for r in rows if r["iri"] == bilbao)
    rows = analyse(store, "coparticipation", ["betweenness"], top=None)
    assert bilbao in [r["iri"] for r in rows[:3]], "it shows where it belongs: co-participation"


def test_same_seed_same_communities(store):
    a = analyse(store, "affiliation", ["community"], top=None, seed=7)
    b = analyse(store, "affiliation", ["community"], top=None, seed=7)
    assert a == b


def test_concertes_gathers_the_17_federations_and_links_them_to_see(store):
    rows = {r["iri"]: r for r in analyse(store, "representation", ["reach", "members", "chain", "level"], top=None)}
    assert rows[ID + "concertes"]["members"] == 17 and rows[ID + "concertes"]["reach"] == 17
    assert rows[ID + "see"]["reach"] == 18 and rows[ID + "see"]["chain"] == 2
    assert rows[ID + "see"]["level"] == 4 and rows[ID + "concertes"]["level"] == 2


def test_ripess_gathers_its_five_continental_networks(store):
    rows = {r["iri"]: r for r in analyse(store, "representation", ["members"], top=None)}
    assert rows[ID + "ripess"]["members"] == 5


def test_ranking_follows_the_first_metric(store):
    rows = analyse(store, "affiliation", ["betweenness", "degree"], top=5)
    values = [r["betweenness"] for r in rows]
    assert values == sorted(values, reverse=True) and rows[0]["iri"] == ID + "saw-b"
    assert {"iri", "label", "alt_labels", "kind", "betweenness", "degree"} <= set(rows[0])


def test_metrics_graph_round_trips(store):
    q = """PREFIX sse: <https://w3id.org/sse-graph/ontology#>
    SELECT ?org ?v WHERE { GRAPH <https://w3id.org/sse-graph/graph/metrics> {
      ?m sse:measureOf ?org ; sse:metric sse:metric-reach ; sse:projection "representation" ; sse:value ?v } }"""
    stored = {r["org"]: r["v"] for r in store.select(q).dicts()}
    computed = {r["iri"]: r["reach"] for r in analyse(store, "representation", ["reach"], top=None)}
    assert stored == computed and stored[ID + "concertes"] == 17


def test_unknown_projection_or_metric_is_a_usage_error(store):
    from sse_graph.errors import InputError

    with pytest.raises(InputError):
        analyse(store, "astrology")
    with pytest.raises(InputError):
        analyse(store, "representation", ["charisma"])


def test_analyse_command_json_and_csv(built, capsys):
    import csv
    import io
    import json

    from sse_graph.cli import main

    assert main(["analyse", "--metric", "reach", "--metric", "members", "--top", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in rows][:2] == ["Social Economy Europe", "ConcertES"]
    assert main(["analyse", "-p", "governance", "--csv", "--top", "5"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeff") and list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[0][:2] == ["iri", "label"]


def test_a_projection_without_ties_is_empty_not_an_error(tmp_path):
    ds = rdflib.Dataset()
    g = ds.graph(rdflib.URIRef("urn:none"))
    g.parse(ROOT / "ontology" / "sse.ttl", format="turtle")
    path = tmp_path / "none.nq"
    ds.serialize(path, format="nquads")
    store = Store(path)
    for name in ("affiliation", "coparticipation"):
        G, _B, _a = project(store, name)
        assert G.number_of_nodes() == 0
        assert analyse(store, name, top=None) == []
