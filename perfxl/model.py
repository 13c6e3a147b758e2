"""The plain model a workbook is read into: every value keeps the sheet and cell it came from.

Data flows one way: file -> reader -> these dataclasses -> rules/scoring -> findings -> reports.
Nothing downstream of the reader touches openpyxl objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel.cell import Cell, Number  # noqa: F401  (re-exported: the model is made of cells)


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


RULES: dict[str, Rule] = {}  # the registry: filled by the modules that declare rules

# Values that are perfxl's own words (labels, columns, what a cell should hold, why a score is what
# it is), translated for --lang en by the function perfxl.rules.english installs; the user's own
# text (names, targets, actual values) is never in these keys.
EN_KEYS = {"label", "column", "what", "block", "kind", "level", "which", "detail", "part", "reason"}
EN_WORDS = None


def declare(*rules: Rule) -> dict[str, Rule]:
    """Register rules; a code is declared once (codes are a public interface)."""
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
        values = {k: (EN_WORDS(v) if k in EN_KEYS and isinstance(v, str) and EN_WORDS else v)
                  for k, v in self.values.items()}
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

    @property
    def title(self) -> str:
        if self.name and isinstance(self.name.value.value, str) and self.name.value.value.strip():
            return self.name.value.value.strip()
        return self.sheet

    @property
    def has_weight_column(self) -> bool:
        return "分值" in self.indicator_columns


@dataclass
class WorkbookModel:
    path: str
    projects: list[Project] = field(default_factory=list)
    unit: UnitSheet | None = None
    summary: SummarySheet | None = None
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
        for p in self.projects:
            if p.year:
                return p.year
        return None
