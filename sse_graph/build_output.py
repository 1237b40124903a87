"""What a build writes and how it is keyed: its file names, its format version, the
modules whose code shapes its output, the counts query and :class:`BuildResult`.
Both the full build (build.py) and the incremental one (incremental.py) read
them here, so neither imports the other for them."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .queries import load_query

__all__ = ["BuildResult", "BUILD_FORMAT", "COUNT_QUERY", "DATASET_FILE", "REJECTED_PREFIX", "REPORT_FILE",
           "installed_version"]


def installed_version(dist: str) -> str:
    """The installed version of the distribution ``dist`` (part of the cache keys): from
    the name of its ``*.dist-info`` folder in the first ``sys.path`` entry that holds
    one, as ``importlib.metadata`` finds it — whose import alone costs ~0.01 s of every
    build — else, when that is not one clear answer, from ``importlib.metadata``."""
    import os
    import sys

    prefix = dist.replace("-", "_").lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found = {n[len(prefix):-len(".dist-info")] for n in names
                 if n.lower().startswith(prefix) and n.endswith(".dist-info")}
        if len(found) == 1:
            return found.pop()
        if found:
            break
    from importlib.metadata import version

    return version(dist)

# A build's folder holds: store/ (the on-disk pyoxigraph store: every graph, reasoned, and the
# derived representation graph), names.sqlite (every label and acronym: name_index.py),
# reach.sqlite (the reach of every representative body: reach_index.py), report.json,
# and dataset.nq once asked for (the fast build writes it on demand).
DATASET_FILE = "dataset.nq"
REPORT_FILE = "report.json"
REJECTED_PREFIX = "rejected-"  # a build whose data violates the shapes: readable, never served as good
# Bump when the build's output changes for the same inputs.
BUILD_FORMAT = "3"  # 3: reach.sqlite, the reach of every representative body

# The modules whose code shapes the build output (part of the cache key).
_BUILD_MODULES = ("name_index.py", "reach_index.py", "names.py", "load.py", "reason.py", "fastreason.py", "validate.py", "shapes.py", "build.py", "build_output.py", "build_compile.py", "persist.py", "namespaces.py",
                  "analysis/__init__.py", "analysis/measures.py", "analysis/projections.py",
                  "representation.py", "chains.py", "timeline.py", "dates.py")

COUNT_QUERY = load_query("kind_counts").text


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
    measures: bool = True
    peak_mb: dict[str, float] = field(default_factory=dict)  # peak resident memory after each step
    root: str = ""  # the dataset folder it was built from

    @property
    def rejected(self) -> bool:
        """Built from data with violations: readable, never served as good."""
        return not self.validation.get("conforms", True)

    @property
    def dataset_path(self) -> Path:
        """Where the build's N-Quads are or would be: the name every reader of the build
        is given (:class:`Store` opens the on-disk store beside it).  A fast build does not
        write the file; :meth:`nquads` writes it on first need."""
        return self.directory / DATASET_FILE

    def nquads(self) -> Path:
        """The build's N-Quads file, written from its on-disk store on first need."""
        from .export import nquads_file

        return nquads_file(self.dataset_path)

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
            "measures": self.measures,
            "peak_mb": self.peak_mb,
            "root": self.root,
            "cached": self.cached,
        }


def triples_in_build(dataset_path) -> int | None:
    """How many triples the build at ``dataset_path`` holds (asserted + inferred, from
    its report; the metrics graph aside), or None where no report says it."""
    try:
        report = json.loads((Path(dataset_path).parent / REPORT_FILE).read_text(encoding="utf-8"))
        return int(report["asserted_triples"]) + int(report["inferred_triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
