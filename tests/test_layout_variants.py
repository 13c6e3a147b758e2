"""The layouts of published forms, budget-system exports and reviewers' worksheets
(docs/template.md §2.4, §2.5), one generic runner: each variant read clean with no false
finding; the same book with planted mistakes, each found at its cell and nothing else; the
result workbook written with nothing of the user's lost."""

from __future__ import annotations

import pytest

from layouts import VARIANTS, Ind, build, variant_book
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook
from test_writer import _compare_user_content

WHOLE_FORMS = ("whole_unit", "whole_unit_label")
RUBRICS = ("rubric", "rubric_points")


def _check(path):
    return run_checks(read_workbook(str(path)), load_profile())


def _serious(result) -> set[tuple]:
    return {f.flat() for f in result.findings if f.severity != "info"}


def _plant_project(q, variant: str) -> list[tuple]:
    """Mistakes that change no project score (the summary stays right): an over-scored
    indicator, a funding 得分 typed wrong, a 总分 that does not add up, and one of the variant's own."""
    s = q.sheet
    out = []
    entered = [i.score for i in q.indicators]
    if variant != "hubei":  # (湖北 has no 分值 column: scores are not checked against weights)
        q.indicators[0].score = entered[0] = 19  # 1080 of 1200 平方米 allow 18
        out.append((s, (0, "score"), "I101"))
    q.fscore = round(q.fscore_value() + 0.4, 2)
    out.append((s, "fscore", "F103"))
    if variant in ("yunnan", "hubei", "sichuan", "sichuan_budget"):
        q.rate = 0.9  # 96 of 100 executed
        out.append((s, "rate", "F102"))
    if variant in ("hebei", "hebei_yuan"):
        q.indicators[1].hundred = 95  # 15 of 15 is 100 out of 100
        out.append((s, (1, "hundred"), "I112"))
    if variant in ("hubei", "yunnan_points", "anhui", *WHOLE_FORMS):
        q.grade = "中"  # the score is 97.6 (its total 99): 优
        out.append((s, "grade", "T106"))
    if variant == "sources":
        q.parts = {"当年财政拨款": (70, 76.8), "其他资金": (20, 19.2)}
        out.append((s, "budget", "F101"))
    q.total = round(q.fscore + sum(entered) + 1, 2)
    out.append((s, "total", "T104"))
    if variant in ("reviewer", "reviewer_groups"):  # the reviewer's own columns are shown, not checked
        q.indicators[2] = Ind("产出指标", "时效指标", "完工时间", "2025年10月底前", "2025年9月", 15, 15, review=("延期", 99))
    return out


def _planted(variant: str):
    book = variant_book(variant)
    book.summary = book.summary_rows()  # as the clean book has it
    if variant in RUBRICS:
        s = "部门整体"
        rows = [list(r) for r in book.rubric]
        rows[1][4] = 6  # 6 of 5 points
        out = [(s, (1, "score"), "I104")]
        if variant == "rubric_points":
            rows[0][3] = 6  # the points in the first name: weights 101
            out.append((s, (0, "name"), "T107"))
        book.rubric = [tuple(r) for r in rows]
        book.rubric_total = sum(r[4] for r in rows) + 2
        book.rubric_grade = "差"
        out += [(s, "total", "T108"), (s, "grade", "T106")]
        return book, out
    if variant in WHOLE_FORMS:
        return book, _plant_project(book.whole, variant)
    return book, _plant_project(book.projects[0], variant)


def _cells(where, expected: list[tuple]) -> set[tuple]:
    return {(sheet, where(sheet, key), code) for sheet, key, code in expected}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_is_read_clean(tmp_path, variant):
    path = tmp_path / f"{variant}.xlsx"
    build(variant_book(variant), path, variant)
    result = _check(path)
    assert _serious(result) == set(), [(f.ref, f.code, f.message) for f in result.findings]
    assert [p.name for p in result.projects] == ["办公楼维修项目", "食堂改造工程"]
    assert [len(p.indicators) for p in result.projects] == [5, 5]  # placeholders and repeated headers are none
    first = result.projects[0]
    assert first.funding.rate == pytest.approx(0.96)
    assert first.score == (97.2 if variant == "hubei" else 97.6)
    assert result.grades["优"] == 2 and sum(result.grades.values()) == 2  # a whole-unit table is no project
    if variant in WHOLE_FORMS:
        assert result.whole_unit.name == "某某区机关事务管理局" and result.whole_unit.score == 97.5
    elif variant in RUBRICS:
        assert result.whole_unit.shape == "rubric" and result.whole_unit.score == 96
    else:
        assert result.whole_unit is None


@pytest.mark.parametrize("variant", VARIANTS)
def test_planted_mistakes_are_found_at_their_cells(tmp_path, variant, run):
    book, expected = _planted(variant)
    path = tmp_path / f"{variant}.xlsx"
    where = build(book, path, variant)
    result = _check(path)
    assert _serious(result) == _cells(where, expected), [(f.ref, f.code, f.message) for f in result.findings]
    out = tmp_path / f"{variant}.perfxl.xlsx"
    done = run("check", path, "-o", out)
    assert done.exit_code == 1, done.output
    _compare_user_content(str(path), str(out))
