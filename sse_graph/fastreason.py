"""A fast OWL 2 RL materialiser for this ontology, running as SPARQL queries in pyoxigraph.

owlrl is the reference (``reason.py``): it is exact but grows faster than
linearly (480 s for 200k triples here).  This engine compiles the rules that
the ontology's axioms actually exercise into a few rules — one per rule family,
with the TBox closure precomputed and passed as ``VALUES`` — and runs them as
``CONSTRUCT`` queries over the union of a pyoxigraph store's named graphs, each
writing what it derives to a graph of its own (every triple is held once), to a
fixpoint, by semi-naive evaluation (:func:`materialise`):

=============  =====================================================
cax-sco        instance of a subclass → instance of its superclasses
cax-eqc        equivalent classes (both ways)
prp-spo1       sub-property → super-property
prp-inv        inverse properties
prp-trp        transitive properties
prp-spo2       property chains of length 2 (``owl:propertyChainAxiom``)
prp-dom/rng    domain and range typing
cls-hv1/hv2    ``owl:hasValue`` restrictions
eq-sym/rep     ``owl:sameAs`` between individuals (symmetric, and every
               triple copied to the other name; transitivity follows)
cls-thing      members of a declared ``owl:Class`` are ``owl:Thing``
cax-dw         ``owl:disjointWith``, checked after the closure
eq-diff1       ``owl:differentFrom`` against ``owl:sameAs``, checked
cls-nothing2   members of ``owl:Nothing``, checked
=============  =====================================================

Every other construct of the RDFS/OWL vocabularies is refused, file and axiom
named (:func:`audit_ontology`, :func:`audit_data`): :data:`CONSTRUCTS` says, for
each term, whether it is implemented, checked, harmless (a declaration or an
annotation, no inference) or refused; a term it does not list is refused.  The
only differences from owlrl that remain are listed in :data:`DIFFERENCES`
(read by the differential tests).

The differential test (tests/test_fastreason.py) checks that the inferred
instance-level triples are exactly owlrl's, after the documented
normalisations (owlrl's TBox and axiomatic triples are left out; see
``abox``).  Anything the ontology uses beyond these rules makes
:func:`compile_rules` raise, rather than silently reasoning less.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable

import pyoxigraph as ox

from .errors import InputError

__all__ = ["compile_rules", "materialise", "update_closure", "DeltaClosure", "Rules", "CONSTRUCTS", "DIFFERENCES", "audit_ontology", "audit_data",
           "inconsistencies", "Unsupported"]

OWL_NS = "http://www.w3.org/2002/07/owl#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_VOCABULARIES = (OWL_NS, RDFS_NS)


class _IRIs:
    """A vocabulary's terms as plain IRI strings (``_IRIs(OWL_NS).sameAs``): the tables
    below and the rules at run time need no rdflib.  Only compiling the rules and auditing
    the ontology read rdflib terms; they import rdflib's own ``OWL``, ``RDF``, ``RDFS``
    (a build whose rules are compiled already never imports rdflib: ``build_compile``)."""

    def __init__(self, namespace: str):
        self._ns = namespace

    def __getattr__(self, name: str) -> str:
        return self._ns + name


OWL, RDF, RDFS = _IRIs(OWL_NS), _IRIs(RDF_NS), _IRIs(RDFS_NS)

# What the fast engine does with each term of the RDFS/OWL vocabularies, as a
# predicate or as the object of rdf:type.  "rules": compiled into rules;
# "check": an inconsistency check after the closure; "none": a declaration or
# an annotation (OWL 2 RL draws nothing from it that the rules above miss);
# anything else, or a term not listed, is refused.
CONSTRUCTS: dict[str, str] = {
    **{str(t): "rules" for t in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty,
                                 OWL.inverseOf, OWL.TransitiveProperty, OWL.propertyChainAxiom, RDFS.domain,
                                 RDFS.range, OWL.hasValue, OWL.onProperty, OWL.Restriction, OWL.sameAs,
                                 OWL.Thing, OWL.Class)},
    **{str(t): "check" for t in (OWL.disjointWith, OWL.differentFrom, OWL.Nothing)},
    **{str(t): "none" for t in (RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, RDFS.Class,
                                RDFS.Datatype, RDFS.Literal, RDFS.Resource, OWL.Ontology, OWL.imports,
                                OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, OWL.backwardCompatibleWith,
                                OWL.incompatibleWith, OWL.deprecated, OWL.ObjectProperty, OWL.DatatypeProperty,
                                OWL.AnnotationProperty, OWL.NamedIndividual, OWL.DeprecatedClass,
                                OWL.DeprecatedProperty, OWL.OntologyProperty)},
}
# The terms of an ontology a data file may use (the rest are TBox axioms, or refused).
DATA_TERMS = {str(t) for t in (RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.sameAs,
                                 OWL.differentFrom, OWL.Thing, OWL.Nothing, OWL.NamedIndividual, OWL.versionInfo,
                                 OWL.deprecated)}

# Where the fast closure differs from owlrl's, every case, in one place: the
# differential tests compare the closures after exactly these normalisations
# (``abox``) and nothing else.
DIFFERENCES: dict[str, str] = {
    "tbox": "owlrl's TBox closure (reflexive and owl:Thing sub-classes, property characteristics) is not "
            "materialised; only the sub-class and sub-property pairs that queries use are inserted",
    "axiomatic": "no triple about a term of the RDF/RDFS/OWL/XSD vocabularies themselves",
    "blank": "no triple with a blank node (owlrl types members of restrictions with the restriction's node)",
    "literal-subject": "no triple with a literal subject (owlrl's generalised RDF)",
    "reflexive-sameAs": "owlrl makes every resource owl:sameAs itself (eq-ref); the fast engine does not",
    "ontology-terms": "triples about a term of the ontology (a class, a property) other than its types "
                      "(owlrl reasons about them as individuals too)",
}


class Unsupported(InputError):
    """An axiom the fast engine does not implement: ``str()`` names it and its file."""

    def __init__(self, where: str, s, p, o, why: str):
        self.where, self.axiom = where, (str(s), str(p), str(o))
        super().__init__(f"{where}: {why}: <{s}> <{p}> {_show(o)} (build with --engine owlrl)")


def _show(term) -> str:
    from rdflib import BNode, URIRef

    return f"<{term}>" if isinstance(term, URIRef) else (f"_:{term}" if isinstance(term, BNode) else repr(str(term)))


def _vocabulary_terms(s, p, o):
    """The RDFS/OWL terms a triple uses as predicate or as the class of rdf:type."""
    from rdflib.namespace import RDF
    if str(p).startswith(_VOCABULARIES):
        yield p
    if p == RDF.type and str(o).startswith(_VOCABULARIES):
        yield o


def audit_ontology(triples, where: str) -> None:
    """Refuse (:class:`Unsupported`) an ontology file that uses a construct the fast
    engine neither implements nor checks."""
    from rdflib.namespace import OWL

    triples = list(triples)
    refused = {term: (s, p, o) for s, p, o in triples for term in _vocabulary_terms(s, p, o) if str(term) not in CONSTRUCTS}
    if refused:
        term = min(refused, key=str)
        names = ", ".join(sorted(_qname(t) for t in refused))
        raise Unsupported(where, *refused[term], f"the fast engine does not implement {names}")
    for s, p, o in triples:
        if p == OWL.sameAs and s != o:
            raise Unsupported(where, s, p, o, "owl:sameAs between terms of the ontology is not implemented")


def audit_data(triples, where: str, ontology_terms: set) -> None:
    """Refuse a data file that holds TBox axioms or constructs the fast engine does not
    implement (owlrl would reason with them; the fast engine reads axioms from the
    ontology only)."""
    from rdflib.namespace import OWL

    for s, p, o in triples:
        for term in _vocabulary_terms(s, p, o):
            if str(term) not in DATA_TERMS:
                raise Unsupported(where, s, p, o, f"a TBox axiom or construct ({_qname(term)}) in a data file "
                                  "(axioms belong in ontology/)")
        if p == OWL.sameAs and (s in ontology_terms or o in ontology_terms):
            raise Unsupported(where, s, p, o, "owl:sameAs on a term of the ontology is not implemented")


def data_audit_terms() -> list[str]:
    """The RDFS/OWL terms a data file may not use (every term of the two
    vocabularies, as rdflib lists them, but :data:`DATA_TERMS`): looked up one by one
    in each data graph's indexes rather than scanning the graph (5.7 s at 128k triples)."""
    from rdflib.namespace import OWL, RDFS

    terms = {str(OWL[k]) for k in OWL.__annotations__} | {str(RDFS[k]) for k in RDFS.__annotations__} | set(CONSTRUCTS)
    return sorted(t for t in terms if t.startswith(_VOCABULARIES) and t not in DATA_TERMS)


def _qname(term) -> str:
    for prefix, ns in (("owl", OWL_NS), ("rdfs", RDFS_NS), ("rdf", RDF_NS)):
        if str(term).startswith(ns):
            return f"{prefix}:{str(term)[len(ns):]}"
    return f"<{term}>"

SUPPORTED = {
    RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.inverseOf, OWL.propertyChainAxiom,
    RDFS.domain, RDFS.range, OWL.hasValue, OWL.onProperty,
}  # IRIs


@dataclass(frozen=True)
class Rule:
    """One compiled rule: ``head`` follows from the conjunction of ``atoms``
    (triple patterns) and ``where`` (a VALUES table or a FILTER).  ``reads``
    lists, per atom, the predicates it can match; ``closed`` says that the rule
    derives nothing new from its own output (sub-class closure, inverses …), so
    it never needs to read it back."""

    name: str
    head: str
    atoms: tuple[str, ...]
    where: str = ""
    reads: tuple[frozenset | None, ...] = ()  # None: any predicate
    closed: bool = True
    needs: str | None = None  # a predicate without which the rule cannot fire (skipped until one exists)
    lookup: tuple[int, ...] = ()  # atoms looked up binding by binding (not hash-joined: they match anything)
    transitive: str | None = None  # prp-trp on this property, closed by a graph search rather than a join


@dataclass
class Rules:
    """The compiled rules and the TBox triples owlrl derives (sub-class and
    sub-property closure), inserted once."""

    rules: list[Rule]
    tbox: list[str] = field(default_factory=list)
    disjoint: list[tuple[str, str]] = field(default_factory=list)  # pairs of disjoint classes (cax-dw)


def _closure(pairs: set[tuple]) -> set[tuple]:
    """Reflexive-free transitive closure of a relation given as pairs."""
    succ = defaultdict(set)
    for a, b in pairs:
        succ[a].add(b)
    out = set()
    for a in list(succ):
        stack, seen = list(succ[a]), set()
        while stack:
            b = stack.pop()
            if b in seen:
                continue
            seen.add(b)
            stack.extend(succ.get(b, ()))
        out.update((a, b) for b in seen if b != a)
    return out


def _values(rows: list[tuple]) -> str:
    return " ".join("(" + " ".join(f"<{x}>" for x in r) + ")" for r in rows)


def compile_rules(tbox: Graph) -> Rules:
    """Compile the ontology graph's axioms into SPARQL updates."""
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL, RDF, RDFS

    restrictions = {}
    for r in tbox.subjects(OWL.hasValue, None):
        restrictions[r] = (tbox.value(r, OWL.onProperty), tbox.value(r, OWL.hasValue))
    for r in tbox.subjects(RDF.type, OWL.Restriction):
        if r not in restrictions:
            used = sorted(str(p).rsplit("#", 1)[-1] for p in tbox.predicates(r, None) if str(p).startswith(str(OWL))
                          and p != OWL.onProperty)
            raise NotImplementedError(f"a restriction on <{tbox.value(r, OWL.onProperty)}> with owl:{', owl:'.join(used)} "
                                      "(only owl:hasValue restrictions are compiled)")
    for s_, p_, o_ in tbox:
        for term in _vocabulary_terms(s_, p_, o_):
            if str(term) not in CONSTRUCTS:
                raise NotImplementedError(f"{_qname(term)} is used by the ontology (<{s_}> <{p_}> {_show(o_)})")
        if p_ == OWL.sameAs and s_ != o_:
            raise NotImplementedError(f"owl:sameAs between terms of the ontology (<{s_}> owl:sameAs {_show(o_)})")

    # class hierarchy (hasValue restrictions become classes of their own)
    sub = set()
    for c, d in tbox.subject_objects(RDFS.subClassOf):
        sub.add((c, d))
    for c, d in tbox.subject_objects(OWL.equivalentClass):
        sub.add((c, d))
        sub.add((d, c))
    sub_c = _closure(sub)
    prop_sub = set(tbox.subject_objects(RDFS.subPropertyOf))
    for p, q in tbox.subject_objects(OWL.equivalentProperty):
        prop_sub |= {(p, q), (q, p)}
    prop_c = _closure(prop_sub)
    inverses = set()
    for p, q in tbox.subject_objects(OWL.inverseOf):
        inverses |= {(p, q), (q, p)}
    transitive = list(tbox.subjects(RDF.type, OWL.TransitiveProperty))
    chains = []
    for p, lst in tbox.subject_objects(OWL.propertyChainAxiom):
        steps = [_chain_step(tbox, step, p) for step in Collection(tbox, lst)]
        if len(steps) != 2:
            raise NotImplementedError(f"property chain of {len(steps)} steps on <{p}> (only 2 are compiled)")
        chains.append((steps[0], steps[1], p))
    domains = list(tbox.subject_objects(RDFS.domain))
    ranges = list(tbox.subject_objects(RDFS.range))

    def iri_pairs(pairs):
        return [(a, b) for a, b in pairs if isinstance(a, URIRef) and isinstance(b, URIRef)]

    TYPE = frozenset({str(RDF.type)})

    def pair_rule(name: str, head: str, columns: str, pairs, extra: str = "") -> Rule:
        """``head`` from ``?x ?p ?y`` for each (property, second term) pair of the TBox closure."""
        return Rule(name, head, ("?x ?p ?y",), f"VALUES {columns} {{ {_values(iri_pairs(pairs))} }} {extra}".strip(),
                    (frozenset(str(a) for a, _b in iri_pairs(pairs)),))

    rules: list[Rule] = []
    named = [(a, b) for a, b in sub_c if isinstance(a, URIRef) and isinstance(b, URIRef)]
    if named:
        rules.append(Rule("cax-sco", "?x a ?d", ("?x a ?c",), f"VALUES (?c ?d) {{ {_values(named)} }}", (TYPE,)))
    # hasValue: (restriction ⊑/≡ class) handled through the class hierarchy on the restriction's own typing
    hv_in, hv_out = [], []
    for r, (p, v) in restrictions.items():
        supers = {d for c, d in sub_c if c == r and isinstance(d, URIRef)}
        subs = {c for c, d in sub_c if d == r and isinstance(c, URIRef)}
        for d in supers:  # cls-hv2 + cax-sco: x p v → x a d
            hv_in.append((p, v, d))
        for c in subs:  # cax-sco + cls-hv1: x a c → x p v
            hv_out.append((c, p, v))
    if hv_in:
        rules.append(Rule("cls-hv2", "?x a ?d", ("?x ?p ?v",), f"VALUES (?p ?v ?d) {{ {_values(hv_in)} }}",
                          (frozenset(str(p) for p, _v, _d in hv_in),)))
    if hv_out:
        rules.append(Rule("cls-hv1", "?x ?p ?v", ("?x a ?c",), f"VALUES (?c ?p ?v) {{ {_values(hv_out)} }}", (TYPE,)))
    if prop_c:
        rules.append(pair_rule("prp-spo1", "?x ?q ?y", "(?p ?q)", prop_c))
    if inverses:
        # not closed: a property with two inverses makes each the other's sub-property through it
        rules.append(replace(pair_rule("prp-inv", "?y ?q ?x", "(?p ?q)", inverses, "FILTER(!isLiteral(?y))"),
                             closed=False))
    for (p1, inv1), (p2, inv2), p in chains:
        first = f"?y <{p1}> ?x" if inv1 else f"?x <{p1}> ?y"
        second = f"?z <{p2}> ?y" if inv2 else f"?y <{p2}> ?z"
        rules.append(Rule(f"prp-spo2 {p}", f"?x <{p}> ?z", (first, second), "",
                          (frozenset({str(p1)}), frozenset({str(p2)})), closed=p not in (p1, p2)))
    for p in transitive:
        # a join would find each pair of a cycle of n once per node of the cycle (n times the
        # work per derived triple); a search from each node finds it once (benchmarks/cycles.py)
        rules.append(Rule(f"prp-trp {p}", f"?x <{p}> ?z", (f"?x <{p}> ?y", f"?y <{p}> ?z"), "",
                          (frozenset({str(p)}), frozenset({str(p)})), transitive=str(p)))
    if domains:
        rules.append(pair_rule("prp-dom", "?x a ?c", "(?p ?c)", domains))
    if ranges:
        rules.append(pair_rule("prp-rng", "?y a ?c", "(?p ?c)", ranges, "FILTER(!isLiteral(?y))"))
    # cls-thing through scm-cls and cax-sco: a member of a declared owl:Class (or of a
    # sub-class of one) is an owl:Thing — not any typed resource (a skos:Concept, a property)
    declared = set(tbox.subjects(RDF.type, OWL.Class))  # owlrl: not owl:Restriction (differential seed 68)
    things = {c for c in declared if isinstance(c, URIRef)} | \
             {c for c, d in sub_c if d in declared and isinstance(c, URIRef)}
    things.discard(OWL.Thing)
    if things:
        rules.append(Rule("owl:Thing", "?x a <http://www.w3.org/2002/07/owl#Thing>", ("?x a ?c",),
                          f"VALUES ?c {{ {' '.join(f'<{c}>' for c in sorted(things))} }} FILTER(isIRI(?x))", (TYPE,)))
    # owl:sameAs between individuals: symmetric, and each name gets the other's triples
    # (eq-sym, eq-rep-s, eq-rep-o; eq-trans follows from eq-rep-o on owl:sameAs itself)
    same = str(OWL.sameAs)
    sames = frozenset({same})
    rules.append(Rule("eq-sym", f"?y <{same}> ?x", (f"?x <{same}> ?y",), "FILTER(?x != ?y)", (sames,), needs=same))
    rules.append(Rule("eq-rep-s", "?t ?p ?o", (f"?s <{same}> ?t", "?s ?p ?o"), "FILTER(?s != ?t)", (sames, None),
                      closed=False, needs=same, lookup=(1,)))
    rules.append(Rule("eq-rep-o", "?s ?p ?t", (f"?o <{same}> ?t", "?s ?p ?o"), "FILTER(?o != ?t)", (sames, None),
                      closed=False, needs=same, lookup=(1,)))
    disjoint = sorted({tuple(sorted((str(c), str(d)))) for c, d in tbox.subject_objects(OWL.disjointWith)
                       if isinstance(c, URIRef) and isinstance(d, URIRef)})
    if any(not isinstance(t, URIRef) for pair in tbox.subject_objects(OWL.disjointWith) for t in pair):
        raise NotImplementedError("owl:disjointWith on a class expression (only named classes are checked)")
    # the TBox closure that queries rely on (sub-class and sub-property chains), as owlrl derives it
    tbox_pairs = [("http://www.w3.org/2000/01/rdf-schema#subClassOf", a, b) for a, b in named] + \
                 [("http://www.w3.org/2000/01/rdf-schema#subPropertyOf", a, b) for a, b in iri_pairs(prop_c)]
    # an order in which each rule's inputs are mostly derived before it runs (fewer passes)
    order = ["eq-sym", "eq-rep-s", "eq-rep-o", "prp-inv", "prp-spo2", "prp-spo1", "prp-trp", "prp-dom", "prp-rng",
             "cls-hv2", "cax-sco", "cls-hv1", "owl:Thing"]
    rules.sort(key=lambda r: order.index(r.name.split(" ")[0]))
    return Rules(rules, [f"<{a}> <{p}> <{b}> ." for p, a, b in tbox_pairs], disjoint)


def _chain_step(tbox: Graph, step, prop) -> tuple[URIRef, bool]:
    """A step of a property chain: a property, or ``[ owl:inverseOf p ]`` (read backwards)."""
    from rdflib import URIRef
    from rdflib.namespace import OWL

    if isinstance(step, URIRef):
        return step, False
    inverse = tbox.value(step, OWL.inverseOf)
    if isinstance(inverse, URIRef):
        return inverse, True
    raise NotImplementedError(f"a step of the property chain of <{prop}> is neither a property nor an inverse one")


STEP = "urn:sse-graph:step:"


# The rules read the union of the store's named graphs (asserted and inferred, each
# triple held once): pyoxigraph's default graph stays empty.
UNION = {"use_default_graph_as_union": True}


def _update(rule: Rule, delta: int | None, graphs: list[str]) -> str:
    """The rule as one SPARQL CONSTRUCT over the union of the named graphs
    (everything known so far), with atom number ``delta`` matched only against
    ``graphs`` (what is new to the rule: semi-naive evaluation); it yields the heads
    not known yet (:func:`_apply` writes them to the rule's step graph).

    Shaped for pyoxigraph's in-memory store, where a pattern with a bound node
    walks every triple of that node: the delta graphs are scanned whole and every
    other atom is a sub-query, so that they are hash-joined rather than looked up
    binding by binding (a hub of 30k triples made a 10k-row join take 3 s instead
    of 0.02 s, and reading a small graph by class 0.1 s instead of 0.005 s)."""
    if delta is None:
        first = rule.atoms[0]
    else:
        union = " UNION ".join(f"{{ GRAPH <{g}> {{ {rule.atoms[delta]} }} }}" for g in graphs)
        first = f"{{ SELECT * WHERE {{ {union} }} }}"
    rest = " ".join(f"{{ {atom} }}" if i in rule.lookup else f"{{ SELECT * WHERE {{ {atom} }} }}"
                    for i, atom in enumerate(rule.atoms) if i != (delta or 0))
    return f"CONSTRUCT {{ {rule.head} }} WHERE {{ {first} {rest} {rule.where} FILTER NOT EXISTS {{ {rule.head} }} }}"


# Up to this many quads in the working store the rule steps go over as text (a step's
# whole N-Triples held at once: a few MB at 100k triples); above, as a stream of terms.
TEXT_STEPS_MAX_QUADS = 2_000_000


def _apply(store: ox.Store, construct: str, out: str, *, as_text: bool = True) -> None:
    """Write the triples of ``construct`` (read from the union) to the graph ``out``
    only: one copy of each inferred triple, rather than one in a step graph and
    another in the default graph (a third of the working store at 1M triples).
    The query is evaluated on a snapshot and its triples go over as N-Triples,
    without a Python object per term (7-10 % of the reasoning, and the lock Python
    threads share held less while the build's second thread writes to disk).  A
    parse gives blank nodes new identities: a result that names one (the seed
    graph's evidence anchors) is evaluated again and streamed as pyoxigraph terms,
    as every step is when ``as_text`` is false (a large store: bounded memory)."""
    g = ox.NamedNode(out)
    if as_text:
        text = store.query(construct, **UNION).serialize(format=ox.RdfFormat.N_TRIPLES)
        if b"_:" not in text:
            if text:
                store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            return
    store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in store.query(construct, **UNION))


@dataclass
class Materialised:
    """What :func:`materialise` did: passes over the rules, and the graphs that
    hold the inferred triples (one per rule application that found something)."""

    passes: int
    graphs: list[str]

    def quads(self, store: ox.Store):
        """The inferred triples, as quads of their step graphs."""
        for g in self.graphs:
            yield from store.quads_for_pattern(None, None, None, ox.NamedNode(g))


def _predicates(store: ox.Store, graph: str) -> tuple[int, frozenset]:
    res = store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} GROUP BY ?p")
    rows = [(r["p"].value, int(r["n"].value)) for r in res]
    return sum(n for _p, n in rows), frozenset(p for p, _n in rows)


def materialise(store: ox.Store, rules: Rules, *, max_passes: int = 100,
                on_step: Callable[[str], None] | None = None) -> Materialised:
    """Apply ``rules`` to the union of the named graphs of ``store`` until nothing
    changes.  Afterwards that union holds everything (asserted and inferred: the
    reasoned graph, read with :data:`UNION`, ready for validation), each triple
    once: each rule application that derived something left its triples in a
    graph of its own (``urn:sse-graph:step:N``, listed in the result), and the
    default graph is left empty.

    Semi-naive evaluation: a rule first reads everything; afterwards it reads,
    atom by atom, only the triples derived since it last ran (and, unless it is
    ``closed``, its own last output), so nothing is derived twice and the work
    follows what is new rather than the size of the closure.

    ``on_step(graph)`` is told each step graph once it is written (it never changes
    afterwards): the build copies it to disk while the rules go on."""
    steps: list[tuple[str, frozenset]] = []
    told = on_step or (lambda _g: None)
    as_text = len(store) <= TEXT_STEPS_MAX_QUADS

    if rules.tbox:
        g = f"{STEP}{len(steps)}"
        rows = " ".join(f"({t.rstrip(' .')})" for t in rules.tbox)
        _apply(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}", g,
               as_text=as_text)
        steps.append((g, _predicates(store, g)[1]))
        told(g)
    seen: dict[int, int] = {}  # rule → number of steps it has read
    for passes in range(1, max_passes + 1):
        found = False
        for ri, rule in enumerate(rules.rules):
            out = f"{STEP}{len(steps)}"
            if rule.needs and next(iter(store.quads_for_pattern(None, ox.NamedNode(rule.needs), None)), None) is None:
                continue  # cannot fire yet (and has read nothing)
            if rule.transitive:
                if ri not in seen or any(rule.transitive in p for _g, p in steps[seen[ri]:]):
                    _close_transitive(store, rule.transitive, out)
            elif ri not in seen:
                _apply(store, _update(rule, None, []), out, as_text=as_text)
            else:
                fresh = steps[seen[ri]:]
                for i, preds in enumerate(rule.reads):
                    graphs = [g for g, p in fresh if preds is None or p & preds]
                    if graphs:
                        _apply(store, _update(rule, i, graphs), out, as_text=as_text)
            n, preds = _predicates(store, out)
            if n:
                steps.append((out, preds))
                told(out)
                found = True
            # a closed rule has seen its own output; another re-reads it next time
            seen[ri] = len(steps) if rule.closed or not n else len(steps) - 1
        if not found:
            return Materialised(passes, [g for g, _p in steps])
    raise RuntimeError(f"no fixpoint after {max_passes} passes")


def _close_transitive(store: ox.Store, prop: str, out: str) -> None:
    """prp-trp for ``prop``: a depth-first search from each subject over what is known
    so far (every graph); each pair not known yet is written to ``out``.
    The search visits each reachable node once per subject, so its cost follows the
    size of the closure, cycles or not."""
    p, graph = ox.NamedNode(prop), ox.NamedNode(out)
    succ: dict = defaultdict(set)
    for q in store.quads_for_pattern(None, p, None):
        succ[q.subject].add(q.object)
    new = []
    for a, direct in succ.items():
        seen, stack = set(), list(direct)
        while stack:
            b = stack.pop()
            if b not in seen:
                seen.add(b)
                stack.extend(succ.get(b, ()))
        for b in seen - direct:
            new.append(ox.Quad(a, p, b, graph))
    if new:
        store.extend(new)


def inconsistencies(store: ox.Store, rules: Rules, *, graphs: list[str] | None = None) -> list[str]:
    """After :func:`materialise`: what makes the reasoned graph inconsistent, each
    naming the individuals (cls-nothing2, cax-dw, eq-diff1), sorted.  ``graphs``:
    only for the focus nodes of ``shapes.FOCUS_GRAPH`` (an incremental build, whose
    previous graph was consistent), in the union of ``graphs``."""
    kwargs: dict = dict(UNION)
    at = lambda _v: ""  # noqa: E731
    if graphs is not None:
        from .shapes import FOCUS_GRAPH, focus_pattern

        kwargs = {"default_graph": [ox.NamedNode(g) for g in graphs], "named_graphs": [ox.NamedNode(FOCUS_GRAPH)]}
        at = focus_pattern
    found = [f"{r['x'].value} is a member of owl:Nothing"
             for r in store.query(f"SELECT ?x WHERE {{ {at('x')} ?x a <{OWL.Nothing}> }}", **kwargs)]
    if rules.disjoint:
        pairs = " ".join(f"(<{c}> <{d}>)" for c, d in rules.disjoint)
        found += [f"{r['x'].value} is a member of the disjoint classes {r['c'].value} and {r['d'].value}"
                  for r in store.query(f"SELECT ?x ?c ?d WHERE {{ VALUES (?c ?d) {{ {pairs} }} "
                                       f"{{ SELECT ?x ?c WHERE {{ {at('x')} ?x a ?c }} }} ?x a ?d }}", **kwargs)]
    same, diff = f"<{OWL.sameAs}>", f"<{OWL.differentFrom}>"
    either = f"{{ {at('x')} }} UNION {{ {at('y')} }}" if graphs is not None else ""
    found += [f"{r['x'].value} and {r['y'].value} are both owl:sameAs and owl:differentFrom"
              for r in store.query(f"SELECT DISTINCT ?x ?y WHERE {{ {{ ?x {diff} ?y . ?x {same} ?y {either} }} "
                                   f"UNION {{ {at('x')} ?x {diff} ?x BIND(?x AS ?y) }} }}", **kwargs)]
    return sorted(set(found))


def abox(triples, tbox_subjects: set) -> set:
    """The instance-level triples, after the normalisations of :data:`DIFFERENCES`
    and no others: the types of the ontology's terms are kept (owl:Thing too), the
    rest of what is said about them is not."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import OWL, RDF

    axiomatic = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                 "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")
    out = set()
    for s, p, o in triples:
        if isinstance(s, BNode) or isinstance(o, BNode) or not isinstance(s, URIRef) or str(s).startswith(axiomatic):
            continue  # DIFFERENCES: blank, literal-subject, axiomatic
        if s in tbox_subjects and not (p == RDF.type and not str(o).startswith(axiomatic[:2]) and o != OWL.Class):
            continue  # DIFFERENCES: ontology-terms (their types are compared, owl:Thing included)
        if str(p).startswith(axiomatic[1:3]) and str(p) not in DATA_TERMS:
            continue  # DIFFERENCES: tbox (owlrl's class and property axioms, on any subject)
        if p == OWL.sameAs and s == o:
            continue  # DIFFERENCES: reflexive-sameAs
        out.add((s, p, o))
    return out


# ------------------------------------------------------------------ incremental (a delta)
@dataclass
class DeltaClosure:
    """What :func:`update_closure` changed in the inferred graph: triples (as
    ``(s, p, o)`` pyoxigraph terms) now inferred that were not, and inferred ones gone."""

    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    rounds: int = 0


_SCRATCH = "urn:sse-graph:incremental:"
_AXIOMATIC_NS = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                 "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")


def _construct(store: ox.Store, rule: Rule, first: str, atoms: list[str], extra: str, default: list, named: list):
    body = " ".join(f"{{ {a} }}" for a in atoms)
    text = f"CONSTRUCT {{ {rule.head} }} WHERE {{ {first} {body} {rule.where} {extra} }}"
    return {(t.subject, t.predicate, t.object) for t in store.query(text, default_graph=default, named_graphs=named)}


def _fire(store: ox.Store, rules: Rules, delta_graph: str, extra: str, default: list, named: list) -> set:
    """Every head of every rule with one atom matched in ``delta_graph`` and the
    others in the ``default`` graphs (semi-naive: each atom in turn reads the delta)."""
    out: set = set()
    for rule in rules.rules:
        for i, atom in enumerate(rule.atoms):
            others = [a for j, a in enumerate(rule.atoms) if j != i]
            out |= _construct(store, rule, f"GRAPH <{delta_graph}> {{ {atom} }}", others,
                              extra.replace("@HEAD@", rule.head), default, named)
    return out


def _put(store: ox.Store, triples, graph: str) -> None:
    g = ox.NamedNode(graph)
    store.extend([ox.Quad(s, p, o, g) for s, p, o in triples])


def _drop(store: ox.Store, triples, graph: str) -> None:
    g = ox.NamedNode(graph)
    for s, p, o in triples:
        store.remove(ox.Quad(s, p, o, g))


def _axiomatic(triple) -> bool:
    """Left out of the written inferred graph (``persist.Persister.copy_inferred``)."""
    s = triple[0]
    return isinstance(s, ox.NamedNode) and s.value.startswith(_AXIOMATIC_NS)


def update_closure(store: ox.Store, rules: Rules, *, graphs: list[str], inferred: str, gone: set, fresh: set,
                   max_rounds: int = 1000) -> DeltaClosure:
    """Bring the inferred graph ``inferred`` of ``store`` up to date after a change
    of the asserted graphs ``graphs`` (already applied): ``gone`` are the triples no
    longer asserted anywhere, ``fresh`` those newly asserted (not known before).

    Removals by delete-and-rederive (DRed): every inferred triple with a derivation
    that used a removed one is deleted (over-deletion, semi-naively, against the old
    closure), then those with another derivation from what remains are put back;
    additions (and what was put back) are then propagated semi-naively — each rule
    reads one atom from the new triples and the others from everything.  The same
    compiled rules as :func:`materialise`, so the result is its closure.  Every
    query starts from a small graph of changes and looks the rest up by index: the
    cost follows the change, not the size of the graph (an on-disk store works)."""
    inf, delete, delta = inferred, _SCRATCH + "deleted", _SCRATCH + "delta"
    real = [ox.NamedNode(g) for g in graphs] + [ox.NamedNode(inf)]
    result = DeltaClosure()
    for g in (delete, delta):
        store.remove_graph(ox.NamedNode(g))
    overdeleted: set = set()
    if gone:
        # 1. over-delete: what the removed triples helped derive, against the old closure (real + deleted)
        _put(store, gone, delete)
        _put(store, gone, delta)
        frontier = set(gone)
        while frontier:
            result.rounds += 1
            heads = _fire(store, rules, delta, f"GRAPH <{inf}> {{ @HEAD@ }} FILTER NOT EXISTS {{ GRAPH <{delete}> {{ @HEAD@ }} }}",
                          real + [ox.NamedNode(delete)], [ox.NamedNode(delta), ox.NamedNode(inf), ox.NamedNode(delete)])
            heads -= overdeleted
            store.remove_graph(ox.NamedNode(delta))
            overdeleted |= heads
            _put(store, heads, delete)
            _put(store, heads, delta)
            frontier = heads
        _drop(store, overdeleted, inf)
        # 2. re-derive: an over-deleted (or un-asserted) triple that still follows in one step from what remains
        back: set = set()
        for rule in rules.rules:
            back |= _construct(store, rule, f"GRAPH <{delete}> {{ {rule.head} }}", list(rule.atoms),
                               f"FILTER NOT EXISTS {{ {rule.head} }}", real, [ox.NamedNode(delete)])
        back = {t for t in back if not _axiomatic(t)}
        store.remove_graph(ox.NamedNode(delete))
        _put(store, back, inf)
        start = back
    else:
        start = set()
    # 3. propagate the additions (and what came back) semi-naively
    frontier = set(start) | set(fresh)
    added = set(start)
    while frontier:
        result.rounds += 1
        if result.rounds > max_rounds:
            raise RuntimeError(f"no fixpoint after {max_rounds} rounds")
        _put(store, frontier, delta)
        heads = _fire(store, rules, delta, "FILTER NOT EXISTS { @HEAD@ }", real, [ox.NamedNode(delta)])
        store.remove_graph(ox.NamedNode(delta))
        heads = {t for t in heads if not _axiomatic(t)}
        _put(store, heads, inf)
        added |= heads
        frontier = heads
    result.added = added - overdeleted
    result.removed = overdeleted - added
    return result
