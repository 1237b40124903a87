"""Where the data and the cache live."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["DataPaths", "data_paths", "cache_dir"]

PACKAGE_DIR = Path(__file__).resolve().parent
# RDF syntaxes a data folder might hold that the build does not read
_OTHER_RDF = {".nq", ".trig", ".jsonld", ".rdf", ".owl", ".n3"}


@dataclass(frozen=True)
class DataPaths:
    """The folders a dataset is built from."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def graph(self) -> Path:
        return self.root / "graph"

    def ontology_files(self) -> list[Path]:
        """The ontology files that go into the dataset (the shapes stay apart)."""
        return sorted(p for p in self.ontology.glob("*.ttl") if p.name != "shapes.ttl")

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"

    def graph_files(self) -> list[Path]:
        """The data files: Turtle, and N-Triples (read as the Turtle subset it is).
        Files of another RDF syntax are refused rather than left out without a word."""
        files = sorted([*self.graph.glob("*.ttl"), *self.graph.glob("*.nt")])
        others = sorted(p.name for p in self.graph.iterdir() if p.suffix.lower() in _OTHER_RDF)
        if others:
            raise InputError(f"{self.graph}: {', '.join(others[:5])}: only Turtle (.ttl) and N-Triples (.nt) "
                             "data files are read (convert the others, e.g. with rdfpipe)")
        return files

    def input_files(self) -> list[Path]:
        return sorted([*self.ontology.glob("*.ttl"), *self.graph_files()])


def data_paths(root: str | os.PathLike | None = None) -> DataPaths:
    """Find the dataset: ``root``, else ``$SSE_GRAPH_DATA``, else the source checkout,
    else the copy shipped inside the package."""
    candidates = []
    if root is not None:
        candidates = [Path(root)]
    elif os.environ.get("SSE_GRAPH_DATA"):
        candidates = [Path(os.environ["SSE_GRAPH_DATA"])]
    else:
        candidates = [PACKAGE_DIR.parent, PACKAGE_DIR / "_data"]
    for c in candidates:
        if (c / "ontology" / "sse.ttl").is_file() and (c / "graph").is_dir():
            return DataPaths(c.resolve())
    raise InputError(
        f"no dataset found in {', '.join(str(c) for c in candidates)}: "
        "expected ontology/sse.ttl and graph/ (set --data or SSE_GRAPH_DATA)"
    )


def cache_dir() -> Path:
    """``$SSE_GRAPH_CACHE``, else ``$XDG_CACHE_HOME/sse-graph``, else ``~/.cache/sse-graph``."""
    if os.environ.get("SSE_GRAPH_CACHE"):
        return Path(os.environ["SSE_GRAPH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sse-graph"
