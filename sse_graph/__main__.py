"""``sse-graph`` and ``python -m sse_graph``: the command line (``sse_graph.cli.main``).

``python -m sse_graph build … --json`` run by a script — neither output a terminal, no
colours forced, nothing on the command line but the build's own options, each once —
starts quickly (:func:`quick_build`): the same build, the same JSON on stdout, the same
messages and exit codes, without importing typer and rich (about 0.06 s of CPU, an
eighth of a whole fast build of 10k triples).  Anything else — a help, an unknown,
repeated or malformed option, a terminal — runs the full command line."""
import os
import sys

# the build's options: flags (name → (key, value)) and options taking a value (name → key)
_FLAGS = {"--force": ("force", True), "--json": ("json", True), "--measures": ("measures", True),
          "--no-measures": ("measures", False)}
_VALUED = {"--engine": "engine", "--data": "data"}
# what makes rich print to a pipe as to a terminal (colours): the full command line then
_RICH_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def build_options(args: list[str]) -> dict | None:
    """The options of ``build ARGS`` when the command line is that simple (``--json``
    given, each option once, a value that does not start with ``-``), else ``None``."""
    opts: dict = {}
    rest = iter(args)
    for arg in rest:
        name, eq, value = arg.partition("=")
        if arg in _FLAGS:
            key, value = _FLAGS[arg]
        elif name in _VALUED:
            value = value if eq else next(rest, "")
            if not value or value.startswith("-"):
                return None
            key = _VALUED[name]
        else:
            return None
        if key in opts:
            return None
        opts[key] = value
    return opts if opts.get("json") else None


def quick_build(args: list[str]) -> int | None:
    """Run ``sse-graph build ARGS`` without typer and rich when a script runs it with
    simple options (:func:`build_options`); its exit code, or ``None`` for the full
    command line.  The JSON is the report as rich's ``print_json`` writes it to a pipe
    (``json.dumps`` with an indent of 2, one newline); an error is told by the command
    line's own handlers (imported then), with the same exit code."""
    opts = build_options(args)
    if opts is None or sys.stdout.isatty() or sys.stderr.isatty() or any(k in os.environ for k in _RICH_ENV):
        return None
    import json
    from pathlib import Path

    from .build import build

    data = Path(opts["data"]) if "data" in opts else None
    try:
        result = build(data, force=opts.get("force", False), progress=None,
                       engine=opts.get("engine") or os.environ.get("SSE_GRAPH_ENGINE") or "owlrl",
                       measures=opts.get("measures"))
        sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return 0
    except (Exception, KeyboardInterrupt) as e:
        from .errors import ValidationFailed

        if isinstance(e, ValidationFailed):
            from .cli.data import build_failed

            return build_failed(e, data)
        from .cli import exit_code_for

        return exit_code_for(e)


def run() -> None:
    """The ``sse-graph`` console script and ``python -m sse_graph``: the same start."""
    if sys.argv[1:2] == ["build"]:
        # The process ends with the build: its working store (millions of small allocations
        # at 100k triples) is kept to the end, and the process leaves without freeing it piece
        # by piece or tearing down the modules (sse_graph.build.KEEP_UNTIL_EXIT) — everything
        # the build writes is closed by then; only the output streams need flushing.
        from importlib import import_module

        kept = import_module("sse_graph.build").KEEP_UNTIL_EXIT = []
        code = quick_build(sys.argv[2:])
        if code is None:
            from .cli import main

            code = main()
        if kept:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        sys.exit(code)
    from .cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
