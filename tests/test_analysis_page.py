"""The Analysis page speaks one language at a time, names measures in words,
keeps co-participation apart from the broker ranking."""
from __future__ import annotations

import pytest

from tests.test_app import open_page

ENGLISH = {"label", "alt_labels", "kind", "iri", "betweenness", "degree", "reach", "members", "pagerank", "community",
           "constraint", "Relations shown", "Measures", "Rows", "Download", "Other names", "Kind"}


def test_the_french_analysis_page_has_no_english_header(built):
    at = open_page("analysis", lang="fr")
    headers = [at.header[0].value, *(w.label for w in [*at.selectbox, *at.multiselect, *at.number_input]),
               *at.dataframe[0].value.columns, *(b.label for b in at.get("download_button")),
               *at.selectbox(key="an_proj").options]
    for h in headers:
        for word in ENGLISH:
            assert word not in str(h).split(" (")[0].split() and word != str(h), (word, h)
    assert "Portée" in at.dataframe[0].value.columns
    assert any(t.value.startswith("Portée : ") or t.value.startswith("Portée: ") for t in at.text)
    assert at.dataframe[0].value.columns[0] == "Organisation" and at.dataframe[0].value.columns[-1] == "Identifiant (IRI)"


def test_the_english_analysis_page_names_measures_in_words(built):
    at = open_page("analysis", lang="en")
    cols = list(at.dataframe[0].value.columns)
    assert "Reach" in cols and "reach" not in cols and cols[-1] == "Identifier (IRI)"


@pytest.mark.parametrize("L", ["fr", "en"])
def test_the_broker_ranking_is_not_made_by_hosting_an_event(built, L):
    at = open_page("analysis", lang=L)
    at.selectbox(key="an_proj").select("affiliation").run()
    df = at.dataframe[0].value
    assert "Ville de Bilbao" not in list(df.iloc[:5, 0]), list(df.iloc[:5, 0])
    at.selectbox(key="an_proj").select("coparticipation").run()
    assert "Ville de Bilbao" in list(at.dataframe[0].value.iloc[:3, 0])
