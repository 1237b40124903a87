"""A violation never locks reading: build keeps the last good build and names the
violations by file:line; query and the questions keep answering, with a warning;
validate exits 1; retrying does not rebuild."""
from __future__ import annotations

import json

import pytest

from sse_graph import build
from sse_graph.build import last_good_build
from sse_graph.cli import main
from sse_graph.errors import ValidationFailed

FILE = "graph/001_a8e3a8c5c264d9e4.ttl"
ORPHAN = "\nid:orphan a org:Membership ; org:member id:labo-ess ; org:role sse:role-member .\n"
MEMBERS_OF_CONCERTES = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE "
                        "{ ?m org:memberOf <https://w3id.org/sse-graph/id/concertes> }")
ORPHAN_QUERY = "ASK { <https://w3id.org/sse-graph/id/orphan> ?p ?o }"


def plant_violation(root) -> int:
    """Append a membership with no organisation and no source; return its line number."""
    f = root / FILE
    text = f.read_text(encoding="utf-8")
    f.write_text(text + ORPHAN, encoding="utf-8")
    return len(text.splitlines()) + 2 if text.endswith("\n") else len(text.splitlines()) + 1


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SSE_GRAPH_ENGINE", raising=False)
    return tmp_path / "cache"


def test_after_a_violation_the_last_good_build_keeps_answering(dataset_copy, cache, capsys):
    good = build(dataset_copy, engine="fast")
    line = plant_violation(dataset_copy)
    data = ["--data", str(dataset_copy)]

    assert main(["build", "--engine", "fast", *data]) == 1
    err = capsys.readouterr().err
    assert f"{FILE}:{line}: S01" in err  # the file and line of the node, the rule and the shape's message
    assert "last good build" in err and good.key in err

    assert main(["query", "-e", MEMBERS_OF_CONCERTES, "--format", "json", *data]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["results"]["bindings"]) == 17
    assert f"{FILE}:{line}" in captured.err and "last good build" in captured.err

    assert main(["members", "concertes", "--json", *data]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 17 and "violation" in captured.err

    assert main(["validate", *data]) == 1
    assert f"{FILE}:{line}: S01" in capsys.readouterr().err
    assert main(["validate", "--json", *data]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["conforms"] and f"{FILE}:{line}" in {v["where"] for v in report["violations"]}

    with pytest.raises(ValidationFailed) as again:  # the library stays strict, and does not rebuild
        build(dataset_copy)
    assert again.value.result.cached and again.value.result.rejected
    assert last_good_build(dataset_copy).key == good.key


def test_without_a_good_build_the_new_one_answers_with_a_warning(dataset_copy, cache, capsys):
    plant_violation(dataset_copy)
    data = ["--data", str(dataset_copy)]
    assert main(["build", "--engine", "fast", *data]) == 1
    assert "no good build yet" in capsys.readouterr().err
    assert main(["query", "-e", ORPHAN_QUERY, *data]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "true"  # the new data, violation included
    assert "answering from the new build" in captured.err
    assert last_good_build(dataset_copy) is None
    assert main(["export", "--format", "turtle", *data]) == 1  # publishing stays refused
