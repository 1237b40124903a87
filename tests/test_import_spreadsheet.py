"""Importing as a spreadsheet user does: columns by header name in any order (French
or English), typed XLSX cells, every mistake as file:row:column with the value, a
source column that becomes the fact's source, partnerships and seats, --dry-run,
and imports listed and undone exactly."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from sse_graph.cli import main

DATA = Path(__file__).resolve().parent / "data" / "import"
ID = "https://w3id.org/sse-graph/id/"
FAST = ["--engine", "fast"]


@pytest.fixture
def data(dataset_copy, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path_factory.mktemp("cache")))  # outside the dataset folder
    monkeypatch.delenv("SSE_GRAPH_ENGINE", raising=False)
    return dataset_copy


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def imported(data, args, capsys) -> str:
    assert main(["import", *args, *FAST, "--data", str(data)]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def ask(data, query: str, capsys) -> bool:
    assert main(["query", "-e", "PREFIX sse: <https://w3id.org/sse-graph/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "
                 "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#> "
                 "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
                 + query, "--data", str(data)]) == 0
    return capsys.readouterr().out.strip() == "true"


def without_digest(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "sha256" not in line)


def test_columns_are_read_by_name_in_any_order_in_french(data, tmp_path, capsys):
    """The same table with French headers, shuffled, semicolons: the same graph."""
    english = DATA / "organisations_good.csv"
    rows = [line.split(",") for line in english.read_text(encoding="utf-8").splitlines()]
    names = {"id": "Identifiant", "label_fr": "Libellé FR", "label_en": "nom_en", "acronym": "Sigle", "kind": "Type",
             "country": "Pays", "level": "Niveau", "source": "Référence"}
    order = [6, 2, 0, 7, 4, 1, 5, 3]
    french = tmp_path / "fr" / "organisations_good.csv"
    french.parent.mkdir()
    french.write_text("\n".join(";".join(([names[r[i]] for i in order] if n == 0 else [r[i] for i in order]))
                                for n, r in enumerate(rows)) + "\n", encoding="utf-8-sig")
    imported(data, [str(english), "--kind", "organisations", "--dry-run"], capsys)
    target = data / "graph" / "import-organisations-good.ttl"
    imported(data, [str(english), "--kind", "organisations"], capsys)
    from_english = target.read_text(encoding="utf-8")
    assert main(["import", "--undo", "1", "--data", str(data)]) == 0
    imported(data, [str(french), "--kind", "organisations"], capsys)
    assert without_digest(target.read_text(encoding="utf-8")) == without_digest(from_english)


def test_xlsx_typed_cells_partnerships_and_their_source(data, tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Projet", "Date de début", "Partenaire", "Fin", "Chef de file", "Source", "Page"])
    ws.append(["capse", dt.date(2021, 3, 1), "SAW-B", 2023, True, "https://example.org/rapport.pdf", 12])
    ws.append(["capse", dt.datetime(2020, 1, 15), "Labo de l'ESS", 2022.0, False, "003_6530fe94a40990bb.txt", "annexe 2"])
    f = tmp_path / "partenaires.xlsx"
    wb.save(f)
    imported(data, [str(f), "--kind", "partnerships"], capsys)
    assert ask(data, f"""ASK {{ ?p a sse:Partnership ; sse:partner <{ID}saw-b> ; sse:partnerIn <{ID}capse> ;
        org:role sse:role-lead-partner ; sse:startDate "2021-03-01"^^xsd:date ; sse:endDate "2023"^^xsd:gYear ;
        dcterms:source ?doc ; prov:wasDerivedFrom ?row , ?cited .
      ?doc a sse:SourceDocument ; rdfs:seeAlso <https://example.org/rapport.pdf> .
      ?row oa:hasSource <https://w3id.org/sse-graph/source/import-partenaires> ;
        oa:hasSelector [ a oa:FragmentSelector ; dcterms:conformsTo <http://tools.ietf.org/rfc/rfc7111> ; rdf:value "row=2" ] .
      ?cited oa:hasSource ?doc ;
        oa:hasSelector [ dcterms:conformsTo <http://tools.ietf.org/rfc/rfc8118> ; rdf:value "page=12" ] }}""", capsys)
    # a source of the graph, named by its file name, is the fact's source
    assert ask(data, f"""ASK {{ ?p a sse:Partnership ; sse:partner <{ID}labo-ess> ; org:role sse:role-partner ;
        sse:startDate "2020-01-15"^^xsd:date ; sse:endDate "2022"^^xsd:gYear ;
        dcterms:source <https://w3id.org/sse-graph/source/003_6530fe94a40990bb> }}""", capsys)


def test_seats_are_importable(data, tmp_path, capsys):
    f = tmp_path / "sieges.csv"
    f.write_text("Organe,Titulaire,Pour,Rôle,Au\nconcertes,saw-b,febisp,membre effectif,31/12/2019\n", encoding="utf-8")
    imported(data, [str(f), "--kind", "seats"], capsys)
    assert ask(data, f"""ASK {{ ?s a sse:Seat ; sse:holder <{ID}saw-b> ; sse:body <{ID}concertes> ;
        sse:onBehalfOf <{ID}febisp> ; org:role sse:role-effective-member ; sse:attestedOn "2019-12-31"^^xsd:date }}""", capsys)


MISTAKES = [  # (kind, table, where and what the message says)
    ("organisations", "id,label_fr,kind,colour\nx,X,Cooperative,red\n", ":1:colour: unknown column 'colour'"),
    ("organisations", "id,label_fr,type,kind\nx,X,Cooperative,Cooperative\n", ":1:kind: 'kind' repeats the column 'kind'"),
    ("memberships", "member,role\nsaw-b,member\n", ":1: the column 'organisation' is missing"),
    ("organisations", "id,label_fr\nx,X\n", ":1: the column 'kind' is missing"),
    ("organisations", "id,label_fr,kind\n,X,Cooperative\n", ":2:id: a value is required"),
    ("organisations", "id,label_fr,kind\nBad Id,X,Cooperative\n", ":2:id: 'Bad Id' is not an id"),
    ("organisations", "id,label_fr,kind\nsaw-b,X,Cooperative\n", ":2:id: 'saw-b' already exists in the graph"),
    ("organisations", "id,label_fr,kind\nx,X,Cooperative\nx,Y,Cooperative\n", ":3:id: duplicate id 'x'"),
    ("organisations", "id,label_fr,kind\nx,X,Spaceship\n", ":2:kind: 'Spaceship' is not a kind of the ontology"),
    ("organisations", "id,label_fr,kind,pays\nx,X,Cooperative,XX\n", ":2:pays: 'XX' is not an ISO 3166-1 alpha-2 code"),
    ("organisations", "id,label_fr,kind,niveau\nx,X,Cooperative,galactic\n", ":2:niveau: 'galactic' is not a level"),
    ("organisations", "id,label_fr,label_en,kind\nx,,,Cooperative\n", ":2:label_*: at least one label column"),
    ("memberships", "member,organisation,start\nsaw-b,concertes,next year\n", ":2:start: 'next year' is not a date"),
    ("memberships", "member,organisation,end\nsaw-b,concertes,2019-02-30\n", ":2:end: '2019-02-30' is not a real date"),
    ("memberships", "member,organisation,role\nsaw-b,concertes,emperor\n", ":2:role: 'emperor' is not a role of the list"),
    ("memberships", "member,organisation\nzorglub,concertes\n", ":2:member: unknown organisation 'zorglub'"),
    ("memberships", "member,organisation\nVille de,concertes\n", ":2:member: 'Ville de' names several organisations"),
    ("memberships", "member,organisation\nsaw-b,pls\n", ":2:organisation: 'pls' is not a representative body"),
    ("partnerships", "partner,in,lead\nsaw-b,capse,perhaps\n", ":2:lead: 'perhaps' is not yes or no"),
    ("partnerships", "partner,in,lead,role\nsaw-b,capse,yes,founder\n", ":2:role: 'founder' contradicts the lead column"),
    ("partnerships", "partner,in\nsaw-b,atlantis\n", ":2:in: unknown project, event or organisation 'atlantis'"),
    ("memberships", "member,organisation\n", ": the table has no row"),
]


@pytest.mark.parametrize("kind,table,expected", MISTAKES, ids=[m[2].split(": ", 1)[-1][:40] for m in MISTAKES])
def test_every_mistake_is_named_with_file_row_column_and_value(data, tmp_path, capsys, kind, table, expected):
    f = tmp_path / "table.csv"
    f.write_text(table, encoding="utf-8")
    before = snapshot(data)
    assert main(["import", str(f), "--kind", kind, *FAST, "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"{f}{expected}" in err and "Traceback" not in err
    assert snapshot(data) == before


def test_an_unreadable_file_is_named(data, tmp_path, capsys):
    f = tmp_path / "broken.xlsx"
    f.write_bytes(b"not a workbook")
    assert main(["import", str(f), "--kind", "organisations", "--data", str(data)]) == 2
    assert f"{f}: cannot be read as a table" in capsys.readouterr().err


def test_dry_run_shows_the_change_and_writes_nothing(data, capsys):
    before = snapshot(data)
    out = imported(data, [str(DATA / "organisations_good.csv"), "--kind", "organisations", "--dry-run"], capsys)
    assert "would go into" in out and "Nothing was written" in out
    assert f"+ <{ID}coop-du-val> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Val Co-operative\"@en ." in out
    assert snapshot(data) == before


def dump(data, capsys) -> dict[str, object]:
    """The exported dataset, graph by graph, up to blank node names (each export names them anew)."""
    from rdflib import Dataset
    from rdflib.compare import to_isomorphic

    assert main(["export", "--format", "nquads", "--data", str(data)]) == 0
    ds = Dataset()
    ds.parse(data=capsys.readouterr().out, format="nquads")
    return {str(g.identifier): to_isomorphic(g) for g in ds.graphs() if len(g)}


def test_imports_are_listed_and_undone_to_the_exact_previous_graph(data, tmp_path, capsys):
    original = dump(data, capsys)
    graph_before = snapshot(data / "graph")
    imported(data, [str(DATA / "organisations_good.csv"), "--kind", "organisations"], capsys)
    first = dump(data, capsys)
    imported(data, [str(DATA / "memberships_good.csv"), "--kind", "memberships"], capsys)
    corrected = tmp_path / "organisations_good.csv"
    corrected.write_text((DATA / "organisations_good.csv").read_text(encoding="utf-8").replace("Val Co-operative",
                                                                                             "Valley Co-operative"))
    imported(data, [str(corrected), "--kind", "organisations"], capsys)
    assert dump(data, capsys) != first

    assert main(["imports", "--json", "--data", str(data)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["id"], e["file"], e["kind"], e["rows"]) for e in listed] == [
        ("1", "organisations_good.csv", "organisations", 2), ("2", "memberships_good.csv", "memberships", 2),
        ("3", "organisations_good.csv", "organisations", 2)]
    assert listed[0]["sha256"] == hashlib.sha256((DATA / "organisations_good.csv").read_bytes()).hexdigest()
    assert all(e["when"].endswith("Z") and e["undone"] is None for e in listed)

    assert main(["import", "--undo", "1", "--data", str(data)]) == 2  # import 3 changed the same graph since
    assert "undo it first" in capsys.readouterr().err
    assert main(["import", "--undo", "3", "--data", str(data)]) == 0
    capsys.readouterr()
    assert main(["import", "--undo", "1", "--data", str(data)]) == 2  # the memberships of import 2 rest on it
    err = capsys.readouterr().err
    assert "nothing was undone" in err and "coop-du-val is still named in import-memberships-good" in err
    assert main(["import", "--undo", "2", "--data", str(data)]) == 0
    assert main(["import", "--undo", "1", "--data", str(data)]) == 0
    capsys.readouterr()
    assert snapshot(data / "graph") == graph_before
    assert dump(data, capsys) == original
    assert main(["import", "--undo", "1", "--data", str(data)]) == 2  # once only
    assert main(["imports", "--data", str(data)]) == 0
    assert capsys.readouterr().out.count("Z") >= 6  # three imports, three undone, each with its time
