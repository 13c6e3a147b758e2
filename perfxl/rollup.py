"""The roll-up of many checked workbooks (``perfxl batch``): one :class:`FileRow` per file,
built from its :class:`~perfxl.result.CheckResult` (or from the JSON line ``check --format
json`` printed for it), the totals over all of them, the batch's own findings (B101–B103) and
the exit code. A model, not a view: ``views/batch.py`` draws it, and every decision it shows —
a typed 总分 that disagrees, a project's problem count — is the one the check made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel import show
from perfxl.excel.show import json_number
from perfxl.model import Finding
from perfxl.result import CheckResult
from perfxl.rules.batch import duplicate_findings, same_unit_findings, year_findings

GRADES = ("优", "良", "中", "差")
UNIT_DESIGN = ("D110", "D111")  # the unit-level indicator-design findings the roll-up counts
FAILED = ("unreadable", "timeout", "crashed", "internal")
STATUS_OF_KEY = {"timeout": "timeout", "worker_crashed": "crashed", "internal_error": "internal"}


@dataclass
class Problem:
    """One finding as the roll-up lists it (in the language of the run)."""

    code: str
    severity: str
    sheet: str | None
    cell: str | None
    message: str
    hint: str

    @classmethod
    def of(cls, f: Finding, lang: str) -> "Problem":
        message, hint = f.text(lang)
        return cls(f.code, f.severity, f.sheet, f.cell, message, hint)

    def line(self, lang: str = "zh") -> str:
        """The one line of a stop (E rule): what is wrong and what to do."""
        return f"{self.message}: {self.hint}." if lang == "en" else f"{self.message}：{self.hint}。"


@dataclass
class ProjectLine:
    """One project's figures and the check's decisions about them."""

    sheet: str
    name: str | None
    budget: float | None
    executed: float | None
    rate: float | None
    entered: float | None  # the 总分 as typed
    score: float | None  # the computed project score
    grade: str | None
    entered_agrees: bool | None  # decided by the checks, with the profile's tolerance
    errors: int = 0
    warnings: int = 0
    code: str | None = None  # a budget system's code in front of the name (kept, §2.4)
    review: float | None = None  # --review: the 复核预估分 (perfxl.review), its grade and P1 problems
    review_grade: str | None = None
    p1: int | None = None


def _per_sheet(problems: list[Problem]) -> dict[str, list[int]]:
    """Errors and warnings per sheet: ``{"项目3": [errors, warnings]}`` (a project's 问题数)."""
    counts: dict[str, list[int]] = {}
    for p in problems:
        if p.sheet and p.severity in ("error", "warning"):
            c = counts.setdefault(p.sheet, [0, 0])
            c[0 if p.severity == "error" else 1] += 1
    return counts


@dataclass
class FileRow:
    """One input file of the batch: its figures and problems, or the stop that kept it from
    being checked (``stop``, a finding of family E)."""

    file: str
    status: str  # checked | unreadable | timeout | crashed | internal
    unit: str = ""
    year: int | None = None
    projects: list[ProjectLine] = field(default_factory=list)
    grades: dict[str, int] = field(default_factory=dict)
    ungraded: int = 0  # projects without a score (待更正)
    budget_total: float | None = None
    executed_total: float | None = None
    problems: list[Problem] = field(default_factory=list)
    stop: Problem | None = None
    error_key: str | None = None  # the JSON error.code of the stop (file_not_found, timeout …)
    report: dict | None = None  # the file's JSON line, carried to be printed; the roll-up never reads it
    written: str | None = None  # --write-each: the result workbook
    note: str | None = None  # --write-each: why it was not written
    seconds: float = 0.0
    duplicate_of: str | None = None  # an earlier file with the same bytes: listed, not counted (B101)
    reviewed: bool = False  # --review: the projects carry their 复核预估分
    worksheet: str | None = None  # --review: the 复核底稿 written
    review_grades: dict[str, int] = field(default_factory=dict)  # --review: projects per 复核 grade
    p1: int | None = None  # --review: P1 problems of the file (its projects' and the unit's)

    # -- built from a check ------------------------------------------------------------------
    @classmethod
    def of(cls, result: CheckResult, file: str, lang: str = "zh", *, review=None, **extra) -> "FileRow":
        """``review``: the file's :class:`perfxl.review.Estimate` (``batch --review``)."""
        problems = [Problem.of(f, lang) for f in result.findings]
        counts = _per_sheet(problems)
        projects = []
        for p in result.projects:
            errors, warnings = counts.get(p.project.sheet, [0, 0])
            f = p.funding
            projects.append(ProjectLine(p.project.sheet, p.name, json_number(f.budget), json_number(f.executed),
                                        json_number(f.rate), json_number(p.entered_total), json_number(p.score),
                                        p.grade, p.entered_agrees, errors, warnings, p.project.code))
        unit = result.unit
        row = cls(file, "checked", unit=(unit.name if unit is not None else "") or "",
                  year=result.year if unit is not None else None, projects=projects,
                  grades=dict(result.grades), ungraded=result.ungraded,
                  budget_total=json_number(result.budget_total),
                  executed_total=json_number(result.executed_total), problems=problems, **extra)
        if review is not None:
            row.take_review(review.brief(row.worksheet))
        return row

    def take_review(self, brief: dict) -> None:
        """The 复核预估 of ``batch --review`` (``Estimate.brief``, also the JSON line's ``review``)."""
        by_sheet = {p["sheet"]: p for p in brief.get("projects") or []}
        for line in self.projects:
            p = by_sheet.get(line.sheet)
            if p is not None:
                line.review, line.review_grade, line.p1 = p["review_score"], p["review_grade"], p["priorities"]["P1"]
        summary = brief.get("summary") or {}
        self.reviewed = True
        self.worksheet = brief.get("worksheet")
        self.review_grades = dict(summary.get("review_grades") or {})
        self.p1 = (summary.get("priorities") or {}).get("P1")

    @classmethod
    def failed(cls, file: str, status: str, stop: Finding, key: str, lang: str = "zh", **extra) -> "FileRow":
        """A file that was not checked: unreadable (its E rule), timed out (E137), its worker
        crashed (E138) or an internal error (E129)."""
        problem = Problem.of(stop, lang)
        return cls(file, status, problems=[problem], stop=problem, error_key=key, **extra)

    @classmethod
    def from_json(cls, obj: dict) -> "FileRow":
        """A row back from its JSON line: JSON lines collected from several machines make one
        roll-up (``write_rollup(path, rows, totals(rows, skipped))``)."""
        problems = [Problem(x["code"], x["severity"], x.get("sheet"), x.get("cell"), x["message"], x["hint"])
                    for x in obj.get("findings") or []]
        error = obj.get("error")
        book = obj.get("result_workbook") or {}
        extra = {"report": obj, "written": book.get("path"), "note": book.get("note")}
        if error:
            stop = problems[0] if problems else Problem(None, "error", None, None, error.get("message", ""), "")
            status = STATUS_OF_KEY.get(error.get("code"), "unreadable")
            return cls(obj["file"], status, problems=problems, stop=stop, error_key=error.get("code"), **extra)
        counts = _per_sheet(problems)
        projects = [ProjectLine(p["sheet"], p["name"], p["budget"], p["executed"], p["execution_rate"],
                                p["entered_score"], p["score"], p["grade"], p.get("entered_agrees"),
                                *counts.get(p["sheet"], [0, 0]), p.get("code"))
                    for p in obj.get("projects") or []]
        unit = obj.get("unit") or {}
        summary = obj.get("summary") or {}
        row = cls(obj["file"], "checked", unit=unit.get("name") or "", year=unit.get("year"), projects=projects,
                  grades=dict(summary.get("grades") or {}), ungraded=summary.get("ungraded") or 0,
                  budget_total=summary.get("budget_total"),
                  executed_total=summary.get("executed_total"), problems=problems,
                  duplicate_of=obj.get("duplicate_of"), **extra)
        if obj.get("review"):
            row.take_review(obj["review"])
        return row

    # -- what the roll-up asks ------------------------------------------------------------------
    @property
    def checked(self) -> bool:
        return self.status == "checked"

    @property
    def shown(self) -> str:
        """The file's path as a user reads it (a name that is not UTF-8 decoded, never raw bytes)."""
        return show.path(self.file)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def excellent_rate(self) -> float | None:
        n = len(self.projects) - self.ungraded  # over the graded projects (待更正 apart)
        return json_number(self.grades.get("优", 0) / n) if n else None

    def unit_design(self) -> list[str]:
        """The unit-level indicator-design codes of this file (every project at 100, every project 优
        while little was spent)."""
        return [p.code for p in self.problems if p.code in UNIT_DESIGN]

    def state(self) -> str:
        """passed | warnings | errors | unreadable | timeout | crashed | internal | duplicate"""
        if self.duplicate_of and self.checked:  # only a file that was read repeats another (B101)
            return "duplicate"
        if not self.checked:
            return self.status
        return "errors" if self.errors else "warnings" if self.warnings else "passed"

    def json(self) -> dict:
        """The object ``perfxl check --format json`` prints for this file (plus where
        ``--write-each`` wrote its result, and which file it repeats)."""
        out = dict(self.report or {"file": self.file})
        if self.written or self.note:
            out["result_workbook"] = {"path": self.written, "note": self.note}
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        return out


# -- B101: the same bytes twice ----------------------------------------------------------------

def duplicate_groups(repeated: dict[str, str]) -> list[list[str]]:
    """The files of equal bytes (``{duplicate: original}``), each group original first."""
    groups: dict[str, list[str]] = {}
    for dup, first in repeated.items():
        groups.setdefault(first, [first]).append(dup)
    return list(groups.values())


def settle_duplicates(rows: list[FileRow], repeated: dict[str, str]) -> None:
    """Mark B101 duplicates among the files that were read: in each group of equal bytes the
    first file (in the order given) that was checked is counted, the other checked ones point to
    it. A file that was not checked (unreadable, timed out…) is never a duplicate nor an
    original: it stays a row of its own, 无法检查, whatever its bytes."""
    by_file = {row.file: row for row in rows}
    for group in duplicate_groups(repeated):
        members = [by_file[f] for f in group if f in by_file]
        for row in members:
            row.duplicate_of = None
        read = [row for row in members if row.checked]
        for row in read[1:]:
            row.duplicate_of = read[0].file


# -- the totals ---------------------------------------------------------------------------------

@dataclass
class Totals:
    files: int = 0
    checked: int = 0
    failed: int = 0
    states: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    projects: int = 0
    budget: float = 0.0
    executed: float = 0.0
    grades: dict[str, int] = field(default_factory=lambda: {g: 0 for g in GRADES})
    ungraded: int = 0  # projects without a score (待更正): not in the grades, not in 评优率
    errors: int = 0
    warnings: int = 0
    years: list = field(default_factory=list)
    findings: list = field(default_factory=list)  # the batch's own (B101, B102, B103)
    unit_design: dict[str, int] = field(default_factory=lambda: {c: 0 for c in UNIT_DESIGN})  # files per code
    reviewed: int = 0  # --review: files with a 复核预估 (and worksheets written)
    worksheets: int = 0
    review_grades: dict[str, int] = field(default_factory=lambda: {g: 0 for g in GRADES})
    p1: int = 0

    @property
    def review_excellent_rate(self) -> float | None:
        n = sum(self.review_grades.values())
        return self.review_grades.get("优", 0) / n if n else None

    @property
    def duplicates(self) -> int:
        return self.states.get("duplicate", 0)

    @property
    def rate(self) -> float | None:
        return self.executed / self.budget if self.budget else None

    @property
    def excellent_rate(self) -> float | None:
        graded = self.projects - self.ungraded
        return self.grades.get("优", 0) / graded if graded else None

    def json(self, exit_code: int, seconds: float, lang: str = "zh") -> dict:
        return {"batch": {
            "files": self.files, "checked": self.checked, "failed": self.failed,
            "passed": self.states.get("passed", 0), "with_warnings": self.states.get("warnings", 0),
            "with_errors": self.states.get("errors", 0),
            "unreadable": self.states.get("unreadable", 0), "timed_out": self.states.get("timeout", 0),
            "crashed": self.states.get("crashed", 0) + self.states.get("internal", 0),
            "duplicates": self.duplicates,
            "skipped": dict(self.skipped),
            "projects": self.projects, "grades": dict(self.grades), "ungraded": self.ungraded,
            "excellent_rate": json_number(self.excellent_rate),
            "budget_total": json_number(self.budget), "executed_total": json_number(self.executed),
            "execution_rate": json_number(self.rate),
            "errors": self.errors, "warnings": self.warnings,
            "unit_design": dict(self.unit_design),
            **({"review": {"files": self.reviewed, "worksheets": self.worksheets,
                           "review_grades": dict(self.review_grades),
                           "review_excellent_rate": json_number(self.review_excellent_rate), "p1": self.p1}}
               if self.reviewed else {}),
            "findings": [_batch_finding(f, lang) for f in self.findings],
            "exit_code": exit_code, "seconds": round(seconds, 2),
        }}


def _batch_finding(f: Finding, lang: str) -> dict:
    message, hint = f.text(lang)
    files = [f.values["duplicate"]] if f.code == "B101" else list(f.values.get("files", ()))
    return {"code": f.code, "severity": f.severity, "message": message, "hint": hint, "files": files}


def totals(rows: list[FileRow], skipped: dict[str, int], enabled=None) -> Totals:
    """Every figure the front sheet, the JSON summary and the terminal show, computed once; a
    duplicate file (B101) is counted in ``files`` and ``duplicates`` only. ``enabled``: the rule
    codes --select/--ignore leave on (None: all)."""
    t = Totals(files=len(rows), skipped=dict(skipped))
    years = set()
    for row in rows:
        state = row.state()
        t.states[state] = t.states.get(state, 0) + 1
        if state == "duplicate":
            continue
        t.errors += row.errors  # a file that was not checked: its E finding counts, a row of 问题清单
        t.warnings += row.warnings
        if not row.checked:
            t.failed += 1
            continue
        t.checked += 1
        t.projects += len(row.projects)
        t.budget += row.budget_total or 0
        t.executed += row.executed_total or 0
        for g, n in row.grades.items():
            t.grades[g] = t.grades.get(g, 0) + n
        t.ungraded += row.ungraded
        for code in set(row.unit_design()):
            t.unit_design[code] += 1
        if row.reviewed:
            t.reviewed += 1
            t.worksheets += 1 if row.worksheet else 0
            t.p1 += row.p1 or 0
            for g, n in row.review_grades.items():
                t.review_grades[g] = t.review_grades.get(g, 0) + n
        if row.year is not None:
            years.add(row.year)
    t.years = sorted(years)
    t.findings = [f for f in duplicate_findings({r.file: r.duplicate_of for r in rows if r.state() == "duplicate"})
                  + year_findings({r.file: r.year for r in rows if r.checked and not r.duplicate_of
                                   and isinstance(r.year, int)})
                  + same_unit_findings({r.file: (r.unit, r.year) for r in rows
                                        if r.checked and r.state() != "duplicate"})
                  if enabled is None or f.code in enabled]
    return t


def exit_code(rows: list[FileRow], strict: bool) -> int:
    """The worst of all files: 2 for a file that could not be checked only with ``strict``;
    otherwise 1 when any file has errors or could not be checked."""
    if any(not r.checked for r in rows):
        return 2 if strict else 1
    return 1 if any(r.errors for r in rows) else 0
