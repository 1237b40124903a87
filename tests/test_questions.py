"""The analyst's questions, with answers read from the five documents.

- 000 (CAPSE): COCETA is a member of CEPES; ESS France federates the 17 CRESS.
- 002 (RTES): CRESS Bretagne, Occitanie and Nouvelle-Aquitaine are named.
- 003 (ConcertES 2018): 17 members at 31/12/2018; board of 7 at 31/12/2018
  (Febecoop, SAW-B, Syneco, Atout EI, Crédal SC, EWETA, FÉBISP); member of SEE
  since 2017; the secretary general chairs the CWES in 2018 and sits in GECES
  since October 2018; SAW-B and ConcertES sit on the responsible public
  procurement committee.
- 004 (CITIES): RIPESS-LAC, RIPESS-EU, RIPESS-NA, RAESS and ASEC are RIPESS's
  continental networks; LKS is a founder of CITIES, not a member of anything.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from sse_graph.cli import main
from sse_graph.errors import AmbiguousNameError, NotFoundError

ID = "https://w3id.org/sse-graph/id/"
BOARD = {"febecoop", "saw-b", "syneco", "atout-ei", "credal", "eweta", "febisp"}


def ids(rows):
    return {r["iri"].removeprefix(ID) for r in rows}


# ------------------------------------------------------------------ members
def test_members_of_ess_france_are_the_named_cress_and_the_collectives(questions):
    # 000: "It federates the national SSE organisations representing the various statutory forms of
    # SSE (...), the 17 regional SSE Chambers (CRESS) and any other legal entity wishing to become
    # involved in its activities": three collectives, besides the CRESS named in 002 and 003.
    assert ids(questions.members(ID + "ess-france")) == {
        "cress-bretagne", "cress-occitanie", "cress-nouvelle-aquitaine", "cress",
        "ess-france-national-organisations", "ess-france-other-members"}


def test_members_of_cepes(questions):
    # "COCETA is a member of CEPES, which brings together all the Social Economy organisations in
    # Spain": COCETA by name, the others only collectively.
    rows = questions.members(ID + "cepes")
    assert ids(rows) == {"coceta", "cepes-spanish-social-economy-organisations"}
    assert {r["iri"].removeprefix(ID): r["collective"] for r in rows} == {
        "coceta": False, "cepes-spanish-social-economy-organisations": True}
    assert all(r["sources"] == ["000_30352ab47c79168e.txt"] for r in rows)


def test_members_of_ripess_are_its_continental_networks(questions):
    assert ids(questions.members(ID + "ripess")) == {"ripess-lac", "ripess-eu", "ripess-na", "raess", "asec"}


@pytest.mark.parametrize("on,expected", [(date(2016, 6, 1), set()), (date(2017, 1, 1), {"concertes"}), (date(2019, 6, 1), {"concertes"})])
def test_members_of_see_as_of_a_date(questions, on, expected):
    assert ids(questions.members(ID + "see", as_of=on)) == expected


def test_concertes_members_are_not_yet_attested_before_the_report_date(questions):
    before = questions.members(ID + "concertes", as_of=date(2017, 6, 1))
    assert len(before) == 17 and {r["status"] for r in before} == {"not yet attested"}
    assert questions.members(ID + "concertes", as_of=date(2017, 6, 1), strict=True) == []


@pytest.mark.parametrize("role", ["board", "BOARD", "conseil d'administration"])
def test_the_board_of_concertes_in_any_language(questions, role):
    rows = questions.members(ID + "concertes", role=role)
    assert ids(rows) == BOARD
    assert all(r["attested"] == "2018-12-31" for r in rows)


def test_a_member_has_all_its_roles(questions):
    saw_b = next(r for r in questions.members(ID + "concertes") if r["iri"] == ID + "saw-b")
    assert saw_b["roles"] == ["board member", "member"]


def test_declared_member_counts_show_the_gap(questions):
    declared = questions.declared_counts(ID + "concertes")
    assert [(c["value"], c["as_of"]) for c in declared] == [(17, "2018-12-31"), (21, None)]


# ------------------------------------------------------------------ representation
def test_cress_bretagne_is_represented_by_ess_france(questions):
    rows = questions.represented_by(ID + "cress-bretagne")
    assert ids(rows) == {"ess-france"}
    assert rows[0]["chain"] == ["CRESS Bretagne", "ESS France"]
    assert set(rows[0]["sources"]) == {"000_30352ab47c79168e.txt", "002_8a782234b05de830.txt"}


def test_chain_from_saw_b_up_to_europe(questions):
    rows = questions.represented_by(ID + "saw-b")
    assert [r["chain"] for r in rows] == [["SAW-B", "ConcertES"], ["SAW-B", "ConcertES", "Social Economy Europe"]]
    assert rows[1]["relation"] == "through 1 intermediate(s)"


def test_social_economy_europe_represents_concertes_and_its_17_members(questions):
    rows = questions.represents(ID + "see")
    assert len(rows) == 18 and rows[0]["iri"] == ID + "concertes"
    assert rows[-1]["chain"][0:2] == ["Social Economy Europe", "ConcertES"]


@pytest.mark.parametrize("org", ["pls", "lks", "sciences-po-bordeaux", "ville-de-montreal"])
def test_partners_and_founders_are_not_represented(questions, org):
    assert questions.represented_by(ID + org) == []


# ------------------------------------------------------------------ seats
def test_seats_of_concertes_include_the_cwes_chair_and_geces(questions):
    rows = questions.seats(ID + "concertes")
    chair = [r for r in rows if r["iri"] == ID + "cwes" and r["person"]]
    assert chair and chair[0]["roles"] == ["chair (presidency of the body)"]
    assert chair[0]["person"] == "Sébastien Pereau" and chair[0]["during"] == "2018"
    geces = [r for r in rows if r["iri"] == ID + "geces"][0]
    assert geces["start"] == "2018-10" and geces["relation"] == "through a person acting for it"
    nominated = {r["person"] for r in rows if r["relation"] == "nominated the holder"}
    assert nominated == {"Eric Bernard", "Sybille Mertens", "Jean-François Herz", "Stéphane Boulanger", "Joël Gillaux"}


def test_seats_of_saw_b(questions):
    assert ids(questions.seats(ID + "saw-b")) == {"public-procurement-committee"}


def test_who_sits_on_guest(questions):
    rows = questions.sitting(ID + "guest")
    assert {"urscop", "mouves", "udes", "mouvement-associatif", "french-state"} <= ids(rows)


# ------------------------------------------------------------------ names
@pytest.mark.parametrize("name,expected", [
    ("febisp", "febisp"), ("FEBISP", "febisp"), ("fébisp", "febisp"), ("saw b", "saw-b"), ("SAWB", "saw-b"),
    ("RES", "res"), ("Ressources asbl", "ressources"), ("concertes", "concertes"), ("id:coceta", "coceta"),
    (ID + "cepes", "cepes"), ("Chantier", "chantier-economie-sociale"), ("social economy europe", "see"),
    ("Terr'ESS", "terress-chair"), ("GSEF", "gsef"),
])
def test_names_resolve_without_regard_to_case_accents_or_punctuation(questions, name, expected):
    assert questions.resolve(name) == ID + expected


def test_an_exact_acronym_beats_a_partial_match(questions):
    assert questions.resolve("RES") == ID + "res"  # not RESSOURCES, nor Réseau Equilibre


def test_equally_good_matches_are_ambiguous(questions):
    with pytest.raises(AmbiguousNameError) as e:
        questions.resolve("Ville de")
    assert len(e.value.candidates) == 4  # Montréal, Barcelone, Bilbao, Mondragón


def test_unknown_name_suggests_close_ones(questions):
    with pytest.raises(NotFoundError) as e:
        questions.resolve("Febisb")
    assert "FÉBISP" in e.value.suggestions or "FEBISP" in e.value.suggestions


# ------------------------------------------------------------------ path and search
def test_path_from_saw_b_to_coceta_is_sourced(questions):
    steps = questions.path(ID + "saw-b", ID + "coceta")
    assert steps[0]["iri"] == ID + "saw-b" and steps[-1]["iri"] == ID + "coceta"
    assert all(s["sources"] for s in steps[1:])
    assert len(steps) <= 4


def test_search_puts_exact_matches_first(questions):
    rows = questions.search("cress")
    assert rows[0]["iri"] == ID + "cress"
    assert {"cress-bretagne", "cress-hdf"} <= ids(rows)


def test_card_of_concertes(questions):
    card = questions.card(ID + "concertes")
    assert {"umbrella body", "association"} <= {t["label"] for t in card["types"]}
    assert "003_6530fe94a40990bb.txt" in card["sources"] and "000_30352ab47c79168e.txt" in card["sources"]
    assert ids(card["represented_by"]) == {"see"}
    assert {c["value"] for c in card["counts"] if c["measure"] == "members"} == {17, 21}


# ------------------------------------------------------------------ the commands
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, env=os.environ)


@pytest.mark.parametrize("command", ["members", "represented-by", "represents", "seats", "search"])
def test_json_output_shape(built, capsys, command):
    arg = {"members": "ConcertES", "represented-by": "SAW-B", "represents": "RIPESS", "seats": "ConcertES", "search": "cress"}[command]
    assert main([command, arg, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and rows
    for r in rows:
        assert isinstance(r["iri"], str) and isinstance(r["label"], str) and isinstance(r["alt_labels"], list)
        if command in ("members", "represented-by", "represents", "seats"):
            assert isinstance(r["sources"], list)
        if command in ("represented-by", "represents"):
            assert r["chain"][0] in (r["label"], "SAW-B", "RIPESS")


@pytest.mark.parametrize("command, org, reads", [("represented-by", "SAW-B", "each → its representative"),
                                                  ("represents", "RIPESS", "each → whom it represents")])
def test_a_chain_table_says_which_way_its_arrow_reads(built, command, org, reads):
    # both tables start each chain at the organisation asked about: SAW-B → ConcertES (ConcertES
    # represents SAW-B, 003) and RIPESS → ASEC (RIPESS brings ASEC together, 004), so the arrow reads
    # up in one and down in the other; the header must say which
    run = _cli(command, org)
    assert run.returncode == 0, run.stderr
    header = " ".join(run.stdout.split())
    assert reads in header or reads.replace(" ", "") in header.replace(" ", ""), run.stdout
    assert f"{org} →" in run.stdout


def test_show_json_is_one_object(built, capsys):
    assert main(["show", "COCETA", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["label"] == "COCETA" and {"iri", "label"} <= set(card["types"][0])


def test_path_json(built, capsys):
    assert main(["path", "SAW-B", "COCETA", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert steps[0]["relation"] is None and all("relation" in s and "sources" in s for s in steps)


def test_ambiguous_name_exits_2_and_lists_them(built):
    r = _cli("members", "Ville de")
    assert r.returncode == 2 and "Ville de Bilbao" in r.stderr and "Traceback" not in r.stderr


def test_unknown_name_exits_2_with_suggestions(built):
    r = _cli("represented-by", "Zorglub")
    assert r.returncode == 2 and "no organisation matches 'Zorglub'" in r.stderr and "Traceback" not in r.stderr


def test_bad_date_exits_2(built):
    r = _cli("members", "ConcertES", "--as-of", "31/12/2018")
    assert r.returncode == 2 and "not a date" in r.stderr


def test_members_table_shows_the_chain_and_sources(built):
    r = _cli("represented-by", "saw-b")
    assert r.returncode == 0 and "SAW-B → ConcertES → Social Economy Europe" in r.stdout
