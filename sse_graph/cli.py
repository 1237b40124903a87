"""The ``sse-graph`` command: a thin layer over the library.

Exit codes: 0 ok; 1 violations, inconsistency, or nothing found; 2 bad input or usage.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

try:  # typer 0.2x vendors click as typer._click; older ones use click itself
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions
from rich.console import Console

from .errors import AmbiguousNameError, NotFoundError, SSEGraphError, ValidationFailed

app = typer.Typer(
    name="sse-graph",
    help="A sourced knowledge graph of the Social and Solidarity Economy: who federates whom, "
    "who sits where, who speaks for whom.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

DataOpt = typer.Option(None, "--data", help="Folder holding ontology/ and graph/ (default: the shipped dataset).")


def _progress():
    """A progress bar on stderr for the long steps (only on a terminal):
    ``(progress, say)`` where ``say(message)`` starts the next step."""
    if not err.is_terminal:
        return None, None
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(),
                        console=err, transient=True)
    task = progress.add_task("starting", total=None)
    progress.start()
    return progress, (lambda msg: progress.update(task, description=msg, advance=1))


def _build(data, force=False, engine=None, measures=None):
    from .build import build

    progress, say = _progress()
    try:
        return build(data, force=force, progress=say, engine=engine, measures=measures)
    finally:
        if progress:
            progress.stop()


def _store(data, store_url: str | None = None, *, memory: bool = False):
    """The built dataset in pyoxigraph (its on-disk store, or in memory for
    whole-graph work), or the external store at ``--store`` / ``$SSE_GRAPH_STORE``
    (which ``sse-graph push`` filled)."""
    import os

    url = store_url or os.environ.get("SSE_GRAPH_STORE")
    if url:
        from .remote import RemoteStore

        return RemoteStore(url, query_path=os.environ.get("SSE_GRAPH_QUERY_PATH", "/query"))
    from .store import Store

    return Store(_build(data).dataset_path, memory=memory)


def _print_violations(report, limit: int = 50) -> None:
    for v in report.violations[:limit]:
        err.print(f"[red]{v.rule}[/red] {v.focus} {v.path}: {v.message}", highlight=False, markup=True)
    if report.violation_count > limit:
        err.print(f"... and {report.violation_count - limit} more")


# --------------------------------------------------------------------------------------
# build, validate, query, export
# --------------------------------------------------------------------------------------
@app.command()
def build(
    data: Optional[Path] = DataOpt,
    force: bool = typer.Option(False, "--force", help="Rebuild even if a cached build exists."),
    as_json: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
    engine: Optional[str] = typer.Option(None, "--engine", help="owlrl (the reference, default) or fast (pyoxigraph rules); "
                                                                "default from $SSE_GRAPH_ENGINE."),
    measures: Optional[bool] = typer.Option(None, "--measures/--no-measures",
                                            help="Write the network measures into the metrics graph (default: "
                                                 "up to 250,000 asserted triples)."),
):
    """Load, reason (OWL 2 RL) and validate (SHACL) the dataset; cache the result."""
    try:
        # `build` itself builds what it is asked, the reference by default; the other
        # commands reuse whatever build of the same inputs is cached
        result = _build(data, force=force, engine=engine or os.environ.get("SSE_GRAPH_ENGINE") or "owlrl",
                        measures=measures)
    except ValidationFailed as e:
        _print_violations(e.report)
        err.print(f"[red]build failed:[/red] {e.report.violation_count} violation(s); nothing was published")
        raise typer.Exit(1)
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
        out.print("network measures not written (large graph): `sse-graph analyse` computes them, "
                  "`sse-graph build --measures` writes them")


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
            out.print_json(json.dumps(e.report.as_dict(), ensure_ascii=False))
        else:
            _print_violations(e.report)
        raise typer.Exit(1)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        out.print("conforms: no violation of the shapes or of the violation queries")


@app.command()
def query(
    file: Optional[Path] = typer.Argument(None, help="A .rq file (or use -e)."),
    expression: Optional[str] = typer.Option(None, "-e", "--expression", help="The query text."),
    asserted: bool = typer.Option(False, "--asserted", help="Query the asserted graphs only, without inferences."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json (SPARQL 1.1 JSON results), csv or tsv."),
    store_url: Optional[str] = typer.Option(None, "--store", help="Answer from this external SPARQL store (see push)."),
    data: Optional[Path] = DataOpt,
):
    """Run a SPARQL query over the reasoned dataset (default graph: union of all graphs)."""
    from .errors import InputError
    from .results import render

    if (file is None) == (expression is None):
        raise InputError("give either a query file or -e TEXT, not both")
    if fmt not in ("table", "json", "csv", "tsv"):
        raise InputError(f"unknown format '{fmt}': use table, json, csv or tsv")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(f"{file}: {e.strerror or e}") from None
    else:
        text = expression
    store = _store(data, store_url)
    if hasattr(store, "query_bytes"):  # an external store: print its standard answer
        accept = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
                  "table": "text/tab-separated-values"}[fmt]
        sys.stdout.buffer.write(store.query_bytes(text, reasoned=not asserted, accept=accept))
        return
    result = store.raw_query(text, reasoned=not asserted)
    render(result, fmt, out)


@app.command()
def export(
    fmt: str = typer.Option("turtle", "--format", "-f", help="turtle, trig, nquads or jsonld."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file (atomically) instead of stdout."),
    asserted: bool = typer.Option(False, "--asserted", help="Leave out the inferred triples."),
    data: Optional[Path] = DataOpt,
):
    """Export the dataset (Turtle and JSON-LD merge the graphs; TriG and N-Quads keep them)."""
    from .export import export as do_export

    result = _build(data)
    payload = do_export(result.dataset_path, fmt, asserted=asserted)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        from .fileio import write_atomic

        write_atomic(output, payload)
        err.print(f"wrote {output} ({len(payload)} bytes)")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    timeout: float = typer.Option(10.0, "--timeout", help="Seconds a query may run before it is stopped."),
    max_rows: int = typer.Option(10000, "--max-rows", help="Rows (or triples) at most in a result; truncation is flagged."),
    workers: int = typer.Option(2, "--workers", help="Query worker processes."),
    cache_size: int = typer.Option(512, "--cache-size", help="Answers kept in memory for identical requests (0: none)."),
    data: Optional[Path] = DataOpt,
):
    """Serve the reasoned dataset read-only over the SPARQL 1.1 protocol at /sparql (YASGUI at /)."""
    from .errors import InputError
    from .endpoint import run_serve

    if timeout <= 0 or max_rows <= 0 or workers <= 0 or cache_size < 0:
        raise InputError("--timeout, --max-rows and --workers must be positive")
    result = _build(data)
    err.print(f"serving {result.dataset_path} on http://{host}:{port}/ (SPARQL at /sparql)")
    run_serve(result.dataset_path, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
              cache_size=cache_size)


@app.command()
def push(
    store_url: str = typer.Option(..., "--store", help="Base URL of a SPARQL 1.1 store, e.g. http://127.0.0.1:7878 (Oxigraph)."),
    gsp_path: str = typer.Option("/store", "--gsp-path", help="Path of its Graph Store Protocol service."),
    data: Optional[Path] = DataOpt,
):
    """Push the built dataset to an external SPARQL store, one named graph at a time (Graph Store Protocol PUT)."""
    from .remote import push as do_push

    sent = do_push(_build(data).dataset_path, store_url, gsp_path=gsp_path)
    out.print(f"pushed {sum(sent.values())} triples in {len(sent)} named graphs to {store_url}")


@app.command()
def cache(
    prune_: bool = typer.Option(False, "--prune", help="Remove the builds of earlier inputs (and interrupted builds)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    data: Optional[Path] = DataOpt,
):
    """List the cached builds (size, engine, whether of the current inputs); --prune removes the others."""
    from .cache import cached_builds, prune
    from .config import cache_dir

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


# The analyst's commands (members, represented-by, ...) register themselves here.
from . import cli_questions  # noqa: E402,F401


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (never raise for a user's mistake)."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="sse-graph", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except click_exceptions.UsageError as e:
        e.show(file=sys.stderr)
        return 2
    except click_exceptions.ClickException as e:
        e.show(file=sys.stderr)
        return e.exit_code
    except typer.Abort:
        err.print("aborted")
        return 130
    except AmbiguousNameError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        for iri, label in e.candidates:
            err.print(f"  {label}  <{iri}>", highlight=False, markup=False)
        return e.exit_code
    except NotFoundError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        if e.suggestions:
            err.print("did you mean: " + ", ".join(e.suggestions), highlight=False, markup=False)
        return e.exit_code
    except ValidationFailed as e:
        _print_violations(e.report)
        err.print(f"[red]error:[/red] the dataset has {e.report.violation_count} violation(s); run 'sse-graph validate'")
        return 1
    except SSEGraphError as e:
        err.print("error: " + str(e), highlight=False, markup=False)
        return e.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - a bug: say so without a traceback unless asked
        import os

        if os.environ.get("SSE_GRAPH_DEBUG"):
            raise
        err.print(f"internal error: {type(e).__name__}: {e} (set SSE_GRAPH_DEBUG=1 for the traceback, and please report it)",
                  highlight=False, markup=False)
        return 70
