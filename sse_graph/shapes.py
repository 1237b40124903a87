"""The SHACL shapes compiled to SPARQL, for validating a large graph in the store.

pyshacl is the reference (``validate.py``) and runs the shapes on the seed
graph; at observatory scale it does not fit a build (95 s at 1M triples here,
most of it in rdflib).  This module reads ``ontology/shapes.ttl`` and turns each
constraint it uses into one SELECT that returns the focus nodes violating it,
with the rule ID, path and message that pyshacl would report.  The compiled
checks run in pyoxigraph on the reasoned graph.

Only the SHACL Core features the shapes use are compiled — targets by class and
by subject of a predicate, predicate paths, ``sh:minCount``, ``sh:maxCount``,
``sh:class``, ``sh:datatype`` (with the lexical form checked for the XSD types
SPARQL can cast), ``sh:or`` of datatypes, ``sh:uniqueLang`` and
``sh:qualifiedValueShape [ sh:class … ]`` with ``sh:qualifiedMinCount``.  A
shape that uses anything else makes :func:`compile_shapes` raise, rather than
check less than pyshacl would.  tests/test_shapes.py runs both on every fixture
and on the seed graph and expects the same violations.

The queries are shaped for pyoxigraph's in-memory store (see ``fastreason``):
what a constraint needs from the whole graph is a sub-query, hash-joined with the
targets, rather than a lookup per focus node.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from functools import lru_cache

import pyoxigraph as ox

__all__ = ["ShapeCheck", "compile_shapes", "run_shapes", "FOCUS_GRAPH", "FOCUS_MARK", "focus_pattern"]

# Scoped validation (an incremental build): the focus nodes to check are written as
# ``?n <FOCUS_MARK> ?n`` in this graph (blank nodes too, which VALUES cannot hold).
FOCUS_GRAPH = "urn:sse-graph:incremental:focus"
FOCUS_MARK = "urn:sse-graph:incremental:mark"


def focus_pattern(var: str = "focus") -> str:
    return f"GRAPH <{FOCUS_GRAPH}> {{ ?{var} <{FOCUS_MARK}> ?{var} }}"

RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@lru_cache(maxsize=1)
def _vocabulary():
    """(structure, constraints, castable): the sh: terms a compiled shape may use
    (anything else → NotImplementedError) and the datatypes whose lexical form SPARQL
    can check by casting, as rdflib terms.  rdflib is imported only to compile: running
    the compiled checks (a build whose shapes are compiled already) needs none."""
    from rdflib.namespace import SH, XSD

    structure = {SH.targetClass, SH.targetSubjectsOf, SH.property, SH.path, SH.message, SH.name, SH.description,
                 SH.severity}
    constraints = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["or"], SH.uniqueLang,
                   SH.qualifiedValueShape, SH.qualifiedMinCount}
    castable = {XSD.date, XSD.dateTime, XSD.time, XSD.gYear, XSD.gYearMonth, XSD.integer, XSD.decimal, XSD.double,
                XSD.float, XSD.boolean, XSD.duration}
    return structure, constraints, castable


@dataclass(frozen=True)
class ShapeCheck:
    """One constraint of one property shape, as a query returning ``?focus``."""

    rule: str
    path: str
    messages: dict = field(hash=False, compare=False)
    query: str = ""
    scoped: str = field(default="", hash=False, compare=False)  # the same, only on the nodes of FOCUS_GRAPH

    def message(self, lang: str) -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


def _rule_id(shape) -> str:
    text = str(shape)
    return text.rsplit("#", 1)[1] if "#S" in text else text


def _classes(cls: URIRef) -> str:
    """``VALUES ?t { … }``: the class and its sub-classes (SHACL's instance test
    follows rdfs:subClassOf in the data graph); the table is filled in at run time."""
    return f"VALUES ?t {{ @@{cls}@@ }}"


def _datatype_test(var: str, datatypes: list) -> str:
    """A FILTER expression true when ``var`` is a literal of one of ``datatypes``
    with a well-formed lexical form."""
    from rdflib.namespace import RDF

    _structure, _constraints, castable = _vocabulary()
    tests = []
    for dt in datatypes:
        if dt == RDF.langString:
            tests.append(f"(isLiteral({var}) && lang({var}) != \"\")")
        else:
            t = f"(isLiteral({var}) && datatype({var}) = <{dt}>"
            if dt in castable:
                t += f" && COALESCE(isLiteral(<{dt}>(STR({var}))), false)"
            tests.append(t + ")")
    return " || ".join(tests)


def compile_shapes(shapes: Graph) -> list[ShapeCheck]:
    """One :class:`ShapeCheck` per (property shape, constraint) of ``shapes``."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SH

    structure, constraints, _castable = _vocabulary()
    checks: list[ShapeCheck] = []
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        rule = _rule_id(shape)
        for p in shapes.predicates(shape, None):
            if str(p).startswith(str(SH)) and p not in structure:
                raise NotImplementedError(f"{rule}: node-level {p} is not compiled: use pyshacl")
        targets = [("class", c) for c in shapes.objects(shape, SH.targetClass)] + \
                  [("subjects", p) for p in shapes.objects(shape, SH.targetSubjectsOf)]
        if not targets:
            raise NotImplementedError(f"{rule}: a shape without sh:targetClass or sh:targetSubjectsOf")
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                raise NotImplementedError(f"{rule}: only predicate paths are compiled")
            for p in shapes.predicates(prop, None):
                if str(p).startswith(str(SH)) and p not in structure | constraints:
                    raise NotImplementedError(f"{rule}: {p} is not compiled: use pyshacl")
            messages = {m.language or "en": str(m) for m in shapes.objects(prop, SH.message) if isinstance(m, Literal)}
            target, scoped_target = _target(targets), _target(targets, scoped=True)
            bodies = zip(_constraints(shapes, prop, path, rule), _constraints(shapes, prop, path, rule, scoped=True))
            for body, scoped_body in bodies:
                checks.append(ShapeCheck(rule, str(path), messages, f"SELECT DISTINCT ?focus WHERE {{ {target} {body} }}",
                                         f"SELECT DISTINCT ?focus WHERE {{ {scoped_target} {scoped_body} }}"))
    return checks


def _target(targets: list[tuple[str, URIRef]], scoped: bool = False) -> str:
    """The focus nodes of a shape, once for all its targets: instances of its
    target classes (and their sub-classes), subjects of its target predicates
    (``scoped``: only those of the focus graph)."""
    parts = []
    classes = [t for kind, t in targets if kind == "class"]
    predicates = [t for kind, t in targets if kind == "subjects"]
    if scoped:  # from the focus graph, in each branch (a union, or VALUES, is evaluated apart, then joined)
        F = focus_pattern()
        if classes:
            parts.append(f"{{ {F} ?focus a ?t FILTER(?t IN ({' '.join(f'@@{c}@@' for c in classes)})) }}")
        if predicates:
            parts.append(f"{{ {F} ?focus ?tp ?any FILTER(?tp IN ({', '.join(f'<{p}>' for p in predicates)})) }}")
        return f"{{ SELECT DISTINCT ?focus WHERE {{ {' UNION '.join(parts)} }} }}"
    if classes:
        parts.append(f"{{ VALUES ?t {{ {' '.join(f'@@{c}@@' for c in classes)} }} ?focus a ?t }}")
    if predicates:
        parts.append(f"{{ VALUES ?tp {{ {' '.join(f'<{p}>' for p in predicates)} }} ?focus ?tp ?any }}")
    return f"{{ SELECT DISTINCT ?focus WHERE {{ {' UNION '.join(parts)} }} }}"


def _constraints(shapes: Graph, prop, path: URIRef, rule: str, scoped: bool = False) -> list[str]:
    """The constraints of a property shape, each a group joined with the focus nodes;
    ``scoped``: every sub-query starts from the focus graph, and the class tests are
    looked up per value, so that the cost follows the focus nodes, not the graph."""
    from rdflib import Literal
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    P = f"<{path}>"
    F = focus_pattern() if scoped else ""
    out = []
    lo = shapes.value(prop, SH.minCount)
    if lo is not None and int(lo) > 0:
        if int(lo) == 1:
            out.append(f"MINUS {{ SELECT ?focus WHERE {{ {F} ?focus {P} ?v }} }}")
        else:
            out.append(f"OPTIONAL {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {F} ?focus {P} ?v }} GROUP BY ?focus }} }} "
                       f"FILTER(!BOUND(?n) || ?n < {int(lo)})")
    hi = shapes.value(prop, SH.maxCount)
    if hi is not None:
        out.append(f"{{ SELECT ?focus WHERE {{ {F} ?focus {P} ?v }} GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) > {int(hi)}) }}")
    cls = shapes.value(prop, SH["class"])
    if cls is not None:
        if scoped:
            out.append(f"{{ SELECT ?focus ?v WHERE {{ {F} ?focus {P} ?v }} }} FILTER NOT EXISTS {{ {_classes(cls)} ?v a ?t }}")
        else:
            out.append(f"{{ SELECT ?focus ?v WHERE {{ ?focus {P} ?v }} }} "
                       f"MINUS {{ SELECT ?v WHERE {{ {_classes(cls)} ?v a ?t }} }}")
    dts = [shapes.value(prop, SH.datatype)] if shapes.value(prop, SH.datatype) is not None else []
    alternatives = shapes.value(prop, SH["or"])
    if alternatives is not None:
        members = list(Collection(shapes, alternatives))
        ors = [shapes.value(m, SH.datatype) for m in members]
        if None in ors or any(len(set(shapes.predicates(m, None))) != 1 for m in members):
            raise NotImplementedError(f"{rule}: sh:or is compiled only for alternatives of sh:datatype")
        out.append(f"{{ SELECT ?focus ?v WHERE {{ {F} ?focus {P} ?v }} }} FILTER(!({_datatype_test('?v', ors)}))")
    for dt in dts:
        out.append(f"{{ SELECT ?focus ?v WHERE {{ {F} ?focus {P} ?v }} }} FILTER(!({_datatype_test('?v', [dt])}))")
    if shapes.value(prop, SH.uniqueLang) == Literal(True):
        out.append(f"{{ SELECT ?focus WHERE {{ {F} ?focus {P} ?v BIND(LCASE(LANG(?v)) AS ?l) FILTER(?l != \"\") }} "
                   "GROUP BY ?focus ?l HAVING (COUNT(DISTINCT ?v) > 1) }")
    qshape = shapes.value(prop, SH.qualifiedValueShape)
    if qshape is not None:
        qcls = shapes.value(qshape, SH["class"])
        qmin = shapes.value(prop, SH.qualifiedMinCount)
        if qcls is None or qmin is None or len(set(shapes.predicates(qshape, None))) != 1 or \
                shapes.value(prop, SH.qualifiedMaxCount) is not None:
            raise NotImplementedError(f"{rule}: qualified shapes are compiled only as [ sh:class C ] with a minimum")
        typed = f"FILTER EXISTS {{ {_classes(qcls)} ?v a ?t }}" if scoped else f"{{ SELECT ?v WHERE {{ {_classes(qcls)} ?v a ?t }} }}"
        out.append(f"OPTIONAL {{ {{ SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {F} ?focus {P} ?v "
                   f"{typed} }} GROUP BY ?focus }} }} "
                   f"FILTER(!BOUND(?n) || ?n < {int(qmin)})")
    return out


def _subclasses(store: ox.Store, cls: str, default_graph) -> str:
    res = store.query(f"SELECT DISTINCT ?t WHERE {{ ?t <{RDFS_SUBCLASSOF}>* <{cls}> }}", **default_graph)
    return " ".join(f"<{r['t'].value}>" for r in res if isinstance(r["t"], ox.NamedNode)) or f"<{cls}>"


def run_shapes(store: ox.Store, checks: list[ShapeCheck], *, union: bool = False, threads: int = 1,
               graphs: list[str] | None = None, scoped: bool = False):
    """Run the compiled checks on the default graph of ``store`` (or the union of
    its graphs, or the union of ``graphs``); returns ``(check, focus IRI)`` for each
    violation.  ``scoped``: only on the focus nodes of :data:`FOCUS_GRAPH`.
    pyoxigraph releases the GIL while it evaluates, so ``threads`` queries run at once."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    kwargs = {"use_default_graph_as_union": True} if union else {}
    if graphs is not None:
        kwargs = {"default_graph": [ox.NamedNode(g) for g in graphs], "named_graphs": [ox.NamedNode(FOCUS_GRAPH)]}
    cache: dict[str, str] = {}
    sub = {k: v for k, v in kwargs.items() if k != "named_graphs"}

    def classes(m: re.Match) -> str:  # each class's sub-classes read once (15 classes in 73 places)
        if m.group(1) not in cache:
            cache[m.group(1)] = _subclasses(store, m.group(1), sub)
        return cache[m.group(1)]

    queries = [re.sub(r"@@([^@]+)@@", classes, c.scoped if scoped else c.query) for c in checks]
    if scoped:  # the class lists inside IN ( … ) take commas
        queries = [re.sub(r"IN \(([^()]*)\)", lambda m: "IN (" + ", ".join(m.group(1).replace(",", " ").split()) + ")", q)
                   for q in queries]

    def run(i: int) -> list[tuple[ShapeCheck, str]]:
        return [(checks[i], sol["focus"].value) for sol in store.query(queries[i], **kwargs)]

    with ThreadPoolExecutor(max(1, threads)) as pool:
        return [hit for hits in pool.map(run, range(len(checks))) for hit in hits]
