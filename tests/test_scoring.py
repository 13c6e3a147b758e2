"""Scores, precision, profiles and the JSON report (docs/template.md §4)."""

from __future__ import annotations

import json

import pytest

from pathlib import Path

from layouts import Book, Ind, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import ProfileError, load_profile
from perfxl.scoring.precision import agrees, rate_agrees
from perfxl.excel.numbers import decimals_of
from perfxl.workbook.reader import read_workbook


@pytest.mark.parametrize("entered,computed,min_dec,ok", [
    (1.9, 1.946, 1, True),    # an indicator 1.9 agrees with 1.946
    (10, 9.5, 1, False),      # an indicator 10 does not agree with 9.5
    (93, 93.33, 0, True),     # a summary 93 agrees with 93.33
    (98, 98.68, 0, False),    # a summary 98 does not agree with 98.68
    (13.5, 13.5, 1, True),
    (3.33, 3.3333, 1, True),
    (3.3, 3.3333, 1, True),
    (3.4, 3.3333, 1, False),
    (99, 98.68, 0, True),
    (98.7, 98.68, 0, True),
    (98.6, 98.68, 0, False),
])
def test_precision_rule(entered, computed, min_dec, ok):
    assert agrees(entered, computed, decimals_of(entered), min_decimals=min_dec) is ok


@pytest.mark.parametrize("entered,computed,ok", [
    (1, 0.996, True),         # a stored 1 is 100%: agrees with 99.6%
    (1, 0.8045, False),       # ... but not with 80.45%
    (0.9707, 0.97066, True),  # 97.07% with two decimals
    (0.9707, 0.9712, False),
    (0.87, 0.8683, True),     # 87% agrees with 86.83%
    (0.9, 0.8683, False),     # 90% does not
])
def test_rates_compare_as_percentages(entered, computed, ok):
    assert rate_agrees(entered, computed, decimals_of(entered)) is ok


def test_typed_100_percent_does_not_hide_a_lower_execution(tmp_path):
    book = Book([Proj(budget=100, executed=80.45, rate=1, problems="工程款未结算")])
    book.summary = [{"序号": 1, "项目名称": "办公楼维修项目", "全年预算数": 100, "全年执行数": 80.45, "执行率": 1,
                     "自评得分": 98.05, "评价等级": "优"}]
    result = _result(tmp_path, book)
    assert ("项目1", "G6", "F102") in result.flatten()
    assert ("汇总", "E3", "S105") in result.flatten()


def _result(tmp_path, book, layout="national", profile=None):
    path = tmp_path / "b.xlsx"
    build(book, path, layout)
    return run_checks(read_workbook(str(path)), profile or load_profile())


def test_full_marks_score_is_funding_plus_weights(tmp_path):
    book = Book([Proj(budget=90, executed=30, problems="工程款未结算")])
    r = _result(tmp_path, book).projects[0]
    assert r.funding.computed == pytest.approx(10 / 3, abs=1e-6)
    assert r.score == 93.33  # 3.33 + 90, rounded half up
    assert r.grade == "优"


def test_over_scored_row_is_accepted_at_its_high(tmp_path):
    book = Book()
    book.projects[0].indicators[0] = Ind("产出指标", "数量指标", "维修面积", "≥2000平方米", "1800平方米", 20, 20)
    book.summary = None
    result = _result(tmp_path, book)
    p = result.projects[0]
    assert p.indicators[0].high == 18 and p.indicators[0].accepted == 18
    assert p.score == 98
    assert [f.code for f in result.findings if f.code == "I101"] == ["I101"]


def test_grades_follow_the_profile(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[grades]\n"优" = 95\n"良" = 85\n"中" = 60\n"差" = 0\n[scoring]\nfunding_weight = 20\n', encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.funding_weight == 20 and profile.grade(93) == "良" and profile.grade(95) == "优"
    assert profile.split == load_profile().split  # the rest comes from national-2020


@pytest.mark.parametrize("text,expected", [
    ("[grades\n", "不是有效的 TOML"),
    ("[scoring]\nfunding_weight = \"十\"\n", "应为数字"),
    ("[bands]\nmet = [0.9, 0.8]\n", "得分区间"),
])
def test_bad_profile_is_a_clear_error(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    assert expected in str(exc.value)


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_bad_profile_exits_2(run, tmp_path, in_repo):
    path = tmp_path / "bad.toml"
    path.write_text("[grades\n", encoding="utf-8")
    result = run("check", "samples/2025.xlsx", "--profile", path, "--no-write")
    assert result.exit_code == 2 and "TOML" in result.output
    assert run("check", "samples/2025.xlsx", "--profile", tmp_path / "none.toml", "--no-write").exit_code == 2


def test_json_report_shape(run, in_repo):
    result = run("check", "samples/2025.xlsx", "--format", "json", "--no-write")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) >= {"file", "unit", "projects", "summary", "findings"}
    assert data["file"] == "samples/2025.xlsx"
    assert data["unit"] == {"name": "石家庄市鹿泉区机关事务管理中心", "year": 2025}
    s = data["summary"]
    assert s == {"projects": 15, "grades": {"优": 14, "良": 1, "中": 0, "差": 0}, "ungraded": 0,
                 "excellent_rate": 0.933333, "budget_total": 988.43, "executed_total": 590.2}
    p = data["projects"][13]
    assert (p["name"], p["budget"], p["executed"], p["execution_rate"], p["score"], p["grade"]) == \
        ("2025武装部采暖改造、室内装修项目", 13.49, 11.71, 0.868050, 98.68, "优")
    assert p["funding"] == {"cell": "H6", "weight": 10, "entered_score": 8.68, "computed_score": 8.680504}
    ind = p["indicators"][0]
    assert set(ind) >= {"cell", "level1", "level2", "name", "target", "actual", "weight", "entered_score",
                        "computed_score", "accepted_score", "score_range", "kind", "direction", "level", "sub_item"}
    assert ind["cell"] == "C13" and ind["kind"] == "quantitative" and ind["direction"] == "at_least"
    assert ind["score_range"] == [20, 20] and ind["computed_score"] == 20
    errors = [(f["code"], f["sheet"], f["cell"]) for f in data["findings"] if f["severity"] == "error"]
    assert sorted(errors) == [("S106", "汇总", "C16"), ("U105", "单位情况", "B19")]
    assert all(set(f) == {"code", "severity", "sheet", "cell", "message", "hint", "values"} for f in data["findings"])


def test_yuan_sheet_reports_money_in_wan(run, tmp_path):
    path = tmp_path / "y.xlsx"
    build(Book(summary=None), path, "provincial", yuan=True)
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    assert data["projects"][0]["budget"] == 100


def test_text_report_has_no_color_when_piped(run, in_repo):
    result = run("check", "samples/2025.xlsx", "--no-write")
    assert "\x1b[" not in result.output
    assert "汇总!C16" in result.output and "S106" in result.output and "评优率 93%" in result.output
