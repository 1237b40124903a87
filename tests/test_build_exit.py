"""`python -m sse_graph build` leaves without freeing its working store piece by piece
(``sse_graph.build.KEEP_UNTIL_EXIT``): what it prints and writes must be whole, and its
exit code the contract's, as with a normal exit."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sse_graph.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _run(args, cache: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SSE_GRAPH_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_a_fast_build_prints_and_writes_everything(tmp_path):
    p = _run(["build", "--engine", "fast", "--force", "--json"], tmp_path / "cache")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)  # the whole JSON reached stdout before the quick exit
    assert report["validation"]["conforms"] and report["asserted_triples"] > 5000
    folder = Path(report["directory"])
    on_disk = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in on_disk.items() if k != "timings"} == {k: v for k, v in report.items() if k != "timings"}
    store = Store(folder / "dataset.nq")
    n = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").dicts()[0]["n"]
    assert n == sum(report["graphs"].values())
    # the name index is complete and readable
    import sqlite3

    with sqlite3.connect(folder / "names.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM name").fetchone()[0] > 100


def test_a_build_with_violations_still_exits_1_and_says_why(dataset_copy, tmp_path):
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\nid:orphan a org:Membership ; org:member id:labo-ess .\n", encoding="utf-8")
    p = _run(["build", "--engine", "fast", "--data", str(dataset_copy)], tmp_path / "cache")
    assert p.returncode == 1
    assert "S01" in p.stderr and "violation" in p.stderr
    assert p.stderr.rstrip().splitlines()[-1].startswith("build failed:")  # the last line reached stderr


def test_a_bad_input_exits_2_with_the_file_named(dataset_copy, tmp_path):
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\nthis is not turtle .\n", encoding="utf-8")
    p = _run(["build", "--engine", "fast", "--force", "--data", str(dataset_copy)], tmp_path / "cache")
    assert p.returncode == 2
    assert f.name in p.stderr and "Traceback" not in p.stderr
