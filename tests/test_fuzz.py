"""The fuzz campaign: workbooks built within and beyond the contract, and byte-level
damage to real package parts, through the whole ``perfxl check`` (read, rules, write-back).

Every run must: raise nothing, exit 0, 1 or 2, name only valid cell addresses, leave the
input's bytes unchanged, and write an output that reopens in openpyxl.

A short run is part of the normal suite (a few seconds). The long one is
``pytest -m fuzz`` (PERFXL_FUZZ_EXAMPLES per test, 5,000 by default: >= 10,000 in all);
its last figure is in the README's reliability section.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import string
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from hostile import VALID_CELL, tmpdir_left_empty
from layouts import LAYOUTS, Book, Proj, build
from perfxl.cli import cli
from perfxl.excel import labels as L

SHORT = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=int(os.environ.get("PERFXL_FUZZ_EXAMPLES", "5000")), deadline=None,
                database=None, suppress_health_check=list(HealthCheck))

# -- values -----------------------------------------------------------------------------

EXTREME_FLOATS = [float("inf"), float("-inf"), 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324,
                  -0.0, 0.0, 1e20, 1e30, 1e15, 0.1 + 0.2, 2.675, 99.995, 100.0000001]
BIG_INTS = [10 ** 30, -(10 ** 30), 2 ** 53 + 1, 2 ** 63, 10 ** 15]
LABEL_WORDS = sorted({*L.UNIT_LABELS, *L.PROJECT_LABELS, *L.FUNDING_COLUMNS, *L.FUNDING_ROWS,
                      *L.INDICATOR_COLUMNS, *L.TOTAL_ROW, *L.SUMMARY_COLUMNS})
TEXTS = ["", " ", "—", "无", "≥90%", "≤5天", "100%", "95%", "1,250平方米", "2025年10月底前", "按时完成", "#DIV/0!",
         "#REF!", "'=1", "１２３", "约50", "46.8万元", "达成", "未完成", "\u200b", "a" * 300, "项目\n名称",
         "=", "===", "'", '"', "<v>1</v>", "]]>", "\x00"]
FUNCTIONS = ["SUM", "MIN", "MAX", "AVERAGE", "COUNT", "COUNTA", "ROUND", "ROUNDUP", "ROUNDDOWN", "ABS", "INT",
             "IF", "IFS", "IFERROR", "AND", "OR", "NOT", "ISBLANK", "SUMPRODUCT", "TEXT", "CONCATENATE", "LEN",
             "VLOOKUP", "INDIRECT", "OFFSET", "NOW"]
FIXED_FORMULAS = ["=)", "=(", "=((", "=SUM(", "=1+", "=" + "-" * 3000 + "1", "=" + "+".join(["1"] * 5000),
                  "=" + "(" * 80 + "1" + ")" * 80, "=" + "IF(1," * 70 + "1" + ")" * 70, '=TEXT(1E+308,"0.00")',
                  "=1E+999", "=1/0", "=A1", "=XFD1048576", "=A:A", "=1:1048576", "=[1]Sheet1!A1", "='no sheet'!A1",
                  "=SUM(A1:XFD1048576)", "={1,2;3,4}", "=A1 B1", "=A1,B1", "=LAMBDA(x,x)(1)", '=""&1E+308',
                  "=ROUND(1E+308,-400)", "=ROUND(1,1E+308)", "=INT(-1E+308*10)", "=10^400", "=(-8)^(1/3)"]


def _ref():
    col = st.integers(1, 40).map(get_column_letter)
    row = st.integers(1, 60)
    cell = st.builds(lambda c, r: f"{c}{r}", col, row)
    rng = st.builds(lambda a, b: f"{a}:{b}", cell, cell)
    sheet = st.sampled_from(["", "'项目1'!", "汇总!", "单位情况!", "'项目 2'!", "Sheet!"])
    return st.builds(lambda s, r: s + r, sheet, st.one_of(cell, rng))


def _expr(depth: int = 0):
    leaf = st.one_of(_ref(), st.sampled_from(["1", "0", "-1", "1E+308", "5E-324", '"文本"', "TRUE", "#N/A",
                                              "0.1", "100", '"95%"', '""']))
    if depth > 3:
        return leaf
    sub = st.deferred(lambda: _expr(depth + 1))
    return st.one_of(
        leaf,
        st.builds(lambda a, op, b: f"{a}{op}{b}", sub, st.sampled_from(list("+-*/^&=<>") + ["<>", "<=", ">="]), sub),
        st.builds(lambda f, args: f"{f}({','.join(args)})", st.sampled_from(FUNCTIONS),
                  st.lists(sub, min_size=0, max_size=4)),
        st.builds(lambda a: f"({a})", sub),
        st.builds(lambda a: f"-{a}", sub),
        st.builds(lambda a: f"{a}%", sub),
    )


def formulas():
    return st.one_of(st.sampled_from(FIXED_FORMULAS), _expr().map(lambda e: "=" + e))


def hostile_values():
    return st.one_of(
        st.none(),
        st.sampled_from(EXTREME_FLOATS),
        st.sampled_from(BIG_INTS),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10 ** 40), 10 ** 40),
        st.booleans(),
        st.sampled_from(TEXTS),
        st.sampled_from(LABEL_WORDS),
        st.text(alphabet=string.printable + "项目名称得分分值合计总分万元%≥≤一二三", max_size=40),
        st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 1, 1)),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
        formulas(),
    )


# -- workbooks --------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _base(layout: str, projects: int) -> tuple[bytes, dict]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "b.xlsx"
        book = Book(projects=[Proj(sheet=f"项目{i}", name=f"项目{i}") for i in range(1, projects + 1)])
        where = build(book, path, layout)
        return path.read_bytes(), where.cells


def _cell_address():
    near = st.builds(lambda c, r: f"{get_column_letter(c)}{r}", st.integers(1, 12), st.integers(1, 40))
    far = st.builds(lambda c, r: f"{get_column_letter(c)}{r}", st.integers(1, 60), st.integers(1, 1500))
    edge = st.sampled_from(["XFD1048576", "A1048576", "XFD1", "AMJ65536", "IV65536"])  # the sheet's corners
    return st.one_of(near, near, far, edge)


edits = st.lists(st.one_of(
    st.tuples(st.just("set_known"), st.integers(0, 10 ** 6), hostile_values()),
    st.tuples(st.just("set"), _cell_address(), hostile_values()),
    st.tuples(st.just("merge"), st.integers(1, 12), st.integers(1, 40), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("delete_rows"), st.integers(1, 40), st.integers(1, 5)),
    st.tuples(st.just("delete_cols"), st.integers(1, 10), st.integers(1, 2)),
    st.tuples(st.just("drop_sheet"), st.integers(0, 10)),
    st.tuples(st.just("hide_sheet"), st.integers(0, 10)),
    st.tuples(st.just("rename_sheet"), st.integers(0, 10), st.sampled_from(["汇总", "项目1", "检查结果", "_perfxl_marks", "x"])),
), max_size=8)


def _apply(wb, where: dict, ops, rnd: random.Random) -> None:
    known = [(sheet, ref) for sheet, keys in where.items() for ref in keys.values()]
    for op in ops:
        kind = op[0]
        sheets = wb.worksheets
        try:
            if kind == "set_known":
                sheet, ref = known[op[1] % len(known)]
                if sheet in wb.sheetnames:
                    _set(wb[sheet], ref, op[2])
            elif kind == "set":
                _set(sheets[rnd.randrange(len(sheets))], op[1], op[2])
            elif kind == "merge":
                _, c, r, w, h = op
                sheets[rnd.randrange(len(sheets))].merge_cells(start_row=r, start_column=c,
                                                               end_row=r + h, end_column=c + w)
            elif kind in ("delete_rows", "delete_cols"):
                ws = sheets[rnd.randrange(len(sheets))]
                if ws.max_row > 2000 or ws.max_column > 100:
                    continue  # openpyxl would fill the whole rectangle up to a corner cell (minutes, GBs)
                getattr(ws, kind)(op[1], op[2])
            elif kind == "drop_sheet" and len(sheets) > 1:
                wb.remove(sheets[op[1] % len(sheets)])
            elif kind == "hide_sheet" and len(sheets) > 1:
                sheets[op[1] % len(sheets)].sheet_state = "hidden"
            elif kind == "rename_sheet":
                ws = sheets[op[1] % len(sheets)]
                if op[2] not in wb.sheetnames:
                    ws.title = op[2]
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, IllegalCharacterError):
            continue  # openpyxl refused the edit itself (a MergedCell, an illegal character...)
    if all(ws.sheet_state != "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"


def _set(ws, ref: str, value) -> None:
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        value = None  # openpyxl writes an empty <v>; raw infinities are the byte-level tests' part
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 1000:
        value = None
    if isinstance(value, str):  # openpyxl refuses control characters and leaves the cell broken
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    ws[ref].value = value


# -- the run and what it must satisfy ---------------------------------------------------

def _run(path: Path, *, write: bool = True) -> None:
    before = path.read_bytes()
    out = path.with_name("out.xlsx")
    args = ["check", str(path), "--format", "json"] + (["-o", str(out)] if write else ["--no-write"])
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # hypothesis shows the traceback and the smallest input
    assert result.exit_code in (0, 1, 2), result.output
    assert path.read_bytes() == before, "the input changed"
    assert "Traceback" not in result.output
    text = result.output
    data = json.loads(text[: text.rindex("}") + 1])
    if result.exit_code == 2:
        assert data["error"]["message"] and not out.exists()
        return
    for f in data["findings"]:
        assert f["cell"] is None or VALID_CELL.match(f["cell"]), f
        assert f["message"]
    if write:
        assert out.exists()
        wb = load_workbook(out)
        assert "检查结果" in wb.sheetnames
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers


def _workbook_case(layout, projects, ops, seed):
    data, where = _base(layout, projects)
    wb = load_workbook(io.BytesIO(data))
    _apply(wb, where, ops, random.Random(seed))
    with _own_tmpdir(), tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.xlsx"
        wb.save(path)
        _run(path, write=seed % 4 == 0)


@contextmanager
def _own_tmpdir():
    """Each example runs with $TMPDIR a fresh folder that must be empty afterwards."""
    folder = tempfile.mkdtemp(prefix="perfxl-fuzz-tmp-")
    try:
        with tmpdir_left_empty(folder):
            yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


workbook_args = dict(layout=st.sampled_from(LAYOUTS), projects=st.integers(1, 3), ops=edits,
                     seed=st.integers(0, 2 ** 32))


@SHORT
@given(**workbook_args)
def test_fuzz_workbooks_short(layout, projects, ops, seed):
    _workbook_case(layout, projects, ops, seed)


@pytest.mark.fuzz
@LONG
@given(**workbook_args)
def test_fuzz_workbooks_long(layout, projects, ops, seed):
    _workbook_case(layout, projects, ops, seed)


# -- byte-level damage ------------------------------------------------------------------

RAW_VALUES = ["1e999", "-1e999", "nan", "1" * 400, "0x10", "", "1e-400", "  7 ", "1,5", "TRUE"]


def _damage(data: bytes, part_index: int, how: str, pos: float, payload: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = src.infolist()
    target = infos[part_index % len(infos)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            body = src.read(info.filename)
            if info is target:
                at = int(pos * len(body))
                if how == "flip":
                    body = body[:at] + bytes([(body[at] ^ 0xFF) if at < len(body) else 0]) + body[at + 1:]
                elif how == "truncate":
                    body = body[:at]
                elif how == "insert":
                    body = body[:at] + payload + body[at:]
                elif how == "drop":
                    continue
                elif how == "raw_value":
                    text = body.decode("utf-8", "replace")
                    i = text.find("<v>", at)
                    if i >= 0:
                        j = text.find("</v>", i)
                        text = text[:i + 3] + payload.decode("utf-8", "replace") + text[j:]
                    body = text.encode("utf-8")
                elif how == "numfmt":
                    body = body.replace(b'numFmtId="0"', b'numFmtId="' + (payload or b"9999") + b'"')
            z.writestr(info, body)
    return buf.getvalue()


damage_args = dict(
    layout=st.sampled_from(LAYOUTS),
    part=st.integers(0, 40),
    how=st.sampled_from(["flip", "truncate", "insert", "drop", "raw_value", "raw_value", "numfmt", "zip_bytes"]),
    pos=st.floats(0, 1),
    payload=st.one_of(st.sampled_from([v.encode() for v in RAW_VALUES]),
                      st.sampled_from([b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"<c r=\"XFD1048576\"><v>1</v></c>",
                                       b"<mergeCell ref=\"A1:B2\"/>", b"\x00\xff", b"]]>", b"<x>"]),
                      st.binary(max_size=30)),
)


def _damage_case(layout, part, how, pos, payload):
    data, _ = _base(layout, 1)
    if how == "zip_bytes":  # damage the container itself
        at = int(pos * (len(data) - 1))
        damaged = data[:at] + payload + data[at + len(payload):]
    else:
        damaged = _damage(data, part, how, pos, payload)
    with _own_tmpdir(), tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.xlsx"
        path.write_bytes(damaged)
        _run(path, write=part % 4 == 0)


@SHORT
@given(**damage_args)
def test_fuzz_damaged_packages_short(layout, part, how, pos, payload):
    _damage_case(layout, part, how, pos, payload)


@pytest.mark.fuzz
@LONG
@given(**damage_args)
def test_fuzz_damaged_packages_long(layout, part, how, pos, payload):
    _damage_case(layout, part, how, pos, payload)
