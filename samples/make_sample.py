"""Build samples/2025.xlsx from the figures of a real 2025 report (docs/template.md §6).

The report is 石家庄市鹿泉区机关事务管理中心's 2025 整体支出绩效自评报告. It gives the unit's
staff and money, each project's 全年预算数, 全年执行数 and score, and the conclusion table;
it gives no indicator tables, so the indicators below are illustrative: every indicator met
with full marks (90 in all), except 2025区政府院内建职工活动中心及食堂改造工程, which loses
10 points (a deadline not met: 15 scored 5) with reasons, to reach its 80. The workbook is
filled the way staff fill one by hand in Excel: values typed, no formulas, no perfxl marker.

The report is not consistent with itself, and the sample keeps that: the 15 projects'
全年执行数 add up to 590.2 万元 while the unit's 项目支出 is 769.22 万元, and the 武装部
project (11.71 of 13.49 万元 executed, indicators full) totals 98.68 on its sheet while the
conclusion table typed into 汇总 says 98.

    python samples/make_sample.py [OUT]      (default: samples/2025.xlsx)
"""

from __future__ import annotations

import io
import sys
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.writer.excel import ExcelWriter

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

UNIT = "石家庄市鹿泉区机关事务管理中心"
DEPARTMENT = "石家庄市鹿泉区人民政府办公室"   # the report does not name it
YEAR = 2025
FIXED_TIME = datetime(2026, 1, 15, 9, 0, 0)    # workbook created/modified, and every zip entry

# 单位情况: (label, value, cell comment or None)
UNIT_ROWS = [
    ("单位名称", UNIT, None),
    ("评价年度", YEAR, None),
    ("主管部门", DEPARTMENT, None),
    ("部门概况",
     "立足机关事务管理实际，围绕“做优服务、做强保障、做实管理”的理念：1.督导全区公共机构节能工作，完成年度能耗统计、"
     "上报及考核；2.负责区机关大院通信管理和保障、线路维修和通信机房管理；3.负责区委、区政府机关办公楼修缮，供水、供电、"
     "供暖、供汽，以及机关环境绿化美化、卫生保洁；4.负责机关食堂管理；5.负责区委、区政府机关大院安全保卫和院内交通秩序"
     "管理；6.负责本部门预算。", None),
    ("机构设置",
     "设办公室、基建维修股、生活股、保卫股、车改办、节能办六个科室，干部职工78人。", None),
    ("在编人员", 78, None),
    ("退休人员", 53, None),
    ("劳动聘用人员", 16, None),
    ("其他人员", 9, "涉军劳务派遣人员8人，公益岗位人员1人。"),
    ("人员合计", 156, None),
    ("年初预算数（万元）", 2731.6, "财政拨款决算收入2566.78万元，比年初预算减少164.82万元，主要原因是项目减少。"),
    ("年初结转和结余（万元）", 0, None),
    ("财政拨款收入（万元）", 2566.78, None),
    ("财政拨款支出（万元）", 2566.78, None),
    ("基本支出（万元）", 1797.56, None),
    ("人员经费（万元）", 1539.42, None),
    ("日常公用经费（万元）", 258.14, None),
    ("项目支出（万元）", 769.22, None),
    ("年末结转和结余（万元）", 0, None),
    ("总体绩效目标",
     "围绕区委、区政府的中心工作，重点做好：生活保障方面，优化后勤服务，提供优质的餐饮服务；办公用房方面，办公用房权属"
     "统一登记，加强出租管理，按时完成信息填报；节能方面，按时完成节约型机关创建，做好合同能源管理和垃圾分类工作；公务"
     "用车方面，规范化管理，加大监督检查力度；基建维修方面，实施智慧用电、暖气管道更新、节能灯具和应急灯安装；安全保卫"
     "方面，加强制度约束、安全检查和技防投入。提高机关事务保障质量效益，完成区委、区政府交办的其他工作。", None),
    ("自评工作开展情况",
     "根据《关于全面实施预算绩效管理的实施意见》（鹿发〔2019〕8号），组织绩效评价工作组对照各实施项目的内容逐条逐项自评，"
     "采取数据收集汇总、指标分析、询问查证等方法。分三个阶段：成立评价工作小组，制定实施方案；业务科室自评；评价工作小组"
     "核查，总结评价结论，形成自评价报告，报区财政局。", None),
    ("存在的问题",
     "预算执行过程中，绩效管理考核意识还需进一步提高，项目审批规划不够明确，项目资金利用率还不够高，预算编制工作不够完善，"
     "考虑问题不够周全；预算支出细目科目编制不够规范；资金支出进度较慢。", None),
    ("改进措施",
     "在预算编制过程中做到提前谋划，明确任务，考虑周全，应编尽编；进一步加强预算绩效管理意识，确保绩效目标符合规定要求，"
     "项目实施过程中加强绩效指标的追踪分析，让绩效指标切实起到项目监控的功能。", None),
]

# The report's conclusion table (四、评价结论和评价等级), typed as it is: its names, scores and
# grades, in its order (保洁 before 保安, unlike the narrative).
CONCLUSION = [
    ("2025搬迁单位装修改造工程", 90, "优"),
    ("2025办公用房租赁费项目", 100, "优"),
    ("2025综合楼七楼异地交流干部用房工程款", 100, "优"),
    ("2025法院派出法庭项目", 93, "优"),
    ("2025机关大院保洁费用", 100, "优"),
    ("2025机关大院保安费用", 100, "优"),
    ("2025机关事务管理中心办公平房装修费用", 90, "优"),
    ("2025机关事务管理中心用于方舱集中（医学）收治费用", 95, "优"),
    ("2025旧司法局绿化工程项目", 90, "优"),
    ("2025区办公用房大中维修基金", 92, "优"),
    ("2025区政府院内建职工活动中心及食堂改造工程", 80, "良"),
    ("2025涉军公益岗位人员工资项目", 100, "优"),
    ("2025审计局部分科室搬迁项目", 90, "优"),
    ("2025武装部采暖改造、室内装修项目", 98, "优"),
    ("2025专项公用经费项目", 98, "优"),
]

# One dict per project, in the order of the report's narrative (1)…(15). 名称 is the narrative's
# name (it differs a little from the conclusion table's on purpose). budget = 年初预算数 =
# 全年预算数; total = the 总分 typed on the sheet: the report's score, which agrees with
# funding 得分 + indicator 得分 at its precision — except 武装部, typed as 98.68.
# indicators: (一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施)
OUT, EFFECT, SATISFY = "产出指标", "效益指标", "满意度指标"
NUM, QUAL, TIME = "数量指标", "质量指标", "时效指标"
SOCIAL, ECO, LASTING = "社会效益指标", "生态效益指标", "可持续影响指标"
USERS = "服务对象满意度指标"
NEXT_PLAN = "进一步做好规划，加强资金使用预算准确率。"
NOT_PAID = "由于财政资金未支付，因此实际执行数未达到预算金额。"

PROJECTS = [
    dict(
        sheet="01搬迁单位装修", name="2025搬迁单位装修改造工程", budget=19, executed=0, total=90,
        goal="完成搬迁单位办公场所装修改造，装修工程验收合格，保障搬迁单位工作正常运转。",
        actual="一是保障搬迁单位工作正常运转，二是装修工程验收合格。",
        problems="项目资金利用率不够高。",
        steps="按工作完成情况对项目进行督查，对存在的问题做到认识到位，措施到位，整改到位。",
        indicators=[
            (OUT, NUM, "装修改造面积", "800平方米", "800平方米", 20, 20, ""),
            (OUT, QUAL, "装修工程质量", "验收合格", "验收合格", 15, 15, ""),
            (OUT, TIME, "完工时间", "2025年12月底前", "2025年10月", 15, 15, ""),
            (EFFECT, SOCIAL, "搬迁单位工作正常运转", "有效保障", "有效保障", 30, 30, ""),
            (SATISFY, USERS, "搬迁单位满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="02办公用房租赁", name="2025办公用房租赁费项目", budget=46.8, executed=46.8, total=100,
        goal="租赁办公用房，保障5家单位正常办公，办公用房质量验收合格。",
        actual="一是办公用房质量已验收合格，二是保障5家单位正常办公。",
        problems="",
        steps="依据评估结果、制定精准方案、保障各单位正常办公。",
        indicators=[
            (OUT, NUM, "保障办公单位数", "5家", "5家", 20, 20, ""),
            (OUT, QUAL, "办公用房质量", "验收合格", "验收合格", 15, 15, ""),
            (OUT, TIME, "租金支付时间", "2025年12月底前", "2025年6月", 15, 15, ""),
            (EFFECT, SOCIAL, "保障各单位正常办公", "正常办公", "正常办公", 30, 30, ""),
            (SATISFY, USERS, "使用单位满意度", "≥90%", "96%", 10, 10, ""),
        ]),
    dict(
        sheet="03综合楼七楼干部用房", name="2025综合楼七楼异地交流干部用房工程款", budget=27, executed=27,
        total=100,
        goal="完成综合楼七楼异地交流干部用房改造，严控成本，保障进度与质量，提升综合楼功能适配性和空间利用率。",
        actual="本次综合楼改造工程依规划投入相应工程款，在施工过程严控成本、保障进度与质量，完工后有效提升综合楼功能"
               "适配性、空间利用率，实现设施完善、环境优化等预期效益，资金使用效益显著。",
        problems="", steps="",
        indicators=[
            (OUT, NUM, "改造干部用房套数", "≥12套", "12套", 20, 20, ""),
            (OUT, QUAL, "工程验收合格率", "100%", "100%", 15, 15, ""),
            (OUT, TIME, "完工时间", "2025年12月底前", "2025年9月", 15, 15, ""),
            (EFFECT, SOCIAL, "综合楼功能适配性", "明显提升", "明显提升", 15, 15, ""),
            (EFFECT, LASTING, "设施使用年限", "≥10年", "10年", 15, 15, ""),
            (SATISFY, USERS, "入住干部满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="04法院派出法庭", name="2025法院派出法庭项目", budget=90, executed=30, total=93,
        goal="恢复法院派出法庭，完善法庭办公和审判设施，提升司法服务效率，满足区域司法需求。",
        actual="经对法院派出法庭恢复项目从投入、过程、产出及效益等维度全面自评，项目在提升司法服务效率、满足区域司法"
               "需求等方面成效显著，资金使用合理合规，部分细节待优化。",
        problems="", steps="",
        indicators=[
            (OUT, NUM, "恢复派出法庭数", "1个", "1个", 20, 20, ""),
            (OUT, QUAL, "工程验收合格率", "100%", "100%", 15, 15, ""),
            (OUT, TIME, "投入使用时间", "2025年12月底前", "2025年11月", 15, 15, ""),
            (EFFECT, SOCIAL, "司法服务效率", "明显提升", "明显提升", 30, 30, ""),
            (SATISFY, USERS, "群众满意度", "≥90%", "93%", 10, 10, ""),
        ]),
    dict(
        sheet="05机关大院保安", name="2025机关大院保安费用项目", budget=47.6, executed=47.6, total=100,
        goal="做好机关大院安全保卫和院内交通秩序管理，实现全年无犯罪、无案件、无火灾、无治安灾害事故的“四无”目标。",
        actual="保障了机关大院安全秩序，各项绩效指标达成情况良好，整体服务质量获认可，且在成本控制方面有较好表现。",
        problems="", steps="",
        indicators=[
            (OUT, NUM, "安保值守覆盖率", "100%", "100%", 20, 20, ""),
            (OUT, QUAL, "机关大院治安案件", "0起", "0起", 15, 15, ""),
            (OUT, TIME, "保安费用支付及时率", "100%", "100%", 15, 15, ""),
            (EFFECT, SOCIAL, "机关大院安全秩序", "良好", "良好", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="06机关大院保洁", name="机关大院保洁费用项目", budget=46.76, executed=46.76, total=100,
        goal="做好机关大院及公共场所卫生保洁，保洁覆盖率100%，每周巡查1-2次，环境卫生整洁有序。",
        actual="一是保洁量达到100%，二是巡查次数达到了计划量的每周1-2次，保障了机关大院及公共场所环境卫生整洁有序，"
               "保障资金能及时拨付。",
        problems="", steps="",
        indicators=[
            (OUT, NUM, "保洁覆盖率", "100%", "100%", 20, 20, ""),
            (OUT, QUAL, "卫生巡查次数", "1-2次/周", "1-2次/周", 15, 15, ""),
            (OUT, TIME, "保洁费用支付及时率", "100%", "100%", 15, 15, ""),
            (EFFECT, SOCIAL, "机关大院环境卫生", "整洁有序", "整洁有序", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="07办公平房装修", name="2025机关事务管理中心办公平房装修费用", budget=14.06, executed=0, total=90,
        goal="完成机关事务管理中心办公平房装修，改善空间布局和设施配备，满足机关日常办公需求。",
        actual="此次装修投入资金运用合理合规，按时保质地完成各项装修任务，有效改善办公平房的空间布局，设施配备与环境"
               "风貌显著提升办公舒适度与整体形象，充分满足机关日常办公需求，达成预期绩效目标。",
        problems=NOT_PAID, steps=NEXT_PLAN,
        indicators=[
            (OUT, NUM, "装修面积", "260平方米", "260平方米", 20, 20, ""),
            (OUT, QUAL, "装修工程质量", "验收合格", "验收合格", 15, 15, ""),
            (OUT, TIME, "完工时间", "2025年12月底前", "2025年10月", 15, 15, ""),
            (EFFECT, SOCIAL, "办公舒适度", "明显提升", "明显提升", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="08方舱收治", name="2025机关事务管理中心用于方舱集中（医学）收治费用", budget=210, executed=110,
        total=95,
        goal="保障方舱集中（医学）收治场地改造、设备采购和物资保障，确保方舱按时启用、平稳运行，完成救治任务。",
        actual="此项目投入的费用精准高效，从场地改造、设备采购到物资保障、人员避难，各环节资金把控严格，确保方舱按时"
               "启用，平稳运行，圆满完成救治任务，为疫情防控筑牢坚实壁垒，经费支出效益显著。",
        problems="", steps=NEXT_PLAN,
        indicators=[
            (OUT, NUM, "保障物资采购完成率", "100%", "100%", 20, 20, ""),
            (OUT, QUAL, "方舱运行", "平稳运行", "平稳运行", 15, 15, ""),
            (OUT, TIME, "方舱启用", "按时启用", "按时启用", 15, 15, ""),
            (EFFECT, SOCIAL, "救治任务", "圆满完成", "圆满完成", 30, 30, ""),
            (SATISFY, USERS, "收治对象满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="09旧司法局绿化", name="2025旧司法局绿化工程项目", budget=20, executed=0, total=90,
        goal="完成旧司法局院内绿化工程，苗木成活，工程验收合格，改善院区环境。",
        actual="司法局绿化工程验收合格。",
        problems="", steps="提前规划，做好资金使用预算。",
        indicators=[
            (OUT, NUM, "绿化面积", "1200平方米", "1200平方米", 20, 20, ""),
            (OUT, QUAL, "苗木成活率", "≥95%", "98%", 15, 15, ""),
            (OUT, TIME, "完工时间", "2025年12月底前", "2025年11月", 15, 15, ""),
            (EFFECT, ECO, "院区绿化环境", "明显改善", "明显改善", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="10办公用房维修基金", name="2025区办公用房大中维修基金", budget=100, executed=20, total=92,
        goal="统筹使用区办公用房大中维修基金，及时维修办公用房，改善办公环境，延长房屋使用寿命。",
        actual="办公用房大中维修基金合理规划，切实改善办公环境，延长房屋使用寿命，资金使用合规且达成提升办公舒适度"
               "安全性的预期绩效目标。",
        problems="", steps=NEXT_PLAN,
        indicators=[
            (OUT, NUM, "维修项目数", "≥3项", "3项", 20, 20, ""),
            (OUT, QUAL, "维修工程验收合格率", "100%", "100%", 15, 15, ""),
            (OUT, TIME, "维修完成时间", "2025年12月底前", "2025年12月", 15, 15, ""),
            (EFFECT, SOCIAL, "办公环境", "明显改善", "明显改善", 15, 15, ""),
            (EFFECT, LASTING, "房屋使用寿命", "有效延长", "有效延长", 15, 15, ""),
            (SATISFY, USERS, "使用单位满意度", "≥90%", "94%", 10, 10, ""),
        ]),
    dict(
        sheet="11职工活动中心及食堂", name="2025区政府院内建职工活动中心及食堂改造工程", budget=26.75, executed=0,
        total=80,
        goal="在区政府院内建设职工活动中心并改造食堂，保障就餐环境和职工身心健康，保障食品卫生安全。",
        actual="此项目为了保障就餐环境和职工身心健康，保障食品卫生安全。",
        problems="由于财政资金未支付，因此未能实际执行该项目。",
        steps="今后工作中加强项目审批规划，提高项目资金利用率。对存在的问题做到认识到位，措施到位，整改到位。",
        indicators=[
            (OUT, NUM, "改造方案及预算编制", "1项", "1项", 20, 20, ""),
            (OUT, QUAL, "食品卫生安全事故", "0起", "0起", 15, 15, ""),
            (OUT, TIME, "改造工程完工时间", "2025年12月底前", "未完成", 15, 5,
             "财政资金未支付，改造工程未能在2025年内实施；下一步加强项目审批规划，资金到位后尽快组织实施。"),
            (EFFECT, SOCIAL, "职工就餐保障", "正常供餐", "正常供餐", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "92%", 10, 10, ""),
        ]),
    dict(
        sheet="12涉军公益岗位工资", name="2025涉军公益岗位人员工资项目", budget=45.97, executed=45.97, total=100,
        goal="为符合条件的退役军人安排公益岗位就业，按月足额发放工资。",
        actual="对符合条件的退役军人安排了就业岗位，并能及时发放工资。",
        problems="", steps="",
        indicators=[
            (OUT, NUM, "安置退役军人人数", "8人", "8人", 20, 20, ""),
            (OUT, QUAL, "工资发放准确率", "100%", "100%", 15, 15, ""),
            (OUT, TIME, "工资发放及时率", "100%", "100%", 15, 15, ""),
            (EFFECT, SOCIAL, "退役军人就业保障", "有效保障", "有效保障", 30, 30, ""),
            (SATISFY, USERS, "安置人员满意度", "≥90%", "100%", 10, 10, ""),
        ]),
    dict(
        sheet="13审计局科室搬迁", name="2025审计局部分科室搬迁项目", budget=15, executed=0, total=90,
        goal="按时完成审计局部分科室搬迁，保障科室正常运转，合理控制成本。",
        actual="在按时完成搬迁、保障科室正常运转及合理控制成本上效果良好，部分流程细节或可优化提升。",
        problems=NOT_PAID, steps=NEXT_PLAN,
        indicators=[
            (OUT, NUM, "搬迁科室数", "≥4个", "4个", 20, 20, ""),
            (OUT, QUAL, "办公设施完好率", "100%", "100%", 15, 15, ""),
            (OUT, TIME, "搬迁完成时间", "2025年12月底前", "2025年8月", 15, 15, ""),
            (EFFECT, SOCIAL, "科室正常运转", "有效保障", "有效保障", 30, 30, ""),
            (SATISFY, USERS, "搬迁科室满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="14武装部采暖装修", name="2025武装部采暖改造、室内装修项目", budget=13.49, executed=11.71,
        total=98.68,   # 8.68 + 90: the sheet is right; the report's table (98) is not
        goal="完成武装部采暖改造和室内装修，改善办公环境，保障日常运作和应急响应安全。",
        actual="项目资金合理规划，精准投放，通过严谨实施维修项目，有效解决建筑设施和环境质量，切实改善办公环境，安全"
               "进行日常运作和应急响应，资金使用合规且达成提升办公舒适度安全性的预期绩效目标。",
        problems="", steps="提前规划，做好资金使用预算。",
        indicators=[
            (OUT, NUM, "采暖改造及装修面积", "450平方米", "450平方米", 20, 20, ""),
            (OUT, QUAL, "工程质量", "验收合格", "验收合格", 15, 15, ""),
            (OUT, TIME, "完工时间", "2025年12月底前", "2025年11月", 15, 15, ""),
            (EFFECT, SOCIAL, "办公环境", "明显改善", "明显改善", 30, 30, ""),
            (SATISFY, USERS, "使用单位满意度", "≥90%", "95%", 10, 10, ""),
        ]),
    dict(
        sheet="15专项公用经费", name="2025专项公用经费项目", budget=266, executed=204.36, total=98,
        goal="做好机关大院及办公楼日常巡查维护，及时排除故障，保障办公房屋水、电、讯、暖正常供应，维护日常办公正常运行。",
        actual="一是对故障排除时限达到了计划要求，二是为维护日常办公正常运行，加强了日常巡查维护，加强完善了大院及"
               "办公楼的后勤保障工作，做到办公房屋水、电、讯、暖正常供应。",
        problems="", steps="提前规划，做好资金使用预算。",
        indicators=[
            (OUT, NUM, "日常巡查维护覆盖率", "100%", "100%", 20, 20, ""),
            (OUT, QUAL, "水、电、讯、暖供应", "正常供应", "正常供应", 15, 15, ""),
            (OUT, TIME, "故障排除时限", "≤24小时", "12小时", 15, 15, ""),
            (EFFECT, SOCIAL, "机关日常办公运行", "有效保障", "有效保障", 30, 30, ""),
            (SATISFY, USERS, "干部职工满意度", "≥90%", "95%", 10, 10, ""),
        ]),
]

# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
MONEY, RATE = "0.00", "0.00%"
DASH = "—"
LINE_HEIGHT = 14.25  # points per line of 10-point 宋体


def _put(ws, ref, value, *, bold=False, head=False, fmt=None, align="center", size=10):
    c = ws[ref]
    c.value = value
    c.font = Font(name=FONT, size=size, bold=bold or head)
    c.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if head:
        c.fill = HEAD_FILL
    if fmt:
        c.number_format = fmt
    return c


def _box(ws, rng):
    for row in ws[rng]:
        for c in row:
            c.border = BOX


def _lines(text, width):
    """Lines a wrapped text takes in a cell `width` characters wide (a CJK character counts 2)."""
    if not isinstance(text, str) or not text:
        return 1
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-units // max(1, int(width) - 1)))


def _fit_row(ws, row, *texts_and_widths, minimum=1):
    lines = max([minimum] + [_lines(t, w) for t, w in texts_and_widths])
    if lines > 1:
        ws.row_dimensions[row].height = round(lines * LINE_HEIGHT + 3, 2)


def _print_setup(ws, landscape=False):
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def unit_sheet(wb):
    ws = wb.create_sheet("单位情况")
    widths = {"A": 24, "B": 80}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.merge_cells("A1:B1")
    _put(ws, "A1", f"{UNIT}基本情况（{YEAR}年度）", bold=True, size=14)
    ws.row_dimensions[1].height = 28
    for r, (label, value, note) in enumerate(UNIT_ROWS, 2):
        _put(ws, f"A{r}", label, head=True)
        money = "万元" in label
        c = _put(ws, f"B{r}", value, fmt=MONEY if money else None,
                 align="left" if isinstance(value, str) else "right")
        if note:
            c.comment = Comment(note, UNIT, width=260, height=70)
        _fit_row(ws, r, (value, widths["B"]))
    _box(ws, f"A2:B{len(UNIT_ROWS) + 1}")
    _print_setup(ws)


def summary_sheet(wb):
    ws = wb.create_sheet("汇总")
    widths = {"A": 6, "B": 52, "C": 10, "D": 10}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.merge_cells("A1:D1")
    _put(ws, "A1", "评价结论和评价等级", bold=True, size=14)
    ws.row_dimensions[1].height = 28
    for col, head in zip("ABCD", ("序号", "项目名称", "自评得分", "评价等级")):
        _put(ws, f"{col}2", head, head=True)
    for i, (name, score, grade) in enumerate(CONCLUSION, 1):
        r = i + 2
        _put(ws, f"A{r}", i)
        _put(ws, f"B{r}", name, align="left")
        _put(ws, f"C{r}", score)
        _put(ws, f"D{r}", grade)
    _box(ws, f"A2:D{len(CONCLUSION) + 2}")
    _print_setup(ws)


def _round(x, places):
    return float(Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _check_project(p):
    """The sheet must add up the way docs/template.md §4 reads it: weights 100, typed 总分 agreeing
    with funding 得分 + Σ indicator 得分 at the precision it is typed."""
    weights = 10 + sum(row[5] for row in p["indicators"])
    assert weights == 100, (p["name"], weights)
    computed = _round(10 * min(_round(p["executed"] / p["budget"], 4), 1), 2) + sum(row[6] for row in p["indicators"])
    decimals = max(0, -Decimal(str(p["total"])).normalize().as_tuple().exponent)
    assert abs(computed - p["total"]) <= 0.01 or _round(computed, decimals) == p["total"], (p["name"], computed)


def project_sheet(wb, p):
    _check_project(p)
    ws = wb.create_sheet(p["sheet"])
    widths = dict(zip("ABCDEFGH", (12, 18, 20, 16, 16, 8, 10, 30)))
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    budget, executed = p["budget"], p["executed"]
    rate = _round(executed / budget, 4)
    fscore = _round(10 * min(rate, 1), 2)

    for rng in ("A1:H1", "A2:H2", "B3:H3", "B4:D4", "F4:H4", "A5:A9", "A10:A11", "B10:E10", "F10:H10",
                "B11:E11", "F11:H11"):
        ws.merge_cells(rng)
    _put(ws, "A1", "项目支出绩效自评表", bold=True, size=16)
    ws.row_dimensions[1].height = 30
    _put(ws, "A2", f"（{YEAR}年度）")
    # a) identity
    _put(ws, "A3", "项目名称", head=True)
    _put(ws, "B3", p["name"], align="left")
    _put(ws, "A4", "主管部门", head=True)
    _put(ws, "B4", DEPARTMENT, align="left")
    _put(ws, "E4", "实施单位", head=True)
    _put(ws, "F4", UNIT, align="left")
    _fit_row(ws, 4, (UNIT, widths["F"] + widths["G"] + widths["H"]))
    # b) funding
    _put(ws, "A5", "项目资金（万元）", head=True)
    _put(ws, "B5", None, head=True)
    for col, head in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        _put(ws, f"{col}5", head, head=True)
    _put(ws, "B6", "年度资金总额")
    _put(ws, "B7", "其中：当年财政拨款")
    _put(ws, "B8", "上年结转资金")
    _put(ws, "B9", "其他资金")
    for r in (6, 7):
        for col, v in zip("CDE", (budget, budget, executed)):
            _put(ws, f"{col}{r}", v, fmt=MONEY)
    for r in (8, 9):
        for col in "CDE":
            _put(ws, f"{col}{r}", None, fmt=MONEY)
    _put(ws, "F6", 10)
    _put(ws, "G6", rate, fmt=RATE)
    _put(ws, "H6", fscore, fmt=MONEY)
    for r in (7, 8, 9):
        for col in "FGH":
            _put(ws, f"{col}{r}", DASH)
    # c) annual goal
    _put(ws, "A10", "年度总体目标", head=True)
    _put(ws, "B10", "预期目标", head=True)
    _put(ws, "F10", "实际完成情况", head=True)
    _put(ws, "B11", p["goal"], align="left")
    _put(ws, "F11", p["actual"], align="left")
    _fit_row(ws, 11, (p["goal"], sum(widths[c] for c in "BCDE")),
             (p["actual"], sum(widths[c] for c in "FGH")), minimum=3)
    # d) indicators
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for col, head in zip("ABCDEFGH", heads):
        _put(ws, f"{col}12", head, head=True)
    ws.row_dimensions[12].height = 30
    rows = p["indicators"]
    for i, row in enumerate(rows):
        r = 13 + i
        for col, v in zip("ABCDEFGH", row):
            _put(ws, f"{col}{r}", v if v != "" else None, align="left" if col in "CH" else "center")
        _fit_row(ws, r, *((v, widths[col]) for col, v in zip("ABCDEFGH", row)), minimum=2)
    for level in (0, 1):   # merge 一级 (and a repeated 二级) over their rows, like the paper form
        col = "AB"[level]
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][:level + 1] != rows[start][:level + 1]:
                if i - 1 > start:
                    ws.merge_cells(f"{col}{13 + start}:{col}{13 + i - 1}")
                start = i
    # e) total
    t = 13 + len(rows)
    ws.merge_cells(f"A{t}:E{t}")
    _put(ws, f"A{t}", "总分", head=True)
    _put(ws, f"F{t}", 100, bold=True)
    _put(ws, f"G{t}", p["total"], bold=True)
    _put(ws, f"H{t}", None)
    ws.row_dimensions[t].height = 22
    # f) closing rows
    for r, label, text in ((t + 1, "主要问题及原因", p["problems"]), (t + 2, "下一步改进措施", p["steps"])):
        ws.merge_cells(f"B{r}:H{r}")
        _put(ws, f"A{r}", label, head=True)
        _put(ws, f"B{r}", text or None, align="left")
        _fit_row(ws, r, (text, sum(widths[c] for c in "BCDEFGH")), (label, widths["A"]), minimum=2)
    _box(ws, f"A3:H{t + 2}")
    _print_setup(ws, landscape=True)


def build() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    unit_sheet(wb)
    summary_sheet(wb)
    for p in PROJECTS:
        project_sheet(wb, p)
    wb.active = 0
    wb.properties.creator = UNIT
    wb.properties.lastModifiedBy = UNIT
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def to_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes, the same on every run: openpyxl's save() stamps the modified date and the
    zip entries with the current time, so write through its ExcelWriter and fix the zip dates."""
    raw = io.BytesIO()
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with ZipFile(raw) as src, ZipFile(out, "w", ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("2025.xlsx")
    data = to_bytes(build())
    if out.exists() and out.read_bytes() == data:
        print(f"{out} is up to date")
        return
    out.write_bytes(data)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
