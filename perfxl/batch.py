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

from perfxl.excel.package import defines_name
from perfxl.views.batch import BATCH_NAME, FileRow

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et")
OUTPUT_SUFFIX = ".perfxl"  # perfxl check writes <name>.perfxl.xlsx


# -- finding the files ------------------------------------------------------------------

@dataclass
class Collected:
    files: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: {"lock": 0, "output": 0, "other": 0})


def is_batch_output(path: str) -> bool:
    """A roll-up written by ``perfxl batch`` (under any name): its workbook names ``_perfxl_batch``."""
    return defines_name(path, BATCH_NAME)


def skip_reason(path: str) -> str | None:
    """Why a file is not checked: ``lock``, ``output``, ``other`` — or None to check it."""
    name = os.path.basename(path)
    lower = name.lower()
    if name.startswith("~$"):
        return "lock"
    base, ext = os.path.splitext(lower)
    if ext not in SPREADSHEET_EXTENSIONS or name.startswith("."):
        return "other"
    if base.endswith(OUTPUT_SUFFIX):
        return "output"
    if ext in (".xlsx", ".xlsm") and is_batch_output(path):
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
    """``{duplicate: original}`` for files whose bytes repeat an earlier file's (the same
    workbook copied under another name): the roll-up counts the original only (B101). Only
    files of equal size are read, in chunks."""
    import hashlib

    by_size: dict[int, list[str]] = {}
    for path in files:
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
    return {path: out[path] for path in files if path in out}


def duplicate_groups(repeated: dict[str, str]) -> list[list[str]]:
    """The files of equal bytes, each group in the order of ``files`` (original first)."""
    groups: dict[str, list[str]] = {}
    for dup, first in repeated.items():
        groups.setdefault(first, [first]).append(dup)
    return list(groups.values())


def settle_duplicates(rows, repeated: dict[str, str]) -> None:
    """Mark B101 duplicates among the files that were read: in each group of equal bytes the
    first file (in the order given) that was checked is counted, the other checked ones point to
    it. A file that was not checked (unreadable, timed out…) is never a duplicate nor an
    original: it stays a row of its own, 无法检查, whatever its bytes."""
    by_file = {row.file: row for row in rows}
    for group in duplicate_groups(repeated):
        members = [by_file[f] for f in group if f in by_file]
        for row in members:
            row.duplicate_of = None
        read = [row for row in members if row.checked]
        for row in read[1:]:
            row.duplicate_of = read[0].file


# -- one file: the same pipeline as `perfxl check` -----------------------------------------

@dataclass(frozen=True)
class Options:
    profile_path: str | None = None
    lang: str = "zh"
    select_codes: tuple[str, ...] = ()
    ignore_codes: tuple[str, ...] = ()


def check_one(path: str, profile, options: Options, write_to: str | None = None) -> FileRow:
    """Read, check and (with ``write_to``) write the result workbook, as ``perfxl check`` does;
    return the file's row. A file that cannot be read is a row holding the very report
    ``check --format json`` prints for it (its E finding and the same Chinese line)."""
    from perfxl.model import finding
    from perfxl.result import run_checks
    from perfxl.rules.catalogue import RULES, select
    from perfxl.views.json_report import build, fatal_report
    from perfxl.workbook.reader import ReadError, read_workbook

    start = time.perf_counter()
    try:
        model = read_workbook(path)
    except ReadError as exc:
        report = fatal_report(exc, path, options.lang)
        return FileRow(path, "unreadable", report=report, error=dict(report["error"]),
                       seconds=time.perf_counter() - start)
    lost: list[str] = []
    note = None
    if write_to is not None:
        note = _refuse_output(path, write_to, options.lang)
        if note is None:
            lost = _losses(path, getattr(model, "scans", None))
        else:
            write_to = None
    result = run_checks(model, profile, select_codes=options.select_codes, ignore_codes=options.ignore_codes)
    if lost and "R119" in select(list(RULES), options.select_codes, options.ignore_codes):
        for part in lost:
            result.findings.append(finding("R119", None, None, part=part))
    written = None
    if write_to is not None:
        try:
            from perfxl.views.writer import write_result
            write_result(path, write_to, result)
            written = write_to
        except ReadError as exc:  # openpyxl cannot load what the check could read
            note = _not_written(exc, options.lang)
        except OSError as exc:
            from perfxl.excel.oserrors import reason
            note = _not_written(ReadError("E115", path=write_to, reason=reason(exc, options.lang)), options.lang)
    return FileRow(path, "checked", report=build(result, path, options.lang), written=written, note=note,
                   seconds=time.perf_counter() - start)


def _not_written(exc, lang: str) -> str:
    return ("Result workbook not written: " if lang == "en" else "结果工作簿未写入：") + exc.line(lang)


def _refuse_output(path: str, target: str, lang: str) -> str | None:
    """Why the result workbook may not be written (the refusals of ``perfxl check``), or None."""
    from perfxl.workbook.reader import ReadError

    folder, name = os.path.split(os.path.abspath(target))
    if os.path.abspath(target) == os.path.abspath(path):
        return _not_written(ReadError("E111"), lang)
    if os.path.exists(os.path.join(folder, "~$" + name)):
        return _not_written(ReadError("E112", path=target), lang)
    if not os.path.isdir(folder):
        return _not_written(ReadError("E113", folder=folder), lang)
    return None


def _losses(path: str, scans) -> list[str]:
    from perfxl.excel.package import losses
    try:
        return losses(path, scans=scans)  # the reader's scans: no worksheet part is read again
    except Exception:  # the reader already accepted the file; a package oddity only limits this report
        return []


def each_output(files: list[str], folder: str | None) -> dict[str, str]:
    """Where ``--write-each`` puts each result workbook: beside its input, or in ``folder``
    (a name that two inputs share gets -2, -3… so no result overwrites another)."""
    from perfxl.views.writer import output_path

    targets: dict[str, str] = {}
    used: set[str] = set()
    for path in files:
        target = output_path(path)
        if folder is not None:
            target = os.path.join(folder, os.path.basename(target))
        base, ext = os.path.splitext(target)
        n = 2
        while os.path.normcase(os.path.abspath(target)) in used:
            target = f"{base}-{n}{ext}"
            n += 1
        used.add(os.path.normcase(os.path.abspath(target)))
        targets[path] = target
    return targets


# -- the worker process -------------------------------------------------------------------

def _serve(conn, options: Options) -> None:
    """A worker: import and load once, then check whatever the parent sends until ``None``.
    Ctrl-C is the parent's to handle: it stops the workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from perfxl.scoring.profile import load_profile
        profile = load_profile(options.profile_path)
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
        path, write_to = task
        start = time.perf_counter()
        try:
            row = check_one(path, profile, options, write_to)
        except Exception as exc:  # a bug of ours: a row that says so, and the worker goes on
            row = internal_row(path, exc, options.lang, time.perf_counter() - start)
        try:
            conn.send(("row", row))
        except (OSError, ValueError):
            return
        del row
        gc.collect()


def _failure(path: str, status: str, key: str, message: str, seconds: float) -> FileRow:
    """A file the check did not finish: the shape of ``check --format json``'s report for an
    unreadable file, with no finding (the check never ran to make one)."""
    from perfxl.excel.show import path as shown

    error = {"code": key, "rule": None, "message": message}
    report = {"file": shown(path), "unit": None, "projects": [], "summary": None, "findings": [], "error": error}
    return FileRow(path, status, report=report, error=dict(error), seconds=seconds)


def internal_row(path: str, exc: BaseException, lang: str, seconds: float) -> FileRow:
    if lang == "en":
        message = (f"Internal error ({type(exc).__name__}: {exc}): send the file and this line to the maintainers; "
                   "perfxl check on the file alone shows it again.")
    else:
        message = (f"内部错误（{type(exc).__name__}: {exc}）：请把该文件和这行信息发给维护者；"
                   "可单独运行 perfxl check 该文件复现。")
    return _failure(path, "internal", "internal_error", message, seconds)


def timeout_row(path: str, seconds: float, lang: str = "zh") -> FileRow:
    if lang == "en":
        message = (f"The check did not finish within {seconds:g} s and was stopped (the file may be very large or odd): "
                   "run perfxl check on it alone, or allow more time with --timeout.")
    else:
        message = (f"检查超过 {seconds:g} 秒仍未完成，已停止（文件可能过大或结构异常）："
                   "请单独运行 perfxl check 该文件，或用 --timeout 放宽时限。")
    return _failure(path, "timeout", "timeout", message, seconds)


def crash_row(path: str, exitcode, seconds: float, lang: str = "zh") -> FileRow:
    if lang == "en":
        how = f"exit code {exitcode}" if exitcode is None or exitcode >= 0 else f"signal {-exitcode}"
        message = (f"The worker checking this file stopped unexpectedly ({how}; out of memory, or an odd file): "
                   "run perfxl check on it alone to see more.")
    else:
        how = f"退出码 {exitcode}" if exitcode is None or exitcode >= 0 else f"信号 {-exitcode}"
        message = (f"检查该文件的工作进程意外退出（{how}，可能是内存不足或文件异常）："
                   "请单独运行 perfxl check 该文件查看。")
    return _failure(path, "crashed", "worker_crashed", message, seconds)


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
    import perfxl.views.json_report  # noqa: F401
    import perfxl.views.writer  # noqa: F401
    import perfxl.workbook.reader  # noqa: F401


class _Worker:
    def __init__(self, ctx, options: Options):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, options), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[str, str | None] | None = None
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
        write_to: dict[str, str] | None = None):
    """Check ``files`` in ``jobs`` worker processes; yield one :class:`FileRow` per file, as
    each finishes (so the caller can show progress). Rows come in completion order; the
    caller sorts them."""
    write_to = write_to or {}
    pending = [(path, write_to.get(path)) for path in reversed(files)]
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
