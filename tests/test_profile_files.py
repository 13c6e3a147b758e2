"""Profile files as finance staff save them: Notepad/WPS on older Windows write UTF-8 with a
byte-order mark, and Chinese keys are easily typed without the quotes TOML needs."""

from __future__ import annotations

import codecs

import pytest

from perfxl.scoring.profile import ProfileError, load_profile
from perfxl.workbook.template import write_template

TEXT = 'name = "本省"\n[deviation]\npoints = 2\n'


def _workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    return path


def test_a_profile_saved_as_utf8_with_bom_is_read(tmp_path):
    bom = tmp_path / "bom.toml"
    bom.write_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))  # what 记事本 "UTF-8 with BOM" writes
    plain = tmp_path / "plain.toml"
    plain.write_bytes(TEXT.encode("utf-8"))
    with_bom, without = load_profile(str(bom)), load_profile(str(plain))
    assert (with_bom.name, with_bom.deviation_points) == ("本省", 2.0)
    assert (without.name, without.deviation_points) == ("本省", 2.0)


def test_check_accepts_a_bom_profile(run, tmp_path):
    bom = tmp_path / "bom.toml"
    bom.write_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    r = run("check", _workbook(tmp_path), "--profile", bom, "--no-write")
    assert r.exit_code in (0, 1) and "E109" not in r.output and "评分方案有误" not in r.output, r.output


def test_a_bom_does_not_hide_a_real_mistake(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(codecs.BOM_UTF8 + "[deviation]\npointz = 2\n".encode("utf-8"))
    with pytest.raises(ProfileError) as exc:
        load_profile(str(bad))
    assert "pointz" in str(exc.value)


@pytest.mark.parametrize("text, line, fixed, also", [
    ("[grades]\n优 = 90\n良 = 80\n", "优 = 90", '"优" = 90', "（第 3 行也是这样）"),  # the tester's grades.toml
    ("[split]\n产出指标 = 50\n", "产出指标 = 50", '"产出指标" = 50', ""),
    ("[split]\n\"产出指标\" = 50\n  效益指标 = 30 # 效益\n", "效益指标 = 30 # 效益", '"效益指标" = 30 # 效益', ""),
    ("[split]\n“产出指标” = 50\n", "“产出指标” = 50", '"产出指标" = 50', ""),  # Chinese quotes
    ("[units]\nsynonyms.平米 = \"平方米\"\n", "synonyms.平米 = \"平方米\"", 'synonyms."平米" = "平方米"', ""),
])
def test_an_unquoted_chinese_key_is_named_with_its_line(tmp_path, text, line, fixed, also):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    n = text.split("\n").index(next(x for x in text.split("\n") if x.strip() == line)) + 1
    assert str(exc.value) == f"文件“{path}”：第 {n} 行“{line}”的中文键名没有加英文双引号{also}"
    assert exc.value.hint == (f"中文键名要加英文双引号，例如把这一行写成 {fixed}",
                              f"Put Chinese keys in straight double quotes: write this line as {fixed}")
    assert f"line {n} “{line}”: the Chinese key is not in straight double quotes" in exc.value.en
    # what the message proposes is valid TOML that the profile accepts
    good = tmp_path / "good.toml"
    good.write_text(text.replace(line, fixed), encoding="utf-8")
    if "良 = 80" in text:
        good.write_text(text.replace(line, fixed).replace("良 = 80", '"良" = 80'), encoding="utf-8")
    load_profile(str(good))


def test_e109_unquoted_key_in_both_languages(run, tmp_path):
    bad = tmp_path / "grades.toml"
    bad.write_text("[grades]\n优 = 90\n良 = 95\n", encoding="utf-8")
    zh = run("check", _workbook(tmp_path), "--profile", bad, "--no-write")
    assert zh.exit_code == 2 and zh.output.count("\n") == 1
    assert "第 2 行“优 = 90”的中文键名没有加英文双引号（第 3 行也是这样）" in zh.output
    assert '中文键名要加英文双引号，例如把这一行写成 "优" = 90。' in zh.output
    assert "Invalid statement" not in zh.output and "对照默认方案" not in zh.output
    en = run("check", _workbook(tmp_path), "--profile", bad, "--no-write", "--lang", "en")
    assert en.exit_code == 2
    assert "line 2 “优 = 90”: the Chinese key is not in straight double quotes (so does line 3)" in en.output
    assert 'write this line as "优" = 90.' in en.output


def test_other_toml_errors_keep_the_parser_detail(tmp_path):
    """Not every TOML error is an unquoted key: an unclosed string or an ASCII key typo says what the parser says."""
    for text in ('name = "本省\n', "[grades\n", "[split]\n\"产出指标\" = \n"):
        path = tmp_path / "p.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ProfileError) as exc:
            load_profile(str(path))
        assert "不是有效的 TOML（" in str(exc.value) and "键名" not in str(exc.value) and exc.value.hint is None


def test_the_readme_profile_table_shows_keys_as_they_must_be_written():
    """Every `key = value` example in the README's table of profile keys is valid TOML (Chinese
    keys in quotes), so a user who copies one gets no E109."""
    import re
    import tomllib
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 评分方案（--profile）", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    examples = [x for row in rows for x in re.findall(r"`([^`]* = [^`]*)`", row)]
    assert len(examples) >= 8, examples
    for example in examples:
        tomllib.loads(example)  # raises on an unquoted Chinese key


@pytest.mark.parametrize("text, line, chars, fixed", [
    ('[grades]\n"优" ＝ 90\n', '"优" ＝ 90', "“＝”", '"优" = 90'),
    ('[grades]\n"优"= 90，\n', '"优"= 90，', "“，”", '"优"= 90'),
    ('[grades]\n"优"：90；\n', '"优"：90；', "“：”“；”", '"优"=90'),  # a colon after a key means TOML's =
])
def test_full_width_punctuation_is_named_with_its_line(tmp_path, text, line, chars, fixed):
    """Typed with a Chinese input method: ＝ and a trailing ， are named, with the line in half-width."""
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    assert str(exc.value) == f"文件“{path}”：第 2 行“{line}”用了全角符号{chars}"
    assert exc.value.hint[0] == f"TOML 只认英文（半角）符号，行末不要加逗号：把这一行写成 {fixed}"
    good = tmp_path / "good.toml"  # what the message proposes loads
    good.write_text(text.replace(line, fixed), encoding="utf-8")
    load_profile(str(good))


def test_full_width_characters_inside_a_string_are_the_user_s_text(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('name = "本省，方案＝2025"\n[grades\n', encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(str(path))
    assert "全角" not in str(exc.value)
