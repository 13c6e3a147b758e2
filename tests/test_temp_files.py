"""No temporary file outlives a run, whatever stops it.

perfxl's own temp files carry the process id and host (``.perfxl-<pid>-<host>-<token>.xlsx``);
every write sweeps the folder of what killed runs left (``kill -9``, a batch worker past its
time limit), never a live run's file. The libraries' own temp files never reach $TMPDIR:
XlsxWriter assembles in memory, openpyxl's per-sheet files go to a private folder beside the
output that is removed however the save ends."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from layouts import Book, Proj, build
from perfxl.excel import atomic

OURS = re.compile(r"\.perfxl-(\d+)-([0-9a-f]{6})-[0-9a-f]{12}\.xlsx")
needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods()
                                or not sys.platform.startswith("linux"),
                                reason="the test patches the worker through fork")


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leftover(folder, pid: int, host: str | None = None, suffix: str = ".xlsx") -> str:
    name = f".perfxl-{pid}-{host or atomic._host()}-{os.urandom(6).hex()}{suffix}"
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(b"PK half a workbook")
    return path


def _hidden(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


def test_temp_names_carry_the_process_and_host(tmp_path):
    path = atomic.new_temp(str(tmp_path), ".xlsx")
    try:
        m = OURS.fullmatch(os.path.basename(path))
        assert m and int(m.group(1)) == os.getpid() and m.group(2) == atomic._host()
    finally:
        atomic.discard(path)


def test_sweep_removes_only_what_gone_processes_left(tmp_path):
    dead = _dead_pid()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        gone = _leftover(tmp_path, dead)
        gone_dir = os.path.join(tmp_path, f".perfxl-{dead}-{atomic._host()}-{'ab' * 6}.tmp")
        os.mkdir(gone_dir)
        open(os.path.join(gone_dir, "openpyxl.x.xml"), "w").close()
        mine = _leftover(tmp_path, os.getpid())
        running = _leftover(tmp_path, sleeper.pid)
        elsewhere = _leftover(tmp_path, dead, host="000000" if atomic._host() != "000000" else "111111")
        old = os.path.join(tmp_path, ".perfxl-0123456789ab.xlsx")  # named by an earlier version
        recent = os.path.join(tmp_path, ".perfxl-ba9876543210.docx")
        for p in (old, recent):
            open(p, "w").close()
        two_days = time.time() - 2 * 24 * 3600
        os.utime(old, (two_days, two_days))
        (tmp_path / "2025.xlsx").write_bytes(b"the user's")
        (tmp_path / ".perfxl-notes.txt").write_text("not ours")
        removed = atomic.sweep(str(tmp_path))
        assert sorted(removed) == sorted([gone, gone_dir, old])
        assert sorted(os.listdir(tmp_path)) == sorted(
            os.path.basename(p) for p in (mine, running, elsewhere, recent, tmp_path / "2025.xlsx",
                                          tmp_path / ".perfxl-notes.txt"))
        again = _leftover(tmp_path, dead)
        assert atomic.sweep(str(tmp_path)) == []  # once per folder and process…
        assert atomic.sweep(str(tmp_path), again=True) == [again]  # …unless asked again
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.parametrize("command", ["check", "in-place", "report", "batch"])
def test_a_later_write_removes_what_a_killed_run_left(run, tmp_path, command):
    path = tmp_path / "2025.xlsx"
    build(Book([Proj()]), path)
    left = [_leftover(tmp_path, _dead_pid()), _leftover(tmp_path, _dead_pid(), suffix=".docx")]
    args = {"check": ["check", path], "in-place": ["check", path, "--in-place"], "report": ["report", path],
            "batch": ["batch", path, "-o", tmp_path / "汇总.xlsx", "-j", "1"]}[command]
    r = run(*args)
    assert r.exit_code in (0, 1), r.output
    assert not any(os.path.exists(p) for p in left)
    assert _hidden(tmp_path) == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9")
def test_kill_9_during_in_place_then_a_later_run_leaves_nothing(tmp_path):
    path = tmp_path / "big.xlsx"
    build(Book(projects=[Proj(sheet=f"项目{i}", name=f"项目{i}") for i in range(1, 31)]), path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "perfxl", "check", str(path), "--in-place"], cwd=tmp_path,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = False
    end = time.monotonic() + 120
    try:
        while time.monotonic() < end and proc.poll() is None:
            if any(OURS.fullmatch(n) for n in os.listdir(tmp_path)):
                proc.send_signal(signal.SIGKILL)
                seen = True
                break
            time.sleep(0.002)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen, "the run ended before its temp file appeared"
    r = subprocess.run([sys.executable, "-m", "perfxl", "check", str(path), "--in-place"], cwd=tmp_path, env=env,
                       capture_output=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr.decode("utf-8")
    assert _hidden(tmp_path) == []  # the killed run's temp file (and folder) went with the second write
    assert "big.xlsx" in os.listdir(tmp_path)


def _writes_forever(input_path, output, result):
    """A result workbook that never finishes: the worker is killed at the time limit."""
    atomic.new_temp(os.path.dirname(os.path.abspath(output)), ".xlsx")
    time.sleep(60)


@needs_fork
def test_batch_worker_killed_while_writing_leaves_nothing(run, tmp_path, monkeypatch):
    from perfxl.views import writer

    monkeypatch.setattr(writer, "write_result", _writes_forever)  # workers are forked: they see the patch
    units, out = tmp_path / "units", tmp_path / "results"
    units.mkdir()
    build(Book([Proj()]), units / "甲单位.xlsx")
    r = run("batch", units, "-o", tmp_path / "汇总.xlsx", "--write-each", "-d", out, "--timeout", "2",
            "--format", "json")
    rows = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert rows[0]["error"]["code"] == "timeout"
    assert _hidden(out) == [] and _hidden(units) == [] and _hidden(tmp_path) == []


# -- the libraries' temp files --------------------------------------------------------------

def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_failed_save_leaves_nothing_in_tmpdir_or_beside_the_output(run, tmp_path, monkeypatch, tmpdir_left_empty):
    """openpyxl writes each worksheet to a file in $TMPDIR first and, when the save fails,
    leaves it there (until the interpreter exits: never, for a batch worker)."""
    from openpyxl.worksheet._writer import WorksheetWriter

    path = tmp_path / "2025.xlsx"
    build(Book([Proj()]), path)
    monkeypatch.setattr(WorksheetWriter, "write_rows", _no_space)
    r = run("check", path)
    assert r.exit_code == 3 and "2025.perfxl.xlsx" in r.output  # checked, not written
    assert sorted(os.listdir(tmp_path)) == ["2025.xlsx"]


def test_failed_roll_up_and_init_leave_nothing_in_tmpdir(run, tmp_path, monkeypatch, tmpdir_left_empty):
    """XlsxWriter writes each part to a file in $TMPDIR before zipping and leaves them when the
    package fails half-way (the roll-up of a non-UTF-8 name did)."""
    from xlsxwriter.packager import Packager

    path = tmp_path / "2025.xlsx"
    build(Book([Proj()]), path)
    monkeypatch.setattr(Packager, "_write_shared_strings_file", _no_space)
    r = run("batch", path, "-o", tmp_path / "汇总.xlsx", "-j", "1")
    assert r.exit_code == 3 and "汇总.xlsx" in r.output  # the summary printed, the roll-up not written
    r = run("init", tmp_path / "new.xlsx")
    assert r.exit_code == 2 and "new.xlsx" in r.output
    assert sorted(os.listdir(tmp_path)) == ["2025.xlsx"]
