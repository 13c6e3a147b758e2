"""What perfxl's own sheets of the result workbook share: font, border, fills, header row,
A4 print setup, and names that never clash with the user's sheets."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from perfxl.views import palette

FILLS = {name: PatternFill("solid", start_color=color, end_color=color) for name, color in {
    **palette.GRADES, "fix": palette.FIX, "look": palette.LOOK, "head": palette.HEAD,
    **{f"mark_{severity}": color for severity, color in palette.MARK.items()},
}.items()}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"


def quote(sheet: str) -> str:
    """A sheet name as a formula or link writes it: ``'项目 1'``."""
    return "'" + sheet.replace("'", "''") + "'"


def unique(wb, name: str) -> str:
    """``name``, or ``name2``, ``name3``… when the user has a sheet of that name already."""
    if name not in wb.sheetnames:
        return name
    i = 2
    while f"{name}{i}" in wb.sheetnames:
        i += 1
    return f"{name}{i}"


def head(ws, row: int, values: list[str]) -> None:
    """A table's header row: bold, grey, boxed, centred."""
    for j, v in enumerate(values, 1):
        c = ws.cell(row=row, column=j, value=v)
        c.font = Font(name=FONT, bold=True)
        c.fill = FILLS["head"]
        c.border = BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def print_setup(ws, *, landscape: bool) -> None:
    """A4, fit to one page wide, any number of pages tall, centred, narrow margins."""
    if landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    m = ws.page_margins
    m.left = m.right = 0.5
    m.top = m.bottom = 0.6
    m.header = m.footer = 0.3
    ws.oddFooter.center.text = "&A  第 &P 页"
