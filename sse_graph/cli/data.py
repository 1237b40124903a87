"""The data commands: build, validate, export, push, cache."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import ValidationFailed
from .context import EXIT_FAILED_CHECK, DataOpt, _build, _print_violations, app, err, out


@app.command()
def build(
    data: Optional[Path] = DataOpt,
    force: bool = typer.Option(False, "--force", help="Rebuild even if a cached build exists."),
    as_json: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
    engine: Optional[str] = typer.Option(None, "--engine", help="owlrl (the reference, default) or fast (pyoxigraph rules); "
                                                                "default from $SSE_GRAPH_ENGINE."),
    measures: Optional[bool] = typer.Option(None, "--measures/--no-measures",
                                            help="Write the network measures into the metrics graph (default: "
                                                 "with --engine owlrl up to 250,000 asserted triples; "
                                                 "with --engine fast, no: `analyse` computes them)."),
):
    """Load, reason (OWL 2 RL) and validate (SHACL) the dataset; cache the result."""
    try:
        # `build` itself builds what it is asked, the reference by default; the other
        # commands reuse whatever build of the same inputs is cached
        result = _build(data, force=force, engine=engine or os.environ.get("SSE_GRAPH_ENGINE") or "owlrl",
                        measures=measures)
    except ValidationFailed as e:
        raise typer.Exit(build_failed(e, data))
    if as_json:
        out.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title="sse-graph build", show_lines=False)
    table.add_column("kind or record")
    table.add_column("count", justify="right")
    for label, n in sorted(result.counts.items()):
        table.add_row(label, str(n))
    out.print(table)
    state = "cached" if result.cached else "built"
    out.print(
        f"asserted triples: {result.asserted_triples}   inferred triples: {result.inferred_triples}   "
        f"violations: {len(result.validation.get('violations', []))}"
    )
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    out.print(f"{state} ({timings}) in {result.directory}")
    if result.peak_mb:
        out.print("peak memory after each step: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in result.peak_mb.items()))
    if not result.measures:
        out.print("network measures not written: `sse-graph analyse` computes them, "
                  "`sse-graph build --measures` writes them")


def build_failed(e: ValidationFailed, data) -> int:
    """Print the violations that failed a build and which build still answers; the exit
    code (also ``python -m sse_graph build``'s quick start, ``sse_graph.__main__``)."""
    from ..build import last_good_build

    _print_violations(e.report, data=data)
    last = last_good_build(data)
    kept = (f"the last good build ({last.directory.name}) is kept and still answers" if last else
            "there is no good build yet; the other commands answer from this one, with a warning")
    err.print(f"build failed: {e.report.violation_count} violation(s); {kept}", highlight=False, markup=False)
    return EXIT_FAILED_CHECK


@app.command()
def validate(
    data: Optional[Path] = DataOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the validation report as JSON."),
):
    """Validate the dataset against the SHACL shapes and the violation queries."""
    try:
        result = _build(data)
        report = result.validation
    except ValidationFailed as e:
        if as_json:
            from ..config import data_paths
            from ..locate import where

            report = e.report.as_dict()
            for v in report["violations"]:  # where the node is described, file:line
                v["where"] = where(v["focus"], data_paths(data))
            out.print_json(json.dumps(report, ensure_ascii=False))
        else:
            _print_violations(e.report, data=data)
        raise typer.Exit(EXIT_FAILED_CHECK)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        out.print("conforms: no violation of the shapes or of the violation queries")


@app.command()
def export(
    fmt: str = typer.Option("turtle", "--format", "-f", help="turtle, trig, nquads or jsonld."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file (atomically) instead of stdout."),
    asserted: bool = typer.Option(False, "--asserted", help="Leave out the inferred triples."),
    data: Optional[Path] = DataOpt,
):
    """Export the dataset (Turtle and JSON-LD merge the graphs; TriG and N-Quads keep them)."""
    from ..export import export as do_export

    result = _build(data)
    payload = do_export(result.dataset_path, fmt, asserted=asserted)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        from ..fileio import write_atomic

        write_atomic(output, payload)
        err.print(f"wrote {output} ({len(payload)} bytes)")


@app.command()
def push(
    store_url: str = typer.Option(..., "--store", help="Base URL of a SPARQL 1.1 store, e.g. http://127.0.0.1:7878 (Oxigraph)."),
    gsp_path: str = typer.Option("/store", "--gsp-path", help="Path of its Graph Store Protocol service."),
    data: Optional[Path] = DataOpt,
):
    """Push the built dataset to an external SPARQL store, one named graph at a time (Graph Store Protocol PUT)."""
    from ..remote import push as do_push

    sent = do_push(_build(data).nquads(), store_url, gsp_path=gsp_path)
    out.print(f"pushed {sum(sent.values())} triples in {len(sent)} named graphs to {store_url}")


@app.command()
def cache(
    prune_: bool = typer.Option(False, "--prune", help="Remove the builds of earlier inputs (and interrupted builds)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    data: Optional[Path] = DataOpt,
):
    """List the cached builds (size, engine, whether of the current inputs); --prune removes the others."""
    from ..cache import cached_builds, prune
    from ..config import cache_dir

    if prune_:
        removed = prune(data)
        err.print(f"removed {len(removed)} cached build(s)")
    builds = cached_builds(data)
    if as_json:
        out.print_json(json.dumps([b.as_dict() for b in builds], ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"sse-graph cache ({cache_dir()})")
    for col in ("build", "engine", "asserted", "inferred", "MB", "modified", "current"):
        table.add_column(col, justify="right" if col in ("asserted", "inferred", "MB") else "left")
    for b in builds:
        d = b.as_dict()
        table.add_row(b.key, b.engine, f"{b.asserted_triples:,}", f"{b.inferred_triples:,}", f"{b.bytes / 1e6:,.1f}",
                      d["modified"], "yes" if b.current else "")
    out.print(table)
