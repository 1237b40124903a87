"""The SPARQL page: a runaway query is stopped at the page's time limit, SERVICE is
refused, and the page speaks one language at a time."""
from __future__ import annotations

import time

import pytest

from tests.test_app import open_page

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def run(at, text):
    at.text_area(key=at.text_area[0].key).set_value(text)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_the_page_stops_a_cross_join_at_its_limit(built):
    at = open_page("sparql")
    at.number_input(key="sq_limit").set_value(3).run()
    t0 = time.monotonic()
    run(at, CROSS_JOIN)
    assert "stopped after 3 s" in at.error[0].value
    assert time.monotonic() - t0 < 3 + 2 + 15  # the limit, the kill, and one worker's start


def test_the_row_cap_is_said(built):
    at = open_page("sparql")
    at.number_input(key="sq_cap").set_value(5).run()
    run(at, "SELECT ?s WHERE { ?s ?p ?o }")
    assert at.dataframe[0].value.shape[0] == 5
    assert "stopped at 5 rows" in at.text[0].value


@pytest.mark.parametrize("L", ["fr", "en"])
def test_service_is_refused_in_each_language(built, L):
    at = open_page("sparql", lang=L)
    run(at, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    word = {"fr": "n'est pas permis", "en": "is not allowed"}[L]
    assert "SERVICE" in at.error[0].value and word in at.error[0].value


ENGLISH = {"Time limit", "Most rows", "Example query", "Query", "Run", "row(s)", "labels", "Download", "Each query"}


def test_the_french_page_has_no_english_label(built):
    at = open_page("sparql", lang="fr")
    shown = [at.header[0].value, *(w.label for w in [*at.selectbox, *at.number_input, *at.text_area]),
             *(b.label for b in at.button), *(t.value for t in at.text), *(c.value for c in at.caption),
             *(at.dataframe[0].value.columns if at.dataframe else []), *at.selectbox[0].options]
    for s in shown:
        for word in ENGLISH:
            assert word not in str(s), (word, s)
    assert any(str(c).endswith("(libellés)") for c in at.dataframe[0].value.columns)
    assert "Durée maximale (secondes)" in [w.label for w in at.number_input]
