"""Competency questions answered on the reasoned graph, with answers read from the documents.

Source 003 (ConcertES, activity report 2018) lists the 17 members at 31/12/2018:
ACFI, AID, ALEAP, Atout EI, COOPAC, CREDAL SC, CAIPS, Réseau Equilibre, EWETA,
FEBECOOP, FÉBISP, RES, RESSOURCES, RFA, SAW-B, SYNECO, Union des SCOP W-B;
ConcertES is a member of Social Economy Europe since 2017.  Source 000 (CAPSE)
says COCETA is a member of CEPES.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from sse_graph.errors import InconsistencyError
from sse_graph.load import parse_file
from sse_graph.reason import reason

ID = "https://w3id.org/sse-graph/id/"
CONCERTES_2018 = {"acfi", "aid", "aleap", "atout-ei", "coopac", "credal", "caips", "reseau-equilibre", "eweta",
                  "febecoop", "febisp", "res", "ressources", "rfa", "saw-b", "syneco", "union-scop-wb"}
PREFIX = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX sse: <https://w3id.org/sse-graph/ontology#>
PREFIX id: <https://w3id.org/sse-graph/id/>
"""


def _ids(rows, var):
    return {r[var].removeprefix(ID) for r in rows}


def test_concertes_has_17_members_at_31_12_2018(questions):
    from datetime import date

    members = questions.members(ID + "concertes", as_of=date(2018, 12, 31))
    assert {m["iri"].removeprefix(ID) for m in members} == CONCERTES_2018


def test_a_query_in_w3c_org_terms_only_returns_concertes_members(store):
    rows = store.select("PREFIX org: <http://www.w3.org/ns/org#> "
                        "SELECT ?m WHERE { ?m org:memberOf <https://w3id.org/sse-graph/id/concertes> }").dicts()
    assert _ids(rows, "m") == CONCERTES_2018
    rows = store.select("PREFIX org: <http://www.w3.org/ns/org#> "
                        "SELECT ?m WHERE { <https://w3id.org/sse-graph/id/concertes> org:hasMember ?m }").dicts()
    assert _ids(rows, "m") == CONCERTES_2018


def test_memberof_is_inferred_not_asserted(store):
    q = PREFIX + "SELECT ?m WHERE { ?m org:memberOf id:concertes }"
    assert store.select(q, reasoned=False).rows == []


def test_saw_b_is_represented_by_concertes_and_through_it_by_social_economy_europe(store):
    rows = store.select(PREFIX + "SELECT ?b WHERE { id:saw-b sse:representedBy ?b }").dicts()
    assert _ids(rows, "b") == {"concertes", "see"}


def test_coceta_is_represented_by_cepes(store):
    rows = store.select(PREFIX + "SELECT ?b WHERE { id:coceta sse:representedBy ?b }").dicts()
    assert _ids(rows, "b") == {"cepes"}


def test_ripess_represents_its_five_continental_networks(store):
    # 004: "Les réseaux continentaux du RIPESS (...) rassemblent à leur tour des réseaux nationaux et des
    # réseaux sectoriels": through each continental network, the (unnamed) networks it gathers.
    rows = store.select(PREFIX + "SELECT ?m WHERE { id:ripess sse:represents ?m }").dicts()
    networks = {"ripess-lac", "ripess-eu", "ripess-na", "raess", "asec"}
    assert _ids(rows, "m") == networks | {n + "-national-sectoral-networks" for n in networks}


@pytest.mark.parametrize("org", ["pls", "sciences-po-bordeaux", "terress-chair", "lks", "risq", "cirtes"])
def test_a_partner_founder_or_funder_is_not_represented(store, org):
    """PLS is a CAPSE partner, LKS a founder of CITIES, RISQ a funder: none of that is representation."""
    rows = store.select(PREFIX + f"SELECT ?b WHERE {{ id:{org} sse:representedBy ?b }}").rows
    assert rows == []


def test_a_seat_in_an_expert_group_does_not_make_representation(store):
    # ConcertES sits in GECES through its secretary general: a seat, not a membership.
    assert not bool(store.raw_query(PREFIX + "ASK { id:concertes sse:representedBy id:geces }"))
    assert bool(store.raw_query(PREFIX + "ASK { id:concertes sse:representedOn id:geces }"))


def test_seats_are_derived_for_the_people_who_hold_them(store):
    rows = store.select(PREFIX + "SELECT ?b WHERE { id:sebastien-perea sse:sitsOn ?b }").dicts()
    assert _ids(rows, "b") == {"cwes", "geces", "brasero-committee"}


def test_statutory_form_gives_the_class_and_back(store):
    assert bool(store.raw_query(PREFIX + "ASK { id:credal a sse:Cooperative }"))
    assert bool(store.raw_query(PREFIX + "ASK { id:concertes sse:statutoryForm sse:form-association }"))


def test_inferred_triples_live_in_their_own_graph(store):
    n = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/sse-graph/graph/inferred> "
                     "{ ?s <http://www.w3.org/ns/org#memberOf> ?o } }").dicts()[0]["n"]
    assert n >= 28  # one membership (CRESS HDF in ESS France) was stated by no document (cur003)


@pytest.mark.parametrize("fixture", ["inconsistent_nothing.ttl", "inconsistent_sameas.ttl"])
def test_inconsistent_data_is_an_error_not_a_warning(fixture):
    ds = Dataset()
    g = ds.graph("urn:test")
    for t in parse_file(Path(__file__).parent / "data" / fixture):
        g.add(t)
    with pytest.raises(InconsistencyError):
        reason(ds)


def test_reasoning_does_not_mutate_the_asserted_dataset():
    ds = Dataset()
    g = ds.graph("urn:test")
    root = Path(__file__).resolve().parent.parent
    for f in (root / "ontology" / "sse.ttl", root / "graph" / "001_a8e3a8c5c264d9e4.ttl"):
        for t in parse_file(f):
            g.add(t)
    before = len(list(ds.quads()))
    closure = reason(ds)
    assert len(list(ds.quads())) == before
    assert len(closure.inferred) > 0
