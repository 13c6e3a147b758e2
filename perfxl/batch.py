"""``perfxl batch``: find the workbooks, check each one in a worker process, collect the rows.

Three parts, each small:

- :func:`collect` walks files and folders and says what it skipped (``~$`` lock files,
  perfxl's own outputs, everything that is not a spreadsheet);
- :func:`check_one` is the per-file work, the same pipeline as ``perfxl check`` (read,
  run every rule, the ``--format json`` view, optionally the result workbook);
- :func:`run` is a small process pool: each worker imports perfxl and loads the profile
  once, then checks file after file; a worker that runs past the time limit is killed and
  one that dies is replaced, and either way the file becomes one row of the roll-up.

Nothing here prints or exits: the CLI does that, the roll-up is drawn by
``perfxl/views/batch.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from perfxl.outputs import each_targets, is_review, is_rollup, review_targets
from perfxl.rollup import FileRow, duplicate_groups, settle_duplicates  # noqa: F401  (the batch's steps)
from perfxl.workbook.fatal import Fatal

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et")
OUTPUT_SUFFIX = ".perfxl"  # perfxl check writes <name>.perfxl.xlsx
REVIEW_SUFFIX = ".复核底稿"  # perfxl review writes <name>.复核底稿.xlsx (perfxl.views.files)


# -- finding the files ------------------------------------------------------------------

@dataclass
class Collected:
    files: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: {"lock": 0, "output": 0, "other": 0})


def skip_reason(path: str) -> str | None:
    """Why a file is not checked: ``lock``, ``output``, ``other`` — or None to check it."""
    name = os.path.basename(path)
    lower = name.lower()
    if name.startswith("~$"):
        return "lock"
    base, ext = os.path.splitext(lower)
    if ext not in SPREADSHEET_EXTENSIONS or name.startswith("."):
        return "other"
    if base.endswith((OUTPUT_SUFFIX, REVIEW_SUFFIX)):
        return "output"
    if ext in (".xlsx", ".xlsm") and (is_rollup(path) or is_review(path)):
        return "output"
    return None


def collect(paths, *, exclude: tuple[str, ...] = ()) -> Collected:
    """Every workbook under ``paths`` (files and folders, recursively), in a stable order.

    A path that does not exist stays in the list: the check reports it as a row. Hidden
    folders (``.git``…) are not entered; ``exclude`` (the roll-up being written) is skipped
    as perfxl output."""
    out = Collected()
    seen: set[str] = set()
    excluded = {os.path.realpath(p) for p in exclude}

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        seen.add(real)
        if real in excluded:
            out.skipped["output"] += 1
            return
        if os.path.isfile(path):
            reason = skip_reason(path)
        else:  # missing: the check says so in its row; a pipe or device: nothing to read
            reason = "other" if os.path.exists(path) else None
        if reason:
            out.skipped[reason] += 1
        else:
            out.files.append(path)

    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    add(os.path.normpath(os.path.join(folder, name)))
        else:
            add(path)
    return out


def duplicates(files: list[str]) -> dict[str, str]:
    """``{duplicate: original}`` for files whose bytes repeat another's (the same workbook copied
    under another name): the roll-up counts the original only (B101). The original is the
    earliest saved (modification time, then name): ``甲.xlsx`` and its later copy
    ``甲-再交一次.xlsx`` keep ``甲.xlsx`` whatever the names sort as. Only files of equal size are
    read, in chunks; the mapping is in the order of ``files``."""
    import hashlib

    by_size: dict[int, list[str]] = {}
    for path in _earliest_first(files):
        try:
            by_size.setdefault(os.path.getsize(path), []).append(path)
        except OSError:  # missing or unreadable: its row says so
            continue
    out: dict[str, str] = {}
    for size, same in by_size.items():
        if len(same) < 2 or size == 0:  # empty files are E103 rows, not units
            continue
        first: dict[str, str] = {}
        for path in same:
            digest = hashlib.sha256()
            try:
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
            except OSError:
                continue
            key = digest.hexdigest()
            if key in first:
                out[path] = first[key]
            else:
                first[key] = path
    return {path: out[path] for path in _earliest_first(files) if path in out}


def _earliest_first(files: list[str]) -> list[str]:
    def saved(path: str):
        try:
            return (os.stat(path).st_mtime_ns, path)
        except OSError:
            return (0, path)
    return sorted(files, key=saved)


# -- one file: the same pipeline as `perfxl check` -----------------------------------------

@dataclass(frozen=True)
class Options:
    """What every worker needs to check a file (sent to workers started by spawn as it is)."""

    profile_path: str | None = None
    lang: str = "zh"
    select_codes: tuple[str, ...] = ()
    ignore_codes: tuple[str, ...] = ()

    def settings(self):
        from perfxl.pipeline import settings
        return settings(self.profile_path, self.select_codes, self.ignore_codes, self.lang)


def check_one(path: str, run, write_to: str | None = None, review_to: str | None = None) -> FileRow:
    """Check ``path`` through the one pipeline (``perfxl check``'s), and with ``write_to`` write
    its result workbook, with ``review_to`` its 复核底稿 (``perfxl review``'s); return the file's
    row. A file that cannot be read is a row holding the very report ``check --format json``
    prints for it (its E finding and the same Chinese line); a result workbook or worksheet that
    may not be written is the row's note."""
    from perfxl.outputs import Write
    from perfxl.pipeline import check
    from perfxl.views.json_report import build, fatal_report

    start = time.perf_counter()
    try:
        done = check(path, run, write=Write(write_to) if write_to else None, keep_going=True)
    except Fatal as exc:
        return FileRow.failed(path, "unreadable", exc.finding, exc.key, run.lang,
                              report=fatal_report(exc, path, run.lang), seconds=time.perf_counter() - start)
    notes = []
    if done.write_error is not None:
        notes.append(("Result workbook not written: " if run.lang == "en" else "结果工作簿未写入：") +
                     done.write_error.line(run.lang))
    report = build(done.result, path, run.lang)
    review, worksheet = None, None
    if review_to is not None:
        review, worksheet, why = _review(done, run, review_to)
        report["review"] = review.brief(worksheet)
        if why:
            notes.append(why)
    return FileRow.of(done.result, path, run.lang, report=report, written=done.written,
                      note="；".join(notes) or None, review=review, worksheet=worksheet,
                      seconds=time.perf_counter() - start)


def _review(done, run, target: str):
    """The 复核底稿 of a checked file: (estimate, where it was written or None, why not or None)."""
    from perfxl.outputs import name_of, refuse_review_target
    from perfxl.review import estimate
    from perfxl.views.review import write_worksheet

    est = estimate(done.result, run.profile, done.file)
    try:
        refuse_review_target(target, done.file, force=False)
        write_worksheet(target, est, source=done.file)
    except Fatal as exc:
        return est, None, ("Worksheet not written: " if run.lang == "en" else "复核底稿未写入：") + exc.line(run.lang)
    except OSError as exc:
        from perfxl.excel.oserrors import reason
        stop = Fatal("E115", name=name_of(done.file), path=target, reason=reason(exc, run.lang))
        return est, None, ("Worksheet not written: " if run.lang == "en" else "复核底稿未写入：") + stop.line(run.lang)
    return est, target, None


def each_output(files: list[str], folder: str | None, roots: list[str] | None = None) -> dict[str, str]:
    """Where ``--write-each`` puts each result workbook (``perfxl.outputs.each_targets``); under
    ``folder`` the sub-folders are made (one that cannot be made is that file's note, E113)."""
    targets = each_targets(files, folder, roots)
    if folder is not None:
        for target in targets.values():
            try:
                os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
            except OSError:
                pass
    return targets


def each_review(files: list[str], folder: str | None, roots: list[str] | None = None) -> dict[str, str]:
    """Where ``--review`` puts each unit's 复核底稿 (``perfxl.outputs.review_targets``)."""
    return review_targets(files, folder, roots)


# -- the worker process -------------------------------------------------------------------

def _serve(conn, options: Options) -> None:
    """A worker: import and load once, then check whatever the parent sends until ``None``.
    Ctrl-C is the parent's to handle: it stops the workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        run = options.settings()
    except Exception as exc:  # the parent loaded the same profile; this only guards the impossible
        conn.send(("dead", f"{type(exc).__name__}: {exc}"))
        return
    import gc

    # As in `perfxl check`, no automatic cyclic collection while a file is checked (it would
    # rescan openpyxl's objects over and over); unlike one check, a worker lives on, so the
    # cycles a file leaves are collected once after it, and what start-up made is frozen
    # out of every collection.
    gc.disable()
    gc.collect()
    gc.freeze()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        path, write_to, review_to = task
        start = time.perf_counter()
        try:
            row = check_one(path, run, write_to, review_to)
        except Exception as exc:  # a bug of ours: a row that says so, and the worker goes on
            row = internal_row(path, exc, options.lang, time.perf_counter() - start)
        try:
            conn.send(("row", row))
        except (OSError, ValueError):
            return
        del row
        gc.collect()


def _failure(path: str, status: str, stop: Fatal, seconds: float, lang: str) -> FileRow:
    """A file the check did not finish: a row holding its E finding, in the shape of ``check
    --format json``'s report for a file that cannot be read."""
    from perfxl.views.json_report import fatal_report

    return FileRow.failed(path, status, stop.finding, stop.key, lang, report=fatal_report(stop, path, lang),
                          seconds=seconds)


def internal_row(path: str, exc: BaseException, lang: str, seconds: float) -> FileRow:
    """A bug of ours while checking one file (E129); the exception is named only with PERFXL_DEBUG."""
    if os.environ.get("PERFXL_DEBUG"):
        import traceback
        traceback.print_exception(exc)
    return _failure(path, "internal", Fatal("E129", name=show_name(path)), seconds, lang)


def timeout_row(path: str, seconds: float, lang: str = "zh") -> FileRow:
    return _failure(path, "timeout", Fatal("E137", name=show_name(path), seconds=f"{seconds:g}"), seconds, lang)


def crash_row(path: str, exitcode, seconds: float, lang: str = "zh") -> FileRow:
    signal = exitcode is not None and exitcode < 0
    how = f"信号 {-exitcode}" if signal else f"退出码 {exitcode}"
    how_en = f"signal {-exitcode}" if signal else f"exit code {exitcode}"
    return _failure(path, "crashed", Fatal("E138", name=show_name(path), how=how, how_en=how_en), seconds, lang)


def show_name(path: str) -> str:
    return os.path.basename(path) or path


def cpu_count() -> int:
    """The cores this process may use (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _context():
    """fork where it exists (workers inherit what the parent imported), else spawn
    (Windows, macOS): each worker then imports perfxl once. ``PERFXL_START_METHOD=spawn``
    forces one (tests run the Windows path on Linux with it)."""
    methods = multiprocessing.get_all_start_methods()
    forced = os.environ.get("PERFXL_START_METHOD")
    if forced in methods:
        return multiprocessing.get_context(forced)
    if sys.platform.startswith("linux") and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _preload() -> None:
    """Import the pipeline before forking: every worker then starts with it loaded (shared
    copy-on-write), and the imports are paid once for the whole run."""
    import perfxl.result  # noqa: F401
    import perfxl.review  # noqa: F401
    import perfxl.views.json_report  # noqa: F401
    import perfxl.views.review  # noqa: F401
    import perfxl.views.writer  # noqa: F401
    import perfxl.workbook.reader  # noqa: F401


class _Worker:
    def __init__(self, ctx, options: Options):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, options), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[str, str | None, str | None] | None = None
        self.started = 0.0
        self.ready = False

    def give(self, task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        if kill and self.task is not None and self.task[1]:  # killed while it may have been writing
            from perfxl.excel import atomic
            atomic.sweep(os.path.dirname(os.path.abspath(self.task[1])), again=True)


def run(files: list[str], *, jobs: int, timeout: float | None, options: Options,
        write_to: dict[str, str] | None = None, review_to: dict[str, str] | None = None):
    """Check ``files`` in ``jobs`` worker processes; yield one :class:`FileRow` per file, as
    each finishes (so the caller can show progress). Rows come in completion order; the
    caller sorts them. ``write_to``/``review_to``: where each file's result workbook and
    复核底稿 go (--write-each, --review)."""
    write_to, review_to = write_to or {}, review_to or {}
    pending = [(path, write_to.get(path), review_to.get(path)) for path in reversed(files)]
    if not pending:
        return
    ctx = _context()
    if ctx.get_start_method() == "fork":
        _preload()
    workers = [_Worker(ctx, options) for _ in range(max(1, min(jobs, len(files))))]
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.ready and w.task is None and pending:
                    w.give(pending.pop())
            now = time.monotonic()
            waits = [w.started + timeout - now for w in workers if w.task and timeout]
            ready = wait([w.conn for w in workers] + [w.proc.sentinel for w in workers],
                         timeout=max(0.0, min(waits)) if waits else None)
            for i, w in enumerate(workers):
                message = None
                if w.conn in ready or w.proc.sentinel in ready:
                    try:
                        if w.conn.poll():
                            message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is None and not w.proc.is_alive():
                        # died: the file it had is one row; a worker that dies at start-up is a bug
                        if w.task is None and not w.ready:
                            raise RuntimeError(f"worker exited at start-up (exit code {w.proc.exitcode})")
                        if w.task is not None:
                            yield crash_row(w.task[0], w.proc.exitcode, time.monotonic() - w.started, options.lang)
                        w.stop(kill=True)
                        workers[i] = _Worker(ctx, options)
                        continue
                if message is not None:
                    kind, payload = message
                    if kind == "ready":
                        w.ready = True
                    elif kind == "row":
                        w.task = None
                        yield payload
                    elif kind == "dead":
                        raise RuntimeError(payload)
                    continue
                if w.task and timeout and time.monotonic() - w.started >= timeout:
                    path = w.task[0]
                    w.stop(kill=True)
                    workers[i] = _Worker(ctx, options)
                    yield timeout_row(path, timeout, options.lang)
    finally:
        for w in workers:
            w.stop(kill=w.task is not None)
