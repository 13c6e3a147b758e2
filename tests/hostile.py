"""Helpers for hostile inputs: raw XML edits openpyxl cannot make (``<v>1e999</v>``, a cached
value beside a formula, an undefined numFmtId), a BIFF twin of a workbook (xlwt), and the
checks every hostile run must pass."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

VALID_CELL = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9]\d{0,6}$")


def sheet_part(path, title: str) -> str:
    """The worksheet part of ``title`` in a workbook openpyxl saved (sheetN.xml in order)."""
    wb = load_workbook(path, read_only=True)
    try:
        return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"
    finally:
        wb.close()


def rewrite_part(path, part: str, edit) -> None:
    """Rewrite one part of the package with ``edit(text) -> text``."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)


def set_raw(path, title: str, coord: str, inner: str, attrs: str = "") -> None:
    """Make cell ``coord`` of sheet ``title`` read ``<c r=coord attrs>inner</c>`` exactly,
    e.g. ``<v>1e999</v>`` or ``<f>SUM(A1)</f><v>3</v>``. The cell must exist already."""
    col, row = coordinate_from_string(coord)

    def edit(xml: str) -> str:
        pattern = re.compile(rf'<c r="{coord}"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.S)
        new, n = pattern.subn(f'<c r="{coord}"{attrs}>{inner}</c>', xml, count=1)
        assert n == 1, f"cell {coord} not in the part"
        return new
    rewrite_part(path, sheet_part(path, title), edit)


def assert_sound_output(path) -> None:
    """The output reopens in openpyxl."""
    wb = load_workbook(path)
    assert wb.sheetnames


@contextmanager
def tmpdir_left_empty(folder):
    """$TMPDIR (for this process and its children) is ``folder`` while the block runs; when the
    block ends without an exception, nothing may be left in it: no library's temp file (openpyxl
    and XlsxWriter write theirs there) survives a run, whether the run failed or not."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    env, cached = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = str(folder), str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = cached
        if env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = env
    left = sorted(os.listdir(folder))
    assert not left, f"left in $TMPDIR: {left}"


def assert_findings_have_valid_cells(findings) -> None:
    for f in findings:
        cell = f["cell"] if isinstance(f, dict) else f.cell
        assert cell is None or VALID_CELL.match(cell), cell


# -- BIFF twins --------------------------------------------------------------------------

def xls_twin(xlsx_path, xls_path, formulas: dict | None = None) -> None:
    """Write the values, merged ranges and number formats of an .xlsx as an .xls (xlwt),
    as a provincial system would hand it out; ``formulas`` maps (sheet, "A1") to formula
    text written instead of the value (xlwt stores no result for it)."""
    import xlwt

    wb = load_workbook(xlsx_path)
    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, object] = {}

    def style(fmt: str):
        if fmt not in styles:
            styles[fmt] = xlwt.easyxf(num_format_str=fmt) if fmt != "General" else xlwt.Style.default_style
        return styles[fmt]

    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title)
        if ws.sheet_state != "visible":
            sheet.set_hidden(True) if hasattr(sheet, "set_hidden") else None
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                from openpyxl.utils import column_index_from_string
                sheet.col(column_index_from_string(letter) - 1).width = int(dim.width * 256)
        tops = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in ws.merged_cells.ranges
                   for row in range(r.min_row, r.max_row + 1) for col in range(r.min_col, r.max_col + 1)}
        for row in ws.iter_rows():
            for c in row:
                pos = (c.row, c.column)
                if pos in tops:
                    r = tops[pos]
                    sheet.write_merge(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, c.value,
                                      style(c.number_format))
                elif (ws.title, c.coordinate) in (formulas or {}):
                    sheet.write(c.row - 1, c.column - 1, xlwt.Formula(formulas[(ws.title, c.coordinate)]),
                                style(c.number_format))
                elif pos not in covered and c.value is not None:
                    sheet.write(c.row - 1, c.column - 1, c.value, style(c.number_format))
    book.save(str(xls_path))


# -- bombs and oversized uploads ---------------------------------------------------------

def zip_bomb(path, mb: int = 60) -> None:
    """A small workbook whose third part expands to ``mb`` MB of nothing (about 60 KB packed):
    the reader refuses it before parsing (E119)."""
    from layouts import Book, Proj, build

    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程")]), path)
    pad = "<!-- " + " " * (mb * 2**20) + " -->"
    rewrite_part(path, "xl/worksheets/sheet3.xml", lambda xml: xml.replace("<sheetData>", pad + "<sheetData>", 1))


def zip_of(path, entries: dict) -> None:
    """A .zip holding ``{name: bytes}``, deflated (as Windows' 发送到→压缩文件夹 makes it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)


def zeros(total: int, chunk: int = 1 << 20):
    """``total`` bytes of zeros, a chunk at a time: a 1 GB upload that is never held in memory."""
    block = bytes(chunk)
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield block if n == chunk else block[:n]
        sent += n


def replace_text(path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in every XML part (the sample keeps its strings inline, in each
    sheet): the same workbook for another unit."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename.endswith((".xml", ".vml")):
                data = data.replace(old.encode("utf-8"), new.encode("utf-8"))
            z.writestr(info, data)
