"""The command line: every command's help, query formats, export, exit codes."""
from __future__ import annotations

import csv
import io
import json

import pytest
import rdflib

from sse_graph.cli import app, main

COMMANDS = sorted(c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands)


def test_the_commands_are_all_there():
    assert set(COMMANDS) >= {"build", "validate", "query", "export", "members", "represented-by", "represents",
                             "seats", "show", "path", "search"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    assert "Usage" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["frobnicate"]) == 2


ORG_QUERY = "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:memberOf <https://w3id.org/sse-graph/id/concertes> }"


def test_query_json_is_sparql_results_json(built, capsys):
    assert main(["query", "-e", ORG_QUERY, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["head"]["vars"] == ["m"] and len(doc["results"]["bindings"]) == 17


def test_query_csv_and_tsv(built, capsys):
    assert main(["query", "-e", ORG_QUERY, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["m"] and len(rows) == 18
    assert main(["query", "-e", 'SELECT ?l WHERE { <https://w3id.org/sse-graph/id/febisp> '
                 '<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }', "--format", "tsv"]) == 0
    assert '"FÉBISP"@fr' in capsys.readouterr().out


def test_query_asserted_leaves_out_the_inferences(built, capsys):
    assert main(["query", "-e", ORG_QUERY, "--format", "json", "--asserted"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"] == []


def test_query_from_a_file(built, tmp_path, capsys):
    f = tmp_path / "q.rq"
    f.write_text("ASK { <https://w3id.org/sse-graph/id/coceta> <https://w3id.org/sse-graph/ontology#representedBy> "
                 "<https://w3id.org/sse-graph/id/cepes> }", encoding="utf-8")
    assert main(["query", str(f)]) == 0
    assert capsys.readouterr().out.strip() == "true"


@pytest.mark.parametrize("text,message", [
    ("SELEKT ?x WHERE {}", "syntax"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
])
def test_bad_or_refused_queries_exit_2_with_a_message(built, capsys, text, message):
    assert main(["query", "-e", text]) == 2
    assert message in capsys.readouterr().err


def test_a_saved_query_answers_for_the_organisation_given_by_name(built, capsys):
    """A shipped query with ?org_param: --org binds it (a label or acronym is resolved); without
    it the query answers for every organisation, and stderr says so, with the file's example."""
    from sse_graph.queries import load_query

    path = str(load_query("represented_by_as_of").path)
    assert main(["query", path, "--org", "SAW-B", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert {(r["representative"]["value"].rsplit("/", 1)[1], r["length"]["value"]) for r in rows} == {("concertes", "1"), ("see", "2")}
    assert main(["query", path, "-f", "json"]) == 0
    captured = capsys.readouterr()
    assert "answers for every organisation" in captured.err and "id/saw-b" in captured.err
    assert len(json.loads(captured.out)["results"]["bindings"]) > len(rows)
    assert main(["query", "-e", "ASK {}", "--org", "SAW-B"]) == 2
    assert "no ?org_param" in capsys.readouterr().err
    assert main(["query", path, "--org", "No such organisation"]) == 2


def test_missing_query_file_exits_2(built, capsys, tmp_path):
    assert main(["query", str(tmp_path / "nope.rq")]) == 2
    assert "nope.rq" in capsys.readouterr().err


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("nquads", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")])
def test_export_round_trips(built, tmp_path, fmt, parser):
    out = tmp_path / f"export.{fmt}"
    assert main(["export", "--format", fmt, "-o", str(out)]) == 0
    g = rdflib.Dataset() if parser in ("nquads", "trig") else rdflib.Graph()
    g.parse(out, format=parser)
    assert len(g) > 0 or len(list(g.quads())) > 8000


def test_jsonld_export_uses_language_maps(built, tmp_path):
    out = tmp_path / "x.jsonld"
    assert main(["export", "--format", "jsonld", "-o", str(out), "--asserted"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    nodes = {n["@id"]: n for n in doc["@graph"]}
    assert nodes["id:febisp"]["prefLabel"] == {"fr": "FÉBISP"}
