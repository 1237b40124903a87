"""The users' questions, end to end: what a think tank or a regional policy officer asks of the five
source texts, asked through the command line (or the library it calls thinly) on the seed graph,
with the answer the text gives.

Each test quotes the clause of the source that decides it. Only questions whose answer the text
states are asserted; where the text leaves a case open, the test asserts that the product says so.
"""
from __future__ import annotations


import pytest

from conftest import ask, said
from sse_graph.cli import main

ID = "https://w3id.org/sse-graph/id/"
RIPESS_NETWORKS = {"ripess-lac", "ripess-eu", "ripess-na", "raess", "asec"}
CONCERTES_MEMBERS = {"acfi", "aid", "aleap", "atout-ei", "coopac", "credal", "caips", "reseau-equilibre", "eweta",
                     "febecoop", "febisp", "res", "ressources", "rfa", "saw-b", "syneco", "union-scop-wb"}




def ids(rows) -> set[str]:
    return {r["iri"].removeprefix(ID) for r in rows}


def by_id(rows) -> dict[str, dict]:
    return {r["iri"].removeprefix(ID): r for r in rows}


def chains(rows) -> dict[str, list[str]]:
    return {r["iri"].removeprefix(ID): [i.removeprefix(ID) for i in r["chain_iris"]] for r in rows}


# ====================================================================== 000 — CAPSE partners (about 2024)
def test_whom_ess_france_federates_named_and_collective(built, capsys):
    # "It federates the national SSE organisations representing the various statutory forms of SSE
    # (...), the 17 regional SSE Chambers (CRESS) and any other legal entity wishing to become
    # involved in its activities." — three groups named only collectively; the CRESS named in 002.
    rows = by_id(ask(capsys, "members", "ESS France"))
    collective = {k for k, r in rows.items() if r["collective"]}
    assert collective == {"cress", "ess-france-national-organisations", "ess-france-other-members"}
    assert set(rows) - collective == {"cress-bretagne", "cress-occitanie", "cress-nouvelle-aquitaine"}


def test_ess_france_declares_about_thirty_and_the_groups_are_not_counted_as_known(built, capsys):
    # "With around thirty members and fifteen employees": about 30 declared; the graph knows 3 by
    # name and 3 groups named only collectively, which are not "known by name".
    text = said(capsys, "members", "ESS France")
    assert "3 member(s) known by name, 3 named only collectively" in text
    assert "declares about 30 members (000" in text and "3 known by name (000, 002), 3 named only collectively" in text
    assert "6 known by name" not in text and "6 member(s)" not in text


def test_ess_france_is_found_by_its_full_english_name(built, capsys):
    # "The French Chamber of the Social and Solidarity Economy (known as ESS France)"
    assert ids(ask(capsys, "search", "French Chamber")) == {"ess-france"}


def test_who_represents_cress_bretagne_as_of_2021(built, capsys):
    # 000: ESS France federates "the 17 regional SSE Chambers (CRESS)"; 002 (June 2021) names
    # CRESS Bretagne ("Led by CRESS Bretagne, Oress ...").
    rows = ask(capsys, "represented-by", "CRESS Bretagne", "--as-of", "2021")
    assert chains(rows) == {"ess-france": ["cress-bretagne", "ess-france"]}
    assert rows[0]["status"] == "attested"


def test_coceta_is_a_member_of_cepes_and_the_undated_link_is_marked_source_dated(built, capsys):
    # "COCETA is a member of CEPES" — the page is undated (about 2024): the interval is the
    # document's date, and the table says so.
    rows = ask(capsys, "represented-by", "COCETA")
    assert chains(rows) == {"cepes": ["coceta", "cepes"]}
    assert rows[0]["links"][0]["timing"]["basis"] == "source date"
    text = said(capsys, "represented-by", "COCETA")
    assert "(source dated)" in text


def test_a_dated_chain_is_not_marked_source_dated(built, capsys):
    # "au nombre de dix-sept au 31/12/2018" / "depuis 2017, membre de Social Economy Europe"
    assert "(source dated)" not in said(capsys, "represented-by", "SAW-B")


def test_whom_cepes_represents_through_coceta(built, capsys):
    # "COCETA represents 17 federations of Spanish cooperatives at regional level" + "COCETA is a
    # member of CEPES"
    # "... CEPES, which brings together all the Social Economy organisations in Spain"
    assert chains(ask(capsys, "represents", "CEPES")) == {
        "coceta": ["cepes", "coceta"],
        "cepes-spanish-social-economy-organisations": ["cepes", "cepes-spanish-social-economy-organisations"],
        "coceta-regional-federations": ["cepes", "coceta", "coceta-regional-federations"]}
    text = said(capsys, "members", "CEPES")
    assert "1 member(s) known by name, 1 named only collectively" in text


def test_how_many_coceta_represents(built, capsys):
    # "COCETA represents 17 federations ... and around 17,350 worker cooperatives in Spain,
    # involving around 255,000 workers" / "Coceta currently employs 6 full-time staff"
    counts = {(c["measure"], c["qualifier"], c["value"]) for c in ask(capsys, "show", "COCETA")["counts"]}
    assert {("regional federations represented", "exactly", 17), ("worker co-operatives represented", "about", 17350),
            ("workers involved", "about", 255000), ("full-time staff", "exactly", 6)} <= counts


def test_concertes_declared_21_here_and_17_in_2018(built, capsys):
    # 000: "its 21 member organisations"; 003: "au nombre de dix-sept au 31/12/2018"
    text = said(capsys, "members", "ConcertES")
    assert "declares exactly 21 members (000, source of about" in text
    assert "declares exactly 17 members (003, 2018-12-31)" in text
    assert "17 member(s) known by name" in text and "collectively" not in text


def test_pls_by_its_acronym_created_and_based(built, capsys):
    # "Created in 2002 and based in Brussels, POUR LA SOLIDARITÉ (PLS)"
    card = ask(capsys, "show", "PLS")
    assert card["iri"] == ID + "pls"
    assert any(f["value"] == "2002" for f in card["facts"].get("founded", []))
    assert any(p["relation"] == "basedIn" and p["label"] == "Brussels" for p in card["places"])


def test_the_terress_chair_by_its_short_name(built, capsys):
    # "The « Territoires de l'ESS » (Terr'ESS) Chair, created in 2020"
    assert ids(ask(capsys, "search", "Terr'ESS")) == {"terress-chair"}


def test_concertes_has_no_founding_date_from_nearly_17_years(built, capsys):
    # "It was set up nearly 17 years ago": no date is stated, none is given.
    assert "founded" not in ask(capsys, "show", "ConcertES")["facts"]


# ====================================================================== 001 — Le Labo de l'ESS (2012)
def test_the_labo_is_a_think_tank_and_names_no_member(built, capsys):
    # "Le Labo de l'ESS, association reconnue d'intérêt général, est un think tank"
    found = ask(capsys, "search", "Labo de l'ESS")
    card = ask(capsys, "show", found[0]["iri"])
    assert "think tank" in {t["label"] for t in card["types"]}
    assert ask(capsys, "members", found[0]["iri"]) == []


def test_the_group_already_at_work_on_the_ptce(built, capsys):
    # "Thème 3 : Développer coopérations et partenariats ... (PTCE ...)" / "Un groupe de pilotage
    # travaille déjà sur ce thème" — a unit of the Labo; the PTCE itself is a kind, no organisation.
    rows = ask(capsys, "search", "PTCE")
    assert ids(rows) == {"labo-ess-ptce-group"}
    card = ask(capsys, "show", rows[0]["iri"])
    assert any(r["relation"] == "part of" and r["iri"] == ID + "labo-ess" for r in card["relations"])


# ====================================================================== 002 — Kit RégionalESS n°4 (June 2021)
GUEST = {"urscop", "mouvement-associatif", "mouves", "udes", "ge-iae-networks", "ge-territorial-actors",
         "ge-local-authorities", "french-state", "ge-universities"}


def test_who_sits_in_guest(built, capsys):
    # "a United Governance of the SSE in Grand Est (GUEST), associating public partners (local
    # authorities, State, universities) and private partners (URSCOP, Associative Movement, MOUVES,
    # UDES, networks of the IAE, territorial actors)" — attested by the kit of June 2021.
    card = ask(capsys, "show", "GUEST")
    assert ids(card["sitting"]) == GUEST
    assert {r["attested"] for r in card["sitting"]} == {"2021-06"}


def test_guest_was_set_up_by_the_regional_council_in_2018(built, capsys):
    # "In the Grand Est region, the regional council has set up since 2018 ... (GUEST)"
    card = ask(capsys, "show", "GUEST")
    assert any(f["value"] == "2018" for f in card["facts"]["founded"])
    assert any(r["iri"] == ID + "region-grand-est" and r["role"] == "founder" for r in card["relations"])


def test_udes_in_guest_in_2019_is_not_yet_attested_not_held(built, capsys):
    # The kit (2021) attests the association; when UDES joined is not said.
    rows = ask(capsys, "seats", "UDES", "--as-of", "2019")
    assert [r["status"] for r in rows] == ["not yet attested"]
    assert ask(capsys, "seats", "UDES", "--as-of", "2019", "--strict") == []


def test_the_corsican_copil_since_december_2020(built, capsys):
    # "This SSE Copil, set up in December 2020 ..., brings together departments of the Corsican
    # Collectivity and the State, various SSE networks and players"
    card = ask(capsys, "show", "SSE Copil")
    assert ids(card["sitting"]) == {"collectivite-de-corse", "french-state", "corsica-sse-networks"}
    assert {r["start"] for r in card["sitting"]} == {"2020-12"}
    assert ask(capsys, "seats", "Corsican Collectivity", "--as-of", "2019") == []  # not started


def test_oress_is_led_by_cress_bretagne(built, capsys):
    # "Led by CRESS Bretagne, Oress works on ..." — led by, not a member of
    card = ask(capsys, "show", "Oress")
    assert any(r["relation"] == "led by" and r["iri"] == ID + "cress-bretagne" for r in card["relations"])
    assert card["represented_by"] == []


def test_rtes_by_its_acronym(built, capsys):
    # "Réseau des collectivités Territoriales pour une Economie Solidaire (RTES)"
    rows = ask(capsys, "search", "RTES")
    assert rows[0]["label"] == "Réseau des collectivités Territoriales pour une Economie Solidaire"


def test_the_occitanie_week_was_co_organised_by_the_cress(built, capsys):
    # "The Occitanie region co-organised with the CRESS Occitanie the 1st edition of the « Socially
    # Responsible Business and Purchasing Week » in December 2020"
    card = ask(capsys, "show", "CRESS Occitanie")
    assert any(r["role"] == "co-organiser" and "Purchasing Week" in r["label"] for r in card["relations"])


def test_cress_alone_is_ambiguous(built):
    # "CRESS" names the collective "17 regional SSE Chambers" and four named chambers: the product
    # asks which, rather than choosing.
    assert main(["represented-by", "CRESS"]) == 2


# ====================================================================== 003 — ConcertES, 2018 report
def test_members_of_concertes_at_the_end_of_2018(built, capsys):
    # "Les membres de ConcertES ... sont au nombre de dix-sept au 31/12/2018." + the list
    rows = ask(capsys, "members", "ConcertES", "--as-of", "2018-12-31", "--strict")
    assert ids(rows) == CONCERTES_MEMBERS and len(rows) == 17
    assert {r["status"] for r in rows} == {"attested"}


def test_members_of_concertes_in_2025_are_last_attested_not_dropped(built, capsys):
    rows = ask(capsys, "members", "ConcertES", "--as-of", "2025")
    assert ids(rows) == CONCERTES_MEMBERS and {r["status"] for r in rows} == {"last attested 2018"}


def test_the_board_at_the_end_of_2018(built, capsys):
    # "Le Conseil d'administration est composé, au 31 décembre 2018, des 3 fédérations
    # transsectorielles (Febecoop, SAW-B et Syneco) ainsi que d'Atout EI, de Crédal SC, de l'EWETA et
    # de la FÉBISP."
    rows = ask(capsys, "members", "ConcertES", "--role", "board", "--as-of", "2018-12-31")
    assert ids(rows) == {"febecoop", "saw-b", "syneco", "atout-ei", "credal", "eweta", "febisp"}


def test_who_chairs_concertes(built, capsys):
    # "Depuis 2017, c'est Denis Morrier qui assure la Présidence de ConcertES."
    card = ask(capsys, "show", "ConcertES")
    assert any(r["relation"] == "holds a post in" and r["role"] == "president" and r["label"] == "Denis Morrier"
               for r in card["relations"])


def test_the_card_dates_a_relation_marcourt_was_minister_in_2008(built, capsys):
    # "Ayant initié le Décret en 2008 en tant que Ministre de l'économie sociale": the card of the
    # Walloon Government must not present him as its minister without the year.
    card = ask(capsys, "show", "Gouvernement wallon")
    post = [r for r in card["relations"] if r["label"] == "Jean-Claude Marcourt"]
    assert len(post) == 1 and post[0]["attested"] == "2008" and post[0]["start"] is None
    assert "as of 2008" in said(capsys, "show", "Gouvernement wallon")
    morrier = [r for r in ask(capsys, "show", "ConcertES")["relations"] if r["label"] == "Denis Morrier"]
    assert morrier[0]["start"] == "2017"  # "Depuis 2017, c'est Denis Morrier qui assure la Présidence"


def test_the_card_lists_each_relation_once_with_its_sources(built, capsys):
    # A seat attested twice, a relation the reasoner copies: one row each, never one without source.
    relations = ask(capsys, "show", "ConcertES")["relations"]
    keys = [(r["direction"], r["relation"], r["iri"], r["role"]) for r in relations]
    assert len(keys) == len(set(keys))
    assert all(r["sources"] for r in relations if r["relation"] == "part of")
    cress = [r for r in ask(capsys, "show", "CRESS Occitanie")["relations"] if r["relation"] == "member of"]
    assert len(cress) == 1 and cress[0]["sources"] == ["000_30352ab47c79168e.txt", "002_8a782234b05de830.txt"]


def test_who_chairs_the_cwes_in_2018_and_for_whom(built, capsys):
    # "Au-delà de son rôle de proposer les membres représentant les entreprises d'économie sociale
    # appelées à siéger au sein du CWES, ConcertES a assumé tout au long l'année 2018, en la personne
    # de son secrétaire général, la Présidence du CWES."
    sitting = ask(capsys, "show", "CWES")["sitting"]
    chair = [r for r in sitting if r["iri"] == ID + "sebastien-perea"]
    assert chair and chair[0]["on_behalf_of"] == "ConcertES" and chair[0]["during"] == "2018"
    assert any(r["iri"] == ID + "concertes" and r["roles"] == ["nominating organisation"] for r in sitting)


@pytest.mark.parametrize("on,expected", [("2016-12", set()), ("2017", {"concertes"}), ("2018-12-31", {"concertes"})])
def test_members_of_social_economy_europe_since_2017(built, capsys, on, expected):
    # "ConcertES est devenue depuis 2017, membre de Social Economy Europe (SEE)"
    assert ids(ask(capsys, "members", "SEE", "--as-of", on)) == expected


def test_why_europe_speaks_for_saw_b(built, capsys):
    answer = ask(capsys, "why", "SAW-B", "SEE")
    chain = answer["chains"][0]
    assert [link["to"].removeprefix(ID) for link in chain["links"]] == ["concertes", "see"]
    passages = " ".join(p for link in chain["links"] for p in link["passages"])
    assert "depuis 2017, membre de Social Economy Europe" in passages


def test_who_represents_saw_b_in_2016(built, capsys):
    # The members are attested on 31/12/2018 only; SEE membership from 2017: in 2016 the chain to
    # SEE does not count, and the membership of ConcertES is "not yet attested" (not denied).
    rows = ask(capsys, "represented-by", "SAW-B", "--as-of", "2016")
    assert chains(rows) == {"concertes": ["saw-b", "concertes"]}
    assert rows[0]["status"] == "not yet attested"


def test_the_saved_as_of_query_names_the_direct_representative_too(store):
    # "Who represents SAW-B on 31/12/2018?" asked with the shipped query: ConcertES (its member,
    # "au nombre de dix-sept au 31/12/2018") directly, and SEE through it ("depuis 2017"). The query
    # read chains of two links or more only, and answered SEE alone.
    from sse_graph.queries import load_query

    rows = store.select(load_query("represented_by_as_of").text, bindings={"org": ID + "saw-b"}).dicts()
    assert {(r["representative"].removeprefix(ID), int(r["length"])) for r in rows} == {("concertes", 1), ("see", 2)}
    rows = store.select(load_query("represented_by_as_of").text, bindings={"org": ID + "concertes"}).dicts()
    # SEE, and its secretary general, who sits for it ("en la personne de son secrétaire général")
    assert {(r["representative"].removeprefix(ID), int(r["length"])) for r in rows} == {("see", 1), ("sebastien-perea", 1)}


def test_geces_since_october_2018_through_the_secretary_general(built, capsys):
    # "ConcertES est, en la personne de son secrétaire général, depuis le mois d'octobre 2018,
    # membre du GECES"
    seat = [s for s in ask(capsys, "seats", "ConcertES") if s["iri"] == ID + "geces"]
    assert seat and seat[0]["start"] == "2018-10" and seat[0]["person"] == "Sébastien Pereau"
    september = ask(capsys, "seats", "ConcertES", "--as-of", "2018-09", "--strict")
    assert ID + "geces" not in {s["iri"] for s in september}


def test_who_proposes_the_sowecsom_acceptance_committee(built, capsys):
    # "Depuis le renouvellement du comité d'acceptation de la SOWECSOM, en 2016, les 5 représentants
    # du Gouvernement ... sont proposés par l'organisation représentative de l'économie sociale,
    # ConcertES." / "Siègent pour l'économie sociale : Eric Bernard, Sybille Mertens, Jean-François
    # Herz, Stéphane Boulanger, Joël Gillaux."
    sitting = ask(capsys, "show", "Comité d'acceptation de la Sowecsom")["sitting"]
    proposed = {r["label"] for r in sitting if r["nominated_by"] == "ConcertES"}
    assert proposed == {"Eric Bernard", "Sybille Mertens", "Jean-François Herz", "Stéphane Boulanger", "Joël Gillaux"}
    assert any(r["iri"] == ID + "concertes" and r["start"] == "2016" for r in sitting)


def test_who_sits_on_the_brasero_follow_up_committee(built, capsys):
    # "Siègent pour l'économie sociale au sein du comité d'accompagnement : Sébastien Perea et
    # Stéphane Boulanger." / "(représentants des syndicats, ...)"
    sitting = ask(capsys, "show", "Comité d'accompagnement de la mission déléguée Brasero")["sitting"]
    assert {"sebastien-perea", "stephane-boulanger", "trade-unions-be"} <= ids(sitting)


def test_the_titres_services_commission_keeps_both_dates_and_one_row(built, capsys):
    # "ConcertES a participé aux différentes réunions de la Commission qui se sont tenues entre
    # juillet et décembre, en l'absence d'Anne-Sophie Chronis y siégeant comme effective."
    # The seat is attested in July and in December: both are said, on one row.
    seat = [s for s in ask(capsys, "seats", "ConcertES") if s["iri"] == ID + "commission-titres-services"]
    assert len(seat) == 1 and seat[0]["attestations"] == ["2018-07", "2018-12"]
    assert "as of 2018-07, 2018-12" in said(capsys, "seats", "ConcertES")
    sitting = ask(capsys, "show", "Commission consultative d'agrément des entreprises titres-services")["sitting"]
    assert sorted(r["label"] for r in sitting) == ["Anne-Sophie Chronis", "ConcertES"]
    assert {r["label"]: r["roles"] for r in sitting}["Anne-Sophie Chronis"] == ["effective member"]


def test_who_sits_on_the_responsible_procurement_committee(built, capsys):
    # "Ce comité réunit différents représentants du SPW et des cabinets, des représentants du Forem,
    # de l'IFAPME, de la Confédération wallonne de la construction, des syndicats ... et de
    # l'économie sociale (ConcertES et SAW-B)."
    sitting = ask(capsys, "show", "Comité de suivi des achats publics responsables")["sitting"]
    assert {"concertes", "saw-b", "forem", "ifapme"} <= ids(sitting)
    assert ids(ask(capsys, "show", "SAW-B")["seats"]) == {"public-procurement-committee"}


def test_the_digi_serv_follow_up_committee(built, capsys):
    # "ConcertES a, aux cotés de l'Unipso et d'Atout EI, participé à plusieurs Comité
    # d'accompagnement de ce projet de recherche"
    sitting = ask(capsys, "show", "Comité d'accompagnement de l'étude Digi-serv")["sitting"]
    assert ids(sitting) == {"concertes", "unipso", "atout-ei"}


def test_comes_met_fourteen_times_in_2018(built, capsys):
    # "ConcertES y a participé de manière systématique, soit à 14 réunions."
    counts = ask(capsys, "show", "COMES")["counts"]
    assert [(c["qualifier"], c["value"], str(c["as_of"])) for c in counts] == [("exactly", 14, "2018")]


@pytest.mark.parametrize("name,expected", [("Unispo", "unipso"), ("Club EFC", "immaterra"), ("febisp", "febisp"),
                                           ("Perea-u", "sebastien-perea"), ("Union des SCOP W-B", "union-scop-wb")])
def test_organisations_are_found_by_the_reports_other_spellings(built, capsys, name, expected):
    # "organisé par l'Unispo" (for Unipso), "Immaterra (anciennement Club EFC)", "FÉBISP";
    # the staff list's "Sébastien Perea-u" (a person: search finds people too, by every spelling)
    rows = ask(capsys, "search", name)
    assert rows[0]["iri"] == ID + expected


def test_whether_financite_is_the_member_rfa_is_left_open_and_said(built, capsys):
    # The members list names "RFA", never expanded; "FINANCITE" joined the committee the member
    # federations were invited to form. The report never says they are one: the product does not
    # make Financité a member, and both cards say the question is open.
    assert ask(capsys, "represented-by", "Financité") == []
    for name, other in (("Financité", "id:rfa"), ("RFA", "id:financite")):
        notes = " ".join(f["value"] for f in ask(capsys, "show", name)["facts"]["note"])
        assert "Possibly the same as " + other in notes


def test_changes_2018_to_2023_claim_no_departure(built, capsys):
    # Attested on 31/12/2018 only: the sources never say that a member left.
    answer = ask(capsys, "changes", "ConcertES", "--from", "2018", "--to", "2023")
    assert answer["left"] == [] and answer["joined"] == []
    assert ids(answer["no_longer_attested"]) == CONCERTES_MEMBERS


# ====================================================================== 004 — CITIES partners (about 2017)
def test_founders_of_cities(built, capsys):
    # "Fondateurs": Au Québec ... A Séoul ... En Catalogne ... Au pays basque ..., and L'Association GSEF
    relations = ask(capsys, "show", "CITIES")["relations"]
    founders = {r["iri"].removeprefix(ID) for r in relations if r["role"] == "founder"}
    assert {"chantier-economie-sociale", "tiess", "karl-polanyi-institute", "ville-de-montreal",
            "seoul-metropolitan-government", "seoul-social-economy-center", "kpia", "seoul-social-economy-network",
            "ville-de-barcelone", "ville-de-bilbao", "ville-de-mondragon", "lks", "gsef"} == founders


def test_members_of_ripess_are_its_five_continental_networks(built, capsys):
    # "Les réseaux continentaux du RIPESS (RIPESS-LAC, RIPESS-EU, RIPESS-NA, RAESS et ASEC)"
    assert ids(ask(capsys, "members", "RIPESS")) == RIPESS_NETWORKS


def test_whom_ripess_represents_through_its_continental_networks(built, capsys):
    # "... rassemblent à leur tour des réseaux nationaux et des réseaux sectoriels" — unnamed: one
    # group per continental network, named only collectively, two steps below RIPESS.
    found = chains(ask(capsys, "represents", "RIPESS"))
    for n in RIPESS_NETWORKS:
        assert found[n] == ["ripess", n]
        assert found[n + "-national-sectoral-networks"] == ["ripess", n, n + "-national-sectoral-networks"]
    rows = ask(capsys, "members", "RIPESS-EU")
    assert ids(rows) == {"ripess-eu-national-sectoral-networks"} and rows[0]["collective"] is True
    assert "0 member(s) known by name, 1 named only collectively" in said(capsys, "members", "RIPESS-EU")


@pytest.mark.parametrize("acronym,name", [
    ("TFSSE", "UN Inter-Agency Task Force on Social and Solidarity Economy"),
    ("KPIA", "Karl Polanyi Institute Asia"),
    ("RISQ", "Réseau d'investissement social du Québec"),
    ("MI", "Montréal International"),
    ("TIESS", "Territoires innovants en économie sociale et solidaire")])
def test_partners_by_their_acronyms(built, capsys, acronym, name):
    assert ask(capsys, "search", acronym)[0]["label"] == name


def test_whom_the_gsef_gathers(built, capsys):
    # "Cette organisation internationale regroupe des gouvernements locaux, des réseaux de la société
    # civile, des organisations internationales et des instituts de recherche" — four kinds of
    # members, none named: four groups named only collectively, no organisation invented.
    rows = ask(capsys, "members", "GSEF")
    assert ids(rows) == {"gsef-local-governments", "gsef-civil-society-networks", "gsef-international-organisations",
                         "gsef-research-institutes"}
    assert all(r["collective"] for r in rows)
    assert "0 member(s) known by name, 4 named only collectively" in said(capsys, "members", "GSEF")


def test_gsef_founded_2014_not_based_in_seoul(built, capsys):
    # "En 2014, le forum mondial pour l'économie sociale (...GSEF), a été fondé à Séoul"
    card = ask(capsys, "show", "GSEF")
    assert [f["value"] for f in card["facts"]["founded"]] == ["2014"]
    assert not [p for p in card["places"] if p["relation"] == "basedIn"]


def test_lks_is_part_of_mondragon_not_represented(built, capsys):
    # "Il fait partie de la division de conseil et d'ingénierie de Mondragón" — part of an enterprise
    # group, and a founder of CITIES: neither is representation.
    assert ask(capsys, "represented-by", "LKS") == []
    assert any(r["relation"] == "part of" for r in ask(capsys, "show", "LKS")["relations"])


def test_who_sits_on_a_body_comes_without_an_empty_table_of_its_own_seats(built, capsys):
    """`seats CWES`: the council holds no seat itself; what the user asked is who sits on it."""
    text = said(capsys, "seats", "CWES")
    assert "Who sits on Conseil Wallon de l'Economie Sociale" in text and "Sébastien Pereau" in text
    assert "Seats and mandates of" not in text
    assert "Seats and mandates of ConcertES" in said(capsys, "seats", "ConcertES")


# ====================================================================== fidelity3's random sample
def test_the_cwes_is_consultative_by_the_clause_that_says_so(built, capsys):
    # "Le CWES s'est réuni 7 fois en 2018 : plusieurs des réunions ont été consacrées à la remise
    # d'avis suite à la demande du Gouvernement wallon ou de sa propre initiative" — its kind rests
    # on the words that make it consultative, not only on its name and its meetings.
    card = ask(capsys, "show", "CWES")
    [kind] = [t for t in card["types"] if t["label"] == "consultative body"]
    assert any("remise d'avis suite à la demande du Gouvernement wallon" in e["exact"] for e in kind["evidence"])


def test_the_aei_committee_led_by_the_aei_is_said_to_be_a_reading(built, store):
    # "dans le Comité d'accompagnement dans le cadre de l'appel à projets de l'AEI" — the committee is
    # within the AEI's call; who leads it is not stated: the statement says so.
    notes = store.select("""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX sse: <https://w3id.org/sse-graph/ontology#> SELECT ?note WHERE {
        ?st rdf:subject <https://w3id.org/sse-graph/id/aei-artists-call-committee> ; rdf:predicate sse:ledBy ;
            sse:note ?note }""").dicts()
    assert any("not stated" in n["note"] for n in notes)


# ====================================================================== fidelity4: every name, every figure
@pytest.mark.parametrize("name,expected,kind", [
    ("VISES", "vises", "project"),  # 003 "VISES est un projet transfrontalier qui réunit 21 partenaires"
    ("Jours Fous", "jours-fous-2018", "event"),  # 003 "les Jours Fous de l'économie sociale se sont tenus le weekend du 17 et 18 mars 2018"
    ("GSEF2016", "gsef-2016", "event"),  # 004 "A Montréal, le GSEF2016 a réuni près de 1 500 participants"
    ("RIS 3", "ris-3", "event"),  # 003 "nos 3èmes Rencontres de l'Impact Social (RIS 3)"
    ("Novacitis", "novacitis", "venue"),  # 003 "dans le futur centre d'entreprises sociales liégeois, Novacitis"
    ("Transfo", "transfo", "publication series"),  # 003 "le magazine Transfo reprend le flambeau de l'ancien ES-Infos"
    ("CAPSE", "capse", "project"),  # 000 "CAPSE project partners"
    ("SRDEII", "grand-est-srdeii", "funding or support programme"),  # 002 "within the framework of its SRDEII"
    ("Dijon", "place-dijon", "city"),  # 002 "organised in Dijon by Alternatives économiques"
])
def test_a_project_event_document_or_place_is_found_by_the_name_the_text_gives(built, capsys, name, expected, kind):
    # Before: "no organisation matches 'VISES'" — only organisations and persons could be named.
    rows = ask(capsys, "search", name)
    assert rows[0]["iri"] == ID + expected
    card = ask(capsys, "show", name)
    assert card["iri"] == ID + expected and kind in {t["label"] for t in card["types"]}


@pytest.mark.parametrize("command", ["members", "represents", "represented-by", "seats"])
def test_an_organisations_question_about_a_project_says_it_does_not_apply(built, capsys, command):
    # 003 "VISES est un projet transfrontalier qui réunit 21 partenaires": partners, not members; once
    # projects could be named, "members VISES" answered "0 member(s) known by name", which reads as none
    from sse_graph.cli import main

    assert main([command, "VISES"]) == 2
    err = capsys.readouterr().err
    assert "not an organisation or a person" in err and "sse-graph show VISES" in err


@pytest.mark.parametrize("name,expected", [
    ("Brasero", "brasero"),  # 003 "la mission déléguée BRASERO à la Sowecsom": the programme, not its committee
    ("Digi-serv", "digiserv"),  # 003 "l'étude Digi-serv": the study, not "Comité d'accompagnement de l'étude Digi-serv"
    ("ProforCES", "proforces"),  # 003 "le Comité d'accompagnement du projet ProforCES"
    ("Québec", "place-ca-qc"),  # 004 "Au Québec": the province, not the RISQ ("... social du Québec")
    ("Montréal", "place-montreal"),  # 004 "A Montréal, le GSEF2016": the city, not Montréal International
])
def test_an_exact_name_of_a_thing_wins_over_an_organisation_that_only_contains_it(built, capsys, name, expected):
    assert ask(capsys, "show", name)["iri"] == ID + expected


@pytest.mark.parametrize("name,expected", [("ConcertES", "concertes"), ("Wallonie", "region-wallonne"),
                                           ("SAW-B", "saw-b"), ("Sébastien Perea-u", "sebastien-perea")])
def test_an_organisation_or_person_still_wins_over_a_thing_of_the_same_name(built, capsys, name, expected):
    # "Wallonie" is both the Walloon Region (co-financer of VISES: "co-financé par la Wallonie") and
    # the place: the organisation is what a question asks about; the place is found as "Wallonia".
    assert ask(capsys, "show", name)["iri"] == ID + expected
    assert ask(capsys, "search", name)[0]["iri"] == ID + expected


def test_a_place_card_lists_what_the_documents_put_there(built, capsys):
    # 004 "Ville de Bilbao" (a founder, based in the town); 003 "En vue du GSEF, organisé à Bilbao, en
    # octobre 2018". Two organisations of one town are not related: no path goes through a place.
    rows = {(r["relation"], r["iri"].removeprefix(ID)) for r in ask(capsys, "show", "Bilbao")["relations"]}
    assert {("based in", "ville-de-bilbao"), ("held in", "gsef-2018")} <= rows
    card = ask(capsys, "show", "GSEF2016")
    assert any(p["relation"] == "heldIn" and p["iri"] == ID + "place-montreal" for p in card["places"])
    # 003 "dans le futur centre d'entreprises sociales liégeois, Novacitis"; "Le Centre d'Economie
    # Sociale de HEC Liège"
    rows = {(r["relation"], r["iri"].removeprefix(ID)) for r in ask(capsys, "show", "Liège")["relations"]}
    assert {("situated in", "novacitis"), ("based in", "hec-liege")} <= rows


def _counts(card: dict, measure: str) -> set[tuple]:
    return {(c["qualifier"], c["value"], str(c["as_of"])) for c in card["counts"] if c["measure"] == measure}


def test_concertes_ten_years_in_2018_beside_nearly_seventeen_in_the_later_text(built, capsys):
    # 003 "le 20 novembre 2018, pour célébrer le 10e anniversaire conjoint de ConcertES et du décret
    # wallon"; 000 "It was set up nearly 17 years ago". Both kept, each as of its document; no
    # founding date is computed from either.
    card = ask(capsys, "show", "ConcertES")
    assert _counts(card, "years of existence") == {("exactly", 10, "2018"), ("nearly", 17, "None")}
    assert "founded" not in card["facts"]


def test_the_observatory_about_ten_years_old_in_2018(built, capsys):
    # "Dix ans après sa création, l'Observatoire de l'ES a entrepris un important travail d'optimisation"
    card = ask(capsys, "show", "Observatoire de l'ES")
    assert _counts(card, "years of existence") == {("about", 10, "2018")}


def test_the_walloon_decree_of_2008_is_a_legal_act_dated_to_the_year_only(built, capsys):
    # "le 10e anniversaire conjoint de ConcertES et du décret wallon relatif à l'économie sociale";
    # "Ayant initié le Décret en 2008 en tant que Ministre de l'économie sociale" — a year, no day.
    card = ask(capsys, "show", "décret wallon")
    assert card["iri"] == ID + "decret-wallon-economie-sociale"
    assert "legal act (law, decree, ordinance)" in {t["label"] for t in card["types"]}
    assert [f["value"] for f in card["facts"]["date"]] == ["2008"]


def test_the_2014_sse_law_named_by_two_documents(built, capsys):
    # 000 "Recognised as a representative structure of the SSE since the 2014 Law on the Social and
    # Solidarity Economy"; 002 "provided for by the 2014 SSE law" — one law, both passages.
    card = ask(capsys, "show", "2014 Law on the Social and Solidarity Economy")
    assert [f["value"] for f in card["facts"]["date"]] == ["2014"]
    assert {e["source"] for e in card["evidence"]} == {"000_30352ab47c79168e.txt", "002_8a782234b05de830.txt"}


def test_coopus_finds_brusoc_and_what_it_is_stays_open(built, capsys):
    # "contacts réguliers avec la SOWECSOM, BRUSOC (CoopUs), l'AEI / SOWALFIN" — the name in
    # parentheses is found; the card says the report does not say what CoopUs is.
    assert ask(capsys, "search", "CoopUs")[0]["iri"] == ID + "brusoc"
    [note] = [f["value"] for f in ask(capsys, "show", "BRUSOC")["facts"]["note"]]
    assert "CoopUs" in note and "not stated" in note


def test_an_events_card_gives_its_date(built, capsys):
    # 004 "A Montréal, le GSEF2016 a réuni près de 1 500 participants"; 003 "le GSEF, organisé à
    # Bilbao, en octobre 2018" and 004 "La ville sera l'hôte du prochain forum ... en 2018".
    assert [f["value"] for f in ask(capsys, "show", "GSEF2016")["facts"]["eventDate"]] == ["2016"]
    assert {f["value"] for f in ask(capsys, "show", "GSEF 2018")["facts"]["eventDate"]} == {"2018", "2018-10"}


@pytest.mark.parametrize("org,kind,clause", [
    ("synhera", "SupportOrganisation", "qui encadre et accompagne la valorisation de la recherche"),
    ("sowecsom", "PublicAgency", "la mission déléguée BRASERO à la Sowecsom"),
    ("interfede", "Federation", "aux côtés de l'Interfédé"),
])
def test_a_kind_the_report_does_not_name_rests_on_the_clause_that_suggests_it_and_says_it_is_a_reading(
        built, store, org, kind, clause):
    # Synhéra "qui encadre et accompagne la valorisation de la recherche dans toutes les hautes écoles
    # francophones" (its kind rested on "ConcertES a rencontré et échangé avec Synhéra"); the Sowecsom's
    # public missions ("la mission déléguée BRASERO à la Sowecsom"; it rested on the Co-entreprendre
    # campaign); "l'Interfédé", a federation by its name only.
    rows = store.select(f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX sse: <https://w3id.org/sse-graph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?note ?exact WHERE {{
        ?st rdf:subject <{ID}{org}> ; rdf:predicate rdf:type ; rdf:object sse:{kind} ; sse:note ?note ;
            prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }}""").dicts()
    assert any(clause in r["exact"] for r in rows)
    assert all("not name" in r["note"] or "neither what it is" in r["note"] for r in rows)


def test_ulla_engelmann_is_attested_in_march_2018_not_on_a_day_the_text_does_not_choose(built, capsys):
    # "Le jour de l'événement ... Invitée pour l'occasion, Ulla Engelmann, chef d'unité de l'économie
    # sociale de la Commission Européenne, a répondu présent" — the Jours Fous were held "le weekend du
    # 17 et 18 mars 2018": which day is not said, so the month (it was sharpened to 17 March).
    [seat] = ask(capsys, "seats", "Ulla Engelmann")
    assert seat["attested"] == "2018-03"


def test_the_cwes_opinions_of_2018_are_all_three(built, capsys):
    # "Avis n°26 du CWES sur les rapports d'activité de l'AEI ...", "Avis d'initiative n°27 du CWES
    # relatif au guide des dépenses éligibles ...", "Avis n°28 du CWES sur le rapport d'activité ..."
    # (only n°27 had a node); each card names its author, the council's card its opinions.
    made = {r["iri"].removeprefix(ID) for r in ask(capsys, "show", "CWES")["relations"] if r["relation"] == "created by"}
    assert {"cwes-avis-26", "cwes-avis-27", "cwes-avis-28"} <= made
    card = ask(capsys, "show", "Avis n°28")
    assert [f["value"] for f in card["facts"]["date"]] == ["2018"]
    assert any(r["relation"] == "created by" and r["iri"] == ID + "cwes" and r["evidence"] for r in card["relations"])


def test_a_publications_card_names_its_publisher_and_its_parts(built, capsys):
    # 002 "RTES proposes a Regional SSE kit"; "Sheets 1 and 2 of the RegionalESS kit are SSE
    # presentation sheets ... (fact sheet n°2504) and ... (fact sheet n°2505)".
    rows = {(r["direction"], r["relation"], r["iri"].removeprefix(ID)) for r in ask(capsys, "show", "Kit RégionalESS")["relations"]}
    assert {("out", "published by", "rtes"), ("in", "part of", "fact-sheet-2504"), ("in", "part of", "fact-sheet-2505")} <= rows


def test_the_gsef_is_an_association_by_its_heading(built, capsys):
    # 004 "L'Association GSEF (Global Social Economy Forum)" — the statutory form its heading gives.
    card = ask(capsys, "show", "GSEF")
    assert [f["value"] for f in card["facts"]["statutoryForm"]] == ["association"]


def test_a_projects_card_gives_the_period_the_text_gives(built, capsys):
    # "Cette étude a été menée de juillet 2017 à octobre 2018 par un consortium de centres de recherche"
    facts = ask(capsys, "show", "Digi-serv")["facts"]
    assert ([f["value"] for f in facts["startDate"]], [f["value"] for f in facts["endDate"]]) == (["2017-07"], ["2018-10"])
