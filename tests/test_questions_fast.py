"""Questions at interactive speed (issue 16, part 1): the bounded reads give the answers the
whole-graph reads gave, on the real seed graph; a question process does not import rdflib and
finds its build by a stat key; status words follow --lang fr."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sse_graph.questions import lookup
from sse_graph.values import values_block

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/sse-graph/id/"


@pytest.fixture(scope="module")
def all_relations(questions):
    return questions.relations()  # the whole-graph read the commands used to make


def _organisations(rows, n):
    seen = list(dict.fromkeys(x for r in rows for x in (r["a"], r["b"])))
    return seen[:n]


def test_bounded_path_is_the_full_bfs_path(questions, store, all_relations):
    """Every pair among 25 nodes of the graph (and ones no relation links): the BFS from both
    ends, replayed over the shortest paths, gives the full BFS's path, step for step."""
    full = lookup.relation_adjacency(all_relations)
    nodes = _organisations(all_relations, 25) + [ID + "ess-france", ID + "gsef", ID + "saw-b"]
    compared = found = 0
    for a, b in itertools.permutations(dict.fromkeys(nodes), 2):
        expected = lookup.shortest_path(full, a, b)
        got = lookup.bounded_shortest_path(lookup.AdjacencyReader(store), a, b)
        assert [(n, i[:2] if i else None) for n, i in got] == [(n, i[:2] if i else None) for n, i in expected], (a, b)
        compared += 1
        found += bool(expected)
    assert compared > 500 and found > 100  # the comparison ran on real routes, not only on empty ones


def test_path_answer_names_each_step(questions):
    steps = questions.path(ID + "saw-b", ID + "gsef")
    assert steps[0]["iri"] == ID + "saw-b" and steps[-1]["iri"] == ID + "gsef"
    assert all(s["relation"] for s in steps[1:]) and all(s["sources"] for s in steps[1:])


def test_neighbours_are_those_of_the_whole_graph(questions, all_relations):
    for iri in _organisations(all_relations, 40):
        expected = {("out", r["relation"], r["b"], r["role"], r["file"]) for r in all_relations if r["a"] == iri}
        expected |= {("in", r["relation"], r["a"], r["role"], r["file"]) for r in all_relations
                     if r["b"] == iri and r["a"] != iri}
        got = [(n["direction"], n["relation"], n["other"], n["role"], n["file"]) for n in questions.neighbours(iri)]
        assert set(got) == expected, iri


def test_link_evidence_in_two_steps_equals_the_one_query(store, all_relations):
    """Records and reified statements, named and blank: the source-graph lookup then the passages
    give exactly the rows of link_evidence.rq run over the whole union."""
    pairs = sorted({(r["a"], r["b"]) for r in all_relations})
    pairs += [(b, a) for a, b in pairs[:50]]
    one_query = store.select(lookup._bind("link_evidence", values_block(("a", "b"), pairs))).dicts()
    two_steps = lookup.link_evidence_rows(store, pairs)
    key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731
    assert len(one_query) > 100
    assert sorted(map(key, two_steps)) == sorted(map(key, one_query))


def test_links_around_are_the_links_reached(store):
    from sse_graph.chains import load_links, load_links_around

    up_all, _down_all = load_links(store)
    total = 0
    for org in (ID + "saw-b", ID + "concertes", ID + "social-economy-europe", ID + "febecoop"):
        up, _ = load_links_around(store, org, up=True)
        reached, todo = {org}, [org]
        while todo:
            for nxt in up_all.get(todo.pop(), {}):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        expected = {(f, t, l.kind, len(l.records)) for f in reached for t, ls in up_all.get(f, {}).items() for l in ls}
        got = {(f, t, l.kind, len(l.records)) for f, tos in up.items() for t, ls in tos.items() for l in ls}
        assert got == expected, org
        total += len(got)
    assert total >= 3


# ---------------------------------------------------------------- a question process
def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=600)


def test_a_question_finds_its_build_by_stat_key_and_imports_no_rdflib(built, tmp_path):
    """The first command after a build records the stat key; the next one opens the build
    without hashing the inputs and without importing rdflib, owlrl, pyshacl or networkx."""
    from sse_graph.config import cache_dir
    from sse_graph.quick_open import remembered_dataset, stat_key

    assert _cli("search", "ConcertES").returncode == 0
    memo = cache_dir() / ".stat-keys" / stat_key(ROOT)
    assert memo.read_text() == built.directory.name
    assert remembered_dataset(ROOT) == built.dataset_path
    probe = ("import sys; from sse_graph.cli import main; rc = main(['represented-by', 'SAW-B']); "
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'owlrl', 'pyshacl', 'networkx', 'pyvis', 'streamlit'}); "
             "print('HEAVY', heavy, rc)")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert "Social Economy Europe" in r.stdout
    assert "HEAVY [] 0" in r.stdout, r.stdout[-500:] + r.stderr[-2000:]


def test_the_stat_key_follows_every_change_of_an_input(dataset_copy):
    from sse_graph.quick_open import stat_key

    before = stat_key(dataset_copy)
    f = sorted((dataset_copy / "graph").glob("*.ttl"))[0]
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # same bytes, a new time
    touched = stat_key(dataset_copy)
    f.write_text(f.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert len({before, touched, stat_key(dataset_copy)}) == 3
    (dataset_copy / "graph" / "new.ttl").write_text("# a new file\n", encoding="utf-8")
    assert stat_key(dataset_copy) not in (before, touched)


def test_a_recorded_build_that_was_pruned_is_not_used(tmp_path, monkeypatch):
    from sse_graph.quick_open import remember_dataset, remembered_dataset

    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "somekey"
    folder.mkdir(parents=True)
    (folder / "dataset.nq").write_text("")
    (folder / "report.json").write_text("{}")
    remember_dataset(ROOT, folder / "dataset.nq")
    assert remembered_dataset(ROOT) == folder / "dataset.nq"
    (folder / "report.json").unlink()  # `cache --prune` removed it
    assert remembered_dataset(ROOT) is None


# ---------------------------------------------------------------- words
def test_status_words_follow_lang_fr(built):
    fr = _cli("represented-by", "SAW-B", "--as-of", "2012", "--lang", "fr")
    assert fr.returncode == 0 and "pas encore attesté" in fr.stdout and "not yet attested" not in fr.stdout
    en = _cli("represented-by", "SAW-B", "--as-of", "2012")
    assert "not yet attested" in en.stdout
    why = _cli("why", "SAW-B", "Social Economy Europe", "--as-of", "2023", "--lang", "fr")
    assert why.returncode == 0 and "attesté pour la dernière fois en 2018" in why.stdout and "en vigueur" in why.stdout
    assert "last attested" not in why.stdout and " holds" not in why.stdout
    members = _cli("members", "ConcertES", "--as-of", "2018", "--lang", "fr")
    assert "attesté" in members.stdout and "| attested" not in members.stdout.replace("│", "|")
    as_json = json.loads(_cli("why", "SAW-B", "Social Economy Europe", "--as-of", "2023", "--lang", "fr", "--json").stdout)
    assert as_json["chains"][0]["status"].startswith("last attested")  # the JSON keeps the codes scripts compare


def test_a_chain_that_does_not_count_is_printed_alike_by_why_and_represented_by(built):
    a = _cli("represented-by", "SAW-B", "--as-of", "2012")
    b = _cli("why", "SAW-B", "Social Economy Europe", "--as-of", "2012")
    line = "not counted (it does not count on 2012-12-31): SAW-B → ConcertES → Social Economy Europe"
    assert line in a.stdout and line in b.stdout


def _evidence_emptied(value):
    """``value`` with every ``evidence`` list emptied, at any depth."""
    if isinstance(value, dict):
        return {k: [] if k == "evidence" else _evidence_emptied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_evidence_emptied(v) for v in value]
    return value


@pytest.mark.parametrize("org", ["saw-b", "concertes", "ripess", "febisp", "cress", "ess-france"])
def test_a_card_without_its_evidence_is_the_card_less_its_passages(questions, org):
    """`show` without --evidence prints no passage and asks for none: its card is the full
    card with every evidence list empty (so the text it prints is the same)."""
    full = questions.card(ID + org)
    assert _evidence_emptied(full) != full, "the full card carries evidence"
    assert questions.card(ID + org, evidence=False) == _evidence_emptied(full)
    assert questions.card(ID + org) == full  # the next card has its evidence again
