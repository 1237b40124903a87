"""Entry point of a query worker, started by path (``python worker_boot.py``) so
that nothing, pyoxigraph least of all, is imported before the worker has cut
itself off the network (see isolation.py)."""
import importlib.util
import os
import sys

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]  # this folder is not a package root
    spec = importlib.util.spec_from_file_location("_sse_graph_isolation", os.path.join(here, "isolation.py"))
    isolation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(isolation)
    barriers = isolation.isolate()

    if sys.argv[1:2] == ["front"]:  # a front worker of serve --front direct (front.py)
        from sse_graph.endpoint.front import main
    else:
        from sse_graph.endpoint.worker import main

    main(sys.argv[1:], barriers)
