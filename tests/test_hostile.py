"""Regression tests, one per crash cause found by the 3,023-file campaign, each
input built in code: the run ends with a report (exit 0 or 1) or one Chinese refusal
(exit 2), never an internal error; the input is unchanged; the output reopens."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import said
from hostile import assert_findings_have_valid_cells, assert_sound_output, rewrite_part, set_raw
from layouts import Book, build

pytestmark = pytest.mark.usefixtures("tmpdir_left_empty")  # no temp file outlives a run

EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|Traceback|decimal\.")


def _book(tmp_path, edit=None, layout="national"):
    path = tmp_path / "in.xlsx"
    where = build(Book(), path, layout)
    if edit is not None:
        wb = load_workbook(path)
        edit(wb, where)
        wb.save(path)
    return path, where


def _check(run, path, *extra):
    before = path.read_bytes()
    out = path.with_name("out.xlsx")
    result = run("check", path, "-o", out, "--format", "json", *extra)
    assert path.read_bytes() == before, "the input file changed"
    assert not EXCEPTION_NAME.search(result.output), result.output
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    assert_findings_have_valid_cells(data["findings"])
    assert_sound_output(out)
    return data, out


def _codes(data, code):
    return [(f["sheet"], f["cell"]) for f in data["findings"] if f["code"] == code]


# -- 1. a comment on a merged cell during write-back ------------------------------------

def test_mark_on_a_merged_cell_goes_on_the_top_left_cell(run, tmp_path):
    # 年初预算数 merged over 全年预算数: the missing budget is reported at D6, inside C6:D6
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].merge_cells("C6:D6"))
    data, out = _check(run, path)
    assert ("项目1", "D6") in _codes(data, "R110")
    ws = load_workbook(out)["项目1"]
    assert "R110" in ws["C6"].comment.text


# -- 2. decimal.InvalidOperation on extreme numbers -------------------------------------

@pytest.mark.parametrize("value", [1e20, 1e30, 1e308, 5e-324, -0.0, 10 ** 30])
def test_extreme_numbers_in_indicators_scores_and_funding(run, tmp_path, value):
    def edit(wb, w):
        ws = wb["项目1"]
        ws[w("项目1", (0, "actual"))] = value  # the indicator reader
        ws[w("项目1", (1, "score"))] = value  # the precision rule
        ws[w("项目1", "budget")] = value  # rates, shares, the narrative
        ws[w("项目1", "total")] = value
    data, _ = _check(run, _book(tmp_path, edit)[0])
    assert data["findings"]


def test_text_of_the_largest_number(run, tmp_path):
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].__setitem__("J1", '=TEXT(1E+308,"0.00")'))
    data, _ = _check(run, path)
    assert not _codes(data, "R114")  # computed: a 311-digit text


# -- 3. OverflowError on infinity -------------------------------------------------------

def test_largest_float_as_a_score(run, tmp_path):
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].__setitem__(w("项目1", "total"), 1.7976931348623157e308))
    data, _ = _check(run, path)
    assert ("项目1", where("项目1", "total")) in {(f["sheet"], f["cell"]) for f in data["findings"]}


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "123456789012345678901234567890", "1" * 400])
def test_unrepresentable_numbers_in_the_file(run, tmp_path, raw):
    path, where = _book(tmp_path)
    count = where("单位情况", "在编人员")
    set_raw(path, "单位情况", count, f"<v>{raw}</v>", ' t="n"')
    set_raw(path, "项目1", where("项目1", "budget"), f"<v>{raw}</v>", ' t="n"')
    data, _ = _check(run, path)
    cells = {(f["sheet"], f["cell"]) for f in data["findings"]}
    if len(raw) < 100:  # 30 digits: a number Excel holds (as 1.23E+29), too many people
        assert ("单位情况", where("单位情况", "人员合计")) in cells
    else:  # infinity or 400 digits: #NUM!, not a number
        assert ("单位情况", count) in cells


def test_nan_in_the_file_is_a_damaged_file(run, tmp_path):
    path, where = _book(tmp_path)
    set_raw(path, "项目1", where("项目1", "budget"), "<v>nan</v>", ' t="n"')
    before = path.read_bytes()
    result = run("check", path)
    assert result.exit_code == 2 and "in.xlsx" in result.output and "重新保存" in result.output
    assert not EXCEPTION_NAME.search(result.output) and path.read_bytes() == before


# -- 4. RecursionError in the parser and the evaluator ----------------------------------

def test_three_thousand_unary_minuses(run, tmp_path):
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].__setitem__(w("项目1", "fscore"), "=" + "-" * 3000 + "10"))
    data, _ = _check(run, path)
    assert not _codes(data, "R114") and not _codes(data, "F103")  # computed: 10


def test_five_thousand_term_sum(run, tmp_path):
    formula = "=" + "+".join(["0"] * 5000) + "+100"
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].__setitem__(w("项目1", "total"), formula))
    data, _ = _check(run, path)
    assert not _codes(data, "R114") and not [f for f in data["findings"] if f["code"].startswith("T")]


def test_x115_formula_nested_too_deep_is_a_finding(run, tmp_path):
    deep = "=" + "(" * 100 + "1" + ")" * 100
    path, where = _book(tmp_path)
    wb = load_workbook(path)
    wb["项目1"]["J1"] = deep
    wb["项目1"]["J2"] = "=" + "SUM(" * 70 + "1" + ")" * 70
    wb.save(path)
    set_raw(path, "项目1", "J2", f"<f>{'SUM(' * 70}1{')' * 70}</f><v>1</v>")  # with a cached value
    data, _ = _check(run, path)
    assert ("项目1", "J1") in _codes(data, "R114")  # no cached value: cannot compute
    assert ("项目1", "J2") in _codes(data, "X115")  # cached value: cannot check it


# -- 5. IndexError in the tokenizer on "=)" ----------------------------------------------

@pytest.mark.parametrize("formula", ["=)", "=(", "=SUM(", '="', "={1,", "=1+", "=#REF", "=A1:", "=''!A1"])
def test_formulas_the_tokenizer_cannot_read(run, tmp_path, formula):
    path, where = _book(tmp_path, lambda wb, w: wb["项目1"].__setitem__("J1", formula))
    data, _ = _check(run, path)
    assert ("项目1", "J1") in _codes(data, "R114")


# -- 6. an out-of-range numFmtId in styles.xml ------------------------------------------

@pytest.mark.parametrize("num_fmt_id", ["9999", "-1"])
def test_number_format_id_that_styles_do_not_define(run, tmp_path, num_fmt_id):
    path, where = _book(tmp_path)
    rewrite_part(path, "xl/styles.xml", lambda xml: re.sub(r'numFmtId="10"', f'numFmtId="{num_fmt_id}"', xml))
    data, _ = _check(run, path)
    assert data["projects"]


# -- refusals: one Chinese line naming the file, no exception names -------------------------

def _encrypted(path):
    # An OLE2 container with the streams Office writes for a password-protected .xlsx.
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path.write_bytes(head + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)


def _xlsb(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\0\1\2")


def _ods(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")


def _bad_styles(path):
    build(Book(), path, "national")
    rewrite_part(path, "xl/styles.xml", lambda xml: re.sub(r'numFmtId="\d+"', 'numFmtId="abc"', xml))


def _damaged_xls(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)


# file name -> (how it is made, words of the line, words of the advice, the rule it stops with)
REFUSED = {
    "encrypted.xlsx": (_encrypted, "设置了打开密码", "保护工作簿", "E121"),
    "encrypted.xls": (_encrypted, "设置了打开密码", "清空密码", "E121"),
    "a.xlsb": (_xlsb, ".xlsb", "另存为", "E122"),
    "a.ods": (_ods, ".ods", "另存为", "E123"),
    "styles.xlsx": (_bad_styles, "无法作为工作簿读取", "重新保存", "E105"),
    "damaged.xls": (_damaged_xls, "旧版", "另存为", "E104"),
    "damaged.et": (_damaged_xls, "旧版", "另存为", "E104"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_e104_e121_e122_e123_refusals_are_one_chinese_line_naming_the_file(run, tmp_path, name):
    make, what, todo, code = REFUSED[name]
    path = tmp_path / name
    make(path)
    before = path.read_bytes()
    result = run("check", path)
    assert result.exit_code == 2 and said(result.output, code), result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and name in line and what in line and todo in line, line
    assert not EXCEPTION_NAME.search(line), line
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("name", ["a.xlsb", "a.ods"])
def test_e122_e123_a_workbook_under_such_a_name_is_read_by_its_content(run, tmp_path, name):
    """The refusal is of the format, not of the name: an .xlsx saved as a.xlsb or a.ods is read."""
    path = tmp_path / name
    build(Book(), path, "national")
    result = run("check", path, "--no-write")
    assert result.exit_code == 0 and not said(result.output, "E122") and not said(result.output, "E123")


def _main(monkeypatch, capsys, *args):
    import sys

    from perfxl.cli import main
    monkeypatch.setattr(sys, "argv", ["perfxl", *map(str, args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    out = capsys.readouterr()
    return exit_.value.code, out.err if "--format" not in args else out.out


def test_e129_an_unexpected_error_is_one_line_naming_the_file(monkeypatch, capsys, tmp_path):
    path, _ = _book(tmp_path)

    def broken(*a, **k):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr("perfxl.pipeline.run_checks", broken)
    monkeypatch.delenv("PERFXL_DEBUG", raising=False)
    code, err = _main(monkeypatch, capsys, "check", path)
    assert code == 2
    line = err.strip()
    assert len(line.splitlines()) == 1 and "in.xlsx" in line and "PERFXL_DEBUG=1" in line and "维护者" in line
    assert not EXCEPTION_NAME.search(line) and "a bug" not in line
    monkeypatch.setenv("PERFXL_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        _main(monkeypatch, capsys, "check", path)


def test_e129_in_json_is_the_error_object(monkeypatch, capsys, tmp_path):
    path, _ = _book(tmp_path)

    def broken(*a, **k):
        raise KeyError("a bug")
    monkeypatch.setattr("perfxl.pipeline.run_checks", broken)
    monkeypatch.delenv("PERFXL_DEBUG", raising=False)
    code, out = _main(monkeypatch, capsys, "check", path, "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["error"]["rule"] == "E129" and data["error"]["code"] == "internal_error"
    assert "in.xlsx" in data["error"]["message"] and "a bug" not in out
