"""The plain model a workbook is read into: every value keeps the sheet and cell it came from.

Data flows one way: file -> reader -> these dataclasses -> rules/scoring -> findings -> reports.
Nothing downstream of the reader touches openpyxl objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel.cell import Cell, Number  # noqa: F401  (re-exported: the model is made of cells)
from perfxl.excel.reasons import Reason


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_EN = {"error": "error", "warning": "warning", "info": "info"}

# Rule families, in the order the docs and ``perfxl rules`` list them: letter -> (中文, English).
FAMILIES: dict[str, tuple[str, str]] = {
    "E": ("文件与命令", "File and command"),
    "R": ("读取与结构", "Reading and structure"),
    "F": ("项目资金", "Funding"),
    "I": ("绩效指标", "Indicators"),
    "T": ("总分与等级", "Totals and grades"),
    "S": ("汇总表", "Summary sheet"),
    "U": ("单位情况", "Unit sheet"),
    "X": ("公式审核", "Formula audit"),
    "V": ("审核提示与评分方案", "Reviewer checks and scoring options"),
    "D": ("指标设置", "Indicator design"),
    "B": ("批量汇总", "Batch roll-up"),
}


@dataclass(frozen=True)
class Rule:
    """One check, as data: the family module that makes the check declares it (``declare``)."""

    code: str
    severity: str  # error | warning | info
    title: str
    rationale: str
    message: str  # str.format template, Chinese
    hint: str
    bad: str
    good: str
    en: tuple[str, str, str] = ("", "", "")  # English title, message, hint
    default: bool = True  # off-by-default rules run only when --select names their code

    @property
    def family(self) -> str:
        return self.code[0]


# The rules declared so far, by code: what ``finding`` and ``Finding.text`` look a code up in. A
# rule is declared by the module that checks it, so it is here before any finding of it is made.
# The complete, ordered registry is perfxl.rules.catalogue.RULES, loaded from an explicit list
# of those modules.
RULES: dict[str, Rule] = {}

# Values that are perfxl's own words (labels, columns, what a cell should hold), shown in English
# under --lang en from GLOSSARY; the user's own text (names, targets, actual values) is never in
# these keys. A Reason (why a score is what it is, why a formula cannot be computed) carries its
# English itself, whatever its key.
EN_KEYS = {"label", "column", "what", "block", "kind", "level", "which", "detail", "part", "reason"}

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
    "项目全称": "the project's full name", "单位全称": "the unit's full name", "金额（万元）": "an amount (10,000 yuan)", "金额（元）": "an amount (yuan)",
    "该指标的分值": "the indicator's weight", "总分": "the total score", "数字": "a number",
    "四位年份，如 2025": "a four-digit year such as 2025",
    # blocks and sheet kinds
    "资金块（全年预算数、全年执行数表头）": "the funding block (a header with budget and executed amount)",
    "“年度资金总额”行": "the total funding row", "“总分”行": "the total row",
    "项目表": "project sheet", "汇总表": "summary sheet", "单位情况表": "unit sheet",
    "部门整体支出绩效自评表": "whole-unit sheet", "部门整体评分表": "the whole-unit rubric",
    "单项指标得分": "score out of 100",
}


def declare(*rules: Rule) -> dict[str, Rule]:
    """The rules a family module declares, as its ``DECLARED`` (code -> Rule) for the catalogue;
    each is known to ``finding`` from here on. A code is declared once (codes are a public interface)."""
    for r in rules:
        if r.code in RULES and RULES[r.code] != r:
            raise ValueError(f"rule {r.code} declared twice")
        RULES[r.code] = r
    return {r.code: r for r in rules}


class _Values(dict):
    """Leave unknown placeholders visible rather than failing on them."""

    def __missing__(self, key):
        return "{" + key + "}"


def render(template: str, values: dict, lang: str = "zh") -> str:
    """Fill a message template; numbers as people write them, lists joined as the language does."""
    from perfxl.excel.show import value as shown
    sep = ", " if lang == "en" else "、"

    def one(v):
        return sep.join(shown(x) for x in v) if isinstance(v, (list, tuple)) else shown(v)
    return template.format_map(_Values({k: one(v) for k, v in values.items()}))


@dataclass
class Finding:
    code: str
    severity: str  # error | warning | info
    sheet: str | None
    cell: str | None
    message: str
    hint: str = ""
    values: dict = field(default_factory=dict, repr=False, compare=False)  # the raw values, as read
    notes: list = field(default_factory=list, repr=False, compare=False)  # (zh, en) templates after the message
    hint_as: tuple | None = field(default=None, repr=False, compare=False)  # (zh, en) hint replacing the rule's

    @property
    def ref(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def text(self, lang: str = "zh") -> tuple[str, str]:
        """(message, hint) in ``lang``; the user's own text stays as typed."""
        rule = RULES.get(self.code)
        if lang != "en" or rule is None or not rule.en[1]:
            return self.message, self.hint
        values = {k: english(k, v) for k, v in self.values.items()}
        message = render(rule.en[1], values, "en") + "".join(render(en, values, "en") for _zh, en in self.notes)
        hint = render(self.hint_as[1] if self.hint_as else rule.en[2], values, "en")
        return message, hint

    def add_note(self, zh: str, en: str, **values) -> None:
        """Say more after the message (``，随之变为…``), in both languages."""
        self.values.update(values)
        self.notes.append((zh, en))
        self.message += render(zh, self.values)

    def set_hint(self, zh: str, en: str, **values) -> None:
        """Replace the rule's hint (advice that fits this cell), in both languages."""
        self.values.update(values)
        self.hint_as = (zh, en)
        self.hint = render(zh, self.values)

    def flat(self) -> tuple[str | None, str | None, str]:
        return (self.sheet, self.cell, self.code)


def english(key: str, value):
    """A finding's value as the English message shows it."""
    if isinstance(value, Reason):
        return value.en
    if key in EN_KEYS and isinstance(value, str):
        return GLOSSARY.get(value, value)
    return value


def finding(code: str, sheet: str | None, cell: str | None, /, **values) -> Finding:
    """A finding of a declared rule; ``values`` are kept raw and fill the message templates."""
    rule = RULES[code]
    return Finding(code, rule.severity, sheet, cell, render(rule.message, values), render(rule.hint, values),
                   dict(values))


@dataclass
class Field:
    """A labelled value (``单位名称 | X``): the label's cell and the value's cell."""

    name: str  # canonical label of the contract
    label: Cell
    value: Cell


@dataclass
class UnitSheet:
    sheet: str
    fields: dict[str, Field] = field(default_factory=dict)
    money_unit: str = "万元"

    def get(self, name: str) -> Field | None:
        return self.fields.get(name)


@dataclass
class SummaryRow:
    row: int
    cells: dict[str, Cell]  # canonical column -> cell (序号, 项目名称, 全年预算数, ...)


@dataclass
class SummarySheet:
    sheet: str
    columns: dict[str, str]  # canonical column -> column letter
    rows: list[SummaryRow] = field(default_factory=list)
    total_row: SummaryRow | None = None
    money_unit: str = "万元"


@dataclass
class FundingRow:
    name: str  # canonical row label: 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金
    row: int
    cells: dict[str, Cell]  # canonical column -> cell (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分)


@dataclass
class Funding:
    header_row: int
    columns: dict[str, str]  # canonical column -> letter
    rows: dict[str, FundingRow] = field(default_factory=dict)
    weight_from_header: float | None = None  # 得分（20分*执行率）
    source: str = "block"  # block | sources (a 资金来源 table's 合计 row) | pairs (预算数：50) | indicator (预算执行 row)

    @property
    def total(self) -> FundingRow | None:
        return self.rows.get("年度资金总额")


@dataclass
class Indicator:
    row: int
    level1: Cell
    level2: Cell
    name: Cell
    target: Cell  # the 年度指标值 cell (for a split target, the 指标值 cell)
    target_text: str  # as displayed; a split target joined (``≥95%``)
    actual: Cell
    weight: Cell | None  # None when the sheet has no 分值 column
    score: Cell | None
    reason: Cell | None
    sub_item: bool = False
    merged_rows: list[int] = field(default_factory=list)  # other rows scored by this row's merged 得分
    merged_into: int | None = None  # row whose merged 得分 scores this row
    hundred_score: Cell | None = None  # 单项指标得分 beside a 折算得分: the score out of 100 (§2.4)
    review_actual: Cell | None = None  # a reviewer's 复核完成值, read and shown, not checked
    review_score: Cell | None = None  # a reviewer's 复核得分


@dataclass
class Project:
    sheet: str
    name: Field | None
    department: Field | None = None
    implementer: Field | None = None
    money_unit: str = "万元"
    year: int | None = None  # from the title rows
    funding: Funding | None = None
    goal_expected: Cell | None = None
    goal_actual: Cell | None = None
    indicator_header_row: int = 0
    indicator_columns: dict[str, str] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    total_weight: Cell | None = None
    total_score: Cell | None = None
    total_row: int | None = None
    problems: Field | None = None
    next_steps: Field | None = None
    entered_grade: Cell | None = None  # a grade typed in the 总分 row (``总分 | 100 | 96 | 优``)
    review_total: Cell | None = None  # the reviewer's 复核得分 in the 总分 row
    whole_unit: bool = False  # a whole-unit (部门整体) table in the project form's shape (§2.5)

    @property
    def title(self) -> str:
        """The name as typed, without a system code in front (``51011723T000007943391-统战特别费``)."""
        from perfxl.excel.labels import split_code
        if self.name and isinstance(self.name.value.value, str) and self.name.value.value.strip():
            return split_code(self.name.value.value)[1]
        return self.sheet

    @property
    def code(self) -> str | None:
        """The system code in front of the name, kept for the roll-up."""
        from perfxl.excel.labels import split_code
        if self.name and isinstance(self.name.value.value, str):
            return split_code(self.name.value.value)[0]
        return None

    @property
    def has_weight_column(self) -> bool:
        return "分值" in self.indicator_columns


@dataclass
class RubricRow:
    """One scored row of a whole-unit rubric (§2.5): levels, name, 分值 and 得分."""

    row: int
    level1: Cell
    level2: Cell
    name: Cell
    weight: Cell | None  # None when the 分值 is written in the name (``相关性（5分）``)
    score: Cell | None
    weight_in_name: float | None = None


@dataclass
class Rubric:
    """A whole-unit table in the rubric's shape: 一级 | 二级 | 三级 | 分值 | 指标解释 | 评分标准 | 得分."""

    sheet: str
    name: Field | None
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[RubricRow] = field(default_factory=list)
    total_row: int | None = None
    total_weight: Cell | None = None
    total_score: Cell | None = None
    entered_grade: Cell | None = None
    year: int | None = None
    whole_unit: bool = True

    @property
    def title(self) -> str:
        from perfxl.excel.labels import split_code
        if self.name and isinstance(self.name.value.value, str) and self.name.value.value.strip():
            return split_code(self.name.value.value)[1]
        return self.sheet


@dataclass
class WorkbookModel:
    path: str
    projects: list[Project] = field(default_factory=list)
    unit: UnitSheet | None = None
    summary: SummarySheet | None = None
    whole_unit: Project | Rubric | None = None  # the unit's whole-unit (部门整体) table, §2.5
    findings: list[Finding] = field(default_factory=list)  # found while reading
    made_by_perfxl: bool = False
    sheet_names: list[str] = field(default_factory=list)
    computed_formulas: int = 0  # formulas whose value perfxl computed (no cached value)
    formula_cells: list[Cell] = field(default_factory=list)  # every formula cell, for audits and write-back
    grids: dict = field(default_factory=dict)  # sheet name -> SheetGrid, for the formula audit
    validations: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # sheet -> (sqref, type, formula1)
    defined_names: dict[str, str] = field(default_factory=dict)
    # What the worksheet parts hold that openpyxl cannot keep (sheet -> perfxl.excel.package.SheetScan).
    scans: dict = field(default_factory=dict, repr=False, compare=False)
    owned_sheets: set[str] = field(default_factory=set)  # perfxl's result sheets from an earlier run
    released: bool = False  # the per-cell grids are gone (``release_cells``)
    source_format: str = "xlsx"  # "xls" when read from a legacy binary file (.xls/.et): no formulas to audit

    def release_cells(self, keep: tuple[str, ...] = ()) -> None:
        """Drop the per-cell grids (but the sheets in ``keep``) once the check and the cached
        values are done: the writer's openpyxl load needs the room. The cells the projects,
        unit and summary hold stay, with every finding."""
        self.grids = {name: grid for name, grid in self.grids.items() if name in keep}
        self.formula_cells = []
        self.released = True

    @property
    def year(self) -> int | None:
        from perfxl.excel.years import parse_year
        if self.unit:
            f = self.unit.get("评价年度")
            if f is not None:
                y = parse_year(f.value.value)
                if y is not None:
                    return y
        for p in [*self.projects, *([self.whole_unit] if self.whole_unit is not None else [])]:
            if p.year:
                return p.year
        return None
