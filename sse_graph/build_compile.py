"""The ontology's rules and the SHACL shapes, compiled once per version of their files.

The fast build runs the ontology's axioms as SPARQL rules (``fastreason``) and the
shapes as SPARQL checks (``shapes``).  Compiling them reads the ontology and the
shapes as rdflib graphs: rdflib's imports and the parsing cost about 0.1 s of CPU,
a quarter of a whole ``sse-graph build --engine fast`` of 10k triples, while they
change far less often than the data.  The compiled form — SPARQL texts and IRIs, no
rdflib term — and what the data audit needs of the ontology (the IRIs of its
subjects, the RDFS/OWL terms a data file may not use) are kept as JSON in the build
cache, ``.compiled/<key>.json``.  The key is the sha256 of the ontology files and
the shapes (names and bytes), of the code that compiles and audits them and of
rdflib's version: an edited axiom or shape, or another compiler, gives another key
and a fresh compilation; a file that does not read back exactly is ignored and
compiled again.  Only a compilation that succeeded is kept (its audit passed).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from .config import DataPaths, cache_dir

__all__ = ["Compiled", "compiled_key", "load_and_compile"]

COMPILED_DIR = ".compiled"
_FORMAT = "1"
# The code whose output the cache holds: the compilers, the audits and this module.
_COMPILER_MODULES = ("fastreason.py", "shapes.py", "load.py", "build_compile.py")


@dataclass
class Compiled:
    """What a fast build needs of the ontology and the shapes, compiled."""

    rules: object  # fastreason.Rules
    checks: list  # [shapes.ShapeCheck]
    ontology_iris: frozenset  # IRIs of the subjects of the ontology's triples (the data audit's owl:sameAs test)
    audit_terms: tuple  # the RDFS/OWL terms a data file may not use (fastreason.data_audit_terms)


def compiled_key(paths: DataPaths) -> str:
    """sha256 of the ontology files and the shapes (names and bytes), the compiling code
    and rdflib's version."""
    from .build_output import installed_version

    h = hashlib.sha256(f"compiled={_FORMAT};rdflib={installed_version('rdflib')};".encode())
    for f in [*paths.ontology_files(), paths.shapes]:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    code = Path(__file__).resolve().parent
    for m in _COMPILER_MODULES:
        h.update(m.encode() + b"\0" + (code / m).read_bytes() + b"\0")
    return h.hexdigest()[:32]


def load_and_compile(paths: DataPaths):
    """The asserted dataset in an in-memory pyoxigraph store (``load.load_store``) and the
    compiled rules and shapes: ``(store, Compiled)``.  From the cache when it holds these
    very files (rdflib is then not imported unless a data file holds something the audit
    could refuse); else compiled, and kept.  Raises what ``load_store`` raises, and
    ``NotImplementedError`` for an axiom or shape the fast engine does not compile."""
    from .load import load_store

    key = compiled_key(paths)
    path = cache_dir() / COMPILED_DIR / f"{key}.json"
    known = _read(path)
    if known is not None:
        store, _tbox = load_store(paths, known=known)
        return store, known
    store, tbox = load_store(paths)
    compiled = _compile(paths, tbox)
    _write(path, compiled)
    return store, compiled


def _compile(paths: DataPaths, tbox) -> Compiled:
    from rdflib import Graph, URIRef

    from .fastreason import compile_rules, data_audit_terms
    from .shapes import compile_shapes

    rules = compile_rules(tbox)
    checks = compile_shapes(Graph().parse(paths.shapes, format="turtle"))
    iris = frozenset(str(s) for s in tbox.subjects() if isinstance(s, URIRef))
    return Compiled(rules, checks, iris, tuple(data_audit_terms()))


# ------------------------------------------------------------------ JSON, exactly
def _classes() -> dict:
    from .fastreason import Rule, Rules
    from .shapes import ShapeCheck

    return {"Rule": Rule, "Rules": Rules, "ShapeCheck": ShapeCheck, "Compiled": Compiled}


def _encode(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, frozenset):
        return {"frozenset": sorted(_encode(v) for v in value)}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a dict with keys that are not strings")
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    name = type(value).__name__
    if name in _classes() and type(value) is _classes()[name]:
        return {"class": name, "fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"cannot keep a {type(value).__name__}")  # an rdflib term, say: not kept


def _decode(value, classes: dict):
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "frozenset" in value:
        return frozenset(_decode(v, classes) for v in value["frozenset"])
    if "tuple" in value:
        return tuple(_decode(v, classes) for v in value["tuple"])
    if "dict" in value:
        return {k: _decode(v, classes) for k, v in value["dict"].items()}
    return classes[value["class"]](**{k: _decode(v, classes) for k, v in value["fields"].items()})


def _same(a: Compiled, b: Compiled) -> bool:
    """Equal in every field, the checks' messages and scoped queries too (left out of
    ShapeCheck's own equality)."""
    return a == b and [(c.messages, c.scoped) for c in a.checks] == [(c.messages, c.scoped) for c in b.checks]


def _write(path: Path, compiled: Compiled) -> None:
    """Keep ``compiled`` at ``path`` (atomically), only if it reads back equal; a cache
    folder that cannot be written is left alone (the next build compiles again)."""
    try:
        text = json.dumps(_encode(compiled), ensure_ascii=False, sort_keys=True)
    except TypeError:
        return
    if not _same(_decode(json.loads(text), _classes()), compiled):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".compiling-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def _read(path: Path) -> Compiled | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        compiled = _decode(json.loads(text), _classes())
    except (ValueError, KeyError, TypeError):
        return None
    return compiled if isinstance(compiled, Compiled) else None
