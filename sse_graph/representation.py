"""The materialised representation graph (``https://w3id.org/sse-graph/graph/representation``).

Written once by the build (:func:`representation_nquads`), for both engines.
One n-ary node per representation link and per derived chain (docs/time.md):

    <…/representation/link/HASH> a sse:RepresentationLink ;
        sse:linkFrom ORG ; sse:linkTo REPRESENTATIVE ; sse:linkKind "membership"|"mandate" ;
        sse:viaRecord RECORD … ; sse:holdsFrom DATE ; sse:holdsUntil DATE ;
        dcterms:source SOURCE … .
    <…/representation/chain/HASH> a sse:RepresentationChain ;
        sse:linkFrom ORG ; sse:linkTo REPRESENTATIVE ; sse:chainLength N ;
        sse:hasLink LINK … ; sse:holdsFrom DATE ; sse:holdsUntil DATE .

``holdsFrom``/``holdsUntil`` bound the interval in which the link (the whole
chain) holds (absent: open on that side; both absent on an undated link).
Chains are the shortest time-respecting chain of each (organisation,
representative) pair of two links or more through memberships whose evidence
overlaps (an interval exists); chains whose links never held together, or are
"not attested together", are not written (the library reports the latter).
"""
from __future__ import annotations

import hashlib

from .chains import links_from_rows, pick, reachable_chains
from .namespaces import REPRESENTATION_GRAPH_IRI
from .queries import load_query

__all__ = ["REPRESENTATION_GRAPH", "representation_links", "representation_nquads", "representation_lines"]

REPRESENTATION_GRAPH = REPRESENTATION_GRAPH_IRI
SSE = "https://w3id.org/sse-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"
SOURCE = "http://purl.org/dc/terms/source"


def _node(kind: str, *parts: str) -> str:
    h = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]
    return f"{REPRESENTATION_GRAPH}/{kind}/{h}"


def _quad(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} <{REPRESENTATION_GRAPH}> .\n"


def _iri(v: str) -> str:
    return f"<{v}>"


def _span_quads(node: str, span) -> list[str]:
    out = []
    if span is not None and span.start:
        out.append(_quad(node, SSE + "holdsFrom", f'"{span.start.isoformat()}"^^<{XSD_DATE}>'))
    if span is not None and span.end:
        out.append(_quad(node, SSE + "holdsUntil", f'"{span.end.isoformat()}"^^<{XSD_DATE}>'))
    return out


def representation_links(store):
    """The representation links of the built ``store``: ``{from: {to: [Link]}}``."""
    return links_from_rows(_solutions(store, load_query("representation_links").text))[0]


def representation_nquads(store, max_len: int = 8, up=None) -> bytes:
    """The representation graph of the built ``store`` (of its links ``up``, when read
    already: :func:`representation_links`), as N-Quads."""
    if up is None:
        up = representation_links(store)
    return representation_lines(up, list(up), list(up), max_len=max_len)


def _solutions(store, text):
    """The rows of a SELECT one at a time, as ``Results.dicts`` gives them, without
    holding them all (at 1M triples, every link's row of 14 terms at once)."""
    from .store import term_value

    result = store.raw_query(text)
    names = [v.value for v in result.variables]
    for solution in result:
        yield {name: term_value(solution[name]) for name in names}


def representation_lines(up, froms, origins, max_len: int = 8) -> bytes:
    """The link nodes of the organisations ``froms`` and the chain nodes starting at
    ``origins``, from the links ``up`` (which must hold every link reachable from
    ``origins``): the whole graph when both are every organisation, the part to
    rewrite after a change (``incremental.py``)."""
    out = bytearray()
    link_node = {}
    wanted = set(froms)
    for frm, tos in up.items():
        for to, links in tos.items():
            for link in links:
                n = link_node[id(link)] = _node("link", frm, to, link.kind)
                if frm not in wanted:
                    continue
                lines = [_quad(n, RDF_TYPE, _iri(SSE + "RepresentationLink")), _quad(n, SSE + "linkFrom", _iri(frm)),
                         _quad(n, SSE + "linkTo", _iri(to)), _quad(n, SSE + "linkKind", f'"{link.kind}"')]
                for rec in link.records:
                    if rec["record"]:
                        lines.append(_quad(n, SSE + "viaRecord", _iri(rec["record"])))
                    if rec.get("src"):  # the record's own dcterms:source (never an IRI made from a file name)
                        lines.append(_quad(n, SOURCE, _iri(rec["src"])))
                lines += _span_quads(n, link.timing.span())
                _put(out, lines)
    for org in dict.fromkeys(o for o in origins if o in up):
        for target, chains in reachable_chains(up, org, up=True, max_len=max_len).items():
            best, _never = pick(chains, None, True)  # strict: only chains whose evidence overlaps
            if best is None or len(best.links) < 2:
                continue
            n = _node("chain", *best.nodes)
            lines = [_quad(n, RDF_TYPE, _iri(SSE + "RepresentationChain")), _quad(n, SSE + "linkFrom", _iri(org)),
                     _quad(n, SSE + "linkTo", _iri(target)),
                     _quad(n, SSE + "chainLength", f'"{len(best.links)}"^^<{XSD_INT}>')]
            lines += [_quad(n, SSE + "hasLink", _iri(link_node[id(l)])) for l in best.links]
            lines += _span_quads(n, best.interval())
            _put(out, lines)
    return bytes(out)


def _put(out: bytearray, lines: list[str]) -> None:
    """Append the lines of one node, each once (every line names its node: no line of
    one node can repeat another's), in their first order."""
    out += "".join(dict.fromkeys(lines)).encode()
