"""Export the built dataset as Turtle, TriG, N-Quads or JSON-LD (labels as language maps)."""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from .errors import InputError
from .namespaces import INFERRED_GRAPH, PREFIXES

__all__ = ["export", "EXPORT_FORMATS", "JSONLD_CONTEXT"]

EXPORT_FORMATS = ("turtle", "trig", "nquads", "jsonld")

JSONLD_CONTEXT = {
    **PREFIXES,
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "label": {"@id": "rdfs:label", "@container": "@language"},
}


def _dataset(path: Path, asserted: bool) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="nquads")
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
