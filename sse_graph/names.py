"""Labels and names: pick a label in a language, and find an organisation or a person by name.

A name is an IRI, a prefixed name (``id:concertes``), a label or an acronym in
any language, matched without regard to case, accents or punctuation
(``febisp`` finds FÉBISP).  An exact label or acronym wins over a partial one.
People (``foaf:Person``) are found by their labels and alternative names the same
way (``Sébastien Perea-u``, the staff list's spelling, finds Sébastien Pereau).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import AmbiguousNameError, InputError, NotFoundError
from .namespaces import PREFIXES
from .queries import load_query

__all__ = ["normalise", "LabelIndex", "LANG_FALLBACK"]

LANG_FALLBACK = ("en", "fr", "es", "ko")


def normalise(text: str) -> str:
    """Fold case, accents and punctuation away.

    >>> normalise("FÉBISP")
    'febisp'
    >>> normalise("Union des SCOP W-B")
    'uniondesscopwb'
    >>> normalise("서울")
    '서울'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = unicodedata.normalize("NFC", stripped)
    return re.sub(r"[\W_]+", "", stripped.casefold())


@dataclass
class LabelIndex:
    """Every label of the graph, by resource and language."""

    pref: dict[str, dict[str, str]] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    organisations: set[str] = field(default_factory=set)
    collectives: set[str] = field(default_factory=set)  # groups a source names only collectively
    persons: set[str] = field(default_factory=set)  # people, found by name as organisations are

    @classmethod
    def from_store(cls, store) -> "LabelIndex":
        idx = cls()
        for row in store.select(load_query("all_labels").text).rows:
            x, label, _pref = row
            idx.pref.setdefault(x.value, {}).setdefault(label.language or "", label.value)
        for row in store.select(load_query("labels").text).rows:
            org, label, kind = row
            idx.organisations.add(org.value)
            if kind.value == "alt":
                idx.alt.setdefault(org.value, [])
                if label.value not in idx.alt[org.value]:
                    idx.alt[org.value].append(label.value)
        idx.collectives = {row[0].value for row in store.select(load_query("collectives").text).rows}
        for row in store.select(load_query("person_labels").text).rows:
            person, label, kind = row
            if person.value in idx.organisations:  # an agent typed both ways is named once, as an organisation
                continue
            idx.persons.add(person.value)
            if kind.value == "alt":  # skos:altLabel, foaf:name
                names = idx.alt.setdefault(person.value, [])
                if label.value not in names:
                    names.append(label.value)
        return idx

    def label(self, iri: str, lang: str = "en") -> str:
        """The preferred label in ``lang``, else in en, fr, es, ko, else any, else the IRI's end."""
        labels = self.pref.get(iri, {})
        for code in (lang, *LANG_FALLBACK, ""):
            if code in labels:
                return labels[code]
        if labels:
            return next(iter(sorted(labels.items())))[1]
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def alt_labels(self, iri: str, lang: str = "en") -> list[str]:
        """Every other label: alternative labels and preferred labels in other languages."""
        shown = self.label(iri, lang)
        others = [v for v in self.pref.get(iri, {}).values() if v != shown]
        return sorted(set(others + [a for a in self.alt.get(iri, []) if a != shown]))

    # ------------------------------------------------------------------ resolving
    def _names(self):
        for iri in [*self.organisations, *sorted(self.persons - self.organisations)]:
            for value in self.pref.get(iri, {}).values():
                yield iri, value
            for value in self.alt.get(iri, []):
                yield iri, value

    def is_person(self, iri: str) -> bool:
        return iri in self.persons

    def candidates(self, key: str):
        """``(organisation or person, name, normalised name)`` for each name of an organisation
        or a person whose normalised form contains ``key`` (a normalised text)."""
        for org, value in self._names():
            norm = normalise(value)
            if key in norm:
                yield org, value, norm

    def is_known(self, iri: str) -> bool:
        return iri in self.organisations or iri in self.persons or iri in self.pref

    def resolve(self, name: str, *, lang: str = "en") -> str:
        """The IRI of the one organisation or person ``name`` designates.

        Raises :class:`NotFoundError` (exit 2) with suggestions when nothing
        matches, :class:`AmbiguousNameError` (exit 2) when several organisations
        match equally well — or when the one exact match is a collective node
        (``CRESS``: "the 17 regional chambers") and named organisations match
        too (``CRESS Bretagne`` ...): the user must say which.
        """
        text = name.strip()
        if not text:
            raise InputError("an empty name designates nothing")
        iri = self._as_iri(text)
        if iri is not None:
            if self.is_known(iri):
                return iri
            raise NotFoundError(f"no organisation has the IRI <{iri}>, nor any person")
        key = normalise(text)
        if not key:
            raise InputError(f"'{name}' has no letter or digit to match")
        exact: set[str] = set()
        scored: dict[str, int] = {}
        for org, value, norm in self.candidates(key):
            if norm == key:
                exact.add(org)
            elif key in norm:
                # Prefer a match at the start, then a match on a word boundary.
                words = [normalise(w) for w in re.split(r"[\s\-–/']+", value) if w]
                score = 2 if norm.startswith(key) else 1 if any(w.startswith(key) for w in words) else 0
                scored[org] = max(scored.get(org, -1), score)
        if len(exact) == 1:
            only = exact.pop()
            rivals = {o for o, score in scored.items() if score >= 1 and o != only}
            if only in self.collectives and rivals:
                self._ambiguous(name, {only} | rivals, lang)
            return only
        if len(exact) > 1:
            self._ambiguous(name, exact, lang)
        if scored:
            best = max(scored.values())
            top = {o for o, s in scored.items() if s == best}
            if len(top) == 1:
                return top.pop()
            self._ambiguous(name, top, lang)
        choices = {normalise(v): v for _o, v in self._names()}
        close = difflib.get_close_matches(key, list(choices), n=5, cutoff=0.6)
        raise NotFoundError(f"no organisation matches '{name}' (nor any person)", [choices[c] for c in close])

    def _ambiguous(self, name: str, iris: set[str], lang: str):
        candidates = sorted(((i, self.label(i, lang)) for i in iris), key=lambda c: c[1].casefold())
        what = "organisations" if not any(self.is_person(i) for i in iris) else "organisations or persons"
        raise AmbiguousNameError(f"'{name}' matches {len(candidates)} {what}; name one of them", candidates)

    @staticmethod
    def _as_iri(text: str) -> str | None:
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
        if re.match(r"^https?://", text):
            return text
        m = re.match(r"^([A-Za-z][\w-]*):([^\s/]+)$", text)
        if m and m.group(1) in PREFIXES:
            return PREFIXES[m.group(1)] + m.group(2)
        return None
