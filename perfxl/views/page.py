"""The web page's view of a check and of a roll-up: what the templates of ``perfxl serve``
show, drawn from the same data as the terminal — the ``--format json`` report of one file
(grouped and worded by ``views/text.py``) and the roll-up's rows and totals (worded by
``views/batch.py``). Colours are the result sheet's (``views/batch.py`` COLOURS). Nothing is
computed here that the check did not decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel import show
from perfxl.model import SEVERITY_EN, SEVERITY_ZH
from perfxl.rollup import GRADES, FileRow, Totals
from perfxl.views import batch as rollup_view
from perfxl.views import text

GRADE_CLASS = {g: f"grade-{i}" for i, g in enumerate(GRADES, 1)}
STATE_CLASS = {"amber": "warning", "red": "error"}


def colours_css() -> str:
    """The page's colours, from the result sheet's: grades, 需要更正 / 需要关注, table heads."""
    c = rollup_view.COLOURS
    rules = [f".{cls} {{ background: {c[g]}; }}" for g, cls in GRADE_CLASS.items()]
    rules += [f".sev-error, .state-error {{ background: {c['red']}; }}",
              f".sev-warning, .state-warning {{ background: {c['amber']}; }}",
              f"th {{ background: {c['head']}; }}"]
    return "\n".join(rules) + "\n"


@dataclass
class Line:
    ref: str
    code: str
    severity: str
    word: str
    message: str
    hint: str


@dataclass
class Group:
    title: str
    lines: list[Line]


@dataclass
class ProjectRow:
    cells: list[str]
    grade_class: str


@dataclass
class CheckPage:
    file: str
    unit: str
    year: str
    groups: list[Group] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit_line: str = ""
    verdict: str = ""
    counts: dict = field(default_factory=dict)
    clean: str = ""


def check_page(report: dict, lang: str = "zh") -> CheckPage:
    """One file's report (``check --format json``, in ``lang``) as the page shows it: the
    terminal's sections, words and figures."""
    w = text.WORDS["en" if lang == "en" else "zh"]
    severity = SEVERITY_EN if lang == "en" else SEVERITY_ZH
    unit = report.get("unit") or {}
    page = CheckPage(report.get("file") or "", unit.get("name") or w["unnamed"], str(unit.get("year") or w["unknown"]),
                     head=list(w["head"]))
    findings = report.get("findings") or []
    for sheet, items in text.by_sheet(findings, sheet=lambda f: f["sheet"]).items():
        page.groups.append(Group(sheet or w["workbook"], [
            Line(text.ref(f["sheet"], f["cell"]), f["code"], f["severity"], severity[f["severity"]], f["message"],
                 f["hint"]) for f in items]))
    for i, p in enumerate(report.get("projects") or [], 1):
        page.projects.append(ProjectRow(text.project_cells(i, p["name"], p["budget"], p["executed"],
                                                           p["execution_rate"], p["entered_score"], p["score"],
                                                           p["grade"]), GRADE_CLASS.get(p["grade"], "")))
        if p.get("adjustments"):
            why = ("; " if lang == "en" else "；").join(a["reason"] for a in p["adjustments"])
            page.notes.append(w["adjusted"].format(i=i, why=why, raw=show.num(p["raw_score"]),
                                                   score=show.num(p["score"])).strip())
    summary = report.get("summary")
    if summary is not None:
        page.unit_line = text.unit_line(summary["projects"], summary["grades"], summary["excellent_rate"],
                                        summary["budget_total"], summary["executed_total"], lang,
                                        ungraded=summary.get("ungraded") or 0)
    page.counts = text.severities(f["severity"] for f in findings)
    page.verdict = text.verdict(page.counts, lang)
    page.clean = w["clean"] if not findings else ""
    return page


@dataclass
class FileLine:
    file: str
    unit: str
    year: str
    projects: str
    grades: list[str]
    rate: str
    errors: str
    warnings: str
    state: str
    state_class: str
    note: str


@dataclass
class BatchPage:
    summary: str
    findings: list[str]
    files: list[FileLine]
    grades: list[tuple[str, str, int]]  # (grade, class, projects)


def batch_page(rows: list[FileRow], totals: Totals, lang: str = "zh") -> BatchPage:
    """The roll-up as the page shows it: the terminal's summary and batch findings, and one line
    a file with the figures of 单位汇总."""
    states = rollup_view.STATE_EN if lang == "en" else rollup_view.STATE_ZH
    notes = rollup_view.row_notes(totals) if lang != "en" else {}
    files = []
    for row in rollup_view.order(rows):
        state = row.state()
        note = row.stop.line(lang) if not row.checked else ""
        if row.file in notes:
            note = "；".join(n for n in (notes[row.file], note) if n)
        checked = row.checked
        files.append(FileLine(
            row.file, row.unit, str(row.year or ""), str(len(row.projects)) if checked else "",
            [str(row.grades.get(g, 0)) if checked else "" for g in GRADES],
            show.whole_percent(row.excellent_rate) if checked and row.excellent_rate is not None else "",
            str(row.errors) if checked or row.status == "unreadable" else "",
            str(row.warnings) if checked or row.status == "unreadable" else "",
            states[state], STATE_CLASS.get(rollup_view.state_fill(state) or "", ""), note))
    return BatchPage(rollup_view.text_summary(totals, lang), rollup_view.text_findings(totals, lang), files,
                     [(g, GRADE_CLASS[g], totals.grades.get(g, 0)) for g in GRADES])
