"""`sse-graph evidence verify` and `coverage`: quotes re-found in code points, moved
quotes with their new offsets, absent quotes and facts without an anchor named
with file:line, nothing written; the seed texts when they are there."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from sse_graph.cli import main
from sse_graph.evidence import coverage, find_quote, verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "data" / "evidence"
TEXTS = FIXTURE / "texts"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def fixture_copy(tmp_path):
    """A copy of the evidence fixture that a test may break, with a snapshot of its files."""
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    return root


def _snapshot(root: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "graph" / "900_fixture.ttl"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, needle: str) -> int:
    lines = (root / "graph" / "900_fixture.ttl").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(needle))


# ------------------------------------------------------------------ code points
def test_offsets_count_code_points_not_bytes():
    text = (TEXTS / "900_fixture.txt").read_bytes().decode("utf-8")
    start, end = find_quote(text, "Économie 한국")
    assert text[start:end] == "Économie 한국"
    assert (start, end) == (65, 76)                        # code points
    assert len(text[:start].encode("utf-8")) == 72         # bytes: é, 서울 and the rest differ
    assert end - start == 11 and len("Économie 한국".encode("utf-8")) == 16


def test_prefix_and_suffix_choose_among_several_occurrences():
    text = (TEXTS / "900_fixture.txt").read_bytes().decode("utf-8")
    assert find_quote(text, "Le Réseau 서울") == (0, 12)
    assert find_quote(text, "Le Réseau 서울", prefix="Réseau 서울.\n", suffix=" compte aussi") == (102, 114)
    assert find_quote(text, "Le Réseau 서울", hint=100) == (102, 114)
    assert find_quote(text, "Le Réseau de Séoul") is None


# ------------------------------------------------------------------ verify
def test_verify_on_the_fixture_finds_every_quote_exactly(capsys):
    report = verify(FIXTURE, TEXTS)
    assert report.ok
    [s] = report.sources
    assert (s.facts, s.anchored, s.exact, s.moved, s.not_found, s.curator_notes) == (7, 7, 4, 0, 0, 1)
    assert main(["evidence", "verify", str(TEXTS), "--data", str(FIXTURE)]) == 0
    assert "every fact is anchored" in capsys.readouterr().out


def test_a_moved_quote_is_reported_with_its_new_offsets(fixture_copy, capsys):
    _edit(fixture_copy, "oa:start 18 ; oa:end 49", "oa:start 20 ; oa:end 51")
    before = _snapshot(fixture_copy)
    assert main(["evidence", "verify", str(fixture_copy / "texts"), "--data", str(fixture_copy), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [moved] = report["moved"]
    assert moved["evidence"].endswith("900-members")
    assert (moved["start"], moved["end"], moved["new_start"], moved["new_end"]) == (20, 51, 18, 49)
    assert report["sources"][0]["moved"] == 1 and report["ok"]
    assert _snapshot(fixture_copy) == before
    assert main(["evidence", "verify", str(fixture_copy / "texts"), "--data", str(fixture_copy)]) == 0
    assert "20-51 -> 18-49" in capsys.readouterr().out


def test_a_moved_quote_written_twice_is_placed_by_its_prefix_and_suffix(fixture_copy):
    _edit(fixture_copy, "oa:start 102 ; oa:end 114", "oa:start 5 ; oa:end 17")
    report = verify(fixture_copy, fixture_copy / "texts")
    [moved] = report.moved
    assert (moved.new_start, moved.new_end) == (102, 114)


def test_an_absent_quote_fails_naming_the_evidence_and_its_line(fixture_copy, capsys):
    _edit(fixture_copy, 'oa:exact "compte 17 membres au 31/12/2018"', 'oa:exact "compte 71 membres au 31/12/2018"')
    before = _snapshot(fixture_copy)
    assert main(["evidence", "verify", str(fixture_copy / "texts"), "--data", str(fixture_copy)]) == 1
    captured = capsys.readouterr()
    line = _line_of(fixture_copy, "ev:900-members")
    assert f"not found: https://w3id.org/sse-graph/evidence/900-members (graph/900_fixture.ttl:{line})" in captured.err
    assert "compte 71 membres" in captured.err
    assert _snapshot(fixture_copy) == before


def test_a_fact_without_an_anchor_fails_naming_the_fact_and_its_line(fixture_copy, capsys):
    _edit(fixture_copy, "sse:countOf id:reseau-seoul ; sse:value 17 ;\n    prov:wasDerivedFrom ev:900-members ;",
          "sse:countOf id:reseau-seoul ; sse:value 17 ;")
    before = _snapshot(fixture_copy)
    assert main(["evidence", "verify", str(fixture_copy / "texts"), "--data", str(fixture_copy)]) == 1
    err = capsys.readouterr().err
    line = _line_of(fixture_copy, "id:c-reseau-members")
    assert f"no anchor: graph/900_fixture.ttl:{line}: record id:c-reseau-members" in err
    assert _snapshot(fixture_copy) == before


def test_an_attribute_without_its_statement_fails(fixture_copy):
    _edit(fixture_copy, "    sse:level sse:level-local ;\n", "    sse:level sse:level-local ; sse:basedIn id:place-kr-11 ;\n")
    report = verify(fixture_copy, fixture_copy / "texts")
    assert [(f.kind, f.text, f.line) for f in report.unanchored] == \
        [("attribute", "id:reseau-seoul sse:basedIn id:place-kr-11", _line_of(fixture_copy, "id:reseau-seoul"))]


def test_an_anchor_to_nothing_is_a_problem(fixture_copy):
    _edit(fixture_copy, "prov:wasDerivedFrom ev:900-members ;", "prov:wasDerivedFrom ev:900-nowhere ;")
    report = verify(fixture_copy, fixture_copy / "texts")
    assert not report.ok
    assert any("ev:900-nowhere, which is not a piece of evidence" in p for p in report.problems)


def test_a_wrong_text_file_is_bad_input_naming_it(fixture_copy, capsys):
    text = fixture_copy / "texts" / "900_fixture.txt"
    text.write_bytes(text.read_bytes() + b"\n")
    assert main(["evidence", "verify", str(fixture_copy / "texts"), "--data", str(fixture_copy)]) == 2
    err = capsys.readouterr().err
    assert "900_fixture.txt" in err and "SHA-256" in err


def test_no_folder_of_texts_is_bad_input(tmp_path, capsys):
    assert main(["evidence", "verify", str(tmp_path / "nope"), "--data", str(FIXTURE)]) == 2
    assert "nope" in capsys.readouterr().err


# ------------------------------------------------------------------ coverage
def test_coverage_of_the_fixture(capsys):
    report = coverage(FIXTURE, TEXTS)
    assert report.ok and [(d.modelled, d.not_modelled, d.share) for d in report.documents] == [(4, 0, 1.0)]
    assert main(["evidence", "coverage", str(TEXTS), "--data", str(FIXTURE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"][0]["share"] == 1.0


def test_coverage_below_target_or_with_a_broken_row_fails(fixture_copy, capsys):
    tsv = fixture_copy / "graph" / "coverage" / "900_fixture.tsv"
    tsv.write_text(tsv.read_text(encoding="utf-8") +
                   "0\t2\tLe\tnot-modelled\t\tonly a word\n"
                   "5\t9\tzzzz\tmodelled\tid:nobody\t\n", encoding="utf-8")
    assert main(["evidence", "coverage", str(fixture_copy / "texts"), "--data", str(fixture_copy)]) == 1
    captured = capsys.readouterr()
    assert "80.0%" in captured.out
    assert "graph/coverage/900_fixture.tsv:7" in captured.err
    assert "id:nobody: no such fact" in captured.err and "not in the text" in captured.err


# ------------------------------------------------------------------ the seed texts
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed texts are not in {SEEDS} (the project does not ship them)")
def test_verify_passes_on_the_seed_texts(capsys):
    code = main(["evidence", "verify"])
    captured = capsys.readouterr()
    assert code == 0, captured.err[-3000:]


# ------------------------------------------------------------------ the shape (validate, without the texts)
def test_the_shape_catches_a_fact_without_an_anchor_in_both_engines():
    import rdflib

    from sse_graph.validate import _to_store, validate_graph, validate_store

    g = rdflib.Graph()
    for f in (ROOT / "ontology" / "sse.ttl", ROOT / "ontology" / "concepts.ttl", ROOT / "graph" / "sources.ttl",
              ROOT / "tests" / "data" / "shapes" / "S12_invalid.ttl"):
        g.parse(f, format="turtle")
    shapes = ROOT / "ontology" / "shapes.ttl"
    for report in (validate_graph(g, shapes, queries=False), validate_store(_to_store(g), shapes, queries=False)):
        assert {(v.rule, v.focus) for v in report.violations} == {
            ("S12-fact-anchored", "https://w3id.org/sse-graph/id/m1"),
            ("S12-fact-anchored", "https://w3id.org/sse-graph/id/ann")}
    fr = validate_graph(g, shapes, lang="fr", queries=False)
    assert all("preuve" in v.message for v in fr.violations)
