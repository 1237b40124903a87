"""The competency answers from an external store equal the embedded ones: the
built seed dataset loaded into a real Oxigraph server (``sse-graph push``) and
into a real Virtuoso (bulk load, ``sse_graph.virtuoso``), each on 127.0.0.1 on a
free port, then the question commands through ``SSE_GRAPH_STORE`` / ``--store``
and every shipped ``.rq`` file compared with the embedded store's answers."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from conftest import find_oxigraph, free_port, running_virtuoso, wait_until_up

ID = "https://w3id.org/sse-graph/id/"
# One organisation per question, chosen for a non-empty answer on the seed graph.
QUESTIONS = [
    ("members", "ConcertES"),
    ("represented-by", "SAW-B"),
    ("represents", "ConcertES"),
    ("seats", "SAW-B"),
    ("search", "economie"),
]
ORG_FOR_QUERY = {"members": "concertes", "body_members": "concertes", "represented_by": "saw-b",
                 "represents": "concertes", "seats": "saw-b", "card": "febisp", "counts": "concertes"}


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def oxigraph_url(built, tmp_path_factory):
    exe = find_oxigraph()
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_up(base + "/query?query=ASK%7B%7D", 30), "the Oxigraph server did not start"
        r = cli("push", "--store", base)
        assert r.returncode == 0, r.stderr
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def virtuoso_url(built, tmp_path_factory):
    yield from running_virtuoso(built, tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(scope="module", params=[pytest.param("oxigraph", marks=pytest.mark.oxigraph),
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def store_url(request):
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="module")
def embedded_answers(built):
    answers = {}
    for command, org in QUESTIONS:
        r = cli(command, org, "--json", env={"SSE_GRAPH_STORE": ""})
        assert r.returncode == 0, r.stderr
        answers[command] = json.loads(r.stdout)
        assert answers[command], f"{command} {org} answers nothing on the seed graph: the comparison would prove nothing"
    return answers


@pytest.mark.parametrize("command,org", QUESTIONS)
def test_question_commands_answer_the_same_from_the_store(store_url, embedded_answers, command, org):
    r = cli(command, org, "--json", env={"SSE_GRAPH_STORE": store_url})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == embedded_answers[command]


def _normalised(results) -> Counter:
    """Rows as a multiset of plain values (blank nodes, whose labels are the store's, as one marker)."""
    import pyoxigraph as ox

    from sse_graph.store import term_value

    return Counter(tuple("_:" if isinstance(t, ox.BlankNode) else term_value(t) for t in row) for row in results.rows)


# A defect of Virtuoso 7.2 (Debian's virtuoso-opensource), not of the data: in relations.rq's
# eight-branch UNION it leaves `OPTIONAL { ?r org:role ?role }` unbound on a few partnership rows
# of the seed graph (7 today), though the same branch alone, or the same OPTIONAL on one record,
# binds it; which rows depends on the order of the branches (the partnership branch first: 1).
# Measured 2026-12-04; docs/deploy.md says so. The comparison stays exact for every other column
# and every other query: a Virtuoso row may differ only by a missing role, at most this often.
VIRTUOSO_DROPS_ROLE = {"relations": 7}
_ROLE = 3  # relations.rq: ?a ?relation ?b ?role ...


def _virtuoso_role_defect(name, got, want):
    extra, missing = set(got) - set(want), set(want) - set(got)
    filled = {row[:_ROLE] + row[_ROLE + 1:] for row in missing}
    assert all(row[_ROLE] is None and row[:_ROLE] + row[_ROLE + 1:] in filled for row in extra), \
        f"{name}.rq: Virtuoso differs by more than a dropped role: {sorted(extra, key=str)[:3]}"
    assert len(extra) <= VIRTUOSO_DROPS_ROLE[name], f"{name}.rq: {len(extra)} roles dropped by Virtuoso (was 7)"
    dropped = {row[:_ROLE] + row[_ROLE + 1:] for row in extra}
    keep_want = Counter({row: n for row, n in want.items() if not (row in missing and row[:_ROLE] + row[_ROLE + 1:] in dropped)})
    keep_got = Counter({row: n for row, n in got.items() if row not in extra})
    return keep_got, keep_want


def test_every_shipped_query_answers_the_same_from_the_store(store_url, store):
    from sse_graph.queries import competency_queries
    from sse_graph.remote import remote_store

    remote = remote_store(store_url)
    assert set(remote.graph_names) == set(store.graph_names)  # no system graph of the store leaks in
    compared = 0
    for q in competency_queries():
        example = re.search(r"^# param org = (\S+)", q.text, re.M)  # the query's own example organisation
        bindings = None
        if "?org_param" in q.text:
            assert q.name in ORG_FOR_QUERY or example, f"{q.name}.rq needs an example organisation"
            bindings = {"org": ID + ORG_FOR_QUERY[q.name] if q.name in ORG_FOR_QUERY else example.group(1).strip("<>")}
        want = _normalised(store.select(q.text, bindings=bindings))
        got = _normalised(remote.select(q.text, bindings=bindings))
        if "sparql" in store_url:
            # Virtuoso's default graph is the union of the FROM graphs with duplicates, not
            # their RDF merge: a triple stated in two graphs matches twice. Same rows, and
            # never fewer of each (docs/deploy.md).
            if q.name in VIRTUOSO_DROPS_ROLE:
                got, want = _virtuoso_role_defect(q.name, got, want)
            assert set(got) == set(want), f"{q.name}.rq: {len(set(got) - set(want))} extra, {len(set(want) - set(got))} missing rows"
            assert not want - got, f"{q.name}.rq: rows fewer times than embedded"
        else:
            assert got == want, f"{q.name}.rq: {sum((got - want).values())} extra, {sum((want - got).values())} missing rows"
        compared += bool(want)
    assert compared >= 10, "most shipped queries should answer something on the seed graph"


def test_query_command_through_store_equals_embedded(store_url):
    text = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:memberOf <%sconcertes> } ORDER BY ?m" % ID)
    here = cli("query", "-e", text, "--format", "csv", env={"SSE_GRAPH_STORE": ""})
    there = cli("query", "--store", store_url, "-e", text, "--format", "csv")
    assert here.returncode == 0 and there.returncode == 0, there.stderr
    assert there.stdout.splitlines()[1:] == here.stdout.splitlines()[1:] and len(here.stdout.splitlines()) > 5


def test_links_do_not_depend_on_the_order_of_the_rows(store):
    """SPARQL leaves the order of rows to the store (Oxigraph and Virtuoso differ): the
    links read from them, their records and their order come out the same either way."""
    from sse_graph.chains import links_from_rows
    from sse_graph.queries import load_query

    rows = store.select(load_query("representation_links").text).dicts()

    def flat(up):
        return [(f, t, [(link.kind, link.records) for link in up[f][t]]) for f in sorted(up) for t in sorted(up[f])]

    forward, backward = flat(links_from_rows(rows)[0]), flat(links_from_rows(list(reversed(rows)))[0])
    assert forward == backward
    assert any(len(records) > 1 for _f, _t, links in forward for _k, records in links), \
        "no link merges two records: the comparison would prove nothing"
