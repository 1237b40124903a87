"""The fast build's fixed costs: rules and shapes compiled once per ontology and shapes
(``sse_graph/build_compile.py``), and a start that imports only what `build` needs.

A compiled form is reused only for the very files it was compiled from: editing an axiom
or a shape must change the build; a refusal of the data audit must read the same with
the compiled form cached as without; a damaged cache file is compiled again."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sse_graph import build
from sse_graph.errors import InputError, ValidationFailed

ROOT = Path(__file__).resolve().parent.parent


def _compiled(cache: Path) -> list[Path]:
    folder = cache / ".compiled"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _same_build(a, b) -> None:
    for field in ("asserted_triples", "inferred_triples", "counts", "graphs", "validation"):
        assert getattr(a, field) == getattr(b, field), field


def test_the_compiled_form_is_kept_and_gives_the_same_build(dataset_copy, tmp_path, monkeypatch):
    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    first = build(dataset_copy, engine="fast", force=True)  # compiles, keeps the compiled form
    kept = _compiled(cache)
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8"))["class"] == "Compiled"
    again = build(dataset_copy, engine="fast", force=True)  # reads it
    assert _compiled(cache) == kept
    _same_build(first, again)
    # a damaged file is not used: compiled again, and the build is the same
    kept[0].write_text('{"class": "Compiled", "fields": {"rules": 1}}', encoding="utf-8")
    damaged = build(dataset_copy, engine="fast", force=True)
    _same_build(first, damaged)
    assert json.loads(kept[0].read_text(encoding="utf-8"))["fields"]["rules"]["class"] == "Rules"


def test_editing_a_shape_changes_the_build(dataset_copy, tmp_path, monkeypatch):
    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    build(dataset_copy, engine="fast", force=True)
    shapes = dataset_copy / "ontology" / "shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    # every organisation must now have at most 0 labels: the seed graph violates it
    shapes.write_text(text + """
<https://w3id.org/sse-graph/shapes#S99> a sh:NodeShape ;
    sh:targetClass <https://w3id.org/sse-graph/ontology#Organisation> ;
    sh:property [ sh:path <http://www.w3.org/2000/01/rdf-schema#label> ; sh:maxCount 0 ;
                  sh:message "no label (a test shape)"@en ] .
""", encoding="utf-8")
    with pytest.raises(ValidationFailed) as e:
        build(dataset_copy, engine="fast", force=True)
    assert any(v.rule == "S99" for v in e.value.report.violations)
    assert len(_compiled(cache)) == 2  # another key: the shapes' bytes are in it


def test_editing_an_axiom_changes_the_build(dataset_copy, tmp_path, monkeypatch):
    cache = tmp_path / "c"
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
    before = build(dataset_copy, engine="fast", force=True)
    sse = dataset_copy / "ontology" / "sse.ttl"
    # a new super-class of Organisation: every organisation gets one more type
    sse.write_text(sse.read_text(encoding="utf-8") + """
<https://w3id.org/sse-graph/ontology#Organisation> <http://www.w3.org/2000/01/rdf-schema#subClassOf>
    <https://w3id.org/sse-graph/ontology#TestAgent> .
""", encoding="utf-8")
    after = build(dataset_copy, engine="fast", force=True)
    organisations = before.counts.get("Organisation") or max(before.counts.values())
    assert after.inferred_triples >= before.inferred_triples + organisations
    assert len(_compiled(cache)) == 2


def test_a_refusal_reads_the_same_with_the_compiled_form_cached(dataset_copy, tmp_path, monkeypatch):
    """The data audit runs without rdflib when a data file holds nothing it could refuse;
    otherwise the rdflib audit decides, and names the file and the axiom as before."""
    bad = dataset_copy / "graph" / "zz_axioms.ttl"
    axiom = ("<https://w3id.org/sse-graph/id/x> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
             "<https://w3id.org/sse-graph/id/y> .\n")
    same_as_term = ("<https://w3id.org/sse-graph/id/x> <http://www.w3.org/2002/07/owl#sameAs> "
                    "<https://w3id.org/sse-graph/ontology#Organisation> .\n")
    messages = {}
    for case, text in (("axiom", axiom), ("sameAs", same_as_term)):
        for state in ("cold", "warm"):
            cache = tmp_path / f"c-{case}"
            monkeypatch.setenv("SSE_GRAPH_CACHE", str(cache))
            if state == "warm":
                bad.unlink()
                build(dataset_copy, engine="fast", force=True)  # the compiled form is now cached
                assert _compiled(cache)
            bad.write_text(text, encoding="utf-8")
            with pytest.raises(InputError) as e:
                build(dataset_copy, engine="fast", force=True)
            messages[case, state] = str(e.value)
        assert messages[case, "cold"] == messages[case, "warm"]
        assert "zz_axioms.ttl" in messages[case, "warm"]
    bad.write_text("<https://w3id.org/sse-graph/id/x> <http://www.w3.org/2002/07/owl#sameAs> "
                   "<https://w3id.org/sse-graph/id/y> .\n", encoding="utf-8")  # between individuals: not refused
    try:
        build(dataset_copy, engine="fast", force=True)
    except ValidationFailed:  # the shapes may object to the two bare individuals; the audit does not
        pass


def _imports(args: list[str], cache: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the command line as ``python -m sse_graph`` does (``cli.main``) in a fresh
    process; its output and the modules it imported (``sys.modules`` at the end)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSE_GRAPH_CACHE": str(cache)}
    code = ("import json, sys; from sse_graph.cli import main; rc = main(sys.argv[1:]); "
            "print('MODULES ' + json.dumps(sorted(sys.modules)), file=sys.stderr); sys.exit(rc)")
    p = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    line = [x for x in p.stderr.splitlines() if x.startswith("MODULES ")]
    return p, set(json.loads(line[-1][len("MODULES "):])) if line else set()


def test_a_fast_build_imports_neither_rdflib_nor_the_other_commands(tmp_path):
    cache = tmp_path / "c"
    p, first = _imports(["build", "--engine", "fast", "--force", "--json"], cache)
    assert p.returncode == 0, p.stderr
    assert "rdflib" in first  # nothing compiled yet: the ontology and the shapes are read with rdflib
    p, names = _imports(["build", "--engine", "fast", "--force", "--json"], cache)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["validation"]["conforms"]
    assert "sse_graph.cli.data" in names and "sse_graph.build_compile" in names
    assert not {n for n in names if n.split(".")[0] in ("rdflib", "pyshacl", "owlrl", "pydantic")}
    assert not {n for n in names if n.startswith(("sse_graph.cli.questions", "sse_graph.cli.serve", "sse_graph.endpoint",
                                                  "sse_graph.questions"))}


def test_each_command_is_registered_by_the_family_the_table_names():
    """``sse_graph.cli.FAMILY_OF`` (which family a command line imports) against what the
    family modules register."""
    code = ("import json; from sse_graph import cli; app = cli.app; "
            "rows = [((c.name or c.callback.__name__).lower().replace('_', '-'), c.callback.__module__.rsplit('.', 1)[-1]) "
            "for c in app.registered_commands] + [(g.name, g.typer_instance.registered_commands[0].callback.__module__"
            ".rsplit('.', 1)[-1]) for g in app.registered_groups]; "
            "print(json.dumps([rows, cli.FAMILY_OF]))")
    p = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rows, table = json.loads(p.stdout)
    assert dict(rows) == table and len(rows) == len(table)


def test_every_command_reads_alike_whether_its_family_alone_or_all_are_registered():
    """A command line registers only its own family (and ``data``): each command's help
    must be what it is with every family registered (``sse_graph.cli.app``)."""
    from sse_graph.cli import FAMILY_OF

    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    lean = ("import sys; from sse_graph.cli import main; sys.exit(main(sys.argv[1:]))")
    full = ("import sys; from sse_graph.cli import app, main; sys.exit(main(sys.argv[1:]))")
    for command in FAMILY_OF:
        a, b = [subprocess.run([sys.executable, "-c", code, command, "--help"], env=env, cwd=ROOT, capture_output=True,
                               text=True, timeout=120) for code in (lean, full)]
        assert a.returncode == b.returncode == 0, (command, a.stderr)
        assert a.stdout == b.stdout and "Usage: sse-graph " + command in a.stdout, command
