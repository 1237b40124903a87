"""The evidence commands: every fact anchored to its passage (``evidence verify``),
and the share of each document's statements the graph models (``evidence coverage``).
Both read graph/ and the source texts; neither writes anything."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .context import EXIT_FAILED_CHECK, DataOpt, _emit_json, _table, app, err, out

evidence_app = typer.Typer(help="Check that every fact points to the words of its document.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")

DirArg = typer.Argument(None, help="Folder of the source texts (default: ../shared/seeds next to the data root).")
SHOWN = 50  # problems listed before "… and N more"


@evidence_app.command("verify")
def verify(
    texts: Optional[Path] = DirArg,
    as_json: bool = typer.Option(False, "--json", help="Print the report as a JSON object (sources, unanchored, "
                                                       "moved, not_found, problems)."),
    data: Optional[Path] = DataOpt,
):
    """Re-find every quote in the source texts; exit 1 if a fact has no anchor or a quote is not found."""
    from ..evidence import verify as run

    report = run(data, texts)
    if as_json:
        _emit_json(report.as_dict())
    else:
        _print_verify(report)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED_CHECK)


def _print_verify(report) -> None:
    t = _table(f"Evidence in {report.texts_dir}", "source", "graph file", "facts", "anchored", "exact", "moved",
               "not found", "curator notes")
    for s in report.sources:
        t.add_row(escape(s.source), escape(s.graph_file), str(s.facts), str(s.anchored), str(s.exact), str(s.moved),
                  str(s.not_found), str(s.curator_notes))
    out.print(t)
    for q in report.moved:
        a = q.anchor
        out.print(f"moved: {a.iri} ({a.file}:{a.line}) {a.start}-{a.end} -> {q.new_start}-{q.new_end}: {a.exact!r}",
                  markup=False, highlight=False)
    _list("not found", [f"{q.anchor.iri} ({q.anchor.file}:{q.anchor.line}): {q.anchor.exact!r}" for q in report.not_found])
    _list("no anchor", [f"{f.where}: {f.kind} {f.text}" for f in report.unanchored])
    _list("problem", report.problems)
    if report.ok:
        out.print("every fact is anchored and every quote is found", highlight=False)
    else:
        err.print(f"evidence check failed: {len(report.unanchored)} fact(s) without an anchor, "
                  f"{len(report.not_found)} quote(s) not found, {len(report.problems)} other problem(s)",
                  markup=False, highlight=False)


def _list(label: str, lines: list[str]) -> None:
    for line in lines[:SHOWN]:
        err.print(f"{label}: {line}", markup=False, highlight=False)
    if len(lines) > SHOWN:
        err.print(f"{label}: … and {len(lines) - SHOWN} more (--json lists them all)", markup=False, highlight=False)


@evidence_app.command("coverage")
def coverage(
    texts: Optional[Path] = DirArg,
    as_json: bool = typer.Option(False, "--json", help="Print the report as a JSON object (documents, broken, missing)."),
    data: Optional[Path] = DataOpt,
):
    """Modelled and not-modelled passages per document (graph/coverage/*.tsv); exit 1 below 95 % or on a broken row."""
    from ..evidence import COVERAGE_TARGET, coverage as run

    report = run(data, texts)
    if as_json:
        _emit_json(report.as_dict())
    else:
        t = _table("Coverage of the documents", "source", "coverage list", "modelled", "not modelled", "broken", "share")
        for d in report.documents:
            share = f"{d.share:.1%}"
            t.add_row(escape(d.source), escape(d.file), str(d.modelled), str(d.not_modelled), str(d.broken),
                      share if d.share >= COVERAGE_TARGET else f"[red]{share}[/red]")
        out.print(t)
        _list("broken row", [f"{r.file}:{r.row}: " + "; ".join(r.problems) for r in report.broken])
        _list("no coverage list", report.missing)
        if report.ok:
            out.print(f"every document reaches {COVERAGE_TARGET:.0%}", highlight=False)
        else:
            low = [d.source for d in report.documents if d.share < COVERAGE_TARGET]
            err.print(f"coverage check failed: {len(low)} document(s) below {COVERAGE_TARGET:.0%}, "
                      f"{len(report.broken)} broken row(s), {len(report.missing)} document(s) without a list",
                      markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED_CHECK)
