"""The fast build's on-disk store, written on a second thread while the build goes on.

The persist only reads the working store (an in-memory pyoxigraph store): the asserted
graphs can be copied as soon as loading ends, the inferred ones once reasoning ends,
the derived graphs once they are made — while validation, the representation graph and
the name index run on the main thread.  To use the second core the copy must run
without Python's lock: ``Store.dump`` and ``Store.bulk_load`` release it (bytes or a
path), where ``bulk_extend`` of Python terms holds it.  So each graph goes over as
text: dumped as N-Triples to a file beside the store, read back in pieces, each line
given its graph (N-Quads), gathered into bulk loads of about
:data:`PERSIST_BATCH_BYTES` (what bounds the loader's memory; a bulk load also has a
fixed cost, so the many small graphs of the rule steps share one).  The graphs are
handed over as soon as they exist — the asserted ones once loaded, each rule step as
the reasoner writes it, the derived graphs once made — and each group is loaded once
complete (or every :data:`PERSIST_BATCH_BYTES`), while the main thread goes on: left
to the end, the whole store's load was what the build waited for.

Blank nodes: every ``bulk_load`` call gives the blank nodes it parses new identities
(a ``_:label`` is one node within one call, two nodes across two calls — checked on
pyoxigraph 0.5), so a blank node split across two pieces, or described in an asserted
graph and in the inferred one, would become two nodes.  Every line that names a blank
node (as subject: the line starts ``_:``; as object: ``> _:`` follows the predicate)
is therefore set apart, with its graph, in one N-Quads file that is bulk-loaded in a
single call once the last graph of the working store is copied (the inferred one), with
the rest of that group: the working store's labels, unique in that store, keep each
blank node one node.  (A literal that happens to hold ``> _:`` only sends its line to
that file too — harmless.)  The derived graphs are N-Quads documents of their own:
one holding a blank node is loaded in one call, as before.

A failure on the thread is raised again by :meth:`Persister.finish` on the main
thread, the same exception; :meth:`Persister.abort` (any failure of the build) stops
the thread between pieces and removes everything it wrote.
"""
from __future__ import annotations

import os
import queue
import re
import shutil
import tempfile
import threading
import time
import traceback
from pathlib import Path

import pyoxigraph as ox

from .fastreason import _AXIOMATIC_NS as AXIOMATIC  # the vocabularies of reason.AXIOMATIC, without rdflib
from .namespaces import INFERRED_GRAPH_IRI as INFERRED_GRAPH

__all__ = ["Persister", "PERSIST_BATCH_BYTES"]

# One bulk load takes at most this much text: the loader keeps a piece in memory, so
# this bounds what persisting adds to the peak.
PERSIST_BATCH_BYTES = 16 << 20

_AXIOMATIC_LINE = re.compile(b"^<(?:" + b"|".join(re.escape(a.encode()) for a in AXIOMATIC) + rb")[^\n]*\n", re.M)
_AXIOMATIC_MARKS = tuple(b"<" + a.encode() for a in AXIOMATIC)
_END = None


def _names_a_blank_node(line: bytes) -> bool:
    return line.startswith(b"_:") or b"> _:" in line


def _pieces(fh, size: int):
    """The file's text in pieces of about ``size`` bytes, each ending at a line end."""
    rest = b""
    while block := fh.read(size):
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            yield block[:cut]
    if rest:
        yield rest


def _without_axiomatic(piece: bytes) -> bytes:
    """The piece without the triples whose subject is an RDF/RDFS/OWL/XSD term (the
    reasoner's axiomatic triples are not part of the inferred graph)."""
    if piece.startswith(_AXIOMATIC_MARKS) or any(b"\n" + m in piece for m in _AXIOMATIC_MARKS):
        return _AXIOMATIC_LINE.sub(b"", piece)
    return piece


class Persister:
    """Copies graphs of ``store`` into a new on-disk store, in order, on one thread.

    ``copy_graphs`` / ``copy_inferred`` / ``add_nquads`` queue work and return at once;
    ``finish(target)`` waits, raises the thread's error if it had one, moves the store
    folder to ``target`` and returns the triples per graph; ``abort()`` discards it all.
    """

    def __init__(self, store: ox.Store | None, parent: Path):
        parent.mkdir(parents=True, exist_ok=True)
        self.directory = Path(tempfile.mkdtemp(prefix=".persist-", dir=parent))  # beside the target: a rename moves it
        self.graphs: dict[str, int] = {}
        self.busy = 0.0  # seconds the thread spent copying
        self._store = store
        self._jobs: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._done = False
        self._thread = threading.Thread(target=self._run, name="sse-graph-persist", daemon=True)
        self._thread.start()

    # -- the main thread's side

    def read_from(self, store: ox.Store) -> None:
        """The working store to copy from, when it was not there at the start (the build
        starts the thread first: opening the on-disk store goes on while it loads)."""
        self._store = store

    def copy_graphs(self, names: list[str]) -> None:
        """Each named graph of the working store, into the same graph on disk."""
        for name in names:
            self._jobs.put(("graph", name, name, False))
        self._jobs.put(("load", False))

    def copy_inferred(self, steps: list[str], *, last: bool = True) -> None:
        """The graphs of the rule steps, into the one inferred graph, without axiomatic
        triples.  ``last=False``: more steps follow (a step is copied as soon as the
        reasoner has written it); they are loaded with the last ones, or in loads of
        :data:`PERSIST_BATCH_BYTES` as they come."""
        for name in steps:
            self._jobs.put(("graph", name, str(INFERRED_GRAPH), True))
        if last:
            self._jobs.put(("load", True))  # the last graphs of the working store: their blank nodes too
        self.graphs.setdefault(str(INFERRED_GRAPH), 0)

    def add_nquads(self, docs: list[tuple[str, bytes]]) -> None:
        """N-Quads documents made apart (the derived graphs), each with its own blank nodes."""
        for _name, data in docs:
            self._jobs.put(("nquads", data))
        self._jobs.put(("load", False))

    def finish(self, target: Path) -> dict[str, int]:
        """Wait for the copy; move the store to ``target``; the triples per graph."""
        self._jobs.put(_END)
        self._thread.join()
        self._done = True
        try:
            if self._error is not None:
                raise self._error
            os.replace(self.directory / "store", target)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
        inferred = str(INFERRED_GRAPH)
        return {g: n for g, n in self.graphs.items() if n or g == inferred}

    def abort(self) -> None:
        """Stop the copy (between two pieces) and remove what it wrote; idempotent."""
        if self._done:
            return
        self._done = True
        self._stop.set()
        self._jobs.put(_END)
        self._thread.join()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- the thread's side

    def _run(self) -> None:
        t = time.perf_counter()
        disk = None
        try:
            disk = ox.Store(str(self.directory / "store"))
            blanks = self.directory / "blank-nodes.nq"
            self._batch: list[bytes] = []
            self._batch_size = 0
            self._blanks_loaded = False
            with open(blanks, "wb") as apart:
                while (job := self._jobs.get()) is not _END and not self._stop.is_set():
                    if job[0] == "graph":
                        if self._blanks_loaded:
                            raise RuntimeError("persist: a graph of the working store copied after the inferred one")
                        self._copy_graph(disk, *job[1:], apart)
                    elif job[0] == "load":  # a group is copied: load it now, beside the main thread
                        if job[1]:
                            apart.close()
                            self._load_blank_lines(disk, blanks)
                        self._load_batch(disk)
                    else:
                        self._add_nquads(disk, job[1])
            if not self._stop.is_set():
                if not self._blanks_loaded:
                    self._load_blank_lines(disk, blanks)
                self._load_batch(disk)
            if not self._stop.is_set():
                disk.flush()
        except BaseException as e:  # raised again on the main thread by finish()
            traceback.clear_frames(e.__traceback__)  # its frames would keep the on-disk store open
            self._error = e
        finally:
            del disk  # closes the store before its folder is moved
            self.busy = time.perf_counter() - t

    def _copy_graph(self, disk: ox.Store, name: str, target: str, skip_axiomatic: bool, apart) -> None:
        """One graph of the working store, dumped as N-Triples (without the lock), each
        line given its target graph (N-Triples escapes every line break inside a
        literal, so ``" .\\n"`` only ends a line)."""
        dump = self.directory / "graph.nt"
        self._store.dump(str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        in_graph = f" <{target}> .\n".encode()
        n = 0
        with open(dump, "rb") as fh:
            for piece in _pieces(fh, PERSIST_BATCH_BYTES):
                if self._stop.is_set():
                    return
                if skip_axiomatic:
                    piece = _without_axiomatic(piece)
                n += piece.count(b"\n")
                piece = piece.replace(b" .\n", in_graph)
                if b"_:" in piece:
                    lines = piece.splitlines(keepends=True)
                    apart.write(b"".join(line for line in lines if _names_a_blank_node(line)))
                    piece = b"".join(line for line in lines if not _names_a_blank_node(line))
                self._add_to_batch(disk, piece)
        dump.unlink()
        self.graphs[target] = self.graphs.get(target, 0) + n

    def _load_blank_lines(self, disk: ox.Store, blanks: Path) -> None:
        """Every line set apart, in one call (one identity per blank node): with the
        batch when small (a bulk load's fixed cost), else from the file."""
        self._blanks_loaded = True
        size = blanks.stat().st_size
        if size and size <= PERSIST_BATCH_BYTES:
            self._add_to_batch(disk, blanks.read_bytes())
        elif size:
            _bulk_load(disk, path=str(blanks), format=ox.RdfFormat.N_QUADS)

    def _add_nquads(self, disk: ox.Store, data: bytes) -> None:
        if b"_:" in data:  # its blank nodes stay one each: one call
            _bulk_load(disk, data, format=ox.RdfFormat.N_QUADS)
            return
        start = 0
        while start < len(data) and not self._stop.is_set():
            end = data.rfind(b"\n", start, start + PERSIST_BATCH_BYTES) + 1
            if end <= start:
                end = len(data)
            self._add_to_batch(disk, data[start:end])
            start = end

    def _add_to_batch(self, disk: ox.Store, nquads: bytes) -> None:
        """Gathers N-Quads without blank nodes into loads of about PERSIST_BATCH_BYTES:
        every bulk load has a fixed cost (0.1-0.6 s measured on a busy machine), so
        the many small graphs of the rule steps share one."""
        if self._batch_size + len(nquads) > PERSIST_BATCH_BYTES:
            self._load_batch(disk)
        self._batch.append(nquads)
        self._batch_size += len(nquads)

    def _load_batch(self, disk: ox.Store) -> None:
        if self._batch_size:
            _bulk_load(disk, b"".join(self._batch), format=ox.RdfFormat.N_QUADS)
        self._batch, self._batch_size = [], 0


def _bulk_load(disk: ox.Store, *args, **kwargs) -> None:
    """``disk.bulk_load`` (one place, for the tests to make it fail)."""
    disk.bulk_load(*args, **kwargs)
