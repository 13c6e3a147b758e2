"""atomic.replacing: the target is replaced whole on a normal exit, and on any exception
(a full disk when a file is closed, Ctrl-C) it is left as it was and no temp file stays."""

from __future__ import annotations

import errno
import os
import zipfile

import pytest

from layouts import Book, Proj, build
from perfxl.excel import atomic


def _zip_failing_at_close(path: str) -> None:
    """Writes a part, then fails as a full disk does when the zip's directory is flushed."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "new")
        real = z.fp.write

        def full(data):
            real(data[:1])
            raise OSError(errno.ENOSPC, "No space left on device")
        z.fp.write = full


def test_a_normal_exit_replaces_the_target(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with atomic.replacing(str(target), ".xlsx") as tmp:
        assert os.path.dirname(tmp) == str(tmp_path) and tmp.endswith(".xlsx") and os.path.exists(tmp)
        with open(tmp, "wb") as f:
            f.write(b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.xlsx"] and tmp not in atomic._live


@pytest.mark.parametrize("stop", [ValueError("bad"), KeyboardInterrupt(), SystemExit(2)], ids=repr)
def test_an_exception_removes_the_temp_and_goes_on(tmp_path, stop):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(type(stop)):
        with atomic.replacing(str(target), ".xlsx") as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half")
            raise stop
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.xlsx"] and tmp not in atomic._live


def test_a_full_disk_at_close_leaves_the_target_as_it_was(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(OSError) as exc:
        with atomic.replacing(str(target), ".xlsx") as tmp:
            _zip_failing_at_close(tmp)
    assert exc.value.errno == errno.ENOSPC
    assert os.listdir(tmp_path) == [] and tmp not in atomic._live


def test_a_full_disk_in_the_result_write_leaves_no_file(run, tmp_path, monkeypatch):
    """The writer's last step (the cached values) fails on a full disk: the report, then one
    line, exit 3 (checked, not written), the input unchanged, no result and no temp file beside it."""
    path = tmp_path / "in.xlsx"
    build(Book([Proj()]), path)
    before = path.read_bytes()

    def full(p, values):
        _zip_failing_at_close(p)

    monkeypatch.setattr("perfxl.views.writer.write_cached_values", full)
    r = run("check", path)
    assert r.exit_code == 3 and "Traceback" not in r.output and "磁盘已满" in r.stderr
    assert os.listdir(tmp_path) == ["in.xlsx"] and path.read_bytes() == before
