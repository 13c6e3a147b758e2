"""perfxl review: the reviewer's estimate (复核预估) and the 复核底稿 (docs/template.md §4.2).

The estimate is the check's: each project's 复核预估分 is its project score under the profile,
the rows add up to it. The worksheet's formulas, recalculated by LibreOffice, give the figures of
``perfxl review --format json``; a reviewer's edit of a 复核得分 or 复核完成值 moves the project's
total and grade, and the summary with them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import needs_soffice
from layouts import Book, Ind, Proj, build
from perfxl.excel.labels import INDICATOR_COLUMNS, normalize
from perfxl.pipeline import check, settings
from perfxl.review import estimate, priority, score_cells
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "samples" / "2025.xlsx")
CAPS = str(ROOT / "examples" / "profiles" / "execution-caps.toml")
XCU = ROOT / "tests" / "data" / "registrymodifications.xcu"


def _estimate(path: str, profile_path: str | None = None):
    run = settings(profile_path)
    result = check(path, run).result
    return result, estimate(result, run.profile, path)


# -- the estimate -------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", [None, CAPS], ids=["national-2020", "execution-caps"])
def test_estimate_is_the_check_score_and_its_rows_add_up(profile):
    result, est = _estimate(SAMPLE, profile)
    assert [p.score for p in est.projects] == [p.score for p in result.projects]
    assert [p.grade for p in est.projects] == [p.grade for p in result.projects]
    for p in est.projects:
        rows = sum(r.review_score or 0 for r in p.rows)
        after = max(round(rows - p.design_points, 2), 0) - p.deviation_points
        expected = min(max(after, 0), p.cap if p.cap is not None else 1e9)
        assert abs(round(expected, 2) - p.score) < 1e-9, p.sheet


def test_sample_grades_under_the_caps_profile():
    """6 优 / 1 良 / 1 中 / 7 差, as the check's with that profile; the unit claimed 14 优 / 1 良."""
    result, est = _estimate(SAMPLE, CAPS)
    assert est.grade_counts() == {"优": 6, "良": 1, "中": 1, "差": 7} == result.grades
    assert est.grade_counts(entered=True) == {"优": 14, "良": 1, "中": 0, "差": 0}
    p15 = est.projects[14]
    assert (p15.entered, p15.score, p15.cap, p15.deviation_points, p15.deviating) == (98, 89, 89, 2, 1)


def test_priorities():
    """P1 errors that change a score or grade, P2 other errors and reviewer warnings, P3 the rest."""
    result, est = _estimate(SAMPLE, CAPS)
    by_code = {}
    for x in est.problems:
        by_code.setdefault(x.finding.code, set()).add(x.priority)
    assert by_code["V201"] == {"P1"} and by_code["S106"] == {"P1"}  # above the cap; a summary score
    assert by_code["U105"] == {"P2"}  # an error that changes no score
    assert by_code["V102"] == by_code["V103"] == {"P2"}  # reviewer warnings
    assert by_code["S103"] == {"P3"}
    order = [x.priority for x in est.problems]
    assert order == sorted(order)
    assert sum(p.priorities["P1"] for p in est.projects) == est.priority_counts()["P1"]


def test_an_error_at_a_score_cell_is_p1(tmp_path):
    book = Book()
    book.projects[0].indicators[0] = Ind("产出指标", "数量指标", "维修面积", "≥1200平方米", "1000平方米", 20, "二十")
    path = tmp_path / "a.xlsx"
    where = build(book, path)
    result = run_checks(read_workbook(str(path)), load_profile())
    r111 = next(f for f in result.findings if f.code == "R111")
    assert r111.cell == where("项目1", (0, "score"))
    assert priority(r111, score_cells(result)) == "P1"


def test_design_deductions_are_in_the_rows_and_the_total(tmp_path):
    """Under a profile that zeroes money as an output, the row's 复核得分 is 0 and the estimate is
    the check's score (80)."""
    book = Book()
    book.projects[0].indicators[0] = Ind("产出指标", "数量指标", "资金支付率", "≥95%", "98%", 20, 20)
    path = tmp_path / "b.xlsx"
    build(book, path)
    profile = tmp_path / "p.toml"
    profile.write_text('[design]\nmoney_as_output = "zero"\nfew_indicators = 4\nmin_indicators = 6\n', "utf-8")
    result, est = _estimate(str(path), str(profile))
    p = est.projects[0]
    money = next(r for r in p.rows if r.name == "资金支付率")
    assert (money.entered, money.review_score, money.deducted) == (20, 0, 20)
    assert "D102" in [f.code for f in money.notes]
    assert p.design_points == 4 and p.score == result.projects[0].score == 76


# -- the command ----------------------------------------------------------------------------------

def test_review_writes_a_worksheet_and_prints_json(run, tmp_path):
    src = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, src)
    result = run("review", src, "--format", "json", "--profile", CAPS)
    assert result.exit_code == 1  # the sample has errors
    data = json.loads(result.stdout)
    target = tmp_path / "2025.复核底稿.xlsx"
    assert data["worksheet"] == str(target) and target.is_file()
    assert data["summary"]["review_grades"] == {"优": 6, "良": 1, "中": 1, "差": 7}
    assert data["projects"][3]["review_score"] == 59 and data["projects"][3]["entered_score"] == 93
    wb = load_workbook(target)
    names = [p["sheet"] for p in data["projects"]]
    assert wb.sheetnames == ["复核汇总", *names, "问题清单"]
    assert "_perfxl_review" in wb.defined_names
    ws = wb[names[0]]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "一级指标")
    assert list(header[:11]) == ["一级指标", "二级指标", "三级指标", "指标值", "权重", "自评完成值", "自评得分", "复核完成值",
                                 "复核得分", "偏离度", "备注"]
    # the input is untouched, and a second run replaces its own worksheet
    again = run("review", src, "--profile", CAPS)
    assert again.exit_code == 1 and "复核底稿已写入" in again.stdout


def test_worksheet_headers_are_the_contracts_reviewer_columns():
    """The worksheet's table headers are the words of system forms and reviewers (§4.2): 指标值 (年度指标值), 权重 (分值), 自评完成值
    (实际完成值), 自评得分 (得分), and the reviewer's 复核完成值, 复核得分."""
    from perfxl.views.review import HEAD
    known = {"一级指标", "二级指标", "三级指标", "指标值", "权重", "自评完成值", "自评得分", "复核完成值", "复核得分"}
    assert known <= set(HEAD)


@pytest.mark.skipif(normalize("复核得分") not in INDICATOR_COLUMNS,
                    reason="the reader does not know a reviewer's columns yet (docs/template.md §4.2)")
def test_a_worksheet_checked_again_reads_as_the_units_workbook(run, tmp_path):
    """Checked again, the worksheet is a set of project sheets with reviewer columns: its 自评
    columns give the unit's scores, the 复核 columns are read beside them."""
    src = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, src)
    run("review", src)
    again = json.loads(run("check", tmp_path / "2025.复核底稿.xlsx", "--format", "json", "--no-write").stdout)
    first = json.loads(run("check", src, "--format", "json", "--no-write").stdout)
    assert [p["score"] for p in again["projects"]] == [p["score"] for p in first["projects"]]


def test_refuses_to_overwrite_a_workbook_of_the_users(run, tmp_path):
    src = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, src)
    shutil.copy(SAMPLE, tmp_path / "2025.复核底稿.xlsx")  # somebody's own file under that name
    result = run("review", src)
    assert result.exit_code == 2 and "E116" not in result.stdout and "已存在" in result.stderr
    assert run("review", src, "--force").exit_code == 1


def test_a_folder_each_unit_and_a_broken_file(run, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "甲.xlsx")
    (folder / "乙.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "底稿"
    result = run("review", folder, "-d", out)
    assert result.exit_code == 1
    assert (out / "甲.复核底稿.xlsx").is_file() and not (out / "乙.复核底稿.xlsx").exists()
    assert "乙.xlsx" in result.stderr
    # a second run skips the worksheets it wrote when they are in the folder
    result = run("review", folder)
    assert (folder / "甲.复核底稿.xlsx").is_file()
    again = run("review", folder)
    assert not (folder / "甲.复核底稿.复核底稿.xlsx").exists() and again.exit_code == 1


def test_batch_skips_worksheets():
    from perfxl.batch import skip_reason
    assert skip_reason("各单位/2025.复核底稿.xlsx") == "output"


# -- LibreOffice: recalculated, the worksheet gives the JSON's figures -------------------------------

def _recalculate(paths: list[Path], tmp_path: Path) -> dict[Path, Path]:
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True)
    shutil.copy(XCU, profile / "user" / "registrymodifications.xcu")
    outdir = tmp_path / "recalc"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(outdir), *map(str, paths)], check=False, capture_output=True, timeout=300)
    out = {p: outdir / p.name for p in paths}
    for p in out.values():
        assert p.exists(), "LibreOffice did not convert the file"
    return out


def _sheet_figures(ws) -> dict:
    """By label: the table's rows (复核得分, 偏离度), the 总分 row and the 复核结论."""
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "一级指标")
    total = next(i for i, r in enumerate(rows) if r[0] == "总分")
    table = [(r[8], r[9]) for r in rows[head + 1:total]]
    block = {r[0]: r[3] for r in rows[total + 1:] if isinstance(r[0], str)}
    return {"rows": table, "total": rows[total][8], "entered": rows[total][6], "block": block}


def _near(a, b) -> bool:
    if b is None or b == "":
        return a in (None, "")
    return a is not None and a != "" and abs(float(a) - float(b)) < 1e-6


@needs_soffice
def test_libreoffice_recalculates_the_worksheet_to_the_json_figures(run, tmp_path):
    src = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, src)
    data = json.loads(run("review", src, "--format", "json", "--profile", CAPS).stdout)
    sheet = tmp_path / "2025.复核底稿.xlsx"
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(sheet)
    # the reviewer: 02's 效益 indicator 30 -> 5 (100 -> 75, 中); 03's execution 100% -> 55% (cap 69)
    ws = wb["02办公用房租赁"]
    row = next(r for r in ws.iter_rows() if r[2].value == "保障各单位正常办公")
    row[8].value = 5
    ws = wb["03综合楼七楼干部用房"]
    row = next(r for r in ws.iter_rows() if r[0].value == "预算执行")
    row[7].value = 0.55
    wb.save(edited)
    out = _recalculate([sheet, edited], tmp_path)

    wb = load_workbook(out[sheet], data_only=True)
    for p in data["projects"]:
        got = _sheet_figures(wb[p["sheet"]])
        where = p["sheet"]
        assert _near(got["total"], p["review_score"]), where
        for (score, ratio), r in zip(got["rows"], p["rows"]):
            assert _near(score, r["review_score"]), (where, r["name"])
            if r["kind"] != "funding":
                assert _near(ratio, r["deviation_ratio"] if isinstance(r["review_actual"], (int, float)) else None), \
                    (where, r["name"], ratio)
        block = got["block"]
        assert _near(block["复核预估分"], p["review_score"]) and block["复核等级"] == p["review_grade"], where
        assert _near(block["自评得分"], p["entered_score"]) and block["自评等级"] == p["entered_grade"], where
        assert _near(block["差异（复核－自评）"], p["difference"]), where
        assert _near(block["指标偏离扣分"], p["deductions"]["deviation"]), where
        cap = p["deductions"]["cap"]
        assert (block["执行率封顶"] == "不封顶") if cap is None else _near(block["执行率封顶"], cap), where
    summary = [r for r in wb["复核汇总"].iter_rows(min_row=4, values_only=True)][:len(data["projects"])]
    for r, p in zip(summary, data["projects"]):
        assert r[1] == p["name"]
        assert _near(r[2], p["execution_rate"]) and _near(r[3], p["entered_score"]) and _near(r[4], p["review_score"])
        assert _near(r[5], p["difference"]) and (r[6], r[7]) == (p["entered_grade"], p["review_grade"])
        assert list(r[8:11]) == [p["priorities"][k] for k in ("P1", "P2", "P3")]
    counts = {r[1]: (r[2], r[3]) for r in wb["复核汇总"].iter_rows(values_only=True) if str(r[1]).endswith("的项目数")}
    assert {k[1]: v[1] for k, v in counts.items()} == data["summary"]["review_grades"] == \
        {"优": 6, "良": 1, "中": 1, "差": 7}

    wb = load_workbook(out[edited], data_only=True)
    got = _sheet_figures(wb["02办公用房租赁"])
    assert got["total"] == 75 and got["block"]["复核等级"] == "中"
    got = _sheet_figures(wb["03综合楼七楼干部用房"])
    assert got["rows"][0][0] == 5.5 and got["block"]["执行率封顶"] == 69
    assert got["total"] == 69 and got["block"]["复核等级"] == "中"
    summary = {r[1]: r for r in wb["复核汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["2025办公用房租赁费项目"][4] == 75 and summary["2025办公用房租赁费项目"][7] == "中"
    assert summary["2025综合楼七楼异地交流干部用房工程款"][4] == 69


# -- batch --review -------------------------------------------------------------------------------

def _units(tmp_path) -> Path:
    folder = tmp_path / "各单位"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "甲.xlsx")
    build(Book([Proj(), Proj(sheet="项目2", name="绿化养护项目", executed=40)]), folder / "乙.xlsx")
    (folder / "丙.xlsx").write_text("这不是工作簿", encoding="utf-8")
    return folder


def _table(path, name):
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_batch_review_writes_every_worksheet_and_rolls_up_the_estimate(run, tmp_path):
    folder = _units(tmp_path)
    out = tmp_path / "汇总.xlsx"
    result = run("batch", folder, "-o", out, "--review", "-d", tmp_path / "底稿", "-j", "1", "--format", "json",
                 "--profile", CAPS)
    assert result.exit_code == 1
    *lines, summary = [json.loads(x) for x in result.stdout.strip().splitlines()]
    assert (tmp_path / "底稿" / "甲.复核底稿.xlsx").is_file() and (tmp_path / "底稿" / "乙.复核底稿.xlsx").is_file()
    by_file = {os.path.basename(x["file"]): x for x in lines}
    review = by_file["甲.xlsx"]["review"]
    assert review["summary"]["review_grades"] == {"优": 6, "良": 1, "中": 1, "差": 7}
    _result, est = _estimate(str(folder / "甲.xlsx"), CAPS)
    assert [p["review_score"] for p in review["projects"]] == [p.score for p in est.projects]
    assert summary["batch"]["review"]["worksheets"] == 2
    assert summary["batch"]["review"]["p1"] == sum(x["review"]["summary"]["priorities"]["P1"]
                                                   for x in lines if "review" in x)
    projects = [r for r in _table(out, "项目明细") if os.path.basename(r["文件"]) == "甲.xlsx"]
    assert [r["复核预估分"] for r in projects] == [p.score for p in est.projects]
    assert [r["复核等级"] for r in projects] == [p.grade for p in est.projects]
    assert [r["P1"] for r in projects] == [p.priorities["P1"] for p in est.projects]
    units = {os.path.basename(r["文件"]): r for r in _table(out, "单位汇总")}
    assert units["甲.xlsx"]["P1"] == est.priority_counts()["P1"] and units["甲.xlsx"]["复核评优率"] == 0.4
    assert units["丙.xlsx"]["P1"] is None
    # JSON lines gathered elsewhere give the same roll-up
    from perfxl.rollup import FileRow, totals
    rows = [FileRow.from_json(x) for x in lines]
    assert [p.review for p in rows[1].projects] == [p.review for p in FileRow.from_json(lines[1]).projects]
    assert totals(rows, {}).review_grades == {g: n for g, n in summary["batch"]["review"]["review_grades"].items()}


def test_batch_without_review_keeps_its_columns(run, tmp_path):
    folder = _units(tmp_path)
    out = tmp_path / "汇总.xlsx"
    run("batch", folder, "-o", out, "-j", "1")
    assert "复核预估分" not in _table(out, "项目明细")[0] and not list((folder).glob("*.复核底稿.xlsx"))
