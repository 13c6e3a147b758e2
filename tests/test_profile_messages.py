"""E109 (a scoring profile perfxl cannot use): one line that says what is wrong, in which file,
and what to do — in Chinese, and wholly in English under --lang en."""

from __future__ import annotations

import json
import re

import pytest

from perfxl.scoring.profile import ProfileError, load_profile
from perfxl.workbook.template import write_template

CJK = re.compile(r"[\u4e00-\u9fff]")

BAD = [
    "[scoring]\nfunding_weight = \"十\"\n",              # a number typed as text
    "[spilt]\n\"产出指标\" = 50\n",                      # an unknown table
    "[scoring]\nfunding = 10\n",                          # an unknown key
    "[scoring]\nfunding_weight = -1\n",                   # negative
    "[scoring]\nfunding_weight = 120\n",                  # above 100
    "[split]\n\"产出指标\" = -5\n",                       # a negative weight
    "[grades]\n\"优\" = 95\n\"良\" = 96\n",               # limits not falling
    "[grades]\n\"优\" = 190\n",                           # outside 0-100
    "[bands]\nmet = [0.9, 0.8]\n",                        # a band upside down
    "[numbers.multipliers]\n\"万\" = 0\n",                # a multiplier of 0
    "[reviewer]\nexcellent_rate_below = 60\n",
    "[reviewer]\nsame_actual_min = 1\n",
    "[deviation]\nshare = 0\n",
    "[deviation]\npoints = 200\n",
    "[execution_caps]\n\"80\" = 89\n",                   # not a percentage
    "[execution_caps]\n\"150%\" = 89\n",
    "[execution_caps]\n\"80%\" = 120\n",
    "[grades\n",                                          # not TOML
]


def _english_outside(text: str, *user: str) -> bool:
    for u in user:
        text = text.replace(u, "")
    return not CJK.search(text)


@pytest.mark.parametrize("text", BAD)
def test_every_profile_problem_has_its_english(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    assert "p.toml" in str(exc.value) and CJK.search(str(exc.value))  # Chinese by default
    assert "p.toml" in exc.value.en
    # only the user's own words (the keys they typed: 产出指标, 优, 良, 万, 十) may stay Chinese
    assert _english_outside(exc.value.en, "产出指标", "优", "良", "万", "十"), exc.value.en


def _workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    return path


def test_e109_bad_key_in_both_languages(run, tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[scoring]\nfunding_weight = \"ten\"\n", encoding="utf-8")
    zh = run("check", _workbook(tmp_path), "--profile", bad, "--no-write")
    assert zh.exit_code == 2
    assert "p.toml" in zh.output and "“scoring.funding_weight”应为数字" in zh.output and "ten" in zh.output
    en = run("check", _workbook(tmp_path), "--profile", bad, "--no-write", "--lang", "en", "--format", "json")
    assert en.exit_code == 2
    data = json.loads(en.output)
    f = data["findings"][0]
    assert f["code"] == "E109" and data["error"]["code"] == "bad_profile"
    assert "“scoring.funding_weight” should be a number, not “ten”" in f["message"] and "p.toml" in f["message"]
    for text in (f["message"], f["hint"], data["error"]["message"]):
        assert _english_outside(text), text


def test_e109_english_in_report_and_batch_too(run, tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[grades]\n\"A\" = 190\n", encoding="utf-8")
    book = _workbook(tmp_path)
    for args in (("report", book), ("batch", book, "-o", tmp_path / "r.xlsx")):
        r = run(*args, "--profile", bad, "--lang", "en")
        assert r.exit_code == 2 and "between 0 and 100, not 190" in r.output, r.output
        assert _english_outside(r.output, str(tmp_path)), r.output


def test_e109_missing_file_is_one_clear_message(run, tmp_path):
    """A missing profile: what is wrong and where, then advice that fits — not "correct it
    after the default profile" stacked after "not found"."""
    missing = tmp_path / "省级方案.toml"
    r = run("check", _workbook(tmp_path), "--profile", missing, "--no-write", "--format", "json")
    assert r.exit_code == 2
    data = json.loads(r.output)
    f = data["findings"][0]
    assert f["code"] == "E109" and data["error"]["code"] == "bad_profile"
    assert f["message"] == f"评分方案有误：找不到评分方案文件“{missing}”"
    assert "文件名和所在文件夹" in f["hint"] and "--profile" in f["hint"] and "对照" not in f["hint"]
    line = data["error"]["message"]
    assert line.count("找不到") == 1 and "请" in line and line.count("：") == 2  # what, where : what to do
    en = run("check", _workbook(tmp_path), "--profile", missing, "--no-write", "--lang", "en")
    assert en.exit_code == 2
    assert "was not found" in en.output and "Check the file name" in en.output
    assert "Correct it after" not in en.output and _english_outside(en.output, str(missing))


def test_e109_folder_and_encoding_get_their_own_advice(run, tmp_path):
    r = run("check", _workbook(tmp_path), "--profile", tmp_path, "--no-write")
    assert r.exit_code == 2 and "是文件夹" in r.output and ".toml" in r.output and "对照" not in r.output
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes("[scoring]\nfunding_weight = 10 # 预算\n".encode("gbk"))
    r = run("check", _workbook(tmp_path), "--profile", gbk, "--no-write")
    assert r.exit_code == 2 and "UTF-8" in r.output and "另存为" in r.output and r.output.count("UTF-8") == 2


def test_a_good_profile_is_no_error(run, tmp_path):
    good = tmp_path / "p.toml"
    good.write_text("[scoring]\nfunding_weight = 10\n", encoding="utf-8")
    r = run("check", _workbook(tmp_path), "--profile", good, "--no-write", "--lang", "en")
    assert r.exit_code in (0, 1) and "E109" not in r.output and "cannot be used" not in r.output
