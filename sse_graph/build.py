"""Build once and reuse: load, reason, validate, and cache the result on disk.

The cache is keyed by a hash of ``ontology/`` and ``graph/`` (and of the
versions of the code and of owlrl) and written atomically: a build that fails
(a parse error, an inconsistency, a violation) publishes nothing.
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

from rdflib import Dataset, Graph

from .config import DataPaths, cache_dir, data_paths
from .errors import ValidationFailed
from .load import load_dataset
from .namespaces import INFERRED_GRAPH, METRICS_GRAPH
from .reason import fast_reason, reason
from .validate import ValidationReport, validate_graph

__all__ = ["BuildResult", "build", "cache_key", "DATASET_FILE", "REPORT_FILE"]

DATASET_FILE = "dataset.nq"
REPORT_FILE = "report.json"
# Bump when the build's output changes for the same inputs.
BUILD_FORMAT = "1"

# The modules whose code shapes the build output (part of the cache key).
_BUILD_MODULES = ("load.py", "reason.py", "fastreason.py", "validate.py", "build.py", "namespaces.py",
                  "analysis/__init__.py", "analysis/measures.py", "analysis/projections.py")

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build produced: where, how much, how long."""

    directory: Path
    key: str
    asserted_triples: int
    inferred_triples: int
    counts: dict[str, int]
    graphs: dict[str, int]
    timings: dict[str, float]
    validation: dict = field(default_factory=dict)
    cached: bool = False
    engine: str = "owlrl"

    @property
    def dataset_path(self) -> Path:
        return self.directory / DATASET_FILE

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "directory": str(self.directory),
            "asserted_triples": self.asserted_triples,
            "inferred_triples": self.inferred_triples,
            "counts": self.counts,
            "graphs": self.graphs,
            "timings": self.timings,
            "validation": self.validation,
            "engine": self.engine,
            "cached": self.cached,
        }


def cache_key(paths: DataPaths) -> str:
    """sha256 of every input file (name and bytes), the code and owlrl versions."""
    from importlib.metadata import version

    h = hashlib.sha256()
    h.update(f"format={BUILD_FORMAT};owlrl={version('owlrl')};".encode())
    for f in paths.input_files():
        h.update(str(f.relative_to(paths.root)).encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    code = Path(__file__).resolve().parent
    for f in sorted([*(code / m for m in _BUILD_MODULES), *code.glob("queries/**/*.rq")]):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:24]


_COUNT_QUERY = """
PREFIX sse: <https://w3id.org/sse-graph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?kind a sse:Kind . ?x a ?kind . ?kind skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?l . FILTER(lang(?l) = "en") BIND(STR(?l) AS ?label) }
  UNION { VALUES (?cls ?label) {
      (sse:Organisation "organisations (all kinds)") (sse:Person "people") (org:Membership "memberships")
      (org:Post "posts") (sse:Seat "seats and mandates") (sse:Partnership "partnerships and participations")
      (sse:Count "dated counts") (sse:Project "projects and programmes") (sse:Event "events") (sse:Place "places")
      (sse:SourceDocument "sources") }
    ?x a ?cls }
} GROUP BY ?label ORDER BY ?label
"""


def _counts(closure: Graph) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in closure.query(_COUNT_QUERY)}


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
    if not (report.is_file() and (directory / DATASET_FILE).is_file()):
        return None
    d = json.loads(report.read_text(encoding="utf-8"))
    return BuildResult(
        directory=directory, key=d["key"], asserted_triples=d["asserted_triples"],
        inferred_triples=d["inferred_triples"], counts=d["counts"], graphs=d["graphs"],
        timings=d["timings"], validation=d["validation"], cached=True, engine=d.get("engine", "owlrl"),
    )


def build(
    data: str | os.PathLike | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    engine: str | None = None,
) -> BuildResult:
    """Load, reason and validate the dataset, or reuse the cached build.

    Raises :class:`~sse_graph.errors.ParseError` (bad file),
    :class:`~sse_graph.errors.InconsistencyError` or
    :class:`~sse_graph.errors.ValidationFailed`; in each case nothing is cached.

    ``engine``: ``owlrl`` (the reference, default) or ``fast`` (the same rules as
    SPARQL updates in pyoxigraph, see ``fastreason.py``); default from
    ``$SSE_GRAPH_ENGINE``.
    """
    from .errors import InputError

    say = progress or (lambda _msg: None)
    engine = engine or os.environ.get("SSE_GRAPH_ENGINE") or "owlrl"
    if engine not in ("owlrl", "fast"):
        raise InputError(f"unknown reasoning engine '{engine}': use owlrl or fast")
    paths = data_paths(data)
    key = cache_key(paths) + ("" if engine == "owlrl" else "-fast")
    directory = cache_dir() / key
    if not force:
        cached = _load_cached(directory)
        if cached is not None:
            return cached

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("loading")
    asserted = load_dataset(paths)
    timings["load"] = time.perf_counter() - t0

    t = time.perf_counter()
    say(f"reasoning (OWL 2 RL, {engine})")
    closure = reason(asserted) if engine == "owlrl" else fast_reason(asserted)
    timings["reason"] = time.perf_counter() - t

    t = time.perf_counter()
    say("validating (SHACL and violation queries)")
    union = Graph()
    for s, p, o, _g in asserted.quads((None, None, None, None)):
        union.add((s, p, o))
    for triple in closure.inferred:
        union.add(triple)
    report: ValidationReport = validate_graph(union, paths.shapes)
    timings["validate"] = time.perf_counter() - t
    if not report.conforms:
        raise ValidationFailed(report)

    graphs = {str(g.identifier): len(g) for g in asserted.graphs() if len(g)}
    graphs[str(INFERRED_GRAPH)] = len(closure.inferred)
    result = BuildResult(
        directory=directory,
        key=key,
        asserted_triples=sum(n for g, n in graphs.items() if g != str(INFERRED_GRAPH)),
        inferred_triples=len(closure.inferred),
        counts=_counts(union),
        graphs=graphs,
        timings=timings,
        validation=report.as_dict(),
        engine=engine,
    )

    def write(tmp: Path) -> None:
        out = Dataset()
        for s, p, o, g in asserted.quads((None, None, None, None)):
            out.add((s, p, o, g))
        inferred = out.graph(INFERRED_GRAPH)
        for triple in closure.inferred:
            inferred.add(triple)
        out.serialize(tmp / DATASET_FILE, format="nquads", encoding="utf-8")
        # The network measures, in their own named graph (sortable in SPARQL).
        t = time.perf_counter()
        say("computing the network measures")
        from .analysis import metrics_ntriples
        from .store import Store

        metrics = metrics_ntriples(Store(tmp / DATASET_FILE))
        with open(tmp / DATASET_FILE, "ab") as fh:
            for line in metrics.splitlines():
                if line.strip():
                    fh.write(line[:-1].rstrip() + f" <{METRICS_GRAPH}> .\n".encode())
        result.graphs[str(METRICS_GRAPH)] = metrics.count(b"\n")
        result.timings["measures"] = time.perf_counter() - t
        result.timings["total"] = time.perf_counter() - t0
        (tmp / REPORT_FILE).write_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")

    say("writing the cache")
    _atomic_publish(directory, write)
    result.timings["total"] = time.perf_counter() - t0
    return result
