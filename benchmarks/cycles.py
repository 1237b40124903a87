"""Cost per derived triple of the fast reasoner on cyclic vs acyclic graphs.

Organisations in groups of ``--length``, each represented by the next
(``sse:representedBy``, transitive, with an inverse): the acyclic graph leaves
each group a chain, the cyclic one closes it into a ring (the last represented
by the first).  Prints the time of ``materialise`` (the rules only, not the
load), the triples it derived and the microseconds per derived triple.

    python benchmarks/cycles.py --orgs 2000 --length 10
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sse_graph.fastreason import compile_rules, materialise  # noqa: E402

SSE = "https://w3id.org/sse-graph/ontology#"


def ontology() -> Graph:
    g = Graph()
    for f in ("sse.ttl", "concepts.ttl"):
        g.parse(ROOT / "ontology" / f, format="turtle")
    return g


def graph(orgs: int, length: int, cyclic: bool) -> list[ox.Quad]:
    data = ox.NamedNode("urn:data")
    rep, typ = ox.NamedNode(SSE + "representedBy"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = []
    for start in range(0, orgs, length):
        group = [ox.NamedNode(f"urn:org:{i}") for i in range(start, min(start + length, orgs))]
        for a in group:
            quads.append(ox.Quad(a, typ, ox.NamedNode(SSE + "Network"), data))
        for a, b in zip(group, group[1:] + (group[:1] if cyclic else [])):
            quads.append(ox.Quad(a, rep, b, data))
    return quads


def measure(rules, quads) -> tuple[float, int, int]:
    store = ox.Store()
    store.extend(quads)
    t = time.perf_counter()
    done = materialise(store, rules)
    elapsed = time.perf_counter() - t
    derived = sum(1 for _ in done.quads(store))
    return elapsed, derived, done.passes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=2000)
    ap.add_argument("--length", type=int, default=10)
    args = ap.parse_args()
    rules = compile_rules(ontology())
    print(f"{args.orgs} organisations in groups of {args.length}")
    print("| graph | asserted | derived | passes | reasoning (s) | µs per derived triple |")
    print("|---|---:|---:|---:|---:|---:|")
    for cyclic in (False, True):
        quads = graph(args.orgs, args.length, cyclic)
        elapsed, derived, passes = measure(rules, quads)
        print(f"| {'cyclic' if cyclic else 'acyclic'} | {len(quads)} | {derived} | {passes} | {elapsed:.2f} | "
              f"{elapsed / max(derived, 1) * 1e6:.1f} |")


if __name__ == "__main__":
    main()
