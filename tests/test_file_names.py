"""File names in any encoding the file system gives. A zip archive made on Windows holds GBK
names; unpacked on Linux, such a name reaches Python as a str with surrogate escapes, which
no encoder (terminal, JSON, .docx, the roll-up's .xlsx) accepts. Every writer shows it through
one helper (``perfxl.excel.show.path``): the GBK name where the bytes are GBK, U+FFFD where
they are nothing; the file itself is opened and written beside by its own bytes."""

from __future__ import annotations

import json
import os
import sys
import zipfile

import pytest
from openpyxl import load_workbook

from layouts import Book, Proj, build
from perfxl.excel.show import path as shown

GBK_NAME = "单位甲".encode("gbk") + b".xlsx"  # not UTF-8


def _named(tmp_path, raw: bytes, book: Book | None = None) -> str:
    """A workbook whose name is the bytes ``raw``; skipped where names must be UTF-8."""
    src = tmp_path / "src.xlsx"
    build(book or Book([Proj()]), src)
    target = os.path.join(os.fsencode(tmp_path), raw)
    try:
        os.rename(os.fsencode(src), target)
    except OSError:
        pytest.skip("this file system holds UTF-8 names only")
    return os.fsdecode(target)


def test_shown_path_decodes_gbk_and_replaces_the_rest():
    gbk = os.fsdecode(b"in/" + GBK_NAME)
    assert "\udcb5" in gbk  # what Linux gives Python for the GBK bytes
    assert shown(gbk) == "in/单位甲.xlsx"
    assert shown(os.fsdecode(b"in/\xff\xfe.xlsx")) == "in/\ufffd\ufffd.xlsx"
    assert shown("普通/文件.xlsx") == "普通/文件.xlsx"
    assert shown(os.fsdecode("目录/".encode() + GBK_NAME)) == "目录/单位甲.xlsx"  # each part on its own
    for name in (gbk, os.fsdecode(b"\xff.xlsx"), "\ud800.xlsx"):
        shown(name).encode("utf-8")  # whatever the name, any writer takes what is shown


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are always Unicode")
def test_check_text_json_and_result_workbook(run, tmp_path):
    path = _named(tmp_path, GBK_NAME)
    r = run("check", path)
    assert r.exit_code == 0, r.output
    assert "单位甲.xlsx" in r.output and "单位甲.perfxl.xlsx" in r.output
    assert os.path.exists(os.path.join(os.fsencode(tmp_path), "单位甲".encode("gbk") + b".perfxl.xlsx"))
    r = run("check", path, "--format", "json", "--no-write")
    assert json.loads(r.output)["file"].endswith("单位甲.xlsx")
    missing = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff\xfe.xlsx"))
    r = run("check", missing, "--format", "json")
    assert r.exit_code == 2 and "\ufffd\ufffd.xlsx" in json.loads(r.output)["error"]["message"]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are always Unicode")
def test_report_writes_the_docx_beside_and_names_the_workbook(run, tmp_path):
    book = Book([Proj(total=99)])  # an error: the report's notice names the workbook
    path = _named(tmp_path, GBK_NAME, book)
    r = run("report", path)
    assert r.exit_code == 1, r.output
    assert "单位甲.docx" in r.output and "perfxl check" in r.output and "单位甲.xlsx" in r.output
    docx = os.path.join(os.fsencode(tmp_path), "单位甲".encode("gbk") + b".docx")
    with zipfile.ZipFile(os.fsdecode(docx)) as z:
        assert "单位甲.xlsx" in z.read("word/document.xml").decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are always Unicode")
def test_batch_roll_up_json_and_write_each(run, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _named(folder, GBK_NAME)
    (folder / "x.xlsx").write_bytes(b"")  # unreadable, named plainly
    (folder.joinpath(os.fsdecode(b"\xff\xfe.xlsx"))).write_bytes(b"not a workbook")
    rollup = tmp_path / "汇总.xlsx"
    r = run("batch", folder, "-o", rollup, "--write-each", "-j", "1")
    assert r.exit_code == 1, r.output
    assert "\ufffd\ufffd.xlsx：无法读取" in r.output  # the clean unit has no line of its own
    units = [row[1] for row in load_workbook(rollup)["单位汇总"].iter_rows(min_row=2, values_only=True)]
    assert sorted(os.path.basename(u) for u in units) == ["x.xlsx", "单位甲.xlsx", "\ufffd\ufffd.xlsx"]
    assert os.path.exists(os.path.join(os.fsencode(folder), "单位甲".encode("gbk") + b".perfxl.xlsx"))
    assert not [n for n in os.listdir(folder) + os.listdir(tmp_path) if n.startswith(".")]
    r = run("batch", folder, "-o", rollup, "--format", "json", "-j", "1")
    lines = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert {shown(x["file"]) == x["file"] for x in lines if "file" in x} == {True}
    assert any(x.get("file", "").endswith("单位甲.xlsx") for x in lines)
