"""Export the built dataset as Turtle, TriG, N-Quads or JSON-LD (labels as language maps).

A fast build writes no N-Quads (its on-disk store is the build): :func:`nquads_file`
writes them from that store the first time they are needed (export, push, loading
into Virtuoso), atomically, beside it — or in the temporary folder when the build's
folder cannot be written.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import InputError
from .namespaces import INFERRED_GRAPH, PREFIXES

__all__ = ["export", "nquads_file", "EXPORT_FORMATS", "JSONLD_CONTEXT"]

EXPORT_FORMATS = ("turtle", "trig", "nquads", "jsonld")

JSONLD_CONTEXT = {
    **PREFIXES,
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "label": {"@id": "rdfs:label", "@container": "@language"},
}


def nquads_file(dataset_path: Path) -> Path:
    """``dataset_path`` if the build wrote it; else the N-Quads of the build's on-disk
    store (every named graph), written there now or, if the folder is read-only, to
    the temporary folder (named by the build's key)."""
    import pyoxigraph as ox

    from .store import STORE_DIR

    path = Path(dataset_path)
    if path.is_file():
        return path
    disk = path.parent / STORE_DIR
    if not disk.is_dir():
        raise InputError(f"{path.parent}: not a build (neither {path.name} nor {STORE_DIR}/)")
    spare = Path(tempfile.gettempdir()) / f"sse-graph-{path.parent.name}-{path.name}"
    if spare.is_file():
        return spare
    for target in (path, spare):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            ox.Store.read_only(str(disk)).dump(output=str(tmp), format=ox.RdfFormat.N_QUADS)
            os.replace(tmp, target)
            return target
        except PermissionError:
            tmp.unlink(missing_ok=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    raise InputError(f"cannot write the N-Quads of {path.parent} (read-only, and so is {spare.parent})")


def _dataset(path: Path, asserted: bool) -> Dataset:
    ds = Dataset()
    ds.parse(nquads_file(path), format="nquads")
    if asserted:
        ds.remove_graph(ds.graph(INFERRED_GRAPH))
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


def export(dataset_path: Path, fmt: str, *, asserted: bool = False) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}': use {', '.join(EXPORT_FORMATS)}")
    ds = _dataset(dataset_path, asserted)
    if fmt in ("trig", "nquads"):
        return ds.serialize(format=fmt, encoding="utf-8")
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns, replace=True)
    for s, p, o, _g in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    if fmt == "turtle":
        return merged.serialize(format="turtle", encoding="utf-8")
    return merged.serialize(format="json-ld", context=JSONLD_CONTEXT, encoding="utf-8", auto_compact=True)
