"""The indicator-value reader and per-indicator score ranges (docs/template.md §3, §4).

Table-driven: each row is a spelling seen on national or provincial forms and what it
must read as. Numbers are in the base unit (万元 -> 元, 万人次 -> 人次), percentages as
percent numbers.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from perfxl.scoring.profile import load_profile
from perfxl.scoring.targets import (
    IndicatorScore, Reading, display_text, quantitative_score, read_target, score_indicator,
)

P = load_profile()
Q, D, L, N = "quantitative", "deadline", "qualitative", "none"
GE, GT, LE, LT, EQ = "at_least", "more_than", "at_most", "less_than", "equal"

# (A, kind, direction, number, unit)
TARGETS = [
    # comparisons before the number
    ("≥95%", Q, GE, 95, "%"),
    ("≥95％", Q, GE, 95, "%"),
    ("≥ 95 %", Q, GE, 95, "%"),
    (">=95%", Q, GE, 95, "%"),
    ("≧20000亩", Q, GE, 20000, "亩"),
    ("⩾3个", Q, GE, 3, "个"),
    ("大于等于80%", Q, GE, 80, "%"),
    ("不低于95%", Q, GE, 95, "%"),
    ("不少于10次", Q, GE, 10, "次"),
    ("不小于3个", Q, GE, 3, "个"),
    ("至少2场", Q, GE, 2, "场"),
    ("达到90%", Q, GE, 90, "%"),
    (">0", Q, GT, 0, None),
    ("＞90%", Q, GT, 90, "%"),
    ("大于50户", Q, GT, 50, "户"),
    ("高于85%", Q, GT, 85, "%"),
    ("超过1000人次", Q, GT, 1000, "人次"),
    ("≤500万元", Q, LE, 5_000_000, "元"),
    ("<=500万元", Q, LE, 5_000_000, "元"),
    ("≦3天", Q, LE, 3, "天"),
    ("⩽2次", Q, LE, 2, "次"),
    ("小于等于5%", Q, LE, 5, "%"),
    ("不高于3%", Q, LE, 3, "%"),
    ("不超过100万元", Q, LE, 1_000_000, "元"),
    ("不多于2次", Q, LE, 2, "次"),
    ("不大于1‰", Q, LE, 1, "‰"),
    ("控制在50万元以内", Q, LE, 500_000, "元"),
    ("<5%", Q, LT, 5, "%"),
    ("小于1天", Q, LT, 1, "天"),
    ("低于3%", Q, LT, 3, "%"),
    ("═100%", Q, EQ, 100, "%"),
    ("=100%", Q, EQ, 100, "%"),
    ("＝100%", Q, EQ, 100, "%"),
    ("﹦1", Q, EQ, 1, None),
    ("等于12个", Q, EQ, 12, "个"),
    # suffixes
    ("95%以上", Q, GE, 95, "%"),
    ("95%及以上", Q, GE, 95, "%"),
    ("10人以上", Q, GE, 10, "人"),
    ("5万以上", Q, GE, 50_000, None),
    ("5000万元以上", Q, GE, 50_000_000, "元"),
    ("5%以内", Q, LE, 5, "%"),
    ("3天以下", Q, LE, 3, "天"),
    ("2次及以下", Q, LE, 2, "次"),
    ("≥98%（含）", Q, GE, 98, "%"),
    # percentages and per-mille
    ("≥100百分比", Q, GE, 100, "%"),
    ("100%", Q, GE, 100, "%"),
    ("≥0.5%", Q, GE, 0.5, "%"),
    ("≤3‰", Q, LE, 3, "‰"),
    ("-5%", Q, GE, -5, "%"),
    ("≥-5%", Q, GE, -5, "%"),
    # completion words after a percentage
    ("100%覆盖", Q, GE, 100, "%"),
    ("100%完成", Q, GE, 100, "%"),
    ("100%达标", Q, GE, 100, "%"),
    ("100%到位", Q, GE, 100, "%"),
    ("100%合格", Q, GE, 100, "%"),
    ("100%验收", Q, GE, 100, "%"),
    ("100%完成验收", Q, GE, 100, "%"),
    ("1200平方米完成", L, None, None, None),  # completion words only after a percentage
    # leading names ending in 率/度/数/量
    ("满意度≥90%", Q, GE, 90, "%"),
    ("满意度不低于90%", Q, GE, 90, "%"),
    ("合格率100%", Q, GE, 100, "%"),
    ("覆盖率≥95%", Q, GE, 95, "%"),
    ("完成数≥10个", Q, GE, 10, "个"),
    ("培训人数达到100人", Q, GE, 100, "人"),
    ("数量10个", Q, GE, 10, "个"),
    # ranges read as at least the lower end
    ("90%-100%", Q, GE, 90, "%"),
    ("90-100%", Q, GE, 90, "%"),
    ("90%～100%", Q, GE, 90, "%"),
    ("1-2次/周", Q, GE, 1, "次/周"),
    ("1～2次/周", Q, GE, 1, "次/周"),
    ("10〜20个", Q, GE, 10, "个"),
    ("3至5个", Q, GE, 3, "个"),
    # multipliers and prefixed units
    ("5万", Q, GE, 50_000, None),
    ("4.8万", Q, GE, 48_000, None),
    ("2亿", Q, GE, 2e8, None),
    ("5万人次", Q, GE, 50_000, "人次"),
    ("５万人次", Q, GE, 50_000, "人次"),
    ("30万粒", Q, GE, 300_000, "粒"),
    ("1.5万亩", Q, GE, 15_000, "亩"),
    ("3.5亿元", Q, GE, 3.5e8, "元"),
    ("≥1.5亿元", Q, GE, 1.5e8, "元"),
    ("1,234.5万元", Q, GE, 12_345_000, "元"),
    ("120元", Q, GE, 120, "元"),
    # numbers and units
    ("≥10年", Q, GE, 10, "年"),
    ("1200平方米", Q, GE, 1200, "平方米"),
    ("１２００㎡", Q, GE, 1200, "平方米"),
    ("1200㎡", Q, GE, 1200, "平方米"),
    ("１２００平方米", Q, GE, 1200, "平方米"),
    ("1200m²", Q, GE, 1200, "平方米"),
    ("1200平米", Q, GE, 1200, "平方米"),
    ("≥1200平方米（含）", Q, GE, 1200, "平方米"),
    ("10公里", Q, GE, 10, "公里"),
    ("10千米", Q, GE, 10, "公里"),
    ("10km", Q, GE, 10, "公里"),
    ("ｋｍ10", L, None, None, None),
    ("500公斤", Q, GE, 500, "公斤"),
    ("500千克", Q, GE, 500, "公斤"),
    ("500kg", Q, GE, 500, "公斤"),
    ("20名", Q, GE, 20, "人"),
    ("3位", Q, GE, 3, "人"),
    ("5日", Q, GE, 5, "天"),
    ("12个月", Q, GE, 12, "个月"),
    ("8小时", Q, GE, 8, "小时"),
    ("1项", Q, GE, 1, "项"),
    ("2000株", Q, GE, 2000, "株"),
    ("2百分点", Q, GE, 2, "百分点"),
    ("500GB", Q, GE, 500, "GB"),
    ("≥90分", Q, GE, 90, "分"),
    ("100", Q, GE, 100, None),
    ("1,234", Q, GE, 1234, None),
    ("0", Q, LE, 0, None),
    ("0起", Q, LE, 0, "起"),
    # compound units
    (">=530元/人*月", Q, GE, 530, "元/人·月"),
    ("≥530元/人·月", Q, GE, 530, "元/人·月"),
    ("≥530元/人/月", Q, GE, 530, "元/人·月"),
    ("不高于100元/人", Q, LE, 100, "元/人"),
    ("≥1次/周", Q, GE, 1, "次/周"),
    ("≥2万元/户", Q, GE, 20_000, "元/户"),
    # deadlines
    ("2025年12月", D, None, None, None),
    ("2023年12月", D, None, None, None),
    ("2025年12月底前", D, None, None, None),
    ("2025年12月31日前", D, None, None, None),
    ("2025年12月31日", D, None, None, None),
    ("2025年6月30日之前", D, None, None, None),
    ("12月底前", D, None, None, None),
    ("2025年", D, None, None, None),
    ("2025年度", D, None, None, None),
    ("2025年底前", D, None, None, None),
    ("年底前", D, None, None, None),
    ("年内", D, None, None, None),
    ("第四季度", D, None, None, None),
    ("2025年第三季度", D, None, None, None),
    ("2025-12-31", D, None, None, None),
    ("2025.12", D, None, None, None),
    ("截至2025年11月", D, None, None, None),
    # qualitative: anything else
    ("明显改善", L, None, None, None),
    ("按时完成", L, None, None, None),
    ("2025年12月底前完成验收", L, None, None, None),
    ("2025年12月底前完成", L, None, None, None),
    ("合规", L, None, None, None),
    ("有效保障", L, None, None, None),
    ("逐步提高", L, None, None, None),
    ("高于去年", L, None, None, None),
    ("控制在预算内", L, None, None, None),
    ("约100个", L, None, None, None),
    ("2个百分点", L, None, None, None),  # 个 then 百分点: something follows the unit
    ("1.2e3", L, None, None, None),
    ("是", L, None, None, None),
    ("长期", L, None, None, None),
    # no target
    ("", N, None, None, None),
    ("  ", N, None, None, None),
    ("—", N, None, None, None),
    ("-", N, None, None, None),
    ("一", N, None, None, None),
    ("/", N, None, None, None),
    ("无", N, None, None, None),
    ("不适用", N, None, None, None),
    (None, N, None, None, None),
]


@pytest.mark.parametrize("text,kind,direction,number,unit", TARGETS, ids=[repr(t[0]) for t in TARGETS])
def test_target(text, kind, direction, number, unit):
    r = read_target(text, year=2025, profile=P)
    assert r.kind == kind
    assert r.direction == direction
    assert r.unit == unit
    if number is None:
        assert r.number is None
    else:
        assert r.number == pytest.approx(number)


def test_target_count_is_large():
    assert len(TARGETS) >= 120


@pytest.mark.parametrize("text,deadline", [
    ("2025年12月", date(2025, 12, 31)),
    ("2025年2月", date(2025, 2, 28)),
    ("2024年2月底前", date(2024, 2, 29)),
    ("2025年12月31日前", date(2025, 12, 31)),
    ("12月底前", date(2025, 12, 31)),
    ("6月30日前", date(2025, 6, 30)),
    ("第三季度", date(2025, 9, 30)),
    ("2026年第一季度", date(2026, 3, 31)),
    ("2025年", date(2025, 12, 31)),
    ("年底前", date(2025, 12, 31)),
    ("年内", date(2025, 12, 31)),
    ("2025-06-30", date(2025, 6, 30)),
])
def test_deadline_day(text, deadline):
    r = read_target(text, year=2025, profile=P)
    assert (r.kind, r.deadline) == (D, deadline)


def test_deadline_without_any_year_has_no_day():
    """Without an evaluation year a year-less deadline cannot be placed (§2.3)."""
    r = read_target("12月底前", profile=P)
    assert (r.kind, r.deadline) == (D, None)
    assert read_target("2025年12月", profile=P).deadline == date(2025, 12, 31)  # the text names its year
    assert read_target("2025年", profile=P).deadline == date(2025, 12, 31)
    s = score_indicator(r, "2025年11月", weight=10, profile=P)
    assert (s.status, s.low, s.high) == ("unverifiable", 0, 10)
    assert score_indicator(r, "按时完成", weight=10, profile=P).level == "met"


def test_date_cells():
    assert read_target(datetime(2025, 6, 30), profile=P).deadline == date(2025, 6, 30)
    assert read_target(date(2025, 6, 30), profile=P).kind == D


def test_range_keeps_its_upper_end():
    r = read_target("90%-100%", profile=P)
    assert (r.number, r.upper) == (90, 100)


@pytest.mark.parametrize("text,level1,level2,direction", [
    ("100万元", "成本指标", "", LE),
    ("100万元", "产出指标", "成本指标", LE),
    ("100万元", "成本指标", "经济成本指标", LE),
    ("100万元", "", "经济成本指标", LE),
    ("100万元", "", "社会成本指标", LE),
    ("100万元", "", "生态环境成本指标", LE),
    ("100万元", "产出指标", "数量指标", GE),
    ("30天", "产出指标", "时效指标", LE),
    ("5个工作日", "产出指标", "时效指标", LE),
    ("2小时", "产出指标", "时效指标", LE),
    ("3个月", "产出指标", "时效指标", LE),
    ("30天", "", "时效指标", LE),
    ("30个", "产出指标", "时效指标", GE),
    ("30个", "", "时效指标", GE),
    ("30天", "产出指标", "数量指标", GE),
    ("≥30天", "产出指标", "时效指标", GE),  # a written comparison always wins
    ("0", "效益指标", "社会效益指标", LE),
])
def test_bare_number_direction(text, level1, level2, direction):
    assert read_target(text, level1=level1, level2=level2, profile=P).direction == direction


def test_placeholder_in_the_name_gives_direction_and_unit():
    r = read_target("22.8", name="公猪舍（≥**平方米）", profile=P)
    assert (r.direction, r.number, r.unit) == (GE, 22.8, "平方米")
    r = read_target(22.8, name="公猪舍(≤**平方米)", profile=P)
    assert (r.direction, r.unit) == (LE, "平方米")
    r = read_target(22.8, name="公猪舍（≤**平方米）", profile=P)
    assert (r.direction, r.unit) == (LE, "平方米")
    r = read_target("5", name="补助标准（≥**万元）", profile=P)
    assert (r.direction, r.number, r.unit) == (GE, 50_000, "元")
    r = read_target("22.8", name="公猪舍面积", profile=P)
    assert (r.direction, r.unit) == (GE, None)


def test_numeric_cells():
    r = read_target(0.95, number_format="0%", profile=P)
    assert (r.kind, r.direction, r.number, r.unit, r.text) == (Q, GE, 95, "%", "95%")
    r = read_target(0.07, number_format="0.00%", profile=P)
    assert r.number == 7  # no float noise
    r = read_target(1200.0, profile=P)
    assert (r.number, r.unit, r.text) == (1200, None, "1200")


def test_display_text():
    assert display_text(None) == ""
    assert display_text(0.98, "0%") == "98%"
    assert display_text(0.98, "0.00%") == "98%"
    assert display_text(0.955, "0.0%") == "95.5%"
    assert display_text(1200.0) == "1200"
    assert display_text(3) == "3"
    assert display_text(datetime(2025, 12, 31)) == "2025年12月31日"
    assert display_text(date(2025, 1, 5)) == "2025年1月5日"
    assert display_text("  明显改善 ") == "明显改善"


# -- B: (A, B, weight, low, high, status, level) ---------------------------------------------

ACTUALS = [
    # quantitative, at least
    ("≥2000平方米", "1800平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "约1800平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "累计1800", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "实际完成1800平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "共1,800㎡", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "0.18万平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "2500平方米", 15, 15, 15, "ok", None),
    ("≥2000平方米", "1800亩", 15, 0, 15, "unit_mismatch", None),
    ("≥2000平方米", "基本完成", 15, 0, 15, "not_number", None),
    ("≥2000平方米", "-100平方米", 15, 0, 0, "ok", None),
    ("≥266米", "≥266米", 10, 10, 10, "ok", None),
    ("≥266米", "≥260米", 10, 9.774436, 9.774436, "ok", None),
    ("≥95%", "0.98", 10, 10, 10, "ok", None),
    ("≥95%", "98%", 10, 10, 10, "ok", None),
    ("≥95%", "98", 10, 10, 10, "ok", None),
    ("≥95%", "90%", 10, 9.473684, 9.473684, "ok", None),
    ("≥95%", "完成率90%", 10, 9.473684, 9.473684, "ok", None),
    ("≥95%", "0.9", 10, 9.473684, 9.473684, "ok", None),
    ("≥1%", "0.5", 10, 5, 5, "ok", None),  # A below 2%: a B of 0.5 is 0.5%
    ("≥100%", "100", 10, 10, 10, "ok", None),
    ("≥100%", "0%", 15, 0, 0, "ok", None),
    ("≥100%", "100%覆盖", 15, 15, 15, "ok", None),
    ("≥10个", "12个", 10, 10, 10, "ok", None),
    ("≥10个", "8", 10, 8, 8, "ok", None),
    ("≥10个", "3批", 10, 0, 10, "unit_mismatch", None),
    ("≥10个", "较好", 10, 0, 10, "not_number", None),
    ("≥10个", "无", 10, 0, 0, "ok", None),
    ("≥10个", "零", 10, 0, 0, "ok", None),
    ("≥10个", "0", 10, 0, 0, "ok", None),
    ("≥5万人次", "4.8万", 10, 9.6, 9.6, "ok", None),
    ("≥5万人次", "48000人次", 10, 9.6, 9.6, "ok", None),
    ("≥5万人次", "4.8万人次", 10, 9.6, 9.6, "ok", None),
    ("≥100万元", "50万元", 10, 5, 5, "ok", None),
    ("≥100万元", "500000元", 10, 5, 5, "ok", None),
    ("≥100万元", "0.005亿元", 10, 5, 5, "ok", None),
    ("≥10km", "9公里", 10, 9, 9, "ok", None),
    (">=530元/人*月", "530元/人·月", 10, 10, 10, "ok", None),
    (">=530元/人*月", "265元/人/月", 10, 5, 5, "ok", None),
    (">=530元/人*月", "265元/人", 10, 0, 10, "unit_mismatch", None),
    ("≥0", "0", 10, 10, 10, "ok", None),
    (">0", "3", 10, 10, 10, "ok", None),
    (">0", "0", 10, 0, 0, "ok", None),
    ("5万", "4万", 10, 8, 8, "ok", None),
    # a B without a unit is in A's unit as written, prefix included (docs/template.md §3)
    ("≥1.5万人次", "1.6", 10, 10, 10, "ok", None),
    ("≥1.5万人次", "1.2", 10, 8, 8, "ok", None),
    ("≥1.5万人次", "1.6万", 10, 10, 10, "ok", None),
    ("≥1.5万人次", "16000人次", 10, 10, 10, "ok", None),
    ("≤17.4万元", "17.4", 10, 10, 10, "ok", None),
    ("≤17.4万元", "20", 10, 8.7, 8.7, "ok", None),
    ("≤17.4万元", "174000元", 10, 10, 10, "ok", None),
    ("≥5万", "4", 10, 8, 8, "ok", None),
    ("≥2万元/户", "2.1", 10, 10, 10, "ok", None),
    ("1200平方米", "1200", 10, 10, 10, "ok", None),
    # quantitative, at most
    ("≤500万元", "400万元", 10, 10, 10, "ok", None),
    ("≤500万元", "625万元", 10, 8, 8, "ok", None),
    ("≤500万元", "6250000元", 10, 8, 8, "ok", None),
    ("≤3天", "5日", 10, 6, 6, "ok", None),
    ("<5%", "10%", 10, 5, 5, "ok", None),
    ("0起", "0起", 5, 5, 5, "ok", None),
    ("0起", "0", 5, 5, 5, "ok", None),
    ("0起", "无", 5, 5, 5, "ok", None),
    ("0起", "2起", 5, 0, 0, "ok", None),
    # equal
    ("=100%", "80%", 10, 8, 8, "ok", None),
    ("═100%", "100%", 10, 10, 10, "ok", None),
    ("=12个", "15个", 10, 8, 8, "ok", None),
    ("=12个", "0", 10, 0, 0, "ok", None),
    # qualitative
    ("明显改善", "明显改善", 30, 30, 30, "ok", "met"),
    ("显著提升", "显著 提升", 10, 10, 10, "ok", "met"),
    ("明显改善", "有所改善", 30, 24, 30, "ok", "met"),
    ("明显改善", "部分改善", 30, 18, 24, "ok", "partly"),
    ("明显改善", "不断改善", 30, 24, 30, "ok", "met"),
    ("明显改善", "效果不明显", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "部分完成", 10, 6, 8, "ok", "partly"),
    ("按时完成", "未完成", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "尚未完成", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "不及时", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "没有按时", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "已完成", 10, 8, 10, "ok", "met"),
    ("按时完成", "部分完成但不及时", 10, 0, 6, "ok", "not_met"),
    ("质量达标", "有待提升", 10, 6, 8, "ok", "partly"),
    ("质量达标", "需进一步提高", 10, 6, 8, "ok", "partly"),
    ("质量达标", "基本达成", 10, 8, 10, "ok", "met"),
    ("质量达标", "不合格", 10, 0, 6, "ok", "not_met"),
    ("有效", "无效", 10, 0, 6, "ok", "not_met"),
    ("规范", "不规范", 10, 0, 6, "ok", "not_met"),
    ("安全", "无安全事故", 10, 8, 10, "ok", "met"),
    ("安全", "未发生安全事故", 10, 8, 10, "ok", "met"),
    ("安全", "杜绝违规", 10, 8, 10, "ok", "met"),
    ("安全", "安全事故0起", 10, 8, 10, "ok", "met"),
    ("安全", "发生1起事故", 10, 0, 6, "ok", "not_met"),
    ("安全", "发生安全事故", 10, 0, 6, "ok", "not_met"),
    ("安全", "未完成，但无安全事故", 10, 0, 6, "ok", "not_met"),
    ("零投诉", "零投诉", 10, 10, 10, "ok", "met"),
    ("零投诉", "全年无投诉", 10, 8, 10, "ok", "met"),
    ("是否合规", "是", 10, 8, 10, "ok", "met"),
    ("是否合规", "否", 10, 0, 6, "ok", "not_met"),
    ("是否合规", "是否合规", 10, 10, 10, "ok", "met"),
    ("合规", "说不清", 10, 0, 10, "unverifiable", None),
    ("合规", "95%", 10, 0, 10, "unverifiable", None),
    ("合规", None, 10, 0, 10, "unverifiable", None),
    # deadlines
    ("2025年12月底前", "2025年11月", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "2025年12月", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "2026年1月", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "已于2025年11月20日完成", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "按时完成", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "提前完成", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "已完成", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "延期", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "未按时完成", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "逾期两个月", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "未完成", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "部分完成", 15, 9, 12, "ok", "partly"),
    ("2025年12月底前", "2025年12月底前", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "进行中", 15, 0, 15, "unverifiable", None),
    ("12月底前", "11月", 10, 10, 10, "ok", "met"),
    ("第三季度", "2025年10月", 10, 0, 6, "ok", "not_met"),
    ("年底前", "2025年12月20日", 10, 10, 10, "ok", "met"),
    # no target
    ("", "100%", 10, 0, 10, "no_target", None),
    ("—", "—", 10, 0, 10, "no_target", None),
]


@pytest.mark.parametrize("a,b,weight,low,high,status,level", ACTUALS, ids=[f"{s[0]}|{s[1]}" for s in ACTUALS])
def test_actual(a, b, weight, low, high, status, level):
    target = read_target(a, year=2025, profile=P)
    s = score_indicator(target, b, weight=weight, profile=P, year=2025)
    assert isinstance(s, IndicatorScore)
    assert (s.status, s.level) == (status, level)
    assert s.low == pytest.approx(low, abs=1e-6) and s.high == pytest.approx(high, abs=1e-6)
    assert 0 <= s.low <= s.high <= weight


def test_actual_reading_is_in_the_target_unit():
    target = read_target("≥5万人次", profile=P)
    s = score_indicator(target, "4.8万", weight=10, profile=P)
    assert (s.actual.number, s.actual.unit) == (48000, "人次")
    target = read_target("≥95%", profile=P)
    s = score_indicator(target, "0.98", weight=10, profile=P)
    assert (s.actual.number, s.actual.unit) == (98, "%")
    s = score_indicator(target, "≥95%", weight=10, profile=P)
    assert (s.actual.number, s.actual.unit, s.status) == (95, "%", "ok")


@pytest.mark.parametrize("a,b,number", [
    ("≥1.5万人次", "1.6", 16000), ("≥1.5万人次", 1.6, 16000), ("≤17.4万元", "17.4", 174000),
    ("≤17.4万元", 17.4, 174000), ("≥5万", "4.8", 48000), ("≥5万", "4.8万", 48000), ("≥1200平方米", "1250", 1250),
])
def test_a_bare_actual_takes_the_targets_prefix(a, b, number):
    s = score_indicator(read_target(a, profile=P), b, weight=10, profile=P)
    assert s.actual.number == pytest.approx(number)


def test_numeric_actual_cells():
    target = read_target("≥95%", profile=P)
    assert score_indicator(target, 0.9, actual_number_format="0%", weight=10, profile=P).low == pytest.approx(9.473684)
    assert score_indicator(target, 0.98, weight=10, profile=P).low == 10
    assert score_indicator(target, 90, weight=10, profile=P).low == pytest.approx(9.473684)
    target = read_target("≥2000平方米", profile=P)
    assert score_indicator(target, 1800, weight=15, profile=P).low == 13.5
    assert score_indicator(target, True, weight=15, profile=P).status == "not_number"


def test_date_cell_actual_against_deadline():
    target = read_target("2025年6月30日前", profile=P)
    assert score_indicator(target, datetime(2025, 6, 30), weight=10, profile=P).level == "met"
    assert score_indicator(target, date(2025, 6, 1), weight=10, profile=P).level == "met"
    assert score_indicator(target, datetime(2025, 6, 1), weight=10, profile=P).level == "met"
    s = score_indicator(target, datetime(2025, 7, 1), weight=10, profile=P)
    assert (s.level, s.low, s.high) == ("not_met", 0, 6)
    assert "晚于" in s.detail


def test_empty_actual():
    assert score_indicator(read_target("≥10个", profile=P), None, weight=10, profile=P).status == "not_number"
    assert score_indicator(read_target("≥10个", profile=P), "—", weight=10, profile=P).status == "not_number"
    assert score_indicator(read_target("明显改善", profile=P), "", weight=10, profile=P).status == "unverifiable"


def test_details_are_short_chinese_sentences():
    target = read_target("≥2000平方米", profile=P)
    assert score_indicator(target, "1800平方米", weight=15, profile=P).detail == "实际完成值1800平方米，按规则应得13.5"
    target = read_target("明显改善", profile=P)
    assert score_indicator(target, "部分完成", weight=10, profile=P).detail == \
        "实际完成值“部分完成”为部分达成，得分应在6至8之间"
    target = read_target("≥100万元", profile=P)
    assert score_indicator(target, "50万元", weight=10, profile=P).detail == "实际完成值50万元，按规则应得5"


@pytest.mark.parametrize("direction,a,b,weight,expected", [
    (GE, 2000, 1800, 15, 13.5),
    (GE, 3, 1, 10, 3.333333),
    (GE, 3, 2, 10, 6.666667),   # half up at the 6th decimal
    (GE, 0, 0, 10, 10),
    (GE, 0, -1, 10, 0),
    (GT, 0, 0, 10, 0),
    (GT, 0, 1, 10, 10),
    (GE, 10, -2, 10, 0),
    (GE, -5, -3, 10, 10),       # a negative target met
    (GE, -5, -10, 10, 5),
    (LE, 500, 400, 10, 10),
    (LE, 500, 625, 10, 8),
    (LE, 0, 0, 10, 10),
    (LE, 0, 2, 10, 0),
    (LT, 5, 10, 10, 5),
    (LE, 5, -1, 10, 10),
    (LE, -5, -3, 10, 6),
    (EQ, 100, 80, 10, 8),
    (EQ, 100, 125, 10, 8),
    (EQ, 100, 100, 10, 10),
    (EQ, 100, 0, 10, 0),
    (EQ, 5, -5, 10, 0),
    (GE, 0.3, 0.1, 3, 1),       # decimal arithmetic: no 0.9999999
])
def test_quantitative_score(direction, a, b, weight, expected):
    assert quantitative_score(direction, a, b, weight) == pytest.approx(expected, abs=1e-9)


def test_reading_is_frozen():
    r = read_target("≥95%", profile=P)
    assert isinstance(r, Reading)
    with pytest.raises(Exception):
        r.number = 1  # type: ignore[misc]


def test_words_come_from_the_profile(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[words]\nmet = ["圆满"]\n[units]\nknown = ["万元", "元", "床"]\n', encoding="utf-8")
    p = load_profile(str(path))
    assert read_target("≥50床", profile=p).unit == "床"
    s = score_indicator(read_target("明显改善", profile=p), "圆满", weight=10, profile=p)
    assert s.level == "met"
    s = score_indicator(read_target("明显改善", profile=p), "改善", weight=10, profile=p)
    assert s.status == "unverifiable"


def test_published_forms_common_pattern_raises_nothing(tmp_path):
    """``≥1.5万人次`` with 1.6 and ``≤17.4万元`` with 17.4 are met: no over-scoring (I101), no
    deviation (V102); the project keeps its 100."""
    from layouts import Book, Ind, build
    from perfxl.result import run_checks
    from perfxl.workbook.reader import read_workbook

    book = Book()
    inds = book.projects[0].indicators
    inds[0] = Ind("产出指标", "数量指标", "服务人次", "≥1.5万人次", "1.6", 20, 20)
    inds[1] = Ind("产出指标", "成本指标", "维修成本", "≤17.4万元", 17.4, 15, 15)
    path = tmp_path / "forms.xlsx"
    build(book, path, "national")
    result = run_checks(read_workbook(str(path)), P)
    assert [f.flat() for f in result.findings if f.severity != "info"] == []
    assert result.projects[0].score == 100
