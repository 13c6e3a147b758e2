"""R114 (a formula perfxl cannot compute): the reason is English under --lang en, whatever the
evaluator's reason is; Chinese by default."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.rules.english import words
from perfxl.workbook.template import write_template

CJK = re.compile(r"[\u4e00-\u9fff]")
FORMULA_PY = Path(__file__).resolve().parents[1] / "perfxl" / "excel" / "formula.py"


def _reasons_in_the_evaluator() -> list[str]:
    """Every reason formula.py can raise, with ASCII stand-ins for its placeholders."""
    tree = ast.parse(FORMULA_PY.read_text(encoding="utf-8"))
    out = []

    def text(node) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "X1" for v in node.values)
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        reason = text(node.args[0])
        if reason is None or reason == "X1：X1":  # fail()'s own wrapper: its callers are below
            continue
        if name == "fail":
            out.append(f"{reason}：=X1")
        elif name in ("Unsupported", "FormulaTooDeep", "CircularReference", "Fail"):
            out.append(reason)
    out.append("无法解析公式：=X1")  # fail() without a reason
    out.append("无法计算")  # the reader's word when an exception says nothing
    return out


def test_the_scan_finds_the_evaluator_reasons():
    reasons = _reasons_in_the_evaluator()
    assert len(reasons) >= 15 and "不支持函数 X1" in reasons and "循环引用 X1!X1" in reasons


@pytest.mark.parametrize("reason", _reasons_in_the_evaluator())
def test_every_evaluator_reason_has_its_english(reason):
    en = words(reason)
    assert en != reason and not CJK.search(en), (reason, en)


def _book(tmp_path, formula):
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    wb = load_workbook(path)  # saved by openpyxl: formulas without cached values
    wb["项目1"]["K40"] = formula
    wb.save(path)
    return path


@pytest.mark.parametrize("formula,zh,en", [
    ("=WEBSERVICE(\"x\")", "不支持函数 WEBSERVICE", "the function WEBSERVICE is not supported"),
    ("=[1]Sheet1!A1", "引用了其他工作簿", "it refers to another workbook"),
    ("=K40+1", "循环引用 项目1!K40", "a circular reference at 项目1!K40"),
])
def test_r114_reason_in_both_languages(run, tmp_path, formula, zh, en):
    path = _book(tmp_path, formula)
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    [f] = [f for f in data["findings"] if f["code"] == "R114"]
    assert f["cell"] == "K40" and zh in f["message"]
    data = json.loads(run("check", path, "--format", "json", "--no-write", "--lang", "en").output)
    [f] = [f for f in data["findings"] if f["code"] == "R114"]
    assert en in f["message"], f["message"]
    assert not CJK.search(f["message"].replace("项目1", "")) and not CJK.search(f["hint"])


def test_a_formula_perfxl_computes_is_no_r114(run, tmp_path):
    path = _book(tmp_path, "=SUM(1,2)")
    data = json.loads(run("check", path, "--format", "json", "--no-write", "--lang", "en").output)
    assert not [f for f in data["findings"] if f["code"] == "R114"]
