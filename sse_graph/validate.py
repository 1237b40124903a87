"""Validation: the SHACL shapes (pyshacl) and the ``*_violation.rq`` queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .queries import violation_queries

__all__ = ["Violation", "ValidationReport", "validate_graph", "validate_store"]


@dataclass(frozen=True)
class Violation:
    """One failed rule: the rule ID, the node, the path and the message."""

    rule: str
    focus: str
    path: str
    message: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "focus": self.focus, "path": self.path, "message": self.message}


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violation_count(self) -> int:
        return len(self.violations)

    def as_dict(self) -> dict:
        return {"conforms": self.conforms, "violations": [v.as_dict() for v in self.violations]}

    @classmethod
    def from_dict(cls, d: dict) -> "ValidationReport":
        return cls([Violation(**v) for v in d.get("violations", [])])


def _rule_id(shapes: Graph, shape) -> str:
    """The stable rule ID of a (possibly nested property) shape: S01 ..."""
    from rdflib.namespace import SH

    node = shape
    for _ in range(3):
        text = str(node)
        if "#S" in text:
            return text.rsplit("#", 1)[1]
        parents = list(shapes.subjects(SH.property, node))
        if not parents:
            break
        node = parents[0]
    return str(shape)


def _message(report: Graph, result, lang: str) -> str:
    from rdflib.namespace import SH

    msgs = list(report.objects(result, SH.resultMessage))
    for m in msgs:
        if getattr(m, "language", None) == lang:
            return str(m)
    return str(msgs[0]) if msgs else ""


def validate_graph(data: Graph, shapes_path: Path, *, lang: str = "en", queries: bool = True) -> ValidationReport:
    """Run the shapes of ``shapes_path`` and (unless ``queries=False``) every
    violation query on ``data`` (the reasoned graph: types materialised)."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    shapes = Graph().parse(shapes_path, format="turtle")
    _conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    violations = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        violations.append(
            Violation(
                rule=_rule_id(shapes, report_graph.value(result, SH.sourceShape)),
                focus=str(report_graph.value(result, SH.focusNode)),
                path=str(report_graph.value(result, SH.resultPath) or ""),
                message=_message(report_graph, result, lang),
            )
        )
    if queries:
        # the checks run in pyoxigraph: rdflib's engine evaluates MINUS and NOT EXISTS row by row
        violations += _violation_queries(_to_store(data))
    violations.sort(key=lambda v: (v.rule, v.focus, v.path))
    return ValidationReport(violations)


def _to_store(data: Graph):
    import pyoxigraph as ox

    from .load import to_oxigraph

    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph()) for s, p, o in data)
    return store


def _violation_queries(store, **kwargs) -> list[Violation]:
    out = []
    for name, query in violation_queries():
        for sol in store.query(query.text, **kwargs):
            focus = sol[0].value if sol[0] is not None else ""
            out.append(Violation(rule=name, focus=focus, path="", message=query.question))
    return out


def validate_store(store, shapes_path: Path, *, lang: str = "en", queries: bool = True,
                   union: bool = False, checks=None) -> ValidationReport:
    """The same validation as :func:`validate_graph`, in a pyoxigraph store: the
    shapes compiled to SPARQL (``shapes.py``) and the violation queries, on its
    default graph (or the union of its graphs).  For graphs too large for pyshacl."""
    from .shapes import compile_shapes, run_shapes

    import os
    from concurrent.futures import ThreadPoolExecutor

    if checks is None:  # the shapes of shapes_path, compiled (the build passes them compiled already)
        from rdflib import Graph

        checks = compile_shapes(Graph().parse(shapes_path, format="turtle"))
    threads = min(4, os.cpu_count() or 1)
    kwargs = {"use_default_graph_as_union": True} if union else {}
    with ThreadPoolExecutor(1) as side:  # the violation queries beside the shapes (pyoxigraph releases the GIL)
        pending = side.submit(_violation_queries, store, **kwargs) if queries else None
        violations = [Violation(rule=c.rule, focus=focus, path=c.path, message=c.message(lang))
                      for c, focus in run_shapes(store, checks, union=union, threads=threads)]
        if pending is not None:
            violations += pending.result()
    violations = sorted(set(violations), key=lambda v: (v.rule, v.focus, v.path))
    return ValidationReport(violations)
