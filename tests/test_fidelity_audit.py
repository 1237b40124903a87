"""Facts the fidelity audit of graph/*.ttl corrected or added, read from the seed graph itself.

Each test names the clause of the source that decides it; a regression (a guessed kind anchored
again on a passage that does not state it, an end date the text never gives) makes it fail.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.namespace import PROV, XSD

ROOT = Path(__file__).resolve().parent.parent
SSE = Namespace("https://w3id.org/sse-graph/ontology#")
ID = Namespace("https://w3id.org/sse-graph/id/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(ROOT.glob("graph/*.ttl")):
        g.parse(path, format="turtle")
    return g


def _type_evidence(g: rdflib.Graph, entity: URIRef, kind: URIRef) -> list[URIRef]:
    """The evidence of the reified statement `entity rdf:type kind`."""
    found = []
    for st in g.subjects(RDF.subject, entity):
        if g.value(st, RDF.predicate) == RDF.type and g.value(st, RDF.object) == kind:
            found.extend(g.objects(st, PROV.wasDerivedFrom))
    return found


def _exact(g: rdflib.Graph, evidence: URIRef) -> str | None:
    for selector in g.objects(evidence, OA.hasSelector):
        exact = g.value(selector, OA.exact)
        if exact is not None:
            return str(exact)
    return None


# The report names these organisations only in lists or as contacts; their kind is the curator's.
UNSTATED_KINDS = {
    "terre": "SSEEnterprise", "autre-terre": "SSEEnterprise", "cera": "SSEEnterprise", "smart": "SSEEnterprise",
    "bce": "PublicAgency", "onss": "PublicAgency", "ceqal": "PublicAgency", "ifapme": "PublicAgency",
    "forem": "PublicAgency", "iweps": "PublicAgency", "sowalfin": "PublicAgency", "brusoc": "PublicAgency",
    "apes": "Network", "coorace": "Federation", "uriopss": "Federation", "france-active": "Funder",
    "mutualite-francaise": "Federation", "mouves": "Network", "institut-godin": "ResearchInstitution",
    "4werk": "SupportOrganisation", "ucll": "ResearchInstitution", "sociale-innovatie-fabriek": "SupportOrganisation",
    "step-entreprendre": "SupportOrganisation", "immaterra": "SupportOrganisation",
    "institut-eco-conseil": "ResearchInstitution", "uvcw": "Federation", "unipso": "UmbrellaBody", "belfirst": "Media",
}


@pytest.mark.parametrize("name,kind", sorted(UNSTATED_KINDS.items()))
def test_a_kind_the_report_does_not_state_rests_on_a_curator_note(graph, name, kind):
    evidence = _type_evidence(graph, ID[name], SSE[kind])
    assert evidence, f"id:{name} is no longer a {kind}: update the audit's list"
    assert all((e, RDF.type, SSE.CuratorNote) in graph for e in evidence), \
        f"id:{name} a sse:{kind} rests on a passage that does not state it"


def test_the_co_operative_kind_of_mondragon_rests_on_the_passage_that_says_it(graph):
    passages = [_exact(graph, e) for e in _type_evidence(graph, ID["mondragon-group"], SSE.CooperativeGroup)]
    assert passages and all(p and "groupe coopératif" in p for p in passages)


def test_the_fourteenth_cahier_counts_at_least_fourteen(graph):
    count = ID["c-etat-des-lieux-cahiers"]
    assert graph.value(count, SSE.value).toPython() == 14
    assert graph.value(count, SSE.qualifier) == SSE["q-at-least"]


def test_concertes_proposes_the_governments_members_of_the_acceptance_committee_since_2016(graph):
    seats = [s for s in graph.subjects(SSE.holder, ID.concertes)
             if graph.value(s, SSE.body) == ID["sowecsom-acceptance-committee"]]
    assert len(seats) == 1
    seat = seats[0]
    assert graph.value(seat, ORG.role) == SSE["role-nominating-body"]
    assert graph.value(seat, SSE.startDate) == Literal("2016", datatype=XSD.gYear)
    quoted = " ".join(_exact(graph, e) or "" for e in graph.objects(seat, PROV.wasDerivedFrom))
    assert "en 2016" in quoted and "ConcertES" in quoted
    # and the five it proposed are seated on its proposal
    nominated = set(graph.subjects(SSE.nominatedBy, ID.concertes))
    assert len({graph.value(s, SSE.holder) for s in nominated
                if graph.value(s, SSE.body) == ID["sowecsom-acceptance-committee"]}) == 5


def test_attending_the_titres_services_commission_from_july_to_december_is_no_start_and_no_end(graph):
    seat = ID["s-concertes-titres-services"]
    assert graph.value(seat, SSE.startDate) is None and graph.value(seat, SSE.endDate) is None
    assert {str(d) for d in graph.objects(seat, SSE.attestedOn)} == {"2018-07", "2018-12"}


def test_the_partners_of_guest_are_attested_at_the_kits_date(graph):
    seats = set(graph.subjects(SSE.body, ID.guest))
    assert len(seats) == 9
    for seat in seats:
        assert graph.value(seat, SSE.attestedOn) == Literal("2021-06", datatype=XSD.gYearMonth)
        assert "juin 2021" in {_exact(graph, e) for e in graph.objects(seat, PROV.wasDerivedFrom)}


def test_the_secretary_general_is_found_under_the_name_as_written(graph):
    labels = {str(x) for x in graph.objects(ID["sebastien-perea"], URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))}
    assert {"Sébastien Perea-u", "Sébastien Perea"} <= labels


def test_the_trade_unions_sit_on_the_brasero_committee(graph):
    # "Le Comité d'accompagnement de la mission déléguée Brasero réunit diverses parties prenantes
    # (représentants des syndicats, ...)"
    bodies = {graph.value(s, SSE.body) for s in graph.subjects(SSE.holder, ID["trade-unions-be"])}
    assert ID["brasero-committee"] in bodies
