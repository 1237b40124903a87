"""The build and query path at observatory scale, beside the rdflib + owlrl baseline.

    python benchmarks/run.py --triples 10000 100000 --cap 600
    python benchmarks/run.py --data /work/bench/g1m --no-baseline      # an existing data folder

For each size, a seeded SSE-shaped graph (benchmarks/generate.py) is built by
``python -m sse_graph build --engine fast --force --json`` run as a user or a script
runs it: a fresh process from this checkout, start-up included, once on an empty cache
(that first build compiles the ontology's rules and the shapes) and then ``--repeat``
times (medians: every later build reads them compiled) — pyoxigraph load, the compiled OWL-RL rules
(sse_graph/fastreason.py), the shapes compiled to SPARQL (sse_graph/shapes.py)
and the violation queries, the representation graph, the name index and the
on-disk store.  The baseline, in the same run, is a fresh process too: rdflib
parse, owlrl closure, pyshacl on the closure (start-up and imports included,
nothing written), killed at ``--cap`` seconds ("> cap").  Then each competency
query (p50 of 5 runs) on both engines, two network measures and a drawing.
Prints one table: seconds, ratio baseline/fast, and the peak memory of the
process that ran the step (a child's own peak, from ``wait4``).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import subprocess
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


# ------------------------------------------------------------------ the baseline (a fresh process)
def baseline(nt: str) -> None:
    """rdflib + owlrl + pyshacl on the generated graph and the ontology, in this fresh
    process; prints the seconds of each step as JSON (the caller times the whole)."""
    t0 = time.perf_counter()
    import pyshacl
    from owlrl import DeductiveClosure, OWLRL_Semantics
    from rdflib import Graph

    out = {"imports": time.perf_counter() - t0}
    t = time.perf_counter()
    g = Graph()
    g.parse(nt, format="nt")
    for f in ("sse.ttl", "concepts.ttl"):
        g.parse(ROOT / "ontology" / f, format="turtle")
    n = len(g)
    out["load"], out["load_mb"] = time.perf_counter() - t, peak_mb()
    t = time.perf_counter()
    DeductiveClosure(OWLRL_Semantics).expand(g)
    out["reason"], out["reason_mb"], out["inferred"] = time.perf_counter() - t, peak_mb(), len(g) - n
    t = time.perf_counter()
    conforms, _r, _t = pyshacl.validate(g, shacl_graph=Graph().parse(ROOT / "ontology" / "shapes.ttl"), inference="none")
    out["validate"], out["validate_mb"], out["conforms"] = time.perf_counter() - t, peak_mb(), bool(conforms)
    print(json.dumps(out))


def compile_bytecode(code: Path = ROOT) -> None:
    """Compile the checkout's modules to bytecode (``__pycache__``), as ``pip install``
    does and as a user's first run does: this machine sets ``PYTHONDONTWRITEBYTECODE=1``,
    under which every fresh process would compile all of ``sse_graph`` from source
    again (≈ 0.05 s of each 10k build) where the baseline's libraries, installed by
    pip, are read compiled."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "sse_graph")], check=True)


def fresh_process(cmd: list[str], cap: float, env: dict | None = None, cwd: Path = ROOT):
    """Run ``cmd`` in ``cwd``; (wall seconds or None past ``cap``, its own peak MB, its stdout);
    its CPU seconds (user + system, every thread) in ``fresh_process.cpu``."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        # cwd: `python -m sse_graph` puts the working folder first on sys.path, before
        # $PYTHONPATH, so run from another checkout it would time that checkout's code
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}, cwd=cwd)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                dt = time.perf_counter() - t0
                fresh_process.cpu = usage.ru_utime + usage.ru_stime
                break
            if time.perf_counter() - t0 > cap:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = -9
                return None, None, b""
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} exited {p.returncode}")
    return dt, usage.ru_maxrss / 1024, text


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
def data_folder(nt: Path, workdir: Path) -> Path:
    """A data folder holding the ontology and the generated graph."""
    root = workdir / "data"
    (root / "ontology").mkdir(parents=True)
    (root / "graph").mkdir()
    for f in ("sse.ttl", "concepts.ttl", "shapes.ttl"):
        shutil.copy(ROOT / "ontology" / f, root / "ontology" / f)
    os.link(nt, root / "graph" / "generated.ttl")  # N-Triples is Turtle
    return root


def build_generated(nt: Path, workdir: Path, cap: float = 3600.0) -> tuple[dict, Path]:
    """The generated graph ``nt`` in a data folder of ``workdir``, built once (engine
    fast, a fresh process, cache ``workdir/cache``): (the build report, the data folder)."""
    root = data_folder(nt, workdir)
    env = {"SSE_GRAPH_CACHE": str(workdir / "cache"), "PYTHONPATH": str(ROOT)}
    compile_bytecode()
    _dt, _mb, text = fresh_process([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--json",
                                    "--data", str(root)], cap, env)
    return json.loads(text), root


def fast_build(root: Path, workdir: Path, cap: float, repeat: int = 1):
    """``python -m sse_graph build --engine fast --force --json`` in a fresh process, as a
    user or a script runs it (from this checkout, its own cache folder), once on an empty
    cache — the first build of an ontology compiles its rules and shapes
    (``sse_graph/build_compile.py``) — then ``repeat`` times, as every later build runs:
    (median wall seconds, the largest peak MB, the last build report, median CPU seconds,
    (wall, CPU) of the first) — on a shared machine one run can be 10 % off."""
    env = {"SSE_GRAPH_CACHE": str(workdir / "cache"), "PYTHONPATH": str(ROOT)}
    compile_bytecode()
    walls, mbs, cpus = [], [], []
    for i in range(repeat + 1):
        dt, mb, text = fresh_process([sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--force", "--json",
                                      "--data", str(root)], cap * 10, env)
        if i == 0:
            first = (dt, fresh_process.cpu)
            continue
        walls.append(dt)
        mbs.append(mb)
        cpus.append(fresh_process.cpu)
    return statistics.median(walls), max(mbs), json.loads(text), statistics.median(cpus), first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, nargs="+", default=[10000, 100000, 1000000])
    ap.add_argument("--cap", type=float, default=120.0, help="seconds a baseline step may take")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, help="build this data folder (ontology/, graph/) instead of generating")
    ap.add_argument("--no-baseline", action="store_true", help="the fast path only (the baseline takes 35 min at 1M)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the whole fast build this many times after the first (medians)")
    ap.add_argument("--baseline", metavar="NT", help=argparse.SUPPRESS)  # the baseline's own fresh process
    args = ap.parse_args()
    if args.baseline:
        baseline(args.baseline)
        return 0

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

    sizes = [None] if args.data else args.triples
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            work = Path(d)
            if args.data:
                root, nt = args.data.resolve(), None
            else:
                lines = generate(max(50, int(n * ORGS_PER_TRIPLE)), args.seed)
                nt = work / "g.nt"
                nt.write_text("\n".join(lines) + "\n", encoding="utf-8")
                root = data_folder(nt, work)
            print(f"... {root}", file=sys.stderr, flush=True)

            whole, whole_mb, report, whole_cpu, (first, first_cpu) = fast_build(root, work, args.cap, args.repeat)
            times, mb = report["timings"], report["peak_mb"]
            asserted = report["asserted_triples"]
            size = f"{asserted:,}"
            base = None
            if not args.no_baseline and nt is not None:
                base_whole, base_mb, text = fresh_process([sys.executable, __file__, "--baseline", str(nt)], args.cap)
                base = json.loads(text) if base_whole is not None else {}
                base["whole"], base["whole_mb"] = base_whole, base_mb
                base["whole_cpu"] = None if base_whole is None else fresh_process.cpu

            def b(step):
                return 0 if base is None else base.get(step)
            row(size, "parse and load", times["load"], b("load"), mb["load"], b("load_mb"), "pyoxigraph vs rdflib")
            row(size, f"reason ({report['inferred_triples']:,} inferred)", times["reason"], b("reason"),
                mb["reason"], b("reason_mb"), "compiled rules vs owlrl")
            row(size, "validate", times["validate"], b("validate"), mb["validate"], b("validate_mb"), "shapes as SPARQL vs pyshacl")
            total = times["load"] + times["reason"] + times["validate"]
            base_total = None if base is None or None in (b("load"), b("reason"), b("validate")) else b("load") + b("reason") + b("validate")
            row(size, "BUILD (load + reason + validate)", total, 0 if base is None else base_total, mb["validate"], None,
                "in-process steps")
            if "measures" in times:
                row(size, "network measures (metrics graph)", times["measures"], 0, mb["measures"], None)
            else:
                row(size, "network measures (metrics graph)", None, 0, None, None, "not at build time: analyse computes them")
            if "write" in times:  # a build that writes N-Quads (the reference engine, or before this branch)
                row(size, "write N-Quads", times["write"], 0, mb.get("write"), None)
            row(size, "derive the representation graph", times.get("representation"), 0, mb.get("representation"), None)
            row(size, "write the name index", times.get("names"), 0, mb.get("names"), None)
            row(size, "write on-disk store", times["persist"], 0, mb["persist"], None,
                "" if "write" in times else "no N-Quads file")
            row(size, "sse-graph build --engine fast, whole command", whole, 0 if base is None else base["whole"],
                whole_mb, None if base is None else base["whole_mb"], "fresh processes, start-up included")
            row(size, "the same, CPU seconds (user + system)", whole_cpu, 0 if base is None else base["whole_cpu"],
                None, None, "robust to other work on the machine")
            row(size, "the first build of an empty cache, wall", first, 0 if base is None else base["whole"], None, None,
                "compiles the rules and shapes")
            row(size, "the same, CPU seconds", first_cpu, 0 if base is None else base["whole_cpu"], None, None)
            row(size, "peak memory per asserted triple (KB)", None, 0, whole_mb * 1024 / asserted, None, "fast MB column, in KB")

            built = Path(report["directory"])
            nq = built / "dataset.nq"
            t0 = time.perf_counter()
            s = Store(nq)  # the on-disk store, read-only, as every analyst command opens it
            row(size, "open the built store", time.perf_counter() - t0, 0, peak_mb(), None, "on disk, read-only")
            if args.no_baseline:
                base_q, mb_q, base_times = None, None, None
            else:
                from sse_graph.export import nquads_file

                base_q, mb_q, base_times = capped(rdflib_queries, (str(nquads_file(nq)), queries), args.cap)
            for name, text in queries:
                ts = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    n_rows = len(s.select(text).rows)
                    ts.append(time.perf_counter() - t0)
                row(size, f"query {name}", statistics.median(ts), 0 if args.no_baseline else (None if base_times is None else base_times[name]),
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
