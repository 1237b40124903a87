"""The ``sse-graph`` command: a thin layer over the library.

:mod:`.context` holds the Typer app and what the commands share; each family of
commands lives in its own module, imported here to register it.  ``main`` runs
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
from .context import EXIT_BAD_INPUT, EXIT_FAILED_CHECK, _print_violations, app, err
from .plain_params import plain_coercion

# Each import registers a family of commands on `app` (help lists them in this order).
from . import data, query, serve, questions, time, analysis, imports, evidence  # noqa: E402,F401,I001

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (never raise for a user's mistake)."""
    command = typer.main.get_command(app)
    plain_coercion(command)  # no pydantic for plain values: ~0.1 s of every start
    try:
        rv = command.main(args=argv, prog_name="sse-graph", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
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
        err.print("error: " + visible(e), highlight=False, markup=False)
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
