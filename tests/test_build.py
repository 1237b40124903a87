"""The build: cached by content, atomic, and refusing bad input with file:line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sse_graph import build
from sse_graph.errors import ParseError, ValidationFailed


def _run(*args, env_extra=None, cwd=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_second_build_is_served_from_the_cache(built):
    again = build(Path(__file__).resolve().parent.parent)
    assert again.cached and again.key == built.key
    assert again.inferred_triples == built.inferred_triples


def test_cache_key_changes_with_the_data(dataset_copy, built):
    from sse_graph.build import cache_key
    from sse_graph.config import data_paths

    before = cache_key(data_paths(dataset_copy))
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(data_paths(dataset_copy)) != before


def test_malformed_turtle_gives_file_line_and_exit_2_and_no_cache(dataset_copy, tmp_path):
    bad = dataset_copy / "graph" / "002_8a782234b05de830.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(20, 'id:broken skos:prefLabel "unterminated ;')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cache = tmp_path / "fresh-cache"
    r = _run("build", "--data", str(dataset_copy), env_extra={"SSE_GRAPH_CACHE": str(cache)})
    assert r.returncode == 2
    assert "002_8a782234b05de830.ttl:21:" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert not cache.exists() or not any(p.name != ".building" for p in cache.iterdir())


def test_parse_error_names_file_line_and_column(tmp_path):
    from sse_graph.load import parse_file

    f = tmp_path / "x.ttl"
    f.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e <not an iri> .\n', encoding="utf-8")
    with pytest.raises(ParseError) as e:
        parse_file(f)
    assert e.value.line == 3 and str(e.value).startswith(f"{f}:3:")


def test_relative_iris_are_refused(tmp_path):
    from sse_graph.load import parse_file

    f = tmp_path / "rel.ttl"
    f.write_text("<a> <http://example.org/p> <b> .\n", encoding="utf-8")
    with pytest.raises(ParseError):
        parse_file(f)


def test_a_violation_fails_the_build_and_publishes_no_good_build(dataset_copy, tmp_path, monkeypatch):
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\nid:orphan a org:Membership ; org:member id:labo-ess ; org:role sse:role-member .\n",
                 encoding="utf-8")
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "c"))
    with pytest.raises(ValidationFailed) as e:
        build(dataset_copy)
    rules = {v.rule for v in e.value.report.violations}
    assert any(r.startswith("S01") for r in rules) and any(r.startswith("S04") for r in rules)
    # written apart as rejected (readable, see test_violations.py), never as a good build
    assert [p.name for p in (tmp_path / "c").iterdir()] == [e.value.result.directory.name]
    assert e.value.result.rejected and e.value.result.directory.name.startswith("rejected-")
    r = _run("build", "--data", str(dataset_copy), env_extra={"SSE_GRAPH_CACHE": str(tmp_path / "c")})
    assert r.returncode == 1 and "S01" in r.stderr and "Traceback" not in r.stderr


def test_build_command_prints_counts_and_exits_0(built):
    r = _run("build")
    assert r.returncode == 0, r.stderr
    assert "inferred triples" in r.stdout and "federation" in r.stdout and "cached" in r.stdout


@pytest.mark.parametrize("file,addition,named", [
    ("ontology/sse.ttl", "\nsse:X owl:equivalentClass [ a owl:Restriction ; owl:onProperty sse:p ; owl:someValuesFrom sse:Y ] .\n",
     "someValuesFrom"),
    ("ontology/shapes.ttl", "\nshp:S99-extra a sh:NodeShape ; sh:targetClass sse:Federation ; "
     "sh:property [ sh:path skos:prefLabel ; sh:pattern \"^A\" ] .\n", "pattern"),
])
def test_the_fast_engine_refuses_what_it_does_not_compile(dataset_copy, tmp_path, monkeypatch, file, addition, named):
    """An OWL construct or a SHACL constraint outside the compiled subset: a clear error
    naming it and the reference engine, exit 2, no traceback, nothing cached."""
    from sse_graph.cli import main

    f = dataset_copy / file
    f.write_text(f.read_text(encoding="utf-8") + addition, encoding="utf-8")
    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    r = subprocess.run([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--data", str(dataset_copy)],
                       capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert named in r.stderr and "--engine owlrl" in r.stderr and "Traceback" not in r.stderr
    assert not cache.exists() or not any(cache.iterdir())


def test_a_command_reuses_the_fast_build_rather_than_start_the_reference(dataset_copy, tmp_path, monkeypatch):
    """After `build --engine fast --no-measures` (a large graph), a command that asks for no
    engine answers from that build instead of starting an owlrl build."""
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "c"))
    monkeypatch.delenv("SSE_GRAPH_ENGINE", raising=False)
    fast = build(dataset_copy, engine="fast", measures=False)
    again = build(dataset_copy)
    assert again.cached and again.key == fast.key and again.engine == "fast" and not again.measures
    assert not build(dataset_copy, engine="owlrl").cached  # asking for the reference builds it
    assert build(dataset_copy).engine == "owlrl"  # which is then preferred


def test_the_cache_lists_builds_and_prunes_those_of_earlier_inputs(dataset_copy, tmp_path, monkeypatch, capsys):
    from sse_graph.build_compile import compiled_key
    from sse_graph.cli import main
    from sse_graph.config import data_paths

    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    old = build(dataset_copy, engine="fast")
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    new = build(dataset_copy, engine="fast")
    (cache / ".building-interrupted").mkdir()
    os.utime(cache / ".building-interrupted", (0, 0))
    assert main(["cache", "--json", "--data", str(dataset_copy)]) == 0
    listed = {b["key"]: b["current"] for b in json.loads(capsys.readouterr().out)}
    assert listed == {old.key: False, new.key: True}
    assert main(["cache", "--prune", "--data", str(dataset_copy)]) == 0
    # the builds of earlier inputs go; the compiled rules and shapes of the current ontology stay
    assert sorted(p.name for p in cache.iterdir()) == [".compiled", new.key]
    assert [p.name for p in (cache / ".compiled").iterdir()] == [compiled_key(data_paths(dataset_copy)) + ".json"]
    assert build(dataset_copy, engine="fast").cached  # the current build is still served


def test_the_build_reports_time_and_peak_memory_per_step(built, capsys):
    from sse_graph.cli import main

    assert main(["build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["peak_mb"]) >= {"load", "reason", "validate", "write", "persist"}
    assert set(report["timings"]) >= {"load", "reason", "validate", "write", "persist", "total"}
    assert 0 < report["peak_mb"]["load"] <= report["peak_mb"]["persist"]
    assert main(["build"]) == 0
    assert "peak memory after each step: load" in capsys.readouterr().out


def test_a_fast_build_writes_its_store_without_nquads_and_exports_them_on_demand(dataset_copy, tmp_path, monkeypatch):
    """The fast build persists its working store straight into the on-disk store: no
    N-Quads file, no network measures at build time.  `export` writes the N-Quads from
    that store (every quad of every graph), `analyse` loads it in memory, and both answer."""
    import pyoxigraph as ox

    from sse_graph import Store

    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    fast = build(dataset_copy, engine="fast")
    assert (fast.directory / "store").is_dir() and not fast.dataset_path.exists()
    assert not fast.measures and "https://w3id.org/sse-graph/graph/metrics" not in fast.graphs
    assert fast.inferred_triples > 4000 and fast.asserted_triples > 4000
    disk = Store(fast.dataset_path)._store
    per_graph = {g.value: sum(1 for _ in disk.quads_for_pattern(None, None, None, g)) for g in disk.named_graphs()}
    assert per_graph["https://w3id.org/sse-graph/graph/inferred"] == fast.inferred_triples
    assert "https://w3id.org/sse-graph/graph/representation" in per_graph

    out = tmp_path / "all.nq"
    r = _run("export", "--format", "nquads", "-o", str(out), "--data", str(dataset_copy), env_extra={"SSE_GRAPH_CACHE": str(cache)})
    assert r.returncode == 0, r.stderr
    exported: dict[str, int] = {}
    for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS):
        exported[q.graph_name.value] = exported.get(q.graph_name.value, 0) + 1
    assert exported == per_graph
    assert fast.dataset_path.is_file()  # written once, atomically, and kept for the next reader
    assert not [p for p in fast.directory.iterdir() if p.name.endswith(".tmp")]

    in_memory = Store(fast.dataset_path.with_name("absent.nq"), memory=True)  # no N-Quads there: read from the store
    assert len(in_memory._store) == sum(per_graph.values())
    r = _run("analyse", "--top", "3", "--data", str(dataset_copy), env_extra={"SSE_GRAPH_CACHE": str(cache)})
    assert r.returncode == 0 and "ConcertES" in r.stdout, r.stderr
