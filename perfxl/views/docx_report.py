"""``perfxl report``: the Word self-evaluation report (整体支出绩效自评报告), drafted from a
CheckResult in the outline of a unit's 2025 report, laid out as GB/T 9704-2012 asks.

Two steps, so tests can read either: :func:`outline` turns the result into blocks (title,
headings, paragraphs, the conclusion table) and the list of placeholders; :func:`render`
lays the blocks out with python-docx. Every number and text comes from the result (its
projects, its unit figures and texts); nothing here reads a cell or decides a score. The
model is consulted only for where a missing text should be typed.

Layout (GB/T 9704-2012): A4; margins top 37 mm, inside (binding) 28 mm, text block
156 × 225 mm, mirrored for printing on both sides; 22 lines of 28 characters: a line grid
(``w:docGrid`` type ``lines``, pitch 579 twips = 225 mm / 22) and body lines of exactly
that pitch, with 16 pt characters set 0.25 pt closer so 28 fit in 156 mm. (Word's own
character grid, ``linesAndChars`` with a negative ``charSpace``, is not used: LibreOffice
gives every 16 pt character two cells of such a grid and prints about 14 to the line.)
Title 二号 (22 pt), body 三号 (16 pt) 仿宋, first-level headings 黑体, second-level 楷体,
every paragraph indented two characters; tables 五号 (10.5 pt) 仿宋 with the header row
repeated on every page; page numbers ``— 1 —`` in 四号 (14 pt) 宋体, about 7 mm below the
text block, odd pages on the right and even pages on the left, one character in from the
edge. East-Asian fonts are set in ``w:eastAsia`` (where Word reads them for Chinese text)
as well as ``w:ascii``/``w:hAnsi``; the font names come from the profile's ``[report]``
table, with defaults every Windows PC has (宋体, 仿宋, 黑体, 楷体).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from perfxl.excel import atomic, show
from perfxl.result import CheckResult
from perfxl.rules.results import ProjectResult
from perfxl.views.narrative import grades_sentence, num, project_paragraph, unit_paragraph, whole_pct

# -- layout constants (GB/T 9704-2012) ------------------------------------------------------

PAGE_W, PAGE_H = 210, 297  # mm
TOP, BOTTOM, INSIDE, OUTSIDE = 37, 35, 28, 26  # mm: 297 - 37 - 225 = 35, 210 - 28 - 156 = 26
TEXT_W, TEXT_H = 156, 225  # mm
LINES, CHARS = 22, 28
BODY_PT, TITLE_PT, NUMBER_PT, TABLE_PT, NOTICE_PT = 16, 22, 14, 10.5, 12
LINE_PITCH = 579  # twips: 225 mm / 22 = 579.8; 580 would leave only 21 lines
CONDENSE = -5  # twips: 16 pt characters 0.25 pt apart closer, so 28 fit in 156 mm (442.2 pt)
TITLE_LINE = 35  # pt: a title line of 二号 characters
FOOTER_MM = 25  # page number's line centred about 7 mm below the text block

DEFAULT_FONTS = {"title": "宋体", "body": "仿宋", "heading1": "黑体", "heading2": "楷体", "page_number": "宋体"}

PLACEHOLDER = re.compile(r"【待填写：[^】]*】")
CN_NUMBERS = "一二三四五六七八九十"

TABLE_HEAD = ("序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "自评得分", "评价等级")
TABLE_WIDTHS = (12, 58, 21, 21, 16, 14, 14)  # mm, 156 in all
HEAD_SHOWN = {"全年预算数（万元）": "全年预算数\n（万元）", "全年执行数（万元）": "全年执行数\n（万元）",
              "自评得分": "自评\n得分", "评价等级": "评价\n等级"}
CELL_MARGIN = 57  # twips (1 mm) left and right inside a table cell
ROW_MIN = 397  # twips (7 mm): the least height of a table row


def report_path(input_path: str) -> str:
    """``2025.xlsx`` -> ``2025.docx`` beside it."""
    return os.path.splitext(input_path)[0] + ".docx"


def report_fonts(profile) -> dict[str, str]:
    """The font names of the profile's ``[report]`` table over the defaults."""
    raw = getattr(profile, "raw", None) or {}
    fonts = dict(DEFAULT_FONTS)
    fonts.update({k: str(v) for k, v in (raw.get("report") or {}).items() if k in DEFAULT_FONTS and v})
    return fonts


# -- content -----------------------------------------------------------------------------------

@dataclass
class Placeholder:
    """Something the workbook lacks: shown in the report as ``【待填写：what】``."""

    what: str
    label: str  # the label whose value would fill it (``部门概况``)
    sheet: str | None  # the sheet to type it on; None when the workbook has no such sheet
    cell: str | None = None  # the value's cell; None when the label itself is missing

    @property
    def text(self) -> str:
        return f"【待填写：{self.what}】"

    def where(self, lang: str = "zh") -> str:
        """Where to type it: ``单位情况!B5``, or the row to add."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet:
            return (f"add a row “{self.label}” to sheet {self.sheet}" if lang == "en"
                    else f"{self.sheet}表中增加一行“{self.label}”")
        return (f"add a unit sheet (单位情况) with “{self.label}”" if lang == "en"
                else f"增加单位情况表，填写“{self.label}”")


@dataclass
class Block:
    kind: str  # notice | title | h1 | h2 | p | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Outline:
    blocks: list[Block]
    placeholders: list[Placeholder]


class _Builder:
    def __init__(self, result: CheckResult):
        self.result = result
        self.blocks: list[Block] = []
        self.placeholders: list[Placeholder] = []
        self.h1_count = 0
        self.h2_count = 0

    def add(self, kind: str, text: str = "", rows=None) -> None:
        self.blocks.append(Block(kind, text, rows or []))

    def h1(self, text: str) -> None:
        self.add("h1", f"{CN_NUMBERS[self.h1_count]}、{text}")
        self.h1_count += 1
        self.h2_count = 0

    def h2(self, text: str) -> None:
        self.add("h2", f"（{CN_NUMBERS[self.h2_count]}）{text}")
        self.h2_count += 1

    def paragraphs(self, text: str) -> None:
        """A text cell's lines as paragraphs (staff separate paragraphs with Alt+Enter)."""
        for line in text.splitlines():
            if line.strip():
                self.add("p", line.strip())

    def placeholder(self, what: str, label: str, sheet: str | None, cell: str | None = None) -> str:
        p = Placeholder(what, label, sheet, cell)
        self.placeholders.append(p)
        return p.text

    def unit_placeholder(self, what: str, label: str) -> str:
        """A placeholder for a value of the unit sheet, pointing at its cell when the label is there."""
        unit = self.result.unit
        if unit is None:
            return self.placeholder(what, label, None)
        return self.placeholder(what, label, unit.sheet, unit.cells.get(label))

    def unit_text(self, label: str) -> str:
        return self.result.unit.texts.get(label, "") if self.result.unit is not None else ""

    def unit_block(self, label: str, what: str | None = None) -> None:
        text = self.unit_text(label)
        if text:
            self.paragraphs(text)
        else:
            self.add("p", self.unit_placeholder(what or label, label))


def outline(result: CheckResult, *, source: str = "") -> Outline:
    """The report as blocks, in the outline of the 2025 report, and what it lacks."""
    b = _Builder(result)
    year = result.year
    unit = result.unit_name
    year_text = f"{year}" if year else b.unit_placeholder("评价年度", "评价年度")
    unit_shown = unit or b.unit_placeholder("单位名称", "单位名称")
    b.add("title", f"{unit_shown}\n{year_text}年度整体支出绩效自评报告")
    b.add("p", f"按照全面实施预算绩效管理的要求，遵循全面覆盖、程序简便、客观公正、公开透明的原则，"
               f"对{unit_shown}{year_text}年度整体支出情况实施了绩效自评价，形成本报告。")

    b.h1("部门基本情况")
    b.h2("部门概况")
    b.unit_block("部门概况")
    b.h2("机构设置")
    b.unit_block("机构设置")
    b.h2("人员情况")
    b.add("p", _staff(b, year_text))
    b.h2("部门收支预决算情况")
    b.add("p", _budget(b))
    b.h2("部门整体支出绩效目标")
    b.unit_block("总体绩效目标")

    b.h1("自评工作开展情况")
    b.unit_block("自评工作开展情况", "自评的组织和方法")

    b.h1("部门整体支出绩效目标实现情况及指标分析")
    b.h2("总体绩效目标实现情况")
    if result.whole_unit is not None:  # the unit's whole-unit table (§2.5) gives the unit's own score
        b.add("p", _whole_unit(result.whole_unit, year_text))
    b.add("p", _overall(result, year_text))
    b.unit_block("总体绩效目标完成情况")
    b.h2("分项绩效目标实现情况及指标分析")
    if result.whole_unit is not None:
        for text in _whole_unit_levels(result.whole_unit):
            b.add("p", text)
    for i, p in enumerate(result.projects, 1):
        b.add("p", _project(b, i, p))

    b.h1("评价结论和评价等级")
    b.add("p", grades_sentence(result))
    b.add("table", rows=_table(result))

    b.h1("存在的问题及改进措施")
    b.h2("存在的问题")
    b.unit_block("存在的问题")
    b.h2("改进措施")
    b.unit_block("改进措施")

    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        b.blocks.insert(0, Block("notice", _notice(errors, len(b.placeholders), source)))
    return Outline(b.blocks, b.placeholders)


def _staff(b: _Builder, year_text: str) -> str:
    names = ("在编人员", "退休人员", "劳动聘用人员", "其他人员")
    shown = {"在编人员": "核定在编人员"}
    counts = b.result.unit.counts if b.result.unit is not None else {}
    parts = [f"{shown.get(n, n)}{num(counts[n])}人" for n in names if n in counts]
    if not parts:
        return b.unit_placeholder("人员情况（在编、退休、劳动聘用、其他人员数）", "在编人员")
    text = f"{year_text}年末，本单位" + "，".join(parts)
    if "人员合计" in counts:
        text += f"，共计{num(counts['人员合计'])}人"
    return text + "。"


def _budget(b: _Builder) -> str:
    unit = b.result.unit
    reason = ""
    if unit is not None and unit.income_change is not None and abs(unit.income_change) > 1e-9:
        reason = b.unit_text("预决算差异原因") or b.unit_placeholder("决算数与年初预算数差异的原因", "预决算差异原因")
    text = unit_paragraph(b.result, reason)
    if not text:
        return b.unit_placeholder("财政拨款收入、支出及其构成", "财政拨款收入")
    return text


def _overall(result: CheckResult, year_text: str) -> str:
    n = len(result.projects)
    budget, executed = result.budget_total, result.executed_total
    text = (f"我单位组织对{year_text}年度{n}个项目全面开展绩效自评，全年预算数合计{num(budget)}万元，"
            f"执行数合计{num(executed)}万元")
    if budget:
        text += f"，预算执行率{show.percent(executed / budget)}"
    return text + "。"


def _whole_unit(w, year_text: str) -> str:
    """The unit's own score, from its whole-unit table (not one of the projects)."""
    text = f"根据部门整体支出绩效自评表，{year_text}年度部门整体支出绩效自评得分为{num(w.score)}分，评价等级为“{w.grade}”。"
    f = w.funding
    if f.budget is not None and f.executed is not None:
        text += f"部门整体支出全年预算数为{num(f.budget)}万元，执行数为{num(f.executed)}万元"
        text += f"，预算执行率{show.percent(f.rate)}。" if f.rate is not None else "。"
    goal = w.texts.get("实际完成情况") if w.shape == "form" else None
    return text + (goal or "")


def _whole_unit_levels(w) -> list[str]:
    """The whole-unit table's indicators, a paragraph per first level: what was set and what was done
    (a rubric: the points each part earned)."""
    groups: dict[str, list[str]] = {}
    if w.shape == "form":
        for r in w.indicators:
            ind = r.indicator
            if ind.sub_item or ind.merged_into is not None:
                continue
            actual = show.value(ind.actual.value).strip() if ind.actual.value is not None else "—"
            name = str(ind.name.value or "").strip()
            groups.setdefault(str(ind.level1.value or "").strip() or "其他指标", []).append(
                f"{name}年度指标值{ind.target_text or '—'}，实际完成{actual}")
    else:
        for r in w.rows:
            name = str(r.row.name.value or "").strip()
            groups.setdefault(str(r.row.level1.value or "").strip() or "其他", []).append(
                f"{name}得{num(r.accepted)}分（分值{num(r.weight) if r.weight is not None else '—'}分）")
    return [f"部门整体{level}：" + "；".join(items) + "。" for level, items in groups.items()]


def _project(b: _Builder, i: int, p: ProjectResult) -> str:
    project = p.project  # only for where a missing text goes
    fill = {}
    if not p.texts.get("实际完成情况"):
        cell = project.goal_actual.coord if project.goal_actual is not None else None
        fill["实际完成情况"] = b.placeholder(f"{p.name}的实际完成情况", "实际完成情况", project.sheet, cell)
    # the check asks for a reason when less than the budget was spent (F108); so does the report
    if any(f.code == "F108" and f.sheet == project.sheet for f in b.result.findings):
        cell = project.problems.value.coord if project.problems is not None else None
        rate = whole_pct(p.funding.rate or 0)
        fill["主要问题及原因"] = b.placeholder(f"执行率{rate}、未完成预算的原因", "主要问题及原因", project.sheet, cell)
    return project_paragraph(i, p, fill)


def _table(result: CheckResult) -> list[list[str]]:
    rows = [list(TABLE_HEAD)]
    for i, p in enumerate(result.projects, 1):
        f = p.funding
        rows.append([str(i), p.name, money(f.budget), money(f.executed), rate(f.rate), num(p.stated_score), p.grade])
    budget, executed = result.budget_total, result.executed_total
    rows.append(["", "合计", money(budget), money(executed), rate(executed / budget if budget else None), "", ""])
    return rows


def money(value: float | None) -> str:
    """万元 in the table: always 2 decimals (``19.00``), so the column lines up."""
    return "—" if value is None else show.money(value)


def rate(value: float | None) -> str:
    """A rate in the table: at most 2 decimals (``33.33%``, ``100%``)."""
    return "—" if value is None else show.percent(value)


def _notice(errors, placeholders: int, source: str) -> str:
    lines = [f"【perfxl 提示，定稿前请删除】检查工作簿发现 {len(errors)} 个错误，本报告中的相关数字可能不准确："]
    for f in errors[:8]:
        lines.append(f"{f.ref}：{f.message}" if f.ref else f.message)
    if len(errors) > 8:
        lines.append(f"……共 {len(errors)} 个错误。")
    tail = f"请改正工作簿后重新生成本报告（运行 perfxl check {show.path(source)} 查看全部问题和修改方法）。" if source else \
        "请改正工作簿后重新生成本报告（运行 perfxl check 查看全部问题和修改方法）。"
    if placeholders:
        tail += f"报告中另有 {placeholders} 处【待填写】（黄色标出）需要补充。"
    lines.append(tail)
    return "\n".join(lines)


# -- layout ------------------------------------------------------------------------------------

def _set_fonts(rpr, name: str) -> None:
    """Set a font for every script, East Asian included (``w:eastAsia``), and drop theme fonts."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _condense(rpr, twips: int) -> None:
    """Character spacing (``w:spacing`` in a run's properties), kept in schema order."""
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.insert_element_before(el, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                                  "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    el.set(qn("w:val"), str(twips))


def _style_font(style, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:b", "w:bCs", "w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    _set_fonts(rpr, name)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = color or RGBColor(0, 0, 0)


def _para_format(style, *, indent_chars: int = 0, align=WD_ALIGN_PARAGRAPH.JUSTIFY, exact: bool = True,
                 size: float = BODY_PT) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = align
    if exact:  # one grid line: 22 lines to the page in Word and LibreOffice alike
        pf.line_spacing = Pt(LINE_PITCH / 20)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:
        pf.line_spacing = 1.0
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else None
    ind = style.element.get_or_add_pPr().find(qn("w:ind"))
    if indent_chars and ind is not None:
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))


def _no_grid(ppr) -> None:
    """Lay a paragraph out by its own font, not the document grid (tables, footers)."""
    el = ppr.find(qn("w:snapToGrid"))
    if el is None:
        el = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(el, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                                  "w:sectPr", "w:pPrChange")
    el.set(qn("w:val"), "0")


def _styles(doc, fonts: dict[str, str]) -> None:
    styles = doc.styles
    # document defaults: the body font and size, Chinese as the East Asian language
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, fonts["body"])
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr in ("after", "line", "lineRule"):
        spacing.attrib.pop(qn(f"w:{attr}"), None)

    normal = styles["Normal"]
    _style_font(normal, fonts["body"], BODY_PT)
    _condense(normal.element.get_or_add_rPr(), CONDENSE)
    _para_format(normal)

    body = styles.add_style("perfxl Body", WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    _para_format(body, indent_chars=2)

    title = styles.add_style("perfxl Title", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    # 方正小标宋 is heavy by design; the default 宋体 is bolded to come close
    _style_font(title, fonts["title"], TITLE_PT, bold="小标宋" not in fonts["title"])
    _para_format(title, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT)
    title.paragraph_format.line_spacing = Pt(TITLE_LINE)
    title.paragraph_format.space_after = Pt(LINE_PITCH / 20)  # one blank line below the title
    _no_grid(title.element.get_or_add_pPr())

    for name, font in (("Heading 1", fonts["heading1"]), ("Heading 2", fonts["heading2"])):
        style = styles[name]
        _style_font(style, font, BODY_PT)
        _para_format(style, indent_chars=2)
        style.paragraph_format.keep_with_next = True

    table = styles.add_style("perfxl Table", WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = normal
    _style_font(table, fonts["body"], TABLE_PT)
    _para_format(table, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, size=TABLE_PT)
    _no_grid(table.element.get_or_add_pPr())

    notice = styles.add_style("perfxl Notice", WD_STYLE_TYPE.PARAGRAPH)
    notice.base_style = normal
    _style_font(notice, fonts["body"], NOTICE_PT, color=RGBColor(0xC0, 0x00, 0x00))
    _para_format(notice, align=WD_ALIGN_PARAGRAPH.LEFT, exact=False, size=NOTICE_PT)
    _no_grid(notice.element.get_or_add_pPr())
    _box(notice.element.get_or_add_pPr(), "C00000")

    try:
        footer = styles["Footer"]
    except KeyError:
        footer = styles.add_style("Footer", WD_STYLE_TYPE.PARAGRAPH)
    _style_font(footer, fonts["page_number"], NUMBER_PT)
    _para_format(footer, exact=False, size=NUMBER_PT)
    _no_grid(footer.element.get_or_add_pPr())


def _box(ppr, color: str) -> None:
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8")
        el.set(qn("w:space"), "4")
        el.set(qn("w:color"), color)
        borders.append(el)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(INSIDE), Mm(OUTSIDE)
    section.gutter = Mm(0)
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    mirror = OxmlElement("w:mirrorMargins")  # the binding edge alternates when printed on both sides
    zoom = settings.element.find(qn("w:zoom"))
    if zoom is not None:
        zoom.addnext(mirror)
    else:
        settings.element.insert(0, mirror)
    lang = settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    """``— 1 —`` one character in from the outside edge."""
    paragraph.style = "Footer"
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(NUMBER_PT)
    else:
        pf.left_indent = Pt(NUMBER_PT)
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _field(paragraph, instruction: str, shown: str) -> None:
    def char(kind):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _runs(paragraph, text: str) -> None:
    """Text with its placeholders highlighted; a line break for each newline."""
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        _plain(paragraph, text[pos:m.start()])
        run = paragraph.add_run(m.group(0))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    _plain(paragraph, text[pos:])


def _plain(paragraph, text: str) -> None:
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        if line:
            paragraph.add_run(line)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "1")
    trpr.append(el)


def _no_split(row) -> None:
    """A row stays on one page and is at least ``ROW_MIN`` tall."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "1")
    trpr.insert(0, el)
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(ROW_MIN))
    height.set(qn("w:hRule"), "atLeast")
    el.addnext(height)


def _cell_margins(table) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _add_table(doc, rows: list[list[str]]) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    for c, width in enumerate(TABLE_WIDTHS):
        table.columns[c].width = Mm(width)
    for r, values in enumerate(rows):
        row = table.rows[r]
        _no_split(row)
        if r == 0:
            _repeat_header(row)
        total = values[1] == "合计" and not values[0]
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Mm(TABLE_WIDTHS[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles["perfxl Table"]
            if c == 1 and r > 0 and not total:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if total and c == 0:
                continue
            shown = HEAD_SHOWN.get(value, value) if r == 0 else value
            for i, line in enumerate(shown.split("\n")):
                if i:
                    p.add_run().add_break(WD_BREAK.LINE)
                run = p.add_run(line)
                run.bold = r == 0 or total
        if total:  # 合计 across 序号 and 项目名称
            row.cells[0].merge(row.cells[1])


def render(doc_outline: Outline, fonts: dict[str, str] | None = None, *, title: str = "", author: str = ""):
    """Lay the outline out as a python-docx Document."""
    fonts = {**DEFAULT_FONTS, **(fonts or {})}
    doc = Document()
    _styles(doc, fonts)
    _page(doc)
    body = doc._body._body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)
    style_of = {"title": "perfxl Title", "h1": "Heading 1", "h2": "Heading 2", "p": "perfxl Body",
                "notice": "perfxl Notice"}
    for block in doc_outline.blocks:
        if block.kind == "table":
            _add_table(doc, block.rows)
            doc.add_paragraph(style=doc.styles["perfxl Body"])  # a blank line below the table
            continue
        paragraph = doc.add_paragraph(style=doc.styles[style_of[block.kind]])
        _runs(paragraph, block.text)
    props = doc.core_properties
    props.title = title
    props.author = author or "perfxl"
    props.last_modified_by = "perfxl"
    props.comments = "perfxl report"
    props.revision = 1
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props.identifier = _fingerprint(doc)
    return doc


def _fingerprint(doc) -> str:
    """A digest of the report's text (paragraphs and table cells, in order): a report whose
    text differs from its recorded digest was edited by someone, whatever program saved it."""
    import hashlib

    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "perfxl:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def write_report(result: CheckResult, output: str, *, fonts: dict[str, str] | None = None,
                 source: str = "") -> Outline:
    """Write the report atomically (a temporary file renamed over ``output``); return its outline."""
    doc_outline = outline(result, source=source)
    unit, year = result.unit_name, result.year
    title = f"{unit}{year or ''}年度整体支出绩效自评报告"
    doc = render(doc_outline, fonts, title=title, author=unit)
    with atomic.replacing(output, ".docx") as tmp:
        doc.save(tmp)
    return doc_outline


def written_by_perfxl(path: str) -> bool:
    """True when ``path`` is a report perfxl wrote and nobody has changed since (Word and WPS
    set 最后修改者 to the person who saves)."""
    try:
        doc = Document(path)
    except Exception:  # not a .docx we can read: not ours
        return False
    props = doc.core_properties
    return (props.last_modified_by == "perfxl" and (props.comments or "") == "perfxl report"
            and props.identifier == _fingerprint(doc))  # any edit of the text, by any program
