"""The server's worker processes: a fixed number, started once, each checking one file at a
time, so the page never runs more checks than the machine has cores for (``--workers``).

A request borrows an idle worker (waiting its turn in order), hands it one task (a function
of ``perfxl/web/tasks.py`` and its arguments) and waits in a thread for the answer. A worker
that runs past the time limit is killed and replaced, and so is one that dies: the request
gets :class:`Timeout` or :class:`Crashed`, the other requests never notice. Workers are
started from a fork server that imported the pipeline once (Linux), or by spawn (Windows).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal

from anyio import to_thread

PRELOAD = ["perfxl.web.tasks", "perfxl.pipeline", "perfxl.workbook.reader", "perfxl.result",
           "perfxl.views.json_report", "perfxl.views.writer", "perfxl.views.docx_report", "perfxl.views.batch"]


class Timeout(Exception):
    """The task ran past the time limit; its worker was replaced."""


class Crashed(Exception):
    """The worker died (out of memory, killed) or the task hit a bug of ours."""

    def __init__(self, how: str, how_en: str):
        super().__init__(how_en)
        self.how, self.how_en = how, how_en


def context():
    """forkserver where it exists (a clean, single-threaded process forks each worker, with
    the pipeline imported once), else spawn. ``PERFXL_START_METHOD`` forces one."""
    methods = multiprocessing.get_all_start_methods()
    forced = os.environ.get("PERFXL_START_METHOD")
    method = forced if forced in methods else "forkserver" if "forkserver" in methods else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _work(conn) -> None:
    """A worker: run whatever the server sends, one task at a time, until ``None``."""
    import gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it stops the workers
    gc.collect()
    gc.freeze()  # what start-up made is never rescanned
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        try:
            answer = ("ok", fn(*args))
        except Exception as exc:  # a bug of ours: the request says so (E129); the worker goes on
            if os.environ.get("PERFXL_DEBUG"):
                import traceback
                traceback.print_exception(exc)
            answer = ("bug", f"{type(exc).__name__}")
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return
        del answer
        gc.collect()


class Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_work, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float = 120) -> None:
        """A worker answers once it has started; one that never does is a crash."""
        try:
            if not self.ready and self.conn.poll(timeout):
                self.ready = self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            pass
        if not self.ready:
            raise Crashed("启动失败", "could not start")

    def call(self, fn, args: tuple, timeout: float | None):
        """Run one task (blocking: the server calls it in a thread). Raises Timeout or Crashed;
        either way this worker is finished and the caller replaces it."""
        self.wait_ready()
        try:
            self.conn.send((fn, args))
            if not self.conn.poll(timeout):
                raise Timeout()
            kind, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.proc.join(1)
            code = self.proc.exitcode
            signalled = code is not None and code < 0
            raise Crashed(f"信号 {-code}" if signalled else f"退出码 {code}",
                          f"signal {-code}" if signalled else f"exit code {code}") from None
        if kind == "bug":
            raise Crashed("内部错误", "internal error")
        return payload

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                kill = True
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class Pool:
    """``workers`` processes; :meth:`run` waits for an idle one (first come, first served)."""

    def __init__(self, workers: int):
        self.size = max(1, workers)
        self.ctx = None
        self.idle: asyncio.Queue | None = None
        self.all: list[Worker] = []

    def start(self) -> None:
        """Start the workers, or take them over in this event loop (an app started again, a
        test's second app sharing them), all idle."""
        if self.ctx is None:
            self.ctx = context()
            self.all = [Worker(self.ctx) for _ in range(self.size)]
        self.idle = asyncio.Queue()
        for w in self.all:
            self.idle.put_nowait(w)

    async def run(self, fn, *args, timeout: float | None = None):
        """``fn(*args)`` in a worker process; raises :class:`Timeout` or :class:`Crashed`."""
        worker = await self.idle.get()
        try:
            return await to_thread.run_sync(worker.call, fn, args, timeout)
        except (Timeout, Crashed):  # (a request cancelled mid-task still waits for the answer: no worker is lost)
            worker = await to_thread.run_sync(self._replace, worker)
            raise
        finally:
            self.idle.put_nowait(worker)

    def _replace(self, worker: Worker) -> Worker:
        worker.stop(kill=True)
        fresh = Worker(self.ctx)
        self.all[self.all.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        for w in self.all:
            w.stop(kill=not w.ready)
        self.all.clear()
        self.idle, self.ctx = None, None
