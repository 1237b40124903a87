"""Incremental import vs full rebuild, in the same run.

A dataset folder (writable: the import writes into its graph/) is built in full
once with the fast engine (or its cached build reused); then a spreadsheet of N
new organisations is imported (``sse-graph import``: check, staging build made
incrementally from the current build, file written) and the next command's build
is taken (a cache hit: the staging build has the same inputs); then the same
inputs are rebuilt in full (``--force``).  Prints a Markdown table.

    python benchmarks/generate.py --orgs 100000 --seed 1 -o /tmp/g1m/graph/generated.ttl
    cp -r ontology /tmp/g1m/ && SSE_GRAPH_CACHE=/tmp/cache python benchmarks/incremental.py --data /tmp/g1m
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sse_graph.build import build  # noqa: E402
from sse_graph.importer import import_table  # noqa: E402


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _table(rows: int, folder: Path, tag: str) -> Path:
    path = folder / f"bench-{tag}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label_fr", "label_en", "acronym", "kind", "country", "level", "source"])
        for i in range(rows):
            w.writerow([f"bench-{tag}-{i}", f"Coopérative banc {tag} {i}", f"Bench co-operative {tag} {i}",
                        f"BC{i}", "Cooperative", "BE", "local", "benchmark list"])
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a writable dataset folder (ontology/, graph/)")
    ap.add_argument("--orgs", type=int, default=5, help="organisations to import")
    ap.add_argument("--no-full", action="store_true", help="skip the full rebuild (the baseline)")
    args = ap.parse_args()
    rows = []

    t = time.perf_counter()
    base = build(args.data, engine="fast")
    rows.append(("current build (full, or cached)", time.perf_counter() - t, base.cached, base.asserted_triples))

    with tempfile.TemporaryDirectory() as tmp:
        table = _table(args.orgs, Path(tmp), time.strftime("%H%M%S"))
        t = time.perf_counter()
        imported = import_table(table, "organisations", data=args.data, engine="fast")
        took = time.perf_counter() - t
    rows.append((f"`sse-graph import` of {args.orgs} organisations (incremental staging build)", took, False,
                 imported.triples))
    peak_incremental = _peak_mb()
    t = time.perf_counter()
    after = build(args.data, engine="fast")
    rows.append(("next command's build (cache hit)", time.perf_counter() - t, after.cached, after.asserted_triples))
    report = json.loads((after.directory / "report.json").read_text(encoding="utf-8"))
    inc = report.get("incremental")
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in report["timings"].items())

    full = None
    if not args.no_full:
        t = time.perf_counter()
        full = build(args.data, engine="fast", force=True)
        rows.append(("full rebuild of the same inputs (`build --force`)", time.perf_counter() - t, False,
                     full.asserted_triples))

    print(f"| step | time (s) | cached | asserted triples |\n|---|---:|---|---:|")
    for name, s, cached, n in rows:
        print(f"| {name} | {s:.2f} | {'yes' if cached else 'no'} | {n:,} |")
    print(f"\nincremental build: {'yes, from ' + inc['from'] if inc else 'NO (full build)'}; steps: {steps}")
    print(f"peak RSS after the import: {peak_incremental:,} MB; after the full rebuild: {_peak_mb():,} MB")
    if full is not None:
        same = (after.asserted_triples, after.inferred_triples, after.graphs, after.counts) == \
               (full.asserted_triples, full.inferred_triples, full.graphs, full.counts)
        print(f"incremental and full builds report the same triples per graph and counts: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
