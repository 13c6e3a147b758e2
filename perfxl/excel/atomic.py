"""Temp files beside an output, registered BEFORE they exist, so an interrupted run removes them.

A signal can arrive between creating a file and remembering its name (inside ``mkstemp``); a name
chosen and registered first, then created exclusively, closes that gap: whatever the moment of the
interruption, ``remove_all()`` leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets

_live: set[str] = set()
_live_dirs: set[str] = set()  # scratch folders, registered before they exist (as temp files are)


def new_temp(folder: str, suffix: str) -> str:
    """Create an empty hidden temp file in ``folder`` and return its path (registered). Its
    name carries this process's id and host (``.perfxl-<pid>-<host>-<token>.xlsx``), so that
    ``sweep`` can tell a leftover of a killed run from the file of a run still writing."""
    while True:
        path = os.path.join(folder, f"{_prefix()}{secrets.token_hex(6)}{suffix}")
        _live.add(path)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:  # another file's name (not ours): choose again
            _live.discard(path)
            continue
        # From here the file is ours; an interruption (even inside os.open, after the file was
        # made) leaves it registered, and remove_all() removes it.
        os.close(fd)
        return path


def _prefix() -> str:
    return f".perfxl-{os.getpid()}-{_host()}-"


_HOST: list[str] = []


def _host() -> str:
    """Six hex digits for this host: its name, and on Linux its process-id namespace, so two
    processes with the same tag see each other's ids (a container sharing the folder does not)."""
    if not _HOST:
        import hashlib
        import socket

        where = socket.gethostname()
        try:
            where += f"/{os.stat('/proc/self/ns/pid').st_ino}"
        except OSError:
            pass
        _HOST.append(hashlib.sha1(where.encode("utf-8", "replace")).hexdigest()[:6])
    return _HOST[0]


_swept: set[str] = set()
_LEGACY_AGE = 24 * 3600  # seconds: older perfxl named temp files without a process id


def sweep(folder: str, *, again: bool = False) -> list[str]:
    """Remove the temp files and folders perfxl runs left in ``folder`` when they were killed
    (``kill -9``, a batch worker past its time limit, power loss); return what was removed.

    Only names perfxl makes are touched, and only those of a process of this host that no longer
    exists: a live run's file, or one from another machine sharing the folder, is never removed.
    Names from versions without a process id are removed when a day old (no write takes that
    long). Once per folder and process unless ``again`` (a folder of 10,000 workbooks is not
    listed for each of them); never raises."""
    import re
    import shutil
    import time

    key = os.path.normcase(os.path.abspath(folder))
    if key in _swept and not again:
        return []
    _swept.add(key)
    removed = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".perfxl-")]
    except OSError:
        return removed
    host = _host()
    for name in names:
        path = os.path.join(folder, name)
        ours = re.fullmatch(r"\.perfxl-(\d+)-([0-9a-f]{6})-[0-9a-f]{12}(?:\.\w+)?", name)
        try:
            if ours:
                if ours.group(2) != host or _alive(int(ours.group(1))):
                    continue
            elif not (re.fullmatch(r"\.perfxl-[0-9a-f]{12}\.(?:xlsx|xlsm|docx)", name)
                      and time.time() - os.lstat(path).st_mtime > _LEGACY_AGE):
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
            removed.append(path)
        except (OSError, ValueError):  # gone meanwhile, or not ours to remove: leave it
            continue
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host; True when that cannot be told."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: another user's live process
        return True
    return True


def _alive_windows(pid: int) -> bool:
    try:
        import ctypes
        from ctypes import wintypes

        kernel = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
        try:
            code = wintypes.DWORD()
            if not kernel.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel.CloseHandle(handle)
    except Exception:  # no ctypes, another platform: keep the file
        return True


class scratch:
    """``with scratch(folder):`` — the system's temp folder, for the libraries that write
    there, is a private folder in ``folder`` while the block runs.

    openpyxl writes each worksheet to a file in the system's temp folder before zipping it and
    removes it only when the save succeeds (or at interpreter exit: never for a batch worker,
    which ends with ``os._exit`` or is killed). Inside the block those files go to
    ``.perfxl-<pid>-<host>-<token>.tmp/`` beside the output, removed however the block ends,
    and swept (``sweep``) after a ``kill -9``."""

    def __init__(self, folder: str):
        self.folder = folder
        self.path: str | None = None
        self._before = None

    def __enter__(self) -> str:
        import tempfile

        while True:
            path = os.path.join(self.folder, f"{_prefix()}{secrets.token_hex(6)}.tmp")
            _live_dirs.add(path)  # an interruption from here on: remove_all() removes it
            try:
                os.mkdir(path)
                break
            except FileExistsError:
                _live_dirs.discard(path)
                continue
        self.path, self._before = path, tempfile.tempdir
        tempfile.tempdir = path
        return path

    def __exit__(self, *exc) -> bool:
        import shutil
        import tempfile

        tempfile.tempdir = self._before
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            _live_dirs.discard(self.path)
        return False


def replace(tmp: str, target: str) -> None:
    """Move a finished temp file over its target (atomic on one file system)."""
    os.replace(tmp, target)
    _live.discard(tmp)


def discard(tmp: str | None) -> None:
    """Remove a temp file that will not be used."""
    if tmp is None:
        return
    try:
        os.remove(tmp)
    except OSError:
        pass
    _live.discard(tmp)


def remove_all() -> None:
    """Remove every temp file and scratch folder this process created and did not move into place."""
    import shutil

    for path in list(_live):
        discard(path)
    for path in list(_live_dirs):
        shutil.rmtree(path, ignore_errors=True)
        _live_dirs.discard(path)


class replacing:
    """``with replacing(target, ".xlsx") as tmp:`` write ``tmp``, a registered temp file in the
    target's folder. A normal exit moves it over ``target`` atomically; any exception (an
    OSError such as a full disk raised when the file is closed, Ctrl-C, SIGTERM's SystemExit)
    removes it and goes on: the target is whole, old or new, never half written. (A class,
    as ``contextlib.closing`` is: the exit must see the exception to decide.)"""

    def __init__(self, target: str, suffix: str):
        self.target, self.suffix, self.tmp = target, suffix, None

    def __enter__(self) -> str:
        folder = os.path.dirname(os.path.abspath(self.target))
        sweep(folder)  # what killed runs left here
        self.tmp = new_temp(folder, self.suffix)
        return self.tmp

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is not None:
            discard(self.tmp)
            return False  # the exception goes on to the caller
        try:
            replace(self.tmp, self.target)
        except BaseException:  # the move itself failed (a locked target): no temp file stays
            discard(self.tmp)
            raise
        return False
