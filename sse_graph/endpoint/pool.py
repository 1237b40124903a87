"""Queries run in isolated worker processes with a deadline, in two lanes.

Neither rdflib nor pyoxigraph can interrupt a running query in-process
(oxigraph/oxigraph#1926).  Each worker (worker.py, started by worker_boot.py
behind the OS barrier of isolation.py) opens the built dataset and answers one
query at a time over its stdin/stdout pipes, read here with asyncio: no thread
hop, no pickling, the answer's bytes copied once.

- A worker that overruns its deadline, or whose client has gone, is killed and
  replaced at once by a spare started in advance (a new spare is started in
  the background).
- Each pool has a bounded queue: when it is full, :class:`PoolBusy` at once.
- Two pools: the *fast lane* runs every query first, for ``fast_budget``
  seconds, longer while its worker has used less than a tenth of that in CPU
  time (on a busy machine a cheap query waiting for a core is no runaway); a
  query past both is stopped there and
  re-run in the *slow lane*, which also takes at once any query text that has
  overrun before.  Its workers run under ``SCHED_IDLE`` (nice 19 where that is
  refused): they only get the CPU time the fast lane and the server leave, so
  runaway queries never hold the workers, nor the cores, others need.
"""
from __future__ import annotations

import asyncio
import json
import marshal
import os
import sys
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

from .worker import HEADER, JOB, KINDS

__all__ = ["WorkerPool", "Lanes", "QueryJob", "Answer", "QueryTimeout", "BudgetSpent", "PoolBusy", "WorkerUnavailable"]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

BOOT = str(Path(__file__).with_name("worker_boot.py"))


@dataclass
class QueryJob:
    query: str
    fmt: tuple[str, str]  # (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE)
    max_rows: int
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base: str | None = None
    client: str | None = None  # who asked (the fast lane's fair share); not sent to the worker

    def encode(self) -> bytes:
        """The job as the worker reads it (worker.decode_job): a length and a marshalled tuple."""
        data = marshal.dumps((self.query, self.fmt[0], self.fmt[1], self.max_rows, self.base, self.default_graphs,
                              self.named_graphs))
        return JOB.pack(len(data)) + data


@dataclass
class Answer:
    status: int
    body: bytes
    kind: str  # "select", "ask", "graph", "error"
    truncated: bool = False


class QueryTimeout(Exception):
    pass


class BudgetSpent(QueryTimeout):
    """The query overran the fast lane's budget (see :class:`_Limit`) before its deadline."""


class PoolBusy(Exception):
    """The pool's queue is full (or stayed full longer than allowed)."""


class WorkerUnavailable(Exception):
    """The worker died (out of memory?) and has been replaced."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process, graphs: list[str], barriers: list[str]):
        self.proc, self.graphs, self.barriers = proc, graphs, barriers
        self.cpu = 0.0  # CPU seconds the worker had used when it last answered (its own count)

    @classmethod
    async def start(cls, dataset_path: str, check_queries: bool, memory_limit: int | None, background: bool = False,
                    in_memory: bool = False) -> "_Worker":
        proc = await asyncio.create_subprocess_exec(
            sys.executable, BOOT, dataset_path, "check" if check_queries else "no-check", str(memory_limit or 0),
            "background" if background else "normal", "memory" if in_memory else "disk",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        status, kind, body, _t, cpu = await cls._read(proc)
        if kind != "ready":
            raise RuntimeError("a query worker failed to start")
        info = json.loads(body)
        worker = cls(proc, info["graphs"], info["barriers"])
        worker.cpu = cpu
        worker.priority = info["priority"]
        return worker

    @staticmethod
    async def _read(proc) -> tuple[int, str, bytes, bool, float]:
        head = await proc.stdout.readexactly(HEADER.size)
        status, kind, truncated, n, cpu = HEADER.unpack(head)
        return status, KINDS[kind], await proc.stdout.readexactly(n) if n else b"", truncated, cpu

    async def ask(self, job: QueryJob) -> Answer:
        self.proc.stdin.write(job.encode())
        await self.proc.stdin.drain()
        status, kind, body, truncated, self.cpu = await self._read(self.proc)
        return Answer(status, body, kind, truncated)

    def cpu_seconds(self) -> float | None:
        """User + system CPU seconds the worker process has used (None where /proc is not)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _TICK
        except (OSError, IndexError, ValueError):
            return None

    def kill(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass


@dataclass
class _Stats:
    restarts: int = 0
    cancelled: int = 0
    timeouts: int = 0
    refused_busy: int = 0
    moved: int = 0
    durations: list = field(default_factory=list)


def _expire(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_exception(asyncio.TimeoutError())


class _IdleWorkers:
    """The idle workers, and the queries waiting for one: ``asyncio.Queue`` with a
    time limit on ``get`` but without ``wait_for``'s task per waiting query (one
    future and one timer), no barging (a worker freed while queries wait is
    promised to one of them), and a fair share: the worker goes to the waiting
    query whose client holds the fewest workers of the pool, the earliest first
    among equals — so a client with many queries in the queue does not make
    another client's single query wait behind all of them — and never to a client
    past its :attr:`limit` (see :class:`Lanes`)."""

    def __init__(self):
        self._queue: deque[_Worker] = deque()
        self._waiters: list[tuple[asyncio.Future, object]] = []  # (future, client), in arrival order
        self._promised = 0
        self.holding: dict[object, int] = {}  # client -> workers running (or promised to) its queries
        self.limit: dict[object, int] = {}  # client -> at most this many workers (no entry: no limit)
        self.spare_ready = lambda: True  # a limited client takes a worker only while a spare is up (Lanes)

    def qsize(self) -> int:
        return len(self._queue)

    def available(self, client=None) -> bool:
        """Whether a worker is idle, promised to no waiting query, and ``client`` may have it."""
        return len(self._queue) > self._promised and self._may_hold(client)

    def _may_hold(self, client) -> bool:
        return client not in self.limit or (self.holding.get(client, 0) < self.limit[client] and self.spare_ready())

    def set_limit(self, client, most: int | None) -> None:
        """Let ``client`` hold at most ``most`` workers from now on (None: no limit)."""
        if most is None:
            self.limit.pop(client, None)
            self._wake()
        else:
            self.limit[client] = most

    def take(self, client) -> "_Worker":
        """An idle worker (:meth:`available` said there is one) for ``client``'s query."""
        self._hold(client)
        return self._queue.popleft()

    def put_nowait(self, worker: "_Worker") -> None:
        self._queue.append(worker)
        self._wake()

    def _hold(self, client) -> None:
        self.holding[client] = self.holding.get(client, 0) + 1

    def release(self, client) -> None:
        """``client``'s query is done with its worker (answered, stopped or handed back)."""
        left = self.holding.get(client, 0) - 1
        if left > 0:
            self.holding[client] = left
        else:
            self.holding.pop(client, None)

    def _wake(self) -> None:
        while self._waiters and len(self._queue) > self._promised:
            holding, waiters = self.holding, self._waiters
            eligible = [j for j in range(len(waiters)) if waiters[j][0].done() or self._may_hold(waiters[j][1])]
            if not eligible:
                return
            i = min(eligible, key=lambda j: (holding.get(waiters[j][1], 0), j))
            fut, client = waiters.pop(i)
            if not fut.done():
                fut.set_result(None)
                self._promised += 1
                self._hold(client)

    async def get(self, timeout: float | None, client=None) -> "_Worker":
        """The next idle worker for ``client``; :class:`asyncio.TimeoutError` after ``timeout`` s."""
        if self.available(client):
            return self.take(client)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        entry = (fut, client)
        self._waiters.append(entry)
        handle = loop.call_later(timeout, _expire, fut) if timeout is not None else None
        try:
            await fut
        except BaseException:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self._promised -= 1  # woken, then cancelled: the worker goes to the next waiter
                self.release(client)
                self._wake()
            else:
                try:
                    self._waiters.remove(entry)
                except ValueError:
                    pass
            raise
        finally:
            if handle is not None:
                handle.cancel()
        self._promised -= 1
        return self._queue.popleft()


class WorkerPool:
    """``size`` workers, a queue of at most ``max_queue`` waiting queries and a
    spare worker ready to replace a killed one; ``await pool.run(job, timeout)``."""

    def __init__(self, dataset_path, size: int = 2, *, max_queue: int = 32, memory_limit: int | None = 2 * 1024**3,
                 check_queries: bool = True, name: str = "pool", background: bool = False, in_memory: bool = False):
        self.dataset_path, self.size, self.max_queue, self.in_memory = str(dataset_path), size, max_queue, in_memory
        self.memory_limit, self.check_queries, self.name, self.background = memory_limit, check_queries, name, background
        self._idle: _IdleWorkers | None = None
        self._spare: asyncio.Future | None = None
        self._busy: set[_Worker] = set()
        self.waiting = 0
        self.graph_names: list[str] = []
        self.barriers: list[str] = []
        self.priority = ""
        self.stats = _Stats()
        self._tasks: set[asyncio.Task] = set()

    def _new(self) -> "asyncio.Task[_Worker]":
        task = asyncio.ensure_future(_Worker.start(self.dataset_path, self.check_queries, self.memory_limit, self.background,
                                                   self.in_memory))
        task.add_done_callback(self._spare_up)
        return task

    def _spare_up(self, _task) -> None:
        if self._idle is not None:
            self._idle._wake()  # noqa: SLF001 - a limited client waiting for a spare may go on

    async def start(self) -> None:
        self._idle = _IdleWorkers()
        self._idle.spare_ready = lambda: self.spare_ready
        workers = await asyncio.gather(*(self._new() for _ in range(self.size)))
        self.graph_names, self.barriers = workers[0].graphs, workers[0].barriers
        self.priority = workers[0].priority
        for w in workers:
            self._idle.put_nowait(w)
        self._spare = self._new()

    @property
    def idle(self) -> int:
        return self._idle.qsize() if self._idle else 0

    async def run(self, job: QueryJob, timeout: float, wait: float | None = None, cpu_budget: float | None = None,
                  moved=None) -> Answer:
        """Run ``job`` within ``timeout`` s (else :class:`QueryTimeout`) and, if given, the
        budget ``cpu_budget`` of :class:`_Limit` (else :class:`BudgetSpent`, also at once
        if ``moved()`` says so once a worker is free: the same text overran meanwhile);
        :class:`PoolBusy` at once if ``max_queue`` queries already wait, or after ``wait``
        s of waiting; a client under a :meth:`_IdleWorkers.limit` waits within it."""
        idle, client = self._idle, job.client
        if idle is None:
            raise PoolBusy()
        if not idle.available(client) and self.waiting >= self.max_queue:
            self.stats.refused_busy += 1
            raise PoolBusy()
        if idle.available(client):
            worker = idle.take(client)  # the common case: no task, no timer
        else:
            self.waiting += 1
            try:
                worker = await idle.get(wait, client)
            except asyncio.TimeoutError:
                self.stats.refused_busy += 1
                raise PoolBusy() from None
            finally:
                self.waiting -= 1
            if moved is not None and moved():
                idle.release(client)
                idle.put_nowait(worker)
                raise BudgetSpent()
        self._busy.add(worker)
        stopped: list[Exception] = []
        timer = _Limit(worker, timeout, cpu_budget, stopped)
        try:
            answer = await worker.ask(job)
        except asyncio.CancelledError:
            self._replace(worker)
            if not stopped:  # the client went away: its worker is freed now
                self.stats.cancelled += 1
                raise
            asyncio.current_task().uncancel()
            if not isinstance(stopped[0], BudgetSpent):
                self.stats.timeouts += 1
            raise stopped[0] from None
        except (EOFError, asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            self._replace(worker)
            raise WorkerUnavailable() from None
        finally:
            timer.cancel()
            idle.release(client)
        self._busy.discard(worker)
        idle.put_nowait(worker)
        return answer

    def limit(self, client, most: int | None) -> None:
        """Let ``client`` hold at most ``most`` of the pool's workers (None: no limit)."""
        if self._idle is not None:
            self._idle.set_limit(client, most)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker``; the spare takes its place as soon as it is up, and a new spare starts."""
        self._busy.discard(worker)
        worker.kill()
        self._tasks.add(asyncio.ensure_future(worker.proc.wait()))
        self.stats.restarts += 1
        spare, self._spare = self._spare, self._new()

        def promote(fut: asyncio.Future) -> None:
            if self._idle is None:
                return
            if fut.exception() is None:
                self._idle.put_nowait(fut.result())
            else:  # the spare failed to start: try again
                self._tasks.add(asyncio.ensure_future(self._retry()))

        spare.add_done_callback(promote)

    async def _retry(self) -> None:
        await asyncio.sleep(1)
        w = await self._new()
        if self._idle is not None:
            self._idle.put_nowait(w)

    @property
    def spare_ready(self) -> bool:
        """Whether a replacement worker is up, ready to take a killed one's place at once."""
        return bool(self._spare and self._spare.done() and not self._spare.cancelled() and self._spare.exception() is None)

    def worker_pids(self) -> list[int]:
        idle = list(self._idle._queue) if self._idle else []  # noqa: SLF001
        return [w.proc.pid for w in idle + list(self._busy)]

    async def close(self) -> None:
        idle, self._idle = self._idle, None
        workers = list(idle._queue) if idle else []  # noqa: SLF001
        workers += list(self._busy)
        if self._spare is not None:
            self._spare.cancel()
            try:
                workers.append(await self._spare)
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        for w in workers:
            w.kill()
        for w in workers:
            try:
                await asyncio.wait_for(w.proc.wait(), 5)
            except (asyncio.TimeoutError, ProcessLookupError):
                pass


BUSY_SHARE = 0.1
COOL_DOWN = 10.0  # s a client whose query overran the fast lane is held to all its workers but one (Lanes._restrict)


class _Limit:
    """Stops the current task (the query running in ``worker``) at its deadline, or once
    it has run ``cpu_budget`` seconds and its worker used a tenth of that in CPU time.
    Not wall time alone: on a busy machine a cheap query waits for a core and must not
    be taken for a runaway (it would be sent to the slow lane for good).  One timer, no
    task; the worker's CPU time is read only once the budget has passed."""

    def __init__(self, worker: _Worker, timeout: float, cpu_budget: float | None, stopped: list):
        self.loop, self.task, self.worker, self.stopped = asyncio.get_running_loop(), asyncio.current_task(), worker, stopped
        self.deadline, self.budget = self.loop.time() + timeout, cpu_budget
        self.cpu0 = worker.cpu if cpu_budget else None  # as of its last answer: it has idled since
        first = self.deadline if cpu_budget is None else min(self.deadline, self.loop.time() + cpu_budget)
        self.handle = self.loop.call_at(first, self._check)

    def _check(self) -> None:
        now = self.loop.time()
        if now >= self.deadline:
            return self._stop(QueryTimeout())
        used = None
        if self.cpu0 is not None:
            cpu = self.worker.cpu_seconds()
            used = cpu - self.cpu0 if cpu is not None else None
        # past the budget in wall time, a query that got at least a tenth of it in CPU time is
        # working, not waiting for a core: no interactive query needs that much (without /proc:
        # wall time alone, as before)
        if used is None or used >= self.budget * BUSY_SHARE:
            return self._stop(BudgetSpent())
        self.handle = self.loop.call_at(min(self.deadline, now + 0.1), self._check)

    def _stop(self, why: Exception) -> None:
        self.stopped.append(why)
        self.task.cancel()

    def cancel(self) -> None:
        self.handle.cancel()


class Lanes:
    """The fast lane and the slow lane (see the module's docstring)."""

    def __init__(self, dataset_path, *, workers: int = 2, slow_workers: int = 1, fast_budget: float = 1.0,
                 max_queue: int = 32, memory_limit: int | None = 2 * 1024**3, check_queries: bool = True,
                 in_memory: bool = False):
        self.fast = WorkerPool(dataset_path, workers, max_queue=max_queue, memory_limit=memory_limit,
                               check_queries=check_queries, name="fast", in_memory=in_memory)
        self.slow = WorkerPool(dataset_path, slow_workers, max_queue=max(1, max_queue // 4), memory_limit=memory_limit,
                               check_queries=check_queries, name="slow", background=True, in_memory=in_memory)
        self.fast_budget = fast_budget
        self._heavy: OrderedDict[str, None] = OrderedDict()  # query texts that overran the fast budget
        self._overran: dict[object, int] = {}  # client -> its queries moved to the slow lane, in flight

    @property
    def graph_names(self) -> list[str]:
        return self.fast.graph_names

    @property
    def barriers(self) -> list[str]:
        return self.fast.barriers

    async def start(self) -> None:
        await asyncio.gather(self.fast.start(), self.slow.start())

    async def run(self, job: QueryJob, timeout: float, wait: float | None = None) -> Answer:
        if job.query in self._heavy or timeout <= self.fast_budget:
            pool = self.slow if job.query in self._heavy else self.fast
            return await pool.run(job, timeout, wait)
        t0 = time.monotonic()
        try:
            return await self.fast.run(job, timeout, wait, cpu_budget=self.fast_budget,
                                       moved=lambda: job.query in self._heavy)
        except BudgetSpent:
            self._heavy[job.query] = None
            while len(self._heavy) > 1024:
                self._heavy.popitem(last=False)
            self.fast.stats.moved += 1
        left = timeout - (time.monotonic() - t0)
        if left <= 0:
            raise QueryTimeout()
        self._restrict(job.client, +1)  # for a while, whatever the slow lane does with it
        asyncio.get_running_loop().call_later(max(left, COOL_DOWN), self._restrict, job.client, -1)
        return await self.slow.run(job, left, wait=left)

    def _restrict(self, client, step: int) -> None:
        """For :data:`COOL_DOWN` s after a client's query overran the fast lane's budget (or
        until its deadline, if later), the client may hold all the fast workers but one, and takes one only while
        a spare is up: each such query cost a fast worker (killed, replaced by its spare),
        and a client sending distinct runaway texts, which the heavy list cannot know in
        advance, would otherwise keep every fast worker starting up while other clients
        wait.  So it can cost the lane one worker per spare's start-up, never the last one."""
        n = self._overran.get(client, 0) + step
        if n > 0:
            self._overran[client] = n
            if n == 1 and step > 0 and self.fast.size > 1:
                self.fast.limit(client, self.fast.size - 1)
        else:
            self._overran.pop(client, None)
            self.fast.limit(client, None)

    async def close(self) -> None:
        await asyncio.gather(self.fast.close(), self.slow.close())


def default_pool_size() -> int:
    return max(2, min(4, os.cpu_count() or 2))
