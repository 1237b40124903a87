"""One query worker: reads jobs on stdin, writes answers on stdout, one at a time.

Started by worker_boot.py after the OS barrier is up.  A job is a length-framed
tuple in ``marshal`` form (written by the server only: about a tenth of JSON's
cost); an answer is a fixed header (status, kind, truncated, body length, the CPU
seconds this worker has used so far — the server's fast-lane budget reads it
instead of ``/proc`` on every query) and the serialised body, bytes ready to send
to the client: the server does no more than copy them.  The safety check (sse_graph/safety.py) runs here too, off the
server's event loop.
"""
from __future__ import annotations

import json
import marshal
import os
import struct
import sys
import time

HEADER = struct.Struct("!HB?Qd")  # status, kind, truncated, body length, CPU seconds used so far
KINDS = ("error", "select", "ask", "graph", "ready")
JOB = struct.Struct("!I")
JOB_FIELDS = ("query", "fmt_result", "fmt_graph", "max_rows", "base", "default_graphs", "named_graphs")


def decode_job(data: bytes) -> dict:
    job = dict(zip(JOB_FIELDS, marshal.loads(data)))
    job["fmt"] = (job.pop("fmt_result"), job.pop("fmt_graph"))
    return job


def read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_answer(fd: int, status: int, kind: str, body: bytes, truncated: bool = False) -> None:
    data = HEADER.pack(status, KINDS.index(kind), truncated, len(body), time.process_time()) + body
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def lower_priority() -> str:
    """Put this process (and the threads it starts later) under SCHED_IDLE: it then only
    runs when no other process wants the CPU.  Allowed unprivileged on Linux; nice 19
    where it is not."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "SCHED_IDLE"
    except (AttributeError, OSError):
        try:
            os.nice(19)
            return "nice 19"
        except OSError:
            return "normal"


def main(argv: list[str], barriers: list[str]) -> None:
    dataset_path, check_queries = argv[0], argv[1] == "check"
    memory_limit = int(argv[2]) if len(argv) > 2 else 0
    out_fd, in_fd = os.dup(1), os.dup(0)
    os.dup2(2, 1)  # anything printed by a library goes to stderr, never into the answer stream
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass
    from ..store import Store

    _load()
    store = Store(dataset_path, memory=argv[4:5] == ["memory"])
    if check_queries:
        safety.might_reach_out("\\u0041")  # load the parser's module now, not on the first query
        import rdflib.plugins.sparql.parser  # noqa: F401
    # a slow-lane worker boots at normal priority (under SCHED_IDLE a replacement could take
    # minutes to start on a busy machine) and yields the CPU from its first query on
    priority = lower_priority() if argv[3:4] == ["background"] else "normal"
    # ready only now: a query sent earlier would wait (and be charged) for the imports above
    ready = {"graphs": store.graph_names, "barriers": barriers, "priority": priority}
    write_answer(out_fd, 0, "ready", json.dumps(ready).encode())
    while True:
        try:
            (n,) = JOB.unpack(read_exactly(in_fd, JOB.size))
            job = decode_job(read_exactly(in_fd, n))
        except EOFError:
            return
        status, kind, body, truncated = answer(store, job, check_queries, isolated=bool(barriers))
        write_answer(out_fd, status, kind, body, truncated)


ox = safety = serialize = None  # imported on the first query: never before the OS barrier is up


def _load() -> None:
    global ox, safety, serialize
    import pyoxigraph

    from .. import safety as checks
    from .serialize import serialize as write

    ox, safety, serialize = pyoxigraph, checks, write


def answer(store, job: dict, check_queries: bool, isolated: bool) -> tuple[int, str, bytes, bool]:
    return answer_query(store, job["query"], job["fmt"], job["max_rows"], job.get("base"), job.get("default_graphs"),
                        job.get("named_graphs"), check_queries, isolated)


def answer_query(store, text: str, fmt: tuple, max_rows: int, base: str | None, default_graphs, named_graphs,
                 check_queries: bool, isolated: bool) -> tuple[int, str, bytes, bool]:
    """(status, kind, body, truncated) of one query: what a worker sends back, and
    what a front worker (front.py) answers inline."""
    if serialize is None:
        _load()
    try:
        if check_queries:
            verdict = safety.check(text, store.graph_names, base)
        else:  # test-only: the OS barrier alone
            verdict = safety.Verdict(declares_dataset=safety.might_reach_out(text), parsed=False)
        kwargs: dict = {}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif not verdict.declares_dataset:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        def run():
            return store._store.query(text, base_iri=base, **kwargs)

        result = run()
        kind = "ask" if isinstance(result, ox.QueryBoolean) else "select" if isinstance(result, ox.QuerySolutions) else "graph"
        chosen = fmt[kind == "graph"]
        if chosen is None:
            return 406, "error", f"none of the accepted media types can carry a {kind.upper()} result".encode(), False
        body, truncated = serialize(result, chosen, max_rows, again=run)
        return 200, kind, body, truncated
    except safety.Refused as e:
        return e.status, "error", str(e).encode(), False
    except safety.Unreadable as e:
        return 400, "error", safety.unreadable_reason(text, base, str(e), ask_engine=isolated).encode(), False
    except SyntaxError as e:
        if safety.is_update(text):
            return 403, "error", b"SPARQL Update is not allowed: this endpoint is read-only", False
        return 400, "error", f"SPARQL syntax error: {e}".encode(), False
    except MemoryError:
        return 503, "error", b"the query needed more memory than a query may use", False
    except OSError as e:  # SERVICE past a disabled check: the barrier answered
        return 400, "error", f"the query tried to reach the network, which queries cannot: {e}".encode(), False
    except (RuntimeError, ValueError) as e:  # the engine cannot evaluate this query (e.g. SERVICE ?unbound)
        return 400, "error", f"the query cannot be evaluated: {e}".encode(), False
    except Exception as e:  # noqa: BLE001 - reported to the client, never a crash of the worker
        return 500, "error", f"query failed: {type(e).__name__}: {e}".encode(), False


if __name__ == "__main__":
    sys.exit("start workers with worker_boot.py")
