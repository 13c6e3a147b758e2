"""Reasons (perfxl/excel/reasons.py): every reason perfxl gives (R114's formula perfxl cannot
compute, the scorer's why, the parts a result workbook cannot keep) is a code with Chinese and
English from one table; R114's reason is English under --lang en, Chinese by default."""

from __future__ import annotations

import ast
import json
import pickle
import re
import string
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.excel.reasons import TEXTS, Reason
from perfxl.workbook.template import write_template

CJK = re.compile(r"[\u4e00-\u9fff]")
PACKAGE = Path(__file__).resolve().parents[1] / "perfxl"


def _codes_in_the_source() -> set[str]:
    """Every code the package names where it makes a reason: ``Reason("code", ...)``, the
    evaluator's ``fail("code")`` and the extension table of the package scan."""
    out = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in ("Reason", "fail"):
                    out.add(node.args[0].value)
    from perfxl.excel.package import EXT_NAMES
    return out | set(EXT_NAMES.values())


def test_every_reason_made_is_in_the_table():
    used = _codes_in_the_source()
    assert len(used) >= 40 and {"function", "circular", "level", "shapes"} <= used
    assert used <= set(TEXTS), used - set(TEXTS)
    assert set(TEXTS) - used <= {"met", "partly", "not_met"}  # no text without a use (levels: Reason(level))


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_reason_has_its_english(code):
    zh, en = TEXTS[code]
    fields = {f for _, f, _, _ in string.Formatter().parse(zh) if f}
    assert fields == {f for _, f, _, _ in string.Formatter().parse(en) if f}, code
    assert CJK.search(zh) and not CJK.search(en), code


def test_a_reason_is_its_chinese_text_and_knows_its_english():
    why = Reason("range", why=Reason("late", actual="7月底"), low="0", high="6")
    assert why == "实际完成值“7月底”为未按时完成，得分应在0至6之间" and isinstance(why, str)
    assert why.en == "actual value “7月底” says it was late: the score lies between 0 and 6"
    assert (why.code, why.args["low"]) == ("range", "0")
    again = pickle.loads(pickle.dumps(why))  # the batch's workers send findings back
    assert again == why and again.en == why.en and json.dumps(again, ensure_ascii=False) == json.dumps(str(why),
                                                                                                 ensure_ascii=False)


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
