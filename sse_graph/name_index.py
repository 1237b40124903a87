"""The persistent name index: every label and acronym of a build, in SQLite.

The build writes ``names.sqlite`` beside ``dataset.nq`` (:func:`write_name_index`):
what :meth:`LabelIndex.from_store` reads (labels, names of organisations and persons, collective
nodes, which names are persons'); the question
commands open it (:func:`open_labels`) and look up only the names they need —
an exact or partial name by its normalised form, the labels of the IRIs they
print — instead of reading every label of the graph at each call (9 s at 1M
triples).  Answers are the same as :class:`LabelIndex`'s (tests/test_name_index.py).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .names import LabelIndex, normalise

__all__ = ["NAMES_FILE", "write_name_index", "StoredLabelIndex", "open_labels"]

NAMES_FILE = "names.sqlite"

_SCHEMA = """
CREATE TABLE label (iri TEXT NOT NULL, lang TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE name (org TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, norm TEXT NOT NULL);
CREATE TABLE collective (iri TEXT PRIMARY KEY);
CREATE TABLE person (iri TEXT PRIMARY KEY);
CREATE TABLE thing_name (iri TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, norm TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX label_iri ON label (iri);
CREATE INDEX name_org ON name (org);
CREATE INDEX name_norm ON name (norm);
CREATE INDEX thing_name_iri ON thing_name (iri);
"""


def write_name_index(store, path: Path) -> int:
    """Write the index of ``store`` (a :class:`~sse_graph.store.Store`) to ``path``:
    the contents of :meth:`LabelIndex.from_store` (the first preferred label per
    language, the alternative labels), so that both answer alike; returns the
    number of names (of organisations and persons)."""
    full = LabelIndex.from_store(store)
    agents = sorted(full.organisations) + sorted(full.persons - full.organisations)  # persons after: as _names
    names = [(org, kind, value, normalise(value)) for org in agents
             for kind, values in (("pref", full.pref.get(org, {}).values()), ("alt", full.alt.get(org, [])))
             for value in values]
    thing_names = [(iri, kind, value, normalise(value)) for iri in sorted(full.things)
                   for kind, values in (("pref", full.pref.get(iri, {}).values()), ("alt", full.alt.get(iri, [])))
                   for value in values]
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO label VALUES (?, ?, ?)",
                       ((iri, lang, value) for iri, labels in full.pref.items() for lang, value in labels.items()))
        db.executemany("INSERT INTO name VALUES (?, ?, ?, ?)", names)
        db.executemany("INSERT INTO thing_name VALUES (?, ?, ?, ?)", thing_names)
        db.executemany("INSERT INTO collective VALUES (?)", ((iri,) for iri in sorted(full.collectives)))
        db.executemany("INSERT INTO person VALUES (?)", ((iri,) for iri in sorted(full.persons - full.organisations)))
        db.executescript(_INDEXES)
        db.commit()
        return len(names)
    finally:
        db.close()


class _Pref:
    """``iri → {lang: label}``, read on demand."""

    def __init__(self, db: sqlite3.Connection):
        self._db, self._cache = db, {}

    def get(self, iri: str, default=None):
        if iri not in self._cache:
            labels: dict[str, str] = {}
            for lang, value in self._db.execute("SELECT lang, value FROM label WHERE iri = ? ORDER BY rowid", (iri,)):
                labels[lang] = value  # one per language, as written
            self._cache[iri] = labels
        return self._cache[iri] or default

    def __contains__(self, iri: str) -> bool:
        return bool(self.get(iri))


class _Alt:
    """``organisation, person or named thing → [alternative labels]``, read on demand."""

    def __init__(self, db: sqlite3.Connection, things: bool):
        self._db = db
        self._query = "SELECT value FROM name WHERE org = ? AND kind = 'alt'"
        self._params = 1
        if things:  # an index written before named things had their table has none
            self._query = f"SELECT value FROM ({self._query} UNION ALL SELECT value FROM thing_name WHERE iri = ? AND kind = 'alt')"
            self._params = 2

    def get(self, iri: str, default=None):
        values: list[str] = []
        for (value,) in self._db.execute(self._query, (iri,) * self._params):
            if value not in values:
                values.append(value)
        return values or default


class StoredLabelIndex(LabelIndex):
    """A :class:`LabelIndex` read from a build's ``names.sqlite``, lazily."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        collectives = {iri for (iri,) in self._db.execute("SELECT iri FROM collective")}  # a few
        self._has_things = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thing_name'").fetchone() is not None
        super().__init__(pref=_Pref(self._db), alt=_Alt(self._db, self._has_things), collectives=collectives)
        self._organisations: set[str] | None = None

    @property
    def organisations(self) -> set[str]:  # every organisation: read once, when asked (the viewer's list)
        if self._organisations is None:
            self._organisations = {o for (o,) in self._db.execute(
                "SELECT DISTINCT org FROM name WHERE org NOT IN (SELECT iri FROM person)")}
        return self._organisations

    @organisations.setter
    def organisations(self, value) -> None:
        self._organisations = value or None

    @property
    def persons(self) -> set[str]:  # every person: read when asked (a question asks is_person)
        return {p for (p,) in self._db.execute("SELECT iri FROM person")}

    @persons.setter
    def persons(self, value) -> None:  # the dataclass's default; the persons are in the file
        pass

    @property
    def things(self) -> set[str]:  # every named thing that is not an agent: read when asked
        if not self._has_things:
            return set()
        return {i for (i,) in self._db.execute("SELECT DISTINCT iri FROM thing_name")}

    @things.setter
    def things(self, value) -> None:  # the dataclass's default; the things are in the file
        pass

    def is_person(self, iri: str) -> bool:
        return self._db.execute("SELECT 1 FROM person WHERE iri = ?", (iri,)).fetchone() is not None

    def candidates(self, key: str):
        yield from self._db.execute("SELECT org, value, norm FROM name WHERE instr(norm, ?) > 0 ORDER BY rowid", (key,))

    def thing_candidates(self, key: str):
        if self._has_things:
            yield from self._db.execute(
                "SELECT iri, value, norm FROM thing_name WHERE instr(norm, ?) > 0 ORDER BY rowid", (key,))

    def is_known(self, iri: str) -> bool:
        return self._db.execute("SELECT 1 FROM name WHERE org = ? UNION SELECT 1 FROM label WHERE iri = ? LIMIT 1",
                                (iri, iri)).fetchone() is not None

    def all_names(self):  # suggestions and close spellings, when nothing matches
        yield from self._db.execute("SELECT org, value FROM name ORDER BY rowid")

    def all_thing_names(self):  # suggestions and close spellings, when nothing matches
        if self._has_things:
            yield from self._db.execute("SELECT iri, value FROM thing_name ORDER BY rowid")


def open_labels(store) -> LabelIndex:
    """The name index of the build ``store`` reads, else one built from its labels."""
    path = getattr(store, "path", None)  # an external store (--store URL) has none
    index = Path(path).with_name(NAMES_FILE) if path is not None else None
    if index is not None and index.is_file():  # beside the build's store (a fast build keeps no N-Quads)
        return StoredLabelIndex(index)
    return LabelIndex.from_store(store)
