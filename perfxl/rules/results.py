"""What the checks compute, beside their findings: the numbers every report shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.model import Finding, Indicator, Project, WorkbookModel
from perfxl.scoring.adjust import Adjustment


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
    raw_score: float | None = None  # Σ accepted + funding score, before adjustments
    adjustments: list[Adjustment] = field(default_factory=list)  # why score differs from raw_score

    @property
    def name(self) -> str:
        return self.project.title


@dataclass
class CheckResult:
    model: WorkbookModel
    projects: list[ProjectResult]
    findings: list[Finding]
    grades: dict[str, int]

    @property
    def excellent_rate(self) -> float | None:
        n = len(self.projects)
        return self.grades.get("优", 0) / n if n else None

    @property
    def budget_total(self) -> float:
        return sum(p.funding.budget or 0 for p in self.projects)

    @property
    def executed_total(self) -> float:
        return sum(p.funding.executed or 0 for p in self.projects)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")
