"""Rows with wrapped text get heights that show it (CJK characters are two columns wide)."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from layouts import Book, Proj, build
from perfxl.excel.textfit import fit_rows, line_height, lines_needed, row_height, text_width
from perfxl.views.result_sheet import RESULT
from perfxl.views.text_sheets import FINDINGS, NARRATIVE


def test_widths_and_lines():
    assert text_width("项目") == 4 and text_width("ab1") == 3 and text_width("（１）") == 6
    assert lines_needed("", 10) == 1 and lines_needed(None, 10) == 1
    assert lines_needed("一" * 10, 30) == 1
    assert lines_needed("一" * 30, 30) == 3  # 60 columns of text in a 30-wide column
    assert lines_needed("一行\n二行\n三行", 30) == 3
    assert row_height([("短", 20)]) == round(line_height(11) + 4, 1)  # one line
    assert row_height([("一" * 30, 30), ("短", 10)]) == round(3 * line_height(11) + 4, 1)


def test_fit_rows_sets_only_missing_heights():
    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 20
    long = "部分楼层因施工延期，尚未完成验收，下一步加快进度，确保2026年一季度完成全部验收工作。"
    for r in (1, 2, 3, 4):
        ws.cell(row=r, column=1, value=long)
    for r in (1, 2, 4):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 30  # the user's own height stays
    ws.cell(row=5, column=1, value="短").alignment = Alignment(wrap_text=True)
    ws.merge_cells("A4:C4")  # merged across: the three widths count
    ws.cell(row=4, column=1).font = Font(size=9)
    assert fit_rows(ws) == [1, 4]
    assert ws.row_dimensions[1].height >= 4 * line_height(11)
    assert ws.row_dimensions[2].height == 30
    assert ws.row_dimensions[3].height is None  # not wrapped: Excel shows it on one line too
    assert ws.row_dimensions[4].height < ws.row_dimensions[1].height
    assert ws.row_dimensions[5].height is None


def test_owned_sheets_and_user_rows_get_heights(run, tmp_path):
    reason = "部分楼层因施工延期，尚未完成验收，下一步加快进度，确保2026年一季度完成全部验收工作。" * 2
    p = Proj(name="2025机关事务管理中心用于方舱集中（医学）收治费用及配套设施改造工程项目")
    p.indicators[3].score, p.indicators[3].reason = 25, reason
    path = tmp_path / "x.xlsx"
    where = build(Book([p]), path)
    wb = load_workbook(path)
    wb["项目1"].column_dimensions["H"].width = 30
    wb["项目1"][where("项目1", (3, "reason"))].alignment = Alignment(wrap_text=True)
    wb.save(path)
    run("check", path)
    out = load_workbook(tmp_path / "x.perfxl.xlsx")
    row = int(where("项目1", (3, "reason"))[1:])
    assert out["项目1"].row_dimensions[row].height >= 4 * line_height(11)
    res = out[RESULT]
    assert res.row_dimensions[4].height >= 2 * line_height(11)  # the long name wraps
    found = out[FINDINGS]
    for r in range(2, found.max_row + 1):
        lines = max(lines_needed(found.cell(row=r, column=j).value, found.column_dimensions[c].width)
                    for j, c in ((5, "E"), (6, "F")))
        assert found.row_dimensions[r].height >= lines * line_height(11), r
    assert found.print_title_rows == "$1:$1"
    text = out[NARRATIVE]
    for r in range(3, text.max_row + 1):
        lines = lines_needed(text.cell(row=r, column=1).value, text.column_dimensions["A"].width)
        assert text.row_dimensions[r].height >= lines * line_height(11)
