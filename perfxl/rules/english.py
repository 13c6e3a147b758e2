"""English for ``--lang en``: each rule carries its English title, message and hint (declared
beside the check); this module gives the English of perfxl's own words that fill them (labels,
columns, what a cell should hold, why a score is what it is). The user's text stays as typed."""

from __future__ import annotations

import re

from perfxl import model
from perfxl.model import SEVERITY_EN, Finding  # noqa: F401  (re-exported)


def __getattr__(name: str):
    if name == "EN":  # every rule's English (title, message, hint), once the registry is complete
        from perfxl.rules.catalogue import RULES
        return {code: rule.en for code, rule in RULES.items()}
    raise AttributeError(name)

GLOSSARY = {
    # unit sheet
    "单位名称": "unit name", "评价年度": "evaluation year", "主管部门": "supervising department",
    "在编人员": "established staff", "退休人员": "retired staff", "劳动聘用人员": "contract staff",
    "其他人员": "other staff", "人员合计": "staff total", "年初预算数": "initial budget",
    "年初结转和结余": "opening balance", "财政拨款收入": "appropriation income",
    "财政拨款支出": "appropriation spending", "基本支出": "basic spending", "人员经费": "personnel costs",
    "日常公用经费": "public costs", "项目支出": "project spending", "年末结转和结余": "closing balance",
    # funding block and indicators
    "全年预算数": "budget", "全年执行数": "executed amount", "执行率": "execution rate", "分值": "weight",
    "得分": "score", "预算执行得分": "funding score", "总分得分": "total score", "总分分值": "total weight",
    "项目名称": "project name", "自评得分": "self-evaluation score", "评价等级": "grade",
    "年度指标值": "target", "实际完成值": "actual value", "一级指标": "first-level indicator",
    "二级指标": "second-level indicator",
    # what a cell should hold
    "项目全称": "the project's full name", "单位全称": "the unit's full name", "金额（万元）": "an amount (10,000 yuan)",
    "该指标的分值": "the indicator's weight", "总分": "the total score", "数字": "a number",
    "四位年份，如 2025": "a four-digit year such as 2025",
    # blocks and sheet kinds
    "资金块（全年预算数、全年执行数表头）": "the funding block (a header with budget and executed amount)",
    "“年度资金总额”行": "the total funding row", "“总分”行": "the total row",
    "项目表": "project sheet", "汇总表": "summary sheet", "单位情况表": "unit sheet",
    "部门整体支出绩效自评表": "whole-unit sheet", "部门整体评分表": "the whole-unit rubric",
    "单项指标得分": "score out of 100",
    # things the output cannot keep
    "VBA 宏": "VBA macros", "新式（线程）批注（旧式批注会保留）": "threaded comments (notes are kept)",
    "表单控件/ActiveX 控件": "form or ActiveX controls",
}

_LEVELS = {"达成年度指标": "met", "部分达成并具有一定效果": "partly met", "未达成且效果较差": "not met",
           "达成": "met", "部分达成": "partly met", "未达成": "not met"}

# Why the formula evaluator (perfxl/excel/formula.py) cannot compute a formula (R114's reason):
# (pattern, English); groups keep the formula's own text (names, references, formats).
EVALUATOR = [
    (r"^区域过大，无法按数组计算$", lambda m: "the range is too large to compute as an array"),
    (r"^引用了其他工作簿$", lambda m: "it refers to another workbook"),
    (r"^使用了表格结构化引用$", lambda m: "it uses a structured table reference"),
    (r"^使用了跨多个工作表的三维引用$", lambda m: "it uses a 3-D reference across several sheets"),
    (r"^不支持函数 (.+)$", lambda m: f"the function {m[1]} is not supported"),
    (r"^函数 (.+) 的参数个数不对$", lambda m: f"the function {m[1]} has the wrong number of arguments"),
    (r"^无法计算的引用 (.+)$", lambda m: f"the reference {m[1]} cannot be computed"),
    (r"^公式嵌套超过 (.+) 层$", lambda m: f"the formula nests more than {m[1]} levels deep"),
    (r"^公式嵌套过深$", lambda m: "the formulas nest too deep"),
    (r"(?s)^无法解析公式：(.*)$", lambda m: f"the formula cannot be parsed: {m[1]}"),
    (r"(?s)^使用了引用合并运算符：(.*)$", lambda m: f"it uses the union operator: {m[1]}"),
    (r"(?s)^使用了数组常量：(.*)$", lambda m: f"it uses an array constant: {m[1]}"),
    (r"^无法解析公式$", lambda m: "the formula cannot be parsed"),
    (r"^空公式$", lambda m: "the formula is empty"),
    (r"^函数参数中使用了数组运算$", lambda m: "a function argument uses an array operation"),
    (r"(?s)^TEXT 函数的格式“(.*)”不受支持$", lambda m: f"the format “{m[1]}” of the TEXT function is not supported"),
    (r"^循环引用 (.+)$", lambda m: f"a circular reference at {m[1]}"),
    (r"^找不到工作表“(.*)”$", lambda m: f"there is no sheet “{m[1]}”"),
    (r"^未定义的名称 (.+)$", lambda m: f"the name {m[1]} is not defined"),
    (r"^名称 (.+) 引用了自身$", lambda m: f"the name {m[1]} refers to itself"),
    (r"^无法计算$", lambda m: "it cannot be computed"),
]

# (pattern, English) for the reasons the scoring gives; groups keep the user's text and numbers.
PATTERNS = [
    *EVALUATOR,
    (r"^实际完成值“(.*)”为(.+?)，得分应在(.+)至(.+)之间$",
     lambda m: f"actual value “{m[1]}” is {_LEVELS.get(m[2], m[2])}: the score lies between {m[3]} and {m[4]}"),
    (r"^没有年度指标值，得分只核对不超过分值$", lambda m: "no target: only score ≤ weight is checked"),
    (r"^实际完成值为空$", lambda m: "the actual value is empty"),
    (r"^实际完成值与目标一致，应得满分$", lambda m: "the actual value repeats the target: full marks"),
    (r"^实际完成值“(.*)”的单位与年度指标值“(.*)”不同，无法比较$",
     lambda m: f"actual value “{m[1]}” is in another unit than the target “{m[2]}”"),
    (r"^年度指标值为定量指标，实际完成值“(.*)”不是数字$",
     lambda m: f"the target is quantitative and the actual value “{m[1]}” is not a number"),
    (r"^实际完成值(.+)，按规则应得(.+)$", lambda m: f"actual value {m[1]}: the rules give {m[2]}"),
    (r"^实际完成值“(.*)”为未按时完成$", lambda m: f"actual value “{m[1]}” says it was late"),
    (r"^实际完成值“(.*)”为按时完成$", lambda m: f"actual value “{m[1]}” says it was on time"),
    (r"^实际完成值“(.*)”为未完成$", lambda m: f"actual value “{m[1]}” says it was not completed"),
    (r"^年度指标值或实际完成值没有写明年份，又无评价年度，无法核对完成时间$",
     lambda m: "neither the target nor the actual value gives a year, and the evaluation year is unknown"),
    (r"^实际完成时间(\d+)年(\d+)月(\d+)日不晚于目标$", lambda m: f"completed {m[1]}-{m[2]}-{m[3]}, not later than the target"),
    (r"^实际完成时间(\d+)年(\d+)月(\d+)日晚于目标$", lambda m: f"completed {m[1]}-{m[2]}-{m[3]}, later than the target"),
    (r"^合并评分的各行按规则合计$", lambda m: "the rows scored together, added up by the rules"),
    (r"^按规则计算$", lambda m: "by the rules"),
    (r"^工作表“(.*)”中的形状/文本框$", lambda m: f"shapes or text boxes on sheet “{m[1]}”"),
    (r"^工作表“(.*)”中的图片（未安装 Pillow）$", lambda m: f"pictures on sheet “{m[1]}” (Pillow is not installed)"),
    (r"^工作表“(.*)”的扩展内容（extLst）$", lambda m: f"extension content (extLst) of sheet “{m[1]}”"),
    (r"^(.+)，应得满分$", lambda m: f"{words(m[1])}: full marks"),
    (r"^(.+)，得分应在(.+)至(.+)之间$", lambda m: f"{words(m[1])}: the score lies between {m[2]} and {m[3]}"),
]
_COMPILED = [(re.compile(p), f) for p, f in PATTERNS]


def words(text: str) -> str:
    """perfxl's own Chinese words in English; anything else unchanged."""
    if text in GLOSSARY:
        return GLOSSARY[text]
    for rx, f in _COMPILED:
        m = rx.match(text)
        if m:
            return f(m)
    return text


model.EN_WORDS = words


def localize(f: Finding, lang: str) -> tuple[str, str]:
    """(message, hint) of a finding in ``lang``; Chinese when no translation exists."""
    return f.text(lang)
