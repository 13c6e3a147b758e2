"""``perfxl check FILE --explain PROJECT``: one project's score derivation, line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import said

ROOT = Path(__file__).resolve().parents[1]
CAPS = "examples/profiles/execution-caps.toml"


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def sample_result():
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.workbook.reader import read_workbook
    return run_checks(read_workbook(str(ROOT / "samples" / "2025.xlsx")), load_profile())


@pytest.mark.parametrize("key", ["04法院派出法庭", "2025法院派出法庭项目", "4", "项目4", "第4个", "法院", " 04法院派出法庭 "])
def test_project_by_sheet_name_or_number(sample_result, key):
    from perfxl.views.explain import find_project
    assert find_project(sample_result, key).project.sheet == "04法院派出法庭"


def test_derivation_lines(run):
    result = run("check", "samples/2025.xlsx", "--explain", "项目4", "--profile", CAPS)
    assert result.exit_code == 1  # the workbook has errors, as without --explain
    lines = result.output.splitlines()
    assert lines[0] == "项目“2025法院派出法庭项目”（工作表 04法院派出法庭）的得分推导，评分方案 execution-caps"
    text = result.output
    assert "执行率 = 全年执行数 ÷ 全年预算数 = 30 ÷ 90 = 33.33%" in text
    assert "得分 = 分值10 × min(执行率, 100%) = 3.33分（填报3.33）" in text
    assert "04法院派出法庭!G13 数量指标/恢复派出法庭数：目标“1个”，实际“1个”，分值20，允许20，填报20，认可20" in text
    assert "指标认可得分合计：90分" in text
    assert "三、核算得分 = 预算执行3.33 + 指标90 = 93.33分" in text
    assert "执行率33%，按本方案得分上限为59分：93.33 → 59" in text
    assert "五、项目得分：59分，等级“差”（优≥90，良≥80，中≥60，其余为“差”）" in text
    assert "填报总分：93（04法院派出法庭!G18），高于项目得分" in text


def test_explain_without_profile_options_and_deduction(run):
    text = run("check", "samples/2025.xlsx", "--explain", "15").output
    assert "四、评分方案没有封顶或扣分（或均不适用）" in text and "五、项目得分：97.68分，等级“优”" in text
    text = run("check", "samples/2025.xlsx", "--explain", "15", "--profile", CAPS).output
    assert "指标偏离：实际完成值优于目标50%（标准30%）" in text
    assert "1个指标偏离（实际完成值远超目标），每个扣2分，共扣2分：97.68 → 95.68" in text
    assert "执行率77%，按本方案得分上限为89分：95.68 → 89" in text


def test_explain_in_english(run):
    text = run("check", "samples/2025.xlsx", "--explain", "4", "--lang", "en", "--profile", CAPS).output
    assert text.startswith("Score of project “2025法院派出法庭项目” (sheet 04法院派出法庭), profile execution-caps")
    assert "execution rate 33% is below 50%: this profile caps the score at 59: 93.33 → 59" in text
    assert "5. Project score: 59, grade “差”" in text


def test_explain_json(run):
    result = run("check", "samples/2025.xlsx", "--explain", "4", "--format", "json")
    data = json.loads(result.output)
    assert data["explain"]["sheet"] == "04法院派出法庭"
    assert data["explain"]["lines"][-1] == "  填报总分：93（04法院派出法庭!G18），与项目得分一致"
    assert data["summary"]["projects"] == 15


@pytest.mark.parametrize("key,expected", [("99", "找不到对应的项目"), ("装修", "对应多个项目"), ("", "找不到")])
def test_e150_unknown_project_is_one_line_and_exit_2(run, key, expected):
    result = run("check", "samples/2025.xlsx", "--explain", key)
    assert result.exit_code == 2
    assert expected in result.output and "1–15" in result.output and "Traceback" not in result.output


def test_e151_explain_writes_no_result_workbook_and_refuses_output(run, tmp_path):
    import shutil
    copy = tmp_path / "2025.xlsx"
    shutil.copy(ROOT / "samples" / "2025.xlsx", copy)
    explained = run("check", copy, "--explain", "1")
    assert explained.exit_code in (0, 1) and not said(explained.output, "E151")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.xlsx"]
    refused = run("check", copy, "--explain", "1", "--in-place")
    assert refused.exit_code == 2 and said(refused.output, "E151")
    assert "--explain 不能与 -o 或 --in-place 同时使用" in refused.output
    refused = run("check", copy, "--explain", "1", "-o", tmp_path / "out.xlsx")
    assert refused.exit_code == 2 and said(refused.output, "E151")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.xlsx"]


def test_e150_in_json_and_english(run):
    data = json.loads(run("check", "samples/2025.xlsx", "--explain", "装修", "--format", "json").output)
    assert data["error"]["code"] == "no_such_project" and data["findings"][0]["code"] == "E150"
    assert "01搬迁单位装修" in data["findings"][0]["hint"] and "02办公用房租赁" not in data["findings"][0]["hint"]
    line = run("check", "samples/2025.xlsx", "--explain", "x", "--lang", "en").output
    assert "“x” matches no project" in line and "1–15" in line


@pytest.mark.parametrize("layout,options", [("national", {}), ("provincial", {}), ("provincial", {"no_weight": True}),
                                            ("messy", {})])
def test_explain_every_layout(tmp_path, layout, options):
    from layouts import Book, Ind, Proj, build
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views.explain import explain, find_project
    from perfxl.workbook.reader import read_workbook

    book = Book([Proj(executed=50, indicators=[
        Ind("产出指标", "数量指标", "维修面积", "≥1000平方米", "1500平方米", 20, 20),
        Ind("产出指标", "质量指标", "验收合格率", "100%", "90%", 15, 13.5, "个别分项返工"),
        Ind("产出指标", "时效指标", "完工时间", "2025年10月底前", "2025年9月", 15, 15),
        Ind("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 30, 30),
        Ind("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "95%", 10, 10)])])
    path = tmp_path / "b.xlsx"
    build(book, path, layout, **options)
    profile = load_profile(str(ROOT / CAPS))
    result = run_checks(read_workbook(str(path)), profile)
    p = find_project(result, "1")
    lines = explain(result, p, profile)
    assert any(line.startswith(f"五、项目得分：{p.score:g}分，等级“{p.grade}”") for line in lines), lines
    if options.get("no_weight"):
        assert any("表格没有分值列" in line for line in lines)
    else:
        assert any("允许13.5，填报13.5，认可13.5" in line for line in lines)
        assert any("指标偏离：实际完成值优于目标50%" in line for line in lines)
        assert p.score == 69  # 5 + 88.5 = 93.5, minus 2 for the deviation, capped at 69 (50%)
