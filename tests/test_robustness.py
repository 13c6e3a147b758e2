"""Odd content in any cell never crashes the check: it becomes a finding."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from layouts import LAYOUTS, Book, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

pytestmark = pytest.mark.usefixtures("tmpdir_left_empty")  # no temp file outlives a run

ODD = [None, "", "—", "十分", "约50", True, datetime(2025, 12, 31), "#DIV/0!", -3, 1e12, "46.8万元", "=1/0",
       "  ", "100%", "二〇二五", 0]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("odd", ODD, ids=[repr(o) for o in ODD])
def test_odd_values_everywhere(tmp_path, layout, odd):
    path = tmp_path / "odd.xlsx"
    where = build(Book(), path, layout)
    wb = load_workbook(path)
    for sheet, keys in where.cells.items():
        for key, ref in keys.items():
            wb[sheet][ref].value = odd
    wb.save(path)
    result = run_checks(read_workbook(str(path)), load_profile())
    assert all(f.message and f.code for f in result.findings)


def test_title_only_and_empty_sheets_are_skipped(tmp_path):
    path = tmp_path / "b.xlsx"
    build(Book(), path, "national")
    wb = load_workbook(path)
    wb.create_sheet("空表")
    wb.create_sheet("封面")["A1"] = "2025年度绩效自评"
    wb["项目1"]["J30"] = 12345  # a stray number far away
    wb.save(path)
    model = read_workbook(str(path))
    assert [p.sheet for p in model.projects] == ["项目1"]
