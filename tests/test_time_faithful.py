"""Time answers never claim more than the documents: a membership attested once is not
"left" when a later date has no evidence; a declared count dated only by its source still
counts as a count that moved; ``members --as-of`` keeps what is only last attested (marked),
``--strict`` drops it.  On the seed graph: ConcertES's 17 members attested at 31/12/2018
(003) and the 21 members it declares in a text of about 2024-2025 (000)."""
from __future__ import annotations

import json
from datetime import date

from test_time import ID, by_label, cli, folder  # noqa: F401 (the built time fixture)


def test_a_member_attested_only_in_2018_has_not_left_by_2025(questions):
    out = questions.changes(ID + "concertes", date(2018, 12, 31), date(2025, 12, 31))
    assert out["left"] == [] and out["joined"] == []
    gone = by_label(out["no_longer_attested"])
    assert "SAW-B" in gone and gone["SAW-B"]["status_after"] == "last attested 2018"
    assert gone["SAW-B"]["sources"] == ["003_6530fe94a40990bb.txt"]


def test_the_declared_member_count_moves_from_17_to_21(questions):
    out = questions.changes(ID + "concertes", date(2018, 12, 31), date(2025, 12, 31))
    members = [m for m in out["counts_moved"] if m["measure"] == "members"]
    assert len(members) == 1
    values = [(v["value"], v["dated_by"], v["sources"][0][:3]) for v in members[0]["values"]]
    assert values == [(17, "as of", "003"), (21, "source dated", "000")]


def test_members_as_of_a_later_date_are_kept_with_their_last_attestation(questions):
    later = by_label(questions.members(ID + "concertes", as_of=date(2025, 12, 31)))
    assert len(later) == 17 and later["SAW-B"]["status"] == "last attested 2018"
    assert questions.members(ID + "concertes", as_of=date(2025, 12, 31), strict=True) == []
    on = by_label(questions.members(ID + "concertes", as_of=date(2018, 12, 31), strict=True))
    assert len(on) == 17 and {e["status"] for e in on.values()} == {"attested"}


def test_changes_on_the_command_line_says_no_leave_is_claimed():
    r = cli("changes", "ConcertES", "--from", "2018", "--to", "2025")
    assert r.returncode == 0, r.stderr
    assert "left:" not in r.stdout and "attested on the first date only: SAW-B" in r.stdout
    assert "no join or leave is claimed" in r.stdout
    assert "exactly 17 (as of 2018-12-31" in r.stdout and "exactly 21 (source of about 2024" in r.stdout
    j = json.loads(cli("members", "ConcertES", "--as-of", "2025", "--strict", "--json").stdout)
    assert j == []


def test_the_fixture_join_and_leave_still_need_their_dates(folder):
    j = json.loads(cli("changes", "Beta", "--from", "2012", "--to", "2019", "--json", folder=folder).stdout)
    assert [e["label"] for e in j["joined"]] == ["Theta"] and "Alpha" in [e["label"] for e in j["left"]]
    # every one listed as joined/left has a dated start/end on the fixture's memberships
    assert not ({e["label"] for e in j["first_attested"] + j["no_longer_attested"]} & {"Theta", "Alpha"})


def test_changes_across_the_whole_graph_name_the_organisation_of_each_change(questions):
    out = questions.changes(None, date(2012, 12, 31), date(2025, 12, 31))
    joined = [(e["of"]["label"], e["label"]) for e in out["joined"]]
    assert ("Social Economy Europe", "ConcertES") in joined  # "depuis 2017": a dated start
    # a member of two organisations is judged in each separately
    pairs = [(e["of"]["iri"], e["iri"]) for k in ("joined", "left", "first_attested", "no_longer_attested") for e in out[k]]
    assert len(pairs) == len(set(pairs))
