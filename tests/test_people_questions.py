"""People in the question commands: a policy officer asks "what does X sit on, hold, represent?"
by a person's name, through the command line, on the seed graph.

A person is found by every name the graph gives them (preferred and alternative labels, the
report's own spellings), through the same name resolution as organisations (the build's name
index, or the labels of an external store). A person's ``seats`` are the seats they hold (with
the organisation they sit for and the one that nominated them, where the graph says so) and the
posts they hold, with dates and sources. Each expected answer quotes the clause of document 003
(Rapport d'activités de ConcertES pour l'année 2018) that decides it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ask, said

ID = "https://w3id.org/sse-graph/id/"




def by_body(rows) -> dict[tuple[str, str], dict]:
    return {(r["iri"].removeprefix(ID), r["relation"]): r for r in rows}


# ---------------------------------------------------------------------- found by name
@pytest.mark.parametrize("name", ["Sébastien Pereau", "Sébastien Perea-u", "Sébastien Perea", "sebastien perea",
                                  "id:sebastien-perea"])
def test_a_person_is_found_by_every_spelling_of_the_report(built, capsys, name):
    # The staff list: "Sébastien Perea-u, Secrétaire général" (a line-end hyphenation); later:
    # "Siègent pour l'économie sociale au sein du comité d'accompagnement : Sébastien Perea et
    # Stéphane Boulanger." Every spelling names the one person.
    card = ask(capsys, "show", name)
    assert card["iri"] == ID + "sebastien-perea"
    assert [t["label"] for t in card["types"]] == ["person"]


def test_search_finds_people_beside_organisations(built, capsys):
    # "Siègent pour l'économie sociale : Eric Bernard, Sybille Mertens, Jean-François Herz,
    # Stéphane Boulanger, Joël Gillaux."
    rows = ask(capsys, "search", "Mertens")
    assert [r["iri"] for r in rows] == [ID + "sybille-mertens"]
    assert ask(capsys, "search", "Boulanger")[0]["label"] == "Stéphane Boulanger"


def test_a_name_nobody_has_is_still_exit_2_with_suggestions(built):
    r = subprocess.run([sys.executable, "-m", "sse_graph", "seats", "Sébastien Pereaux"], capture_output=True, text=True)
    assert r.returncode == 2 and "no organisation matches 'Sébastien Pereaux' (nor any person)" in r.stderr
    assert "Sébastien Pereau" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------------- seats and posts
def test_what_sebastien_pereau_sits_on_holds_and_represents(built, capsys):
    rows = by_body(ask(capsys, "seats", "Sébastien Pereau"))
    assert set(rows) == {("cwes", "holds"), ("geces", "holds"), ("brasero-committee", "holds"),
                         ("concertes", "holds a post in")}
    # "L'équipe de ConcertES compte dès lors, au 31/12/2018, 6 personnes" ... "Sébastien Perea-u,
    # Secrétaire général": his post, in ConcertES, attested at the end of 2018.
    post = rows[("concertes", "holds a post in")]
    assert post["roles"] == ["secretary general"] and post["attestations"] == ["2018-12-31"]
    assert post["on_behalf_of"] is None
    # "ConcertES a assumé tout au long l'année 2018, en la personne de son secrétaire général, la
    # Présidence du CWES": the chair of the CWES, for ConcertES, during 2018.
    cwes = rows[("cwes", "holds")]
    assert cwes["roles"] == ["chair (presidency of the body)"]
    assert (cwes["on_behalf_of"], cwes["during"]) == ("ConcertES", "2018")
    # "ConcertES est, en la personne de son secrétaire général, depuis le mois d'octobre 2018,
    # membre du GECES": a seat for ConcertES since October 2018.
    geces = rows[("geces", "holds")]
    assert (geces["on_behalf_of"], geces["start"]) == ("ConcertES", "2018-10")
    # "Siègent pour l'économie sociale au sein du comité d'accompagnement : Sébastien Perea et
    # Stéphane Boulanger." (attested in the 2018 report)
    assert rows[("brasero-committee", "holds")]["attestations"] == ["2018"]
    for r in rows.values():  # every one from the report, with its passages
        assert r["sources"] == ["003_6530fe94a40990bb.txt"] and r["evidence"]


def test_the_geces_seat_does_not_count_before_october_2018(built, capsys):
    # "depuis le mois d'octobre 2018, membre du GECES": not yet in September.
    rows = by_body(ask(capsys, "seats", "Sébastien Perea-u", "--as-of", "2018-09", "--strict"))
    assert ("geces", "holds") not in rows and ("cwes", "holds") in rows
    rows = by_body(ask(capsys, "seats", "Sébastien Perea-u", "--as-of", "2018-11", "--strict"))
    assert rows[("geces", "holds")]["status"] == "holds"


def test_the_president_of_concertes_holds_his_post_since_2017(built, capsys):
    # "Depuis 2017, c'est Denis Morrier qui assure la Présidence de ConcertES."
    [post] = ask(capsys, "seats", "Denis Morrier")
    assert (post["iri"], post["relation"], post["roles"], post["start"]) == (
        ID + "concertes", "holds a post in", ["president"], "2017")
    assert "Depuis 2017, c'est Denis Morrier" in post["evidence"][0]["exact"]


def test_an_acceptance_committee_member_sits_for_the_government_proposed_by_concertes(built, capsys):
    # "Depuis le renouvellement du comité d'acceptation de la SOWECSOM, en 2016, les 5 représentants
    # du Gouvernement au sein du Comité d'acceptation de la SOWECSOM sont proposés par
    # l'organisation représentative de l'économie sociale, ConcertES" + "Siègent pour l'économie
    # sociale : Eric Bernard, Sybille Mertens, ..."
    [seat] = ask(capsys, "seats", "Sybille Mertens")
    assert seat["iri"] == ID + "sowecsom-acceptance-committee"
    assert (seat["on_behalf_of"], seat["nominated_by"]) == ("Gouvernement wallon", "ConcertES")


def test_a_minister_holds_posts_in_two_governments(built, capsys):
    # "Le Vice-Président du Gouvernement de la Fédération Wallonie-Bruxelles et Ministre de
    # l'Enseignement supérieur ..., Jean-Claude Marcourt" (on 20 November 2018) and "Ayant initié le
    # Décret en 2008 en tant que Ministre de l'économie sociale".
    rows = ask(capsys, "seats", "Marcourt")
    got = sorted((r["iri"].removeprefix(ID), r["roles"][0], r["attestations"][0]) for r in rows)
    assert got == [("gouvernement-fwb", "minister", "2018-11-20"), ("gouvernement-fwb", "vice-president", "2018-11-20"),
                   ("gouvernement-wallon", "minister", "2008")]


def test_the_seats_table_of_a_person_says_for_whom(built, capsys):
    text = said(capsys, "seats", "Sébastien Pereau")
    assert "Seats, mandates and posts of Sébastien Pereau" in text
    assert "holds a post in" in text and "holds a seat on" in text and "Who sits on" not in text


def test_a_persons_card_gives_each_post_and_seat_its_passage(built, capsys):
    # "Depuis 2017, c'est Denis Morrier qui assure la Présidence de ConcertES."
    text = said(capsys, "show", "Denis Morrier", "--evidence")
    assert "post: holds a post in ConcertES" in text and "seat: holds a post in" not in text
    assert "Depuis 2017, c'est Denis Morrier qui assure la Présidence de ConcertES." in text


def test_a_persons_seats_are_not_representation(built, capsys):
    # The report says Pereau sits *for* ConcertES; it never makes him a member of it: no chain.
    assert said(capsys, "why", "Sébastien Pereau", "ConcertES").startswith("no representation chain")
    assert ask(capsys, "represented-by", "Sébastien Pereau") == []


def test_an_organisation_seats_are_unchanged_and_say_who_nominated(built, capsys):
    # ConcertES nominates the five; the rows of its seats name who nominated each holder.
    rows = ask(capsys, "seats", "ConcertES")
    nominated = [r for r in rows if r["relation"] == "nominated the holder"]
    assert nominated and all(r["nominated_by"] == "ConcertES" for r in nominated)
    assert not any(r["relation"] == "holds a post in" for r in rows)  # its staff's posts are not its seats


# ---------------------------------------------------------------------- the index and an external store
def test_the_name_index_knows_persons_apart_from_organisations(built, store):
    from sse_graph.name_index import NAMES_FILE, StoredLabelIndex
    from sse_graph.names import LabelIndex

    stored = StoredLabelIndex(built.dataset_path.with_name(NAMES_FILE))
    full = LabelIndex.from_store(store)
    assert stored.persons == full.persons and ID + "sebastien-perea" in stored.persons
    assert stored.is_person(ID + "denis-morrier") and not stored.is_person(ID + "concertes")
    assert stored.organisations == full.organisations  # the viewer's list of organisations holds no person
    assert not stored.persons & stored.organisations
    assert stored.resolve("Sébastien Perea-u") == full.resolve("Sébastien Perea-u") == ID + "sebastien-perea"


@pytest.mark.oxigraph
def test_a_person_is_found_in_an_external_store(built, tmp_path):
    from conftest import oxigraph_serving

    with oxigraph_serving(tmp_path / "ox") as base:
        run = lambda *a, env=None: subprocess.run([sys.executable, "-m", "sse_graph", *a], capture_output=True,  # noqa: E731
                                                  text=True, env={**os.environ, **(env or {})})
        assert run("push", "--store", base).returncode == 0
        r = run("seats", "Sébastien Perea-u", "--json", env={"SSE_GRAPH_STORE": base})
        assert r.returncode == 0, r.stderr
        assert {(e["body"], e["relation"]) for e in json.loads(r.stdout)} >= {("GECES", "holds"), ("ConcertES", "holds a post in")}
