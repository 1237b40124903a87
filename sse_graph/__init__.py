"""sse-graph: a sourced knowledge graph of the Social and Solidarity Economy.

The library the command line, the SPARQL endpoint and the viewer all call::

    from sse_graph import build, open_store
    result = build()            # load, reason, validate (cached on disk)
    store = open_store()        # the built dataset in pyoxigraph
    store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").dicts()
"""
from __future__ import annotations

from .build import BuildResult, build, open_store
from .errors import (
    AmbiguousNameError,
    EnvironmentProblem,
    InconsistencyError,
    InputError,
    NotFoundError,
    ParseError,
    QueryError,
    SSEGraphError,
    ValidationFailed,
)
from .load import load_dataset
from .queries import competency_queries, load_query
from .reason import reason
from .store import Store
from .validate import validate_graph

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


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("sse-graph")
        except PackageNotFoundError:
            return "0.0.0"
    raise AttributeError(name)
