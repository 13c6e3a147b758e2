"""D: indicator-design checks (docs/template.md §4.1) — what published 复核口径 deduct for.

Each check is a row of a table: an edit that makes it fire at a named cell and a near miss
that keeps it quiet, on workbooks built in code (tests/layouts.py). Then what a profile makes
of them: off, a warning, or a deduction taken in the project score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from layouts import Book, Ind, Proj, build
from perfxl.result import run_checks
from perfxl.rules.catalogue import RULES
from perfxl.scoring.profile import ProfileError, load_profile
from perfxl.workbook.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
STRICT = str(ROOT / "examples" / "profiles" / "strict-indicators.toml")
DEFAULT = load_profile()


def _row(i: int, ind: Ind):
    def edit(book):
        book.projects[0].indicators[i] = ind
    return edit


def _rows(inds: list[Ind]):
    def edit(book):
        book.projects[0].indicators = inds
    return edit


def _two_projects(executed: float, scores=None):
    """Two projects of the same shape; ``scores`` replaces each indicator's score (first project)."""
    def edit(book):
        first = Proj(sheet="项目1", name="甲项目", executed=executed)
        second = Proj(sheet="项目2", name="乙项目", executed=executed)
        if scores is not None:
            for ind, s in zip(first.indicators, scores):
                ind.score = s
                ind.reason = "部分完成"
        book.projects = [first, second]
    return edit


QUANTITY = ("产出指标", "数量指标")
COST = ("产出指标", "成本指标")
SOCIAL = ("效益指标", "社会效益指标")
SATISFACTION = ("满意度指标", "服务对象满意度指标")


@dataclass
class Case:
    code: str
    fire: Callable[[Book], None]
    quiet: Callable[[Book], None]
    cell: object  # a key of the builder's Where on 项目1, or (sheet, key)
    why: str = ""


CASES = [
    Case("D101", _row(0, Ind(*COST, "维修成本", "≥17.4万元", "17.4万元", 20, 20)),
         _row(0, Ind(*COST, "维修成本", "≤17.4万元", "17.4万元", 20, 20)), (0, "target"),
         why="a cost target that reads at least; at most is right"),
    Case("D101", _row(0, Ind(*COST, "维修成本", "17.4万元以上", "17.4万元", 20, 20)),
         _row(0, Ind(*COST, "维修成本", "17.4万元", "17.4万元", 20, 20)), (0, "target"),
         why="以上 is at least too; a bare number under 成本 is at most"),
    Case("D102", _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "98%", 20, 20)),
         _row(0, Ind(*QUANTITY, "维修面积", "≥1200平方米", "1250平方米", 20, 20)), (0, "name"),
         why="money as an output: spending progress under 数量"),
    Case("D102", _row(0, Ind(*QUANTITY, "完成投资额", "≥500万元", "520万元", 20, 20)),
         _row(0, Ind(*QUANTITY, "完成维修项目", "≥5项", "5项", 20, 20)), (0, "name"),
         why="万元 under 数量 is money as an output"),
    Case("D102", _row(1, Ind("产出指标", "质量指标", "预算执行率", "100%", "100%", 15, 15)),
         _row(1, Ind("产出指标", "时效指标", "费用支付及时率", "100%", "100%", 15, 15)), (1, "name"),
         why="under 质量 too; 时效 is not a 数量/质量 indicator"),
    Case("D103", _row(3, Ind(*SOCIAL, "维修面积", "≥1200平方米", "1250平方米", 30, 30)),
         _row(3, Ind(*SOCIAL, "办公条件", "明显改善", "明显改善", 30, 30)), (3, "name"),
         why="one name under 产出 and under 效益"),
    Case("D103", _row(1, Ind("产出指标", "质量指标", " 维修 面积", "≥1200平方米", "1250平方米", 15, 15)),
         _row(1, Ind("产出指标", "质量指标", "维修质量", "验收合格", "验收合格", 15, 15)), (1, "name"),
         why="twice in one project, whatever the spaces"),
    Case("D104", _row(0, Ind(*QUANTITY, "维修项目", "按要求完成", "已完成", 20, 20)),
         _row(0, Ind(*QUANTITY, "维修项目", "≥3项", "3项", 20, 20)), (0, "target"),
         why="a quantity with a qualitative target"),
    Case("D105", _row(3, Ind(*SOCIAL, "社会效益", "≥95%", "98%", 30, 30)),
         _row(3, Ind(*SOCIAL, "群众知晓率", "≥95%", "98%", 30, 30)), (3, "target"),
         why="a percentage on something that is no rate"),
    Case("D106", _row(4, Ind(*SATISFACTION, "干部职工满意度", "≥95%", "≥95%", 10, 10)),
         _row(4, Ind(*SATISFACTION, "干部职工满意度", "≥95%", "97%", 10, 10)), (4, "actual"),
         why="B copied from A (counted as met by §3, but no actual value)"),
    Case("D106", _row(0, Ind(*QUANTITY, "维修面积", "不低于1200平方米", "不低于1200平方米", 20, 20)),
         _row(0, Ind(*QUANTITY, "维修面积", "1200平方米", "1200平方米", 20, 20)), (0, "actual"),
         why="a comparison word copied; a bare number equal to A is an actual value"),
    Case("D107", _row(4, Ind(*SATISFACTION, "干部职工满意度", "群众满意", "满意", 10, 10)),
         _row(4, Ind(*SATISFACTION, "干部职工满意度", "群众满意", "满意度96%", 10, 10)), (4, "actual"),
         why="a satisfaction without a number"),
    Case("D108", _rows([Ind(*QUANTITY, "维修面积", "≥1200平方米", "1250平方米", 60, 60),
                        Ind(*SOCIAL, "办公条件", "明显改善", "明显改善", 30, 30)]),
         _rows([Ind(*QUANTITY, "维修面积", "≥1200平方米", "1250平方米", 50, 50),
                Ind(*SOCIAL, "办公条件", "明显改善", "明显改善", 30, 30),
                Ind(*SATISFACTION, "干部职工满意度", "≥90%", "95%", 10, 10)]), "table",
         why="two indicators; three are enough"),
    Case("D109", _row(3, Ind("产出指标", "质量指标", "验收一次通过率", "100%", "100%", 30, 30)),
         _row(3, Ind("效益指标", "可持续影响指标", "使用年限", "≥10年", "10年", 30, 30)), "table",
         why="no 效益 indicator"),
    Case("D110", _two_projects(100), _two_projects(100, scores=(18, 15, 15, 30, 10)), ("单位情况", "单位名称"),
         why="every project at 100; one at 98 is enough"),
    Case("D111", _two_projects(50), _two_projects(85), ("单位情况", "单位名称"),
         why="every project 优 while the projects spent 50%; 85% is above the line"),
]
IDS = [f"{c.code}-{i}" for i, c in enumerate(CASES)]


def _run(tmp_path, edit, profile=DEFAULT):
    book = Book()
    edit(book)
    path = tmp_path / "design.xlsx"
    where = build(book, path, "national")
    return run_checks(read_workbook(str(path)), profile), where


def _cell(where, key) -> tuple[str, str]:
    if key == "table":
        return ("项目1", "C12")  # the indicator table's 三级指标 header
    if isinstance(key, tuple) and isinstance(key[0], str):
        return key[0], where(*key)
    return "项目1", where("项目1", key)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_design_check_fires_at_its_cell(tmp_path, case):
    result, where = _run(tmp_path, case.fire)
    hits = [f for f in result.findings if f.code == case.code]
    assert hits, (case.why, [(f.code, f.cell, f.message) for f in result.findings])
    assert _cell(where, case.cell) in {(f.sheet, f.cell) for f in hits}
    for f in hits:
        assert f.severity == "warning"
        assert f.message and "{" not in f.message and "{" not in f.hint
        en = f.text("en")
        assert "{" not in en[0] and "{" not in en[1]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_design_check_quiet_on_the_near_miss(tmp_path, case):
    result, _ = _run(tmp_path, case.quiet)
    assert not [f for f in result.findings if f.code == case.code], (case.why, [
        (f.code, f.cell, f.message) for f in result.findings if f.code == case.code])


def test_d101_d102_d103_d104_d105_d106_d107_d108_d109_d110_d111_have_table_cases():
    assert {c for c in RULES if c.startswith("D")} == {c.code for c in CASES}


def test_a_clean_book_raises_no_design_warning(tmp_path):
    result, _ = _run(tmp_path, lambda book: None)
    assert not [f for f in result.findings if f.code.startswith("D")]


def test_satisfaction_that_is_not_a_number_is_one_finding(tmp_path):
    """Under ``≥90%`` a B of 满意 is I103 (not a number, an error): D107 does not repeat it."""
    result, where = _run(tmp_path, _row(4, Ind(*SATISFACTION, "干部职工满意度", "≥90%", "满意", 10, 10)))
    at_b = [f.code for f in result.findings if f.cell == where("项目1", (4, "actual"))]
    assert at_b == ["I103"]


# -- the profile: off, warn, or a deduction ------------------------------------------------------

def _profile(tmp_path, text: str):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return load_profile(str(path))


def test_off_in_a_profile_turns_a_check_off(tmp_path):
    profile = _profile(tmp_path, '[design]\nmoney_as_output = "off"\n')
    result, _ = _run(tmp_path, _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "98%", 20, 20)), profile)
    assert "D102" not in {f.code for f in result.findings}


def test_zero_takes_the_indicator_out_of_the_project_score(tmp_path):
    """0 points for money as an output: 100 becomes 80, said at the indicator (D102) and the total (V201)."""
    profile = _profile(tmp_path, '[design]\nmoney_as_output = "zero"\n')
    result, where = _run(tmp_path, _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "98%", 20, 20)), profile)
    p = result.projects[0]
    assert (p.raw_score, p.score, p.grade) == (100, 80, "良")
    assert p.indicators[0].deducted == 20 and p.indicators[0].accepted == 20
    d102 = next(f for f in result.findings if f.code == "D102")
    assert "按本方案该指标不得分（扣20分）" in d102.message
    v201 = next(f for f in result.findings if f.code == "V201")
    assert v201.cell == where("项目1", "total") and "指标设置" in v201.message
    assert [a.kind for a in p.adjustments] == ["design"]


def test_a_duplicate_is_counted_once(tmp_path):
    profile = _profile(tmp_path, '[design]\nduplicate = "zero"\n')
    result, where = _run(tmp_path, _row(3, Ind(*SOCIAL, "维修面积", "≥1200平方米", "1250平方米", 30, 30)), profile)
    p = result.projects[0]
    assert [r.deducted for r in p.indicators] == [0, 0, 0, 30, 0]  # the first occurrence counts
    assert p.score == 70


def test_points_off_the_indicator_and_off_the_project(tmp_path):
    profile = _profile(tmp_path, '[design]\npercent_not_rate = 5\nmissing_level = 3\n')
    edit = _row(3, Ind("产出指标", "质量指标", "服务效果", "≥95%", "98%", 30, 30))  # no 效益, and no rate
    result, _ = _run(tmp_path, edit, profile)
    p = result.projects[0]
    assert p.indicators[3].deducted == 5
    assert p.score == 92  # 100 − 5 (the indicator) − 3 (the project)
    assert {"D105", "D109"} <= {f.code for f in result.findings}


def test_a_deduction_never_takes_more_than_the_indicator_has(tmp_path):
    profile = _profile(tmp_path, '[design]\nmoney_as_output = 50\n')
    result, _ = _run(tmp_path, _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "98%", 20, 20)), profile)
    assert result.projects[0].indicators[0].deducted == 20 and result.projects[0].score == 80


def test_ignored_rule_still_deducts(tmp_path):
    """--ignore hides a finding; the profile's deduction still decides the score (as for V102)."""
    profile = _profile(tmp_path, '[design]\nmoney_as_output = "zero"\n')
    book = Book()
    _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "98%", 20, 20))(book)
    path = tmp_path / "b.xlsx"
    build(book, path, "national")
    result = run_checks(read_workbook(str(path)), profile, ignore_codes=("D",))
    assert result.projects[0].score == 80 and not [f for f in result.findings if f.code.startswith("D")]


def test_the_strict_example_profile(tmp_path):
    """examples/profiles/strict-indicators.toml: money as an output 0, a duplicate counted once,
    no deduction for over-completion (V102 stays a warning)."""
    strict = load_profile(STRICT)
    assert strict.design["money_as_output"] == "zero" and strict.design["duplicate"] == "zero"
    assert strict.deviation_points == 0 and strict.execution_caps == []
    edit = _row(0, Ind(*QUANTITY, "资金支付率", "≥95%", "130%", 20, 20))
    result, _ = _run(tmp_path, edit, strict)
    assert result.projects[0].score == 80
    assert "V102" in {f.code for f in result.findings}


@pytest.mark.parametrize("text,fragment", [
    ('[design]\nduplicate = "maybe"\n', "“design.duplicate”应为“warn”“off”“zero”或扣分数"),
    ('[design]\nfew_indicators = "zero"\n', "“design.few_indicators”应为“warn”“off”或扣分数"),
    ('[design]\nall_full_marks = 5\n', "“design.all_full_marks”应为“warn”或“off”"),
    ('[design]\nmoney_as_output = 150\n', "“design.money_as_output”应为"),
    ('[design]\nmin_indicators = 0\n', "“design.min_indicators”应为不小于 1 的整数"),
    ('[design]\nall_excellent_rate_below = 80\n', "“design.all_excellent_rate_below”应在 0 到 1 之间"),
    ('[design]\nrate_words = "率"\n', "“design.rate_words”应为文字列表"),
    ('[design]\nduplicat = "off"\n', "不认识“design.duplicat”"),
])
def test_profile_rejects_what_a_design_check_cannot_be(tmp_path, text, fragment):
    with pytest.raises(ProfileError) as exc:
        _profile(tmp_path, text)
    assert fragment in str(exc.value)
    assert exc.value.en and "design." in exc.value.en


# -- the unit-level ones in the roll-up ----------------------------------------------------------

def test_unit_level_design_findings_are_counted_in_the_roll_up(tmp_path):
    from openpyxl import load_workbook

    from perfxl.rollup import FileRow, totals
    from perfxl.views.batch import write_rollup

    rows = []
    for name, executed in (("甲.xlsx", 100), ("乙.xlsx", 50), ("丙.xlsx", 85)):
        result, _ = _run(tmp_path, _two_projects(executed))
        rows.append(FileRow.of(result, name))
    t = totals(rows, {})
    assert t.unit_design == {"D110": 1, "D111": 1}
    assert t.json(0, 0.0)["batch"]["unit_design"] == {"D110": 1, "D111": 1}
    out = tmp_path / "汇总.xlsx"
    write_rollup(str(out), rows, t)
    wb = load_workbook(out, read_only=True)
    front = {r[0]: r[1] for r in wb["总览"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert front["全部项目均为100分的单位（D110）"] == 1
    assert front["全部项目均为“优”而执行率偏低的单位（D111）"] == 1
    notes = {r[1]: r[16] for r in wb["单位汇总"].iter_rows(min_row=2, values_only=True)}
    assert "全部项目均为100分（D110）" in notes["甲.xlsx"] and "D111" in notes["乙.xlsx"]
    assert "D11" not in notes["丙.xlsx"]  # (all three are one unit's: B103 says so in each)


def test_d111_needs_every_amount(tmp_path):
    """An amount that cannot be read is its own finding (R111): the unit's rate is not known, no D111."""
    from openpyxl import load_workbook

    book = Book()
    _two_projects(50)(book)
    path = tmp_path / "d111.xlsx"
    where = build(book, path, "national")
    wb = load_workbook(path)
    wb["项目2"][where("项目2", "executed")] = "约50万"
    wb.save(path)
    result = run_checks(read_workbook(str(path)), DEFAULT)
    assert "R111" in {f.code for f in result.findings} and "D111" not in {f.code for f in result.findings}
