"""Build once and reuse: load, reason, validate, and cache the result on disk.

The cache is keyed by a hash of ``ontology/`` and ``graph/`` (and of the
versions of the code and of owlrl) and written atomically: a build that fails
(a parse error, an inconsistency) publishes nothing.  A build with violations
is written apart, as ``rejected-<key>``: never served as good, but readable
(the CLI answers from it, or from the last good build, with a warning) and not
rebuilt on every retry.  The last good build of each dataset folder is
remembered (:func:`last_good_build`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import DataPaths, cache_dir, data_paths
from .errors import ValidationFailed
from .load import load_dataset
from .namespaces import INFERRED_GRAPH_IRI, METRICS_GRAPH_IRI
from .name_index import NAMES_FILE, write_name_index
from .persist import Persister
from .store import STORE_DIR, Store
from .validate import ValidationReport, validate_graph
from .build_output import (_BUILD_MODULES, BUILD_FORMAT, COUNT_QUERY, DATASET_FILE, REJECTED_PREFIX,  # noqa: F401
                           REPORT_FILE, BuildResult)

__all__ = ["BuildResult", "build", "open_store", "cache_key", "last_good_build", "DATASET_FILE", "REPORT_FILE", "STORE_DIR",
           "REJECTED_PREFIX"]

# A process that ends with its build (``python -m sse_graph build``, see ``__main__``) sets
# this to a list: the fast build's working store is then put there instead of being freed,
# and the process leaves without tearing it down — the system takes its memory back at
# once, where freeing it piece by piece costs 0.37 s of CPU at 100k asserted triples.
KEEP_UNTIL_EXIT: list | None = None

# Above this many asserted triples the measures are not computed at build time by
# default: at 1M triples they took longer (135 s) and more memory than the build.
MEASURES_MAX_TRIPLES = 250_000

Progress = Callable[[str], None]


def __getattr__(name: str):
    """``INFERRED_GRAPH`` and ``METRICS_GRAPH`` as rdflib terms, as before (made on first
    use: a fast build imports no rdflib)."""
    if name in ("INFERRED_GRAPH", "METRICS_GRAPH"):
        from . import namespaces

        return getattr(namespaces, name)
    raise AttributeError(name)




def cache_key(paths: DataPaths) -> str:
    """sha256 of every input file (name and bytes), the code and owlrl versions."""
    from .build_output import installed_version

    h = hashlib.sha256()
    h.update(f"format={BUILD_FORMAT};owlrl={installed_version('owlrl')};".encode())
    for f in paths.input_files():
        h.update(str(f.relative_to(paths.root)).encode() + b"\0")
        with open(f, "rb") as fh:  # in pieces: an input of 200 MB is not held in memory to be hashed
            while piece := fh.read(1 << 20):
                h.update(piece)
        h.update(b"\0")
    code = Path(__file__).resolve().parent
    for f in sorted([*(code / m for m in _BUILD_MODULES), *code.glob("queries/**/*.rq")]):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:24]




def _counts(closure) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in closure.query(COUNT_QUERY)}


def _atomic_publish(target: Path, writer: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        writer(tmp)
        try:
            os.replace(tmp, target)
        except OSError:  # another process published the same key first
            if not (target / REPORT_FILE).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _load_cached(directory: Path) -> BuildResult | None:
    report = directory / REPORT_FILE
    if not (report.is_file() and ((directory / STORE_DIR).is_dir() or (directory / DATASET_FILE).is_file())):
        return None
    d = json.loads(report.read_text(encoding="utf-8"))
    return BuildResult(
        directory=directory, key=d["key"], asserted_triples=d["asserted_triples"],
        inferred_triples=d["inferred_triples"], counts=d["counts"], graphs=d["graphs"],
        timings=d["timings"], validation=d["validation"], cached=True, engine=d.get("engine", "owlrl"),
        measures=d.get("measures", True), peak_mb=d.get("peak_mb", {}), root=d.get("root", ""),
    )


def build(
    data: str | os.PathLike | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    engine: str | None = None,
    measures: bool | None = None,
    keep_rejected: bool = True,
    previous: BuildResult | None = None,
) -> BuildResult:
    """Load, reason and validate the dataset, or reuse the cached build.

    Raises :class:`~sse_graph.errors.ParseError` (bad file) or
    :class:`~sse_graph.errors.InconsistencyError`, and nothing is cached; or
    :class:`~sse_graph.errors.ValidationFailed`, whose ``result`` is the build
    written apart as ``rejected-<key>`` (readable, never returned as good).

    ``engine``: ``owlrl`` (the reference, default) or ``fast`` (the same rules as
    SPARQL updates in pyoxigraph, see ``fastreason.py``); default from
    ``$SSE_GRAPH_ENGINE``.

    ``measures``: compute the network measures into the metrics graph; by default
    only up to :data:`MEASURES_MAX_TRIPLES` asserted triples (above, they cost
    more than the build itself — `sse-graph analyse` computes them on demand).

    ``keep_rejected=False``: a build with violations is not written at all.

    ``previous``: a good build to update incrementally (default: the last good build
    of this folder); only graph/ files may differ from it (``incremental.py``).
    """
    from .errors import InputError

    say = progress or (lambda _msg: None)
    asked = engine or os.environ.get("SSE_GRAPH_ENGINE")
    engine = asked or "owlrl"
    if engine not in ("owlrl", "fast"):
        raise InputError(f"unknown reasoning engine '{engine}': use owlrl or fast")
    paths = data_paths(data)
    base = cache_key(paths)

    def key_of(eng: str, meas: bool | None) -> str:
        return base + ("" if eng == "owlrl" else "-fast") + ("" if meas is None else ("-measures" if meas else "-nomeasures"))

    key = key_of(engine, measures)
    directory = cache_dir() / key
    if not force:
        # A command that asks for no engine in particular reuses any build of the same
        # inputs (the reference first): after `build --engine fast` on a large graph,
        # `sse-graph members …` must not start an owlrl build.
        engines = [engine] if asked else ["owlrl", "fast"]
        options = [measures] if measures is not None else [None, True, False]
        for eng in engines:
            for meas in options:
                cached = _load_cached(cache_dir() / key_of(eng, meas))
                if cached is not None:
                    return cached
        # The same inputs were built and rejected: say so again without rebuilding.
        for eng in engines:
            for meas in options:
                rejected = _load_cached(cache_dir() / (REJECTED_PREFIX + key_of(eng, meas)))
                if rejected is not None:
                    raise ValidationFailed(ValidationReport.from_dict(rejected.validation), rejected)

    # Only graph/ files changed since a good fast build: update it (sse_graph/incremental.py).
    if not force and (engine == "fast" or not asked):
        from .incremental import try_update

        base_build = previous if previous is not None else last_good_build(paths.root)
        updated = try_update(paths, key=key_of("fast", measures), previous=base_build, measures=measures,
                             keep_rejected=keep_rejected, say=say)
        if updated is not None:
            return updated

    t0 = time.perf_counter()
    built = (_reference_pipeline if engine == "owlrl" else _fast_pipeline)(paths, say)
    result = BuildResult(
        directory=directory, key=key, asserted_triples=0, inferred_triples=0, counts=built.counts, graphs={},
        timings=built.timings, validation=built.report.as_dict(), engine=engine, peak_mb=built.peak_mb,
        root=str(paths.root),
    )

    def write(tmp: Path) -> None:
        built.write(tmp, result, measures, say)
        result.timings["total"] = time.perf_counter() - t0
        from .incremental import write_manifest

        write_manifest(tmp, paths)  # what the next incremental build diffs against
        (tmp / REPORT_FILE).write_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")

    try:
        if not built.report.conforms:
            if not keep_rejected:  # a staging build (an import being checked): nothing to read from it later
                raise ValidationFailed(built.report)
            result.directory = cache_dir() / (REJECTED_PREFIX + key)
            say("writing the rejected build (it has violations)")
            _atomic_publish(result.directory, write)
            raise ValidationFailed(built.report, result)
        say("writing the cache")
        _atomic_publish(directory, write)
    finally:
        built.close()
    result.timings["total"] = time.perf_counter() - t0
    return result


def last_good_build(data: str | os.PathLike | None = None) -> BuildResult | None:
    """The newest cached build of this dataset folder that had no violation (of these
    inputs or of earlier ones), or ``None``."""
    root = str(data_paths(data).root)
    best = None
    folder = cache_dir()
    for d in folder.iterdir() if folder.is_dir() else []:
        if d.name.startswith((REJECTED_PREFIX, ".")) or not (d / REPORT_FILE).is_file():
            continue
        try:
            result = _load_cached(d)
        except (OSError, ValueError, KeyError):
            continue
        if result is not None and result.root == root:
            mtime = (d / REPORT_FILE).stat().st_mtime
            if best is None or mtime > best[0]:
                best = (mtime, result)
    return best[1] if best else None


def open_store(data: str | os.PathLike | None = None, *, progress: Progress | None = None) -> Store:
    """Build (or reuse the cached build of) the dataset and open it read-only."""
    return Store(build(data, progress=progress).dataset_path)


@dataclass
class _Built:
    """What a pipeline produced, before it is written: the counts, the timings, the
    validation report, and how to write the build folder (``write(tmp, result,
    measures, say)``: the on-disk store, the derived graphs, the name index; it
    fills ``result.graphs`` and the triple counts)."""

    counts: dict[str, int]
    timings: dict[str, float]
    report: ValidationReport
    write: Callable[[Path, "BuildResult", bool | None, Progress], None]
    peak_mb: dict[str, float] = field(default_factory=dict)
    close: Callable[[], None] = lambda: None  # discards what was begun and not written (a second thread's work)


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(result: "BuildResult", step: str, t: float) -> None:
    result.timings[step] = time.perf_counter() - t
    result.peak_mb[step] = _peak_mb()


def _derived_graphs(view: Store, result: "BuildResult", say: Progress, tmp: Path,
                    ready: Callable[[list[tuple[str, bytes]]], None] = lambda _docs: None) -> list[tuple[str, bytes]]:
    """The graphs the build derives from the reasoned data, as N-Quads: the network
    measures (only if ``result.measures``) and the representation links and chains
    with their intervals (``sse_graph/representation.py``); and, from the same links,
    the reach of every representative body (``reach.sqlite`` in ``tmp``).  ``ready`` is
    given the graphs as soon as they are made, before the reach is counted."""
    from .reach_index import REACH_FILE, link_ends, reach_from_links, write_reach
    from .representation import REPRESENTATION_GRAPH, representation_links, representation_nquads

    out = []
    if result.measures:
        from .analysis import metrics_ntriples

        t = time.perf_counter()
        say("computing the network measures")
        metrics = metrics_ntriples(view)
        quads = b"".join(line[:-1].rstrip() + f" <{METRICS_GRAPH_IRI}> .\n".encode()
                         for line in metrics.splitlines() if line.strip())
        out.append((METRICS_GRAPH_IRI, quads))
        result.graphs[METRICS_GRAPH_IRI] = metrics.count(b"\n")
        _timed(result, "measures", t)
    t = time.perf_counter()
    say("deriving the representation graph")
    up = representation_links(view)
    rep = representation_nquads(view, up=up)
    out.append((REPRESENTATION_GRAPH, rep))
    result.graphs[REPRESENTATION_GRAPH] = rep.count(b"\n")
    _timed(result, "representation", t)
    ready(out)
    t = time.perf_counter()
    say("counting the reach of every representative body")
    ends = link_ends(up)
    del up
    write_reach(reach_from_links(view, ends), tmp / REACH_FILE, ends)
    _timed(result, "reach", t)
    return out


def _write_names(view: Store, tmp: Path, result: "BuildResult", say: Progress) -> None:
    t = time.perf_counter()
    say("writing the name index")
    write_name_index(view, tmp / NAMES_FILE)
    _timed(result, "names", t)


def _count_triples(result: "BuildResult") -> None:
    from .representation import REPRESENTATION_GRAPH

    derived = (INFERRED_GRAPH_IRI, METRICS_GRAPH_IRI, REPRESENTATION_GRAPH)
    result.asserted_triples = sum(n for g, n in result.graphs.items() if g not in derived)
    result.inferred_triples = result.graphs.get(INFERRED_GRAPH_IRI, 0)


def _reference_pipeline(paths: DataPaths, say: Progress) -> _Built:
    """rdflib + owlrl + pyshacl: the reference."""
    from rdflib import Dataset, Graph

    from .namespaces import INFERRED_GRAPH
    from .reason import reason

    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    t = time.perf_counter()
    say("loading")
    asserted = load_dataset(paths)
    timings["load"] = time.perf_counter() - t
    peaks["load"] = _peak_mb()

    t = time.perf_counter()
    say("reasoning (OWL 2 RL, owlrl)")
    closure = reason(asserted)
    timings["reason"] = time.perf_counter() - t
    peaks["reason"] = _peak_mb()

    t = time.perf_counter()
    say("validating (SHACL and violation queries)")
    union = Graph()
    for s, p, o, _g in asserted.quads((None, None, None, None)):
        union.add((s, p, o))
    for triple in closure.inferred:
        union.add(triple)
    report: ValidationReport = validate_graph(union, paths.shapes)
    timings["validate"] = time.perf_counter() - t
    peaks["validate"] = _peak_mb()

    def write_nquads(path: Path) -> dict[str, int]:
        out = Dataset()
        for s, p, o, g in asserted.quads((None, None, None, None)):
            out.add((s, p, o, g))
        inferred = out.graph(INFERRED_GRAPH)
        for triple in closure.inferred:
            inferred.add(triple)
        out.serialize(path, format="nquads", encoding="utf-8")
        graphs = {str(g.identifier): len(g) for g in asserted.graphs() if len(g)}
        graphs[INFERRED_GRAPH_IRI] = len(closure.inferred)
        return graphs

    def write(tmp: Path, result: BuildResult, measures: bool | None, say: Progress) -> None:
        """The N-Quads first (rdflib writes them), then everything from them."""
        import pyoxigraph as ox

        t = time.perf_counter()
        say("writing the N-Quads")
        nq = tmp / DATASET_FILE
        result.graphs = write_nquads(nq)
        _count_triples(result)
        _timed(result, "write", t)
        result.measures = measures if measures is not None else result.asserted_triples <= MEASURES_MAX_TRIPLES
        view = Store(nq, memory=True)
        extra = _derived_graphs(view, result, say, tmp)
        _write_names(view, tmp, result, say)
        del view
        with open(nq, "ab") as fh:
            for _name, data in extra:
                fh.write(data)
        t = time.perf_counter()
        say("writing the persistent store")
        disk = ox.Store(str(tmp / STORE_DIR))
        disk.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        disk.flush()
        del disk
        _timed(result, "persist", t)

    return _Built(_counts(union), timings, report, write, peak_mb=peaks)


def _fast_pipeline(paths: DataPaths, say: Progress) -> _Built:
    """pyoxigraph throughout: bulk load, the compiled rules (``fastreason``), the
    compiled shapes (``shapes``) and the violation queries, then N-Triples dumps
    of each graph — no rdflib term is made for the instance data."""
    from .build_compile import load_and_compile
    from .errors import InconsistencyError, InputError
    from .fastreason import inconsistencies, materialise
    from .validate import validate_store

    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    t = time.perf_counter()
    say("loading")
    # The on-disk store is written on a second thread (sse_graph/persist.py), opened while
    # the data loads: the asserted graphs once loaded, each rule step once written, while
    # the main thread reasons and validates.
    persister = Persister(None, cache_dir())
    try:
        try:  # the rules and shapes compiled, or read compiled from the cache (build_compile)
            store, compiled = load_and_compile(paths)
        except NotImplementedError as e:
            raise InputError(f"the fast engine does not compile this: {e} (build with --engine owlrl)") from None
        rules, checks = compiled.rules, compiled.checks
        asserted = sorted(g.value for g in store.named_graphs())
        timings["load"] = time.perf_counter() - t
        peaks["load"] = _peak_mb()
        persister.read_from(store)
        persister.copy_graphs(asserted)
        t = time.perf_counter()
        say("reasoning (OWL 2 RL, compiled rules)")
        materialise(store, rules, on_step=lambda g: persister.copy_inferred([g], last=False))
        errors = inconsistencies(store, rules)
        if errors:
            raise InconsistencyError(errors)
        persister.copy_inferred([])
        timings["reason"] = time.perf_counter() - t
        peaks["reason"] = _peak_mb()

        t = time.perf_counter()
        say("validating (shapes as SPARQL and violation queries)")
        report = validate_store(store, paths.shapes, checks=checks, union=True)  # the union: everything, reasoned
        timings["validate"] = time.perf_counter() - t
        peaks["validate"] = _peak_mb()
        counts = {str(r["label"].value): int(r["n"].value) for r in store.query(COUNT_QUERY, use_default_graph_as_union=True)}
    except BaseException:
        persister.abort()
        raise
    holder = {"store": store}
    del store

    def write(tmp: Path, result: BuildResult, measures: bool | None, say: Progress) -> None:
        """Straight from the working store: the derived graphs and the name index read
        it in memory while the second thread goes on filling the on-disk store (no
        N-Quads file: written on demand, ``BuildResult.nquads``); then the derived
        graphs join it there.  The network measures only
        when asked: ``sse-graph analyse`` computes them on demand."""
        st = holder["store"]
        view = Store.of(st, asserted + [INFERRED_GRAPH_IRI])
        view._union_is_default = False  # the reasoned graph is the union of the named graphs (fastreason.UNION)
        result.measures = bool(measures)
        if not result.measures:
            say("network measures not computed at build time (sse-graph analyse computes them)")
        _derived_graphs(view, result, say, tmp, ready=persister.add_nquads)
        _write_names(view, tmp, result, say)
        del view
        t = time.perf_counter()
        say("writing the persistent store")
        result.graphs = {**persister.finish(tmp / STORE_DIR), **result.graphs}
        _count_triples(result)
        _timed(result, "persist", t)  # what the main thread waited for: the rest ran beside the other steps
        result.timings["persist_thread"] = persister.busy
        if KEEP_UNTIL_EXIT is not None:
            KEEP_UNTIL_EXIT.append(holder["store"])
        holder.clear()

    return _Built(counts, timings, report, write, peak_mb=peaks, close=persister.abort)
