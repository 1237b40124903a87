"""Do two checkouts build the same thing?  `python benchmarks/same_build.py BEFORE AFTER [DATA]`

Builds DATA (default: the seed graph) with each checkout (``python -m sse_graph build
--engine fast --force --json``, fresh processes run from that checkout, own caches) —
AFTER twice in the same cache, so that its second build reads the rules and shapes
compiled by the first (``build_compile``) — and compares the on-disk stores (quads
without blank nodes as text; those with one up to blank-node labels, each blank node
named by a hash of its neighbourhood refined over three rounds), the ``names.sqlite``
and ``reach.sqlite`` rows and the reports (timings, peaks, folder, key and root aside).
(After benchmarks/same_build.py and tests/test_build_overlap.py of the overlap branch.)"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox


def _canonical(quads) -> tuple[set[str], list[tuple[str, ...]]]:
    plain, with_blank = set(), []
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            with_blank.append((q.subject, f"{q.predicate} {q.graph_name}", q.object))
        else:
            plain.add(str(q))
    label = {t.value: "_" for s, _p, o in with_blank for t in (s, o) if isinstance(t, ox.BlankNode)}

    def name(t):
        return label[t.value] if isinstance(t, ox.BlankNode) else str(t)

    for _ in range(3):
        sig: dict[str, list[str]] = {b: [] for b in label}
        for s, p, o in with_blank:
            if isinstance(s, ox.BlankNode):
                sig[s.value].append(f"out {p} {name(o)}")
            if isinstance(o, ox.BlankNode):
                sig[o.value].append(f"in {p} {name(s)}")
        label = {b: hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest()[:16] for b, v in sig.items()}
    return plain, sorted((name(s), p, name(o)) for s, p, o in with_blank)


def _rows(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(c.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def _build(code: str, data: str | None, cache: str) -> Path:
    args = [sys.executable, "-m", "sse_graph", "build", "--engine", "fast", "--force", "--json"] + (["--data", data] if data else [])
    p = subprocess.run(args, cwd=code, env={**os.environ, "PYTHONPATH": code, "SSE_GRAPH_CACHE": cache},
                       capture_output=True, text=True, check=True)
    return Path(json.loads(p.stdout)["directory"])


def compare(a: Path, b: Path) -> dict[str, bool]:
    (pa, ba), (pb, bb) = _canonical(ox.Store.read_only(str(a / "store"))), _canonical(ox.Store.read_only(str(b / "store")))
    same = {"quads without blank nodes": pa == pb, "quads with blank nodes": ba == bb}
    print(f"  quads without blank nodes: {len(pa)} / {len(pb)}; with blank nodes: {len(ba)} / {len(bb)}")
    for db in ("names.sqlite", "reach.sqlite"):
        ra, rb = _rows(a / db), _rows(b / db)
        print(f"  {db}", {t: len(r) for t, r in ra.items()})
        same[db] = ra == rb
    ja, jb = [{k: v for k, v in json.loads((d / "report.json").read_text()).items()
               if k not in ("timings", "peak_mb", "directory", "key", "root")} for d in (a, b)]
    same["report"] = ja == jb
    return same


def main() -> int:
    before, after, data = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    a = _build(before, data, tempfile.mkdtemp(prefix="same-build-"))
    cache = tempfile.mkdtemp(prefix="same-build-")
    ok = True
    for run in ("compiling", "compiled form cached"):
        b = _build(after, data, cache)
        print(f"{after} ({run}) against {before}:")
        for what, same in compare(a, b).items():
            print(f"  {what}: {'same' if same else 'DIFFERENT'}")
            ok &= same
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
