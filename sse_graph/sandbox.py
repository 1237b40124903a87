"""One SPARQL query, run synchronously in one isolated worker process with a deadline.

The explorer's SPARQL page cannot interrupt a query running in its own process
(neither rdflib nor pyoxigraph can), so it runs each query the way the endpoint
does: in a fresh worker started by ``sse_graph/endpoint/worker_boot.py``, cut
off the network before anything is imported (endpoint/isolation.py), with the
endpoint's safety check (SERVICE, FROM, LOAD and updates refused, sse_graph/safety.py).
The worker is killed when the time limit passes, so a runaway query (a cross
join) really stops there; rows past the cap are never serialised.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass

from .endpoint.pool import BOOT, QueryJob
from .endpoint.worker import HEADER, KINDS

__all__ = ["run_query", "Outcome", "BOOT_TIMEOUT"]

BOOT_TIMEOUT = 120.0  # seconds a worker may take to open the dataset (not counted in the query's limit)
MEMORY_LIMIT = 2 * 1024**3


@dataclass
class Outcome:
    """What became of one query.

    ``kind``: "select", "ask", "graph", "error" (the worker refused or failed:
    ``status`` and ``message``), "timeout" (stopped at the limit) or
    "unavailable" (the worker died or could not start)."""

    kind: str
    status: int = 200
    body: bytes = b""
    truncated: bool = False
    seconds: float = 0.0
    message: str = ""

    def json(self):
        return json.loads(self.body)


class _Deadline(Exception):
    pass


def _read_exactly(fd: int, n: int, deadline: float) -> bytes:
    chunks, left = [], n
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise _Deadline
        ready, _w, _x = select.select([fd], [], [], wait)
        if not ready:
            raise _Deadline
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_answer(fd: int, deadline: float) -> tuple[int, str, bytes, bool]:
    status, kind, truncated, n, _cpu = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    return status, KINDS[kind], _read_exactly(fd, n, deadline), truncated


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def run_query(dataset_path, text: str, *, timeout: float = 10.0, max_rows: int = 2000,
              memory_limit: int | None = MEMORY_LIMIT, boot_timeout: float = BOOT_TIMEOUT) -> Outcome:
    """Run ``text`` on the dataset at ``dataset_path`` in a fresh isolated worker; the
    worker is killed after ``timeout`` s (then ``Outcome.kind == "timeout"``).  SELECT and
    ASK come back as SPARQL results JSON (at most ``max_rows`` rows), graphs as Turtle."""
    proc = subprocess.Popen([sys.executable, BOOT, str(dataset_path), "check", str(memory_limit or 0), "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.fileno()
    try:
        try:
            _status, kind, _body, _t = _read_answer(out, time.monotonic() + boot_timeout)
        except (_Deadline, EOFError):
            return Outcome("unavailable", 503, message="the query worker did not start")
        if kind != "ready":
            return Outcome("unavailable", 503, message="the query worker did not start")
        job = QueryJob(text, ("json", "turtle"), max_rows)
        t0 = time.monotonic()
        try:
            proc.stdin.write(job.encode())
            proc.stdin.flush()
            status, kind, body, truncated = _read_answer(out, t0 + timeout)
        except _Deadline:
            _kill(proc)
            return Outcome("timeout", 504, seconds=time.monotonic() - t0)
        except (EOFError, BrokenPipeError, OSError):
            return Outcome("unavailable", 503, seconds=time.monotonic() - t0,
                           message="the query worker stopped (out of memory?)")
        seconds = time.monotonic() - t0
        if kind == "error":
            return Outcome("error", status, seconds=seconds, message=body.decode("utf-8", "replace"))
        return Outcome(kind, status, body, truncated, seconds)
    finally:
        _kill(proc)
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
