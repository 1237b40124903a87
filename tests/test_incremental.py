"""An incremental build (sse_graph/incremental.py) equals a full rebuild.

On the seed graph and on a generated graph of about 10k triples: (a) import a
spreadsheet, (b) edit a data file (one membership moved to another organisation,
another membership removed), (c) remove a data file.  After each, the incremental
build's quads (every named graph, asserted and inferred, in the N-Quads and in the
on-disk store), its name index, reach table (reach.sqlite), representation graph,
validation report and counts equal those of a full rebuild of the same inputs; and the
reach table changes with the change (an edit below a body changes its reach).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from sse_graph.build import build
from sse_graph.importer import import_table

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _canonical(nquads: bytes) -> dict[str, frozenset]:
    """Per named graph, its triples with each blank node named by its content: colour
    refinement over the whole dataset (its triples in every graph, both ways), as
    many rounds as it takes to stop splitting (blank nodes differ between two builds)."""
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    blank = lambda t: isinstance(t, ox.BlankNode)  # noqa: E731
    edges: dict = {}
    for q in quads:
        g = q.graph_name.value
        if blank(q.subject):
            edges.setdefault(q.subject, []).append(("out", g, q.predicate, q.object))
        if blank(q.object):
            edges.setdefault(q.object, []).append(("in", g, q.predicate, q.subject))
    colour = {b: "" for b in edges}
    for _ in range(len(edges) + 1):
        name = lambda t: colour[t] if blank(t) else str(t)  # noqa: E731
        new = {b: hashlib.sha1(repr(sorted((d, g, str(p), name(o)) for d, g, p, o in es)).encode()).hexdigest()
               for b, es in edges.items()}
        if len(set(new.values())) == len(set(colour.values())):
            colour = new
            break
        colour = new
    term = lambda t: f"_:{colour[t]}" if blank(t) else str(t)  # noqa: E731
    out: dict[str, set] = {}
    for q in quads:
        out.setdefault(q.graph_name.value, set()).add(f"{term(q.subject)} {q.predicate} {term(q.object)}")
    return {g: frozenset(v) for g, v in out.items()}


def _snapshot(result) -> dict:
    d = result.directory
    store = ox.Store.read_only(str(d / "store"))
    names = sqlite3.connect(d / "names.sqlite")
    try:
        index = {t: sorted(names.execute(f"SELECT * FROM {t}").fetchall()) for t in ("label", "name", "collective")}
    finally:
        names.close()
    reach_db = sqlite3.connect(d / "reach.sqlite")
    try:
        reach = dict(reach_db.execute("SELECT body, n FROM reach").fetchall())
        links = sorted(reach_db.execute("SELECT * FROM link").fetchall())
    finally:
        reach_db.close()
    report = json.loads((d / "report.json").read_text(encoding="utf-8"))
    return {
        "reach": reach,
        "reach_links": links,
        "nquads": _canonical(result.nquads().read_bytes()),  # the file a build or export writes
        "store": _canonical(store.dump(format=ox.RdfFormat.N_QUADS)),
        "names": index,
        "validation": report["validation"],
        "counts": report["counts"],
        "graphs": report["graphs"],
        "triples": (report["asserted_triples"], report["inferred_triples"]),
    }


def _both(data: Path, tmp: Path, monkeypatch, cache: Path, measures: bool | None = None):
    """The incremental build of ``data`` (from the last good build in ``cache``) and a
    full rebuild in a cache of its own."""
    from sse_graph.errors import ValidationFailed

    def run(**kw):
        try:
            return build(data, engine="fast", measures=measures, **kw)
        except ValidationFailed as e:  # a rejected build is compared too
            return e.result

    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    inc = run()
    full_cache = tmp / f"full-{len(list(tmp.glob('full-*')))}"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(full_cache))
    full = run(force=True)
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    return inc, full


METRICS = "https://w3id.org/sse-graph/graph/metrics"


def _measures(lines) -> dict:
    """The metrics graph as {(subject, predicate): value}, numbers as floats."""
    out = {}
    for line in lines:
        s, p, o = line.split(" ", 2)
        value = o.split('"')[1] if o.startswith('"') else o
        try:
            out[(s, p)] = float(value) if "XMLSchema#double" in o or "XMLSchema#integer" in o else value
        except ValueError:
            out[(s, p)] = value
    return out


def _assert_same(inc, full) -> None:
    report = json.loads((inc.directory / "report.json").read_text(encoding="utf-8"))
    assert "incremental" in report, "the build was not incremental"
    a, b = _snapshot(inc), _snapshot(full)
    assert a["nquads"].keys() == b["nquads"].keys(), set(a["nquads"]) ^ set(b["nquads"])
    assert a["store"].keys() == b["store"].keys(), set(a["store"]) ^ set(b["store"])
    for g in b["nquads"]:
        if g == METRICS:  # floating-point measures: the summation order follows the store's
            assert _measures(a["nquads"][g]) == pytest.approx(_measures(b["nquads"][g]), rel=1e-9, abs=1e-12)
            assert _measures(a["store"][g]) == pytest.approx(_measures(b["store"][g]), rel=1e-9, abs=1e-12)
            continue
        assert a["nquads"][g] == b["nquads"][g], (g, sorted(a["nquads"][g] ^ b["nquads"][g])[:10])
        assert a["store"][g] == b["store"][g], (g, sorted(a["store"][g] ^ b["store"][g])[:10])
    for key in ("names", "reach", "reach_links", "validation", "counts", "graphs", "triples"):
        assert a[key] == b[key], key
    assert any(a["reach"].values()), "some representative body represents someone"
    return a["reach"]


def _edit_memberships(path: Path) -> None:
    """Move one membership to another organisation and remove another membership
    (its triples, what points at it, and the statements about it)."""
    g = Graph().parse(path, format="turtle")
    members = sorted(s for s in g.subjects(URIRef(RDF_TYPE), URIRef(ORG + "Membership")) if isinstance(s, URIRef))
    orgs = sorted({o for o in g.objects(None, URIRef(ORG + "organization"))})
    assert len(members) >= 2 and len(orgs) >= 2, path
    moved, removed = members[0], members[-1]
    current = g.value(moved, URIRef(ORG + "organization"))
    other = next(o for o in orgs if o != current)
    g.set((moved, URIRef(ORG + "organization"), other))
    for s, p, o in list(g):
        if removed in (s, o):
            g.remove((s, p, o))
    for b in list(g.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"), removed)):
        g.remove((b, None, None))
    path.write_text(g.serialize(format="turtle"), encoding="utf-8")


def _scenarios(data: Path, tmp: Path, monkeypatch, edited: str, spreadsheets: list[tuple[str, str]], removed: str,
               measures: bool | None = None):
    cache = tmp / "cache"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    reaches = [_snapshot(build(data, engine="fast", measures=measures))["reach"]]
    # (a) import spreadsheets
    for name, kind in spreadsheets:
        import_table(IMPORTS / name, kind, data=data, engine="fast")
    reaches.append(_assert_same(*_both(data, tmp, monkeypatch, cache, measures)))
    # (b) edit a file: a membership changes organisation, another is removed
    _edit_memberships(data / "graph" / edited)
    reaches.append(_assert_same(*_both(data, tmp, monkeypatch, cache, measures)))
    # (c) remove a file
    (data / "graph" / removed).unlink()
    reaches.append(_assert_same(*_both(data, tmp, monkeypatch, cache, measures)))
    assert reaches[1] != reaches[0] or reaches[2] != reaches[1], "the changes moved no reach: the test proves nothing"


def test_seed_graph_incremental_equals_full(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "ontology", data / "ontology")
    shutil.copytree(ROOT / "graph", data / "graph")
    _scenarios(data, tmp_path, monkeypatch, edited="003_6530fe94a40990bb.ttl",
               spreadsheets=[("organisations_good.csv", "organisations"), ("memberships_good.csv", "memberships")],
               removed="import-memberships-good.ttl")


def test_generated_graph_incremental_equals_full(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "ontology", data / "ontology")
    (data / "graph").mkdir()
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--orgs", "1000", "--seed", "3",
                    "-o", str(data / "graph" / "generated.nt")], check=True, capture_output=True)
    # the generated source's description lives in its own file (as in benchmarks/)
    _scenarios(data, tmp_path, monkeypatch, edited="generated.nt",
               spreadsheets=[("organisations_good.csv", "organisations")], removed="import-organisations-good.ttl",
               measures=False)  # the measures (recomputed whole) are compared on the seed graph


def test_other_ontology_falls_back_to_a_full_build(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "ontology", data / "ontology")
    shutil.copytree(ROOT / "graph", data / "graph")
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "cache"))
    build(data, engine="fast")
    with open(data / "ontology" / "sse.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n# a comment changes the ontology's bytes\n")
    said: list[str] = []
    result = build(data, engine="fast", progress=said.append)
    report = json.loads((result.directory / "report.json").read_text(encoding="utf-8"))
    assert "incremental" not in report
    assert any("full build: the ontology, the shapes or the code changed" in m for m in said)
