"""The on-disk store written on a second thread (``sse_graph/persist.py``) holds what the
working store holds: every asserted graph, the rule steps as one inferred graph (without
axiomatic triples), the representation graph — each blank node one node, wherever the
loads are cut; the name index, the reach table and the report do not depend on where
they are cut; and a failure on that thread fails the build as a failure anywhere else
does, leaving nothing behind."""
from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sse_graph.build import INFERRED_GRAPH, build
from sse_graph.config import data_paths
from sse_graph.reason import AXIOMATIC
from sse_graph.store import STORE_DIR

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

persist = importlib.import_module("sse_graph.persist")

SMALL = 200_000  # bytes per bulk load: a dozen loads over the seed graph (a tenth of it over the generated one)


def _generated_with_blank_nodes(root: Path, orgs: int = 400) -> Path:
    """A data folder: ontology, a generated graph, and a file of reified statements
    (blank nodes, as the seed graph's) about the generated organisations — the
    reasoner types them (inferred graph) and their lines spread over many loads."""
    (root / "ontology").mkdir(parents=True)
    (root / "graph").mkdir()
    for f in ("sse.ttl", "concepts.ttl", "shapes.ttl"):
        shutil.copy(ROOT / "ontology" / f, root / "ontology" / f)
    lines = generate(orgs, 1)
    (root / "graph" / "generated.ttl").write_text("".join(lines), encoding="utf-8")
    orgs_typed = sorted({ln.split(" ", 1)[0] for ln in lines if "22-rdf-syntax-ns#type> <https://w3id.org/sse-graph/ontology#" in ln})
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    stmts = [f"[] <{rdf}type> <{rdf}Statement> ; <{rdf}subject> {s} ; <{rdf}predicate> <{rdf}type> ; "
             f"<http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/sse-graph/evidence/generated> .\n"
             for s in orgs_typed]  # 449 of them with 400 organisations
    (root / "graph" / "statements.ttl").write_text("".join(stmts), encoding="utf-8")
    return root


def _build(data, cache: Path, monkeypatch, batch: int | None = None):
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    if batch is not None:
        monkeypatch.setattr(persist, "PERSIST_BATCH_BYTES", batch)
    try:
        return build(data, engine="fast", force=True)
    finally:
        monkeypatch.undo()


def _reference(data) -> ox.Store:
    """What the build wrote before the second thread (commit e328cd4): the working store's
    graphs copied as terms — the asserted ones, the rule steps into the inferred graph
    without axiomatic subjects — and the representation graph."""
    from sse_graph.fastreason import compile_rules, materialise
    from sse_graph.load import load_store
    from sse_graph.representation import representation_links, representation_nquads
    from sse_graph.store import Store

    store, tbox = load_store(data_paths(data))
    asserted = sorted(g.value for g in store.named_graphs())
    done = materialise(store, compile_rules(tbox))
    out = ox.Store()
    for g in asserted:
        out.bulk_extend(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    for g in done.graphs:
        out.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, inferred)
                        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
                        if not (isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(tuple(AXIOMATIC))))
    view = Store.of(store, asserted + [str(INFERRED_GRAPH)])
    view._union_is_default = False
    rep = representation_nquads(view, up=representation_links(view))
    out.bulk_load(rep, format=ox.RdfFormat.N_QUADS)
    return out


def _canonical(quads) -> tuple[set[str], list[tuple[str, ...]]]:
    """Quads without a blank node, as text; those with one, sorted, each blank node named
    by a hash of its neighbourhood refined over three rounds (Weisfeiler-Lehman) — its
    label in the store plays no part, so two stores that differ only by blank-node
    labels give the same lists.  (rdflib's isomorphism check took minutes here.)"""
    plain, with_blank = set(), []
    for q in quads:
        terms = (q.subject, q.object)
        if any(isinstance(t, ox.BlankNode) for t in terms):
            with_blank.append((q.subject, f"{q.predicate} {q.graph_name}", q.object))
        else:
            plain.add(str(q))
    label = {t.value: "_" for s, _p, o in with_blank for t in (s, o) if isinstance(t, ox.BlankNode)}

    def name(t):
        return label[t.value] if isinstance(t, ox.BlankNode) else str(t)

    for _ in range(3):
        sig: dict[str, list[str]] = {b: [] for b in label}
        for s, p, o in with_blank:
            if isinstance(s, ox.BlankNode):
                sig[s.value].append(f"out {p} {name(o)}")
            if isinstance(o, ox.BlankNode):
                sig[o.value].append(f"in {p} {name(s)}")
        label = {b: hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest()[:16] for b, v in sig.items()}
    return plain, sorted((name(s), p, name(o)) for s, p, o in with_blank)


def _assert_same_quads(disk_dir: Path, expected: ox.Store) -> None:
    disk = ox.Store.read_only(str(disk_dir))
    got_plain, got_blank = _canonical(disk)
    want_plain, want_blank = _canonical(expected)
    assert got_plain == want_plain
    assert len(got_blank) > 0
    assert got_blank == want_blank  # the same blank nodes, up to their labels


def _rows(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(c.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def _report(result) -> dict:
    d = json.loads((result.directory / "report.json").read_text(encoding="utf-8"))
    return {k: v for k, v in d.items() if k not in ("timings", "peak_mb", "directory")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return _generated_with_blank_nodes(tmp_path_factory.mktemp("gen") / "data")


@pytest.mark.parametrize("which", ["seed", "generated"])
def test_the_store_holds_the_working_store_cut_anywhere(which, generated, tmp_path, monkeypatch):
    data = None if which == "seed" else generated
    whole = _build(data, tmp_path / "whole", monkeypatch)
    cut = _build(data, tmp_path / "cut", monkeypatch, batch=SMALL if which == "seed" else SMALL // 10)
    expected = _reference(data)
    for result in (whole, cut):
        _assert_same_quads(result.directory / STORE_DIR, expected)
    assert _report(whole) == _report(cut)
    assert sum(whole.graphs.values()) == len(expected)
    for db in ("names.sqlite", "reach.sqlite"):
        rows = _rows(whole.directory / db)
        assert rows and any(rows.values())
        assert rows == _rows(cut.directory / db)


def _leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.is_dir() else []


def test_a_failure_on_the_persist_thread_fails_the_build_as_on_the_main_thread(tmp_path, monkeypatch, capsys):
    from sse_graph import name_index
    from sse_graph.cli import main

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "thread"))
    monkeypatch.delenv("SSE_GRAPH_DEBUG", raising=False)
    monkeypatch.setattr(persist, "_bulk_load", full)
    code_thread = main(["build", "--engine", "fast", "--force"])
    said_thread = capsys.readouterr().err
    monkeypatch.undo()

    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "main"))
    monkeypatch.delenv("SSE_GRAPH_DEBUG", raising=False)
    monkeypatch.setattr(name_index, "write_name_index", full)
    monkeypatch.setattr(importlib.import_module("sse_graph.build"), "write_name_index", full)
    code_main = main(["build", "--engine", "fast", "--force"])
    said_main = capsys.readouterr().err
    monkeypatch.undo()

    assert code_thread == code_main == 70
    assert "OSError" in said_thread and "No space left on device" in said_thread
    assert said_thread.strip().splitlines()[-1] == said_main.strip().splitlines()[-1]
    assert "Traceback" not in said_thread
    # nothing half-written: no build folder, no store being written, no temporary folder (the
    # rules and shapes compiled before the failure are whole, and reused: build_compile)
    assert [n for n in _leftovers(tmp_path / "thread") if not n.startswith((".stat-keys", ".compiled"))] == []


def test_a_blank_node_in_an_asserted_graph_and_a_rule_step_is_one_node_on_disk(tmp_path):
    work = ox.Store()
    anchor, org = ox.BlankNode(), ox.NamedNode("https://example.org/org")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    work.add(ox.Quad(anchor, ox.NamedNode("https://example.org/about"), org, ox.NamedNode("urn:g:asserted")))
    work.add(ox.Quad(anchor, kind, ox.NamedNode("https://example.org/Anchor"), ox.NamedNode("urn:g:step")))
    p = persist.Persister(work, tmp_path)
    p.copy_graphs(["urn:g:asserted"])
    p.copy_inferred(["urn:g:step"])
    graphs = p.finish(tmp_path / "store")
    disk = ox.Store.read_only(str(tmp_path / "store"))
    assert graphs == {"urn:g:asserted": 1, str(INFERRED_GRAPH): 1}
    subjects = {q.subject for q in disk.quads_for_pattern(None, None, None, None)}
    assert len(subjects) == 1  # loaded in two groups, the blank node is still one node


def test_a_graph_copied_after_the_inferred_one_is_refused_not_split(tmp_path):
    work = ox.Store()
    work.add(ox.Quad(ox.BlankNode(), ox.NamedNode("https://example.org/p"), ox.Literal("x"), ox.NamedNode("urn:g:a")))
    p = persist.Persister(work, tmp_path / "cache")
    p.copy_inferred([])
    p.copy_graphs(["urn:g:a"])
    with pytest.raises(RuntimeError, match="after the inferred one"):
        p.finish(tmp_path / "store")
    assert not (tmp_path / "store").exists()
    assert list((tmp_path / "cache").iterdir()) == []
