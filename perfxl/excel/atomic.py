"""Temp files beside an output, registered BEFORE they exist, so an interrupted run removes them.

A signal can arrive between creating a file and remembering its name (inside ``mkstemp``); a name
chosen and registered first, then created exclusively, closes that gap: whatever the moment of the
interruption, ``remove_all()`` leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets

_live: set[str] = set()


def new_temp(folder: str, suffix: str) -> str:
    """Create an empty hidden temp file in ``folder`` and return its path (registered)."""
    while True:
        path = os.path.join(folder, f".perfxl-{secrets.token_hex(6)}{suffix}")
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
    """Remove every temp file this process created and did not move into place."""
    for path in list(_live):
        discard(path)


class replacing:
    """``with replacing(target, ".xlsx") as tmp:`` write ``tmp``, a registered temp file in the
    target's folder. A normal exit moves it over ``target`` atomically; any exception (an
    OSError such as a full disk raised when the file is closed, Ctrl-C, SIGTERM's SystemExit)
    removes it and goes on: the target is whole, old or new, never half written. (A class,
    as ``contextlib.closing`` is: the exit must see the exception to decide.)"""

    def __init__(self, target: str, suffix: str):
        self.target, self.suffix, self.tmp = target, suffix, None

    def __enter__(self) -> str:
        self.tmp = new_temp(os.path.dirname(os.path.abspath(self.target)), self.suffix)
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
