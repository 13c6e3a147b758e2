"""Legacy and foreign files: what kind a file really is, and .xls/.et read with xlrd.

Provincial 一体化 systems and older templates hand out ``.xls``; WPS saves ``.et``, the same
BIFF8 binary format. xlrd (with ``formatting_info=True``) reads their values, merged ranges
and number formats, so each sheet becomes the same sparse grid the .xlsx reader builds and
every rule runs on it — except the formula audit: xlrd gives a formula's cached value but
not its text, so the audit is skipped with one info finding (R120). ``perfxl check
--convert`` converts the file with LibreOffice first, keeping formulas, so the full check
runs (``convert_to_xlsx``).

``.xlsb`` and ``.ods`` are refused with the words that say how to save them as .xlsx
(or ``--convert``): the value readers for them (python-calamine) give no number formats, and
without formats a 执行率 of 0.95 shown as 95% and a date shown as 2025年9月 read as bare
numbers, so the check would report problems the file does not have.

The kind of a file is decided by its bytes, not its name: an encrypted .xlsx is an OLE2
container like an .xls, and a renamed file is common.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile

from perfxl.excel.cell import Cell
from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.numbers import excel_value
from perfxl.workbook.fatal import ReadError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_EXTENSIONS = (".xls", ".et", ".xlt", ".ett")
CONVERTIBLE_EXTENSIONS = LEGACY_EXTENSIONS + (".xlsb", ".ods")


def sniff(path: str) -> str:
    """"xlsx", "xls" (BIFF: .xls, .et), "encrypted" (a password-protected workbook of either
    kind), "xlsb", "ods", or "other" (the reader decides what to say)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head == OLE2:
                fh.seek(0)
                return _ole2_kind(fh.read(4 * 1024 * 1024))
    except OSError:
        return "other"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.bin" in names:
                    return "xlsb"
                if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype")[:100]:
                    return "ods"
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError):
            return "other"
        return "xlsx"
    return "other"


def _ole2_kind(data: bytes) -> str:
    # Directory entries hold stream names in UTF-16LE. An encrypted .xlsx is an OLE2 file
    # with EncryptionInfo/EncryptedPackage streams; an encrypted .xls has a FILEPASS record,
    # which xlrd reports when it opens the file (see load_legacy).
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "other"


def load_legacy(path: str):
    """(grids, sheet names, defined names) of a BIFF workbook (.xls/.et); raises ReadError.

    The cost is what the file holds, never its used range: blank cells (a format, no value) are
    not stored at all (``_load_sheet``), and rows are as long as their last cell, not padded to
    the widest row (``ragged_rows``); so a formatted blank cell at IV65536 costs nothing instead
    of 16 million cells. Sheets are loaded one at a time. The limits of the .xlsx reader
    (perfxl.excel.package: size, cells, merged area; E119) are checked on the file and on its
    cell records before xlrd builds a sheet."""
    import xlrd

    from perfxl.excel import package

    name = os.path.basename(path)
    try:
        _check_size(path)
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=open(os.devnull, "w"))
    except package.PackageError as exc:
        raise ReadError("E119", name=name, reason=exc.reason, reason_en=exc.reason_en) from None
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ReadError("E121", name=name) from None
        raise ReadError("E104", name=name) from None
    except Exception:  # xlrd raises many kinds (struct.error, IndexError, AssertionError...) on damage
        raise ReadError("E104", name=name) from None
    try:
        if _cells_held(book, package.MAX_CELLS) > package.MAX_CELLS:
            raise package.too_many_cells()
        grids, merged = [], 0
        for i in range(book.nsheets):
            sheet = _load_sheet(book, i)
            merged += sum((rhi - rlo) * (chi - clo) for rlo, rhi, clo, chi in sheet.merged_cells)
            if merged > package.MAX_MERGED_CELLS:
                raise package.too_much_merged(merged)
            grids.append(_grid(book, sheet))
            book.unload_sheet(i)
        names = _names(book)
    except package.PackageError as exc:
        raise ReadError("E119", name=name, reason=exc.reason, reason_en=exc.reason_en) from None
    except Exception:  # damage that only shows while reading the cells
        raise ReadError("E104", name=name) from None
    finally:
        book.release_resources()
    return grids, [g.name for g in grids], names


def _check_size(path: str) -> None:
    """A BIFF file is not compressed: its size is what the .xlsx limit on unpacked parts bounds."""
    from perfxl.excel import package

    size = os.path.getsize(path)
    if size > package.MAX_TOTAL:
        raise package.PackageError("too_large", f"文件共 {package._mb(size)}（上限 {package._mb(package.MAX_TOTAL)}）",
                                   f"{package._mb(size)} in all (limit {package._mb(package.MAX_TOTAL)})")


# BIFF5/8 cell records: one cell each, or (MULRK, MULBLANK) a run of cells in one row
_ONE_CELL = {0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x0006, 0x0206, 0x0406}
_MULRK, _MULBLANK = 0x00BD, 0x00BE


def _cells_held(book, budget: int) -> int:
    """The cells the workbook stream's records hold (blank ones too, as the .xlsx limit counts
    every ``<c>``), counted before xlrd builds any sheet; stops once past ``budget``."""
    import struct

    head = struct.Struct("<HH").unpack_from
    mem, pos = book.mem, book.base
    end = min(book.base + book.stream_len, len(mem))
    n = 0
    while pos + 4 <= end:
        code, length = head(mem, pos)
        pos += 4 + length
        if code in _ONE_CELL:
            n += 1
        elif code == _MULBLANK:
            n += max(0, (length - 6) // 2)
        elif code == _MULRK:
            n += max(0, (length - 6) // 6)
        else:
            continue
        if n > budget:
            break
    return n


def _load_sheet(book, i: int, keep_blank=None):
    """``book.sheet_by_index(i)`` without the cells that hold no value: xlrd with
    ``formatting_info`` stores every blank cell the file formats (and pads rows up to a merged
    range), and with it the rows before it. ``keep_blank(row, col)`` keeps the blank cells it
    names (0-based), for their looks. Written as xlrd's ``Book.get_sheet`` is (xlrd 2.x no longer
    changes), with the sheet's cell store wrapped before it reads its records."""
    import xlrd
    from xlrd.biffh import XL_WORKSHEET

    book._position = book._sh_abs_posn[i]
    book.getbof(XL_WORKSHEET)
    sheet = xlrd.sheet.Sheet(book, book._position, book._sheet_names[i], i)
    store = sheet.put_cell
    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)

    def put_cell(rowx, colx, ctype, value, xf_index):
        if ctype not in empty or (ctype == xlrd.XL_CELL_BLANK and keep_blank is not None and keep_blank(rowx, colx)):
            store(rowx, colx, ctype, value, xf_index)

    sheet.put_cell = put_cell
    sheet.read(book)
    book._sheet_list[i] = sheet
    return sheet


def _grid(book, sheet) -> SheetGrid:
    """The sheet's cells that hold something, row by row (rows hold no blank cells, see
    ``_load_sheet``)."""
    import xlrd

    grid = SheetGrid(sheet.name, hidden=sheet.visibility != 0)
    formats = book.format_map
    skip = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    for r in range(sheet.nrows):
        if not sheet.row_len(r):
            continue
        for c, t in enumerate(sheet.row_types(r)):
            if t in skip:
                continue
            cell = sheet.cell(r, c)
            value = _value(book, cell, xlrd)
            if value is None:
                continue
            fmt = "General"
            try:
                fmt = formats[book.xf_list[cell.xf_index].format_key].format_str or "General"
            except (IndexError, KeyError, TypeError, AttributeError):
                pass
            grid.add(r + 1, c + 1, Cell(sheet.name, coord(r + 1, c + 1), value, number_format=_xlsx_format(fmt)))
    for rlo, rhi, clo, chi in sheet.merged_cells:
        if rhi > rlo and chi > clo:
            grid.add_merge(rlo + 1, clo + 1, rhi, chi)
    grid.finish()
    return grid


def _value(book, cell, xlrd):
    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if t == xlrd.XL_CELL_TEXT:
        return cell.value if cell.value != "" else None
    if t == xlrd.XL_CELL_NUMBER:
        v = excel_value(cell.value)
        return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53 else v
    if t == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        except Exception:  # a date serial Excel cannot show (negative, too large)
            return excel_value(cell.value)
    if t == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if t == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#VALUE!")
    return None


def _xlsx_format(fmt: str) -> str:
    # xlrd spells built-in formats out already; WPS writes General in Chinese.
    return "General" if fmt in ("General", "G/通用格式") else fmt


def _names(book) -> dict[str, str]:
    out = {}
    for n in getattr(book, "name_obj_list", []):
        try:
            text = n.formula_text if hasattr(n, "formula_text") else ""
        except Exception:
            text = ""
        if n.name:
            out[n.name] = text or ""
    return out


# -- conversion with LibreOffice --------------------------------------------------------

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_xlsx(path: str, workdir: str, timeout: float = 120) -> str:
    """Convert ``path`` (.xls, .et, .xlsb, .ods) to .xlsx inside ``workdir`` with LibreOffice,
    keeping formulas; return the new file's path. Raises ReadError."""
    name = os.path.basename(path)
    exe = soffice()
    if exe is None:
        raise ReadError("E124", name=name)
    profile = os.path.join(workdir, "profile")
    out = os.path.join(workdir, "out")
    os.makedirs(out, exist_ok=True)
    # LibreOffice picks its import filter from the name: give it a copy with the extension
    # the content has (a renamed .et is an .xls).
    src_dir = os.path.join(workdir, "in")
    os.makedirs(src_dir, exist_ok=True)
    base, ext = os.path.splitext(os.path.basename(path))
    kind = sniff(path)
    ext = {"xls": ".xls", "xlsb": ".xlsb", "ods": ".ods"}.get(kind, ext.lower() or ".xls")
    src = os.path.join(src_dir, base + ext)  # the same name, so messages name the user's file
    shutil.copyfile(path, src)
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, src]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        raise ReadError("E125", name=name) from None
    result = os.path.join(out, base + ".xlsx")
    if not os.path.isfile(result) or os.path.getsize(result) == 0:  # soffice exits 0 on failure
        raise ReadError("E125", name=name)
    return result


def temp_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="perfxl-convert-")


# -- the result workbook of a legacy file ------------------------------------------------

def as_openpyxl(grids: dict[str, SheetGrid], sheet_names: list[str], source: str | None = None):
    """A new openpyxl workbook holding what was read: values, number formats, merged
    ranges and hidden sheets, in sheet order; with ``source`` (the .xls) also its column
    widths, row heights, bold text, wrapping and borders, so the sheets look as the user
    knows them. The result workbook of an .xls is written from it as ``<name>.perfxl.xlsx``;
    formulas are not carried over (xlrd reads their results, not their text)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in sheet_names:
        grid = grids.get(name)
        ws = wb.create_sheet(_sheet_title(name, wb))
        if grid is None:
            continue
        if grid.hidden:
            ws.sheet_state = "hidden"
        for (row, col), cell in grid.cells.items():
            value = cell.value
            c = ws.cell(row=row, column=col)
            c.value = value
            if isinstance(value, str) and value.startswith("="):
                c.data_type = "s"  # text that looks like a formula stays text
            if cell.number_format and cell.number_format != "General":
                c.number_format = cell.number_format
        seen = set()
        for rng in grid.merged.values():
            if rng not in seen:
                seen.add(rng)
                ws.merge_cells(start_row=rng[0], start_column=rng[1], end_row=rng[2], end_column=rng[3])
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    if source is not None:
        try:
            _copy_looks(source, wb)
        except Exception:  # looks only: the values are already there
            pass
    return wb


def _copy_looks(source: str, wb) -> None:
    import xlrd
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = xlrd.open_workbook(source, formatting_info=True, on_demand=True, ragged_rows=True,
                              logfile=open(os.devnull, "w"))
    thin = Side(style="thin", color="000000")
    styles: dict[int, tuple] = {}

    def style(xf_index: int):
        if xf_index not in styles:
            xf = book.xf_list[xf_index]
            font = book.font_list[xf.font_index]
            b = xf.border
            border = Border(*(thin if getattr(b, f"{side}_line_style", 0) else Side()
                              for side in ("left", "right", "top", "bottom")))
            horizontal = {1: "left", 2: "center", 3: "right"}.get(xf.alignment.hor_align)
            styles[xf_index] = (Font(bold=bool(font.bold), size=font.height / 20 or 11),
                                Alignment(horizontal=horizontal, vertical="center",
                                          wrap_text=bool(xf.alignment.text_wrapped)), border)
        return styles[xf_index]

    for i, ws in zip(range(book.nsheets), wb.worksheets):
        # the extent of the values and merged ranges read: a formatted blank cell beyond it
        # (IV65536) is not made into a cell, neither here nor in the result
        last_row, last_col = (ws.max_row, ws.max_column) if ws._cells else (0, 0)
        sheet = _load_sheet(book, i, lambda r, c: r < last_row and c < last_col)
        for col, info in sheet.colinfo_map.items():
            if col < last_col:
                ws.column_dimensions[get_column_letter(col + 1)].width = info.width / 256
        for row, info in sheet.rowinfo_map.items():
            if info.height and row < last_row:
                ws.row_dimensions[row + 1].height = info.height / 20
        for r in range(min(sheet.nrows, last_row)):
            for c, t in enumerate(sheet.row_types(r, 0, min(sheet.row_len(r), last_col))):
                if t == xlrd.XL_CELL_EMPTY:  # no record: the padding of a ragged row
                    continue
                cell = ws.cell(row=r + 1, column=c + 1)
                if isinstance(cell, MergedCell):
                    continue
                font, alignment, border = style(sheet.cell_xf_index(r, c))
                cell.font, cell.alignment, cell.border = font, alignment, border
        book.unload_sheet(i)
    book.release_resources()


def _sheet_title(name: str, wb) -> str:
    """openpyxl refuses some titles BIFF allows (over 31 characters, [ ] * ? / \\ :)."""
    title = "".join("_" if ch in "[]*?/\\:" else ch for ch in name)[:31] or "Sheet"
    base, i = title, 2
    while title in wb.sheetnames:
        title = f"{base[:28]}{i}"
        i += 1
    return title
