"""Workbooks built from scratch in code, in three layouts that every test reuses, and the
variants of published forms, budget-system exports, reviewers' worksheets and whole-unit
tables (``VARIANTS``, docs/template.md §2.4–§2.5) that tests/test_layout_variants.py runs.

- national:   the form as in docs/template.md §2.3 (columns A–H, like ``perfxl init``);
- provincial: columns shifted, （A）/（B） markers, 本年财政拨款, 分值 before a split
              target (指标性质 | 指标值 | 度量单位) under a two-row header, an extra
              unknown column, amounts in 元 (``yuan=True``), or no 分值 column;
- messy:      title rows shifted down, labels with line breaks and full-width
              characters, numbers typed as text, merged 一级指标 cells, a blank row
              inside the table, ``总 分``.

A ``Book`` holds the data; each builder writes it and returns the addresses of what it
wrote (``Where``), so tests assert values *and* cells. Defaults are consistent: a book
built with defaults is clean.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter


@dataclass
class Ind:
    l1: str
    l2: str
    name: str
    target: object
    actual: object
    weight: float | None
    score: float | None
    reason: str = ""
    hundred: float | None = None  # 单项指标得分 of a score group; None = score ÷ weight × 100
    review: tuple | None = None  # (复核完成值, 复核得分) of a reviewer's worksheet; None = the self-evaluation's


def full_marks() -> list[Ind]:
    return [
        Ind("产出指标", "数量指标", "维修面积", "≥1200平方米", "1250平方米", 20, 20),
        Ind("产出指标", "质量指标", "验收合格率", "100%", "100%", 15, 15),
        Ind("产出指标", "时效指标", "完工时间", "2025年10月底前", "2025年9月", 15, 15),
        Ind("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 30, 30),
        Ind("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "95%", 10, 10),
    ]


@dataclass
class Proj:
    sheet: str = "项目1"
    name: str = "办公楼维修项目"
    budget: float = 100.0
    executed: float = 100.0
    weight: float | None = 10
    rate: object = "auto"  # typed 执行率; "auto" = the right fraction
    fscore: object = "auto"  # typed funding 得分
    total: object = "auto"  # typed 总分 得分
    total_weight: object = 100
    parts: dict | None = None  # {"当年财政拨款": (budget, executed), ...}; None = all 财政拨款
    indicators: list[Ind] = field(default_factory=full_marks)
    problems: str = ""
    next_steps: str = ""
    department: str = "某某区机关事务管理局"
    grade: str | None = None  # a grade written in the 总分 row, where the layout has one
    code: str = ""  # a system code written before the name (``51011723T000007943391-``)

    def rate_value(self) -> float:
        return self.executed / self.budget if self.budget else 0.0

    def fscore_value(self) -> float:
        return round((self.weight or 10) * min(self.rate_value(), 1), 2)

    def typed(self, attr: str):
        v = getattr(self, attr)
        if v != "auto":
            return v
        if attr == "rate":
            return round(self.rate_value(), 4)
        if attr == "fscore":
            return self.fscore_value()
        if attr == "total":
            return round(self.fscore_value() + sum(_num(i.score) for i in self.indicators), 2)
        raise KeyError(attr)


def _num(value) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def default_unit() -> dict:
    return {
        "单位名称": "某某区机关事务管理局", "评价年度": 2025, "主管部门": "某某区人民政府",
        "在编人员": 30, "退休人员": 10, "劳动聘用人员": 5, "其他人员": 1, "人员合计": 46,
        "年初预算数": 1000, "年初结转和结余": 0, "财政拨款收入": 1000, "财政拨款支出": 1000,
        "基本支出": 900, "人员经费": 700, "日常公用经费": 200, "项目支出": 100,
        "年末结转和结余": 0,
    }


@dataclass
class Book:
    projects: list[Proj] = field(default_factory=lambda: [Proj()])
    unit: dict | None = field(default_factory=default_unit)
    summary: object = "auto"  # "auto" = one consistent row per project; None = no summary sheet; or list of dicts
    whole: Proj | None = None  # a whole-unit table in the project form's shape (部门整体, §2.5)
    rubric: list | None = None  # a whole-unit rubric: [(一级, 二级, 三级, 分值, 得分)], with rubric_total/grade
    rubric_total: object = "auto"
    rubric_grade: str | None = "auto"

    def summary_rows(self) -> list[dict]:
        if self.summary != "auto":
            return self.summary or []
        rows = []
        for i, p in enumerate(self.projects, 1):
            score = p.typed("total")
            grade = "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"
            rows.append({"序号": i, "项目名称": p.name, "全年预算数": p.budget, "全年执行数": p.executed,
                         "执行率": round(p.rate_value(), 4), "自评得分": score, "评价等级": grade})
        return rows

    def copy(self) -> "Book":
        return copy.deepcopy(self)


@dataclass
class Where:
    """sheet -> key -> coordinate of what a builder wrote."""

    cells: dict[str, dict] = field(default_factory=dict)

    def put(self, sheet: str, key, coord: str) -> None:
        self.cells.setdefault(sheet, {})[key] = coord

    def __call__(self, sheet: str, key) -> str:
        return self.cells[sheet][key]


def _c(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _set(ws, row, col, value, fmt=None):
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt
    return cell


# -- unit and summary sheets (shared, with label variants) ------------------------

UNIT_SYNONYMS_MESSY = {"单位名称": "部门（单位）名称", "在编人员": "核定在编人员", "财政拨款收入": "财政拨款决算收入",
                       "财政拨款支出": "财政拨款决算支出", "日常公用经费": "公用经费", "评价年度": "自评年度"}
MONEY_LABELS = {"年初预算数", "年初结转和结余", "财政拨款收入", "财政拨款支出", "基本支出", "人员经费",
                "日常公用经费", "项目支出", "年末结转和结余"}


def write_unit(wb, book: Book, where: Where, *, variant: str = "national") -> None:
    if book.unit is None:
        return
    ws = wb.create_sheet("单位情况")
    top = 1 if variant != "messy" else 3
    col = 1 if variant != "provincial" else 2
    _set(ws, top, col, "单位基本情况表")
    row = top + 1
    for label, value in book.unit.items():
        shown = label
        if variant == "messy":
            shown = UNIT_SYNONYMS_MESSY.get(label, label)
            if label in MONEY_LABELS:
                shown += "（万元）"
            if isinstance(value, (int, float)) and label == "在编人员":
                value = str(value)  # a number typed as text
        elif variant == "provincial" and label in MONEY_LABELS:
            shown = f"{label}（万元）"
        _set(ws, row, col, shown)
        _set(ws, row, col + 1, value)
        where.put("单位情况", label, _c(row, col + 1))
        row += 1


SUMMARY_COLS = ("序号", "项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "评价等级")


def write_summary(wb, book: Book, where: Where, *, variant: str = "national") -> None:
    if book.summary is None:
        return
    ws = wb.create_sheet("汇总")
    cols = SUMMARY_COLS if variant != "provincial" else ("序号", "项目名称", "自评得分", "评价等级")
    top = 2 if variant != "messy" else 4
    _set(ws, 1, 1, "项目绩效自评结果汇总表")
    for j, name in enumerate(cols, 1):
        shown = name if variant != "messy" else {"自评得分": "绩效自评\n得分", "全年预算数": "全年预算数（万元）"}.get(name, name)
        _set(ws, top, j, shown)
    rows = book.summary_rows()
    for i, data in enumerate(rows):
        r = top + 1 + i
        for j, name in enumerate(cols, 1):
            if name in data:
                _set(ws, r, j, data[name], "0.00%" if name == "执行率" else None)
                where.put("汇总", (i, name), _c(r, j))
    if variant == "messy" and rows:
        r = top + 1 + len(rows)
        _set(ws, r, 2, "合计")
        for name in ("全年预算数", "全年执行数"):
            j = cols.index(name) + 1
            _set(ws, r, j, round(sum(d.get(name, 0) for d in rows), 2))
            where.put("汇总", ("合计", name), _c(r, j))
        if "执行率" in cols:  # the rate of the totals, not a sum of rates
            budget, executed = (sum(d.get(n, 0) for d in rows) for n in ("全年预算数", "全年执行数"))
            j = cols.index("执行率") + 1
            _set(ws, r, j, round(executed / budget, 4) if budget else None, "0.00%")
            where.put("汇总", ("合计", "执行率"), _c(r, j))


# -- national ------------------------------------------------------------------------

def write_project_national(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    s = p.sheet
    ws.merge_cells("A1:H1")
    _set(ws, 1, 1, "项目支出绩效自评表")
    ws.merge_cells("A2:H2")
    _set(ws, 2, 1, "（2025年度）")
    _set(ws, 3, 1, "项目名称")
    ws.merge_cells("B3:H3")
    _set(ws, 3, 2, p.name)
    where.put(s, "name", "B3")
    _set(ws, 4, 1, "主管部门")
    ws.merge_cells("B4:D4")
    _set(ws, 4, 2, p.department)
    _set(ws, 4, 5, "实施单位")
    ws.merge_cells("F4:H4")
    _set(ws, 4, 6, p.department)
    ws.merge_cells("A5:A9")
    _set(ws, 5, 1, "项目资金（万元）")
    for j, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 3):
        _set(ws, 5, j, h)
    _set(ws, 6, 2, "年度资金总额")
    _set(ws, 6, 3, p.budget)
    _set(ws, 6, 4, p.budget)
    _set(ws, 6, 5, p.executed)
    _set(ws, 6, 6, p.weight)
    _set(ws, 6, 7, p.typed("rate"), "0.00%")
    _set(ws, 6, 8, p.typed("fscore"))
    for key, coord in (("initial", "C6"), ("budget", "D6"), ("executed", "E6"), ("fweight", "F6"),
                       ("rate", "G6"), ("fscore", "H6")):
        where.put(s, key, coord)
    parts = p.parts if p.parts is not None else {"当年财政拨款": (p.budget, p.executed)}
    for r, label in ((7, "其中：当年财政拨款"), (8, "上年结转资金"), (9, "其他资金")):
        _set(ws, r, 2, label)
        key = label.replace("其中：", "")
        if key in parts:
            _set(ws, r, 3, parts[key][0])
            _set(ws, r, 4, parts[key][0])
            _set(ws, r, 5, parts[key][1])
            where.put(s, (key, "budget"), _c(r, 4))
        for j in (6, 7, 8):
            _set(ws, r, j, "—")
    ws.merge_cells("A10:A11")
    _set(ws, 10, 1, "年度总体目标")
    ws.merge_cells("B10:E10")
    _set(ws, 10, 2, "预期目标")
    ws.merge_cells("F10:H10")
    _set(ws, 10, 6, "实际完成情况")
    ws.merge_cells("B11:E11")
    _set(ws, 11, 2, "完成办公楼维修，改善办公条件。")
    ws.merge_cells("F11:H11")
    _set(ws, 11, 6, "维修已完成并验收合格。")
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for j, h in enumerate(heads, 1):
        _set(ws, 12, j, h)
    r = 13
    for i, ind in enumerate(p.indicators):
        for j, v in enumerate([ind.l1, ind.l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.reason], 1):
            _set(ws, r, j, v if v != "" else None)
        for key, j in (("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7), ("reason", 8),
                       ("l1", 1), ("l2", 2)):
            where.put(s, (i, key), _c(r, j))
        r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    _set(ws, r, 1, "总分")
    _set(ws, r, 6, p.total_weight)
    _set(ws, r, 7, p.typed("total"))
    where.put(s, "total_weight", _c(r, 6))
    where.put(s, "total", _c(r, 7))
    _set(ws, r + 1, 1, "主要问题及原因")
    _set(ws, r + 1, 2, p.problems or None)
    where.put(s, "problems", _c(r + 1, 2))
    _set(ws, r + 2, 1, "下一步改进措施")
    _set(ws, r + 2, 2, p.next_steps or None)


# -- provincial --------------------------------------------------------------------

_NATURE = (("≥", "≥"), ("≤", "≤"), (">", ">"), ("<", "<"), ("=", "="))


def split_target(target) -> tuple[str, object, str]:
    """``≥95%`` -> (正向, 95, %); qualitative text -> (定性, text, '')."""
    import re
    if not isinstance(target, str):
        return "正向", target, ""
    m = re.match(r"^(≥|≤|>|<|=)?(\d+(?:\.\d+)?)(.*)$", target)
    if not m or not re.match(r"^(%|[^\d]*)$", m.group(3)) or "年" in m.group(3) and "月" in m.group(3):
        return "定性", target, ""
    sign = {"≥": "正向", "≤": "反向", None: "正向"}.get(m.group(1), m.group(1))
    num = float(m.group(2))
    return sign, int(num) if num == int(num) else num, m.group(3)


def write_project_provincial(wb, p: Proj, where: Where, *, yuan: bool = False, no_weight: bool = False) -> None:
    ws = wb.create_sheet(p.sheet)
    s = p.sheet
    k = 10000 if yuan else 1
    _set(ws, 1, 2, "2025年度项目支出绩效自评表")
    _set(ws, 2, 2, "金额单位：元" if yuan else "金额单位：万元")
    _set(ws, 3, 2, "项目名称")
    ws.merge_cells("C3:E3")
    _set(ws, 3, 3, p.name)
    where.put(s, "name", "C3")
    _set(ws, 3, 6, "实施单位")
    _set(ws, 3, 7, p.department)
    ws.merge_cells("B4:B8")
    _set(ws, 4, 2, "项目资金" + ("（元）" if yuan else "（万元）"))
    heads = ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
    for j, h in enumerate(heads, 4):
        _set(ws, 4, j, h)
    _set(ws, 5, 3, "年度资金总额")
    _set(ws, 5, 4, p.budget * k)
    _set(ws, 5, 5, p.budget * k)
    _set(ws, 5, 6, p.executed * k)
    _set(ws, 5, 7, p.weight)
    _set(ws, 5, 8, p.typed("rate"), "0.00%")
    _set(ws, 5, 9, p.typed("fscore"))
    for key, coord in (("budget", "E5"), ("executed", "F5"), ("fweight", "G5"), ("rate", "H5"), ("fscore", "I5")):
        where.put(s, key, coord)
    parts = p.parts if p.parts is not None else {"当年财政拨款": (p.budget, p.executed)}
    for r, label, key in ((6, "其中：本年财政拨款", "当年财政拨款"), (7, "上年结转资金", "上年结转资金"), (8, "其他资金", "其他资金")):
        _set(ws, r, 3, label)
        if key in parts:
            _set(ws, r, 4, parts[key][0] * k)
            _set(ws, r, 5, parts[key][0] * k)
            _set(ws, r, 6, parts[key][1] * k)
    # indicators: two-row header, 分值 before a split target, an extra 备注 column
    h = 10
    cols = ["一级指标", "二级指标", "三级指标"] + ([] if no_weight else ["分值"]) + ["年度指标值", None, None,
                                                                              "全年实际值", "得分", "未完成原因分析", "备注"]
    col = 2
    pos = {}
    for name in cols:
        if name is None:
            col += 1
            continue
        if name == "年度指标值":
            ws.merge_cells(start_row=h, start_column=col, end_row=h, end_column=col + 2)
            _set(ws, h, col, name)
            for j, sub in enumerate(["指标性质", "指标值", "度量单位"]):
                _set(ws, h + 1, col + j, sub)
                pos[sub] = col + j
        else:
            ws.merge_cells(start_row=h, start_column=col, end_row=h + 1, end_column=col)
            _set(ws, h, col, name)
            pos[name] = col
        col += 1
    r = h + 2
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        row = {"一级指标": ind.l1, "二级指标": ind.l2, "三级指标": ind.name, "分值": ind.weight,
               "指标性质": nature, "指标值": value, "度量单位": unit, "全年实际值": ind.actual,
               "得分": ind.score, "未完成原因分析": ind.reason, "备注": "已核实"}
        for name, c in pos.items():
            v = row.get(name)
            _set(ws, r, c, v if v != "" else None)
        for key, name in (("name", "三级指标"), ("target", "指标值"), ("actual", "全年实际值"), ("weight", "分值"),
                          ("score", "得分"), ("reason", "未完成原因分析")):
            if name in pos:
                where.put(s, (i, key), _c(r, pos[name]))
        r += 1
    _set(ws, r, 2, "合计")
    if not no_weight:
        _set(ws, r, pos["分值"], p.total_weight)
        where.put(s, "total_weight", _c(r, pos["分值"]))
    _set(ws, r, pos["得分"], p.typed("total"))
    where.put(s, "total", _c(r, pos["得分"]))
    _set(ws, r + 1, 2, "发现的主要问题及原因")
    _set(ws, r + 1, 3, p.problems or None)
    _set(ws, r + 2, 2, "改进措施")
    _set(ws, r + 2, 3, p.next_steps or None)


# -- messy -----------------------------------------------------------------------------

def write_project_messy(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    s = p.sheet
    _set(ws, 3, 1, "附件2")
    _set(ws, 4, 1, "项目支出绩效自评表\n（ 2025年度 ）")
    _set(ws, 6, 1, "项目\n名称")
    _set(ws, 6, 2, p.name)
    where.put(s, "name", "B6")
    _set(ws, 7, 1, "主管部门：")
    _set(ws, 7, 2, p.department)
    _set(ws, 9, 1, "项目资金\n（万元）")
    heads = ["", "年初\n预算数", "全年预算数（万元）", "全年执行数", "分　值", "执行率", "得 分"]
    for j, h in enumerate(heads, 1):
        if h:
            _set(ws, 9, j + 1, h)
    _set(ws, 10, 2, " 年度资金总额 ")
    _set(ws, 10, 3, str(p.budget))  # numbers typed as text
    _set(ws, 10, 4, str(p.budget))
    _set(ws, 10, 5, p.executed)
    _set(ws, 10, 6, p.weight)
    _set(ws, 10, 7, f"{p.typed('rate') * 100:.2f}%" if isinstance(p.typed("rate"), float) else p.typed("rate"))
    _set(ws, 10, 8, p.typed("fscore"))
    for key, coord in (("budget", "D10"), ("executed", "E10"), ("fweight", "F10"), ("rate", "G10"),
                       ("fscore", "H10"), ("initial", "C10")):
        where.put(s, key, coord)
    _set(ws, 11, 2, "其中：财政拨款")
    _set(ws, 11, 4, p.budget)
    _set(ws, 11, 5, p.executed)
    h = 14
    heads = ["一级\n指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分 值", "得 分", "偏差原因分析及改进措施"]
    for j, t in enumerate(heads, 1):
        _set(ws, h, j, t)
    r = h + 1
    start = {}
    for i, ind in enumerate(p.indicators):
        if i == 2:
            r += 1  # a blank row inside the table
        l1 = ind.l1 if ind.l1 not in start else None
        start.setdefault(ind.l1, (r, []))[1].append(r)
        values = [l1, ind.l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.reason]
        for j, v in enumerate(values, 1):
            if v is not None and v != "":
                _set(ws, r, j, v).alignment = Alignment(wrap_text=True)
        for key, j in (("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7), ("reason", 8)):
            where.put(s, (i, key), _c(r, j))
        r += 1
    for l1, (first, rows) in start.items():
        last = rows[-1]
        if last > first:
            for rr in range(first + 1, last + 1):
                ws.cell(row=rr, column=1).value = None
            ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    _set(ws, r, 1, "总  分")
    _set(ws, r, 6, p.total_weight)
    _set(ws, r, 7, p.typed("total"))
    where.put(s, "total_weight", _c(r, 6))
    where.put(s, "total", _c(r, 7))
    _set(ws, r + 2, 1, "主要问题及原因：" + p.problems if p.problems else "主要问题及原因")
    _set(ws, r + 3, 1, "下一步改进措施")
    _set(ws, r + 3, 3, p.next_steps or None)


# -- variants of published forms, system exports and reviewers' worksheets (§2.4, §2.5) ---------
#
# Each writes one project sheet (or a whole-unit sheet) in the shape of a form the contract
# names; ``VARIANTS`` lists them, ``variant_book`` gives each a book that is clean in it.

def _money(p: Proj, yuan: bool) -> tuple[float, float]:
    k = 10000 if yuan else 1
    return p.budget * k, p.executed * k


def _rate_text(p: Proj) -> object:
    r = p.typed("rate")
    return f"{r * 100:g}%" if isinstance(r, (int, float)) else r


def _identity(ws, p: Proj, where: Where, row: int, *, label: str = "项目名称", col: int = 1) -> None:
    """``项目名称 | name`` (with the system code in front), ``主管部门 | … | 实施单位 | …``."""
    _set(ws, row, col, label)
    ws.merge_cells(start_row=row, start_column=col + 1, end_row=row, end_column=col + 5)
    _set(ws, row, col + 1, f"{p.code}-{p.name}" if p.code else p.name)
    where.put(p.sheet, "name", _c(row, col + 1))
    _set(ws, row + 1, col, "主管部门")
    _set(ws, row + 1, col + 1, "219-" + p.department if p.code else p.department)
    _set(ws, row + 1, col + 3, "实施单位")
    _set(ws, row + 1, col + 4, p.department)


def _funding_rows(ws, p: Proj, where: Where, row: int, label_col: int, cols: dict, *, yuan=False,
                  total_label="年度资金总额", part_labels=(("其中：当年财政拨款", "当年财政拨款"),
                                                         ("上年结转资金", "上年结转资金"), ("其他资金", "其他资金"))):
    """年度资金总额 and its sources at ``row``; ``cols`` maps 年初预算数 … 得分 to columns."""
    s = p.sheet
    budget, executed = _money(p, yuan)
    _set(ws, row, label_col, total_label)
    values = {"年初预算数": budget, "全年预算数": budget, "全年执行数": executed, "分值": p.weight,
              "执行率": p.typed("rate"), "得分": p.typed("fscore")}
    for key, c in cols.items():
        _set(ws, row, c, values[key], "0.00%" if key == "执行率" else None)
    for key, name in (("全年预算数", "budget"), ("全年执行数", "executed"), ("分值", "fweight"), ("执行率", "rate"),
                      ("得分", "fscore")):
        if key in cols:
            where.put(s, name, _c(row, cols[key]))
    parts = p.parts if p.parts is not None else {"当年财政拨款": (p.budget, p.executed)}
    k = 10000 if yuan else 1
    for i, (shown, key) in enumerate(part_labels, 1):
        _set(ws, row + i, label_col, shown)
        if key in parts:
            for name in ("年初预算数", "全年预算数", "全年执行数"):
                if name in cols:
                    _set(ws, row + i, cols[name], parts[key][0 if name != "全年执行数" else 1] * k)
            where.put(s, (key, "budget"), _c(row + i, cols["全年预算数"]))
        for name in ("分值", "执行率", "得分"):
            if name in cols:
                _set(ws, row + i, cols[name], "—")


def _goal(ws, row: int, col: int = 1) -> None:
    _set(ws, row, col, "年度总体目标")
    _set(ws, row, col + 1, "预期目标")
    _set(ws, row, col + 4, "实际完成情况")
    _set(ws, row + 1, col + 1, "完成办公楼维修，改善办公条件。")
    _set(ws, row + 1, col + 4, "维修已完成并验收合格。")


def _total_row(ws, p: Proj, where: Where, row: int, label_col: int, weight_col: int | None, score_col: int,
               *, label="总分", grade_col: int | None = None) -> None:
    _set(ws, row, label_col, label)
    if weight_col:
        _set(ws, row, weight_col, p.total_weight)
        where.put(p.sheet, "total_weight", _c(row, weight_col))
    _set(ws, row, score_col, p.typed("total"))
    where.put(p.sheet, "total", _c(row, score_col))
    if grade_col and p.grade:
        _set(ws, row, grade_col, p.grade)
        where.put(p.sheet, "grade", _c(row, grade_col))


def _closing(ws, p: Proj, where: Where, row: int, col: int = 1,
             labels=("主要问题及原因", "下一步改进措施")) -> None:
    _set(ws, row, col, labels[0])
    _set(ws, row, col + 1, p.problems or None)
    where.put(p.sheet, "problems", _c(row, col + 1))
    _set(ws, row + 1, col, labels[1])
    _set(ws, row + 1, col + 1, p.next_steps or None)


def _put_row(ws, p: Proj, where: Where, i: int, r: int, values: dict, pos: dict, keys: dict) -> None:
    """Write ``values`` (header name -> value) at ``pos`` (header name -> column); record ``keys``."""
    for name, c in pos.items():
        v = values.get(name)
        if v is not None and v != "":
            _set(ws, r, c, v)
    for key, name in keys.items():
        if name in pos:
            where.put(p.sheet, (i, key), _c(r, pos[name]))


def _two_row_header(ws, row: int, col: int, heads: list) -> dict[str, int]:
    """``heads``: a name (merged down over both rows) or (group, [parts]) (merged across, parts below)."""
    pos = {}
    for h in heads:
        if isinstance(h, tuple):
            group, parts = h
            if group:
                ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + len(parts) - 1)
                _set(ws, row, col, group)
            for j, part in enumerate(parts):
                _set(ws, row + 1, col + j, part)
                pos[part] = col + j
            col += len(parts)
        else:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
            _set(ws, row, col, h)
            pos[h] = col
            col += 1
    return pos


# 云南: the indicator header over two rows, 三级指标 in the second under a group header.

def write_project_yunnan(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "项目支出绩效自评表")
    _set(ws, 2, 1, "（2025年度）")
    _identity(ws, p, where, 3)
    ws.merge_cells("A5:A9")
    _set(ws, 5, 1, "项目资金（万元）")
    cols = {}
    for j, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 3):
        _set(ws, 5, j, h)
        cols[h] = j
    _funding_rows(ws, p, where, 6, 2, cols)
    _goal(ws, 10)
    pos = _two_row_header(ws, 12, 1, ["一级指标", "二级指标", ("绩效指标", ["三级指标", "指标性质", "指标值", "度量单位"]),
                                      "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    r = 14
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        _put_row(ws, p, where, i, r, {"一级指标": ind.l1, "二级指标": ind.l2, "三级指标": ind.name, "指标性质": nature,
                                      "指标值": value, "度量单位": unit, "实际完成值": ind.actual, "分值": ind.weight,
                                      "得分": ind.score, "偏差原因分析及改进措施": ind.reason}, pos,
                 {"name": "三级指标", "target": "指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
                  "reason": "偏差原因分析及改进措施"})
        r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    _total_row(ws, p, where, r, 1, pos["分值"], pos["得分"])
    _closing(ws, p, where, r + 1)


# 云南 (second form): 年度指标值 over 指标性质 | 指标值 | 度量单位, a 一级 cell reduced to its points
# below the level's name, 效果指标 for 效益指标, placeholder rows (……) and a grade in the 总分 row.

def write_project_yunnan_points(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 2, "项目支出绩效自评表（2025年度）")
    _identity(ws, p, where, 2, col=2)
    _set(ws, 4, 2, "项目资金（万元）")
    cols = {}
    for j, h in enumerate(["全年预算数", "全年执行数", "分值", "执行率", "得分"], 4):
        _set(ws, 4, j, h)
        cols[h] = j
    _funding_rows(ws, p, where, 5, 3, cols)
    _goal(ws, 9, col=2)
    pos = _two_row_header(ws, 11, 2, ["一级指标", "二级指标", "三级指标", ("年度指标值", ["指标性质", "指标值", "度量单位"]),
                                      "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    r = 13
    seen: dict[str, int] = {}
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        level = ind.l1.replace("效益指标", "效果指标")
        n = seen.get(ind.l1, 0)
        seen[ind.l1] = n + 1
        points = {"产出指标": "（50分）", "效益指标": "（30分）", "满意度指标": "（10分）"}.get(ind.l1, "")
        l1 = level if n == 0 else points if n == 1 else None
        _put_row(ws, p, where, i, r, {"一级指标": l1, "二级指标": ind.l2, "三级指标": ind.name, "指标性质": nature,
                                      "指标值": value, "度量单位": unit, "实际完成值": ind.actual, "分值": ind.weight,
                                      "得分": ind.score, "偏差原因分析及改进措施": ind.reason}, pos,
                 {"name": "三级指标", "target": "指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
                  "reason": "偏差原因分析及改进措施"})
        r += 1
        if i == 0:  # a placeholder row the form's template leaves in
            _set(ws, r, pos["三级指标"], "……")
            r += 1
    _set(ws, r, pos["二级指标"], "指标2")  # another placeholder
    r += 1
    _total_row(ws, p, where, r, 2, pos["分值"], pos["得分"], grade_col=pos["得分"] + 1)
    _closing(ws, p, where, r + 1, col=2)


# 河北 (budget system export): 预期指标值 over 符号 | 值 | 单位 with units such as ``%(百分比)``,
# 单项指标实际完成值, 自评得分 over 单项指标得分 | 权重占比(%) | 单项指标折算得分, the funding header
# over two rows, system codes before names; optionally in 元.

_SYSTEM_UNITS = {"%": "%(百分比)", "平方米": "平方米(平方米)", "": ""}


def write_project_hebei(wb, p: Proj, where: Where, *, yuan: bool = False) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "2025年度项目支出绩效自评表")
    _set(ws, 2, 1, "金额单位：元" if yuan else "金额单位：万元")
    _identity(ws, p, where, 3)
    ws.merge_cells("A5:A6")
    _set(ws, 5, 1, "项目资金")
    pos = _two_row_header(ws, 5, 2, [("资金情况", ["年初预算数", "全年预算数", "全年执行数"]), "分值", "执行率", "得分"])
    _funding_rows(ws, p, where, 7, 1, pos, yuan=yuan)
    _goal(ws, 12)
    pos = _two_row_header(ws, 14, 1, ["一级指标", "二级指标", "三级指标", ("预期指标值", ["符号", "值", "单位"]),
                                      "单项指标实际完成值",
                                      ("自评得分", ["单项指标得分", "权重占比(%)", "单项指标折算得分"]),
                                      "偏差原因分析及改进措施"])
    r = 16
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        sign = {"正向": "≥", "反向": "≤"}.get(nature, "" if nature == "定性" else nature)
        actual = ind.actual
        pct = unit == "%" and isinstance(actual, str) and actual.endswith("%")
        if pct:  # the system exports a percentage as a number formatted as one
            actual = float(actual.rstrip("%")) / 100
        hundred = ind.hundred if ind.hundred is not None else (
            round(ind.score / ind.weight * 100, 2) if ind.weight and ind.score is not None else None)
        values = {"一级指标": ind.l1, "二级指标": ind.l2, "三级指标": ind.name, "符号": sign or None, "值": value,
                  "单位": _SYSTEM_UNITS.get(unit, unit) or None, "单项指标实际完成值": actual,
                  "单项指标得分": hundred, "权重占比(%)": ind.weight, "单项指标折算得分": ind.score,
                  "偏差原因分析及改进措施": ind.reason}
        for name, c in pos.items():
            v = values.get(name)
            if v is not None and v != "":
                _set(ws, r, c, v, "0%" if name == "单项指标实际完成值" and pct else None)
        for key, name in (("name", "三级指标"), ("target", "值"), ("actual", "单项指标实际完成值"),
                          ("weight", "权重占比(%)"), ("score", "单项指标折算得分"), ("hundred", "单项指标得分"),
                          ("reason", "偏差原因分析及改进措施")):
            where.put(p.sheet, (i, key), _c(r, pos[name]))
        r += 1
    _total_row(ws, p, where, r, 1, pos["权重占比(%)"], pos["单项指标折算得分"], label="合计")
    _closing(ws, p, where, r + 1)


def write_project_hebei_yuan(wb, p: Proj, where: Where) -> None:
    write_project_hebei(wb, p, where, yuan=True)


# 复核底稿: a reviewer's worksheet — no funding block, a 预算执行 row inside the indicator table,
# the self-evaluation's and the reviewer's columns side by side, system codes before names.

def write_project_reviewer(wb, p: Proj, where: Where, *, groups: bool = False) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "项目支出绩效自评复核底稿（2025年度）")
    _identity(ws, p, where, 2)
    if groups:
        pos = _two_row_header(ws, 5, 1, ["一级指标", "二级指标", "三级指标", "指标值", "权重",
                                         ("自评情况", ["完成值", "得分"]), ("复核情况", ["完成值", "得分"]), "备注"])
        self_actual, self_score, rev_actual, rev_score = (pos["完成值"] - 2, pos["得分"] - 2, pos["完成值"],
                                                          pos["得分"])
        r = 7
    else:
        heads = ["一级指标", "二级指标", "三级指标", "指标值", "权重", "自评完成值", "自评得分", "复核完成值", "复核得分",
                 "偏离度", "备注"]
        for j, h in enumerate(heads, 1):
            _set(ws, 5, j, h)
        pos = {h: j for j, h in enumerate(heads, 1)}
        self_actual, self_score, rev_actual, rev_score = (pos["自评完成值"], pos["自评得分"], pos["复核完成值"],
                                                          pos["复核得分"])
        r = 6
    # the execution row: its 权重 is the funding 分值, its 得分 the funding 得分, its B the 执行率
    for c, v in ((1, "预算执行"), (2, "预算执行率"), (3, "预算执行率"), (pos["指标值"], "100%"), (pos["权重"], p.weight),
                 (self_actual, _rate_text(p)), (self_score, p.typed("fscore")), (rev_actual, _rate_text(p)),
                 (rev_score, p.fscore_value())):
        _set(ws, r, c, v)
    for key, c in (("fweight", pos["权重"]), ("rate", self_actual), ("fscore", self_score)):
        where.put(p.sheet, key, _c(r, c))
    r += 1
    for i, ind in enumerate(p.indicators):
        review = ind.review or (ind.actual, ind.score)
        for c, v in ((1, ind.l1), (2, ind.l2), (3, ind.name), (pos["指标值"], ind.target), (pos["权重"], ind.weight),
                     (self_actual, ind.actual), (self_score, ind.score), (rev_actual, review[0]),
                     (rev_score, review[1]), (pos["备注"], ind.reason or None)):
            if v is not None and v != "":
                _set(ws, r, c, v)
        for key, c in (("name", 3), ("target", pos["指标值"]), ("actual", self_actual), ("weight", pos["权重"]),
                       ("score", self_score), ("review", rev_score)):
            where.put(p.sheet, (i, key), _c(r, c))
        r += 1
    _set(ws, r, 1, "合计")
    _set(ws, r, pos["权重"], p.total_weight)
    _set(ws, r, self_score, p.typed("total"))
    review_total = p.fscore_value() + sum(_num((ind.review or (None, ind.score))[1]) for ind in p.indicators)
    _set(ws, r, rev_score, round(review_total, 2))
    where.put(p.sheet, "total_weight", _c(r, pos["权重"]))
    where.put(p.sheet, "total", _c(r, self_score))
    where.put(p.sheet, "review_total", _c(r, rev_score))
    _closing(ws, p, where, r + 1)


def write_project_reviewer_groups(wb, p: Proj, where: Where) -> None:
    write_project_reviewer(wb, p, where, groups=True)


# 湖北: funding worth 20 points (``得分（20分*执行率）``) and no 分值 column; the 年度资金总额 label
# merged over the header and its row; the indicator table repeats its header for a second block;
# a grade in the 总分 row; the closing rows 偏差大或目标未完成原因分析 / 改进措施及结果应用方案.

def write_project_hubei(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "2025年项目绩效目标自评表")
    _identity(ws, p, where, 2)
    ws.merge_cells("A4:A5")
    _set(ws, 4, 1, f"预算执行情况（万元）（{p.weight:g}分）")
    ws.merge_cells("B4:B5")
    _set(ws, 4, 2, "年度财政资金总额")
    for j, h in enumerate(["预算数（A）", "执行数（B）", "执行率（B/A）", f"得分（{p.weight:g}分*执行率）"], 3):
        _set(ws, 4, j, h)
    for j, (key, v) in enumerate((("budget", p.budget), ("executed", p.executed), ("rate", p.typed("rate")),
                                  ("fscore", p.typed("fscore"))), 3):
        _set(ws, 5, j, v, "0.00%" if key == "rate" else None)
        where.put(p.sheet, key, _c(5, j))
    heads = ["一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分", "偏差原因"]
    half = (len(p.indicators) + 1) // 2
    r = 6
    block_start = r
    for i, ind in enumerate(p.indicators):
        if i in (0, half):  # each block opens with the header row
            for j, h in enumerate(heads, 2):
                _set(ws, r, j, h)
            r += 1
        for j, v in enumerate([ind.l1, ind.l2, ind.name, ind.target, ind.actual, ind.score, ind.reason], 2):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 4), ("target", 5), ("actual", 6), ("score", 7), ("reason", 8)):
            where.put(p.sheet, (i, key), _c(r, j))
        r += 1
    ws.merge_cells(start_row=block_start, start_column=1, end_row=r - 1, end_column=1)
    _set(ws, block_start, 1, f"年度绩效目标（{100 - p.weight:g}分）")
    _total_row(ws, p, where, r, 1, None, 7, grade_col=8)
    _closing(ws, p, where, r + 1, labels=("偏差大或目标未完成原因分析", "改进措施及结果应用方案"))


# 资金来源: the funding written as a sources table whose 合计 row is the total.

def write_project_sources(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "项目支出绩效自评表")
    _set(ws, 2, 1, "（2025年度）")
    _identity(ws, p, where, 3)
    heads = ["资金来源", "全年预算数", "全年执行数", "执行率", "分值", "得分"]
    for j, h in enumerate(heads, 1):
        _set(ws, 5, j, h)
    parts = p.parts if p.parts is not None else {"当年财政拨款": (p.budget * 0.8, p.executed * 0.8),
                                                 "其他资金": (p.budget * 0.2, p.executed * 0.2)}
    r = 6
    for key, (b, e) in parts.items():
        _set(ws, r, 1, {"当年财政拨款": "财政拨款"}.get(key, key))
        _set(ws, r, 2, round(b, 4))
        _set(ws, r, 3, round(e, 4))
        where.put(p.sheet, (key, "budget"), _c(r, 2))
        r += 1
    _set(ws, r, 1, "合计")
    for j, (key, v) in enumerate((("budget", p.budget), ("executed", p.executed), ("rate", p.typed("rate")),
                                  ("fweight", p.weight), ("fscore", p.typed("fscore"))), 2):
        _set(ws, r, j, v, "0.00%" if key == "rate" else None)
        where.put(p.sheet, key, _c(r, j))
    _goal(ws, r + 2)
    h = r + 4
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for j, t in enumerate(heads, 1):
        _set(ws, h, j, t)
    r = h + 1
    for i, ind in enumerate(p.indicators):
        for j, v in enumerate([ind.l1, ind.l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.reason], 1):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7), ("reason", 8)):
            where.put(p.sheet, (i, key), _c(r, j))
        r += 1
    _total_row(ws, p, where, r, 1, 6, 7)
    _closing(ws, p, where, r + 1)


# 四川 区域: 专项名称, the funding as label-value pairs (``预算数：100``) in one row, a flat
# header with 指标性质 | 指标值 | 度量单位 | 完成值 | 权重, 合计, 存在问题 / 改进措施.

def write_project_sichuan(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "2025年度区域绩效自评表")
    _identity(ws, p, where, 2, label="专项名称")
    _set(ws, 4, 1, "资金情况（万元）")
    for j, (key, label, v) in enumerate((("budget", "预算数", p.budget), ("executed", "执行数", p.executed),
                                         ("rate", "执行率", _rate_text(p)), ("fweight", "分值", p.weight),
                                         ("fscore", "得分", p.typed("fscore"))), 2):
        _set(ws, 4, j, f"{label}：{v:g}" if isinstance(v, (int, float)) else f"{label}：{v}")
        where.put(p.sheet, key, _c(4, j))
    heads = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
    for j, h in enumerate(heads, 1):
        _set(ws, 6, j, h)
    r = 7
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        nature = {"正向": "≥", "反向": "≤"}.get(nature, nature)
        for j, v in enumerate([ind.l1, ind.l2, ind.name, nature, value, unit, ind.actual, ind.weight, ind.score,
                               ind.reason], 1):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 3), ("target", 5), ("actual", 7), ("weight", 8), ("score", 9), ("reason", 10)):
            where.put(p.sheet, (i, key), _c(r, j))
        r += 1
    _total_row(ws, p, where, r, 1, 8, 9, label="合计")
    _set(ws, r + 1, 1, "评价结论")
    _set(ws, r + 1, 2, "项目总体完成较好。")
    _closing(ws, p, where, r + 2, labels=("存在问题", "改进措施"))


# 四川 部门预算项目: 预算执行情况 with 年度预算数 over 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 |
# 权重 | 得分 | 原因, rows 总额 / 其中：财政资金 / 财政专户管理资金 / 单位资金 / 其他资金.

def write_project_sichuan_budget(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "部门预算项目支出绩效自评表（2025年度）")
    _identity(ws, p, where, 2)
    ws.merge_cells("A5:A6")
    _set(ws, 5, 1, f"预算执行情况（{p.weight:g}分）")
    pos = _two_row_header(ws, 5, 2, [("年度预算数（万元）", ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
                                                        "得分", "原因"])])
    rows = [("总额", p.budget, p.executed), ("其中：财政资金", p.budget, p.executed), ("财政专户管理资金", 0, 0),
            ("单位资金", 0, 0), ("其他资金", None, None)]
    for k, (label, b, e) in enumerate(rows):
        r = 7 + k
        _set(ws, r, 1, label)
        if b is not None:
            _set(ws, r, pos["年初预算"], b)
            _set(ws, r, pos["调整后预算数"], b)
            _set(ws, r, pos["预算执行数"], e)
        if k == 0:
            _set(ws, r, pos["预算执行率"], p.typed("rate"), "0.00%")
            _set(ws, r, pos["权重"], p.weight)
            _set(ws, r, pos["得分"], p.typed("fscore"))
            _set(ws, r, pos["原因"], p.problems or None)
            for key, name in (("budget", "调整后预算数"), ("executed", "预算执行数"), ("rate", "预算执行率"),
                              ("fweight", "权重"), ("fscore", "得分")):
                where.put(p.sheet, key, _c(r, pos[name]))
        else:
            for name in ("权重", "得分"):
                _set(ws, r, pos[name], "/")
    _set(ws, 13, 1, f"绩效指标（{100 - p.weight:g}分）")
    heads = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
    for j, h in enumerate(heads, 2):
        _set(ws, 13, j, h)
    r = 14
    for i, ind in enumerate(p.indicators):
        nature, value, unit = split_target(ind.target)
        nature = {"正向": "≥", "反向": "≤"}.get(nature, nature)
        for j, v in enumerate([ind.l1, ind.l2, ind.name, nature, value, unit, ind.actual, ind.weight, ind.score,
                               ind.reason], 2):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 4), ("target", 6), ("actual", 8), ("weight", 9), ("score", 10), ("reason", 11)):
            where.put(p.sheet, (i, key), _c(r, j))
        r += 1
    _total_row(ws, p, where, r, 2, 9, 10, label="合计")
    _closing(ws, p, where, r + 1, labels=("存在问题", "改进措施"))


# 安徽 / 河北 transcribed: ``年度资金总额：`` with its colon, codes before 主管部门 and 实施单位,
# ``指标1…`` names, ``≥100百分比`` targets, 产出指标（50分）, placeholder rows ``指标2`` and ``……``.

def write_project_anhui(wb, p: Proj, where: Where) -> None:
    ws = wb.create_sheet(p.sheet)
    _set(ws, 1, 1, "附件：")
    _set(ws, 2, 1, "项目支出绩效自评表")
    _set(ws, 3, 1, "（2025年度）")
    _identity(ws, p, where, 4)
    ws.merge_cells("A6:A10")
    _set(ws, 6, 1, "项目资金\n（万元）")
    cols = {}
    for j, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 3):
        _set(ws, 6, j, h)
        cols[h] = j
    _funding_rows(ws, p, where, 7, 2, cols, total_label="年度资金总额：",
                  part_labels=(("其中：本年财政拨款", "当年财政拨款"), ("上年结转资金", "上年结转资金"), ("其他资金", "其他资金")))
    _goal(ws, 11)
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for j, h in enumerate(heads, 1):
        _set(ws, 13, j, h)
    r = 14
    levels = {"产出指标": "产出指标（50分）", "效益指标": "效益指标（30分）", "满意度指标": "满意度指标（10分）"}
    shown = set()
    for i, ind in enumerate(p.indicators):
        target = ind.target.replace("%", "百分比") if isinstance(ind.target, str) and ind.target.endswith("%") else ind.target
        l1 = levels.get(ind.l1, ind.l1) if ind.l1 not in shown else None
        shown.add(ind.l1)
        for j, v in enumerate([l1, ind.l2, f"指标{i + 1}：{ind.name}", target, ind.actual, ind.weight, ind.score,
                               ind.reason], 1):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7), ("reason", 8)):
            where.put(p.sheet, (i, key), _c(r, j))
        r += 1
        if i in (0, 3):  # the template's spare rows, left as they were
            _set(ws, r, 3, "指标2")
            _set(ws, r + 1, 3, "……")
            r += 2
    _total_row(ws, p, where, r, 1, 6, 7, grade_col=8)
    _set(ws, r + 1, 1, "其他需要说明事项")
    _set(ws, r + 1, 2, "无")
    _closing(ws, p, where, r + 2)


# -- whole-unit tables (部门整体支出绩效自评表, §2.5) -----------------------------------------------

def write_whole_unit(wb, w: Proj, where: Where, *, label: str = "部门（单位）名称", title: bool = True) -> None:
    """The national whole-unit form: a 年度主要任务 table, the funding block with 年度总预算 /
    其中：基本支出 / 项目支出, the annual goal and the indicator table, like a project form."""
    ws = wb.create_sheet(w.sheet)
    s = w.sheet
    top = 1
    if title:
        _set(ws, 1, 1, "部门整体支出绩效自评表")
        _set(ws, 2, 1, "（2025年度）")
        top = 3
    _set(ws, top, 1, label)
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=8)
    _set(ws, top, 2, w.name)
    where.put(s, "name", _c(top, 2))
    r = top + 1
    _set(ws, r, 1, "年度主要任务")
    for j, h in enumerate(["任务名称", "主要内容", "预算数", "执行数"], 2):
        _set(ws, r, j, h)
    _set(ws, r + 1, 2, "机关运行保障")
    _set(ws, r + 1, 3, "保障机关正常运转")
    _set(ws, r + 1, 4, round(w.budget * 0.6, 2))
    _set(ws, r + 1, 5, round(w.executed * 0.6, 2))
    r += 3
    _set(ws, r, 1, "年度部门整体支出预算执行情况（万元）")
    cols = {}
    for j, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], 3):
        _set(ws, r, j, h)
        cols[h] = j
    _funding_rows(ws, w, where, r + 1, 2, cols, total_label="年度总预算",
                  part_labels=(("其中：基本支出", "基本支出"), ("项目支出", "项目支出")))
    for k, share in ((1, 0.7), (2, 0.3)):  # 基本支出 + 项目支出 = 年度总预算
        for name in ("年初预算数", "全年预算数"):
            _set(ws, r + 1 + k, cols[name], round(w.budget * share, 4))
        _set(ws, r + 1 + k, cols["全年执行数"], round(w.executed * share, 4))
    r += 4
    _goal(ws, r)
    h = r + 2
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for j, t in enumerate(heads, 1):
        _set(ws, h, j, t)
    r = h + 1
    for i, ind in enumerate(w.indicators):
        for j, v in enumerate([ind.l1, ind.l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.reason], 1):
            if v is not None and v != "":
                _set(ws, r, j, v)
        for key, j in (("name", 3), ("target", 4), ("actual", 5), ("weight", 6), ("score", 7), ("reason", 8)):
            where.put(s, (i, key), _c(r, j))
        r += 1
    _total_row(ws, w, where, r, 1, 6, 7, grade_col=8)
    _closing(ws, w, where, r + 1)


def default_rubric() -> list[tuple]:
    """A whole-unit rubric of the 决策 / 过程 / 产出 / 效益 kind (weights 100)."""
    return [
        ("决策", "目标设定", "绩效目标合理性", 5, 5), ("决策", "目标设定", "绩效指标明确性", 5, 5),
        ("决策", "预算编制", "预算编制科学性", 5, 4), ("决策", "预算编制", "预算分配合理性", 5, 5),
        ("过程", "预算执行", "预算执行率", 10, 9), ("过程", "预算执行", "结转结余控制率", 5, 5),
        ("过程", "财务管理", "管理制度健全性", 5, 5), ("过程", "资产管理", "资产管理规范性", 5, 5),
        ("产出", "职责履行", "重点工作完成率", 15, 14), ("产出", "职责履行", "工作质量达标率", 10, 10),
        ("效益", "履职效益", "社会效益", 15, 14), ("效益", "满意度", "服务对象满意度", 15, 15),
    ]


def write_rubric(wb, book: Book, where: Where, *, points_in_name: bool = False) -> None:
    """``一级指标 | 二级指标 | 三级指标 | 分值 | 指标解释 | 评分标准 | 得分``, a 总分 row and the grade
    below; ``points_in_name``: no 分值 column, the points written in the name (``相关性（5分）``)."""
    ws = wb.create_sheet("部门整体")
    s = "部门整体"
    _set(ws, 1, 1, "2025年度部门整体支出绩效自评表")
    _set(ws, 2, 1, f"部门名称：{book.unit.get('单位名称') if book.unit else '某某单位'}")
    heads = ["一级指标", "二级指标", "三级指标"] + ([] if points_in_name else ["分值"]) + ["指标解释", "评分标准", "得分"]
    for j, h in enumerate(heads, 1):
        _set(ws, 3, j, h)
    pos = {h: j for j, h in enumerate(heads, 1)}
    r = 4
    prev = None
    for i, (l1, l2, name, weight, score) in enumerate(book.rubric):
        _set(ws, r, 1, l1 if l1 != prev else None)
        prev = l1
        _set(ws, r, 2, l2)
        _set(ws, r, 3, f"{name}（{weight:g}分）" if points_in_name else name)
        where.put(s, (i, "name"), _c(r, 3))
        if not points_in_name:
            _set(ws, r, pos["分值"], weight)
            where.put(s, (i, "weight"), _c(r, pos["分值"]))
        _set(ws, r, pos["指标解释"], "考察" + name)
        _set(ws, r, pos["评分标准"], "达到要求得满分，否则酌情扣分")
        _set(ws, r, pos["得分"], score)
        where.put(s, (i, "score"), _c(r, pos["得分"]))
        r += 1
    _set(ws, r, 1, "总分")
    if not points_in_name:
        _set(ws, r, pos["分值"], sum(row[3] for row in book.rubric))
        where.put(s, "total_weight", _c(r, pos["分值"]))
    total = book.rubric_total if book.rubric_total != "auto" else sum(row[4] for row in book.rubric)
    _set(ws, r, pos["得分"], total)
    where.put(s, "total", _c(r, pos["得分"]))
    grade = book.rubric_grade
    if grade == "auto":
        t = sum(row[4] for row in book.rubric)
        grade = "优" if t >= 90 else "良" if t >= 80 else "中" if t >= 60 else "差"
    if grade:
        _set(ws, r + 1, 1, "评价等级")
        _set(ws, r + 1, 2, grade)
        where.put(s, "grade", _c(r + 1, 2))


# -- whole books -------------------------------------------------------------------------

PROJECT_WRITERS = {
    "national": write_project_national, "provincial": write_project_provincial, "messy": write_project_messy,
    "yunnan": write_project_yunnan, "yunnan_points": write_project_yunnan_points, "hebei": write_project_hebei,
    "hebei_yuan": write_project_hebei_yuan, "reviewer": write_project_reviewer,
    "reviewer_groups": write_project_reviewer_groups, "hubei": write_project_hubei, "sources": write_project_sources,
    "sichuan": write_project_sichuan, "sichuan_budget": write_project_sichuan_budget, "anhui": write_project_anhui,
}
# whole-unit variants: (the project sheets' layout, how the whole-unit sheet is written)
WHOLE_UNIT_WRITERS = {
    "whole_unit": lambda wb, book, where: write_whole_unit(wb, book.whole, where),
    "whole_unit_label": lambda wb, book, where: write_whole_unit(wb, book.whole, where, label="一级预算单位名称",
                                                                 title=False),
    "rubric": lambda wb, book, where: write_rubric(wb, book, where),
    "rubric_points": lambda wb, book, where: write_rubric(wb, book, where, points_in_name=True),
}


def build(book: Book, path, layout: str = "national", **options) -> Where:
    """Write ``book`` in ``layout`` to ``path``; return where each value went."""
    wb = Workbook()
    wb.remove(wb.active)
    where = Where()
    unit_variant = layout if layout in LAYOUTS else "national"
    write_unit(wb, book, where, variant=unit_variant)
    write_summary(wb, book, where, variant=unit_variant)
    writer = PROJECT_WRITERS.get(layout, write_project_national)
    for p in book.projects:
        writer(wb, p, where, **options) if layout == "provincial" else writer(wb, p, where)
    if layout in WHOLE_UNIT_WRITERS:
        WHOLE_UNIT_WRITERS[layout](wb, book, where)
    wb.save(path)
    return where


LAYOUTS = ("national", "provincial", "messy")
VARIANTS = ("yunnan", "yunnan_points", "hebei", "hebei_yuan", "reviewer", "reviewer_groups", "hubei", "sources",
            "sichuan", "sichuan_budget", "anhui", "whole_unit", "whole_unit_label", "rubric", "rubric_points")


def partial_marks() -> list[Ind]:
    """Indicators with one partial completion (and its reason): a clean book that lost points."""
    inds = full_marks()
    inds[0] = Ind("产出指标", "数量指标", "维修面积", "≥1200平方米", "1080平方米", 20, 18, "部分楼层延至次年施工")
    return inds


def variant_book(variant: str) -> Book:
    """A book that is clean in ``variant``: 96% executed (with its reason), one indicator short
    of its target, names with system codes where the variant's forms carry them."""
    coded = variant in ("hebei", "hebei_yuan", "reviewer", "reviewer_groups", "sichuan", "sichuan_budget", "anhui")
    projects = []
    for i, (name, budget, executed) in enumerate((("办公楼维修项目", 100.0, 96.0), ("食堂改造工程", 50.0, 50.0)), 1):
        weight = 20 if variant == "hubei" else 10
        inds = partial_marks() if i == 1 else full_marks()
        if variant == "hubei":  # 80 points of indicators beside 20 of funding
            inds[3] = Ind("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 20, 20)
        p = Proj(sheet=f"项目{i}", name=name, budget=budget, executed=executed, weight=weight, indicators=inds,
                 problems="部分工程款未到结算期" if executed < budget else "", total_weight=100,
                 code=f"13000025P0000000{i:05d}" if coded else "")
        if variant in ("hubei", "yunnan_points", "anhui"):
            p.grade = "优"
        projects.append(p)
    book = Book(projects)
    if variant in ("whole_unit", "whole_unit_label"):
        book.whole = Proj(sheet="部门整体", name="某某区机关事务管理局", budget=1000, executed=950, indicators=partial_marks(),
                          problems="年末部分采购未完成支付", grade="优")
    if variant in ("rubric", "rubric_points"):
        book.rubric = default_rubric()
    executed = sum(p.executed for p in projects)
    book.unit.update({"项目支出": executed, "基本支出": 900, "财政拨款支出": 900 + executed,
                      "财政拨款收入": 900 + executed, "年初预算数": 900 + executed})
    return book
