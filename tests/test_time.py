"""Time: statuses on a date, time-respecting chains, why, changes, declared vs observed.

The fixture tests/data/time/graph/ is built by the real build (with the real
ontology) into a folder of its own; the seed graph answers the ConcertES check."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sse_graph.timeline import Timing, status_on

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "data" / "time" / "graph"
ID = "https://w3id.org/sse-graph/id/"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("timefx")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(FIXTURE, root / "graph")
    return root


@pytest.fixture(scope="module")
def q(folder):
    from sse_graph import Store, build
    from sse_graph.questions import Questions

    return Questions(Store(build(folder).dataset_path), lang="en")


def cli(*args, folder=None):
    extra = ["--data", str(folder)] if folder else []
    r = subprocess.run([sys.executable, "-m", "sse_graph", *args, *extra], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "200"}, cwd=ROOT, timeout=300)
    return r


def by_label(rows):
    return {r["label"]: r for r in rows}


# ---------------------------------------------------------------- statuses
@pytest.mark.parametrize("timing, on, expected", [
    (dict(start="2010", end="2015"), date(2012, 6, 1), "holds"),
    (dict(start="2010", end="2015"), date(2016, 1, 1), "ended"),
    (dict(start="2010", end="2015"), date(2009, 12, 31), "not started"),
    (dict(start="2012-03"), date(2030, 1, 1), "holds"),  # open-ended
    (dict(end="2015"), date(1990, 1, 1), "holds"),  # open start
    (dict(attested="2012-12-31"), date(2012, 1, 1), "attested"),
    (dict(attested="2012-12-31"), date(2014, 1, 1), "last attested 2012"),
    (dict(attested="2012-12-31"), date(2011, 12, 31), "not yet attested"),
    (dict(during="2020"), date(2020, 7, 1), "attested"),
    (dict(), date(2020, 7, 1), "undated"),
    (dict(source_date="2024"), date(2020, 7, 1), "not yet attested"),  # dated only by its source
])
def test_each_status(timing, on, expected):
    assert status_on(Timing.of(**timing), on) == expected


def test_statuses_on_the_fixture_attested_only_on_both_sides(q):
    ans = q.why(ID + "t-zeta", ID + "t-beta", as_of=date(2013, 6, 1))["chains"]
    assert ans[0]["links"][0]["status"] == "last attested 2012"  # evidence on both sides, none in 2013
    ans = q.why(ID + "t-eta", ID + "t-beta", as_of=date(2019, 12, 31))
    assert ans["chains"][0]["links"][0]["status"] == "not yet attested"
    strict = q.why(ID + "t-eta", ID + "t-beta", as_of=date(2019, 12, 31), strict=True)
    assert strict["chains"] == [] and strict["not_counted"][0]["status"] == "not yet attested"


# ---------------------------------------------------------------- chains
def test_overlapping_chain_is_found_with_its_interval(q):
    gamma = by_label(q.represented_by(ID + "t-alpha"))["Gamma"]
    assert gamma["chain"] == ["Alpha", "Beta", "Gamma"]
    assert gamma["interval"] == {"start": "2012-03-01", "end": "2015-12-31"}
    assert [l["timing"]["basis"] for l in gamma["links"]] == ["period", "period"]


def test_chain_whose_links_never_overlap_is_not_a_chain(q):
    answers, apart = q.represented_by_apart(ID + "t-alpha")
    assert "Epsilon" not in by_label(answers)
    assert by_label(apart)["Epsilon"]["why_not"] == "links never held together"
    assert by_label(apart)["Epsilon"]["together"] == "never held together"


def test_attested_only_link_is_not_attested_together_but_not_refused(q):
    answers, apart = q.represented_by_apart(ID + "t-mu")
    eps = by_label(answers)["Epsilon"]
    assert eps["together"] == "not attested together" and eps["interval"] is None
    assert "Epsilon" not in by_label(q.represented_by(ID + "t-mu", strict=True))
    # Zeta's attestations (2012, 2014) meet Beta → Gamma (since 2012-03)
    gamma = by_label(q.represented_by(ID + "t-zeta"))["Gamma"]
    assert gamma["interval"] == {"start": "2012-03-01", "end": "2014-12-31"} and gamma["together"] == "held together"


def test_as_of_keeps_only_chains_every_link_of_which_counts(q):
    assert set(by_label(q.represented_by(ID + "t-alpha", as_of=date(2014, 12, 31)))) == {"Beta", "Gamma"}  # Delta ended 2006
    assert set(by_label(q.represented_by(ID + "t-alpha", as_of=date(2005, 12, 31)))) == {"Delta"}
    # 2011: Beta → Gamma has not started, so Gamma is not reached
    assert "Gamma" not in by_label(q.represented_by(ID + "t-alpha", as_of=date(2011, 12, 31)))
    # 2016: Alpha left Beta and Delta
    assert set(by_label(q.represented_by(ID + "t-alpha", as_of=date(2016, 6, 1)))) == set()
    # Mu in Delta, last attested 2005: counted in 2012 unless --strict
    assert by_label(q.represented_by(ID + "t-mu", as_of=date(2012, 1, 1)))["Epsilon"]["status"] == "last attested 2005"
    assert q.represented_by(ID + "t-mu", as_of=date(2012, 1, 1), strict=True) == []


def test_a_dated_cycle_terminates_and_holds_where_both_links_do(q):
    ans = by_label(q.represented_by(ID + "t-xi"))
    assert set(ans) == {"Omicron"}  # never itself
    assert by_label(q.represents(ID + "t-xi", as_of=date(2021, 1, 1))) == {}
    assert set(by_label(q.represents(ID + "t-xi", as_of=date(2018, 1, 1)))) == {"Omicron"}


def test_materialised_graph_answers_as_of_in_sparql(q):
    from sse_graph.queries import load_query

    text = load_query("represented_by_as_of").text.replace('"2018-12-31"', '"2014-06-01"')
    rows = q.store.select(text, bindings={"org": ID + "t-alpha"}).dicts()
    got = {r["representative"]: r for r in rows}
    assert ID + "t-gamma" in got and got[ID + "t-gamma"]["length"] == 2
    assert ID + "t-epsilon" not in got
    text = load_query("represented_by_as_of").text.replace('"2018-12-31"', '"2011-06-01"')
    assert ID + "t-gamma" not in {r["representative"] for r in q.store.select(text, bindings={"org": ID + "t-alpha"}).dicts()}


# ---------------------------------------------------------------- why, path, changes
def test_why_refuses_an_event_route(folder):
    r = cli("why", "Alpha", "Lambda", folder=folder)
    assert r.returncode == 0, r.stderr
    assert "no representation chain from Alpha to Lambda" in r.stdout
    p = cli("path", "Alpha", "Lambda", folder=folder)
    assert p.returncode == 0 and "Forum" in p.stdout
    assert "not a representation chain" in p.stdout and "is linked by" not in p.stdout


def test_why_gives_dated_sourced_steps_in_french(folder):
    r = cli("why", "Alpha", "Gamma", "--lang", "fr", folder=folder)
    assert r.returncode == 0, r.stderr
    assert "est membre de" in r.stdout and "depuis 2010" in r.stdout and "900_time_fixture.txt" in r.stdout
    assert "Alpha was a member of Beta from 2010 to 2015" in r.stdout
    j = json.loads(cli("why", "Alpha", "Gamma", "--json", folder=folder).stdout)
    assert j["chains"][0]["interval"] == {"start": "2012-03-01", "end": "2015-12-31"}


def test_changes_join_leave_role(folder):
    r = cli("changes", "Beta", "--from", "2012", "--to", "2019", "--json", folder=folder)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert [e["label"] for e in j["joined"]] == ["Theta"]
    assert "Alpha" in [e["label"] for e in j["left"]]
    kappa = j["role_changed"][0]
    assert kappa["label"] == "Kappa" and kappa["roles"] == ["board member"] and kappa["roles_before"] == ["member"]
    assert all(e["sources"] == ["900_time_fixture.txt"] for e in j["joined"] + j["left"])


@pytest.mark.parametrize("bad", ["2018-13-45", "soon", "2018-02-30"])
def test_bad_dates_exit_2(folder, bad):
    for args in (["represented-by", "Alpha", "--as-of", bad], ["why", "Alpha", "Gamma", "--as-of", bad],
                 ["changes", "Beta", "--from", bad, "--to", "2019"]):
        r = cli(*args, folder=folder)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "is not a date" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- the seed graph
def test_concertes_declared_vs_observed(questions):
    sentences = questions.declared_vs_observed(ID + "concertes")
    assert any(s.startswith("declares exactly 21 members (000") and "17 known by name (003, 2018-12-31)" in s
               for s in sentences), sentences
    assert questions.card(ID + "concertes")["declared_vs_observed"] == sentences


def test_saw_b_through_concertes_holds_in_2018_only(questions):
    see = by_label(questions.represented_by(ID + "saw-b"))["Social Economy Europe"]
    assert see["interval"] == {"start": "2018-01-01", "end": "2018-12-31"}
    assert by_label(questions.represented_by(ID + "saw-b", as_of=date(2018, 12, 31)))["Social Economy Europe"]["status"] == "attested"
    assert "Social Economy Europe" not in by_label(questions.represented_by(ID + "saw-b", as_of=date(2012, 12, 31)))
