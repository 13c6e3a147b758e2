"""Where the page keeps what it was given, and for how long: one private folder (mode 0700)
for the server, one sub-folder per request under an unguessable token, each removed with
everything in it after ``--keep`` minutes (or at once, when nothing is left to download), and
the whole folder when the server stops. Nothing is kept anywhere else.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field


@dataclass
class Job:
    """One request's results, found by its token."""

    token: str
    folder: str
    kind: str  # check | batch
    created: float = field(default_factory=time.monotonic)
    name: str = ""  # the workbook as the user named it (check)
    source: str | None = None  # the stored upload, kept for the downloads made from it (check)
    profile: str | None = None  # the stored profile, and its name as uploaded
    profile_name: str | None = None
    stop: dict | None = None  # the check could not be made: its lines
    reports: dict = field(default_factory=dict)  # lang -> the JSON view (check)
    made: dict = field(default_factory=dict)  # download -> path, once made
    users: int = 0  # downloads in progress: the job is not removed under them
    # batch
    total: int = 0
    done: int = 0
    rows: list = field(default_factory=list)
    totals: object = None
    rollup: str | None = None
    rollup_stop: dict | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Store:
    def __init__(self, keep_seconds: float):
        self.keep = keep_seconds
        self.root = tempfile.mkdtemp(prefix="perfxl-web-")  # 0700: only the server's user reads it
        self.jobs: dict[str, Job] = {}

    def folder(self) -> tuple[str, str]:
        """A new private folder for one request, and its token."""
        token = secrets.token_urlsafe(24)
        path = os.path.join(self.root, token)
        os.mkdir(path, 0o700)
        return token, path

    def add(self, job: Job) -> Job:
        self.jobs[job.token] = job
        return job

    def get(self, token: str) -> Job | None:
        job = self.jobs.get(token)
        if job is not None and self.expired(job):
            return None
        return job

    def expired(self, job: Job, now: float | None = None) -> bool:
        return (now or time.monotonic()) - job.created > self.keep

    def sweep(self) -> int:
        """Remove what has expired: jobs, and folders of requests that never became one."""
        now = time.monotonic()
        removed = 0
        for token, job in list(self.jobs.items()):
            if self.expired(job, now) and not job.users:
                del self.jobs[token]
                remove(job.folder)
                removed += 1
        try:
            names = os.listdir(self.root)
        except OSError:
            return removed
        wall = time.time()
        for name in names:
            path = os.path.join(self.root, name)
            if name not in self.jobs:
                try:
                    stale = wall - os.stat(path).st_mtime > self.keep
                except OSError:
                    continue
                if stale:
                    remove(path)
        return removed

    def close(self) -> None:
        self.jobs.clear()
        remove(self.root)


def remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
    try:
        os.remove(path)
    except OSError:
        pass
