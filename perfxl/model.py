"""The plain model a workbook is read into: every value keeps the sheet and cell it came from.

Data flows one way: file -> reader -> these dataclasses -> rules/scoring -> findings -> reports.
Nothing downstream of the reader touches openpyxl objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfxl.excel.cell import Cell, Number  # noqa: F401  (re-exported: the model is made of cells)


@dataclass
class Finding:
    code: str
    severity: str  # error | warning | info
    sheet: str | None
    cell: str | None
    message: str
    hint: str = ""
    values: dict = field(default_factory=dict, repr=False, compare=False)  # for other languages

    @property
    def ref(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""


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
    # The reader's one load of the file, handed to the writer (never loaded again), and its
    # scans of the worksheet parts (sheet -> perfxl.excel.package.SheetScan).
    workbook: object = field(default=None, repr=False, compare=False)
    scans: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def year(self) -> int | None:
        if self.unit:
            f = self.unit.get("评价年度")
            if f is not None:
                try:
                    v = f.value.value
                    y = v.year if hasattr(v, "year") else int(float(str(v).strip().rstrip("度").rstrip("年")))
                    if 2000 <= y <= 2100:
                        return y
                except (TypeError, ValueError):
                    pass
        for p in self.projects:
            if p.year:
                return p.year
        return None
