"""The build's persistent name index answers exactly as the label index built from
every label of the store, and the question commands use it."""
from __future__ import annotations

from pathlib import Path

import pytest

from sse_graph.errors import SSEGraphError
from sse_graph.name_index import NAMES_FILE, StoredLabelIndex
from sse_graph.names import LabelIndex, normalise
from sse_graph.questions import Questions
from sse_graph.questions.lookup import search_scores

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def both(private_cache):
    from sse_graph import Store, build

    result = build(ROOT, engine="fast")
    store = Store(result.dataset_path)
    assert (result.directory / NAMES_FILE).is_file()
    return store, LabelIndex.from_store(store), StoredLabelIndex(result.directory / NAMES_FILE)


def outcome(index, name):
    try:
        return index.resolve(name)
    except SSEGraphError as e:
        return type(e).__name__, str(e), getattr(e, "suggestions", None)


def test_labels_are_the_same(both):
    _store, full, stored = both
    assert stored.organisations == full.organisations and len(full.organisations) > 100
    assert stored.collectives == full.collectives and full.collectives
    for iri in sorted(full.organisations | set(list(full.pref)[:300])):
        for lang in ("en", "fr", "ko"):
            assert stored.label(iri, lang) == full.label(iri, lang)
            assert stored.alt_labels(iri, lang) == full.alt_labels(iri, lang)


def test_names_resolve_and_search_the_same(both):
    _store, full, stored = both
    names = [full.label(i) for i in sorted(full.organisations)][:80]
    alts = [a for i in sorted(full.organisations) for a in full.alt.get(i, [])][:80]
    tries = names + alts + [n[:4] for n in names] + ["febisp", "CRESS", "cress", "concert", "cooperative", "union",
                                                     "zzzz-nothing",
                                              "id:concertes", "https://w3id.org/sse-graph/id/nope", "  "]
    for name in tries:
        assert outcome(stored, name) == outcome(full, name), name
        key = normalise(name)
        assert search_scores(stored, name) == search_scores(full, name), key


def test_questions_open_the_index_of_the_build(both):
    store, _full, _stored = both
    q = Questions(store)
    assert isinstance(q.labels, StoredLabelIndex)
    assert q.resolve("ConcertES") == "https://w3id.org/sse-graph/id/concertes"
    assert len(q.members("https://w3id.org/sse-graph/id/concertes")) == 17
