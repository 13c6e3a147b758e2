"""A number in a cell formatted as a date (R122): Excel's formulas compute with the number, so
perfxl reads and scores the number too, and warns that the cell shows a date."""

from __future__ import annotations

from openpyxl import load_workbook

from layouts import Book, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook


def _check(path):
    return run_checks(read_workbook(path), load_profile())


def test_a_date_formatted_budget_and_score_are_read_as_numbers(tmp_path):
    path = str(tmp_path / "in.xlsx")
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程")]), path)
    clean = _check(path)
    wb = load_workbook(path)
    ws = wb["项目2"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float)) and c.value > 1]
    for c in cells:
        c.number_format = "yyyy/m/d"  # every number of the sheet: budget, execution, weights, scores
    wb.save(path)
    dated = _check(path)
    assert [(p.score, p.grade) for p in dated.projects] == [(p.score, p.grade) for p in clean.projects]
    assert dated.budget_total == clean.budget_total
    codes = {f.code for f in dated.findings} - {f.code for f in clean.findings}
    assert codes == {"R122"}  # no R111, and no formula "goes wrong" because of it
    r122 = [f for f in dated.findings if f.code == "R122"]
    assert r122 and all(f.sheet == "项目2" and f.severity == "warning" for f in r122)
    assert "yyyy/m/d" in r122[0].message and "已按数字" in r122[0].message  # the cell's format, then the number


def test_a_real_date_where_a_number_belongs_is_still_read_as_its_number(tmp_path):
    """2025-03-01 typed as a score is 45717 to Excel: perfxl scores what Excel computes, and
    the score rules (over the weight) then speak; the cell is named with what it shows."""
    from datetime import datetime

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    wb = load_workbook(path)
    ws = wb["项目1"]
    target = next(c for row in ws.iter_rows() for c in row if c.value == 20)
    target.value = datetime(2025, 3, 1)
    wb.save(path)
    result = _check(path)
    mine = [f for f in result.findings if f.sheet == "项目1" and f.cell == target.coordinate]
    assert any(f.code == "R122" for f in mine)
    assert not any(f.code == "R122" and "随之出错" in f.message for f in result.findings)  # never a cause


def test_a_date_formatted_score_is_no_cause_of_what_a_wrong_score_beside_it_puts_wrong(tmp_path):
    """R122 reads the number right: the formulas that go wrong follow from the real mistake
    (a date typed as a score, over the weight: I104), not from the date-formatted cell."""
    from datetime import datetime

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    wb = load_workbook(path)
    ws = wb["项目1"]
    scores = [c for row in ws.iter_rows() for c in row if c.value in (20, 15, 10) and c.column > 3]
    scores[0].number_format = "h:mm"
    scores[1].value = datetime(2025, 3, 15)
    wb.save(path)
    result = _check(path)
    at = {(f.cell, f.code): f for f in result.findings if f.sheet == "项目1"}
    assert (scores[0].coordinate, "R122") in at and "h:mm" in at[(scores[0].coordinate, "R122")].message
    assert "随之出错" not in at[(scores[0].coordinate, "R122")].message
    wrong = [f for (cell, code), f in at.items() if cell == scores[1].coordinate and f.severity == "error"]
    assert wrong, at.keys()
