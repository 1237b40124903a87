"""Where a resource is described: ``file:line`` of the first line of a Turtle
file that opens its description (the subject at the start of a line), so a
violation can say where to look.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.ttl").write_text("@prefix id: <https://w3id.org/sse-graph/id/> .\\n\\nid:x a id:K ;\\n  id:p id:y .\\n")
>>> locate("https://w3id.org/sse-graph/id/x", [d / "a.ttl"])[1]
3
>>> locate("https://w3id.org/sse-graph/id/nowhere", [d / "a.ttl"]) is None
True
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

__all__ = ["locate", "where"]

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


@lru_cache(maxsize=64)
def _read(path: Path, mtime: float) -> tuple[list[str], dict[str, str]]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    prefixes = {}
    for line in lines:
        m = _PREFIX.match(line)
        if m:
            prefixes[m.group(1)] = m.group(2)
    return lines, prefixes


def _tokens(iri: str, prefixes: dict[str, str]) -> list[str]:
    out = [f"<{iri}>"]
    for p, ns in prefixes.items():
        if ns and iri.startswith(ns) and re.fullmatch(r"[\w.-]+", iri[len(ns):] or "-"):
            out.append(f"{p}:{iri[len(ns):]}")
    return out


def locate(iri: str, files: list[Path]) -> tuple[Path, int] | None:
    """The first file and line (1-based) where ``iri`` opens a description; else where it
    is first mentioned; ``None`` when no file names it (a blank node, an inferred resource)."""
    if not iri:
        return None
    mentioned = None
    for f in files:
        try:
            lines, prefixes = _read(f, f.stat().st_mtime)
        except OSError:
            continue
        pattern = re.compile(r"(?:^|[\s;,(\[])(" + "|".join(re.escape(t) for t in _tokens(iri, prefixes)) + r")(?=[\s;,.)\]]|$)")
        for n, line in enumerate(lines, 1):
            m = pattern.search(line)
            if not m or line.lstrip().startswith("#"):
                continue
            if not line[:m.start(1)].strip():
                return f, n
            if mentioned is None:
                mentioned = (f, n)
    return mentioned


def where(iri: str, paths) -> str:
    """``graph/001_….ttl:42`` (relative to the dataset folder ``paths.root``), or ``""``."""
    found = locate(iri, paths.input_files())
    if found is None:
        return ""
    f, n = found
    try:
        f = f.relative_to(paths.root)
    except ValueError:
        pass
    return f"{f}:{n}"
