"""The seed graph with made-up places, projects, events, documents, laws and
organisations whose names are attacks (tests/hostile_things.py), driven through
the real command line in a child process: nothing from the data acts on the
terminal (escape sequences, NUL, bidi overrides, rich markup, forged lines), in a
spreadsheet (formulas, also behind spaces or line ends, in CSV and TSV), or breaks a
picture (a line end in a name, a NUL in SVG)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from hostile_things import EVIL, ORGS, THINGS, write_dataset

# what a terminal obeys or a reader cannot see: escape, NUL, CR, bidi embeddings/overrides/isolates, zero-width
TERMINAL = ("\x1b", "\x00", "\r", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u200b", "\u200d", "\ufeff")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, private_cache):
    folder = write_dataset(tmp_path_factory.mktemp("hostile-things"))
    r = cli("build", "--data", str(folder))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return folder


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200"})


def text(r: subprocess.CompletedProcess) -> str:
    return r.stdout.decode("utf-8") + r.stderr.decode("utf-8")


def assert_inert_on_terminal(out: str):
    for c in TERMINAL:
        assert c not in out, f"U+{ord(c):04X} reaches the terminal: {out[:300]!r}"


@pytest.mark.parametrize("key", ["place", "project", "event", "publication", "law", "nul", "lf", "zwj", "long"])
def test_a_things_card_shows_its_hostile_names_as_inert_text(hostile, key):
    r = cli("show", f"id:hostile-{key}", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    out = text(r)
    assert_inert_on_terminal(out)
    heading = out.split("\n")[0]
    assert heading.endswith(f"<https://w3id.org/sse-graph/id/hostile-{key}>"), heading[:300]  # no forged line


def test_an_organisation_card_of_the_hostile_source_is_inert(hostile):
    r = cli("show", "id:hostile-org-md", "--evidence", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    assert_inert_on_terminal(text(r))
    assert "<U+202E>gnp.exe" in r.stdout.decode()  # the override is shown by its code point, not obeyed


def test_question_commands_on_a_thing_point_to_show(hostile):
    for command in ("members", "represents", "represented-by", "seats"):
        r = cli(command, "id:hostile-place", "--data", str(hostile))
        assert r.returncode == 2, text(r)
        assert "sse-graph show id:hostile-place" in r.stderr.decode()
        assert "Traceback" not in text(r)
        assert_inert_on_terminal(text(r))


def test_member_lists_search_why_and_analyse_are_inert(hostile):
    for args in (["members", "id:hostile-org-md"], ["search", "Coop"], ["search", "Zéro"],
                 ["why", "id:hostile-org-formula", "id:hostile-org-md"], ["analyse", "--top", "0"],
                 ["path", "id:hostile-org-bidi", "id:hostile-org-formula"]):
        r = cli(*args, "--data", str(hostile))
        assert r.returncode == 0, (args, text(r))
        assert_inert_on_terminal(text(r))


def test_json_answers_keep_the_names_and_escape_format_characters(hostile):
    r = cli("members", "id:hostile-org-md", "--json", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    out = r.stdout.decode()
    assert_inert_on_terminal(out)
    labels = {m["label"] for m in json.loads(out)}
    assert labels == {ORGS[k][0] for k in ("org-formula", "org-bidi", "org-cr")}  # the same strings, escaped


def test_query_table_never_reads_data_as_markup(hostile):
    r = cli("query", "-e", 'SELECT ("[/red]zz" AS ?x) ("[link=http://evil.example/]click[/link]" AS ?y) '
                           '("a\\u001b[31mb\\u202Ec" AS ?z) (":smile: :red_circle:" AS ?e) {}', "--data", str(hostile))
    assert r.returncode == 0, text(r)  # a stray closing tag was a MarkupError: exit 70
    out = r.stdout.decode()
    assert "[/red]zz" in out and "[link=http://evil.example/]click[/link]" in out  # as written, not a hidden link
    assert "\x1b]8;" not in out
    assert ":smile: :red_circle:" in out  # rich turned emoji codes in the data into emoji
    assert_inert_on_terminal(out)


LABELS = 'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { ?s skos:prefLabel ?l ' \
         'FILTER(STRSTARTS(STR(?s), "https://w3id.org/sse-graph/id/hostile-")) }'
WORDING = 'PREFIX sse: <https://w3id.org/sse-graph/ontology#> SELECT ?w WHERE { ?s sse:sourceWording ?w ' \
          'FILTER(STRSTARTS(STR(?s), "https://w3id.org/sse-graph/id/hostile-")) }'


def formula_like(cell: str) -> bool:
    """What a spreadsheet could run: a formula character first, or after spaces, line ends or invisible characters."""
    from sse_graph.spreadsheet import would_be_formula

    return would_be_formula(cell)


def test_query_csv_quotes_formulas_behind_spaces_and_line_ends(hostile):
    r = cli("query", "-e", LABELS, "--format", "csv", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    cells = [c for row in csv.reader(io.StringIO(r.stdout.decode("utf-8-sig"), newline="")) for c in row]
    assert len(cells) == 1 + len(THINGS) + len(ORGS)
    for c in cells:
        assert not formula_like(c), repr(c[:80])
    assert "'" + ORGS["org-formula"][0] in cells  # " =HYPERLINK(...)": quoted, not trimmed
    assert "'" + THINGS["lf"][0] in cells and "'" + THINGS["law"][0] in cells


def test_query_tsv_escapes_a_formula_literal_and_keeps_the_term(hostile):
    import pyoxigraph as ox

    for query in (LABELS, WORDING):
        r = cli("query", "-e", query, "--format", "tsv", "--data", str(hostile))
        assert r.returncode == 0, text(r)
        lines = r.stdout.decode().split("\n")
        cells = [c for line in lines[1:] if line for c in line.split("\t")]
        for c in cells:  # what a spreadsheet sees once it has taken off the quotes
            assert not formula_like(c.strip('"')), repr(c[:80])
        values = {s[0].value for s in ox.parse_query_results(r.stdout, ox.QueryResultsFormat.TSV)}
        expected = {v[0] for v in (*THINGS.values(), *ORGS.values())} if query == LABELS else {"=cmd|' /C calc'!A0"}
        assert values == expected  # the same RDF terms


def test_analyse_csv_quotes_formulas_behind_spaces(hostile):
    r = cli("analyse", "--csv", "--top", "0", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    cells = [c for row in csv.reader(io.StringIO(r.stdout.decode("utf-8-sig"), newline="")) for c in row]
    assert "'" + ORGS["org-formula"][0] in cells
    for c in cells:
        assert not formula_like(c), repr(c[:80])


@pytest.mark.parametrize("fmt", ["svg", "png", "html"])
def test_pictures_draw_names_with_line_ends_and_nul(hostile, tmp_path, fmt):
    for focus in (None, "id:hostile-org-md"):
        target = tmp_path / f"p-{focus is None}.{fmt}"
        r = cli("draw", "-o", str(target), *(["--focus", focus] if focus else []), "--data", str(hostile))
        assert r.returncode == 0, text(r)  # a CR/LF in a name: raqm_layout() failed, exit 70
        data = target.read_bytes()
        if fmt == "svg":
            root = ET.fromstring(data)  # a NUL or an escape in a name made the SVG invalid XML
            shown = " ".join(e.text or "" for e in root.iter())
            assert "@cmd Coop" in shown
            assert_inert_on_terminal(shown)
        elif fmt == "png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert b"<script>document.title" not in data and EVIL.encode() not in data.split(b"</head>")[0]


def test_query_json_is_the_same_results_with_format_characters_escaped(hostile):
    r = cli("query", "-e", LABELS, "--format", "json", "--data", str(hostile))
    assert r.returncode == 0, text(r)
    out = r.stdout.decode()
    assert_inert_on_terminal(out)
    values = {b["l"]["value"] for b in json.loads(out)["results"]["bindings"]}
    assert values == {v[0] for v in (*THINGS.values(), *ORGS.values())}
