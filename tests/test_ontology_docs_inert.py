"""The ontology's documentation page (docs/ontology.html, written by pyLODE) renders
every rdfs:comment and skos:definition as Markdown with raw HTML let through —
measured: a comment ``<script>alert(4)</script>`` reaches the page as a live script
and ``[x](javascript:…)`` as a live link.  pyLODE offers no switch, and the page must
stay exactly what ``python -m pylode`` writes (tests/test_docs.py), so the guard is
on what it reads: no text of the ontology may hold HTML, a Markdown link or image,
an entity, or a bidi control; and the committed page holds no script but pyLODE's
own JSON-LD, no event handler, no javascript: address."""
from __future__ import annotations

import re
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
MARKUP = re.compile(r"<[A-Za-z/!?]|\]\(|!\[|javascript:|&#?\w+;|[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f]")


def test_no_text_of_the_ontology_is_markup():
    found = []
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g = rdflib.Graph().parse(path)
        found += [(path.name, str(s), str(o)[:80]) for s, _p, o in g
                  if isinstance(o, rdflib.Literal) and MARKUP.search(str(o))]
    assert not found, found


def test_the_documentation_page_runs_nothing():
    page = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", page, re.I)
    assert scripts == ['<script id="schema.org" type="application/ld+json">'], scripts
    assert not re.search(r"javascript:", page, re.I)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, re.I)
