"""What an administrator sets for ``perfxl serve``: the limits of one upload, the workers, how
long results are kept. One frozen object, passed to the app; the options of the command fill it."""

from __future__ import annotations

from dataclasses import dataclass

MB = 2**20


@dataclass(frozen=True)
class Config:
    workers: int = 2  # worker processes: files checked at the same time
    queue: int = 30  # requests that may wait for a worker; beyond that the page says "busy" (503)
    timeout: float = 60.0  # seconds for one file (as batch --timeout); the worker is then replaced
    max_mb: float = 20  # one uploaded file (a zip's workbooks too)
    max_files: int = 30  # files in one upload, a zip's workbooks counted
    max_total_mb: float = 100  # one upload in all
    keep_minutes: float = 10  # uploads and downloads, then deleted
    local_only: bool = True  # bound to 127.0.0.1: only Host: localhost/127.0.0.1 is answered

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * MB)

    @property
    def max_total_bytes(self) -> int:
        return int(self.max_total_mb * MB)

    @property
    def keep_seconds(self) -> float:
        return self.keep_minutes * 60

    @property
    def admitted(self) -> int:
        """Requests in progress at most (checking or waiting); the next one is told the server is busy."""
        return self.workers + self.queue


def size(n: float) -> str:
    """``20 MB``, ``0.5 MB``: a limit as people read it."""
    mb = n / MB
    return f"{mb:.0f} MB" if mb >= 1 and mb == int(mb) else f"{mb:.2g} MB"
