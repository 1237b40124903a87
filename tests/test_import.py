"""Importing partners' spreadsheets: row-level errors, all or nothing, idempotent."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sse_graph.cli import main

DATA = Path(__file__).resolve().parent / "data" / "import"
ID = "https://w3id.org/sse-graph/id/"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(dataset_copy, built):
    return dataset_copy


def run(*args):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, env=os.environ)


def test_a_good_file_goes_in_as_its_own_named_graph(data, capsys):
    assert main(["import", str(DATA / "organisations_good.csv"), "--kind", "organisations", "--data", str(data)]) == 0
    target = data / "graph" / "import-organisations-good.ttl"
    assert target.exists()
    assert main(["import", str(DATA / "memberships_good.csv"), "--kind", "memberships", "--data", str(data)]) == 0
    capsys.readouterr()
    from sse_graph import Store, build
    from sse_graph.questions import Questions

    store = Store(build(data).dataset_path)
    q = Questions(store)
    assert q.resolve("Coopérative du Val") == ID + "coop-du-val" and q.resolve("CDV") == ID + "coop-du-val"
    chains = [a["chain"] for a in q.represented_by(ID + "coop-du-val")]
    assert ["Val Co-operative", "SAW-B", "ConcertES"] in chains
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/sse-graph/id/coop-du-val> a ?t } "
                        "FILTER(?g != <https://w3id.org/sse-graph/graph/inferred>) }").dicts()
    assert {r["g"] for r in rows} == {"https://w3id.org/sse-graph/graph/import-organisations-good"}
    src = store.select("""PREFIX sse: <https://w3id.org/sse-graph/ontology#>
        SELECT ?f WHERE { <https://w3id.org/sse-graph/source/import-memberships-good> sse:fileName ?f }""").dicts()
    assert src == [{"f": "memberships_good.csv"}]


def test_reimporting_the_same_file_changes_nothing(data, capsys):
    assert main(["import", str(DATA / "organisations_good.csv"), "--kind", "organisations", "--data", str(data)]) == 0
    before = snapshot(data)
    assert main(["import", str(DATA / "organisations_good.csv"), "--kind", "organisations", "--data", str(data)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert snapshot(data) == before


def test_a_corrected_file_replaces_its_named_graph(data, tmp_path):
    f = tmp_path / "organisations_good.csv"
    f.write_text((DATA / "organisations_good.csv").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["import", str(f), "--kind", "organisations", "--data", str(data)]) == 0
    f.write_text(f.read_text(encoding="utf-8").replace("Coopérative du Val", "Coopérative du Val fleuri"), encoding="utf-8")
    assert main(["import", str(f), "--kind", "organisations", "--data", str(data)]) == 0
    text = (data / "graph" / "import-organisations-good.ttl").read_text(encoding="utf-8")
    assert "Val fleuri" in text and '"Coopérative du Val"@fr' not in text


@pytest.mark.parametrize("table,kind,expected", [
    ("organisations_bad.csv", "organisations", ["organisations_bad.csv:3:id: a value is required",
                                                "organisations_bad.csv:4:id: duplicate id 'good-one'",
                                                "organisations_bad.csv:5:country: 'XX' is not an ISO 3166-1 alpha-2 code"]),
    ("memberships_bad.csv", "memberships", ["memberships_bad.csv:2:member: unknown organisation 'zorglub-inconnu'",
                                            "memberships_bad.csv:3:start: '2018-13' is not a real date",
                                            "memberships_bad.csv:4:organisation: 'pls' is not a representative body"]),
])
def test_bad_rows_are_named_and_nothing_is_written(data, private_cache, table, kind, expected):
    before_data, before_cache = snapshot(data), snapshot(private_cache)
    r = run("import", str(DATA / table), "--kind", kind, "--data", str(data))
    assert r.returncode == 2, r.stderr
    for e in expected:
        assert e in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(data) == before_data and snapshot(private_cache) == before_cache


def test_unknown_kind_and_format_are_usage_errors(data, tmp_path):
    assert run("import", str(DATA / "organisations_good.csv"), "--kind", "people", "--data", str(data)).returncode == 2
    f = tmp_path / "x.ods"
    f.write_text("x")
    r = run("import", str(f), "--kind", "organisations", "--data", str(data))
    assert r.returncode == 2 and "only .csv and .xlsx" in r.stderr


def test_an_xlsx_file_imports_like_a_csv(data, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["id", "label_ko", "kind", "country"], ["seoul-coop-test", "서울 협동조합", "Cooperative", "KR"]]:
        ws.append(row)
    f = tmp_path / "korean.xlsx"
    wb.save(f)
    assert main(["import", str(f), "--kind", "organisations", "--data", str(data)]) == 0
    assert "서울 협동조합" in (data / "graph" / "import-korean.ttl").read_text(encoding="utf-8")


def test_an_interrupted_import_leaves_the_graph_as_before(data, tmp_path):
    # a table never imported before, so that its staging build is not in the cache and takes seconds
    f = tmp_path / "fresh.csv"
    f.write_text(f"id,label_fr,kind\ninterrupted-{time.time_ns()},Interrompue,Cooperative\n", encoding="utf-8")
    before = snapshot(data)
    proc = subprocess.Popen([sys.executable, "-m", "sse_graph", "import", str(f), "--engine", "owlrl",
                             "--kind", "organisations", "--data", str(data)], env=os.environ,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3.0)  # inside the staging build (reasoning takes several seconds)
    assert proc.poll() is None, "the import ended before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(data) == before


def test_an_import_can_be_reasoned_and_validated_by_the_fast_engine(data, private_cache, capsys):
    """The staging build of a large import runs in pyoxigraph (compiled rules and
    shapes); the result answers like the reference build."""
    for table, kind in (("organisations_good.csv", "organisations"), ("memberships_good.csv", "memberships")):
        assert main(["import", str(DATA / table), "--kind", kind, "--engine", "fast", "--data", str(data)]) == 0
    capsys.readouterr()
    from sse_graph import Store, build
    from sse_graph.questions import Questions

    fast = build(data, engine="fast")
    assert fast.cached  # the staging build of the second import published it
    chains = [a["chain"] for a in Questions(Store(fast.dataset_path)).represented_by(ID + "coop-du-val")]
    assert ["Val Co-operative", "SAW-B", "ConcertES"] in chains
    assert fast.counts == build(data).counts
