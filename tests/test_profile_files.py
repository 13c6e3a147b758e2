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
