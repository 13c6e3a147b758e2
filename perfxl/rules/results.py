"""What the checks compute, beside their findings: the numbers every report shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.model import Finding, Indicator, Project, WorkbookModel
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
    detail: str = ""  # why the range is what it is, for messages
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


@dataclass
class ProjectResult:
    project: Project
    funding: FundingResult
    indicators: list[IndicatorResult] = field(default_factory=list)
    entered_total: float | None = None
    score: float = 0.0  # the project score: after the profile's deductions and caps
    grade: str = "差"
    entered_agrees: bool | None = None  # the typed 总分 agrees with the score (profile's precision rule)
    texts: dict[str, str] = field(default_factory=dict)  # 实际完成情况, 主要问题及原因, 下一步改进措施 as typed
    raw_score: float | None = None  # Σ accepted + funding score, before the profile's adjustments
    adjustments: list[Adjustment] = field(default_factory=list)  # why score differs from raw_score
    design_points: float = 0.0  # what the profile's indicator-design rules take from the project itself (D108, D109)

    @property
    def name(self) -> str:
        return self.project.title


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
