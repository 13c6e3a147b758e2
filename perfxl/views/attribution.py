"""Which project a finding is about: its project sheet, or its row on the summary sheet.

自评结果's 问题数 (docs/template.md §7) counts, per project, every finding on the project's
sheet and on the project's summary row. A finding that names a project itself (an
attribute ``project`` holding the sheet name) is taken at its word.
"""

from __future__ import annotations

import re

from perfxl.rules.context import Context
from perfxl.rules.results import CheckResult
from perfxl.rules.summary import match_rows


def findings_by_project(result: CheckResult) -> dict[str, list]:
    """Project sheet name -> the findings about that project, in report order."""
    sheets = {p.project.sheet for p in result.projects}
    row_owner: dict[int, str] = {}
    summary = result.model.summary
    if summary is not None and result.projects:
        scratch = Context(profile=None)  # match_rows reports into it; those findings are discarded
        for row, p in match_rows(scratch, summary, result.projects):
            row_owner[row.row] = p.project.sheet
    out: dict[str, list] = {s: [] for s in sheets}
    for f in result.findings:
        owner = getattr(f, "project", None)
        if owner not in sheets:
            owner = None
        if owner is None and f.sheet in sheets:
            owner = f.sheet
        if owner is None and summary is not None and f.sheet == summary.sheet and f.cell:
            row = _row(f.cell)
            owner = row_owner.get(row) if row is not None else None
        if owner is not None:
            out[owner].append(f)
    return out


def _row(coord: str) -> int | None:
    m = re.match(r"^\$?[A-Za-z]{1,3}\$?(\d+)", coord or "")
    return int(m.group(1)) if m else None
