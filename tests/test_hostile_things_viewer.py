"""The explorer on the seed graph plus the hostile source of tests/hostile_things.py:
the cards of organisations whose places, relations (created by, published by, part
of) and members are things with hostile names show them as text (no Markdown, no
HTML, no bidi override, no control character), and a deep link to a thing says that
it is not an organisation instead of a blank page (Streamlit AppTest)."""
from __future__ import annotations

import os

import pytest

from hostile_things import iri, write_dataset
from test_hostile_names import assert_inert, every_value, open_page

CONTROLS = ("\x00", "\x1b", "\r", "\u202e", "\u2067")


@pytest.fixture(scope="module")
def hostile_viewer(tmp_path_factory, private_cache):
    folder = write_dataset(tmp_path_factory.mktemp("hostile-viewer"))
    old = os.environ.get("SSE_GRAPH_DATA")
    os.environ["SSE_GRAPH_DATA"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("SSE_GRAPH_DATA", None)
    else:
        os.environ["SSE_GRAPH_DATA"] = old


@pytest.mark.parametrize("page, key", [("organisation", "org-md"), ("organisation", "org-formula"),
                                       ("organisation", "org-cr"), ("explore", "org-md"), ("represent", "org-bidi")])
def test_cards_around_hostile_things_are_text(hostile_viewer, page, key):
    at = open_page(page, iri(key))
    assert_inert(at)
    for value in every_value(at):
        assert not any(c in value for c in CONTROLS), repr(value[:120])


@pytest.mark.parametrize("key", ["place", "project", "event"])
def test_a_deep_link_to_a_thing_says_it_is_not_an_organisation(hostile_viewer, key):
    at = open_page("organisation", iri(key))
    assert [w.value for w in at.warning], "a thing's link is said to be no organisation, not a blank page"
    assert "not an organisation" in at.warning[0].value
    assert at.selectbox[0].value is None
    assert_inert(at)
