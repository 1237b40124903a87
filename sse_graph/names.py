"""Labels and names: pick a label in a language, and find an organisation or a person by name.

A name is an IRI, a prefixed name (``id:concertes``), a label or an acronym in
any language, matched without regard to case, accents or punctuation
(``febisp`` finds FÉBISP).  An exact label or acronym wins over a partial one.
People (``foaf:Person``) are found by their labels and alternative names the same
way (``Sébastien Perea-u``, the staff list's spelling, finds Sébastien Pereau).
The other things a document names — projects, events, publications, legal acts, policy
reforms, places — are found by name too, but only when no organisation or person matches
(``VISES`` is the project, ``Bilbao`` still the city council, ``Dijon`` the town).
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
    things: set[str] = field(default_factory=set)  # projects, events, places ...: found when no agent matches

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
        for row in store.select(load_query("named_things").text).rows:
            thing, label, kind = row
            if thing.value in idx.organisations or thing.value in idx.persons:  # an agent is named as one
                continue
            idx.things.add(thing.value)
            if kind.value == "alt":
                names = idx.alt.setdefault(thing.value, [])
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
    def all_names(self):
        for iri in [*self.organisations, *sorted(self.persons - self.organisations)]:
            for value in self.pref.get(iri, {}).values():
                yield iri, value
            for value in self.alt.get(iri, []):
                yield iri, value

    def is_person(self, iri: str) -> bool:
        return iri in self.persons

    def all_thing_names(self):
        for iri in sorted(self.things):
            for value in self.pref.get(iri, {}).values():
                yield iri, value
            for value in self.alt.get(iri, []):
                yield iri, value

    def candidates(self, key: str):
        """``(organisation or person, name, normalised name)`` for each name of an organisation
        or a person whose normalised form contains ``key`` (a normalised text)."""
        for org, value in self.all_names():
            norm = normalise(value)
            if key in norm:
                yield org, value, norm

    def thing_candidates(self, key: str):
        """The same for the other named things (projects, events, publications, places ...)."""
        for iri, value in self.all_thing_names():
            norm = normalise(value)
            if key in norm:
                yield iri, value, norm

    def is_known(self, iri: str) -> bool:
        return iri in self.organisations or iri in self.persons or iri in self.things or iri in self.pref

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
        agents = self._matches(key, self.candidates(key))
        things = self._matches(key, self.thing_candidates(key))
        # An exact name wins over a partial one, an agent over another thing: exact agent, exact
        # thing (``Brasero`` the programme, not its committee), partial agent, partial thing.
        (exact, scored), (thing_exact, thing_scored) = agents, things
        if len(exact) == 1:
            only = next(iter(exact))
            rivals = {o for o, score in scored.items() if score >= 1 and o != only}
            if only in self.collectives and rivals:
                self._ambiguous(name, {only} | rivals, lang)
            return only
        for found in (exact, thing_exact):
            if len(found) == 1:
                return next(iter(found))
            if found:
                self._ambiguous(name, found, lang)
        for found in (scored, thing_scored):
            if found:
                best = max(found.values())
                top = {o for o, s in found.items() if s == best}
                if len(top) == 1:
                    return top.pop()
                self._ambiguous(name, top, lang)
        choices = {normalise(v): v for _o, v in [*self.all_names(), *self.all_thing_names()]}
        close = difflib.get_close_matches(key, list(choices), n=5, cutoff=0.6)
        raise NotFoundError(f"no organisation matches '{name}' (nor any person)", [choices[c] for c in close])

    @staticmethod
    def _matches(key: str, candidates) -> tuple[set[str], dict[str, int]]:
        """Among ``candidates``, the IRIs with a name equal to ``key``, and the others whose name
        contains it, scored 2 (at the start), 1 (at a word's start) or 0 (inside a word)."""
        exact: set[str] = set()
        scored: dict[str, int] = {}
        for iri, value, norm in candidates:
            if norm == key:
                exact.add(iri)
            elif key in norm:
                words = [normalise(w) for w in re.split(r"[\s\-–/']+", value) if w]
                score = 2 if norm.startswith(key) else 1 if any(w.startswith(key) for w in words) else 0
                scored[iri] = max(scored.get(iri, -1), score)
        return exact, scored

    def _ambiguous(self, name: str, iris: set[str], lang: str):
        candidates = sorted(((i, self.label(i, lang)) for i in iris), key=lambda c: c[1].casefold())
        what = ("named things (projects, events, documents, places)" if all(i in self.things for i in iris)
                else "organisations" if not any(self.is_person(i) for i in iris) else "organisations or persons")
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
