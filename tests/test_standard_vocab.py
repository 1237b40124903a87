"""The standard vocabularies answer: SPARQL written by a researcher who knows W3C ORG, FOAF, SKOS,
Dublin Core, PROV-O and Web Annotation, but not the ``sse:`` terms, against the reasoned seed graph.

Each query asks for a fact a document states (the clause is quoted) and uses standard terms only;
the answer must come from both reasoners (the default ``owlrl`` build and ``--engine fast``), and
through ``sse-graph query`` as a user runs it. ORG's inverses (org:hasMember, org:hasPost,
org:hasUnit ...) hold after reasoning for every triple of their property.

What the standard terms cannot say, on purpose: a seat on a public body is not an org:Membership
(ORG's org:memberOf is representation in this graph, docs/modelling.md), and dates are sse:startDate
/ sse:endDate / sse:attestedOn on the record, not an org:memberDuring time:Interval.
"""
from __future__ import annotations

import json

import pytest

from sse_graph.cli import main

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX id: <https://w3id.org/sse-graph/id/>
"""
ID = "https://w3id.org/sse-graph/id/"
CONCERTES_MEMBERS = {"acfi", "aid", "aleap", "atout-ei", "coopac", "credal", "caips", "reseau-equilibre", "eweta",
                     "febecoop", "febisp", "res", "ressources", "rfa", "saw-b", "syneco", "union-scop-wb"}


@pytest.fixture(scope="module", params=["owlrl", "fast"])
def reasoned(request, private_cache):
    """The reasoned seed graph, from each reasoner."""
    from sse_graph import Store, build
    from conftest import ROOT

    return Store(build(ROOT, engine=request.param).dataset_path)


def rows(store, where: str) -> list[dict]:
    return store.select(PREFIXES + where).dicts()


def column(store, where: str, var: str) -> set[str]:
    return {r[var].removeprefix(ID) if isinstance(r[var], str) else r[var] for r in rows(store, where)}


# ---------------------------------------------------------------------- members
def test_members_of_concertes_by_org_has_member(reasoned):
    # 003: "Les membres : ACFI - AID - ALEAP - Atout EI - COOPAC - CREDAL SC - CAIPS – Réseau Equilibre
    # - EWETA - FEBECOOP - FÉBISP - RES - RESSOURCES - RFA - SAW-B – SYNECO – Union des SCOP W-B."
    assert column(reasoned, "SELECT ?m WHERE { id:concertes org:hasMember ?m }", "m") == CONCERTES_MEMBERS


def test_what_concertes_is_a_member_of_by_org_member_of(reasoned):
    # 003: "ConcertES est devenue depuis 2017, membre de Social Economy Europe (SEE)"
    assert column(reasoned, "SELECT ?o WHERE { id:concertes org:memberOf ?o }", "o") == {"see"}


def test_a_membership_record_with_org_member_organization_and_role(reasoned):
    # 000: "COCETA is a member of CEPES, which brings together all the Social Economy organisations in Spain"
    found = rows(reasoned, """SELECT ?m ?role WHERE { ?m a org:Membership ; org:member id:coceta ;
                              org:organization id:cepes ; org:role ?role . ?role a org:Role }""")
    assert len(found) == 1
    assert column(reasoned, "SELECT ?m WHERE { id:coceta org:hasMembership ?m }", "m") == {found[0]["m"].removeprefix(ID)}


def test_the_continental_networks_are_members_of_ripess(reasoned):
    # 004: "Les réseaux continentaux du RIPESS (RIPESS-LAC, RIPESS-EU, RIPESS-NA, RAESS et ASEC)"
    named = column(reasoned, """SELECT ?m WHERE { ?m org:memberOf id:ripess ; skos:prefLabel ?l }""", "m")
    assert named == {"ripess-lac", "ripess-eu", "ripess-na", "raess", "asec"}


def test_every_member_is_a_foaf_agent_and_every_organisation_an_org_organization(reasoned):
    assert not rows(reasoned, "SELECT ?a WHERE { ?m org:member ?a FILTER NOT EXISTS { ?a a foaf:Agent } }")
    assert not rows(reasoned, "SELECT ?o WHERE { ?m org:organization ?o FILTER NOT EXISTS { ?o a org:Organization } }")


# ---------------------------------------------------------------------- posts
def test_who_holds_which_post_in_concertes(reasoned):
    # 003: "Depuis 2017, c'est Denis Morrier qui assure la Présidence de ConcertES." and the staff list
    # "Sébastien Perea-u, Secrétaire général"
    found = {(r["name"], r["role"]) for r in rows(reasoned, """SELECT ?name ?role WHERE {
        id:concertes org:hasPost ?post . ?post a org:Post ; org:heldBy ?p ; org:role ?r .
        ?p a foaf:Person ; foaf:name ?name . ?r skos:prefLabel ?role FILTER(lang(?role) = "en") }""")}
    assert {("Denis Morrier", "president"), ("Sébastien Pereau", "secretary general")} <= found


def test_the_posts_a_person_holds_by_org_holds(reasoned):
    # 003: "Le Vice-Président du Gouvernement de la Fédération Wallonie-Bruxelles et Ministre de
    # l'Enseignement supérieur de la Recherche et des Médias, Jean-Claude Marcourt" and "Ayant initié le
    # Décret en 2008 en tant que Ministre de l'économie sociale"
    where = """SELECT ?o WHERE { ?p foaf:name "Jean-Claude Marcourt"@fr ; org:holds ?post . ?post org:postIn ?o }"""
    assert column(reasoned, where, "o") == {"gouvernement-fwb", "gouvernement-wallon"}


def test_a_post_in_a_unit_is_a_post_in_the_unit_of_concertes(reasoned):
    # 003: "Dorine Muco-wintore, chargée de projets au sein de l'Observatoire de l'ES" (ConcertES's)
    where = """SELECT ?org WHERE { ?post org:heldBy id:dorine-muco-wintore ; org:postIn ?unit .
               ?unit org:unitOf ?org . ?org org:hasUnit ?unit }"""
    assert column(reasoned, where, "org") == {"concertes"}


# ---------------------------------------------------------------------- sub-organisations
def test_the_units_of_concertes_are_its_sub_organisations(reasoned):
    # 003: "Dorine Muco-wintore, chargée de projets au sein de l'Observatoire de l'ES"
    units = column(reasoned, "SELECT ?u WHERE { id:concertes org:hasSubOrganization ?u }", "u")
    assert "concertes-observatory" in units
    assert units == column(reasoned, "SELECT ?u WHERE { ?u org:subOrganizationOf id:concertes }", "u")


def test_lks_is_transitively_part_of_the_mondragon_group(reasoned):
    # 004: "Il fait partie de la division de conseil et d'ingénierie de Mondragón" (LKS) and the
    # division is one of "the groupe coopératif du même nom"
    assert column(reasoned, "SELECT ?o WHERE { id:lks org:subOrganizationOf ?o }", "o") == {"mondragon-consulting-division"}
    assert column(reasoned, "SELECT ?o WHERE { id:lks org:transitiveSubOrganizationOf ?o }", "o") == \
        {"mondragon-consulting-division", "mondragon-group"}


def test_geces_is_a_sub_organisation_of_the_european_commission(reasoned):
    # 003: "membre du GECES – groupe d'expert de la Commission européenne sur l'entrepreneuriat social
    # et l'économie sociale"
    assert "geces" in column(reasoned, "SELECT ?x WHERE { id:european-commission org:hasSubOrganization ?x }", "x")


# ---------------------------------------------------------------------- names
def test_a_person_by_foaf_name_and_skos_alt_label(reasoned):
    # 003 staff list: "Sébastien Perea-u, Secrétaire général"; later "Sébastien Perea et Stéphane Boulanger"
    by_alt = column(reasoned, """SELECT ?p WHERE { ?p a foaf:Person ; skos:altLabel "Sébastien Perea-u"@fr }""", "p")
    by_name = column(reasoned, """SELECT ?p WHERE { ?p foaf:name "Sébastien Pereau"@fr }""", "p")
    assert by_alt == by_name == {"sebastien-perea"}


def test_an_organisation_by_its_acronym_and_rdfs_label(reasoned):
    # 000: "Created in 2002 and based in Brussels, POUR LA SOLIDARITÉ (PLS)"
    assert column(reasoned, """SELECT ?o WHERE { ?o skos:altLabel "PLS"@fr }""", "o") == {"pls"}
    labels = column(reasoned, "SELECT ?l WHERE { id:pls rdfs:label ?l }", "l")
    assert {"Pour la Solidarité", "PLS", "POUR LA SOLIDARITÉ"} <= labels
    assert column(reasoned, "SELECT ?n WHERE { id:pls foaf:name ?n }", "n") == {"Pour la Solidarité"}


# ---------------------------------------------------------------------- places
def test_where_pls_is_based_by_dcterms_spatial(reasoned):
    # 000: "Created in 2002 and based in Brussels, POUR LA SOLIDARITÉ (PLS)"
    where = """SELECT ?name WHERE { id:pls dcterms:spatial ?place . ?place a dcterms:Location ;
               skos:prefLabel ?name FILTER(lang(?name) = "en") }"""
    assert column(reasoned, where, "name") == {"Brussels"}


def test_what_is_active_in_belgium_through_dcterms_is_part_of(reasoned):
    # 000: "ConcertES is the consultation platform for organisations representing the social economy in
    # the Brussels-Capital Region and Wallonia (Belgium)"; PLS "based in Brussels"; the regions are
    # part of Belgium, Brussels of its region (ISO 3166, graph/places.ttl).
    where = "SELECT ?o WHERE { ?o dcterms:spatial/dcterms:isPartOf* id:place-be }"
    assert {"concertes", "pls"} <= column(reasoned, where, "o")
    assert column(reasoned, "SELECT ?p WHERE { id:place-brussels dcterms:isPartOf ?p }", "p") == {"place-be-bru"}


# ---------------------------------------------------------------------- sources
def test_the_passage_a_membership_comes_from_by_prov_and_web_annotation(reasoned):
    # 000: "COCETA is a member of CEPES, which brings together all the Social Economy organisations in Spain"
    found = rows(reasoned, """SELECT ?exact ?title WHERE { ?m org:member id:coceta ; org:organization id:cepes ;
        prov:wasDerivedFrom ?ev . ?ev a oa:SpecificResource ; oa:hasSource ?doc ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] . ?doc dcterms:title ?title }""")
    assert any(r["exact"].startswith("COCETA is a member of CEPES") for r in found)
    assert {r["title"] for r in found} == {"CAPSE project partners"}


def test_the_source_document_of_a_membership_by_dcterms_source(reasoned):
    # 003: "ConcertES est devenue depuis 2017, membre de Social Economy Europe (SEE)"
    found = rows(reasoned, """SELECT ?date ?lang WHERE { ?m org:member id:concertes ; org:organization id:see ;
        dcterms:source ?doc . ?doc a prov:Entity , foaf:Document ; dcterms:date ?date ; dcterms:language ?lang }""")
    assert [(str(r["date"]), r["lang"]) for r in found] == [("2019-06-06", "fr")]


def test_every_membership_and_post_rests_on_a_passage(reasoned):
    assert not rows(reasoned, """SELECT ?r WHERE { { ?r a org:Membership } UNION { ?r a org:Post }
        FILTER NOT EXISTS { ?r prov:wasDerivedFrom ?ev . ?ev oa:hasSource ?doc } }""")


# ---------------------------------------------------------------------- inverses after reasoning
@pytest.mark.parametrize("p,inverse", [("memberOf", "hasMember"), ("member", "hasMembership"),
                                       ("subOrganizationOf", "hasSubOrganization"), ("unitOf", "hasUnit"),
                                       ("postIn", "hasPost"), ("heldBy", "holds")])
def test_every_org_property_has_its_inverse_after_reasoning(reasoned, p, inverse):
    one_way = rows(reasoned, f"SELECT ?a ?b WHERE {{ ?a org:{p} ?b FILTER NOT EXISTS {{ ?b org:{inverse} ?a }} }}")
    other_way = rows(reasoned, f"SELECT ?a ?b WHERE {{ ?b org:{inverse} ?a FILTER NOT EXISTS {{ ?a org:{p} ?b }} }}")
    assert not one_way and not other_way
    assert rows(reasoned, f"SELECT ?a WHERE {{ ?a org:{p} ?b }} LIMIT 1")  # the data has some


def test_a_unit_is_a_sub_organisation_both_ways(reasoned):
    assert not rows(reasoned, """SELECT ?u WHERE { ?o org:hasUnit ?u FILTER NOT EXISTS { ?o org:hasSubOrganization ?u } }""")


# ---------------------------------------------------------------------- through the command line
def test_a_researchers_query_through_sse_graph_query(built, capsys, tmp_path):
    # 003: "Les membres : ACFI - AID - ..." (17); ORG terms only, JSON results.
    f = tmp_path / "members.rq"
    f.write_text(PREFIXES + """SELECT DISTINCT ?m WHERE { ?org foaf:name "ConcertES"@fr ; org:hasMember ?m }""",
                 encoding="utf-8")
    assert main(["query", str(f), "--format", "json"]) == 0
    bindings = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert {b["m"]["value"].removeprefix(ID) for b in bindings} == CONCERTES_MEMBERS
    assert main(["query", str(f), "--format", "json", "--asserted"]) == 0  # org:hasMember is derived, never written
    assert json.loads(capsys.readouterr().out)["results"]["bindings"] == []
