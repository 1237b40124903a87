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
    "_progress", "_build", "_readable_build", "_store", "_questions", "_print_violations", "_emit_json", "_table",
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

class _PlainConsole(Console):
    """A console on which no text can act on the terminal: every control or format
    character of a string it prints (an escape sequence that colours, moves or
    retitles the terminal, a NUL, a bidi override, a zero-width mark) shows as its
    code point, in tables and cards alike, and no ``:name:`` becomes an emoji; the layout's own line ends are kept
    (a line end inside a piece of data is the printing code's to show:
    :func:`sse_graph.plaintext.visible`)."""

    def render_str(self, text: str, **kwargs):
        from ..plaintext import visible_controls

        return super().render_str(visible_controls(text), **kwargs)


# emoji=False: rich would turn ":smile:" in a name into an emoji
out = _PlainConsole(soft_wrap=True, width=None if sys.stdout.isatty() else 160, emoji=False)
err = _PlainConsole(stderr=True, soft_wrap=True, emoji=False)

DataOpt = typer.Option(None, "--data", help="Folder holding ontology/ and graph/ (default: the shipped dataset).")
JsonOpt = typer.Option(False, "--json", help="Print a JSON array of objects (see the README for the fields).")
AsOfOpt = typer.Option(None, "--as-of", help="Answer as of this date (YYYY, YYYY-MM or YYYY-MM-DD); each answer carries its status.")
StrictOpt = typer.Option(False, "--strict", help="With --as-of, keep only what holds or is attested on that date.")
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
    (which ``sse-graph push`` or ``scripts/virtuoso.sh load`` filled): a base URL, or
    the query service's URL such as ``http://127.0.0.1:8890/sparql`` (Virtuoso)."""
    url = store_url or os.environ.get("SSE_GRAPH_STORE")
    if url:
        from ..remote import remote_store

        return remote_store(url, os.environ.get("SSE_GRAPH_QUERY_PATH"))
    from ..errors import ValidationFailed
    from ..quick_open import remember_dataset, remembered_dataset
    from ..store import Store

    dataset = remembered_dataset(data)  # the current build, found without re-hashing the inputs
    if dataset is None:
        try:
            dataset = _build(data).dataset_path
            remember_dataset(data, dataset)
        except ValidationFailed:
            dataset = _readable_build(data).dataset_path  # with its warning; never remembered
    return Store(dataset, memory=memory)


def _readable_build(data):
    """The build to answer from: the current one; if its data has violations, the
    last good build of the folder (else the rejected one), with a warning naming them."""
    from ..build import last_good_build
    from ..errors import ValidationFailed

    try:
        return _build(data)
    except ValidationFailed as e:
        last = last_good_build(data)
        chosen = last or e.result
        if chosen is None:
            raise
        _print_violations(e.report, limit=10, data=data, prefix="warning: ")
        err.print(f"warning: the data has {e.report.violation_count} violation(s) (sse-graph validate lists them); "
                  + ("answering from the last good build" if last else "answering from the new build, which has them"),
                  highlight=False, markup=False)
        return chosen


def _when(as_of: str | None):
    """The date of an --as-of/--from/--to option (exit 2 on a bad one)."""
    from ..dates import parse_user_date

    return parse_user_date(as_of) if as_of else None


def _questions(data, lang):
    from ..questions import Questions

    return Questions(_store(data), lang=lang)


def _print_violations(report, limit: int = 50, *, data=None, prefix: str = "") -> None:
    """One line per violation: ``file:line: rule: message (node path)``, the file and
    line where the node is described (left out when no file names it)."""
    from ..config import data_paths
    from ..errors import InputError
    from ..locate import where

    try:
        paths = data_paths(data)
    except InputError:
        paths = None
    for v in report.violations[:limit]:
        place = where(v.focus, paths) if paths else ""
        err.print(f"{prefix}{place + ': ' if place else ''}{v.rule}: {v.message} ({v.focus}{' ' + v.path if v.path else ''})",
                  highlight=False, markup=False)
    if report.violation_count > limit:
        err.print(f"{prefix}... and {report.violation_count - limit} more", highlight=False, markup=False)


def _emit_json(payload) -> None:
    """The payload as JSON; a format character (a bidi override, a zero-width mark) is
    written as its ``\\uXXXX`` escape — the same string to a JSON reader, inert on a
    terminal (json escapes the control characters itself).  Printed as text: rich's
    ``print_json`` would parse it again and undo the escapes."""
    from ..plaintext import json_inert

    out.print(json_inert(json.dumps(payload, ensure_ascii=False, indent=2, default=str)), markup=False, highlight=False)


def _table(title: str, *columns: str) -> Table:
    t = Table(title=escape(title), title_justify="left")
    for c in columns:
        t.add_column(c)
    return t
