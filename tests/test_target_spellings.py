"""How targets (年度指标值, A) and actual values (实际完成值, B) are read: a table of spellings
seen on national and provincial forms, each with the expected parse (docs/template.md §3)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from perfxl.scoring.profile import load_profile
from perfxl.scoring.targets import display_text, read_target, score_indicator

P = load_profile()
Q, D, L, N = "quantitative", "deadline", "qualitative", "none"

# (A, kind, direction, number, unit) — number in the base unit, percentages as percent numbers
TARGETS = [
    ("≥95%", Q, "at_least", 95, "%"),
    ("≧20000亩", Q, "at_least", 20000, "亩"),
    ("═100%", Q, "equal", 100, "%"),
    ("=100%", Q, "equal", 100, "%"),
    ("＝100%", Q, "equal", 100, "%"),
    ("﹦1", Q, "equal", 1, None),
    ("等于12个", Q, "equal", 12, "个"),
    (">=530元/人*月", Q, "at_least", 530, "元/人·月"),
    ("≥530元/人·月", Q, "at_least", 530, "元/人·月"),
    ("≥100百分比", Q, "at_least", 100, "%"),
    ("100%覆盖", Q, "at_least", 100, "%"),
    ("100%完成", Q, "at_least", 100, "%"),
    ("100%达标", Q, "at_least", 100, "%"),
    ("100%到位", Q, "at_least", 100, "%"),
    ("100%合格", Q, "at_least", 100, "%"),
    ("100%完成验收", Q, "at_least", 100, "%"),
    ("5万", Q, "at_least", 50000, None),
    ("5万人次", Q, "at_least", 50000, "人次"),
    ("2亿", Q, "at_least", 2e8, None),
    ("不低于95%", Q, "at_least", 95, "%"),
    ("不少于10次", Q, "at_least", 10, "次"),
    ("不小于3个", Q, "at_least", 3, "个"),
    ("至少2场", Q, "at_least", 2, "场"),
    ("达到90%", Q, "at_least", 90, "%"),
    ("大于等于80%", Q, "at_least", 80, "%"),
    ("95%以上", Q, "at_least", 95, "%"),
    ("95%及以上", Q, "at_least", 95, "%"),
    ("10人以上", Q, "at_least", 10, "人"),
    (">0", Q, "more_than", 0, None),
    ("大于50户", Q, "more_than", 50, "户"),
    ("高于去年", L, None, None, None),
    ("超过1000人次", Q, "more_than", 1000, "人次"),
    ("≤500万元", Q, "at_most", 5_000_000, "元"),
    ("<=500万元", Q, "at_most", 5_000_000, "元"),
    ("≦3天", Q, "at_most", 3, "天"),
    ("小于等于5%", Q, "at_most", 5, "%"),
    ("不高于3%", Q, "at_most", 3, "%"),
    ("不超过100万元", Q, "at_most", 1_000_000, "元"),
    ("不多于2次", Q, "at_most", 2, "次"),
    ("不大于1‰", Q, "at_most", 1, "‰"),
    ("控制在预算内", L, None, None, None),
    ("控制在50万元以内", Q, "at_most", 500_000, "元"),
    ("5%以内", Q, "at_most", 5, "%"),
    ("3天以下", Q, "at_most", 3, "天"),
    ("2次及以下", Q, "at_most", 2, "次"),
    ("<5%", Q, "less_than", 5, "%"),
    ("低于3%", Q, "less_than", 3, "%"),
    ("小于1天", Q, "less_than", 1, "天"),
    ("≥10年", Q, "at_least", 10, "年"),
    ("1200平方米", Q, "at_least", 1200, "平方米"),
    ("1200㎡", Q, "at_least", 1200, "平方米"),
    ("1200m²", Q, "at_least", 1200, "平方米"),
    ("１２００平方米", Q, "at_least", 1200, "平方米"),
    ("1,234.5万元", Q, "at_least", 12_345_000, "元"),
    ("3.5亿元", Q, "at_least", 3.5e8, "元"),
    ("10公里", Q, "at_least", 10, "公里"),
    ("10千米", Q, "at_least", 10, "公里"),
    ("10km", Q, "at_least", 10, "公里"),
    ("500公斤", Q, "at_least", 500, "公斤"),
    ("500千克", Q, "at_least", 500, "公斤"),
    ("20名", Q, "at_least", 20, "人"),
    ("3位", Q, "at_least", 3, "人"),
    ("5日", Q, "at_least", 5, "天"),
    ("满意度≥90%", Q, "at_least", 90, "%"),
    ("合格率100%", Q, "at_least", 100, "%"),
    ("覆盖率≥95%", Q, "at_least", 95, "%"),
    ("完成数≥10个", Q, "at_least", 10, "个"),
    ("90%-100%", Q, "at_least", 90, "%"),
    ("90-100%", Q, "at_least", 90, "%"),
    ("1-2次/周", Q, "at_least", 1, "次/周"),
    ("1～2次/周", Q, "at_least", 1, "次/周"),
    ("3至5个", Q, "at_least", 3, "个"),
    ("0起", Q, "at_most", 0, "起"),
    ("0", Q, "at_most", 0, None),
    ("-5%", Q, "at_least", -5, "%"),
    ("100", Q, "at_least", 100, None),
    ("1项", Q, "at_least", 1, "项"),
    ("8小时", Q, "at_least", 8, "小时"),
    ("2个百分点", L, None, None, None),
    ("2百分点", Q, "at_least", 2, "百分点"),
    ("500GB", Q, "at_least", 500, "GB"),
    ("30万粒", Q, "at_least", 300_000, "粒"),
    ("2025年12月", D, None, None, None),
    ("2023年12月", D, None, None, None),
    ("2025年12月底前", D, None, None, None),
    ("2025年12月31日前", D, None, None, None),
    ("2025年12月31日", D, None, None, None),
    ("12月底前", D, None, None, None),
    ("2025年", D, None, None, None),
    ("2025年底前", D, None, None, None),
    ("年底前", D, None, None, None),
    ("年内", D, None, None, None),
    ("第四季度", D, None, None, None),
    ("2025年第三季度", D, None, None, None),
    ("2025-12-31", D, None, None, None),
    ("明显改善", L, None, None, None),
    ("按时完成", L, None, None, None),
    ("2025年12月底前完成验收", L, None, None, None),
    ("合规", L, None, None, None),
    ("有效保障", L, None, None, None),
    ("逐步提高", L, None, None, None),
    ("长期", L, None, None, None),
    ("是", L, None, None, None),
    ("", N, None, None, None),
    ("—", N, None, None, None),
    ("-", N, None, None, None),
    ("一", N, None, None, None),
    ("/", N, None, None, None),
    ("无", N, None, None, None),
    ("不适用", N, None, None, None),
    (None, N, None, None, None),
]


@pytest.mark.parametrize("text,kind,direction,number,unit", TARGETS, ids=[str(t[0]) for t in TARGETS])
def test_target_spelling(text, kind, direction, number, unit):
    r = read_target(text, year=2025, profile=P)
    assert r.kind == kind
    if kind == Q:
        assert r.direction == direction
        assert r.number == pytest.approx(number)
        assert r.unit == unit


def test_deadline_dates():
    assert read_target("2025年12月", profile=P).deadline == date(2025, 12, 31)
    assert read_target("12月底前", year=2025, profile=P).deadline == date(2025, 12, 31)
    assert read_target("第三季度", year=2025, profile=P).deadline == date(2025, 9, 30)
    assert read_target("2025年", profile=P).deadline == date(2025, 12, 31)
    assert read_target(datetime(2025, 6, 30), profile=P).deadline == date(2025, 6, 30)


def test_bare_number_directions_by_level_and_placeholder():
    assert read_target("100万元", level1="成本指标", profile=P).direction == "at_most"
    assert read_target("100万元", level1="产出指标", level2="成本指标", profile=P).direction == "at_most"
    assert read_target("100万元", level2="经济成本指标", profile=P).direction == "at_most"
    assert read_target("30天", level2="时效指标", profile=P).direction == "at_most"
    assert read_target("30个", level2="时效指标", profile=P).direction == "at_least"
    r = read_target("22.8", name="公猪舍（≥**平方米）", profile=P)
    assert (r.direction, r.number, r.unit) == ("at_least", 22.8, "平方米")
    r = read_target(22.8, name="公猪舍（≤**平方米）", profile=P)
    assert (r.direction, r.unit) == ("at_most", "平方米")


def test_percent_formatted_target_cell():
    r = read_target(0.95, number_format="0%", profile=P)
    assert (r.kind, r.number, r.unit, r.text) == (Q, 95, "%", "95%")
    assert display_text(0.98, "0.00%") == "98%"
    assert display_text(0.955, "0.0%") == "95.5%"
    assert display_text(1200.0) == "1200"
    assert display_text(datetime(2025, 12, 31)) == "2025年12月31日"


# (A, B, weight, low, high, status, level) — ranges of docs/template.md §4
SCORES = [
    ("≥2000平方米", "1800平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "约1800平方米", 15, 13.5, 13.5, "ok", None),
    ("≥2000平方米", "累计1800", 15, 13.5, 13.5, "ok", None),
    ("≥266米", "≥266米", 10, 10, 10, "ok", None),
    ("≥95%", "0.98", 10, 10, 10, "ok", None),
    ("≥95%", "90%", 10, 9.473684, 9.473684, "ok", None),
    ("≥100%", "100", 10, 10, 10, "ok", None),
    ("≥100%", "0%", 15, 0, 0, "ok", None),
    ("≥10个", "12个", 10, 10, 10, "ok", None),
    ("≥10个", "3批", 10, 0, 10, "unit_mismatch", None),
    ("≥10个", "较好", 10, 0, 10, "not_number", None),
    ("≥10个", "无", 10, 0, 0, "ok", None),
    ("≥5万人次", "4.8万", 10, 9.6, 9.6, "ok", None),
    ("≥5万人次", "48000人次", 10, 9.6, 9.6, "ok", None),
    ("≥100万元", "50万元", 10, 5, 5, "ok", None),
    ("≥100万元", "500000元", 10, 5, 5, "ok", None),
    ("≤500万元", "400万元", 10, 10, 10, "ok", None),
    ("≤500万元", "625万元", 10, 8, 8, "ok", None),
    ("0起", "0起", 5, 5, 5, "ok", None),
    ("0起", "0", 5, 5, 5, "ok", None),
    ("0起", "2起", 5, 0, 0, "ok", None),
    ("=100%", "80%", 10, 8, 8, "ok", None),
    (">0", "3", 10, 10, 10, "ok", None),
    ("≥0", "0", 10, 10, 10, "ok", None),
    ("明显改善", "明显改善", 30, 30, 30, "ok", "met"),
    ("明显改善", "有所改善", 30, 24, 30, "ok", "met"),
    ("明显改善", "部分改善", 30, 18, 24, "ok", "partly"),
    ("明显改善", "不断改善", 30, 24, 30, "ok", "met"),
    ("按时完成", "部分完成", 10, 6, 8, "ok", "partly"),
    ("按时完成", "未完成", 10, 0, 6, "ok", "not_met"),
    ("按时完成", "不及时", 10, 0, 6, "ok", "not_met"),
    ("质量达标", "有待提升", 10, 6, 8, "ok", "partly"),
    ("安全", "无安全事故", 10, 8, 10, "ok", "met"),
    ("安全", "未发生安全事故", 10, 8, 10, "ok", "met"),
    ("零投诉", "零投诉", 10, 10, 10, "ok", "met"),
    ("安全", "发生1起事故", 10, 0, 6, "ok", "not_met"),
    ("是否合规", "是", 10, 8, 10, "ok", "met"),
    ("是否合规", "否", 10, 0, 6, "ok", "not_met"),
    ("合规", "说不清", 10, 0, 10, "unverifiable", None),
    ("2025年12月底前", "2025年11月", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "2026年1月", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "按时完成", 15, 15, 15, "ok", "met"),
    ("2025年12月底前", "延期", 15, 0, 9, "ok", "not_met"),
    ("2025年12月底前", "未完成", 15, 0, 9, "ok", "not_met"),
    ("", "100%", 10, 0, 10, "no_target", None),
]


@pytest.mark.parametrize("a,b,weight,low,high,status,level", SCORES, ids=[f"{s[0]}|{s[1]}" for s in SCORES])
def test_score_range(a, b, weight, low, high, status, level):
    target = read_target(a, year=2025, profile=P)
    s = score_indicator(target, b, weight=weight, profile=P, year=2025)
    assert s.status == status
    assert s.low == pytest.approx(low, abs=1e-6) and s.high == pytest.approx(high, abs=1e-6)
    assert s.level == level


def test_percent_formatted_actual_cell_is_a_fraction():
    target = read_target("≥95%", profile=P)
    s = score_indicator(target, 0.9, actual_number_format="0%", weight=10, profile=P)
    assert s.low == pytest.approx(9.473684, abs=1e-6)


def test_date_cell_actual_against_deadline():
    target = read_target("2025年6月30日前", profile=P)
    assert score_indicator(target, datetime(2025, 6, 1), weight=10, profile=P).level == "met"
    assert score_indicator(target, datetime(2025, 7, 1), weight=10, profile=P).level == "not_met"


def test_over_scoring_message_detail():
    target = read_target("≥2000平方米", profile=P)
    s = score_indicator(target, "1800平方米", weight=15, profile=P)
    assert s.detail == "实际完成值1800平方米，按规则应得13.5"
