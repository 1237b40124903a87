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
