"""What the three users of the README meet end to end (the journey of a newcomer on a fresh
machine): each test is a finding that was wrong or unusable, reproduced on the real seed graph
through the real command line."""
from __future__ import annotations

import io
import json

import pandas as pd

from sse_graph.cli import main
from sse_graph.queries import load_query

ID = "https://w3id.org/sse-graph/id/"


def test_the_as_of_query_gives_names_and_sources_beside_the_iris(built, capsys):
    """A researcher runs the saved "as of" query the README cites and reads its CSV with pandas:
    each row names both organisations (IRIs alone are unreadable in a paper) and the source
    documents of its links; unbound, the rows say which organisation each answers for."""
    path = str(load_query("represented_by_as_of").path)
    assert main(["query", path, "--org", "SAW-B", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    for column in ("org", "orgLabel", "representative", "representativeLabel", "length", "from", "until", "sources"):
        assert column in df.columns
    got = {(r.orgLabel, r.representativeLabel, r.length) for r in df.itertuples()}
    assert got == {("SAW-B", "ConcertES", 1), ("SAW-B", "Social Economy Europe", 2)}
    assert df["length"].dtype.kind == "i"
    assert all(s.endswith("source/003_6530fe94a40990bb") for s in df["sources"])
    assert main(["query", path, "--format", "csv"]) == 0
    every = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert every["org"].nunique() > 10 and every["orgLabel"].notna().all() and every["representativeLabel"].notna().all()
    assert every["sources"].notna().all()
    assert set(every[every["org"] == ID + "saw-b"]["representative"]) == {ID + "concertes", ID + "see"}


def test_the_links_as_of_query_names_both_ends(built, capsys):
    path = str(load_query("representation_links_as_of").path)
    assert main(["query", path, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert rows and all(r["fromLabel"]["value"] and r["toLabel"]["value"] for r in rows)
    pairs = {(r["fromLabel"]["value"], r["toLabel"]["value"]) for r in rows}
    assert ("SAW-B", "ConcertES") in pairs and ("ConcertES", "Social Economy Europe") in pairs
