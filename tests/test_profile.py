"""Scoring profiles (docs/template.md §4): the shipped national-2020 and files merged over it."""

from __future__ import annotations

import pytest

from perfxl.scoring.profile import Profile, ProfileError, load_profile


def _write(tmp_path, text: str, name: str = "p.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_default_numbers():
    p = load_profile()
    assert isinstance(p, Profile) and p.name == "national-2020"
    assert p.funding_weight == 10
    assert p.split == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert sum(p.split.values()) + p.funding_weight == 100
    assert p.cost_split is None
    assert p.grades[:3] == [("优", 90), ("良", 80), ("中", 60)]
    assert (p.score_tolerance, p.rate_tolerance) == (0.01, 0.0001)
    assert p.bands == {"met": (0.8, 1.0), "partly": (0.6, 0.8), "not_met": (0.0, 0.6)}


def test_default_word_lists():
    p = load_profile()
    assert {"≥", ">=", "≧", "不低于", "达到"} <= set(p.comparisons["at_least"])
    assert {"═", "＝", "﹦", "="} <= set(p.comparisons["equal"])
    assert {"以上", "及以上"} <= set(p.suffixes["at_least"])
    assert {"以内", "以下", "及以下"} <= set(p.suffixes["at_most"])
    assert {"完成", "覆盖", "达标", "到位", "合格", "验收", "完成验收"} <= set(p.words["completion"])
    assert {"未", "不", "无", "没有", "尚未"} <= set(p.words["negations"])
    assert {"事故", "投诉", "违规", "违纪", "差错", "案件", "火灾"} <= set(p.words["harm"])
    assert p.words["yes"] == ["是"] and p.words["no"] == ["否"]
    assert {"按时完成", "提前完成", "已完成"} <= set(p.words["deadline_met"])
    assert {"延期", "未按时", "逾期"} <= set(p.words["deadline_not_met"])
    assert {"约", "共", "累计", "完成", "实际", "达到"} <= set(p.words["actual_leading"])
    assert {"万元", "人次", "平方米", "km", "GB", "TB"} <= set(p.units)
    assert p.unit_synonyms["km"] == "公里" and p.unit_synonyms["位"] == "人"
    assert set(p.duration_units) >= {"天", "日", "小时", "工作日", "周", "个月", "月", "年"}
    assert p.level1_of("产出") == "产出指标" and p.level1_of("一、效益指标") == "效益指标"
    assert p.level1_of("产出指标（50分）") == "产出指标" and p.level1_of("投入管理") is None
    assert p.is_level2("时效指标") and p.is_level2("生态环境成本指标") and not p.is_level2("财务管理")
    assert p.is_cost_level("经济成本指标") and p.is_cost_level("成本指标") and not p.is_cost_level("数量指标")
    assert p.is_timeliness_level("时效指标")


@pytest.mark.parametrize("score,grade", [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"), (60, "中"), (59.99, "差"), (0, "差"),
])
def test_grade(score, grade):
    assert load_profile().grade(score) == grade


def test_override_changes_weights_and_keeps_the_rest(tmp_path):
    p = load_profile(_write(tmp_path, '[scoring]\nfunding_weight = 20\n[split]\n"产出指标" = 40\n'))
    assert p.funding_weight == 20
    assert p.split == {"产出指标": 40, "效益指标": 30, "满意度指标": 10}
    assert p.score_tolerance == 0.01 and p.bands == load_profile().bands
    assert p.words == load_profile().words


def test_override_cost_split_and_grades(tmp_path):
    text = ('name = "某省-2024"\n[cost_split]\n"产出指标" = 40\n"成本指标" = 10\n"效益指标" = 30\n'
            '"满意度指标" = 10\n[grades]\n"优" = 95\n')
    p = load_profile(_write(tmp_path, text))
    assert p.name == "某省-2024"
    assert p.cost_split == {"产出指标": 40, "成本指标": 10, "效益指标": 30, "满意度指标": 10}
    assert p.grade(94) == "良" and p.grade(95) == "优"


def test_override_word_list_replaces_it(tmp_path):
    p = load_profile(_write(tmp_path, '[words]\nharm = ["事故"]\n[units.synonyms]\n"平方" = "平方米"\n'))
    assert p.words["harm"] == ["事故"]
    assert p.unit_synonyms["平方"] == "平方米" and p.unit_synonyms["km"] == "公里"
    assert p.words["met"] == load_profile().words["met"]


@pytest.mark.parametrize("text,expected", [
    ("[grades\n", "不是有效的 TOML"),
    ("[scoring]\nfunding_weight = \"十\"\n", "应为数字"),
    ("[scoring]\nfunding_weight = true\n", "应为数字"),
    ("[split]\n\"产出指标\" = \"五十\"\n", "应为数字"),
    ("[cost_split]\n\"成本指标\" = [10]\n", "应为数字"),
    ("[split]\n\"产出指标\" = -5\n", "负数"),
    ("[scoring]\nfunding_weight = -1\n", "负数"),
    ("[grades]\n\"优\" = 70\n", "递减"),
    ("[grades]\n\"良\" = 95\n", "递减"),
    ("[grades]\n\"优\" = 120\n", "0 到 100"),
    ("[bands]\nmet = [0.9, 0.8]\n", "得分区间"),
    ("[bands]\npartly = [0.6]\n", "得分区间"),
    ("[bands]\nmet = \"高\"\n", "数字列表"),
    ("[words]\nmet = \"完成\"\n", "文字列表"),
    ("[words]\nmet = [\"完成\", 1]\n", "文字列表"),
    ("[comparisons]\nat_least = \"≥\"\n", "文字列表"),
    ("split = 50\n", "表"),
    ("[spilt]\n\"产出指标\" = 50\n", "不认识“spilt”"),
    ("[scoring]\nfunding = 10\n", "不认识“scoring.funding”"),
    ("[numbers.multipliers]\n\"万\" = 0\n", "正数"),
])
def test_bad_file_is_a_chinese_error_naming_the_file(tmp_path, text, expected):
    path = _write(tmp_path, text, "bad.toml")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    message = str(exc.value)
    assert expected in message
    assert "bad.toml" in message


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError) as exc:
        load_profile(str(tmp_path / "none.toml"))
    assert "找不到评分方案文件" in str(exc.value) and "none.toml" in str(exc.value)


def test_directory_is_not_a_profile(tmp_path):
    with pytest.raises(ProfileError):
        load_profile(str(tmp_path))


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes('[scoring]\nfunding_weight = 10 # 预算\n'.encode("gbk"))
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    assert "UTF-8" in str(exc.value)


def test_empty_file_is_the_default(tmp_path):
    p = load_profile(_write(tmp_path, ""))
    d = load_profile()
    assert (p.funding_weight, p.split, p.grades, p.bands) == (d.funding_weight, d.split, d.grades, d.bands)
