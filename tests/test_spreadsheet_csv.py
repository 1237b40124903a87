"""CSV for spreadsheets: the CLI's ``analyse --csv`` and ``query --format csv``
read back with every formula-starting cell neutralised (OWASP: a leading
quote), numbers left as numbers; the endpoint's SPARQL CSV is not touched
(its own tests check the W3C format)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from sse_graph.cli import main
from sse_graph.spreadsheet import FORMULA_START, csv_text, neutralise, neutralise_csv
from xss import write_dataset

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+33 cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0",
            "\tTabbed", "\rReturn", "Plain name", "SAW-B"]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def assert_neutral(rows: list[list[str]]) -> None:
    for row in rows:
        for c in row:
            assert not c.startswith(FORMULA_START) or re.fullmatch(r"[+-]?[\d.]+([eE][+-]?\d+)?", c), c


def test_neutralise_follows_the_owasp_rule():
    assert [neutralise(v) for v in FORMULAS] == ["'" + v for v in FORMULAS[:6]] + FORMULAS[6:]
    assert neutralise("-0.25") == "-0.25" and neutralise(3) == 3 and neutralise(None) is None
    text = csv_text(["a"], [[v] for v in FORMULAS])
    assert text.startswith("\ufeff") and [r[0] for r in cells(text)[1:]] == [neutralise(v) for v in FORMULAS]
    again = neutralise_csv(text.encode("utf-8")).decode("utf-8")
    assert again == text, "neutralising twice changes nothing"


@pytest.fixture(scope="module")
def formula_data(tmp_path_factory, private_cache):
    folder = tmp_path_factory.mktemp("formulas")
    write_dataset(folder, ["Hub network", *FORMULAS, "Third", "Fourth"])
    return folder


def test_analyse_csv_neutralises_formula_names(formula_data, capsys):
    assert main(["analyse", "--csv", "--top", "0", "--data", str(formula_data)]) == 0
    text = capsys.readouterr().out
    rows = cells(text)
    assert rows[0][:2] == ["iri", "label"]
    labels = {r[1] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in labels and "SAW-B" in labels, "plain names stay as they are"
    assert_neutral(rows)


def test_query_csv_neutralises_formula_cells(formula_data, capsys):
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l (-3 AS ?n) WHERE { ?o skos:prefLabel ?l }"
    assert main(["query", "-e", q, "--format", "csv", "--data", str(formula_data)]) == 0
    rows = cells(capsys.readouterr().out)
    assert rows[0] == ["l", "n"]
    labels = [r[0] for r in rows[1:]]
    for v in FORMULAS:
        assert neutralise(v) in labels, v
    assert {r[1] for r in rows[1:]} == {"-3"}, "numbers stay numbers"
    assert_neutral(rows)
