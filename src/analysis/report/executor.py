"""Fan-out of independent tasks over one of two backends: local processes or Dask distributed.

    from analysis.report.executor import Task, fan_out
    results = fan_out([Task("a", fn, {"x": 1}), ...], backend="local", jobs=2)
    results = fan_out(tasks, backend="dask")                               # LocalCluster, `jobs` workers
    results = fan_out(tasks, backend="dask", scheduler="tcp://host:8786")  # an existing cluster

The project does not schedule anything itself: ``local`` is a :class:`ProcessPoolExecutor` on this
machine, ``dask`` is a ``distributed.Client`` (on a ``LocalCluster`` of ``jobs`` worker processes,
one thread each, bound to 127.0.0.1, when no scheduler address is given). Either way:

* a task is a module-level function called with keyword arguments (inputs and outputs by path,
  so the task can run on any worker that sees the same files and has the package installed);
  the build date (``SOURCE_DATE_EPOCH``) travels with every task, so a remote worker stamps the
  same date into its outputs as a local one (byte-identical outputs whatever the backend);
* the parent prints one progress line, ``[label] 7/24 done``, updated in place on a terminal
  (in a log, a line at each quarter of the tasks: 4 lines for 14 factsheets or for 118, plus one
  per failure); the tasks themselves print no progress bars;
* a failing task does not stop the others; when all have finished, :class:`FanOutError` lists
  every failed task by key with the error's message.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

BACKENDS = ("local", "dask")
# Variables a task needs to give the same bytes on any worker (see analysis.reproducible).
FORWARDED_ENV = ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")


@dataclass(frozen=True)
class Task:
    key: str                       # names the task in the progress line and in error messages
    fn: Callable[..., Any]         # a module-level function (pickled by reference)
    kwargs: dict = field(default_factory=dict)


class TaskError(Exception):
    """A task's error as ``Name: message`` (a plain string: it crosses process and machine
    boundaries whatever the original exception was)."""


class FanOutError(RuntimeError):
    """Some tasks failed; ``failures`` maps each failed task's key to its message."""

    def __init__(self, label: str, failures: dict[str, str], results: dict[str, Any]):
        self.failures = failures
        self.results = results
        lines = [f"{key}: {msg}" for key, msg in failures.items()]
        super().__init__(f"{label}: {len(failures)} of {len(failures) + len(results)} task(s) failed:\n"
                         + "\n".join(lines))


def run_task(fn: Callable[..., Any], kwargs: dict, env: dict[str, str]) -> Any:
    """What a worker runs: set the forwarded variables, call ``fn(**kwargs)``, and turn any error
    into a :class:`TaskError` carrying its summary (the error raised inside a notebook, by name).
    The variables are restored afterwards, so a call in the caller's own process leaves its
    environment as it was."""
    before = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return fn(**kwargs)
    except Exception as exc:
        from analysis.report.build import error_summary

        raise TaskError(error_summary(exc)) from None
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def forwarded_env() -> dict[str, str]:
    return {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}


class Progress:
    """One progress line for the whole fan-out, written only by the parent process."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None):
        self.label, self.total = label, total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = self.failed = 0
        # in a log (not a terminal) the line is written at each quarter of the tasks only
        self.milestones = {-(-total * q // 4) for q in range(1, 5)}

    def _line(self) -> str:
        failed = f", {self.failed} failed" if self.failed else ""
        return f"[{self.label}] {self.done}/{self.total} done{failed}"

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def start(self) -> None:
        if self.tty:
            self._write(self._line())

    def advance(self, key: str, error: str | None = None) -> None:
        self.done += 1
        if error is not None:
            self.failed += 1
            first = error.strip().splitlines()[0] if error.strip() else error
            # the failure on a line of its own, then the progress line again
            self._write(("\r\x1b[K" if self.tty else "") + f"[{self.label}] FAILED {key}: {first}\n")
        if self.tty:
            self._write(f"\r\x1b[K{self._line()}")
        elif self.done in self.milestones:
            self._write(self._line() + "\n")

    def close(self, summary: str) -> None:
        self._write(("\r\x1b[K" if self.tty else "") + f"[{self.label}] {summary}\n")


def _local(tasks: list[Task], jobs: int, env: dict) -> Iterator[tuple[Task, Any, str | None]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks)))) as pool:
        futures = {pool.submit(run_task, t.fn, t.kwargs, env): t for t in tasks}
        for fut in as_completed(futures):
            yield (futures[fut], *_outcome(fut.result))


def _outcome(get: Callable[[], Any]) -> tuple[Any, str | None]:
    try:
        return get(), None
    except TaskError as exc:
        return None, str(exc)
    except Exception as exc:  # the backend's own failure (a worker died, a pickling error, ...)
        return None, f"{type(exc).__name__}: {exc}"


@contextmanager
def dask_client(scheduler: str | None = None, jobs: int = 2, processes: bool = True):
    """A ``distributed.Client`` on ``scheduler``, or on a new LocalCluster of ``jobs`` workers
    (one thread each, TCP on 127.0.0.1 only, no dashboard), closed on exit with its cluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is in requirements.txt
        raise RuntimeError("EXECUTOR=dask needs dask[distributed] (pip install 'dask[distributed]')") from exc
    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    with LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=processes, protocol="tcp://",
                      host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def _dask(tasks: list[Task], jobs: int, env: dict, scheduler: str | None, processes: bool,
          client=None) -> Iterator[tuple[Task, Any, str | None]]:
    from distributed import as_completed

    with ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(scheduler, jobs, processes))
        futures = {}
        for i, t in enumerate(tasks):
            # pure=False: never served from a cache; a unique key names the task in Dask's logs
            fut = client.submit(run_task, t.fn, t.kwargs, env, key=f"{t.key}-{i}-{os.getpid()}-{time.time_ns()}",
                                pure=False, retries=0)
            futures[fut] = t
        for fut in as_completed(list(futures)):
            yield (futures[fut], *_outcome(fut.result))
            fut.release()


def fan_out(tasks: Iterable[Task], backend: str = "local", jobs: int = 2, scheduler: str | None = None,
            label: str = "tasks", stream: TextIO | None = None, processes: bool = True,
            client=None) -> dict[str, Any]:
    """Run every task; return ``{key: result}``, or raise :class:`FanOutError` naming each failed task.

    ``backend``: ``local`` (a process pool of ``jobs``) or ``dask`` (``client`` if given, else a
    client on ``scheduler``, else on a LocalCluster of ``jobs`` workers, ``processes`` or threads).
    """
    tasks = list(tasks)
    if backend not in BACKENDS:
        raise ValueError(f"unknown executor {backend!r}; choose one of {', '.join(BACKENDS)}")
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        raise ValueError("task keys must be unique")
    env = forwarded_env()
    progress = Progress(label, len(tasks), stream)
    results: dict[str, Any] = {}
    failures: dict[str, str] = {}
    start = time.perf_counter()
    if tasks:
        progress.start()
        runs = (_local(tasks, jobs, env) if backend == "local"
                else _dask(tasks, jobs, env, scheduler, processes, client))
        for task, result, error in runs:
            if error is None:
                results[task.key] = result
            else:
                failures[task.key] = error
            progress.advance(task.key, error)
    where = describe_backend(backend, jobs, scheduler, client)
    progress.close(f"{len(results)} done, {len(failures)} failed in {time.perf_counter() - start:.1f} s "
                   f"({where})" if failures else
                   f"{len(results)} done in {time.perf_counter() - start:.1f} s ({where})")
    if failures:
        order = {k: i for i, k in enumerate(keys)}
        raise FanOutError(label, dict(sorted(failures.items(), key=lambda kv: order[kv[0]])), results)
    return results


def describe_backend(backend: str, jobs: int, scheduler: str | None = None, client=None) -> str:
    if backend == "local":
        return f"{jobs} local process{'es' if jobs != 1 else ''}"
    if client is not None:
        return f"dask at {client.scheduler.address}"
    if scheduler:
        return f"dask at {scheduler}"
    return f"dask LocalCluster, {jobs} worker{'s' if jobs != 1 else ''}"
