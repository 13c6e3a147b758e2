"""Ordinary typing mistakes on the command line stop with one line and exit 2 instead of
quietly doing something else: a mistyped rule code would select nothing (a workbook with errors
would pass), a wrong -o would overwrite another workbook, a mistyped folder would roll up nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import said

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "2025.xlsx"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@pytest.mark.parametrize("option, value", [("--select", "I14"), ("--ignore", "Q"), ("--select", "F,I1O4")])
def test_e118_unknown_rule_code_in_select_or_ignore(run, book, option, value):
    result = run("check", book, option, value, "--no-write")
    assert result.exit_code == 2 and said(result.output, "E118")
    assert "没有规则" in result.output and "Traceback" not in result.output


def test_known_codes_and_families_are_accepted_and_a_chinese_comma_separates(run, book):
    result = run("check", book, "--ignore", "I104，S106、U105", "--no-write")
    assert result.exit_code == 0, result.output  # the sample's two errors are S106 and U105
    assert not said(result.output, "E118")
    result = run("check", book, "--select", "S1", "--no-write")
    assert result.exit_code == 1 and "S106" in result.output and "U105" not in result.output


def test_e116_check_o_never_overwrites_another_workbook(run, book, tmp_path):
    other = tmp_path / "other.xlsx"
    shutil.copy(SAMPLE, other)
    before = other.read_bytes()
    result = run("check", book, "-o", other)
    assert result.exit_code == 2 and said(result.output, "E116") and "已存在" in result.output
    assert other.read_bytes() == before


def test_check_o_replaces_its_own_result_and_force_overwrites(run, book, tmp_path):
    other = tmp_path / "other.xlsx"
    shutil.copy(SAMPLE, other)
    assert run("check", book, "-o", other, "--force").exit_code == 1
    written = other.read_bytes()
    result = run("check", book, "-o", other)  # a perfxl result: replaced without --force
    assert result.exit_code == 1 and not said(result.output, "E116")
    assert other.read_bytes() != b"" and written != SAMPLE.read_bytes()


def test_e101_batch_when_no_path_exists(run, tmp_path):
    result = run("batch", tmp_path / "nosuch", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and "找不到" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_e118_batch_unknown_rule(run, tmp_path, book):
    result = run("batch", book, "--select", "ZZ", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and said(result.output, "E118") and "没有规则" in result.output


@pytest.mark.parametrize("name", ["2025.xls", "2025.et", "2025.XLS"])
def test_an_xlsx_saved_under_an_old_name_is_read_by_its_content(run, tmp_path, name):
    path = tmp_path / name
    shutil.copy(SAMPLE, path)
    before = path.read_bytes()
    result = run("check", path)
    assert result.exit_code == 1, result.output  # the sample's own two errors
    assert "S106" in result.output and "U105" in result.output
    assert (tmp_path / "2025.perfxl.xlsx").exists()
    assert path.read_bytes() == before
