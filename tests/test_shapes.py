"""One valid and one invalid fixture per SHACL rule; the invalid one fails for the rule it names."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from sse_graph.validate import validate_graph

ROOT = Path(__file__).resolve().parent.parent
SHAPES = Path(__file__).resolve().parent / "data" / "shapes"
RULES = sorted({p.stem.split("_")[0] for p in SHAPES.glob("S*_valid.ttl")})


def _data(fixture: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in (ROOT / "ontology" / "sse.ttl", ROOT / "ontology" / "concepts.ttl", ROOT / "graph" / "sources.ttl", fixture):
        g.parse(f, format="turtle")
    return g


def test_every_rule_of_the_shapes_has_fixtures():
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    declared = sorted({line.split("shp:")[1].split("-")[0] for line in shapes.splitlines() if line.startswith("shp:S")})
    assert RULES == declared


@pytest.mark.parametrize("rule", RULES)
def test_valid_fixture_conforms(rule):
    report = validate_graph(_data(SHAPES / f"{rule}_valid.ttl"), ROOT / "ontology" / "shapes.ttl", queries=False)
    assert report.conforms, report.violations


@pytest.mark.parametrize("rule", RULES)
def test_invalid_fixture_fails_for_its_rule(rule):
    report = validate_graph(_data(SHAPES / f"{rule}_invalid.ttl"), ROOT / "ontology" / "shapes.ttl", queries=False)
    assert not report.conforms
    assert {v.rule.split("-")[0] for v in report.violations} == {rule}, report.violations
    assert all(v.message for v in report.violations)


def test_messages_exist_in_french(tmp_path):
    report = validate_graph(_data(SHAPES / "S01_invalid.ttl"), ROOT / "ontology" / "shapes.ttl", lang="fr", queries=False)
    assert "adhésion" in report.violations[0].message


# The shapes compiled to SPARQL (the fast build's validation) against pyshacl, the reference.
def _compiled(graph: rdflib.Graph, lang: str = "en"):
    from sse_graph.validate import _to_store, validate_store

    return validate_store(_to_store(graph), ROOT / "ontology" / "shapes.ttl", lang=lang, queries=False)


def _keys(report):
    return {(v.rule, v.focus, v.path) for v in report.violations}


@pytest.mark.parametrize("fixture", sorted(p.name for p in SHAPES.glob("S*.ttl")))
def test_compiled_shapes_find_what_pyshacl_finds(fixture):
    data = _data(SHAPES / fixture)
    reference = validate_graph(data, ROOT / "ontology" / "shapes.ttl", queries=False)
    compiled = _compiled(data)
    assert _keys(compiled) == _keys(reference)
    if "invalid" in fixture:
        assert compiled.violations and all(v.message for v in compiled.violations)


def test_compiled_shapes_agree_with_pyshacl_on_the_seed_graph_with_errors_planted():
    """The reasoned seed graph, plus one error of each kind the shapes check."""
    from sse_graph import build
    from sse_graph.build import DATASET_FILE  # noqa: F401

    ds = rdflib.Dataset()
    ds.parse(build(ROOT).dataset_path, format="nquads")
    g = rdflib.Graph()
    for s, p, o, _c in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    assert _keys(_compiled(g)) == _keys(validate_graph(g, ROOT / "ontology" / "shapes.ttl", queries=False)) == set()
    planted = (SHAPES / "S05_invalid.ttl").read_text() + """
id:m2 a org:Membership ; org:member id:coop ; org:organization id:coop , id:fed ; org:role id:no-role ;
    sse:startDate "2018-13-45"^^xsd:date ; dcterms:source src:000_30352ab47c79168e .
id:coop skos:prefLabel "Coop"@en , "Co-op"@EN , "Coopérative"@fr .
"""
    g.parse(data=planted, format="turtle")
    reference = validate_graph(g, ROOT / "ontology" / "shapes.ttl", queries=False)
    assert len(_keys(reference)) >= 5
    assert _keys(_compiled(g)) == _keys(reference)
    assert {v.message for v in _compiled(g, "fr").violations} == \
        {v.message for v in validate_graph(g, ROOT / "ontology" / "shapes.ttl", lang="fr", queries=False).violations}


@pytest.mark.parametrize("constraint", ["sh:pattern \"^x\"", "sh:node shp:Other", "sh:hasValue shp:v", "sh:minLength 2"])
def test_compiled_shapes_refuse_what_they_do_not_compile(constraint):
    """A shape using SHACL beyond the compiled subset is refused, not checked less than pyshacl would."""
    from sse_graph.shapes import compile_shapes

    shapes = rdflib.Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix shp: <https://w3id.org/sse-graph/shapes#> .
        shp:S99-test a sh:NodeShape ; sh:targetClass shp:C ;
            sh:property [ sh:path shp:p ; {constraint} ] .""", format="turtle")
    with pytest.raises(NotImplementedError, match="S99"):
        compile_shapes(shapes)
