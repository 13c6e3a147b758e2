"""The two text sheets of the result workbook (docs/template.md §7): 自评综述, the narrative
ready to paste into a report, and 检查结果, one row per finding with a link to its cell."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink

from perfxl.excel.textfit import row_height
from perfxl.model import SEVERITY_ZH
from perfxl.result import CheckResult
from perfxl.views.narrative import narrative
from perfxl.views.sheets import BOX, FILLS, FONT, head, print_setup, quote, unique

NARRATIVE, FINDINGS = "自评综述", "检查结果"


def write_narrative_sheet(wb, result: CheckResult) -> str:
    """自评综述, second of perfxl's sheets: a paragraph a row, A4 portrait; returns its title."""
    ws = wb.create_sheet(unique(wb, NARRATIVE), 1)
    ws["A1"] = "自评综述"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws.column_dimensions["A"].width = 66  # about 32 Chinese characters: fits A4 portrait at 100%
    for i, text in enumerate(narrative(result), 3):
        c = ws.cell(row=i, column=1, value=text)
        c.font = Font(name=FONT, size=11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = row_height([(text, 66)], font_size=11)
    print_setup(ws, landscape=False)
    return ws.title


FINDINGS_COLUMNS = {"A": 9, "B": 7, "C": 16, "D": 9, "E": 60, "F": 50}


def write_findings_sheet(wb, result: CheckResult) -> str:
    """检查结果, third of perfxl's sheets: a row a finding, filterable, each cell a link; returns
    its title."""
    ws = wb.create_sheet(unique(wb, FINDINGS), 2)
    present = set(wb.sheetnames)
    head(ws, 1, ["严重程度", "代码", "工作表", "单元格", "问题", "修改建议"])
    ws.row_dimensions[1].height = 20
    for i, f in enumerate(result.findings, 2):
        values = [SEVERITY_ZH[f.severity], f.code, f.sheet, f.cell, f.message, f.hint]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=i, column=j, value=v)
            c.font = Font(name=FONT)
            c.alignment = Alignment(wrap_text=j >= 5 or j == 3, vertical="top")
            c.border = BOX
        ws.row_dimensions[i].height = row_height([(f.sheet, FINDINGS_COLUMNS["C"]), (f.message, FINDINGS_COLUMNS["E"]),
                                                  (f.hint, FINDINGS_COLUMNS["F"])])
        fill = {"error": FILLS["fix"], "warning": FILLS["look"]}.get(f.severity)
        if fill:
            ws.cell(row=i, column=1).fill = fill
        if f.sheet and f.cell and f.sheet in present:
            c = ws.cell(row=i, column=4)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{quote(f.sheet)}!{f.cell}", display=f.cell)
            c.font = Font(name=FONT, color="0563C1", underline="single")
    for col, w in FINDINGS_COLUMNS.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:F{max(1, len(result.findings) + 1)}"
    print_setup(ws, landscape=True)
    return ws.title
