"""Write-back: the output keeps everything of the user's, owns only its sheets and marks,
holds cached values for every formula, and a rerun gives the same result, not doubled."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from conftest import convert, needs_soffice, said
from layouts import Book, Proj, build
from perfxl.views.marks import MARKER_LINE, MARKS_SHEET, OWNED_NAME
from perfxl.views.result_sheet import RESULT
from perfxl.views.text_sheets import FINDINGS, NARRATIVE

OWNED = {RESULT, NARRATIVE, FINDINGS, MARKS_SHEET}


def _rich(tmp_path) -> str:
    """A hand-made workbook with styles, comments, validations, names, CF, freeze panes,
    print settings, formulas — and two problems (a wrong 总分, a wrong summary score)."""
    book = Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", budget=50, executed=25,
                               problems="工程未结算")])
    book.unit["项目支出"] = 125
    book.unit["基本支出"] = 875
    book.unit["人员经费"] = 675
    rows = book.summary_rows()
    rows[1]["自评得分"] = 99
    book.summary = rows
    path = tmp_path / "rich.xlsx"
    where = build(book, path, "national")
    wb = load_workbook(path)
    ws = wb["项目1"]
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["B3"].fill = PatternFill("solid", start_color="FFFF00", end_color="FFFF00")
    ws["B3"].comment = Comment("请填写项目全称", "张会计")
    ws[where("项目1", "total")].comment = Comment("财务科复核", "李科长")
    ws[where("项目1", "total")].value = 95  # wrong: 总分 does not add up
    dv = DataValidation(type="list", formula1='"产出指标,效益指标,满意度指标"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("A13:A17")
    ws.conditional_formatting.add("G13:G17", CellIsRule(operator="lessThan", formula=["0"], fill=PatternFill("solid", start_color="FF0000", end_color="FF0000")))
    ws.freeze_panes = "A13"
    ws.print_title_rows = "12:12"
    ws.page_setup.orientation = "landscape"
    ws["J1"] = "=SUM(D6,E6)"
    wb["项目2"]["J1"] = "='项目1'!J1*2"
    wb.defined_names["本年度"] = DefinedName("本年度", attr_text="'单位情况'!$B$3")
    wb.save(path)
    return str(path)


def _digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _cells(ws):
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (c.value, c.number_format, c.font.name, c.font.b, c.font.sz, c.fill.fgColor.rgb,
                                 c.border.left.style, c.alignment.horizontal, c.alignment.wrap_text, c.protection.locked)
    return out


def _user_comments(ws):
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.comment is not None and c.comment.author != "perfxl":
                out[c.coordinate] = (c.comment.author, c.comment.text.split("\n" + MARKER_LINE)[0])
    return out


def _user_cf(ws):
    return sorted((str(cf.sqref), r.type, tuple(r.formula or ())) for cf in ws.conditional_formatting for r in cf.rules
                  if list(r.formula or []) != ['"perfxl"<>""'])


def _compare_user_content(a_path, b_path):
    a, b = load_workbook(a_path), load_workbook(b_path)
    user = [n for n in a.sheetnames if n not in OWNED]
    assert [n for n in b.sheetnames if n not in OWNED] == user
    for name in user:
        wa, wb_ = a[name], b[name]
        assert _cells(wa) == _cells(wb_), name
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))
        assert _user_comments(wa) == _user_comments(wb_)
        assert [(str(d.sqref), d.formula1) for d in wa.data_validations.dataValidation] == \
               [(str(d.sqref), d.formula1) for d in wb_.data_validations.dataValidation]
        assert _user_cf(wa) == _user_cf(wb_)
        assert wa.freeze_panes == wb_.freeze_panes
        assert wa.print_title_rows == wb_.print_title_rows
        assert wa.page_setup.orientation == wb_.page_setup.orientation
        assert wa.sheet_state == wb_.sheet_state
    names_a = {k: v.attr_text for k, v in a.defined_names.items() if k != OWNED_NAME}
    names_b = {k: v.attr_text for k, v in b.defined_names.items() if k != OWNED_NAME}
    assert names_a == names_b


def test_output_keeps_everything_and_input_is_untouched(run, tmp_path):
    path = _rich(tmp_path)
    before = _digest(path)
    result = run("check", path)
    assert result.exit_code == 1
    out = path.replace(".xlsx", ".perfxl.xlsx")
    assert os.path.exists(out)
    assert _digest(path) == before
    _compare_user_content(path, out)
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == [RESULT, NARRATIVE, FINDINGS]
    assert wb[MARKS_SHEET].sheet_state == "veryHidden"
    assert {s for s, _ in wb.defined_names[OWNED_NAME].destinations} == {RESULT, NARRATIVE, FINDINGS}


def test_marks_comments_and_result_sheet(run, tmp_path):
    path = _rich(tmp_path)
    run("check", path)
    wb = load_workbook(path.replace(".xlsx", ".perfxl.xlsx"))
    total = wb["项目1"]["G18"]
    assert total.comment.author == "李科长"
    assert total.comment.text.startswith("财务科复核\n" + MARKER_LINE)
    assert "T104" in total.comment.text
    s = wb["汇总"]
    flagged = [c for c in ("F4",) if s[c].comment is not None]
    assert flagged and s["F4"].comment.author == "perfxl" and "S106" in s["F4"].comment.text
    res = wb[RESULT]
    assert res["A3"].value == "序号" and res["H3"].value == "评价等级"
    assert res["B4"].value == "='项目1'!B3"
    assert res["C4"].value == "='项目1'!D6"
    assert res["H4"].value == "优" and res["H4"].fill.fgColor.rgb.endswith("C6EFCE")
    assert res["E5"].fill.fgColor.rgb.endswith("F4B084")  # 50% execution: 需要更正 (orange, not 差's pink)
    assert res.freeze_panes == "C4"
    assert res._charts
    found = wb[FINDINGS]
    assert found.auto_filter.ref.startswith("A1:F")
    links = [c.hyperlink.location or c.hyperlink.target for c in found["D"] if c.hyperlink]
    assert "'项目1'!G18" in " ".join(str(x) for x in links)
    text = " ".join(str(c.value) for c in wb[NARRATIVE]["A"] if c.value)
    assert "（1）办公楼维修项目绩效自评综述" in text and "本部门绩效自评项目共2个" in text


def test_every_formula_has_a_cached_value(run, tmp_path):
    path = _rich(tmp_path)
    run("check", path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    wf, wv = load_workbook(out), load_workbook(out, data_only=True)
    missing = [(ws.title, c.coordinate) for ws in wf.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith("=") and wv[ws.title][c.coordinate].value is None]
    assert missing == []
    assert wv[RESULT]["B4"].value == "办公楼维修项目"
    assert wv[RESULT]["C4"].value == 100
    assert wv["项目1"]["J1"].value == 200
    assert wv["项目2"]["J1"].value == 400


def test_rerun_on_output_is_stable(run, tmp_path):
    path = _rich(tmp_path)
    run("check", path)
    out1 = path.replace(".xlsx", ".perfxl.xlsx")
    copy = out1.replace(".perfxl.xlsx", ".first.xlsx")
    shutil.copy(out1, copy)
    run("check", out1)  # a result file is its own output: its owned sheets are replaced
    assert not os.path.exists(out1.replace(".xlsx", ".perfxl.xlsx"))
    out1, out2 = copy, out1
    a, b = load_workbook(out1), load_workbook(out2)
    resolved = [r[1].value for r in a[FINDINGS].iter_rows(min_row=2) if r[1].value in ("R113", "R114")]

    def rows(ws):  # findings the first write resolved (missing cached values) may disappear
        out = [[c.value for c in r] for r in ws.iter_rows() if len(r) < 2 or r[1].value not in ("R113", "R114")]
        if ws.title == RESULT:  # … and the 合计 问题数 counts them
            out = [[v - len(resolved) if row[0] == "合计" and j == 8 and ws is a[RESULT] else v
                    for j, v in enumerate(row)] for row in out]
        return out
    for name in (RESULT, NARRATIVE, FINDINGS, MARKS_SHEET):
        assert rows(a[name]) == rows(b[name]), name
    _compare_user_content(out1, out2)
    for name in a.sheetnames:
        if name in OWNED:
            continue
        for row in b[name].iter_rows():
            for c in row:
                if c.comment is not None:
                    assert c.comment.text.count(MARKER_LINE) <= 1
                    assert c.comment.text.count("[") == a[name][c.coordinate].comment.text.count("[")
        assert len(list(b[name].conditional_formatting)) == len(list(a[name].conditional_formatting))


def test_no_write_and_output_option(run, tmp_path):
    path = _rich(tmp_path)
    run("check", path, "--no-write")
    assert sorted(os.listdir(tmp_path)) == ["rich.xlsx"]
    target = tmp_path / "out" / "结果.xlsx"
    target.parent.mkdir()
    run("check", path, "-o", target)
    assert target.exists()
    assert sorted(os.listdir(tmp_path)) == ["out", "rich.xlsx"]


def test_e112_in_place_backup_and_lock(run, tmp_path):
    path = _rich(tmp_path)
    before = open(path, "rb").read()
    lock = tmp_path / "~$rich.xlsx"
    lock.write_bytes(b"lock")
    result = run("check", path, "--in-place")
    # the check is done and shown; only the write is refused (exit 3), and the input is untouched
    assert result.exit_code == 3 and said(result.stderr, "E112") and "结论：" in result.stdout
    assert open(path, "rb").read() == before
    lock.unlink()
    result = run("check", path, "--in-place")
    assert result.exit_code == 1 and not said(result.output, "E112")
    assert open(path + ".bak", "rb").read() == before
    assert RESULT in load_workbook(path).sheetnames


def _with_textbox(tmp_path) -> str:
    import xlsxwriter
    path = str(tmp_path / "shapes.xlsx")
    wb = xlsxwriter.Workbook(path)
    for name, rows in (("项目1", None),):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["项目名称", "办公楼维修项目"])
        ws.write_row(2, 0, ["三级指标", "年度指标值", "实际完成值", "分值", "得分"])
        ws.write_row(3, 0, ["面积", "≥10平方米", "10平方米", 90, 90])
        ws.write_row(4, 0, ["总分", None, None, 100, 90])
        ws.insert_textbox("H2", "说明：本表由财务科填写")
    wb.close()
    return path


def test_r119_e114_losses_are_reported_and_in_place_refuses(run, tmp_path):
    path = _with_textbox(tmp_path)
    result = run("check", path, "--in-place")
    assert result.exit_code == 2 and said(result.output, "E114") and "形状/文本框" in result.output
    result = run("check", path)  # saved beside it, the result may lose what the input keeps
    assert result.exit_code in (0, 1) and not said(result.output, "E114")
    assert "R119" in result.output and "形状/文本框" in result.output


def _png() -> bytes:
    """A 1x1 PNG, written here (no Pillow needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0")) + chunk(b"IEND", b""))


def _renamed(path: str, renames: dict[str, str]) -> None:
    """Rename package parts as another program might name them, and every reference to them."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            for old, new in renames.items():
                data = data.replace(old.encode(), new.encode())
                name = name.replace(old, new)
            z.writestr(name, data)


def test_r119_e114_losses_are_known_by_what_parts_are_not_by_their_names(run, tmp_path):
    """A drawing part not named drawingN.xml lost its picture in silence under --in-place."""
    import importlib.util

    import xlsxwriter
    path = str(tmp_path / "pic.xlsx")
    (tmp_path / "logo.png").write_bytes(_png())
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("项目1")
    ws.write_row(0, 0, ["项目名称", "办公楼维修项目"])
    ws.write_row(2, 0, ["三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.write_row(3, 0, ["面积", "≥10平方米", "10平方米", 90, 90])
    ws.write_row(4, 0, ["总分", None, None, 100, 90])
    ws.insert_image("H2", str(tmp_path / "logo.png"))
    wb.close()
    _renamed(path, {"drawings/drawing1.xml": "drawings/logo-anchor.xml"})
    with zipfile.ZipFile(path) as z:
        assert "xl/drawings/logo-anchor.xml" in z.namelist()
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:  # threaded comments under another name
        for info, data in parts:
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/talk/discussion.xml" '
                                    b'ContentType="application/vnd.ms-excel.threadedcomments+xml"/></Types>')
            z.writestr(info, data)
        z.writestr("xl/talk/discussion.xml", '<ThreadedComments xmlns="http://schemas.microsoft.com/office/'
                                             'spreadsheetml/2018/threadedcomments"/>')
    before = open(path, "rb").read()
    result = run("check", path, "--in-place")
    assert result.exit_code == 2 and "线程" in result.output
    if importlib.util.find_spec("PIL") is None:
        assert "图片" in result.output
    assert open(path, "rb").read() == before
    result = run("check", path, "--format", "json")
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    parts = [f["values"]["part"] for f in data["findings"] if f["code"] == "R119"]
    assert "新式（线程）批注（旧式批注会保留）" in parts
    if importlib.util.find_spec("PIL") is None:  # without Pillow openpyxl drops pictures
        assert "工作表“项目1”中的图片（未安装 Pillow）" in parts


@needs_soffice
def test_libreoffice_recalculation_matches_cached_values(run, tmp_path):
    path = _rich(tmp_path)
    run("check", path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    recalculated = _recalculate(out, tmp_path)
    ours, theirs = load_workbook(out, data_only=True), load_workbook(recalculated, data_only=True)
    formulas = load_workbook(out)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    a, b = ours[ws.title][c.coordinate].value, theirs[ws.title][c.coordinate].value
                    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                        assert abs(a - b) < 1e-6, (ws.title, c.coordinate, c.value, a, b)
                    else:
                        assert a == b, (ws.title, c.coordinate, c.value, a, b)




def _recalculate(path: str, tmp_path) -> str:
    return str(convert(path, "xlsx", tmp_path / "recalc", recalc=True))


def test_sample_output_keeps_every_user_cell(run, tmp_path):
    from pathlib import Path
    sample = tmp_path / "2025.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "samples" / "2025.xlsx", sample)
    assert run("check", sample).exit_code == 1
    out = tmp_path / "2025.perfxl.xlsx"
    _compare_user_content(str(sample), str(out))
    wb = load_workbook(out)
    assert wb["汇总"]["C16"].comment.author == "perfxl" and "S106" in wb["汇总"]["C16"].comment.text
    assert wb["单位情况"]["B19"].comment is not None
    wv = load_workbook(out, data_only=True)[RESULT]
    assert [wv[f"H{r}"].value for r in range(4, 19)].count("优") == 14
    assert wv["C19"].value == pytest.approx(988.43) and wv["D19"].value == pytest.approx(590.2)


def test_macro_workbook_with_notes_gets_no_duplicate_part(run, tmp_path):
    """openpyxl (keep_vba) would name perfxl's new notes drawing like the input's own
    openpyxl-made one: two parts of one name, which Excel calls damaged."""
    import warnings
    import zipfile

    src = str(tmp_path / "src.xlsx")
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", total=99)]), src)
    wb = load_workbook(src)
    wb["项目1"]["A1"].comment = Comment("请财务科核对", "李四")
    path = str(tmp_path / "macro.xlsm")
    wb.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # zipfile's "Duplicate name" is a warning
        r = run("check", path)
    assert r.exit_code in (0, 1), r.output
    out = str(tmp_path / "macro.perfxl.xlsm")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert len(names) == len(set(names))
    wb = load_workbook(out)
    assert wb["项目1"]["A1"].comment.text == "请财务科核对" and wb["项目1"]["A1"].comment.author == "李四"
    assert any(c.comment is not None and c.comment.author == "perfxl"
               for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_a_damaged_result_package_is_never_handed_over(run, tmp_path, monkeypatch):
    """Should openpyxl ever write two parts of one name, the user gets one line and no file."""
    from perfxl.excel import package

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    real = package.write_cached_values

    def doubled(p, values):
        import warnings
        import zipfile
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(p, "a") as z:
                z.writestr("xl/styles.xml", b"<x/>")
        return real(p, values)

    monkeypatch.setattr("perfxl.views.writer.write_cached_values", doubled)
    before = _digest(path)
    r = run("check", path, "--in-place")
    assert r.exit_code == 3 and "重名的部件" in r.stderr and "xl/styles.xml" in r.stderr and "结论：" in r.stdout
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx", "in.xlsx.bak"]
