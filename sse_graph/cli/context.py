"""What every command module shares: the Typer ``app``, the two consoles, the
shared options, the helpers that build, open a store or the questions, JSON
output, and the exit codes.

A command module imports this module and the library, never another command
module; :mod:`sse_graph.cli` imports the command modules to register them.
"""
from __future__ import annotations

import json
import os
import sys

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = [
    "app", "out", "err", "DataOpt", "JsonOpt", "LangOpt",
    "EXIT_OK", "EXIT_FAILED_CHECK", "EXIT_BAD_INPUT", "EXIT_ENVIRONMENT",
    "_progress", "_build", "_store", "_questions", "_print_violations", "_emit_json", "_table",
]

# The CLI contract (README): 0 an answer (an empty one too), 1 a failed check,
# 2 bad input or usage, 3 an environment problem.
EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 3

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
JsonOpt = typer.Option(False, "--json", help="Print a JSON array of objects (see the README for the fields).")
LangOpt = typer.Option("en", "--lang", help="Preferred language of the labels (falls back to en, fr, es, ko).")


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
    from ..build import build

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
    url = store_url or os.environ.get("SSE_GRAPH_STORE")
    if url:
        from ..remote import RemoteStore

        return RemoteStore(url, query_path=os.environ.get("SSE_GRAPH_QUERY_PATH", "/query"))
    from ..store import Store

    return Store(_build(data).dataset_path, memory=memory)


def _questions(data, lang):
    from ..questions import Questions

    return Questions(_store(data), lang=lang)


def _print_violations(report, limit: int = 50) -> None:
    for v in report.violations[:limit]:
        err.print(f"[red]{v.rule}[/red] {v.focus} {v.path}: {v.message}", highlight=False, markup=True)
    if report.violation_count > limit:
        err.print(f"... and {report.violation_count - limit} more")


def _emit_json(payload) -> None:
    out.print_json(json.dumps(payload, ensure_ascii=False, default=str))


def _table(title: str, *columns: str) -> Table:
    t = Table(title=escape(title), title_justify="left")
    for c in columns:
        t.add_column(c)
    return t
