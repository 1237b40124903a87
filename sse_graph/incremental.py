"""Incremental builds: a few changed data files update the previous build in seconds.

When a good build of the same ontology, shapes and code exists and only files of
``graph/`` changed (an import, an edit, a file removed), :func:`try_update` makes
the new build from it instead of rebuilding everything (``build.build`` calls it):

1. **diff** — each build writes ``inputs.json`` (the SHA-256 of every input file
   and of the rest of the build's inputs).  A changed file is parsed and compared,
   triple by triple, with its named graph in the previous store; blank-node
   structures (reified statements, selectors) are compared by content (a tree of
   blank nodes has a canonical signature).  A graph whose blank nodes are not
   trees is replaced whole (always correct, only slower).
2. **clone** — the previous on-disk store is copied with ``Store.backup`` (a
   RocksDB checkpoint: hard links, milliseconds at any size) into the new build
   folder, and the asserted delta is applied there.
3. **reason** — ``fastreason.update_closure``: removals by delete-and-rederive,
   additions semi-naively; every query starts from the small graph of changes.
   Inconsistencies are checked on the nodes whose triples changed.
4. **validate** — the previous build had no violation, so only the nodes whose
   triples changed (as subject or object), and the nodes pointing at a node whose
   types changed, can have one: the compiled shapes and the violation queries run
   scoped to them (``shapes.py`` scoped queries, ``queries/checks/scoped/``).
5. **indexes** — ``names.sqlite`` rows of the subjects that changed are rewritten;
   the representation graph's links of the organisations whose records changed, and
   the chains of every organisation that reaches one of them, are rewritten.  The
   network measures (a whole-graph computation) are recomputed when the previous
   build had them.  ``reach.sqlite`` (the reach of every representative body): the link
   ends of the organisations whose links were rewritten are replaced, and every reach is
   counted again from them (a whole-graph count, in memory).  A new index plugs in as one more ``_update_*`` step given the
   :class:`Change` (the changed triples, their subjects, the touched nodes).
6. **write** — ``dataset.nq`` is the previous file without the removed quads plus
   the added ones (rewritten from the store when a changed quad holds a blank node
   of the previous build, whose labels differ between the two), and the report.

The result equals a full rebuild (tests/test_incremental.py compares every quad,
the name index, the representation graph and the validation report).  Anything
else — another ontology, shapes or code, the reference engine, a build without
``inputs.json`` — falls back to a full build, saying why.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .config import DataPaths, cache_dir
from .namespaces import GRAPH_BASE, INFERRED_GRAPH_IRI, METRICS_GRAPH_IRI, ONTOLOGY_GRAPH_IRI, graph_iri_for_file
from .build_output import _BUILD_MODULES, BUILD_FORMAT, COUNT_QUERY, DATASET_FILE, REJECTED_PREFIX, REPORT_FILE, BuildResult

__all__ = ["MANIFEST_FILE", "write_manifest", "try_update", "Change"]

MANIFEST_FILE = "inputs.json"
REPRESENTATION_GRAPH = GRAPH_BASE + "representation"
INF = INFERRED_GRAPH_IRI
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SCRATCH_PREFIX = "urn:sse-graph:incremental:"


# ------------------------------------------------------------------ the manifest
def _frame(paths: DataPaths) -> str:
    """A hash of every build input but the data files: the ontology and shapes, the
    code (as in ``build.cache_key``) and the owlrl version."""
    from .build_output import installed_version as version

    h = hashlib.sha256(f"format={BUILD_FORMAT};owlrl={version('owlrl')};".encode())
    for f in sorted(paths.ontology.glob("*.ttl")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    code = Path(__file__).resolve().parent
    for f in sorted([*(code / m for m in _BUILD_MODULES), *code.glob("queries/**/*.rq")]):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _manifest(paths: DataPaths) -> dict:
    return {"frame": _frame(paths),
            "files": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in paths.graph_files()}}


def write_manifest(folder: Path, paths: DataPaths) -> None:
    """Record what a build was made from (read by the next incremental build)."""
    (folder / MANIFEST_FILE).write_text(json.dumps(_manifest(paths), indent=1), encoding="utf-8")


# ------------------------------------------------------------------ entry point
def try_update(paths: DataPaths, *, key: str, previous, measures: bool | None, keep_rejected: bool,
               say) -> object | None:
    """The build of ``paths`` made from ``previous`` (a good fast build), or ``None``
    when it cannot be (then the caller builds in full).  Raises what a full build
    raises (a parse error, an inconsistency, :class:`ValidationFailed`)."""
    if os.environ.get("SSE_GRAPH_INCREMENTAL", "1") == "0" or previous is None:
        return None
    why = _refusal(paths, previous)
    if why:
        say(f"full build: {why}")
        return None
    old = json.loads((previous.directory / MANIFEST_FILE).read_text(encoding="utf-8"))["files"]
    new = _manifest(paths)["files"]
    changed = sorted(f for f in set(old) | set(new) if old.get(f) != new.get(f))
    say(f"incremental build from {previous.key}: {len(changed)} changed file(s)")
    return _Updater(paths, previous, key, measures, keep_rejected, say).run(changed)


def _refusal(paths: DataPaths, previous) -> str | None:
    if previous.engine != "fast":
        return "the previous build used the reference engine (incremental builds reason with the fast one)"
    if previous.rejected:
        return "the previous build had violations"
    if not (previous.directory / MANIFEST_FILE).is_file() or not (previous.directory / "store").is_dir():
        return "the previous build recorded no inputs"
    try:
        old = json.loads((previous.directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "the previous build's inputs cannot be read"
    if old.get("frame") != _frame(paths):
        return "the ontology, the shapes or the code changed"
    stems = [f.stem for f in paths.graph_files()]
    if len(stems) != len(set(stems)):
        return "two data files share a name (their triples go into one graph)"
    return None


# ------------------------------------------------------------------ diff of one graph
class _NotTree(Exception):
    pass


def _molecules(triples) -> dict | None:
    """The triples as items compared by content: a ground triple is itself; a triple
    whose object is a blank node stands with that node's whole tree, named by a
    signature of its content; a tree no ground triple points at is an item of its
    own.  ``None`` when the blank nodes are not trees (shared or cyclic)."""
    out = defaultdict(list)
    pointed: dict = defaultdict(int)
    ground = []
    for t in triples:
        if isinstance(t[0], ox.BlankNode):
            out[t[0]].append(t)
        else:
            ground.append(t)
        if isinstance(t[2], ox.BlankNode):
            pointed[t[2]] += 1
    if any(n > 1 for n in pointed.values()):
        return None
    sig: dict = {}
    members: dict = {}

    def sign(b, path: set) -> str:
        if b in sig:
            return sig[b]
        if b in path:
            raise _NotTree
        path.add(b)
        parts, tris = [], []
        for t in out.get(b, ()):
            if isinstance(t[2], ox.BlankNode):
                parts.append(f"{t[1]} {sign(t[2], path)}")
                tris += [t, *members[t[2]]]
            else:
                parts.append(f"{t[1]} {t[2]}")
                tris.append(t)
        path.discard(b)
        sig[b] = "_:" + hashlib.sha1("\n".join(sorted(parts)).encode()).hexdigest()
        members[b] = tris
        return sig[b]

    items = defaultdict(list)
    try:
        for t in ground:
            if isinstance(t[2], ox.BlankNode):
                items[f"{t[0]} {t[1]} {sign(t[2], set())}"].append([t, *members[t[2]]])
            else:
                items[f"{t[0]} {t[1]} {t[2]}"].append([t])
        for b in list(out):
            if not pointed.get(b):
                items[sign(b, set())].append(members[b])
    except (_NotTree, RecursionError):
        return None
    if len(sig) < len(out):  # a cycle of blank nodes nothing points at
        return None
    return items


def diff_graph(old: list, new: list) -> tuple[list, list]:
    """``(removed, added)`` triples turning ``old`` into ``new`` (equal up to blank
    node names when nothing changed)."""
    a, b = _molecules(old), _molecules(new)
    if a is None or b is None:
        return list(old), list(new)
    removed, added = [], []
    for k in set(a) | set(b):
        n = len(b.get(k, ())) - len(a.get(k, ()))
        if n < 0:
            removed += [t for group in a[k][:-n] for t in group]
        elif n > 0:
            added += [t for group in b[k][:n] for t in group]
    return removed, added


def _parse(path: Path) -> list:
    from .load import _parse_error

    try:
        return list(dict.fromkeys((t.subject, t.predicate, t.object)
                                  for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    except (SyntaxError, OSError, ValueError) as e:
        raise _parse_error(path, e) from None


# ------------------------------------------------------------------ the update
@dataclass
class Change:
    """What changed, at the level of the union of the graphs (asserted or inferred)."""

    added: set = field(default_factory=set)  # (s, p, o) now in the union
    removed: set = field(default_factory=set)  # no longer
    quads_added: list = field(default_factory=list)  # every quad added to a graph (for the N-Quads)
    quads_removed: list = field(default_factory=list)

    @property
    def subjects(self) -> set:
        return {t[0] for t in self.added | self.removed}

    @property
    def typed(self) -> set:
        """Nodes whose types changed."""
        return {t[0] for t in self.added | self.removed if t[1] == RDF_TYPE}

    @property
    def nodes(self) -> set:
        return self.subjects | {t[2] for t in self.added | self.removed if not isinstance(t[2], ox.Literal)}


class _Updater:
    def __init__(self, paths: DataPaths, previous, key: str, measures, keep_rejected: bool, say):
        self.paths, self.previous, self.key, self.say = paths, previous, key, say
        self.measures = previous.measures if measures is None else measures
        self.keep_rejected = keep_rejected
        self.timings: dict[str, float] = {}
        self.change = Change()
        self.minted: set = set()  # blank nodes of the newly parsed triples
        self.graph_counts = dict(previous.graphs)
        self.metrics_nquads: bytes | None = None  # the recomputed measures, as written
        self.relinked: tuple[set, list] = (set(), [])  # organisations whose links were rewritten, their new link ends

    def _clock(self, name: str, t: float) -> None:
        self.timings[name] = round(time.perf_counter() - t, 4)

    # -------------------------------------------------------------- run
    def run(self, changed: list[str]):
        from .errors import InconsistencyError, ValidationFailed

        t0 = time.perf_counter()
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
        try:
            t = time.perf_counter()
            self.say("cloning the previous store")
            ox.Store.read_only(str(self.previous.directory / "store")).backup(str(tmp / "store"))
            self.store = ox.Store(str(tmp / "store"))
            self._clock("clone", t)
            rules, checks = self._compile()
            t = time.perf_counter()
            self.say("applying the changed files")
            gone, fresh = self._apply_files(changed)
            self._clock("diff", t)
            t = time.perf_counter()
            self.say("reasoning from the change (delete and re-derive, semi-naive additions)")
            from .fastreason import inconsistencies, update_closure

            delta = update_closure(self.store, rules, graphs=self.asserted, inferred=INF, gone=gone, fresh=fresh)
            self._record_inferred(delta, gone, fresh)
            self._mark(self.change.subjects | self.change.typed)
            errors = inconsistencies(self.store, rules, graphs=self.asserted + [INF])
            if errors:
                raise InconsistencyError(errors)
            self._clock("reason", t)
            t = time.perf_counter()
            self.say("validating the changed nodes")
            report = self._validate(checks)
            self._clock("validate", t)
            t = time.perf_counter()
            self.say("updating the representation graph")
            self._update_representation()
            self._clock("representation", t)
            if self.measures:
                t = time.perf_counter()
                self.say("computing the network measures")
                self._update_measures()
                self._clock("measures", t)
            t = time.perf_counter()
            self.say("updating the name index")
            self._update_names(tmp)
            self._clock("names", t)
            t = time.perf_counter()
            self.say("counting the reach of every representative body")
            self._update_reach(tmp)
            self._clock("reach", t)
            self.store.remove_graph(ox.NamedNode(_FOCUS()))  # the scoped queries' marks: not data
            self.store.flush()
            t = time.perf_counter()
            self.say("writing the N-Quads")
            self._write_nquads(tmp)
            self._clock("write", t)
            counts = self._counts()
            del self.store
            graphs = {g: n for g, n in self.graph_counts.items() if n or g == INF}
            asserted = sum(n for g, n in graphs.items() if g not in (INF, METRICS_GRAPH_IRI, REPRESENTATION_GRAPH))
            self.timings["total"] = round(time.perf_counter() - t0, 4)
            result = BuildResult(directory=folder / self.key, key=self.key, asserted_triples=asserted,
                                 inferred_triples=graphs.get(INF, 0), counts=counts, graphs=graphs,
                                 timings=self.timings, validation=report.as_dict(), engine="fast",
                                 measures=self.measures, peak_mb={}, root=str(self.paths.root))
            write_manifest(tmp, self.paths)
            doc = result.as_dict()
            doc["incremental"] = {"from": self.previous.key, "files": changed,
                                  "added": len(self.change.added), "removed": len(self.change.removed)}
            (tmp / REPORT_FILE).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
            if not report.conforms:
                if not self.keep_rejected:
                    raise ValidationFailed(report)
                result.directory = folder / (REJECTED_PREFIX + self.key)
            _publish(tmp, result.directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not report.conforms:
            raise ValidationFailed(report, result)
        return result

    # -------------------------------------------------------------- steps
    def _compile(self):
        from rdflib import Graph

        from .fastreason import audit_ontology, compile_rules
        from .load import parse_file
        from .shapes import compile_shapes

        tbox = Graph()
        for f in self.paths.ontology_files():
            triples = parse_file(f)
            audit_ontology(triples, str(f))
            for tr in triples:
                tbox.add(tr)
        self.tbox_terms = set(tbox.subjects())
        return compile_rules(tbox), compile_shapes(Graph().parse(self.paths.shapes, format="turtle"))

    @property
    def asserted(self) -> list[str]:
        return [ONTOLOGY_GRAPH_IRI] + sorted(graph_iri_for_file(f.stem) for f in self.paths.graph_files())

    def _in_union(self, t) -> bool:
        graphs = set(self.asserted) | {INF}
        return any(q.graph_name.value in graphs for q in self.store.quads_for_pattern(t[0], t[1], t[2], None)
                   if isinstance(q.graph_name, ox.NamedNode))

    def _apply_files(self, changed: list[str]) -> tuple[set, set]:
        """Put each changed file's triples into its graph; returns the triples gone from
        the union of the asserted graphs and those new to the union."""
        from .fastreason import audit_data
        from .load import to_rdflib

        removed_all, added_all = [], []
        for name in changed:
            path = self.paths.graph / name
            g = ox.NamedNode(graph_iri_for_file(Path(name).stem))
            old = [(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None, g)]
            new = _parse(path) if path.is_file() else []
            if new:
                audit_data([tuple(map(to_rdflib, t)) for t in new if _audited(t)], str(path), self.tbox_terms)
            removed, added = diff_graph(old, new)
            self.minted |= {x for t in new for x in (t[0], t[2]) if isinstance(x, ox.BlankNode)}
            removed_all += [(t, g) for t in removed]
            added_all += [(t, g) for t in added]
            self.graph_counts[g.value] = self.graph_counts.get(g.value, 0) + len(added) - len(removed)
        fresh = {t for t, _g in added_all if not self._in_union(t)}
        for t, g in removed_all:
            self.store.remove(ox.Quad(*t, g))
        self.store.extend([ox.Quad(*t, g) for t, g in added_all])
        self.change.quads_removed += [ox.Quad(*t, g) for t, g in removed_all]
        self.change.quads_added += [ox.Quad(*t, g) for t, g in added_all]
        gone = {t for t, _g in removed_all if not self._in_union(t)}
        # a triple now asserted is no longer written as inferred
        inf = ox.NamedNode(INF)
        moved = [ox.Quad(*t, inf) for t, _g in added_all if ox.Quad(*t, inf) in self.store]
        for q in moved:
            self.store.remove(q)
        self.change.quads_removed += moved
        self.graph_counts[INF] = self.graph_counts.get(INF, 0) - len(moved)
        return gone, fresh

    def _record_inferred(self, delta, gone: set, fresh: set) -> None:
        inf = ox.NamedNode(INF)
        self.change.added |= fresh | delta.added
        self.change.removed |= gone | delta.removed
        self.change.quads_added += [ox.Quad(*t, inf) for t in delta.added]
        self.change.quads_removed += [ox.Quad(*t, inf) for t in delta.removed]
        self.graph_counts[INF] = self.graph_counts.get(INF, 0) + len(delta.added) - len(delta.removed)

    def _mark(self, nodes) -> None:
        """Write ``nodes`` into the focus graph (scoped queries start from it)."""
        from .shapes import FOCUS_MARK

        g = ox.NamedNode(_FOCUS())
        self.store.remove_graph(g)
        mark = ox.NamedNode(FOCUS_MARK)
        self.store.extend([ox.Quad(n, mark, n, g) for n in nodes if not isinstance(n, ox.Literal)])

    def _query(self, text: str):
        return self.store.query(text, default_graph=[ox.NamedNode(g) for g in self.asserted + [INF]],
                                named_graphs=[ox.NamedNode(_FOCUS()), ox.NamedNode(REPRESENTATION_GRAPH)])

    def _validate(self, checks):
        from .queries import QUERY_DIR
        from .shapes import focus_pattern, run_shapes
        from .validate import ValidationReport, Violation, violation_queries

        touched = self.change.nodes
        self._mark(self.change.typed)
        pointing = {r["s"] for r in self._query(f"SELECT DISTINCT ?s WHERE {{ {focus_pattern('v')} ?s ?p ?v }}")}
        self._mark(touched | pointing)
        graphs = self.asserted + [INF]
        violations = [Violation(rule=c.rule, focus=focus, path=c.path, message=c.message("en"))
                      for c, focus in run_shapes(self.store, checks, graphs=graphs, scoped=True)]
        for name, query in violation_queries():
            scoped = (QUERY_DIR / "checks" / "scoped" / f"{name}.rq").read_text(encoding="utf-8")
            for sol in self._query(scoped):
                focus = sol[0].value if sol[0] is not None else ""
                violations.append(Violation(rule=name, focus=focus, path="", message=query.question))
        return ValidationReport(sorted(set(violations), key=lambda v: (v.rule, v.focus, v.path)))

    # -------------------------------------------------------------- indexes
    def _per_node(self, text: str, var: str, nodes, *, graphs=None) -> list[dict]:
        """Run ``text`` once per node (an IRI), ``?var`` written as that IRI in the body:
        a constant the query planner starts from, whatever the shape of the query."""
        import re

        from .store import term_value

        i = text.index("WHERE {") + len("WHERE {")
        j = text.rindex("}")
        out = []
        for node in sorted(n.value if isinstance(n, ox.NamedNode) else n for n in nodes
                           if isinstance(n, (ox.NamedNode, str))):
            body = re.sub(rf"\?{var}\b", f"<{node}>", text[i:j])
            query = text[:i] + body + f" BIND(<{node}> AS ?{var}) " + text[j:]
            res = self.store.query(query, default_graph=[ox.NamedNode(g) for g in (graphs or self.asserted + [INF])])
            names = [v.value for v in res.variables]
            out += [{v: term_value(sol[v]) for v in names} for sol in res]
        return out

    def _links(self, var: str, nodes) -> list[dict]:
        """Rows of ``representation_links.rq`` whose ``?var`` (record, from or to) is one of ``nodes``."""
        from .queries import load_query

        return self._per_node(load_query("representation_links").text, var, nodes)

    def _records_citing(self, sources) -> set:
        rows = self._per_node("SELECT ?r ?s WHERE { ?r <http://purl.org/dc/terms/source> ?s }", "s", sources)
        return {ox.NamedNode(r["r"]) for r in rows if r["r"].startswith(("http://", "https://"))}

    def _rep_nodes(self, pattern: str, var: str, nodes) -> set[str]:
        """The ``?f`` of ``pattern`` in the representation graph, per node of ``nodes``."""
        return {r["f"] for r in self._per_node(f"SELECT ?f WHERE {{ {pattern} }}", var, nodes,
                                               graphs=[REPRESENTATION_GRAPH])}

    def _update_representation(self) -> None:
        """Rewrite the links of the organisations whose records changed and the chains
        of every organisation that reaches one of them."""
        from .chains import links_from_rows
        from .representation import SSE, representation_lines

        subjects = {n for n in self.change.subjects if isinstance(n, ox.NamedNode)}
        typed = {n for n in self.change.typed if isinstance(n, ox.NamedNode)}
        # the organisations whose own links changed: new rows, and old link nodes
        records = subjects | self._records_citing(subjects)  # a record, or the source it cites, changed
        changed = {r["from"] for var, nodes in (("record", records), ("to", typed)) for r in self._links(var, nodes)}
        via = f"?l <{SSE}linkFrom> ?f"
        changed |= self._rep_nodes(f"?l <{SSE}viaRecord> ?x . {via}", "x", subjects)
        changed |= self._rep_nodes(f"?l <http://purl.org/dc/terms/source> ?x . {via}", "x", subjects)
        changed |= self._rep_nodes(f"?l <{SSE}linkTo> ?x . {via}", "x", typed)
        if not changed:
            return
        # the new links of the changed organisations, then everyone who reaches them
        new_rows = self._links("from", {ox.NamedNode(f) for f in changed})
        self.relinked = (changed, [(r["from"], r["to"], r["kind"]) for r in new_rows])  # for reach.sqlite
        up, _ = links_from_rows(new_rows)
        origins, frontier = set(changed), set(changed)
        while frontier:
            below = self._rep_nodes(f"?l <{SSE}linkTo> ?x ; <{SSE}linkFrom> ?f", "x", frontier)
            below = {f for f in below if f not in changed}  # a changed organisation's old links are gone
            frontier = below - origins
            origins |= frontier
        # every link reachable from the origins (the chains walk them)
        rows, fetched = list(new_rows), set(changed)
        frontier = ((origins - changed) | {r["to"] for r in new_rows}) - fetched
        while frontier:
            got = self._links("from", {ox.NamedNode(x) for x in frontier})
            rows += got
            fetched |= frontier
            frontier = {r["to"] for r in got} - fetched
        up, _ = links_from_rows(rows)
        # old nodes out, new nodes in
        links = {ox.NamedNode(r["l"]) for r in self._per_node(
            f"SELECT ?l WHERE {{ ?l a <{SSE}RepresentationLink> ; <{SSE}linkFrom> ?f }}", "f", changed,
            graphs=[REPRESENTATION_GRAPH])}
        chains = {ox.NamedNode(r["l"]) for r in self._per_node(
            f"SELECT ?l WHERE {{ ?l a <{SSE}RepresentationChain> ; <{SSE}linkFrom> ?f }}", "f", origins,
            graphs=[REPRESENTATION_GRAPH])}
        rep = ox.NamedNode(REPRESENTATION_GRAPH)
        old = [q for node in links | chains for q in self.store.quads_for_pattern(node, None, None, rep)]
        new = list(ox.parse(representation_lines(up, changed, origins), format=ox.RdfFormat.N_QUADS))
        old_set, new_set = set(old), set(new)
        gone = [q for q in old if q not in new_set]
        came = [q for q in new if q not in old_set]
        for q in gone:
            self.store.remove(q)
        self.store.extend(came)
        self.change.quads_removed += gone
        self.change.quads_added += came
        self.graph_counts[REPRESENTATION_GRAPH] = self.graph_counts.get(REPRESENTATION_GRAPH, 0) + len(came) - len(gone)

    def _update_measures(self) -> None:
        """The network measures are a whole-graph computation: recomputed."""
        from .analysis import metrics_ntriples
        from .store import Store

        view = Store.of(self.store, self.asserted + [INF])
        view._union_is_default = False
        view.raw_query = _with_graphs(view.raw_query, self.asserted + [INF])
        metrics = metrics_ntriples(view)
        self.metrics_nquads = b"".join(line[:-1].rstrip() + f" <{METRICS_GRAPH_IRI}> .\n".encode()
                                       for line in metrics.splitlines() if line.strip())
        g = ox.NamedNode(METRICS_GRAPH_IRI)
        old = list(self.store.quads_for_pattern(None, None, None, g))
        new = [ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(metrics, format=ox.RdfFormat.N_TRIPLES)]
        old_set, new_set = set(old), set(new)
        gone, came = [q for q in old if q not in new_set], [q for q in new if q not in old_set]
        for q in gone:
            self.store.remove(q)
        self.store.extend(came)
        self.graph_counts[METRICS_GRAPH_IRI] = metrics.count(b"\n")

    def _update_names(self, tmp: Path) -> None:
        """Rewrite the rows of ``names.sqlite`` of every subject whose triples changed."""
        from .name_index import NAMES_FILE
        from .shapes import focus_pattern

        shutil.copyfile(self.previous.directory / NAMES_FILE, tmp / NAMES_FILE)
        iris = sorted({n.value for n in self.change.subjects if isinstance(n, ox.NamedNode)})
        if not iris:
            return
        self._mark({ox.NamedNode(i) for i in iris})

        F = focus_pattern("x")
        skos, rdfs = "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/2000/01/rdf-schema#"
        sse = "https://w3id.org/sse-graph/ontology#"
        # the queries of name_index (all_labels.rq, labels.rq, collectives.rq) on the focus nodes,
        # the focus in each branch of a union (a union is evaluated apart, then joined)
        pref: dict[str, dict[str, str]] = {}
        for r in self._query(f"SELECT ?x ?label WHERE {{ {{ {F} ?x <{skos}prefLabel> ?label }} UNION "
                             f"{{ {F} ?x <{rdfs}label> ?label FILTER NOT EXISTS {{ ?x <{skos}prefLabel> ?any }} }} }}"):
            pref.setdefault(r["x"].value, {}).setdefault(r["label"].language or "", r["label"].value)
        orgs: set[str] = set()
        alt: dict[str, list[str]] = {}
        for r in self._query(f"SELECT (?x AS ?org) ?label ?kind WHERE {{ "
                             f"{{ {F} ?x a <{sse}Organisation> ; <{skos}prefLabel> ?label BIND(\"pref\" AS ?kind) }} UNION "
                             f"{{ {F} ?x a <{sse}Organisation> ; <{skos}altLabel> ?label BIND(\"alt\" AS ?kind) }} }}"):
            orgs.add(r["org"].value)
            if r["kind"].value == "alt":
                alt.setdefault(r["org"].value, [])
                if r["label"].value not in alt[r["org"].value]:
                    alt[r["org"].value].append(r["label"].value)
        collectives = {r["x"].value for r in self._query(f"SELECT ?x WHERE {{ {F} ?x a <{sse}UnidentifiedGroup> }}")}
        from .names import normalise

        db = sqlite3.connect(tmp / NAMES_FILE)
        try:
            for i in range(0, len(iris), 500):
                chunk = iris[i:i + 500]
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM label WHERE iri IN ({marks})", chunk)
                db.execute(f"DELETE FROM name WHERE org IN ({marks})", chunk)
                db.execute(f"DELETE FROM collective WHERE iri IN ({marks})", chunk)
            db.executemany("INSERT INTO label VALUES (?, ?, ?)",
                           ((iri, lang, v) for iri in sorted(pref) for lang, v in pref[iri].items()))
            db.executemany("INSERT INTO name VALUES (?, ?, ?, ?)",
                           ((org, kind, v, normalise(v)) for org in sorted(orgs)
                            for kind, values in (("pref", pref.get(org, {}).values()), ("alt", alt.get(org, [])))
                            for v in values))
            db.executemany("INSERT INTO collective VALUES (?)", ((c,) for c in sorted(collectives)))
            db.commit()
        finally:
            db.close()

    def _update_reach(self, tmp: Path) -> None:
        """``reach.sqlite`` as the full build writes it: the previous one's link ends, those of
        the organisations whose links were rewritten replaced, and every reach counted again
        (a change below the world network changes its reach, and whether a body stands above
        a seat holder — which way it is counted — depends on links anywhere above)."""
        from .reach_index import REACH_FILE, reach_from_store, store_link_ends, update_reach, write_reach
        from .store import Store

        rep = [REPRESENTATION_GRAPH] if self.graph_counts.get(REPRESENTATION_GRAPH) else []
        view = Store.of(self.store, self.asserted + [INF] + rep)
        view._union_is_default = False
        view.raw_query = _with_graphs(view.raw_query, self.asserted + [INF])
        previous = self.previous.directory / REACH_FILE
        if previous.is_file():  # its link ends, those of the organisations relinked replaced
            shutil.copyfile(previous, tmp / REACH_FILE)
            changed, new_ends = self.relinked
            update_reach(view, tmp / REACH_FILE, changed, new_ends)
        else:  # a build from before the table: read every link from the store
            write_reach(reach_from_store(view), tmp / REACH_FILE, store_link_ends(view) or [])

    # -------------------------------------------------------------- output
    def _write_nquads(self, tmp: Path) -> None:
        """The previous N-Quads without the removed quads, plus the added ones; from the
        store when a changed quad holds a blank node of the previous build (the two
        name blank nodes differently)."""

        if not (self.previous.directory / DATASET_FILE).is_file():
            return  # a fast build keeps no N-Quads: `export` writes them from the store on need
        target = tmp / DATASET_FILE
        removed = self.change.quads_removed
        added = [q for q in self.change.quads_added if q not in set(removed)] if removed else self.change.quads_added
        removed = [q for q in removed if q not in set(self.change.quads_added)]
        old_blank = any(isinstance(x, ox.BlankNode) for q in removed for x in (q.subject, q.object)) or \
            any(isinstance(x, ox.BlankNode) and x not in self.minted for q in added for x in (q.subject, q.object))
        if old_blank:
            with open(target, "wb") as fh:
                for g in self.asserted + [INF, REPRESENTATION_GRAPH]:
                    fh.write(_dump_graph(self.store, g))
                fh.write(self.metrics_nquads or b"")
            return
        lines = {ox.serialize([q], format=ox.RdfFormat.N_QUADS) for q in removed}
        metrics = self.metrics_nquads
        src = self.previous.directory / DATASET_FILE
        if lines or metrics is not None:
            # the measures are written as computed (the store normalises some numbers): replaced whole
            tail = f" <{METRICS_GRAPH_IRI}> .\n".encode()
            with open(src, "rb") as fin, open(target, "wb") as fout:
                for line in fin:
                    if line not in lines and not (metrics is not None and line.endswith(tail)):
                        fout.write(line)
        else:
            shutil.copyfile(src, target)
        with open(target, "ab") as fh:
            fh.write(ox.serialize(added, format=ox.RdfFormat.N_QUADS))
            fh.write(metrics or b"")

    def _counts(self) -> dict[str, int]:
        """The counts per kind of the previous report, moved by the type triples that
        came or went (one class per label: else counted again in full)."""

        labels: dict[str, set] = defaultdict(set)
        for r in self._query("PREFIX sse: <https://w3id.org/sse-graph/ontology#> "
                             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?kind ?label WHERE { "
                             "?kind a sse:Kind . ?kind skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?l . "
                             "FILTER(lang(?l) = \"en\") BIND(STR(?l) AS ?label) }"):
            labels[r["label"].value].add(r["kind"].value)
        i = COUNT_QUERY.index("VALUES (?cls ?label) {") + len("VALUES (?cls ?label) {")
        block = COUNT_QUERY[i:COUNT_QUERY.index("}", i)]
        import re

        for prefix, local, label in re.findall(r'\((\w+):(\w+) "([^"]+)"\)', block):
            ns = {"sse": "https://w3id.org/sse-graph/ontology#", "org": "http://www.w3.org/ns/org#"}[prefix]
            labels[label].add(ns + local)
        if any(len(c) > 1 for c in labels.values()) or len({c for cs in labels.values() for c in cs}) < len(labels):
            return {str(r["label"].value): int(r["n"].value) for r in self._query(COUNT_QUERY)}
        label_of = {next(iter(cs)): lab for lab, cs in labels.items()}
        counts = dict(self.previous.counts)
        for sign, triples in ((1, self.change.added), (-1, self.change.removed)):
            for s, p, o in triples:
                if p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in label_of:
                    counts[label_of[o.value]] = counts.get(label_of[o.value], 0) + sign
        return {k: v for k, v in sorted(counts.items()) if v > 0}


def _audited(t) -> bool:
    """The triples the fast engine's audit of a data file must see."""
    p, o = t[1].value, t[2]
    vocab = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")
    return p.startswith(vocab) or (t[1] == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(vocab))


def _dump_graph(store: ox.Store, graph: str) -> bytes:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return data.replace(b" .\n", f" <{graph}> .\n".encode())


def _with_graphs(raw_query, graphs: list[str]):
    def query(text, *, default_graphs=None, **kwargs):
        return raw_query(text, default_graphs=graphs if default_graphs is None else default_graphs, **kwargs)
    return query


def _FOCUS() -> str:
    from .shapes import FOCUS_GRAPH

    return FOCUS_GRAPH


def _publish(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError:  # another process published the same key first
        shutil.rmtree(tmp, ignore_errors=True)
