"""``python -m sse_graph``: the command line (``sse_graph.cli.main``)."""
import os
import sys

from .cli import main

if sys.argv[1:2] == ["build"]:
    # The process ends with the build: its working store (millions of small allocations
    # at 100k triples) is kept to the end, and the process leaves without freeing it piece
    # by piece or tearing down the modules (sse_graph.build.KEEP_UNTIL_EXIT) — everything
    # the build writes is closed by then; only the output streams need flushing.
    from importlib import import_module

    kept = import_module("sse_graph.build").KEEP_UNTIL_EXIT = []
    code = main()
    if kept:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
sys.exit(main())
