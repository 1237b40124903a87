"""The Streamlit explorer, page by page, with streamlit.testing (AppTest)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
VIEWS = "sse_graph/viewer/views/"
PAGES = ["explore", "organisation", "represent", "analysis", "sparql", "about"]


def open_page(page: str, org: str | None = None, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    if org:
        at.query_params["org"] = org
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(VIEWS + f"{page}.py").run()
    assert not at.exception, at.exception
    return at


def unescape(markdown: str) -> str:
    """What a reader sees of Markdown-escaped text."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


def texts(at) -> str:
    parts = [t.value for t in at.text] + [unescape(m.value) for m in [*at.markdown, *at.caption, *at.subheader, *at.warning]]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for df in at.table:
        parts.append(unescape(df.value.to_csv()))
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(built, page):
    at = open_page(page)
    assert at.header[0].value


def test_deep_link_selects_the_organisation_and_shows_its_card(built):
    at = open_page("organisation", org="saw-b")
    assert unescape(at.subheader[0].value) == "SAW-B"
    body = texts(at)
    assert "SAW-B → ConcertES → Social Economy Europe" in body
    assert "003_6530fe94a40990bb.txt" in body


def test_card_shows_members_with_sources_in_french(built):
    at = open_page("organisation", org="ConcertES", lang="fr")
    body = texts(at)
    assert "FÉBISP" in body and "membre du conseil d'administration" in body
    assert "Membres" in body
    # French typography: a no-break space before the colon of each heading, none in English
    assert "Sources\u00a0: " in body and "Sources: " not in body
    assert "Sources: " in texts(open_page("organisation", org="ConcertES", lang="en"))


def test_who_represents_whom_page(built):
    at = open_page("represent", org="COCETA")
    body = texts(at)
    assert "COCETA → CEPES" in body
    at.selectbox(key="rep_body").select("https://w3id.org/sse-graph/id/cwes").run()
    assert "Sébastien Pereau" in texts(at)


def test_explore_draws_the_picture_and_filters(built):
    at = open_page("explore")
    assert "organisations" in at.caption[0].value
    assert len(at.get("bidi_component")) == 1  # the picture's frame (sse_graph/viewer/picture.py)
    at.selectbox(key="ex_country").select("Spain").run()
    assert not at.exception
    assert at.caption[0].value.startswith("2 organisations")  # COCETA and CEPES


def test_explore_ego_view_from_a_deep_link(built):
    at = open_page("explore", org="RIPESS")
    # RIPESS, its five continental networks and the five groups of networks they gather (004)
    assert at.caption[0].value.startswith("11 organisations")


def test_explore_draws_the_picture_as_of_the_chosen_date(built):
    # the same picture as `sse-graph draw --focus SAW-B --as-of 2015`: a relation of SAW-B's
    # neighbourhood attested only from 2018 (003's report) does not count in 2015
    from sse_graph import draw, open_store
    from sse_graph.dates import parse_user_date

    store = open_store()
    expected = draw.draw_html(store, focus="https://w3id.org/sse-graph/id/saw-b", as_of=parse_user_date("2015")).nodes
    every = draw.draw_html(store, focus="https://w3id.org/sse-graph/id/saw-b").nodes
    assert expected < every
    at = open_page("explore", org="SAW-B")
    assert at.caption[0].value.startswith(f"{every} organisations")
    at.select_slider(key="ex_as_of").set_value("2015").run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"{expected} organisations")
    assert at.query_params["as_of"] == ["2015"] or at.query_params["as_of"] == "2015"


def test_analysis_page_ranks_and_explains(built):
    at = open_page("analysis")
    body = texts(at)
    assert "Reach: how many organisations it represents" in body
    assert at.dataframe[0].value.iloc[0]["Organisation"] == "Social Economy Europe"
    assert len(at.get("download_button")) == 1


def test_sparql_page_runs_the_example(built):
    at = open_page("sparql")
    assert at.dataframe[0].value.shape[0] >= 17


def test_about_page_lists_sources_and_counts(built):
    at = open_page("about")
    body = texts(at)
    for f in ("000_30352ab47c79168e.txt", "004_95ab2b3f0b488944.txt"):
        assert f in body
    assert "The data conforms" in body


def test_sparql_page_runs_ask_and_construct_and_puts_labels_beside_iris(built):
    at = open_page("sparql")
    columns = list(at.dataframe[0].value.columns)
    assert any(c.endswith("(labels)") for c in columns), columns
    labels = at.dataframe[0].value[next(c for c in columns if c.endswith("(labels)"))].dropna()
    assert not labels.str.startswith("http").any(), "a label, not an IRI"
    key = at.text_area[0].key
    at.text_area(key=key).set_value("PREFIX sse: <https://w3id.org/sse-graph/ontology#> ASK { ?s a sse:Seat }")
    at.button[0].click().run()
    assert "Yes (true)" in [t.value for t in at.text]
    at.text_area(key=key).set_value("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3")
    at.button[0].click().run()
    assert not at.exception and " a " in at.code[0].value or "rdf:type" in at.code[0].value
    at.text_area(key=key).set_value("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }")
    at.button[0].click().run()
    assert "SERVICE" in at.error[0].value


def test_an_unknown_deep_link_selects_nothing_and_suggests(built):
    at = open_page("organisation", org="Concertes Wallonie Bruxelles zzz")
    assert at.warning and at.selectbox[0].value is None
    assert not at.subheader, "no other organisation's card"
    at = open_page("organisation", org="ConcertE")
    assert unescape(at.subheader[0].value) == "ConcertES"


@pytest.mark.parametrize("lang,word", [("en", "not a representation tie"), ("fr", "pas un lien de représentation")])
def test_analysis_page_says_which_ties_it_counts(built, lang, word):
    at = open_page("analysis", lang=lang)
    assert word in at.info[0].value
    at.selectbox(key="an_proj").select("coparticipation").run()
    assert "partner" in at.info[0].value.casefold().replace("partenariat", "partnership")


def test_the_language_comes_from_the_deep_link_then_the_browser():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "en"
    at.run()
    assert at.sidebar.title[0].value == "sse-graph explorer"
    at = AppTest.from_file(APP, default_timeout=180)
    at.context = {"locale": "en-GB"}
    at.run()
    assert at.session_state["lang"] == "en"
    at = AppTest.from_file(APP, default_timeout=180)
    at.context = {"locale": "fr-BE"}
    at.run()
    assert at.sidebar.title[0].value == "Explorateur sse-graph"


# ------------------------------------------------------------------ the card: as of a date, evidence, changes
def open_card(org: str, as_of: str | None = None, view: str | None = None, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["org"] = org
    if as_of:
        at.query_params["as_of"] = as_of
    if view:
        at.query_params["view"] = view
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(VIEWS + "organisation.py").run()
    assert not at.exception, at.exception
    return at


def test_card_deep_link_with_a_date_shows_the_top_sections_in_order(built):
    at = open_card("saw-b", as_of="2018")
    assert unescape(at.subheader[0].value) == "SAW-B"
    assert at.select_slider(key="org_as_of").value == "2018"
    bold = [unescape(m.value) for m in at.markdown]
    order = [bold.index(f"**{t}**") for t in ("Who it is", "Represented by (chain up)", "Seats and mandates",
                                              "Represents (chain down)", "Members")]
    assert order == sorted(order)
    body = texts(at)
    assert "Kinds: federation" in body
    chain = [t.value for t in at.text if "Social Economy Europe" in t.value and "→" in t.value]
    assert chain and "attested" in chain[0]
    steps = [unescape(c.value) for c in at.caption if "is a member of Social Economy Europe" in unescape(c.value)]
    assert steps and "ConcertES (level: regional)" in steps[0] and "[holds]" in steps[0], steps


def test_the_slider_changes_the_answer(built):
    at = open_card("saw-b", as_of="2012")
    up = [t.value for t in at.text if t.value.startswith("SAW-B") and "Social Economy Europe" in t.value]
    assert not up, "SEE is not counted in 2012"
    assert "Not counted on this date" in texts(at)
    at.select_slider(key="org_as_of").set_value("2018").run()
    assert not at.exception
    assert at.query_params["as_of"] == ["2018"] or at.query_params["as_of"] == "2018"
    up = [t.value for t in at.text if t.value.startswith("SAW-B") and "Social Economy Europe" in t.value]
    assert up and "attested" in up[0]


def test_the_evidence_expander_shows_the_passage(built, questions):
    at = open_card("saw-b")
    passage = questions.card(questions.resolve("saw-b"))["evidence"][0]
    assert at.expander, "each fact with its passages"
    shown = [unescape(m.value) for e in at.expander for m in e.markdown]
    want = " ".join(passage["exact"].split())
    assert any(f"**{want}**" in s for s in shown)
    assert any(s.startswith("… " + " ".join(passage["prefix"].split())) for s in shown)
    captions = [unescape(c.value) for e in at.expander for c in e.caption]
    assert any(passage["source_title"] in c and passage["locator"] in c for c in captions)
    assert "[]" not in texts(at)


def test_the_change_view(built):
    at = open_card("ConcertES", view="changes")
    assert at.radio(key="org_view").value == "changes"
    body = texts(at)
    assert "Joined" in body and "SAW-B" in body
    at.radio(key="org_view").set_value("card").run()
    body = texts(at)
    assert not at.exception and "Who it is" in body
    assert "Declared vs observed: declares exactly 17 members" in body  # beside the members


def test_represent_page_follows_the_date(built):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["org"] = "saw-b"
    at.query_params["as_of"] = "2012"
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(VIEWS + "represent.py").run()
    assert not at.exception, at.exception
    assert "Social Economy Europe" not in unescape(at.table[0].value.to_csv())
    at.select_slider(key="rep_as_of").set_value("2018").run()
    up = unescape(at.table[0].value.to_csv())
    assert "SAW-B → ConcertES → Social Economy Europe" in up and "attested" in up


def test_the_search_box_comes_first_and_finds_the_card(built):
    at = open_card("ConcertES")
    assert at.text_input[0].key == "org_search"  # the first widget of the page
    at.text_input(key="org_search").set_value("SAW-B").run()
    assert not at.exception
    assert unescape(at.subheader[0].value) == "SAW-B"
    assert at.query_params["org"] in (["https://w3id.org/sse-graph/id/saw-b"], "https://w3id.org/sse-graph/id/saw-b")


# ------------------------------------------------------------------ the first screen answers the question
@pytest.mark.parametrize("lang,mark", [("en", "(public body)"), ("fr", "(organisme public)")])
def test_a_public_body_is_marked_on_top_of_its_card(built, lang, mark):
    at = open_card("gouvernement-wallon", lang=lang)
    kinds = [t.value for t in at.text if t.value.startswith(("Kinds: ", "Types\u00a0: "))]
    assert kinds and mark in kinds[0], kinds
    at = open_card("saw-b", lang=lang)
    assert mark not in texts(at)


def test_the_card_answers_in_one_line_first(built):
    """Above the details, one line: kind, level, who represents it (nearest first), its
    seats, how many it represents, the date — the same answers as the sections below."""
    at = open_card("saw-b", as_of="2018")
    body = texts(at)
    short = [t.value for t in at.text if t.value.startswith("In short: ")]
    assert len(short) == 1 and body.index(short[0]) < body.index("Who it is")
    assert "regional" in short[0] and "represented by ConcertES, Social Economy Europe" in short[0]
    assert short[0].endswith("as of 2018") and "seat(s) or mandate(s)" in short[0]
    at = open_card("concertes", lang="fr")
    short = [t.value for t in at.text if t.value.startswith("En bref\u00a0: ")]
    assert len(short) == 1 and "représentée par Social Economy Europe" in short[0] and "au " not in short[0]
    import re

    assert int(re.search(r"représente (\d+) organisation", short[0]).group(1)) >= 17
    assert ", organisation," not in short[0]  # the generic kind says nothing
    # a group the source names only collectively ("the 17 regional SSE Chambers") is no organisation known by name
    short = [t.value for t in open_card("ess-france").text if t.value.startswith("In short: ")][0]
    assert "group(s) named only collectively" in short


def test_a_deep_link_restores_organisation_date_view_and_language(built):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in {"org": "ConcertES", "as_of": "2012", "view": "changes", "lang": "fr"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "fr" and at.header[0].value == "Organisation"
    assert at.selectbox(key="org_pick").value == "https://w3id.org/sse-graph/id/concertes"
    assert at.select_slider(key="org_as_of").value == "2012"
    assert at.radio(key="org_view").value == "changes"
    assert "Entrés" in texts(at)


def test_a_change_writes_the_whole_deep_link(built):
    at = open_card("saw-b", as_of="2018")
    at.radio(key="org_view").set_value("changes").run()
    params = {k: at.query_params[k] for k in ("org", "as_of", "view", "lang")}
    flat = {k: v[0] if isinstance(v, list) else v for k, v in params.items()}
    assert flat == {"org": "saw-b", "as_of": "2018", "view": "changes", "lang": "en"}, flat
