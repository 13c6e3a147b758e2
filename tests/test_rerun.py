"""perfxl's own sheets (自评结果, 自评综述, 检查结果, _perfxl_marks) are never audited: checking a
result file, or checking with --in-place twice, finds what the first check found (docs/template.md §7).

R113/R114 say that formulas had no cached value; the result file holds the values perfxl
computed, so a rerun rightly no longer says it: they are left out of the comparison.
"""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from layouts import LAYOUTS, Book, Proj, build

RESOLVED_BY_WRITING = ("R113", "R114")


def _findings(run, path) -> list[tuple]:
    result = run("check", path, "--format", "json", "--no-write")
    assert result.exit_code in (0, 1), result.output
    return [(f["sheet"], f["cell"], f["code"], f["message"]) for f in json.loads(result.output)["findings"]
            if f["code"] not in RESOLVED_BY_WRITING]


def _three_projects(tmp_path, layout: str) -> str:
    """Three projects; the middle one's budget typed as text, so 自评结果 holds a value between
    two formulas pointing at the project sheets — what the formula audit took for a typed-over formula."""
    book = Book([Proj(sheet=f"项目{i}", name=f"项目{i}工程", budget=40 + i, executed=40 + i) for i in (1, 2, 3)])
    book.unit["项目支出"] = sum(p.executed for p in book.projects)
    book.unit["基本支出"] = 1000 - book.unit["项目支出"]
    book.unit["人员经费"] = book.unit["基本支出"] - 200
    path = str(tmp_path / f"{layout}.xlsx")
    where = build(book, path, layout)
    wb = load_workbook(path)
    wb["项目2"][where("项目2", "budget")].value = "42 "
    wb.save(path)
    return path


@pytest.mark.parametrize("layout", LAYOUTS)
def test_checking_the_result_again_finds_the_same(run, tmp_path, layout):
    path = _three_projects(tmp_path, layout)
    first = _findings(run, path)
    assert any(f[0] == "项目2" for f in first)  # the text number is reported where it was typed
    run("check", path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    assert _findings(run, out) == first
    run("check", out)  # the result file is its own output
    assert _findings(run, out) == first


def test_sample_checked_again_and_in_place_twice(run, tmp_path):
    path = str(tmp_path / "2025.xlsx")
    shutil.copy("samples/2025.xlsx", path)
    first = _findings(run, path)
    for _ in range(2):
        assert run("check", path, "--in-place").exit_code == 1
        assert _findings(run, path) == first
    assert not any(sheet in ("自评结果", "自评综述", "检查结果") for sheet, *_ in first)
