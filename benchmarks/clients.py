"""What endpoint.py and load.py share: start a server, keep-alive clients looping
queries on loopback, percentiles, and the CPU time a server's processes spend.

Clients are threads with one HTTP/1.1 keep-alive connection each; a request is a
form POST asking for SPARQL JSON results; only 200 answers count as latencies,
every other outcome is counted by status (or exception name).
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def wait_up(port: int, path: str, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on {port} did not start")


def loop(port: int, path: str, queries: list[tuple[str, str]], seconds: float, clients: int, stop_event=None,
         timeout: float = 60, source: str | None = None):
    """``clients`` threads looping ``queries`` ((name, text) pairs, client i starting at
    the i-th) for ``seconds`` or until ``stop_event``, connecting from the loopback address
    ``source`` if given (another client address to the server); returns (latencies by name
    in seconds, errors by status, elapsed seconds)."""
    latencies: dict[str, list[float]] = {name: [] for name, _q in queries}
    errors: dict = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    bodies = [(name, urllib.parse.urlencode({"query": q}).encode()) for name, q in queries]

    def client(i: int):
        address = (source, 0) if source else None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=address)
        k = i
        while time.perf_counter() < stop and not (stop_event and stop_event.is_set()):
            name, body = bodies[k % len(bodies)]
            k += 1
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body, FORM)
                r = conn.getresponse()
                r.read()
                status = r.status
            except OSError as e:
                status = type(e).__name__
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=address)
            dt = time.perf_counter() - t0
            with lock:
                if status == 200:
                    latencies[name].append(dt)
                else:
                    errors[status] = errors.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0


def start_sse(*, cache_size: int, workers: int, clients: int, timeout: float | None = None, env=None,
              front: str | None = None, extra: list[str] | None = None, cwd=None):
    """``sse-graph serve`` on a free port, per-client budget and queue lifted (every
    client here is 127.0.0.1); returns (process, port, query path).  ``cwd``: the
    checkout to run (``python -m`` reads the package from the working folder first)."""
    port = free_port()
    cmd = [sys.executable, "-m", "sse_graph", "serve", "--port", str(port), "--workers", str(workers),
           "--cache-size", str(cache_size), "--per-client", str(4 * clients + 8), "--max-queue", str(4 * clients + 8)]
    if timeout is not None:
        cmd += ["--timeout", str(timeout)]
    if front is not None:
        cmd += ["--front", front]
    cmd += extra or []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or os.environ, cwd=cwd)
    wait_up(port, "/health")
    return proc, port, "/sparql"


def stop(server) -> None:
    proc = server[0]
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


_TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out += _tree(int(child))
    except OSError:
        pass
    return out


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except OSError:
        return 0.0


def cpu_seconds(pid: int) -> dict[int, float]:
    """User + system CPU seconds so far of ``pid`` and each of its descendants (Linux)."""
    return {p: _cpu(p) for p in _tree(pid)}


def cpu_spent(before: dict[int, float], pid: int) -> float:
    """CPU seconds the process tree of ``pid`` spent since ``before`` (processes gone
    meanwhile, e.g. killed workers, are not counted)."""
    now = cpu_seconds(pid)
    return sum(now[p] - before.get(p, 0.0) for p in now)
