"""Differential test on generated ontologies: for small random ontologies and data
over the constructs the project uses (and a seeded random mix of the others), the
fast engine either refuses the input (naming the construct and the graph), or
agrees with owlrl on the verdict (consistent or not) and, when consistent, on the
closure — after the normalisations of ``fastreason.DIFFERENCES`` and no others."""
from __future__ import annotations

import random

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from sse_graph.errors import InconsistencyError
from sse_graph.fastreason import CONSTRUCTS, DIFFERENCES, Unsupported, abox
from sse_graph.namespaces import ONTOLOGY_GRAPH
from sse_graph.reason import fast_reason, reason

EX = "urn:ex:"
DATA = URIRef("urn:data")
C = [URIRef(f"{EX}C{i}") for i in range(5)]
P = [URIRef(f"{EX}p{i}") for i in range(4)]
I = [URIRef(f"{EX}i{i}") for i in range(6)]


def _used(rng, ds, tbox):
    """One axiom the project's ontology uses (or the fast engine implements)."""
    kind = rng.choice(["sub", "eqc", "subp", "inv", "trans", "dom", "rng", "chain", "hv", "disjoint", "eqp"])
    a, b = rng.sample(C, 2)
    p, q, r = rng.sample(P, 3)
    if kind == "sub":
        tbox.add((a, RDFS.subClassOf, b))
    elif kind == "eqc":
        tbox.add((a, OWL.equivalentClass, b))
    elif kind == "subp":
        tbox.add((p, RDFS.subPropertyOf, q))
    elif kind == "eqp":
        tbox.add((p, OWL.equivalentProperty, q))
    elif kind == "inv":
        tbox.add((p, OWL.inverseOf, q))
    elif kind == "trans":
        tbox.add((p, RDF.type, OWL.TransitiveProperty))
    elif kind == "dom":
        tbox.add((p, RDFS.domain, a))
    elif kind == "rng":
        tbox.add((p, RDFS.range, a))
    elif kind == "chain":
        steps = []
        for step in (p, q):
            if rng.random() < 0.4:  # an inverse step
                node = BNode()
                tbox.add((node, OWL.inverseOf, step))
                step = node
            steps.append(step)
        head = BNode()
        Collection(tbox, head, steps)
        tbox.add((r, OWL.propertyChainAxiom, head))
    elif kind == "hv":
        node = BNode()
        tbox.add((node, RDF.type, OWL.Restriction))
        tbox.add((node, OWL.onProperty, p))
        tbox.add((node, OWL.hasValue, rng.choice(I)))
        tbox.add((a, rng.choice([OWL.equivalentClass, RDFS.subClassOf]), node))
    elif kind == "disjoint":
        tbox.add((a, OWL.disjointWith, b))


# Constructs the fast engine refuses: (how to write one, the term its refusal names)
def _refused(rng, tbox):
    a, b = rng.sample(C, 2)
    p, q = rng.sample(P, 2)
    kind = rng.choice(["ifp", "fp", "sym", "oneof", "some", "all", "union", "pdisj", "asym", "hasKey", "alldisj"])
    if kind in ("ifp", "fp", "sym", "asym"):
        term = {"ifp": OWL.InverseFunctionalProperty, "fp": OWL.FunctionalProperty, "sym": OWL.SymmetricProperty,
                "asym": OWL.AsymmetricProperty}[kind]
        tbox.add((p, RDF.type, term))
        return term
    if kind == "pdisj":
        tbox.add((p, OWL.propertyDisjointWith, q))
        return OWL.propertyDisjointWith
    if kind in ("oneof", "union"):
        head = BNode()
        Collection(tbox, head, rng.sample(I, 2) if kind == "oneof" else [a, b])
        term = OWL.oneOf if kind == "oneof" else OWL.unionOf
        node = BNode()
        tbox.add((node, term, head))
        tbox.add((rng.choice(C), OWL.equivalentClass, node))
        return term
    if kind == "hasKey":
        head = BNode()
        Collection(tbox, head, [p])
        tbox.add((a, OWL.hasKey, head))
        return OWL.hasKey
    if kind == "alldisj":
        head = BNode()
        Collection(tbox, head, [a, b])
        node = BNode()
        tbox.add((node, RDF.type, OWL.AllDisjointClasses))
        tbox.add((node, OWL.members, head))
        return OWL.AllDisjointClasses
    node = BNode()
    term = OWL.someValuesFrom if kind == "some" else OWL.allValuesFrom
    tbox.add((node, RDF.type, OWL.Restriction))
    tbox.add((node, OWL.onProperty, p))
    tbox.add((node, term, b))
    tbox.add((a, RDFS.subClassOf, node))
    return term


def generate_case(seed: int):
    """A dataset and the term the fast engine must refuse (None: it must reason)."""
    rng = random.Random(seed)
    ds = Dataset()
    tbox, data = ds.graph(ONTOLOGY_GRAPH), ds.graph(DATA)
    for c in C:
        if rng.random() < 0.85:  # now and then a class nobody declares (owl:Thing typing differs)
            tbox.add((c, RDF.type, OWL.Class))
    for p in P:
        tbox.add((p, RDF.type, OWL.ObjectProperty))
    for _ in range(rng.randint(2, 7)):
        _used(rng, ds, tbox)
    refused = _refused(rng, tbox) if rng.random() < 0.25 else None
    for i in I:
        if rng.random() < 0.7:
            data.add((i, RDF.type, rng.choice(C)))
        data.add((i, RDFS.label, Literal(f"individual {i}")))
    for _ in range(rng.randint(3, 10)):
        data.add((rng.choice(I), rng.choice(P), rng.choice(I)))
    if rng.random() < 0.3:
        data.add((rng.choice(I), OWL.sameAs, rng.choice(I)))
    if rng.random() < 0.3:
        x, y = rng.sample(I, 2)
        data.add((x, OWL.differentFrom, y))
    if rng.random() < 0.05:
        data.add((rng.choice(I), RDF.type, OWL.Nothing))
    if refused is None and rng.random() < 0.1:  # a TBox axiom in a data file
        data.add((C[0], RDFS.subClassOf, C[1]))
        refused = RDFS.subClassOf
    return ds, refused


def verdict(engine, ds):
    try:
        return "consistent", engine(ds).inferred
    except InconsistencyError as e:
        return "inconsistent", e.messages


@pytest.mark.parametrize("seed", range(40))
def test_fast_engine_refuses_or_agrees_with_owlrl(seed):
    ds, refused = generate_case(seed)
    tbox_terms = set(ds.graph(ONTOLOGY_GRAPH).subjects())
    if refused is not None:
        with pytest.raises((Unsupported, NotImplementedError)) as info:
            fast_reason(ds)
        name = str(refused).replace(str(OWL), "owl:").replace(str(RDFS), "rdfs:")
        assert name in str(info.value), str(info.value)
        assert str(refused) not in CONSTRUCTS or ds.graph(DATA).triples((None, refused, None))
        return
    ref_verdict, ref = verdict(reason, ds)
    fast_verdict, fast = verdict(fast_reason, ds)
    assert fast_verdict == ref_verdict, (ref, fast)
    if ref_verdict == "consistent":
        ref, fast = abox(ref, tbox_terms), abox(fast, tbox_terms)
        assert ref == fast, (sorted(ref - fast)[:6], sorted(fast - ref)[:6])


def test_the_cases_cover_refusals_inconsistencies_and_closures():
    """The seeds above exercise each outcome (else the test could pass by never reaching one)."""
    outcomes = set()
    for seed in range(40):
        ds, refused = generate_case(seed)
        if refused is not None:
            outcomes.add("refused")
        else:
            outcomes.add(verdict(fast_reason, ds)[0])
    assert outcomes == {"refused", "consistent", "inconsistent"}


def test_inconsistencies_name_the_individuals():
    ds = Dataset()
    tbox, data = ds.graph(ONTOLOGY_GRAPH), ds.graph(DATA)
    for c in C[:3]:
        tbox.add((c, RDF.type, OWL.Class))
    tbox.add((C[0], OWL.disjointWith, C[1]))
    tbox.add((C[2], RDFS.subClassOf, C[1]))
    data.add((I[0], RDF.type, C[0]))
    data.add((I[0], RDF.type, C[2]))  # a member of C1 through C2
    data.add((I[1], OWL.sameAs, I[2]))
    data.add((I[2], OWL.differentFrom, I[1]))
    data.add((I[3], RDF.type, OWL.Nothing))
    with pytest.raises(InconsistencyError) as info:
        fast_reason(ds)
    errors = info.value.messages
    assert f"{I[0]} is a member of the disjoint classes {C[0]} and {C[1]}" in errors
    assert any(str(I[1]) in e and str(I[2]) in e and "differentFrom" in e for e in errors)
    assert f"{I[3]} is a member of owl:Nothing" in errors
    with pytest.raises(InconsistencyError):  # the reference agrees
        reason(ds)


def test_every_difference_is_documented_once():
    assert set(DIFFERENCES) == {"tbox", "axiomatic", "blank", "literal-subject", "reflexive-sameAs", "ontology-terms"}
    import inspect

    from sse_graph import fastreason

    for name in DIFFERENCES:  # each normalisation of abox says which difference it applies
        assert name in inspect.getsource(fastreason.abox)
