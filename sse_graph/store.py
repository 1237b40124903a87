"""The built dataset, served from pyoxigraph for speed.

The build writes N-Quads and the same dataset as an on-disk pyoxigraph store
(``store/`` beside ``dataset.nq``); every later command opens that store
read-only, in milliseconds whatever its size, and answers SPARQL there (a
directory without it — an older build, a hand-made file — is loaded in memory).  The default graph is the union of the sources and the
inferences (``reasoned=True``) or of the asserted graphs only.

This module only reads a build: it knows nothing of how one is made.  Data
flows one way — ``build`` writes the folder and imports this module to open it
(``build.open_store``), never the reverse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import INFERRED_GRAPH_IRI, METRICS_GRAPH_IRI
from .safety import Verdict, check_query, is_update

_SHIPPED = Verdict(declares_dataset=False, parsed=False)

__all__ = ["Store", "Results", "term_value", "STORE_DIR"]

STORE_DIR = "store"  # the build's on-disk copy of the dataset, beside dataset.nq


def term_value(term):
    """A plain Python value for a pyoxigraph term (IRIs and blank nodes as strings)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith(("#decimal", "#double", "#float")):
            try:
                return float(term.value)
            except ValueError:
                return term.value
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


@dataclass
class Results:
    """A SELECT result: variable names and rows of pyoxigraph terms."""

    variables: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict]:
        return [{v: term_value(t) for v, t in zip(self.variables, row)} for row in self.rows]


class Store:
    """A read-only view of one build, queried with pyoxigraph."""

    def __init__(self, dataset_path: Path, *, memory: bool = False):
        """Open the build at ``dataset_path``: its on-disk store read-only, or, with
        ``memory=True`` (whole-graph analysis, where scans are several times faster
        in memory) or when there is none, its N-Quads (else its on-disk store) loaded
        into memory."""
        self.path = Path(dataset_path)
        self._union_is_default = False
        on_disk = self.path.parent / STORE_DIR
        if on_disk.is_dir() and not memory:
            # the build's persistent store: opened in milliseconds at any size, shared by processes
            self._store = ox.Store.read_only(str(on_disk))
        elif self.path.is_file():
            self._store = ox.Store()
            self._store.bulk_load(path=str(self.path), format=ox.RdfFormat.N_QUADS)
        else:  # a fast build writes no N-Quads: copy its on-disk store into memory
            self._store = ox.Store()
            self._store.bulk_extend(ox.Store.read_only(str(on_disk)))
        self.graph_names = sorted(g.value for g in self._store.named_graphs())

    @classmethod
    def of(cls, store: ox.Store, graph_names: list[str]) -> "Store":
        """A view of the fast build's working store, whose default graph already
        holds the reasoned union (the build computes the measures on it)."""
        self = cls.__new__(cls)
        self.path = Path(".")
        self._store = store
        self._union_is_default = True
        self.graph_names = sorted(graph_names)
        return self

    @property
    def asserted_graphs(self) -> list[str]:
        return [g for g in self.graph_names if g not in (INFERRED_GRAPH_IRI, METRICS_GRAPH_IRI)]

    def raw_query(self, text: str, *, reasoned: bool = True, bindings: dict[str, str] | None = None,
                  default_graphs: list[str] | None = None, named_graphs: list[str] | None = None):
        """Run any query form and return pyoxigraph's result object.

        ``bindings`` replace variables by IRIs (``{"org_param": iri}``) in the text;
        ``default_graphs`` / ``named_graphs`` set the dataset (SPARQL protocol's
        default-graph-uri / named-graph-uri), else the default graph is the union
        of all graphs (``reasoned``) or of the asserted ones.
        """
        from .queries import Shipped

        shipped = isinstance(text, Shipped)  # the package's own query: no user text in it
        for name, iri in (bindings or {}).items():
            if any(c in iri for c in '<>"{}|^`\\ \t\n\r'):
                raise QueryError(f"not an IRI: {iri!r}")
            text = re.sub(rf"\?{re.escape(name)}\b", f"<{iri}>", text)
        # the endpoint's own check (a SPARQL parser), on the text the engine will run
        verdict = _SHIPPED if shipped else check_query(text, known_graphs=self.graph_names)
        kwargs: dict = {}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif verdict.declares_dataset:
            pass  # the query's own FROM / FROM NAMED (already checked against the dataset's graphs)
        elif reasoned and self._union_is_default:
            pass
        elif reasoned:
            kwargs["use_default_graph_as_union"] = True
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in self.asserted_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(text, **kwargs)
        except SyntaxError as e:
            if is_update(text):
                raise QueryError("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is not allowed: "
                                 "the dataset is read-only") from None
            raise QueryError(f"SPARQL syntax error: {e}") from None
        except (ValueError, OSError, RuntimeError) as e:
            raise QueryError(f"query failed: {e}") from None

    def select(self, text: str, *, reasoned: bool = True, bindings: dict[str, str] | None = None) -> Results:
        """A SELECT query, with ``bindings`` substituted (``{"org": iri}`` binds ``?org_param``)."""
        subs = {f"{k}_param": v for k, v in (bindings or {}).items()}
        result = self.raw_query(text, reasoned=reasoned, bindings=subs)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        variables = [v.value for v in result.variables]
        rows = [tuple(sol[v] for v in variables) for sol in result]
        return Results(variables, rows)

