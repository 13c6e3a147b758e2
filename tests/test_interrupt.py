"""A run stopped while it writes (Ctrl-C, SIGTERM) leaves no temp file and no half-written
output beside the input, says so in one line that names the file, and exits 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import said
from layouts import Book, Proj, build


def _wait_for_temp(folder, proc, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(name.startswith(".") for name in os.listdir(folder)):
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_e128_interrupted_write_leaves_nothing_behind(tmp_path, sig):
    path = tmp_path / "big.xlsx"
    build(Book(projects=[Proj(sheet=f"项目{i}", name=f"项目{i}") for i in range(1, 41)]), path, "national")
    before = path.read_bytes()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PERFXL_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "perfxl", "check", str(path)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = _wait_for_temp(tmp_path, proc)
        if seen:
            proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen, "the run ended before its temp file appeared"
    text = err.decode("utf-8")
    assert proc.returncode == 2, text
    assert said(text, "E128") and "中断" in text and "big.xlsx" in text and "Traceback" not in text
    assert sorted(os.listdir(tmp_path)) == ["big.xlsx"]
    assert path.read_bytes() == before
