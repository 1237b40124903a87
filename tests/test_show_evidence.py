"""`show ORG --evidence` and the `evidence` of the answers' JSON: each fact with its
passage in context, the source's title, date and an RFC 5147 locator; the data never
becomes markup.  The seed-graph tests need the curators' anchors (graph/NNN_*.ttl)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from sse_graph.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
ID = "https://w3id.org/sse-graph/id/"
KEYS = {"source", "source_title", "source_date", "locator", "exact", "prefix", "suffix", "start", "end"}

# One organisation named by each source, and that source's text file.
ONE_PER_SOURCE = [
    ("ess-france", "000_30352ab47c79168e.txt"),
    ("labo-ess", "001_a8e3a8c5c264d9e4.txt"),
    ("rtes", "002_8a782234b05de830.txt"),
    ("saw-b", "003_6530fe94a40990bb.txt"),
    ("tiess", "004_95ab2b3f0b488944.txt"),
]


def test_a_passage_from_the_data_never_becomes_markup():
    from sse_graph.cli.questions import _passage

    e = {"prefix": "[red]before ", "exact": "a [/bold][link=x]b\u202e", "suffix": "\n[/red] after",
         "source_title": "T [b]", "source_date": "2019", "locator": "f.txt#char=1,2", "start": 1, "end": 2}
    buf = io.StringIO()
    Console(file=buf, width=400, color_system=None).print(_passage(e))
    text = buf.getvalue()
    assert "[red]before a [/bold][link=x]b<U+202E>⏎[/red] after" in text
    assert "T [b], 2019, f.txt#char=1,2" in text
    assert "\u202e" not in text


@pytest.mark.parametrize("org,file", ONE_PER_SOURCE)
def test_show_evidence_on_one_organisation_of_each_source(org, file, capsys, built):
    assert main(["show", ID + org, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    mine = [e for e in card["evidence"] if e["source"] == file]
    assert mine, f"{org} has no passage in {file}"
    for e in card["evidence"]:
        assert set(e) == KEYS
        if e["start"] is not None:
            assert e["locator"] == f"{e['source']}#char={e['start']},{e['end']}"
            assert e["end"] - e["start"] == len(e["exact"])
    if SEEDS.is_dir():
        text = (SEEDS / file).read_bytes().decode("utf-8")
        assert all(text[e["start"]:e["end"]] == e["exact"] for e in mine)
    assert main(["show", ID + org, "--evidence"]) == 0
    out = capsys.readouterr().out
    assert "Evidence" in out
    first = mine[0]
    assert first["locator"] in out
    assert first["exact"].replace("\n", "⏎")[:40] in out


def test_answers_carry_evidence_in_json(capsys, built):
    assert main(["members", ID + "concertes", "--json"]) == 0
    members = json.loads(capsys.readouterr().out)
    assert members and all("evidence" in m for m in members)
    assert any(e["source"] == "003_6530fe94a40990bb.txt" for m in members for e in m["evidence"])
    assert main(["represented-by", ID + "saw-b", "--json"]) == 0
    chains = json.loads(capsys.readouterr().out)
    assert chains and all(c["evidence"] and set(c["evidence"][0]) == KEYS for c in chains)
    assert main(["path", ID + "saw-b", ID + "concertes", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert steps[0]["evidence"] == [] and all(s["evidence"] for s in steps[1:])
    for cmd in (["represents", ID + "concertes"], ["seats", ID + "concertes"]):
        assert main([*cmd, "--json"]) == 0
        answers = json.loads(capsys.readouterr().out)
        assert all(re.fullmatch(r"[^#]+#char=\d+,\d+", e["locator"]) or e["source"] == "curator's note"
                   for a in answers for e in a["evidence"])
