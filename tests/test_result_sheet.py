"""自评结果 tells one truth: after a forced recalculation by LibreOffice every figure equals
the check's (JSON) figure, whatever the cells it reads hold — numbers typed as text,
dashes, blanks; 问题数 counts the findings of each project and 合计 all of them; every
colour has a legend; the chart has a page of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from conftest import convert, convert_all, needs_soffice
from layouts import Book, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.views.result_sheet import RESULT
from perfxl.views.sheets import FILLS
from perfxl.workbook.reader import read_workbook

DATA = os.path.join(os.path.dirname(__file__), "data")


def _odd_book(tmp_path) -> str:
    """Six projects whose cells that 自评结果 reads hold what staff type (and an error)."""
    projects = [
        Proj(sheet="项目1", name="办公楼维修项目", budget=200, executed=118.5),
        Proj(sheet="项目2", name="食堂改造工程", budget=1234.5, executed=1000),
        Proj(sheet="项目3", name="绿化工程", budget=20, executed=20),
        Proj(sheet="项目4", name="保洁费用", budget=46.76, executed=46.76),
        Proj(sheet="项目5", name="保安费用", budget=47.6, executed=47.6),
        Proj(sheet="项目6", name="食堂设备更新", budget=30, executed=30),
    ]
    book = Book(projects)
    path = tmp_path / "odd.xlsx"
    where = build(book, path)
    wb = load_workbook(path)
    wb["项目1"][where("项目1", "executed")] = "118.50"  # a number typed as text ('118.50)
    wb["项目2"][where("项目2", "budget")] = "1,234.50"  # text with a thousands separator
    wb["项目2"][where("项目2", "total")] = "95"  # 总分 typed as text
    wb["项目3"][where("项目3", "executed")] = "—"  # a dash: empty
    wb["项目4"][where("项目4", "total")] = None  # 总分 left blank
    wb["项目5"][where("项目5", "name")] = " 保安费用 "  # spaces around the name
    wb["项目6"][where("项目6", "executed")] = "=1/0"  # an error value
    wb.save(path)
    return str(path)


def _check(run, path: str) -> dict:
    result = run("check", path, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output[result.output.index("{"):result.output.rindex("}") + 1])


def _counts(path: str) -> tuple[dict[str, int], int]:
    result = run_checks(read_workbook(path), load_profile(None))
    return {p.project.sheet: len(result.about(p.project.sheet)) for p in result.projects}, len(result.findings)


def _recalculate(paths: list[str], tmp_path) -> dict[str, str]:
    return dict(zip(paths, map(str, convert_all(paths, "xlsx", tmp_path / "recalc", recalc=True))))


def _figures(ws, n: int) -> tuple[list[list], list]:
    rows = [[ws.cell(row=r, column=j).value for j in range(2, 10)] for r in range(4, 4 + n)]
    total = [ws.cell(row=4 + n, column=j).value for j in range(3, 10)]
    return rows, total


def _assert_equal(rows, total, report, counts, n_findings, ws, n):
    near = lambda a, b: (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)  # noqa: E731
    for row, p in zip(rows, report["projects"]):
        name, budget, executed, rate, entered, score, grade, problems = row
        where = (p["sheet"], row)
        assert name == p["name"], where
        assert near(budget, p["budget"]), where
        assert near(executed, p["executed"]), where
        assert near(rate, p["execution_rate"]), where
        assert near(entered, p["entered_score"]), where
        assert near(score, p["score"]), where
        assert grade == p["grade"], where
        assert problems == counts[p["sheet"]], where
    s = report["summary"]
    assert near(total[0], s["budget_total"]) and near(total[1], s["executed_total"])
    assert near(total[2], s["executed_total"] / s["budget_total"])
    assert total[6] == n_findings == len(report["findings"])
    r = 4 + n + 2
    for g, count in s["grades"].items():
        assert ws.cell(row=r, column=2).value == f"评价等级“{g}”的项目数"
        assert ws.cell(row=r, column=3).value == count
        r += 1
    if s["ungraded"]:  # projects without a score (a dash, an error value): counted apart, not in 评优率
        assert ws.cell(row=r, column=2).value == "待更正（未评分，不计入评优率）的项目数"
        assert ws.cell(row=r, column=3).value == s["ungraded"]
        r += 1
    assert near(ws.cell(row=r, column=3).value, round(s["excellent_rate"], 4))


def test_figures_without_recalculation_equal_the_report(run, tmp_path):
    path = _odd_book(tmp_path)
    report = _check(run, path)
    counts, n = _counts(path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    ws = load_workbook(out, data_only=True)[RESULT]
    _assert_equal(*_figures(ws, 6), report, counts, n, ws, 6)
    formulas = load_workbook(out)[RESULT]
    # links to the user's cells where they recalculate to the same figure, values elsewhere
    assert formulas["D4"].value == 118.5 and formulas["C4"].value == "='项目1'!D6"
    assert formulas["C5"].value == 1234.5 and formulas["F5"].value == 95
    assert formulas["D6"].value is None and formulas["E6"].value is None
    assert formulas["F7"].value is None
    assert formulas["B8"].value == "保安费用" and formulas["B4"].value == "='项目1'!B3"
    assert formulas["D9"].value is None and formulas["C9"].value == "='项目6'!D6"


@needs_soffice
def test_figures_after_libreoffice_recalculation_equal_the_report(run, tmp_path):
    odd = _odd_book(tmp_path)
    yuan_dir = tmp_path / "yuan"
    yuan_dir.mkdir()
    yuan = str(yuan_dir / "yuan.xlsx")
    build(Book([Proj(budget=1185000, executed=1000000), Proj(sheet="项目2", name="食堂改造工程")],
               summary=None), yuan, "provincial", yuan=True)
    reports = {p: _check(run, p) for p in (odd, yuan)}
    outs = [p.replace(".xlsx", ".perfxl.xlsx") for p in (odd, yuan)]
    recalculated = _recalculate(outs, tmp_path)
    for path, out in zip((odd, yuan), outs):
        counts, n = _counts(path)
        ws = load_workbook(recalculated[out], data_only=True)[RESULT]
        k = len(reports[path]["projects"])
        _assert_equal(*_figures(ws, k), reports[path], counts, n, ws, k)
    assert "/10000" in str(load_workbook(outs[1])[RESULT]["C4"].value)


def test_problem_counts_follow_the_projects(run, tmp_path):
    """The sample: 武装部's S106 sits on its summary row and counts for it; 合计 counts all."""
    sample = tmp_path / "2025.xlsx"
    shutil.copy(os.path.join(os.path.dirname(DATA), "..", "samples", "2025.xlsx"), sample)
    report = _check(run, str(sample))
    ws = load_workbook(tmp_path / "2025.perfxl.xlsx")[RESULT]
    names = {ws.cell(row=r, column=1).value: r for r in range(4, 19)}
    by_name = {p["name"]: i + 1 for i, p in enumerate(report["projects"])}
    armed = names[by_name["2025武装部采暖改造、室内装修项目"]]
    on_sheet = [f for f in report["findings"] if f["sheet"] == "14武装部采暖装修"]
    assert ws.cell(row=armed, column=9).value == len(on_sheet) + 1  # + S106 on its summary row
    assert ws.cell(row=armed, column=9).fill.fgColor.rgb.endswith(FILLS["fix"].fgColor.rgb[-6:])
    assert ws["A19"].value == "合计" and ws["I19"].value == len(report["findings"])
    unit = [f for f in report["findings"] if f["sheet"] in ("单位情况", None)]
    assert [f["code"] for f in unit] == ["U105"]
    assert sum(ws.cell(row=r, column=9).value for r in range(4, 19)) == len(report["findings"]) - 1


def test_every_colour_has_a_legend(run, tmp_path):
    path = _odd_book(tmp_path)
    _check(run, path)
    ws = load_workbook(path.replace(".xlsx", ".perfxl.xlsx"))[RESULT]
    used = {c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row
            if c.fill is not None and c.fill.fill_type == "solid"}
    explained = set()
    for row in ws.iter_rows():
        for c in row:
            if c.fill is not None and c.fill.fill_type == "solid":
                right = ws.cell(row=c.row, column=c.column + 1).value
                left = ws.cell(row=c.row, column=c.column - 1).value if c.column > 1 else None
                if isinstance(right, str) and len(right) > 4 or isinstance(left, str) and "评价等级" in left:
                    explained.add(c.fill.fgColor.rgb[-6:])
    used.discard(FILLS["head"].fgColor.rgb[-6:])  # the header row's grey
    assert used <= explained, used - explained
    assert ws["A" + str(min(c.row for c in ws["A"] if c.value == "图例"))].value == "图例"


def test_chart_has_a_page_of_its_own(run, tmp_path):
    path = _odd_book(tmp_path)
    _check(run, path)
    ws = load_workbook(path.replace(".xlsx", ".perfxl.xlsx"))[RESULT]
    (chart,) = ws._charts
    anchor_row = chart.anchor._from.row + 1  # 1-based
    assert [b.id for b in ws.row_breaks.brk] == [anchor_row - 2]
    assert chart.height <= 17.5
    assert ws.print_title_rows is None  # the table fits one page: no header above the chart


def _result_of_projects(run, tmp_path, n: int):
    """The 自评结果 sheet written for a unit of ``n`` filled projects (100 万元 each)."""
    book = Book([Proj(sheet=f"项目{i}", name=f"第{i}个维修项目") for i in range(1, n + 1)])
    book.unit["项目支出"] = 100 * n
    path = tmp_path / f"units{n}.xlsx"
    build(book, path)
    run("check", path, "--select", "T")
    return load_workbook(tmp_path / f"units{n}.perfxl.xlsx")[RESULT]


def test_a_long_table_repeats_its_header(run, tmp_path):
    ws = _result_of_projects(run, tmp_path, 40)
    assert ws.print_title_rows == "$3:$3"
    (chart,) = ws._charts
    assert chart.height <= 17.5


@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler is not installed")
def test_printed_chart_is_whole_on_a_page_of_its_own(run, tmp_path):
    """LibreOffice prints the sample's 自评结果: the chart's title and axis appear on one page
    only, and that page holds no table rows (a chart cut by a page break shows on two)."""
    sample = tmp_path / "2025.xlsx"
    shutil.copy(os.path.join(os.path.dirname(DATA), "..", "samples", "2025.xlsx"), sample)
    run("check", sample)
    pdf = convert(tmp_path / "2025.perfxl.xlsx", "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = ["".join(p.split()) for p in text.split("\f")]
    with_chart = [i for i, p in enumerate(pages) if "各项目核算得分" in p]
    assert len(with_chart) == 1, with_chart
    chart_page = pages[with_chart[0]]
    assert "合计" not in chart_page and "评价等级“优”的项目数" not in chart_page and "图例" not in chart_page
    assert any("图例" in p and "需要更正" in p for p in pages[:with_chart[0]])  # the legend prints, before the chart


def test_many_projects_chart_counts_grades(run, tmp_path):
    """Past a page's worth of names a bar a project is unreadable: the chart counts projects per
    grade instead, from the count cells of the sheet."""
    ws = _result_of_projects(run, tmp_path, 61)
    (chart,) = ws._charts
    refs = chart.series[0].val.numRef.f
    assert "$C$" in refs
    first = int(refs.split("$C$")[1].split(":")[0])
    assert str(ws.cell(row=first, column=2).value).startswith("评价等级")
    (few,) = _result_of_projects(run, tmp_path, 3)._charts
    assert "$G$" in few.series[0].val.numRef.f  # a bar a project
