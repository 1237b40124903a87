"""sse-graph: a sourced knowledge graph of the Social and Solidarity Economy.

The library the command line, the SPARQL endpoint and the viewer all call::

    from sse_graph import build, open_store
    result = build()            # load, reason, validate (cached on disk)
    store = open_store()        # the built dataset in pyoxigraph
    store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").dicts()

The names below are imported when first used, so that a question command, which
needs none of rdflib, owlrl or pyshacl, does not pay for importing them
(``python -X importtime -m sse_graph search x``).
"""
from __future__ import annotations

import importlib
import sys
import types

__all__ = [
    "build",
    "BuildResult",
    "load_dataset",
    "reason",
    "validate_graph",
    "open_store",
    "Store",
    "load_query",
    "competency_queries",
    "SSEGraphError",
    "InputError",
    "ParseError",
    "QueryError",
    "NotFoundError",
    "AmbiguousNameError",
    "InconsistencyError",
    "ValidationFailed",
    "EnvironmentProblem",
    "__version__",
]

# public name -> the module that defines it
_WHERE = {
    "build": "build", "BuildResult": "build", "open_store": "build",
    "load_dataset": "load", "reason": "reason", "validate_graph": "validate", "Store": "store",
    "load_query": "queries", "competency_queries": "queries",
    **{name: "errors" for name in ("SSEGraphError", "InputError", "ParseError", "QueryError", "NotFoundError",
                                   "AmbiguousNameError", "InconsistencyError", "ValidationFailed", "EnvironmentProblem")},
}


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("sse-graph")
        except PackageNotFoundError:
            return "0.0.0"
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(name)


class _Package(types.ModuleType):
    """``sse_graph.build`` and ``sse_graph.reason`` are the functions (as they always
    were), not the submodules of the same name that importing them would put there."""

    def __setattr__(self, name, value):
        if name in ("build", "reason") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
