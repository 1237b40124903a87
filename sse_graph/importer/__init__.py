"""Import a partner's spreadsheet (CSV or XLSX) into the graph, all or nothing.

Four steps, each its own module: **read** the table as the user made it
(:mod:`.read`: XLSX cells keep their types), **map the columns** by header name, in
any order, with English and French aliases (:mod:`.columns`), **check** every
cell against the graph (:mod:`.check`: every problem as ``file:row:column:
message`` with the offending value), **write** the import's Turtle with the
source and the evidence of every fact (:mod:`.turtle`).  Then the graph with the
import is reasoned and validated in a staging copy; only when that passes is
``graph/import-<name>.ttl`` written (atomically), its own named graph, and the
import noted in ``imports/journal.json`` (:mod:`.journal`) so that it can be
listed and undone.  Re-importing the same file changes nothing; a corrected file
of the same name replaces its graph.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DataPaths, data_paths
from ..errors import InputError
from . import journal
from .check import Problem, Vocabulary, check_rows
from .columns import COLUMNS, REQUIRED, map_columns
from .read import UnreadableTable, read_table
from .turtle import import_turtle

__all__ = ["import_table", "undo_import", "list_imports", "ImportResult", "ImportError_", "KINDS_OF_TABLE", "COLUMNS"]

KINDS_OF_TABLE = tuple(COLUMNS)


class ImportError_(InputError):
    """A spreadsheet that cannot be imported; ``problems`` lists every one."""

    def __init__(self, path: Path, problems: list[Problem], *, outcome: str = "nothing was imported"):
        self.path, self.problems = Path(path), problems
        self.errors = [(p.row, p.column, p.message) for p in problems]
        lines = [f"{p.where(str(path))}: {p.message}" for p in problems]
        self.lines = [f"{len(problems)} error(s); {outcome}", *lines]  # the command line prints one a line
        super().__init__("\n".join(self.lines))


@dataclass
class ImportResult:
    path: Path
    target: Path
    rows: int
    changed: bool
    triples: int = 0
    messages: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # triples (N-Triples) the import adds to its graph
    removed: list[str] = field(default_factory=list)  # and those it takes away (a corrected file)
    id: str | None = None  # in the journal
    dry_run: bool = False


# ------------------------------------------------------------------ the steps
def _arguments(path: Path, kind: str) -> None:
    if kind not in KINDS_OF_TABLE:
        raise InputError(f"unknown --kind '{kind}': use {', '.join(KINDS_OF_TABLE)}")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"{path}: only .csv and .xlsx files can be imported")
    if not path.is_file():
        raise InputError(f"{path}: no such file")


def _read(path: Path):
    try:
        return read_table(path)
    except UnreadableTable as e:
        raise ImportError_(path, [Problem(None, None, f"cannot be read as a table: {e}")]) from None
    except Exception as e:  # noqa: BLE001 - any unreadable file is the user's input error
        raise ImportError_(path, [Problem(None, None, f"cannot be read as a table: {type(e).__name__}: {e}")]) from None


def _columns(table, kind: str):
    columns, labels, problems = map_columns(table.headers, kind)
    out = [Problem(1, table.headers[i] or f"column {i + 1}", msg) for i, msg in problems]
    out += [Problem(1, None, f"the column '{name}' is missing (required for --kind {kind})")
            for name in REQUIRED[kind] if name not in columns]
    if kind == "organisations" and not labels:
        out.append(Problem(1, None, "no label column: add one per language, e.g. label_fr, label_en"))
    if out:
        raise ImportError_(table.path, out)
    return columns, labels


def _check(table, kind, columns, labels, vocab):
    records, problems = check_rows(table, kind, columns, labels, vocab)
    if problems:
        raise ImportError_(table.path, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return records


def _triples(text: str | None) -> set[str]:
    """The import's triples as canonical N-Triples (blank nodes named by content), its date left out."""
    if text is None:
        return set()
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    g = to_canonical_graph(Graph().parse(data=_without_date(text), format="turtle"))
    return {line for line in g.serialize(format="nt").splitlines() if line.strip()}


def _stage(paths: DataPaths, target: Path, text: str | None, *, path: Path, records, progress, engine,
           outcome: str = "nothing was imported"):
    """Reason and validate the graph with ``target`` holding ``text`` (``None``: removed)."""
    from ..build import build
    from ..errors import ParseError, ValidationFailed

    rows = {}
    for rec in records:
        for value in rec.values():
            if isinstance(value, str) and value.startswith("https://w3id.org/sse-graph/id/"):
                rows.setdefault(value, rec["row"])
    with tempfile.TemporaryDirectory(prefix="sse-import-") as tmp:
        stage = Path(tmp)
        shutil.copytree(paths.ontology, stage / "ontology")
        shutil.copytree(paths.graph, stage / "graph")
        if text is None:
            (stage / "graph" / target.name).unlink(missing_ok=True)
        else:
            (stage / "graph" / target.name).write_text(text, encoding="utf-8")
        try:
            return build(stage, progress=progress, engine=engine, keep_rejected=False, previous=_current(paths, engine))
        except ValidationFailed as e:
            raise ImportError_(path, [Problem(rows.get(v.focus), None, f"{v.rule}: {v.message} ({v.focus})")
                                      for v in e.report.violations], outcome=outcome) from None
        except ParseError as e:  # a value that made invalid RDF
            raise ImportError_(path, [Problem(None, None, f"the rows make invalid RDF: {e.message}")]) from None


def _current(paths: DataPaths, engine):
    """The current good build of the dataset, which the staging build updates
    incrementally when it can (``sse_graph/incremental.py``), else ``None``."""
    from ..build import build
    from ..errors import SSEGraphError

    try:
        return build(paths.root, engine=engine)
    except SSEGraphError:
        return None


def import_table(path: str | Path, kind: str, *, data=None, progress=None, engine: str | None = None,
                 dry_run: bool = False) -> ImportResult:
    """Import ``path`` as a table of ``kind``; raise :class:`ImportError_` (exit 2)
    with every problem, writing nothing, when anything is wrong.  ``dry_run``: do
    every check and say what would change, but write nothing.  ``engine`` reasons
    the graph and the staging copy (see :func:`~sse_graph.build.build`)."""
    path = Path(path)
    say = progress or (lambda _m: None)
    _arguments(path, kind)
    paths = data_paths(data)
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "table"
    say(f"reading {path.name}")
    table = _read(path)
    columns, labels = _columns(table, kind)
    say("reading the graph's vocabulary")
    vocab, engine = _vocabulary(paths, stem, progress, engine)
    say(f"checking the rows of {path.name}")
    records = _check(table, kind, columns, labels, vocab)
    return _write(paths, path, kind, stem, records, vocab, say=say, progress=progress, engine=engine, dry_run=dry_run)


def _vocabulary(paths: DataPaths, stem: str, progress, engine):
    """What the current graph offers the import, and the engine the staging build will use
    (the current build's: it reasons as the current one did)."""
    from ..build import build
    from ..store import Store

    current = build(paths.root, progress=progress, engine=engine)
    own = f"https://w3id.org/sse-graph/graph/import-{stem}"
    return Vocabulary.from_store(Store(current.dataset_path), own), engine or current.engine


def _write(paths: DataPaths, path: Path, kind: str, stem: str, records: list[dict], vocab: Vocabulary, *,
           say, progress, engine, dry_run: bool) -> ImportResult:
    """The import's Turtle, compared with what is there, staged and validated, then
    written with its journal entry (unless unchanged or a dry run)."""
    from ..fileio import write_atomic

    target = paths.graph / f"import-{stem}.ttl"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    text = import_turtle(kind, records, stem=stem, file_name=path.name, digest=digest,
                         created=_dt.date.today().isoformat(), sources=vocab.sources, known=vocab.known)
    old = target.read_text(encoding="utf-8") if target.exists() else None
    result = ImportResult(path, target, len(records), changed=False, dry_run=dry_run)
    if old is not None and _without_date(old) == _without_date(text):
        result.messages.append("unchanged: the same table is already imported")
        return result
    before, after = _triples(old), _triples(text)
    result.added, result.removed = sorted(after - before), sorted(before - after)
    say("reasoning and validating the graph with the import (staging copy)")
    staged = _stage(paths, target, text, path=path, records=records, progress=progress, engine=engine)
    result.triples = staged.graphs.get(f"https://w3id.org/sse-graph/graph/import-{stem}", len(after))
    if dry_run:
        result.messages.append("dry run: nothing was written")
        return result
    entry = journal.record_import(paths.root, file=path.name, sha256=digest, kind=kind, rows=len(records),
                                  target=target, previous_text=old)
    write_atomic(target, text)
    result.changed, result.id = True, entry.id
    return result


def list_imports(data=None) -> list[journal.Entry]:
    """Every import of the dataset folder, oldest first (undone ones say when)."""
    return journal.read_journal(data_paths(data).root)


def undo_import(import_id: str, *, data=None, progress=None, engine: str | None = None) -> journal.Entry:
    """Put the import's graph file back as it was before (or remove it), all or
    nothing: refused when a later import changed the same file, or when the graph
    without it would not validate (another import may rest on it)."""
    from ..fileio import write_atomic

    paths = data_paths(data)
    entry = journal.find(paths.root, import_id)
    later = journal.later_change(paths.root, entry)
    if later is not None:
        raise InputError(f"import {later.id} ({later.file}) changed {entry.target} after import {entry.id}: undo it first")
    target = paths.root / entry.target
    previous = (paths.root / entry.previous).read_text(encoding="utf-8") if entry.previous else None
    _still_used(paths, target, previous, entry)
    _stage(paths, target, previous, path=Path(entry.file), records=[], progress=progress, engine=engine,
           outcome=f"nothing was undone: the graph without import {entry.id} would not validate")
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        write_atomic(target, previous)
    journal.mark_undone(paths.root, entry)
    return entry


def _still_used(paths: DataPaths, target: Path, previous: str | None, entry) -> None:
    """Refuse to take away what another graph still names: an organisation the
    import defines (and the previous version does not) that other facts use."""
    from rdflib import RDF, Graph

    from ..build import build
    from ..store import Store

    def defined(text: str | None) -> set[str]:
        if text is None:
            return set()
        g = Graph().parse(data=_without_date(text), format="turtle")
        return {str(s) for s in g.subjects(RDF.type, None) if str(s).startswith("https://w3id.org/sse-graph/id/")}

    gone = defined(target.read_text(encoding="utf-8") if target.exists() else None) - defined(previous)
    if not gone:
        return
    own = f"https://w3id.org/sse-graph/graph/{target.stem}"
    store = Store(build(paths.root).dataset_path)
    values = " ".join(f"<{x}>" for x in sorted(gone))
    users = store.select(f"""SELECT DISTINCT ?g ?x WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?s ?p ?x }}
        FILTER(?g NOT IN (<{own}>, <https://w3id.org/sse-graph/graph/inferred>, <https://w3id.org/sse-graph/graph/metrics>,
                          <https://w3id.org/sse-graph/graph/representation>))  # derived graphs follow the import
        FILTER NOT EXISTS {{ GRAPH ?h {{ ?x a ?t }} FILTER(?h NOT IN (<{own}>, <https://w3id.org/sse-graph/graph/inferred>)) }}
    }} ORDER BY ?g ?x""").dicts()
    if users:
        problems = [Problem(None, None, f"{u['x'].rsplit('/', 1)[-1]} is still named in {u['g'].rsplit('/', 1)[-1]}: "
                                        "undo or correct that first") for u in users]
        raise ImportError_(Path(entry.file), problems, outcome=f"nothing was undone (import {entry.id})")


def _without_date(text: str) -> str:
    return re.sub(r'dcterms:created "[0-9-]+"(\^\^xsd:date|\^\^<[^>]*>)? ;', "", text)
