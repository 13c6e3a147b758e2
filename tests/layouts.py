"""Workbooks built from scratch in code, in three layouts that every test reuses.

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


# -- whole books -------------------------------------------------------------------------

def build(book: Book, path, layout: str = "national", **options) -> Where:
    """Write ``book`` in ``layout`` to ``path``; return where each value went."""
    wb = Workbook()
    wb.remove(wb.active)
    where = Where()
    write_unit(wb, book, where, variant=layout)
    write_summary(wb, book, where, variant=layout)
    writer = {"national": write_project_national, "provincial": write_project_provincial,
              "messy": write_project_messy}[layout]
    for p in book.projects:
        writer(wb, p, where, **options) if layout == "provincial" else writer(wb, p, where)
    wb.save(path)
    return where


LAYOUTS = ("national", "provincial", "messy")
