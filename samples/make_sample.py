"""Build samples/2025.xlsx from the figures of the seed report (TEMPLATE §6).

The report is 石家庄市鹿泉区机关事务管理中心's 2025 整体支出绩效自评报告. It gives the unit's
staff and money, each project's 全年预算数, 全年执行数 and score, and the conclusion table;
it gives no indicator tables, so the indicators below are illustrative: every indicator
met with full marks (90 in all), except the 区政府院内建职工活动中心 project, which loses
10 points with reasons. The workbook is filled the way staff fill one by hand: values
typed, no formulas, no perfxl marker.

    python samples/make_sample.py [OUT]      (default: samples/2025.xlsx)
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

UNIT = "石家庄市鹿泉区机关事务管理中心"
DEPARTMENT = "石家庄市鹿泉区人民政府"

UNIT_ROWS = [
    ("单位名称", UNIT),
    ("评价年度", 2025),
    ("主管部门", DEPARTMENT),
    ("部门概况", "负责区委、区政府机关事务管理：公共机构节能、机关大院通信、办公楼修缮与水电暖保障、"
                 "环境卫生、机关食堂、安全保卫及本部门预算管理。"),
    ("机构设置", "办公室、基建维修股、生活股、保卫股、车改办、节能办六个科室。"),
    ("在编人员", 78),
    ("退休人员", 53),
    ("劳动聘用人员", 16),
    ("其他人员", 9),  # 涉军劳务派遣人员 8 + 公益岗位人员 1
    ("人员合计", 156),
    ("年初预算数（万元）", 2731.6),  # 决算收入 2566.78 比年初预算减少 164.82
    ("年初结转和结余（万元）", 0),
    ("财政拨款收入（万元）", 2566.78),
    ("财政拨款支出（万元）", 2566.78),
    ("基本支出（万元）", 1797.56),
    ("人员经费（万元）", 1539.42),
    ("日常公用经费（万元）", 258.14),
    ("项目支出（万元）", 769.22),
    ("年末结转和结余（万元）", 0),
    ("总体绩效目标", "围绕区委、区政府中心工作，做好生活保障、办公用房、公务用车、基建维修和安全保卫工作，"
                   "提高机关事务保障质量效益。"),
    ("自评工作开展情况", "组织绩效评价工作组核查项目经费使用情况及预期目标实现程度，采取数据收集汇总、指标分析、"
                       "询问查证等方法，业务科室自评与工作组复评相结合，形成自评价报告。"),
    ("存在的问题", "绩效管理考核意识还需进一步提高，项目审批规划不够明确，项目资金利用率还不够高，"
                 "预算编制工作不够完善，资金支出进度较慢。"),
    ("改进措施", "预算编制做到提前谋划、明确任务、应编尽编；加强绩效指标的追踪分析，发挥绩效指标的项目监控功能。"),
]

# sheet, 项目名称 (as in the report's narrative), 全年预算数, 全年执行数, typed 总分, 实际完成情况, 主要问题, 下一步改进措施, kind
PROJECTS = [
    ("01搬迁单位装修", "2025搬迁单位装修改造工程", 19, 0, 90, "保障搬迁单位工作正常运转，装修工程验收合格。",
     "项目资金利用率不够高。", "按工作完成情况对项目进行督查，对存在的问题做到认识到位，措施到位，整改到位。", "works"),
    ("02办公用房租赁", "2025办公用房租赁费项目", 46.8, 46.8, 100, "办公用房质量已验收合格，保障5家单位正常办公。",
     "", "依据评估结果、制定精准方案、保障各单位正常办公。", "rent"),
    ("03综合楼七楼", "2025综合楼七楼异地交流干部用房工程款", 27, 27, 100,
     "依规划投入工程款，施工过程严控成本、保障进度与质量，完工后提升了综合楼功能适配性和空间利用率。", "", "", "works"),
    ("04法院派出法庭", "2025法院派出法庭项目", 90, 30, 93,
     "项目在提升司法服务效率、满足区域司法需求等方面成效显著，资金使用合理合规，部分细节待优化。", "", "", "works"),
    ("05机关大院保安", "2025机关大院保安费用项目", 47.6, 47.6, 100,
     "保障了机关大院安全秩序，各项绩效指标达成情况良好，整体服务质量获认可。", "", "", "service"),
    ("06机关大院保洁", "机关大院保洁费用项目", 46.76, 46.76, 100,
     "保洁量达到100%，巡查次数达到计划量的每周1-2次，保障了机关大院及公共场所环境卫生整洁有序。", "", "", "service"),
    ("07办公平房装修", "2025机关事务管理中心办公平房装修费用", 14.06, 0, 90,
     "按时保质完成各项装修任务，改善了办公平房的空间布局，满足机关日常办公需求。",
     "由于财政资金未支付，因此实际执行数未达到预算金额。", "进一步做好规划，加强资金使用预算准确率。", "works"),
    ("08方舱收治", "2025机关事务管理中心用于方舱集中（医学）收治费用", 210, 110, 95,
     "从场地改造、设备采购到物资保障各环节资金把控严格，确保方舱按时启用、平稳运行，圆满完成救治任务。",
     "", "进一步做好规划，加强资金使用预算准确率。", "service"),
    ("09旧司法局绿化", "2025旧司法局绿化工程项目", 20, 0, 90, "司法局绿化工程验收合格。",
     "", "提前规划，做好资金使用预算。", "works"),
    ("10办公用房维修基金", "2025区办公用房大中维修基金", 100, 20, 92,
     "办公用房大中维修基金合理规划，切实改善办公环境，延长房屋使用寿命。",
     "", "进一步做好规划，加强资金使用预算准确率。", "works"),
    ("11职工活动中心食堂", "2025区政府院内建职工活动中心及食堂改造工程", 26.75, 0, 80,
     "项目为保障就餐环境和职工身心健康，保障食品卫生安全。",
     "由于财政资金未支付，因此未能实际执行该项目。",
     "今后工作中加强项目审批规划，提高项目资金利用率。对存在的问题做到认识到位，措施到位，整改到位。", "canteen"),
    ("12涉军公益岗位", "2025涉军公益岗位人员工资项目", 45.97, 45.97, 100, "对符合条件的退役军人安排了就业岗位，并能及时发放工资。",
     "", "", "wages"),
    ("13审计局科室搬迁", "2025审计局部分科室搬迁项目", 15, 0, 90,
     "在按时完成搬迁、保障科室正常运转及合理控制成本上效果良好。",
     "由于财政资金未支付，因此实际执行数未达到预算金额。", "进一步做好规划，加强资金使用预算准确率。", "works"),
    ("14武装部采暖装修", "2025武装部采暖改造、室内装修项目", 13.49, 11.71, 98.68,
     "通过严谨实施维修项目，切实改善办公环境，资金使用合规且达成提升办公舒适度安全性的预期绩效目标。",
     "", "提前规划，做好资金使用预算。", "works"),
    ("15专项公用经费", "2025专项公用经费项目", 266, 204.36, 98,
     "故障排除时限达到计划要求，加强日常巡查维护，做到办公房屋水、电、讯、暖正常供应。",
     "", "提前规划，做好资金使用预算。", "service"),
]

# The report's conclusion table, typed as it is (names and scores as the report has them).
CONCLUSION = [
    ("2025搬迁单位装修改造工程", 90, "优"), ("2025办公用房租赁费项目", 100, "优"),
    ("2025综合楼七楼异地交流干部用房工程款", 100, "优"), ("2025法院派出法庭项目", 93, "优"),
    ("2025机关大院保洁费用", 100, "优"), ("2025机关大院保安费用", 100, "优"),
    ("2025机关事务管理中心办公平房装修费用", 90, "优"), ("2025机关事务管理中心用于方舱集中（医学）收治费用", 95, "优"),
    ("2025旧司法局绿化工程项目", 90, "优"), ("2025区办公用房大中维修基金", 92, "优"),
    ("2025区政府院内建职工活动中心及食堂改造工程", 80, "良"), ("2025涉军公益岗位人员工资项目", 100, "优"),
    ("2025审计局部分科室搬迁项目", 90, "优"), ("2025武装部采暖改造、室内装修项目", 98, "优"),
    ("2025专项公用经费项目", 98, "优"),
]

# Illustrative indicators per kind of project: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
INDICATORS = {
    "works": [
        ("产出指标", "数量指标", "完成改造项目数", "≥1项", "1项", 20, 20, ""),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", 15, 15, ""),
        ("产出指标", "时效指标", "完工时间", "2025年12月底前", "2025年11月", 15, 15, ""),
        ("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "使用单位满意度", "≥90%", "95%", 10, 10, ""),
    ],
    "rent": [
        ("产出指标", "数量指标", "保障办公单位数", "5家", "5家", 20, 20, ""),
        ("产出指标", "质量指标", "办公用房验收合格率", "100%", "100%", 15, 15, ""),
        ("产出指标", "时效指标", "租金支付及时率", "100%", "100%", 15, 15, ""),
        ("效益指标", "社会效益指标", "保障单位正常办公", "正常办公", "正常办公", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "使用单位满意度", "≥90%", "96%", 10, 10, ""),
    ],
    "service": [
        ("产出指标", "数量指标", "服务覆盖率", "100%", "100%", 20, 20, ""),
        ("产出指标", "质量指标", "安全事故", "0起", "0起", 15, 15, ""),
        ("产出指标", "时效指标", "故障排除时限", "≤24小时", "12小时", 15, 15, ""),
        ("效益指标", "社会效益指标", "机关运转保障", "保障正常运转", "保障正常运转", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "95%", 10, 10, ""),
    ],
    "wages": [
        ("产出指标", "数量指标", "安置人数", "≥8人", "8人", 20, 20, ""),
        ("产出指标", "质量指标", "工资发放准确率", "100%", "100%", 15, 15, ""),
        ("产出指标", "时效指标", "工资发放", "按月发放", "按时发放", 15, 15, ""),
        ("效益指标", "社会效益指标", "退役军人就业保障", "有效保障", "有效保障", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "安置人员满意度", "≥90%", "100%", 10, 10, ""),
    ],
    "canteen": [
        ("产出指标", "数量指标", "改造面积", "≥300平方米", "300平方米", 20, 20, ""),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", 15, 15, ""),
        ("产出指标", "时效指标", "完工时间", "2025年12月底前", "未完成", 15, 5,
         "财政资金未支付，工程未能按期实施；下一步加强项目审批规划，资金到位后尽快实施。"),
        ("效益指标", "社会效益指标", "就餐环境", "明显改善", "明显改善", 30, 30, ""),
        ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "90%", 10, 10, ""),
    ],
}

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
FIXED_TIME = datetime(2026, 1, 15, 9, 0, 0)


def _put(ws, ref, value, *, bold=False, head=False, fmt=None, wrap=True, align="center"):
    c = ws[ref]
    c.value = value
    c.font = Font(name=FONT, size=10, bold=bold or head)
    c.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if head:
        c.fill = HEAD
    if fmt:
        c.number_format = fmt
    return c


def _box(ws, rng):
    for row in ws[rng]:
        for c in row:
            c.border = BOX


def unit_sheet(wb):
    ws = wb.create_sheet("单位情况")
    ws.merge_cells("A1:B1")
    _put(ws, "A1", f"{UNIT}基本情况（2025年度）", bold=True)
    for i, (label, value) in enumerate(UNIT_ROWS, 2):
        _put(ws, f"A{i}", label, head=True)
        _put(ws, f"B{i}", value, fmt="0.00" if "万元" in label else None, align="left")
        if isinstance(value, str) and len(value) > 30:
            ws.row_dimensions[i].height = 15 * (len(value) // 30 + 1)
    _box(ws, f"A2:B{len(UNIT_ROWS) + 1}")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 70


def summary_sheet(wb):
    ws = wb.create_sheet("汇总")
    ws.merge_cells("A1:D1")
    _put(ws, "A1", "评价结论和评价等级", bold=True)
    for col, head in zip("ABCD", ("序号", "项目名称", "自评得分", "评价等级")):
        _put(ws, f"{col}2", head, head=True)
    for i, (name, score, grade) in enumerate(CONCLUSION, 1):
        r = i + 2
        _put(ws, f"A{r}", i)
        _put(ws, f"B{r}", name, align="left")
        _put(ws, f"C{r}", score)
        _put(ws, f"D{r}", grade)
    _box(ws, f"A2:D{len(CONCLUSION) + 2}")
    for col, w in zip("ABCD", (6, 50, 10, 10)):
        ws.column_dimensions[col].width = w


def project_sheet(wb, sheet, name, budget, executed, total, actual, problems, steps, kind):
    ws = wb.create_sheet(sheet)
    rate = round(executed / budget, 4)
    fscore = round(10 * min(executed / budget, 1), 2)
    for rng in ("A1:H1", "A2:H2", "B3:H3", "B4:D4", "F4:H4", "A5:A9", "A10:A11", "B10:E10", "F10:H10",
                "B11:E11", "F11:H11"):
        ws.merge_cells(rng)
    _put(ws, "A1", "项目支出绩效自评表", bold=True)
    ws["A1"].font = Font(name=FONT, size=14, bold=True)
    _put(ws, "A2", "（2025年度）")
    _put(ws, "A3", "项目名称", head=True)
    _put(ws, "B3", name, align="left")
    _put(ws, "A4", "主管部门", head=True)
    _put(ws, "B4", DEPARTMENT, align="left")
    _put(ws, "E4", "实施单位", head=True)
    _put(ws, "F4", UNIT, align="left")
    _put(ws, "A5", "项目资金（万元）", head=True)
    for col, head in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        _put(ws, f"{col}5", head, head=True)
    _put(ws, "B5", "", head=True)
    _put(ws, "B6", "年度资金总额")
    for col, v in zip("CDE", (budget, budget, executed)):
        _put(ws, f"{col}6", v, fmt="0.00")
    _put(ws, "F6", 10)
    _put(ws, "G6", rate, fmt="0.00%")
    _put(ws, "H6", fscore, fmt="0.00")
    _put(ws, "B7", "其中：当年财政拨款")
    for col, v in zip("CDE", (budget, budget, executed)):
        _put(ws, f"{col}7", v, fmt="0.00")
    for r, label in ((8, "上年结转资金"), (9, "其他资金")):
        _put(ws, f"B{r}", label)
    for r in (7, 8, 9):
        for col in "FGH":
            _put(ws, f"{col}{r}", "—")
    _put(ws, "A10", "年度总体目标", head=True)
    _put(ws, "B10", "预期目标", head=True)
    _put(ws, "F10", "实际完成情况", head=True)
    _put(ws, "B11", f"按计划完成{name}，保障机关正常运转。", align="left")
    _put(ws, "F11", actual, align="left")
    ws.row_dimensions[11].height = 60
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for col, head in zip("ABCDEFGH", heads):
        _put(ws, f"{col}12", head, head=True)
    rows = INDICATORS[kind]
    first = {}
    for i, row in enumerate(rows):
        r = 13 + i
        first.setdefault(row[0], [r, r])[1] = r
        for col, v in zip("ABCDEFGH", row):
            _put(ws, f"{col}{r}", v if v != "" else None, align="left" if col in "CH" else "center")
    for l1, (a, b) in first.items():
        if b > a:
            ws.merge_cells(f"A{a}:A{b}")
    t = 13 + len(rows)
    ws.merge_cells(f"A{t}:E{t}")
    _put(ws, f"A{t}", "总分", head=True)
    _put(ws, f"F{t}", 100)
    _put(ws, f"G{t}", total)
    _put(ws, f"H{t}", "")
    for r, label, text in ((t + 1, "主要问题及原因", problems), (t + 2, "下一步改进措施", steps)):
        ws.merge_cells(f"B{r}:H{r}")
        _put(ws, f"A{r}", label, head=True)
        _put(ws, f"B{r}", text or None, align="left")
        ws.row_dimensions[r].height = 30
    _box(ws, f"A3:H{t + 2}")
    for col, w in zip("ABCDEFGH", (12, 14, 20, 16, 16, 8, 10, 28)):
        ws.column_dimensions[col].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def build(path: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    unit_sheet(wb)
    summary_sheet(wb)
    for p in PROJECTS:
        project_sheet(wb, *p)
    wb.properties.creator = UNIT
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(path)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("2025.xlsx"))
    build(out)
    print(f"wrote {out}")
