"""OWL 2 RL reasoning with owlrl, on a copy, keeping inferences apart.

owlrl never raises on an inconsistency: it writes ``ErrorMessage`` triples and
goes on (measured: an inconsistent graph is closed without an exception).  :func:`reason` looks for them, and for
members of ``owl:Nothing``, and raises :class:`InconsistencyError`.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from .errors import InconsistencyError
from .namespaces import INFERRED_GRAPH, OWLRL_ERR

__all__ = ["reason", "fast_reason", "Closure"]

# Normalisations of the closure (documented in the README):
# - triples with a literal subject (generalised RDF) cannot be serialised;
# - axiomatic triples about the RDF/RDFS/OWL/XSD vocabularies themselves;
# - reflexive owl:sameAs.
AXIOMATIC = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)


@dataclass
class Closure:
    """The result of reasoning: the inferred triples only."""

    inferred: Graph


def _keep(s, p, o) -> bool:
    if isinstance(s, Literal):
        return False
    if isinstance(s, URIRef) and str(s).startswith(AXIOMATIC):
        return False
    if p == OWL.sameAs and s == o:
        return False
    return True


def reason(asserted: Dataset) -> Closure:
    """Compute the OWL-RL closure of the union of ``asserted``; the dataset is not
    touched.  Raises :class:`InconsistencyError` when owlrl reports an error or a
    resource is typed ``owl:Nothing``."""
    from owlrl import DeductiveClosure, OWLRL_Semantics

    union = Graph()
    for s, p, o, _g in asserted.quads((None, None, None, None)):
        union.add((s, p, o))
    base = set(union)
    DeductiveClosure(OWLRL_Semantics).expand(union)

    errors = [str(m) for e in union.subjects(RDF.type, OWLRL_ERR.ErrorMessage) for m in union.objects(e, OWLRL_ERR.error)]
    errors += [f"{s} is a member of owl:Nothing" for s in union.subjects(RDF.type, OWL.Nothing)]
    if errors:
        raise InconsistencyError(sorted(errors))

    inferred = Graph(identifier=INFERRED_GRAPH)
    for t in union:
        if t not in base and _keep(*t):
            inferred.add(t)
    return Closure(inferred)


def fast_reason(asserted: Dataset) -> Closure:
    """The same closure as :func:`reason` for this ontology's rules, computed as
    SPARQL updates in pyoxigraph (see ``fastreason.py``); two orders of magnitude
    faster.  The ontology graph gives the rules; members of ``owl:Nothing`` are
    an inconsistency, as with owlrl."""
    import pyoxigraph as ox

    from .fastreason import audit_data, audit_ontology, compile_rules, inconsistencies, materialise
    from .load import to_oxigraph as term
    from .load import to_rdflib
    from .namespaces import ONTOLOGY_GRAPH

    store = ox.Store()
    store.extend(ox.Quad(term(s), term(p), term(o), term(g.identifier if hasattr(g, "identifier") else g))
                 for s, p, o, g in asserted.quads((None, None, None, None)))
    ontology = asserted.graph(ONTOLOGY_GRAPH)
    audit_ontology(ontology, str(ONTOLOGY_GRAPH))
    terms = set(ontology.subjects())
    for g in asserted.graphs():
        if g.identifier != ONTOLOGY_GRAPH:
            audit_data(g, str(g.identifier), terms)
    rules = compile_rules(ontology)
    done = materialise(store, rules)
    errors = inconsistencies(store, rules)
    if errors:
        raise InconsistencyError(errors)
    inferred = Graph(identifier=INFERRED_GRAPH)
    for q in done.quads(store):
        t = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        if _keep(*t):
            inferred.add(t)
    return Closure(inferred)
