"""Forms as provinces publish them, transcribed by hand: spellings the contract's own
variants do not show, read the way a finance officer would expect."""

from __future__ import annotations

from openpyxl import Workbook

from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook


def _form(path, *, level_points=True, colon_labels=True):
    wb = Workbook()
    ws = wb.active
    ws.title = "附件3-1"
    ws["A1"] = "附件3"
    ws["A2"] = "项目支出绩效自评表"
    ws["A3"] = "（ 2025 年度）"
    ws.append([])
    ws["A5"], ws["C5"] = "项目名称", "乡村道路养护项目"
    ws["A6"], ws["C6"], ws["F6"], ws["G6"] = "主管部门", "某县交通运输局", "实施单位", "某县公路站"
    ws.merge_cells("A5:B5")
    ws.merge_cells("A6:B6")
    ws["A7"] = "项目资金（万元）"
    heads = ["", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
    for j, h in enumerate(heads, 2):
        ws.cell(row=7, column=j, value=h or None)
    rows = [("年度资金总额：" if colon_labels else "年度资金总额", 200, 200, 180, 10, "90.00%", 9),
            ("其中：财政拨款", 200, 200, 180, "—", "—", "—"), ("上年结转资金", None, None, None, "—", "—", "—"),
            ("其他资金", None, None, None, "—", "—", "—")]
    for i, row in enumerate(rows):
        for j, v in enumerate(row, 2):
            ws.cell(row=8 + i, column=j, value=v)
    ws["A12"], ws["B12"], ws["E12"] = "年度总体目标", "预期目标", "实际完成情况"
    ws["B13"], ws["E13"] = "完成120公里乡村道路养护", "完成118公里道路养护，路况良好"
    ws["A14"] = "绩效指标"
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值", "得分", "偏差原因分析及改进措施"]
    for j, h in enumerate(heads, 1):
        ws.cell(row=15, column=j, value=h)
    p50 = "产出指标（50分）" if level_points else "产出指标"
    data = [
        (p50, "数量指标", "养护里程", "≥120公里", "118公里", 20, 19.67, "部分路段因雨季顺延"),
        (None, "质量指标", "路面优良率", "≥85%", "88%", 15, 15, None),
        (None, "时效指标", "完成时限", "2025年11月底前", "2025年11月", 15, 15, None),
        ("效益指标（30分）" if level_points else "效益指标", "社会效益指标", "群众出行条件", "明显改善", "明显改善", 30, 30, None),
        ("满意度指标（10分）" if level_points else "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", 10, 10, None),
    ]
    for i, row in enumerate(data):
        for j, v in enumerate(row, 1):
            ws.cell(row=16 + i, column=j, value=v)
    ws.merge_cells("A16:A18")
    ws["A21"], ws["F21"], ws["G21"] = "总  分", 100, 98.67
    ws["A22"], ws["B22"] = "主要问题及原因：", "雨季影响部分路段施工进度"
    ws["A23"], ws["B23"] = "下一步改进措施：", "合理安排工期"
    wb.save(path)


def test_county_form_reads_and_is_clean(tmp_path):
    path = tmp_path / "county.xlsx"
    _form(path)
    model = read_workbook(str(path))
    p = model.projects[0]
    assert p.title == "乡村道路养护项目" and p.year == 2025
    assert p.funding.total.cells["全年预算数"].coord == "D8"
    assert p.total_score.coord == "G21"
    result = run_checks(model, load_profile())
    serious = [(f.code, f.cell, f.message) for f in result.findings
               if f.severity != "info" and f.code not in ("R101", "R102")]  # a lone form: no unit/summary sheet
    # 执行率 typed as text is the only thing a finance officer would be told to fix
    assert serious == [("R112", "G8", "“执行率”的值“90.00%”是文本格式的数字")]
    assert result.projects[0].score == 98.67
    assert not [f for f in result.findings if f.code in ("I107", "T102")]  # 产出指标（50分） is 产出指标


def test_funding_weight_from_score_header_and_unit_in_two_column_pairs(tmp_path):
    wb = Workbook()
    u = wb.active
    u.title = "部门情况"
    rows = [("部门（单位）名称", "某县农业农村局", "自评年度", "2025年"),
            ("核定在编人员", 20, "退休人员", 5), ("聘用人员", 3, "其他人员", 0), ("人员合计", 28, None, None),
            ("财政拨款决算收入（万元）", 500, "财政拨款决算支出（万元）", 500),
            ("基本支出（万元）", 300, "项目支出（万元）", 200),
            ("人员经费（万元）", 250, "公用经费（万元）", 50)]
    for r in rows:
        u.append(r)
    ws = wb.create_sheet("畜牧项目")
    ws.append(["项目名称：畜禽粪污资源化利用项目"])
    ws.append(["", "全年预算数", "全年执行数", "执行率", "得分（20分*执行率）"])
    ws.append(["年度资金总额", 200, 200, 1, 20])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "公猪舍（≥**平方米）", 22.8, "23平方米", 40, 40])
    ws.append(["效益指标", "生态效益指标", "粪污综合利用率", "≥80%", "85%", 30, 30])
    ws.append(["满意度指标", "服务对象满意度指标", "养殖户满意度", "≥90%", "0.95", 10, 10])
    ws.append(["合计", None, None, None, None, 100, 100])
    path = tmp_path / "county2.xlsx"
    wb.save(path)
    model = read_workbook(str(path))
    assert model.unit.get("退休人员").value.value == 5 and model.year == 2025
    result = run_checks(model, load_profile())
    p = result.projects[0]
    assert p.funding.weight == 20 and p.funding.computed == 20
    assert p.indicators[0].direction == "at_least" and p.indicators[0].high == 40
    assert p.score == 100
    serious = [(f.code, f.sheet, f.cell) for f in result.findings if f.severity != "info"]
    assert serious == [("R102", None, None), ("T102", "畜牧项目", "F5")]  # 产出 40 instead of 50: a warning
