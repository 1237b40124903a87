"""The build cache: list what it holds and prune what is no longer current.

Every change to ``ontology/`` or ``graph/`` (an edit, an import) makes a new
build folder; at observatory scale each holds gigabytes (the N-Quads and the
on-disk store).  Pruning keeps the builds of the current inputs and removes the
rest — and stale ``.building-*`` folders of interrupted builds — but keeps the
last good build while the current inputs have violations.
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .build import REJECTED_PREFIX, REPORT_FILE, cache_key, last_good_build
from .config import cache_dir, data_paths

__all__ = ["CachedBuild", "cached_builds", "prune"]

_STALE_SECONDS = 3600  # an unfinished build folder older than this was interrupted


@dataclass(frozen=True)
class CachedBuild:
    key: str
    path: Path
    engine: str
    asserted_triples: int
    inferred_triples: int
    bytes: int
    modified: float
    current: bool
    rejected: bool = False  # its data had violations

    def as_dict(self) -> dict:
        return {"key": self.key, "path": str(self.path), "engine": self.engine, "asserted_triples": self.asserted_triples,
                "inferred_triples": self.inferred_triples, "bytes": self.bytes,
                "modified": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.modified)), "current": self.current,
                "rejected": self.rejected}


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def cached_builds(data=None) -> list[CachedBuild]:
    """The builds in the cache, newest first; ``current``: built from the inputs as they are now."""
    base = cache_key(data_paths(data))
    out = []
    root = cache_dir()
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        report = folder / REPORT_FILE
        if not (folder.is_dir() and report.is_file()):
            continue
        try:
            d = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append(CachedBuild(folder.name, folder, d.get("engine", "owlrl"), d.get("asserted_triples", 0),
                               d.get("inferred_triples", 0), _size(folder), report.stat().st_mtime,
                               folder.name.removeprefix(REJECTED_PREFIX).split("-")[0] == base,
                               not d.get("validation", {}).get("conforms", True)))
    return sorted(out, key=lambda b: -b.modified)


def prune(data=None) -> list[Path]:
    """Remove every cached build that is not of the current inputs, and stale
    unfinished build folders; returns what was removed.  A process still
    serving a removed build keeps its open files until it stops."""
    removed = []
    builds = cached_builds(data)
    keep = None  # the last good build, while the current inputs have none
    if not any(b.current and not b.rejected for b in builds):
        last = last_good_build(data)
        keep = last.directory if last else None
    for b in builds:
        if not b.current and b.path != keep:
            shutil.rmtree(b.path, ignore_errors=True)
            removed.append(b.path)
    root = cache_dir()
    for folder in root.glob(".building-*") if root.is_dir() else []:
        if time.time() - folder.stat().st_mtime > _STALE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    removed += _prune_compiled(data)
    return removed


def _prune_compiled(data) -> list[Path]:
    """The compiled rules and shapes of earlier ontologies and shapes (``build_compile``):
    the current ones stay."""
    from .build_compile import COMPILED_DIR, compiled_key

    current = compiled_key(data_paths(data)) + ".json"
    folder = cache_dir() / COMPILED_DIR
    stale = [f for f in folder.iterdir() if f.name != current] if folder.is_dir() else []
    for f in stale:
        f.unlink(missing_ok=True)
    return stale
