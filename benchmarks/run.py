"""The build and query path at observatory scale, beside the rdflib + owlrl baseline.

    python benchmarks/run.py --triples 10000 100000 1000000 --cap 120

For each size, a seeded SSE-shaped graph (benchmarks/generate.py) is built
by ``sse-graph build --engine fast`` (the library call, in this process) —
pyoxigraph load, the compiled OWL-RL rules (sse_graph/fastreason.py), the
shapes compiled to SPARQL (sse_graph/shapes.py) and the violation queries, the
N-Quads and the on-disk store, the network measures — and with the
baseline measured in the same run — rdflib parse, owlrl closure, pyshacl —
each baseline step in a child process killed at ``--cap`` seconds ("> cap").
Then each competency query (p50 of 5 runs) on both engines, two network
measures and a drawing.  Prints one table: seconds, ratio baseline/fast, and
the peak memory of the process that ran the step.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# the analyst's questions (the other shipped queries are whole-graph building blocks for the analysis)
QUESTIONS = ("members", "represented_by", "represents", "seats", "body_members", "counts", "card")
ORGS_PER_TRIPLE = 1 / 13.9  # the generator writes about 13.9 triples per organisation


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(conn, fn, args):
    t0 = time.perf_counter()
    try:
        out = fn(*args)
        conn.send(("ok", time.perf_counter() - t0, peak_mb(), out))
    except BaseException as e:  # noqa: BLE001
        conn.send(("error", time.perf_counter() - t0, peak_mb(), repr(e)))


def capped(fn, args, cap: float):
    """Run fn(*args) in a child process; (seconds or None if over cap, peak MB, result)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=_child, args=(child, fn, args))
    p.start()
    if parent.poll(cap):
        status, dt, mb, out = parent.recv()
        p.join()
        return (dt if status == "ok" else None), mb, out
    p.kill()
    p.join()
    return None, None, None


# ------------------------------------------------------------------ baseline steps (child processes)
def rdflib_load(nt: str):
    from rdflib import Graph

    g = Graph()
    g.parse(nt, format="nt")
    for f in ("sse.ttl", "concepts.ttl"):
        g.parse(ROOT / "ontology" / f, format="turtle")
    return len(g)


def owlrl_reason(nt: str):
    from owlrl import DeductiveClosure, OWLRL_Semantics
    from rdflib import Graph

    g = Graph()
    g.parse(nt, format="nt")
    for f in ("sse.ttl", "concepts.ttl"):
        g.parse(ROOT / "ontology" / f, format="turtle")
    n = len(g)
    DeductiveClosure(OWLRL_Semantics).expand(g)
    return len(g) - n


def pyshacl_validate(nq: str):
    import pyshacl
    from rdflib import Dataset, Graph

    ds = Dataset()
    ds.parse(nq, format="nquads")
    g = Graph()
    for s, p, o, _c in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    conforms, _r, _t = pyshacl.validate(g, shacl_graph=Graph().parse(ROOT / "ontology" / "shapes.ttl"), inference="none")
    return conforms


def rdflib_queries(nq: str, queries):
    from rdflib import Dataset

    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    out = {}
    for name, text in queries:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            list(ds.query(text))
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    return out


# ------------------------------------------------------------------ the fast path
def fast_build(nt: Path, workdir: Path):
    """``sse-graph build --engine fast`` on a data folder holding the ontology and
    the generated graph: the product's own path, cache and persistent store included."""
    import os
    import shutil

    from sse_graph import build

    root = workdir / "data"
    (root / "ontology").mkdir(parents=True)
    (root / "graph").mkdir()
    for f in ("sse.ttl", "concepts.ttl", "shapes.ttl"):
        shutil.copy(ROOT / "ontology" / f, root / "ontology" / f)
    os.link(nt, root / "graph" / "generated.ttl")  # N-Triples is Turtle
    os.environ["SSE_GRAPH_CACHE"] = str(workdir / "cache")
    result = build(root, engine="fast", force=True)
    times = dict(result.timings)
    times["inferred"] = result.inferred_triples
    times["peak"] = result.peak_mb
    return times, result.dataset_path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, nargs="+", default=[10000, 100000, 1000000])
    ap.add_argument("--cap", type=float, default=120.0, help="seconds a baseline step may take")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    from generate import generate
    from sse_graph.analysis import compute, project
    from sse_graph.endpoint.server import _example
    from sse_graph.queries import competency_queries
    from sse_graph.store import Store

    queries = [(q.name, _example(q.text).replace("https://w3id.org/sse-graph/id/concertes",
                                                 "https://w3id.org/sse-graph/id/gen/umbrellabody-0")
                .replace("https://w3id.org/sse-graph/id/saw-b", "https://w3id.org/sse-graph/id/gen/federation-0")
                .replace("https://w3id.org/sse-graph/id/see", "https://w3id.org/sse-graph/id/gen/network-1"))
               for q in competency_queries() if q.name in QUESTIONS]
    widths = [12, 46, 10, 10, 10, 9, 9]
    head = ("triples", "step", "fast s", "base s", "ratio", "fast MB", "base MB", "note")

    def line(cells):
        return "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths + [0])))

    print(line(head), flush=True)

    def row(size, step, fast, base, mb_fast, mb_base, note=""):
        ratio = "" if fast is None else (f"{base / fast:,.0f}x" if base else (f"> {args.cap / fast:,.0f}x" if base is None else ""))
        print(line((size, step, "" if fast is None else f"{fast:.3f}", "> cap" if base is None else ("" if base == 0 else f"{base:.3f}"),
                    ratio, "" if mb_fast is None else f"{mb_fast:.0f}", "" if mb_base is None else f"{mb_base:.0f}", note)), flush=True)

    for n in args.triples:
        with tempfile.TemporaryDirectory() as d:
            work = Path(d)
            lines = generate(max(50, int(n * ORGS_PER_TRIPLE)), args.seed)
            nt = work / "g.nt"
            nt.write_text("\n".join(lines) + "\n", encoding="utf-8")
            size = f"{len(lines):,}"
            print(f"... {size} triples", file=sys.stderr, flush=True)

            times, nq = fast_build(nt, work)
            mb = times["peak"]
            base_load, mb_l, _ = capped(rdflib_load, (str(nt),), args.cap)
            row(size, "parse and load", times["load"], base_load, mb["load"], mb_l, "pyoxigraph vs rdflib")
            base_reason, mb_r, _ = capped(owlrl_reason, (str(nt),), args.cap)
            row(size, f"reason ({times['inferred']:,} inferred)", times["reason"], base_reason,
                mb["reason"], mb_r, "compiled rules vs owlrl")
            base_val, mb_v, _ = capped(pyshacl_validate, (str(nq),), args.cap)
            row(size, "validate", times["validate"], base_val, mb["validate"], mb_v, "shapes as SPARQL vs pyshacl")
            total = times["load"] + times["reason"] + times["validate"]
            base_total = None if None in (base_load, base_reason, base_val) else base_load + base_reason + base_val
            row(size, "BUILD (load + reason + validate)", total, base_total, mb["validate"], None, "the target")
            row(size, "write N-Quads", times["write"], 0, mb["write"], None)
            if "measures" in times:
                row(size, "network measures (metrics graph)", times["measures"], 0, mb["measures"], None)
            else:
                row(size, "network measures (metrics graph)", None, 0, None, None, "skipped by default at this size")
            row(size, "write on-disk store", times["persist"], 0, mb["persist"], None)
            row(size, "sse-graph build --engine fast, all", times["total"], 0, mb["persist"], None)

            t0 = time.perf_counter()
            s = Store(nq)  # the on-disk store, read-only, as every analyst command opens it
            row(size, "open the built store", time.perf_counter() - t0, 0, peak_mb(), None, "on disk, read-only")
            base_q, mb_q, base_times = capped(rdflib_queries, (str(nq), queries), args.cap)
            for name, text in queries:
                ts = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    n_rows = len(s.select(text).rows)
                    ts.append(time.perf_counter() - t0)
                row(size, f"query {name}", statistics.median(ts), None if base_times is None else base_times[name],
                    peak_mb(), mb_q, f"p50, {n_rows:,} rows")
            t0 = time.perf_counter()
            s = Store(nq, memory=True)  # whole-graph analysis loads it in memory, as `sse-graph analyse` does
            row(size, "load the build in memory (analysis)", time.perf_counter() - t0, 0, peak_mb(), None)
            t0 = time.perf_counter()
            R = project(s, "representation")[0]
            t_proj = time.perf_counter() - t0
            row(size, "project representation", t_proj, 0, peak_mb(), None)
            for m in ("reach", "pagerank", "community"):
                t0 = time.perf_counter()
                compute(R, [m], R=R)
                row(size, f"measure {m}", time.perf_counter() - t0, 0, peak_mb(), None)
            from sse_graph.draw import draw_html

            t0 = time.perf_counter()
            pic = draw_html(s, focus="https://w3id.org/sse-graph/id/gen/chamber-0", depth=1, lang="en", size_metric="reach")
            row(size, f"draw ego view ({pic.nodes} nodes)", time.perf_counter() - t0, 0, peak_mb(), None)
            del s

    return 0


if __name__ == "__main__":
    sys.exit(main())
