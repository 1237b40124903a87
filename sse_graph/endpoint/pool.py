"""Queries run in worker processes with a deadline.

Neither rdflib nor pyoxigraph can interrupt a running query reliably in-process
(shared/RELIABILITY.md).  Each worker loads the built dataset into its own
pyoxigraph store and answers one query at a time; a query that overruns its
deadline gets its worker killed and replaced, so a runaway query never holds
the server, and other clients keep being served by the other workers.
"""
from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import threading
from dataclasses import dataclass

__all__ = ["WorkerPool", "QueryJob", "Answer", "QueryTimeout", "PoolClosed", "PoolBusy"]


@dataclass
class QueryJob:
    query: str
    fmt: tuple[str, str]  # (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE)
    max_rows: int
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None


@dataclass
class Answer:
    status: int
    body: bytes
    kind: str  # "select", "ask", "graph", "error"
    truncated: bool = False
    rows: int = 0


class QueryTimeout(Exception):
    pass


class PoolClosed(Exception):
    pass


class PoolBusy(Exception):
    """Every worker stayed busy for longer than the wait allowed."""


def _worker_main(dataset_path: str, conn, memory_limit: int | None) -> None:
    """The loop of one worker process: load the store, answer jobs until EOF."""
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass
    import pyoxigraph as ox

    from ..errors import QueryError
    from ..store import Store
    from .serialize import serialize

    store = Store(dataset_path)
    conn.send(("ready", store.graph_names))
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = store.raw_query(job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs)
            kind = "ask" if isinstance(result, ox.QueryBoolean) else "select" if isinstance(result, ox.QuerySolutions) else "graph"
            fmt = job.fmt[kind == "graph"]
            body, truncated = serialize(result, fmt, job.max_rows)
            answer = Answer(200, body, kind, truncated)
        except QueryError as e:
            answer = Answer(400, str(e).encode("utf-8"), "error")
        except MemoryError:
            answer = Answer(503, b"the query needed more memory than a query may use", "error")
        except Exception as e:  # noqa: BLE001 - reported to the client, never a crash of the worker
            answer = Answer(500, f"query failed: {type(e).__name__}: {e}".encode("utf-8"), "error")
        conn.send(answer)


class _Worker:
    def __init__(self, ctx, dataset_path: str, memory_limit: int | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(dataset_path, child, memory_limit), daemon=True)
        self.process.start()
        child.close()
        msg = self.conn.recv()  # wait until loaded
        self.graph_names = msg[1]

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class WorkerPool:
    """A fixed number of worker processes; ``await pool.run(job, timeout)``."""

    def __init__(self, dataset_path: str, size: int = 2, memory_limit: int | None = 2 * 1024**3):
        self.dataset_path = str(dataset_path)
        self.size = size
        self.memory_limit = memory_limit
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self.graph_names: list[str] = []
        self._lock = threading.Lock()
        self.restarts = 0

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self.dataset_path, self.memory_limit)
        with self._lock:
            self._workers.append(w)
        return w

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn) for _ in range(self.size)))
        self.graph_names = workers[0].graph_names
        for w in workers:
            self._idle.put_nowait(w)

    async def run(self, job: QueryJob, timeout: float, wait: float | None = None) -> Answer:
        """Run ``job`` in a free worker within ``timeout`` seconds (raise
        :class:`QueryTimeout`); wait at most ``wait`` seconds for a free worker
        (raise :class:`PoolBusy`)."""
        if self._idle is None:
            raise PoolClosed()
        loop = asyncio.get_running_loop()
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=wait)
        except asyncio.TimeoutError:
            raise PoolBusy() from None
        try:
            worker.conn.send(job)
            ready = await loop.run_in_executor(None, worker.conn.poll, timeout)
            if not ready:
                raise QueryTimeout()
            answer = await loop.run_in_executor(None, worker.conn.recv)
        except (QueryTimeout, EOFError, OSError, BrokenPipeError) as e:
            # Kill the stuck (or dead) worker and replace it; the client gets an error.
            await loop.run_in_executor(None, self._replace, worker)
            if isinstance(e, QueryTimeout):
                raise
            return Answer(503, b"the query worker died (out of memory?); it has been replaced", "error")
        self._idle.put_nowait(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        worker.kill()
        self.restarts += 1
        fresh = self._spawn()
        self._idle.put_nowait(fresh)

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            try:
                w.kill()
            except Exception:  # noqa: BLE001
                pass
        self._idle = None


def default_pool_size() -> int:
    return max(2, min(4, os.cpu_count() or 2))
