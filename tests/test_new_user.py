"""What a new user really types: ``perfxl init`` with 8 projects, filled in, and the mistakes a
trial found (tests/newuser.py). One finding per mistake, at its cell; none on a formula cell that
only follows from one; the 12.5万 project scored with 12.5 everywhere; and the result workbook,
checked again, gives the same findings."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

import newuser

# R113: formulas saved by openpyxl carry no cached value; the result file holds the ones perfxl
# computed, so a second check rightly does not say it again.
RESOLVED_BY_WRITING = {"R113", "R114"}


def _serious(data: dict) -> list[tuple]:
    """Warnings and errors, less the reviewer's doubts about the unit as a whole (D110/D111: every
    project graded 优 while the unit spent under 80% — true of this unit, not a typing mistake)."""
    return sorted((f["sheet"], f["cell"], f["code"]) for f in data["findings"]
                  if f["severity"] != "info" and f["code"] not in ("D110", "D111"))


def _json(run, path) -> dict:
    result = run("check", path, "--format", "json", "--no-write")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_the_clean_workbook_is_clean(run, tmp_path):
    data = _json(run, newuser.build(tmp_path / "2025.xlsx"))
    assert _serious(data) == []
    assert [p["grade"] for p in data["projects"]] == ["优"] * 6 + ["中", "优"]


def test_the_nine_mistakes_together(run, tmp_path):
    path = newuser.build(tmp_path / "2025.xlsx", newuser.MISTAKES)
    data = _json(run, path)
    assert _serious(data) == sorted(m.finding for m in newuser.MISTAKES if m.finding)

    # 12.5万 is 12.5 万元, in the JSON and in the unit's 执行合计
    p2 = data["projects"][1]
    assert (p2["executed"], p2["execution_rate"], p2["score"], p2["grade"]) == (12.5, 0.961538, 99.62, "优")
    assert data["summary"]["executed_total"] == pytest.approx(sum(newuser.EXECUTED))
    # 95 under ≥90% is 95%, met
    satisfaction = data["projects"][3]["indicators"][4]
    assert (satisfaction["actual"], satisfaction["computed_score"]) == ("95", 10)

    # … and on the result sheet, as values where the project cell holds text
    run("check", path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    ws, shown = load_workbook(out)["自评结果"], load_workbook(out, data_only=True)["自评结果"]
    row = [shown.cell(row=5, column=j).value for j in range(2, 9)]
    assert (row[0], row[2], row[5], row[6]) == ("职工食堂改造工程", 12.5, 99.62, "优")
    assert ws["D5"].value == 12.5  # the value, not ='项目2'!E6: Excel would read the text
    assert ws["D12"].value == "=SUM(D4:D11)" and shown["D12"].value == pytest.approx(sum(newuser.EXECUTED))

    # the result, checked again, gives the same findings
    again = _json(run, out)
    strip = lambda d: [(f["sheet"], f["cell"], f["code"], f["message"]) for f in d["findings"]  # noqa: E731
                       if f["code"] not in RESOLVED_BY_WRITING]
    assert strip(again) == strip(data)
    run("check", out)  # and once more, in the result file itself
    assert strip(_json(run, out)) == strip(data)
