"""The ``sse-graph`` command: a thin layer over the library.

:mod:`.context` holds the Typer app and what the commands share; each family of
commands lives in its own module, which registers it on ``app`` when imported.
A command line imports only the family of its command (``sse-graph build`` needs
neither the questions nor the server: their imports were ~0.07 s of every start);
``app`` (``from sse_graph.cli import app``), a help or an unknown name imports them all.  ``main`` runs
the command line and turns every error a user can cause into an exit code
(see the README's table): 0 an answer, 1 a failed check, 2 bad input or usage,
3 an environment problem.
"""
from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from ..plaintext import visible

try:  # typer 0.2x vendors click as typer._click; older ones use click itself
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions

from ..errors import AmbiguousNameError, NotFoundError, SSEGraphError, ValidationFailed
from . import context as _context
from .context import EXIT_BAD_INPUT, EXIT_FAILED_CHECK, _print_violations, err
from .plain_params import plain_coercion

__all__ = ["app", "main"]

# The families of commands, in the order help lists them, and the family of each command
# (tests/test_build_startup.py checks this table against what each module registers).
FAMILIES = ("data", "query", "serve", "questions", "time", "analysis", "imports", "evidence")
FAMILY_OF = {
    **dict.fromkeys(("build", "validate", "export", "push", "cache"), "data"),
    "query": "query", "serve": "serve",
    **dict.fromkeys(("members", "represented-by", "represents", "seats", "show", "path", "search"), "questions"),
    **dict.fromkeys(("why", "changes"), "time"),
    **dict.fromkeys(("analyse", "draw"), "analysis"),
    **dict.fromkeys(("import", "imports"), "imports"),
    "evidence": "evidence",
}


def register(families=FAMILIES) -> None:
    """Import these families of commands (each registers its commands on ``app``), then
    put the registered commands in the order of :data:`FAMILIES`, whichever came first."""
    from importlib import import_module

    for family in families:
        import_module(f"{__name__}.{family}")

    def rank(info):
        family = info.callback.__module__.rsplit(".", 1)[-1]
        return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)

    _context.app.registered_commands.sort(key=rank)  # stable: each family keeps its own order


def __getattr__(name: str):
    """``app`` with every command registered (the tests, and anything else that runs it)."""
    if name == "app":
        register()
        return _context.app
    raise AttributeError(name)


def _families_for(argv: list[str]) -> tuple[str, ...]:
    """The families a command line needs: its command's own, or all (help, no command, a
    name that is not a command — so that click lists them all and suggests).  ``data``
    always: an app of one command would be that command itself, not a group of commands
    (``sse-graph serve …`` would read ``serve`` as an extra argument)."""
    family = FAMILY_OF.get(argv[0]) if argv else None
    return tuple(dict.fromkeys(("data", family))) if family else FAMILIES


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (never raise for a user's mistake)."""
    register(_families_for(sys.argv[1:] if argv is None else list(argv)))
    command = typer.main.get_command(_context.app)
    plain_coercion(command)  # no pydantic for plain values: ~0.1 s of every start
    try:
        rv = command.main(args=argv, prog_name="sse-graph", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except (Exception, KeyboardInterrupt) as e:
        return exit_code_for(e)


def exit_code_for(error: BaseException) -> int:
    """Say what went wrong (on stderr) and return the exit code of the contract: what
    :func:`main` does with an error a command raises (``python -m sse_graph build``'s quick
    start too).  With $SSE_GRAPH_DEBUG an internal error is raised again, traceback and all."""
    try:
        raise error
    except typer.Exit as e:
        return e.exit_code
    except click_exceptions.UsageError as e:
        e.show(file=sys.stderr)
        return EXIT_BAD_INPUT
    except click_exceptions.ClickException as e:
        e.show(file=sys.stderr)
        return e.exit_code
    except typer.Abort:
        err.print("aborted")
        return 130
    except AmbiguousNameError as e:  # the message quotes the user's text: never read as markup
        err.print("[red]error:[/red] " + escape(visible(e)), highlight=False)
        for iri, label in e.candidates:
            err.print(f"  {visible(label)}  <{visible(iri)}>", highlight=False, markup=False)
        return e.exit_code
    except NotFoundError as e:
        err.print("[red]error:[/red] " + escape(visible(e)), highlight=False)
        if e.suggestions:
            err.print("did you mean: " + ", ".join(map(visible, e.suggestions)), highlight=False, markup=False)
        return e.exit_code
    except ValidationFailed as e:
        _print_violations(e.report, data=e.result.root if e.result is not None else None)
        err.print(f"[red]error:[/red] the dataset has {e.report.violation_count} violation(s); run 'sse-graph validate'")
        return EXIT_FAILED_CHECK
    except SSEGraphError as e:
        # an error of several lines (an import's problems) gives them one a line, each made
        # visible: a line end inside a quoted value still shows as ⏎, never as a new line
        lines = getattr(e, "lines", None) or [str(e)]
        err.print("error: " + visible(lines[0]), highlight=False, markup=False)
        for line in lines[1:]:
            err.print(visible(line), highlight=False, markup=False)
        return e.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - a bug: say so without a traceback unless asked
        if os.environ.get("SSE_GRAPH_DEBUG"):
            raise
        err.print(f"internal error: {type(e).__name__}: {visible(e)} (set SSE_GRAPH_DEBUG=1 for the traceback, and please report it)",
                  highlight=False, markup=False)
        return 70
