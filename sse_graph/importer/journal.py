"""The imports' journal: what was imported when (file, SHA-256, rows, the graph it
wrote), and the graph file as it was before, so that an import can be undone
exactly.  It lives beside ``graph/`` in ``imports/`` (not read by the build)."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import InputError
from ..fileio import write_atomic

__all__ = ["Entry", "read_journal", "record_import", "later_change", "mark_undone", "journal_dir"]


@dataclass
class Entry:
    id: str
    when: str  # UTC, ISO 8601
    file: str
    sha256: str
    kind: str
    rows: int
    target: str  # relative to the dataset folder: graph/import-….ttl
    previous: str | None  # the target as it was before, relative to the dataset folder; None: it did not exist
    undone: str | None = None


def journal_dir(root: Path) -> Path:
    return root / "imports"


def read_journal(root: Path) -> list[Entry]:
    f = journal_dir(root) / "journal.json"
    if not f.is_file():
        return []
    return [Entry(**e) for e in json.loads(f.read_text(encoding="utf-8"))]


def _write(root: Path, entries: list[Entry]) -> None:
    write_atomic(journal_dir(root) / "journal.json",
                 json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False) + "\n")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_import(root: Path, *, file: str, sha256: str, kind: str, rows: int, target: Path,
                  previous_text: str | None) -> Entry:
    """Keep the previous graph file, then note the import; returns its entry."""
    entries = read_journal(root)
    new_id = str(max((int(e.id) for e in entries), default=0) + 1)
    previous = None
    if previous_text is not None:
        keep = journal_dir(root) / f"{new_id}.previous.ttl"
        write_atomic(keep, previous_text)
        previous = str(keep.relative_to(root))
    entry = Entry(new_id, _now(), file, sha256, kind, rows, str(target.relative_to(root)), previous)
    _write(root, [*entries, entry])
    return entry


def find(root: Path, import_id: str) -> Entry:
    for e in read_journal(root):
        if e.id == str(import_id):
            if e.undone:
                raise InputError(f"import {import_id} was undone already ({e.undone})")
            return e
    raise InputError(f"no import {import_id}: `sse-graph imports` lists them")


def later_change(root: Path, entry: Entry) -> Entry | None:
    """A later import, not undone, that wrote the same graph file."""
    for e in read_journal(root):
        if int(e.id) > int(entry.id) and e.target == entry.target and not e.undone:
            return e
    return None


def mark_undone(root: Path, entry: Entry) -> None:
    entries = read_journal(root)
    for e in entries:
        if e.id == entry.id:
            e.undone = _now()
    _write(root, entries)
