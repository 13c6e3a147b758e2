"""What the checks compute, beside their findings: the numbers every report shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.model import Finding, Indicator, Project, Rubric, RubricRow, WorkbookModel
from perfxl.scoring.adjust import Adjustment
from perfxl.scoring.targets import Reading


@dataclass
class IndicatorResult:
    indicator: Indicator
    kind: str = "none"
    direction: str | None = None
    level: str | None = None
    weight: float | None = None  # for a merged 得分: the group's sum
    entered: float | None = None
    low: float | None = None
    high: float | None = None
    accepted: float | None = None  # None for sub-items and rows scored by a merged 得分 above
    detail: str = ""  # why the range is what it is, for messages (a perfxl.excel.reasons.Reason once scored)
    decimals: int = 0  # decimals of the entered 得分, for the precision rule
    deviation: float | None = None  # share by which a quantitative B beats A (指标偏离), else None
    target: Reading | None = None  # A as read (kind, direction, number and unit in its base unit)
    actual_number: float | None = None  # B in A's base unit, where a quantitative B was read
    deducted: float = 0.0  # points the profile's indicator-design rules take from the accepted score (D family)

    @property
    def computed(self) -> float | None:
        if self.low is not None and self.high is not None and abs(self.low - self.high) < 1e-9:
            return self.low
        return None


@dataclass
class FundingResult:
    cell: str | None = None  # the funding 得分 cell
    budget: float | None = None  # 万元
    executed: float | None = None  # 万元
    rate: float | None = None
    weight: float = 10.0
    entered: float | None = None
    computed: float = 0.0
    unit_doubt: bool = False  # 全年预算数 or 全年执行数 a thousand times off the row (F109): the rate is in doubt


UNGRADED = "待更正"  # the grade shown for a project without a score (docs/template.md §1)


@dataclass
class ProjectResult:
    project: Project
    funding: FundingResult
    indicators: list[IndicatorResult] = field(default_factory=list)
    entered_total: float | None = None
    # the project score, after the profile's deductions and caps; None when there is none to give: its
    # 全年预算数 or 全年执行数 cannot be read, or the sheet is not filled in (grade UNGRADED)
    score: float | None = 0.0
    grade: str = "差"
    entered_agrees: bool | None = None  # the typed 总分 agrees with the score (profile's precision rule)
    texts: dict[str, str] = field(default_factory=dict)  # 实际完成情况, 主要问题及原因, 下一步改进措施 as typed
    raw_score: float | None = None  # Σ accepted + funding score, before the profile's adjustments
    adjustments: list[Adjustment] = field(default_factory=list)  # why score differs from raw_score
    # the typed 总分 where it agrees with the score at its typed precision and gives the same grade
    # (93 for 93.33): what the outputs that restate the workbook say (自评综述, the Word report)
    stated: float | None = None
    design_points: float = 0.0  # what the profile's indicator-design rules take from the project itself (D108, D109)

    @property
    def name(self) -> str:
        return self.project.title

    @property
    def stated_score(self) -> float | None:
        """The score as the workbook states it where the check agrees (docs/template.md §4, Precision)."""
        return self.stated if self.stated is not None and self.graded else self.score

    @property
    def graded(self) -> bool:
        """Whether the project has a score and a grade (else it shows as 待更正, counted apart)."""
        return self.score is not None

    @property
    def shape(self) -> str:
        """form: a project sheet, or a whole-unit table in the project form's shape (§2.5)."""
        return "form"

    @property
    def sheet(self) -> str:
        return self.project.sheet


@dataclass
class RubricRowResult:
    row: RubricRow
    weight: float | None = None
    entered: float | None = None
    accepted: float = 0.0


@dataclass
class RubricResult:
    """A whole-unit table in the rubric's shape, scored (§2.5): the sum of its rows' scores."""

    rubric: Rubric
    rows: list[RubricRowResult] = field(default_factory=list)
    entered_total: float | None = None
    score: float = 0.0
    grade: str = "差"
    entered_agrees: bool | None = None
    funding: FundingResult = field(default_factory=FundingResult)  # none: a rubric has no funding block
    adjustments: list[Adjustment] = field(default_factory=list)
    raw_score: float | None = None

    @property
    def name(self) -> str:
        return self.rubric.title

    @property
    def shape(self) -> str:
        return "rubric"

    @property
    def sheet(self) -> str:
        return self.rubric.sheet

    @property
    def graded(self) -> bool:
        return self.score is not None

    @property
    def stated_score(self) -> float | None:
        return self.score


@dataclass
class UnitResult:
    """The unit sheet's figures, read once: staff counts and amounts (万元), and their shares."""

    sheet: str
    name: str = ""
    year: int | None = None
    money_unit: str = "万元"
    counts: dict[str, float] = field(default_factory=dict)  # 在编人员 ... 人员合计
    money: dict[str, float] = field(default_factory=dict)  # 年初预算数 ... 年末结转和结余, in 万元
    cells: dict[str, str] = field(default_factory=dict)  # label -> address of its value
    texts: dict[str, str] = field(default_factory=dict)  # 部门概况 ... 改进措施 as typed (UNIT_TEXTS)

    def share(self, part: str, whole: str) -> float | None:
        """``part`` as a fraction of ``whole`` (基本支出 of 财政拨款支出), None when either is missing."""
        if part in self.money and self.money.get(whole):
            return self.money[part] / self.money[whole]
        return None

    @property
    def shares(self) -> dict[str, float]:
        """基本/项目 of 财政拨款支出, 人员/公用 of 基本支出."""
        out = {}
        for part, whole in (("基本支出", "财政拨款支出"), ("项目支出", "财政拨款支出"),
                            ("人员经费", "基本支出"), ("日常公用经费", "基本支出")):
            v = self.share(part, whole)
            if v is not None:
                out[part] = v
        return out

    @property
    def income_change(self) -> float | None:
        """财政拨款收入 − 年初预算数."""
        if "财政拨款收入" in self.money and "年初预算数" in self.money:
            return self.money["财政拨款收入"] - self.money["年初预算数"]
        return None


@dataclass
class SummaryRowResult:
    """One summary row and its project, with the decisions the checks made about each column."""

    row: int
    sheet: str
    project_sheet: str
    name: str
    cells: dict[str, str] = field(default_factory=dict)  # column -> address
    agrees: dict[str, bool] = field(default_factory=dict)  # column -> agrees with the project


@dataclass
class Outcome:
    """What the engine hands to ``perfxl.result``: findings and every figure the views show."""

    model: WorkbookModel
    projects: list[ProjectResult]
    findings: list[Finding]
    grades: dict[str, int]
    unit: UnitResult | None = None
    summary_rows: list[SummaryRowResult] = field(default_factory=list)
    whole_unit: ProjectResult | RubricResult | None = None  # the unit's own table: not a project (§2.5)
