"""``perfxl report``: the Word report read back with python-docx.

Its numbers equal the check's JSON, what the workbook lacks is a listed placeholder, and
the layout is GB/T 9704-2012's (margins, line grid, East-Asian fonts, repeated table
header, page-number fields)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from conftest import convert, needs_soffice, said
from layouts import Book, Proj, build, default_unit
from perfxl.views.docx_report import CHARS, CONDENSE, LINE_PITCH, LINES, TEXT_H, TEXT_W

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "2025.xlsx"
W = qn("w:val")


def _sample(tmp_path) -> Path:
    path = tmp_path / "2025.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@dataclass
class Written:
    path: Path  # the copy of the sample
    docx: Path
    exit_code: int
    output: str
    data: dict  # the check's JSON

    def doc(self):
        return Document(self.docx)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> Written:
    """The sample's report, written once for the tests that only read it."""
    from click.testing import CliRunner

    from perfxl.cli import cli

    folder = tmp_path_factory.mktemp("sample")
    path = _sample(folder)
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["check", str(path), "--format", "json", "--no-write"]).output)
    res = runner.invoke(cli, ["report", str(path)], catch_exceptions=False)
    return Written(path, folder / "2025.docx", res.exit_code, res.output, data)


def _body_texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _num(text: str) -> float:
    return float(text.replace("%", ""))


def _money(text: str) -> float:
    return float(text.replace(",", ""))


def _pct(fraction: float) -> float:
    """A JSON rate as the report shows it: a percentage, 2 decimals, halves up."""
    return float((Decimal(str(fraction)) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP))


# -- numbers -----------------------------------------------------------------------------------

def _stated(p: dict) -> float:
    """The score the report restates: the typed 总分 where it agrees with the check's score at its
    typed precision and gives the same grade (93 for 93.33), else the check's score."""
    from perfxl.excel.numbers import decimals_of
    from perfxl.scoring.precision import agrees
    from perfxl.scoring.profile import load_profile

    entered, score = p["entered_score"], p["score"]
    if entered is not None and agrees(entered, score, decimals_of(entered)) and load_profile().grade(entered) == p["grade"]:
        return entered
    return score


def test_sample_numbers_equal_the_checks_json(sample_report):
    data = sample_report.data
    assert sample_report.exit_code == 1  # the sample has errors: written anyway, exit 1
    doc = sample_report.doc()

    # the conclusion table: one row per project in sheet order, then 合计
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert [h.replace("\n", "") for h in rows[0]] == ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）",
                                                      "执行率", "自评得分", "评价等级"]
    projects = data["projects"]
    assert len(rows) == len(projects) + 2
    for i, (row, p) in enumerate(zip(rows[1:], projects), 1):
        seq, name, budget, executed, rate, score, grade = row
        assert (int(seq), name, grade) == (i, p["name"], p["grade"])
        assert _money(budget) == pytest.approx(p["budget"], abs=0.005)
        assert _money(executed) == pytest.approx(p["executed"], abs=0.005)
        assert _num(rate) == _pct(p["execution_rate"])
        assert float(score) == pytest.approx(_stated(p), abs=0.005)
    total = rows[-1]
    assert "合计" in total[1]
    assert _money(total[2]) == pytest.approx(data["summary"]["budget_total"], abs=0.005)
    assert _money(total[3]) == pytest.approx(data["summary"]["executed_total"], abs=0.005)
    # the report's own table said 98 for 武装部 and listed 保洁 before 保安; the check's figures win
    assert rows[14][5] == "98.68" and rows[5][1] == "2025机关大院保安费用项目"
    # where the typed 总分 agrees with the check (93 for 93.33), the report says what the workbook says
    assert rows[4][5] == "93" and rows[15][5] == "98"

    # one paragraph per project, numbered in sheet order
    texts = _body_texts(doc)
    pattern = re.compile(r"^（(\d+)）(.+?)绩效自评综述：根据年初设定的绩效目标，该项目绩效自评得分为([\d.]+)分。"
                         r"全年预算数为([\d.]+)万元，执行数为([\d.]+)万元，完成预算的(\d+)%。")
    found = [m for m in map(pattern.match, texts) if m]
    assert len(found) == len(projects)
    for m, p in zip(found, projects):
        assert m.group(2) == p["name"]
        assert float(m.group(3)) == pytest.approx(_stated(p), abs=0.005)
        assert float(m.group(4)) == pytest.approx(p["budget"], abs=0.005)
        assert float(m.group(5)) == pytest.approx(p["executed"], abs=0.005)
        assert int(m.group(6)) == round(p["execution_rate"] * 100 + 1e-9)
    assert [int(m.group(1)) for m in found] == list(range(1, len(projects) + 1))

    # grades, staff and money from the unit sheet
    body = "\n".join(texts)
    grades = data["summary"]["grades"]
    assert f"共{len(projects)}个，其中评价等级“优”项目{grades['优']}个，“良”项目{grades['良']}个，评优率为93%" in body
    assert "核定在编人员78人，退休人员53人，劳动聘用人员16人，其他人员9人，共计156人" in body
    assert "占总支出70.03%" in body and "占总支出29.97%" in body
    assert "占基本支出85.64%" in body and "占基本支出14.36%" in body
    assert "比年初预算减少164.82万元" in body
    # the overall paragraph uses the projects' sums, not the 769.22 the original report typed
    assert "执行数合计590.2万元" in body and "共涉及资金769.22" not in body


def test_outline_and_headings(sample_report):
    path = sample_report.path
    doc = sample_report.doc()
    title = next(p for p in doc.paragraphs if p.style.name == "perfxl Title")
    assert title.text.replace("\n", "") == "石家庄市鹿泉区机关事务管理中心2025年度整体支出绩效自评报告"
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["一、部门基本情况", "二、自评工作开展情况", "三、部门整体支出绩效目标实现情况及指标分析",
                  "四、评价结论和评价等级", "五、存在的问题及改进措施"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[:5] == ["（一）部门概况", "（二）机构设置", "（三）人员情况", "（四）部门收支预决算情况",
                      "（五）部门整体支出绩效目标"]
    assert h2[5:] == ["（一）总体绩效目标实现情况", "（二）分项绩效目标实现情况及指标分析", "（一）存在的问题",
                      "（二）改进措施"]
    body = "\n".join(_body_texts(doc))
    # the texts a person wrote come from the unit sheet's labelled cells
    wb = load_workbook(path)
    unit = wb["单位情况"]
    texts = {unit.cell(r, 1).value: unit.cell(r, 2).value for r in range(1, unit.max_row + 1)}
    for label in ("部门概况", "机构设置", "总体绩效目标", "自评工作开展情况", "存在的问题", "改进措施"):
        assert texts[label] in body, label


# -- placeholders --------------------------------------------------------------------------------

def test_sample_placeholders_are_highlighted_and_listed(sample_report):
    res = sample_report
    doc = sample_report.doc()
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert highlighted == ["【待填写：决算数与年初预算数差异的原因】", "【待填写：总体绩效目标完成情况】",
                           "【待填写：执行率33%、未完成预算的原因】"]
    # the command lists each one with where to type it
    assert "待填写 3 处" in res.output
    assert "单位情况表中增加一行“预决算差异原因”  【待填写：决算数与年初预算数差异的原因】" in res.output
    assert "04法院派出法庭!B19  【待填写：执行率33%、未完成预算的原因】" in res.output
    # the 法院 project spent 33% and explains nothing (the check's F108): its paragraph asks why
    court = next(p.text for p in doc.paragraphs if p.text.startswith("（4）"))
    assert court.endswith("发现的主要问题及原因：【待填写：执行率33%、未完成预算的原因】。")


def test_missing_texts_become_placeholders_at_their_cells(run, tmp_path):
    unit = default_unit() | {"部门概况": "", "机构设置": "设综合科、财务科。"}
    path = tmp_path / "clean.xlsx"
    where = build(Book(unit=unit), path)
    wb = load_workbook(path)
    wb["项目1"]["F11"].value = None  # no 实际完成情况
    wb.save(path)
    res = run("report", path)
    assert res.exit_code == 0, res.output
    doc = Document(tmp_path / "clean.docx")
    body = "\n".join(_body_texts(doc))
    assert "设综合科、财务科。" in body
    assert f"单位情况!{where('单位情况', '部门概况')}  【待填写：部门概况】" in res.output
    for label in ("总体绩效目标", "自评的组织和方法", "存在的问题", "改进措施", "总体绩效目标完成情况"):
        assert f"【待填写：{label}】" in body, label
    assert "单位情况表中增加一行“存在的问题”" in res.output
    assert "项目1!F11  【待填写：办公楼维修项目的实际完成情况】" in res.output
    # a clean workbook: no notice, no F108 placeholder (all spent), exit 0
    assert not doc.paragraphs[0].text.startswith("【perfxl")
    assert "未完成预算的原因" not in body
    # English lines for the command; the report stays Chinese
    res = run("report", path, "--lang", "en")
    assert "Report written" in res.output and "add a row “存在的问题” to sheet 单位情况" in res.output


def test_init_unit_sheet_has_the_report_texts(tmp_path):
    """``init`` writes labelled text cells; the reader finds them and the report uses them."""
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views.docx_report import outline
    from perfxl.workbook.reader import read_workbook
    from perfxl.workbook.template import write_template

    path = tmp_path / "init.xlsx"
    write_template(str(path), projects=1, unit="某某单位", year=2025)
    wb = load_workbook(path)
    ws = wb["单位情况"]
    labels = ("部门概况", "机构设置", "预决算差异原因", "总体绩效目标", "总体绩效目标完成情况",
              "自评工作开展情况", "存在的问题", "改进措施")
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for label in labels:
        ws.cell(rows[label], 2).value = f"{label}的文字。"
    wb.save(path)
    result = run_checks(read_workbook(str(path)), load_profile())
    for label in labels:
        assert result.model.unit.get(label).value.coord == f"B{rows[label]}", label
    o = outline(result)
    texts = "\n".join(b.text for b in o.blocks)
    for label in ("部门概况", "机构设置", "总体绩效目标", "总体绩效目标完成情况", "自评工作开展情况", "存在的问题",
                  "改进措施"):
        assert f"{label}的文字。" in texts, label
    assert {p.label for p in o.placeholders}.isdisjoint(labels)


def test_synonym_labels_for_the_texts(tmp_path):
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views.docx_report import outline
    from perfxl.workbook.reader import read_workbook

    unit = default_unit() | {"单位职能": "职能。", "自评的组织和方法": "组织。", "存在问题": "问题。"}
    path = tmp_path / "syn.xlsx"
    build(Book(unit=unit), path)
    o = outline(run_checks(read_workbook(str(path)), load_profile()))
    texts = [b.text for b in o.blocks]
    assert {"职能。", "组织。", "问题。"} <= set(texts)


# -- errors and safety ---------------------------------------------------------------------------

def test_error_notice_on_the_first_page_and_strict(run, tmp_path, sample_report):
    assert sample_report.exit_code == 1
    first = sample_report.doc().paragraphs[0]
    assert first.style.name == "perfxl Notice"
    assert "发现 2 个错误" in first.text and "单位情况!B19" in first.text and "汇总!C16" in first.text
    path = _sample(tmp_path)
    res = run("report", path, "--strict")
    assert res.exit_code == 1 and "--strict" in res.output
    assert not (tmp_path / "2025.docx").exists()


def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_e130_e131_e132_e133_safety_input_untouched_lock_and_edited_output(run, tmp_path):
    path = tmp_path / "book.xlsx"
    build(Book(), path)
    before = _digest(path)
    out = tmp_path / "selfreport.docx"
    res = run("report", path, "-o", out)
    assert res.exit_code == 0 and not any(said(res.output, code) for code in ("E130", "E131", "E113", "E132", "E133"))
    assert _digest(path) == before
    # a report perfxl wrote is replaced on the next run
    assert run("report", path, "-o", out).exit_code == 0
    # one that somebody edited (Word records who saved it) is not, unless --force
    doc = Document(out)
    doc.core_properties.last_modified_by = "张会计"
    doc.save(out)
    edited = _digest(out)
    res = run("report", path, "-o", out)
    assert res.exit_code == 2 and said(res.output, "E133") and "--force" in res.output and _digest(out) == edited
    assert run("report", path, "-o", out, "--force").exit_code == 0 and _digest(out) != edited
    # an edit by a program that leaves 最后修改者 alone (python-docx, LibreOffice without a user
    # name): the text no longer matches the digest perfxl recorded, so it is refused too
    doc = Document(out)
    doc.paragraphs[3].add_run("（张会计补充的一句）")
    doc.save(out)
    edited = _digest(out)
    res = run("report", path, "-o", out)
    assert res.exit_code == 2 and _digest(out) == edited
    assert run("report", path, "-o", out, "--force").exit_code == 0
    # Word's owner file of an open report: refuse, change nothing
    forced = _digest(out)
    for lock in (tmp_path / "~$lfreport.docx", tmp_path / "~$selfreport.docx"):  # Word's, WPS's
        lock.write_bytes(b"")
        res = run("report", path, "-o", out)
        assert res.exit_code == 2 and said(res.output, "E132") and "~$" in res.output and _digest(out) == forced
        lock.unlink()
    # the input itself, a wrong extension, a missing folder
    res = run("report", path, "-o", path)
    assert res.exit_code == 2 and said(res.output, "E130")
    res = run("report", path, "-o", tmp_path / "r.txt")
    assert res.exit_code == 2 and said(res.output, "E131")
    res = run("report", path, "-o", tmp_path / "nope" / "r.docx")
    assert res.exit_code == 2 and said(res.output, "E113")
    assert _digest(path) == before
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".perfxl-")]


def test_unreadable_input_is_one_line_exit_2(run, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    res = run("report", bad)
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("perfxl：") and "Traceback" not in res.output
    assert not (tmp_path / "bad.docx").exists()
    assert run("report", tmp_path / "missing.xlsx").exit_code == 2
    # a Word document given as the workbook: said so, not "the output is the input"
    word = tmp_path / "2025.docx"
    Document().save(word)
    res = run("report", word)
    assert res.exit_code == 2 and "Word 文档" in res.output


def test_failed_write_leaves_no_file(run, tmp_path, monkeypatch):
    import docx.document

    path = tmp_path / "book.xlsx"
    build(Book(), path)

    def broken(self, target):
        Path(target).write_bytes(b"half")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(docx.document.Document, "save", broken)
    res = run("report", path)
    assert res.exit_code == 3 and "无法写入" in res.output and "磁盘已满" in res.output
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


# -- layout (GB/T 9704-2012) ---------------------------------------------------------------------

def _rfonts(style) -> dict[str, str]:
    el = style.element.rPr.find(qn("w:rFonts"))
    return {k: el.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia")}


def test_layout_values(sample_report):
    doc = sample_report.doc()
    sec = doc.sections[0]
    mm = lambda v: round(v / Mm(1), 1)  # noqa: E731
    assert (mm(sec.page_width), mm(sec.page_height)) == (210, 297)
    assert (mm(sec.top_margin), mm(sec.left_margin)) == (37, 28)
    assert mm(sec.page_width - sec.left_margin - sec.right_margin) == TEXT_W == 156
    assert mm(sec.page_height - sec.top_margin - sec.bottom_margin) == TEXT_H == 225
    assert doc.settings.element.find(qn("w:mirrorMargins")) is not None  # binding edge alternates
    # 22 lines: a line grid and body lines of exactly its pitch
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and int(grid.get(qn("w:linePitch"))) == LINE_PITCH == 579
    assert LINES * LINE_PITCH <= TEXT_H / 25.4 * 1440 < (LINES + 1) * LINE_PITCH
    body = doc.styles["perfxl Body"]
    assert body.paragraph_format.line_spacing.twips == LINE_PITCH
    # 28 characters of 三号 (16 pt), set closer by the Normal style's character spacing
    spacing = int(doc.styles["Normal"].element.rPr.find(qn("w:spacing")).get(W))
    assert spacing == CONDENSE and int(TEXT_W / 25.4 * 1440 // (320 + spacing)) == CHARS == 28
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    ind = body.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    # fonts: set for East Asian text (w:eastAsia) in every style; sizes 二号, 三号, 四号
    expect = {"Normal": ("仿宋", 16), "perfxl Title": ("宋体", 22), "Heading 1": ("黑体", 16),
              "Heading 2": ("楷体", 16), "Footer": ("宋体", 14), "perfxl Table": ("仿宋", 10.5)}
    for name, (font, size) in expect.items():
        style = doc.styles[name]
        assert _rfonts(style) == {"ascii": font, "hAnsi": font, "eastAsia": font}, name
        assert style.font.size.pt == size, name
    assert doc.styles["perfxl Table"].font.size.pt <= 14  # tables 四号 or smaller
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # the conclusion table: header row repeated on every page, rows not split
    table = doc.tables[0]
    headers = [row._tr.trPr.find(qn("w:tblHeader")) is not None if row._tr.trPr is not None else False
               for row in table.rows]
    assert headers[0] and not any(headers[1:])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert round(sum(c.width for c in table.columns) / Mm(1)) == 156


def test_page_numbers_outside_corners(sample_report):
    doc = sample_report.doc()
    assert doc.settings.odd_and_even_pages_header_footer
    sec = doc.sections[0]
    for footer, align, side in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert getattr(p.paragraph_format, side).pt == 14  # one 四号 character in from the edge
        xml = p._p.xml
        assert [e.get(qn("w:fldCharType")) for e in p._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert [e.text.strip() for e in p._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert p.text == "— 1 —" and "w:eastAsia=\"宋体\"" in doc.styles["Footer"].element.xml
        assert xml.count("<w:t") >= 3


def test_fonts_from_the_profile(run, tmp_path):
    path = tmp_path / "2025.xlsx"
    build(Book(), path)
    profile = tmp_path / "省方案.toml"
    profile.write_text('[report]\nbody = "仿宋_GB2312"\ntitle = "方正小标宋简体"\n', encoding="utf-8")
    run("report", path, "--profile", profile)
    doc = Document(tmp_path / "2025.docx")
    assert _rfonts(doc.styles["Normal"])["eastAsia"] == "仿宋_GB2312"
    assert _rfonts(doc.styles["perfxl Title"])["eastAsia"] == "方正小标宋简体"
    assert not doc.styles["perfxl Title"].font.bold  # 小标宋 is heavy already; 宋体 is bolded
    assert _rfonts(doc.styles["Heading 1"])["eastAsia"] == "黑体"
    bad = tmp_path / "bad.toml"
    bad.write_text('[report]\nbody = 3\n', encoding="utf-8")
    res = run("report", path, "--profile", bad)
    assert res.exit_code == 2 and "report.body" in res.output


# -- LibreOffice --------------------------------------------------------------------------------

@needs_soffice
def test_libreoffice_renders_pages_with_numbers(tmp_path, sample_report):
    pdf = convert(sample_report.docx, "pdf", tmp_path / "pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler is not installed")
    pages = []
    for page in (1, 2):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True).stdout
        pages.append(text)
    assert "2025年度整体支出绩效自评报告" in pages[0].replace(" ", "")
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    # 28 characters to a full line of body text (GB/T 9704), 26 after the two-character indent
    lines = [re.sub(r"\s", "", x) for x in pages[1].splitlines()]
    widths = [len(x) for x in lines if x and not re.search(r"[A-Za-z0-9.%]", x)]
    assert max(widths) == 28


@pytest.mark.parametrize("layout,options", [("national", {}), ("provincial", {"yuan": True}), ("messy", {})])
def test_every_layout_gives_a_report_in_wan_yuan(run, tmp_path, layout, options):
    """Forms laid out differently (and amounts in 元) give the same table, in 万元."""
    path = tmp_path / f"{layout}.xlsx"
    build(Book(projects=[Proj(), Proj(sheet="项目2", name="绿化项目", budget=50, executed=40)]), path, layout,
          **options)
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    res = run("report", path)
    assert res.exit_code in (0, 1), res.output
    rows = [[c.text for c in row.cells] for row in Document(tmp_path / f"{layout}.docx").tables[0].rows][1:-1]
    assert [(r[1], _money(r[2]), _money(r[3]), r[6]) for r in rows] == \
        [(p["name"], p["budget"], p["executed"], p["grade"]) for p in data["projects"]]
    assert [r[2] for r in rows] == ["100.00", "50.00"]
