"""CheckResult: everything every view needs, computed once — projects and their scores, the
unit's figures, the summary rows' decisions and every finding. Views only render it.

Data flows one way: file -> reader -> model -> rules -> CheckResult -> views.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from perfxl.excel.refs import split
from perfxl.model import Finding, WorkbookModel
from perfxl.rules.engine import check_model
from perfxl.rules.results import Outcome


@dataclass
class CheckResult(Outcome):
    """The engine's outcome with everything views ask of it (figures, counts, attribution)."""

    @classmethod
    def of(cls, outcome: Outcome) -> "CheckResult":
        return cls(**{f.name: getattr(outcome, f.name) for f in fields(Outcome)})

    # -- figures ---------------------------------------------------------------
    @property
    def year(self) -> int | None:
        if self.unit is not None and self.unit.year:
            return self.unit.year
        return self.model.year

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else ""

    @property
    def ungraded(self) -> int:
        """Projects without a score (待更正): counted apart from the grades, not in 评优率."""
        return sum(1 for p in self.projects if not p.graded)

    @property
    def excellent_rate(self) -> float | None:
        """优 ÷ the graded projects (docs/template.md §1: a project without a score is left out)."""
        n = len(self.projects) - self.ungraded
        return self.grades.get("优", 0) / n if n else None

    @property
    def budget_total(self) -> float:
        return sum(p.funding.budget or 0 for p in self.projects)

    @property
    def executed_total(self) -> float:
        return sum(p.funding.executed or 0 for p in self.projects)

    # -- findings --------------------------------------------------------------
    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    def flatten(self, *, severities: tuple[str, ...] = ("error", "warning", "info"),
                codes: tuple[str, ...] = ()) -> list[tuple[str | None, str | None, str]]:
        """Findings as ``("项目3", "H17", "I104")`` tuples, in report order (for tests)."""
        return [f.flat() for f in self.findings
                if f.severity in severities and (not codes or f.code in codes or f.code[0] in codes)]

    def about(self, sheet: str) -> list[Finding]:
        """Every finding about a project: its sheet and its summary row."""
        index = getattr(self, "_about", None)
        if index is None or index[0] != len(self.findings):  # built once; again if findings were added
            index = self._about = (len(self.findings), self._findings_by_project())
        return index[1].get(sheet, [])

    def _findings_by_project(self) -> dict[str, list[Finding]]:
        row_of = {(r.sheet, r.row): r.project_sheet for r in self.summary_rows if r.project_sheet}
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.sheet is None:
                continue
            out.setdefault(f.sheet, []).append(f)
            project = row_of.get((f.sheet, _row(f.cell))) if f.cell else None
            if project is not None and project != f.sheet:
                out.setdefault(project, []).append(f)
        return out


def _row(cell: str) -> int:
    return (split(cell) or (0, 0))[0]


def run_checks(model: WorkbookModel, profile, *, select_codes=(), ignore_codes=(), losses=()) -> CheckResult:
    """Check a read workbook: one pass, one result. ``losses``: what the result workbook will not
    keep of the file (each an R119)."""
    return CheckResult.of(check_model(model, profile, select_codes=select_codes, ignore_codes=ignore_codes,
                                      losses=losses))
