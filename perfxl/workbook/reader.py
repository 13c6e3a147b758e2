"""Read any workbook that follows the contract (docs/template.md §1–§2) into the plain model.

Labels are found by meaning, never by coordinates. Limits are checked on the zip directory
first; then every part the check needs is parsed once with expat (perfxl.excel.sheetxml):
values, formulas, cached values, number formats, merges, validations and names. openpyxl
loads the file only when a result workbook is written, after the check (``load_for_writing``).
Each sheet becomes one sparse grid that every lookup uses; nothing walks a sheet's used
rectangle.
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
import zlib

from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.datetime import from_excel

from perfxl.model import (Cell, Field, Project, SummaryRow, SummarySheet, UnitSheet, WorkbookModel,
                          finding)
from perfxl.workbook import structure  # noqa: F401  (declares the R rules this module reports)
from perfxl.workbook.fatal import ReadError
from perfxl.excel import labels as L
from perfxl.excel.grid import SheetGrid, coord, split_inline
from perfxl.excel.package import PackageError, XMLRefused, check_limits, typed_cached
from perfxl.excel.labels import is_dash, nfkc, normalize
from perfxl.excel.numbers import excel_value
from perfxl.excel.refs import split
from perfxl.excel.show import display_text  # noqa: F401
from perfxl.excel.years import year_in_title
from perfxl.workbook.funding_block import read_funding
from perfxl.workbook.headers import find_header
from perfxl.workbook.indicator_table import read_indicators
from perfxl.workbook.rubric import read_rubric, rubric_header

TEMPLATE_MARKER = "_perfxl_template"


# -- loading ------------------------------------------------------------------

def _check_file(path: str) -> str:
    """The file's kind ("xlsx", "xls", "encrypted", "xlsb", "ods"); raises ReadError."""
    from perfxl.workbook.xls import sniff

    name = os.path.basename(path) or path
    if not os.path.exists(path):
        raise ReadError("E101", path=path)
    if os.path.isdir(path):
        raise ReadError("E102", path=path)
    if os.path.getsize(path) == 0:
        raise ReadError("E103", name=name)
    kind = sniff(path)
    if kind != "other" and kind != "xlsx":
        return kind
    lower = name.lower()
    if kind == "other" and (lower.endswith(".xls") or lower.endswith(".et")):  # an .xlsx named .xls is read
        raise ReadError("E104", name=name)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(b"PK"):
            raise ReadError("E105", name=name)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            if lower.endswith((".xlsx", ".xlsm")):  # Office keeps the name of an .xlsx it encrypts
                raise ReadError("E121", name=name)
            raise ReadError("E104", name=name)
        raise ReadError("E106", name=name)
    try:
        with zipfile.ZipFile(path) as z:
            check_limits(z)  # on the zip directory: nothing is decompressed before this
            names = set(z.namelist())
            bad = z.testzip()
    except PackageError as exc:
        raise ReadError("E119", name=name, reason=exc.reason, reason_en=exc.reason_en) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error, RuntimeError):
        raise ReadError("E105", name=name) from None
    if bad is not None:
        raise ReadError("E105", name=name, part=bad)
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise ReadError("E107", name=name)
        raise ReadError("E106", name=name)
    return "xlsx"


def load_for_writing(path: str):
    """openpyxl's load of the file, for the writer (after the check, which never needs it).
    Cells of one style share one read-only style object (perfxl.excel.sharedstyle): the
    writer adds to the workbook but never restyles a user's cell."""
    from openpyxl import load_workbook

    from perfxl.excel.sharedstyle import loading_with_shared_styles, share_styles

    name = os.path.basename(path)
    try:
        with warnings.catch_warnings(), loading_with_shared_styles() as table:
            warnings.simplefilter("ignore")
            if path.lower().endswith((".xlsx", ".xlsm")):
                wb = load_workbook(path, keep_vba=path.lower().endswith(".xlsm"), keep_links=True)
            else:  # openpyxl judges by the name: an .xlsx saved as "x.xls" is read from its bytes
                import io

                with open(path, "rb") as fh:
                    wb = load_workbook(io.BytesIO(fh.read()), keep_links=True)
    except Exception as exc:  # openpyxl raises many kinds on broken packages
        raise ReadError("E105", name=name, reason=type(exc).__name__) from None
    if table is None:
        table = {}
        for ws in wb.worksheets:
            share_styles(ws, table)
    return wb


def _cached(raw: tuple[str, str] | None, number_format: str, epoch):
    """A formula's cached value, typed as openpyxl's data_only load types it."""
    if raw is None:
        return None
    value = excel_value(typed_cached(*raw))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and is_date_format(number_format):
        try:
            return from_excel(value, epoch, timedelta=is_timedelta_format(number_format))
        except (OverflowError, ValueError, TypeError):
            return "#VALUE!"
    return value


def _xml_grids(book) -> list[SheetGrid]:
    """The grids from the expat reading of the package (perfxl.excel.sheetxml), typed as an
    openpyxl load types them (tests/test_expat_reader.py compares the two, cell for cell)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    epoch = CALENDAR_MAC_1904 if book.epoch_1904 else CALENDAR_WINDOWS_1900
    formats, locked = book.formats, book.locked
    grids = []
    for sx in book.sheets:
        grid = SheetGrid(sx.name, hidden=sx.state != "visible")
        cells = sx.cells
        for row, col in zip(sx.rows, sx.cols):
            v, f, s, raw = cells[(row, col)]
            fmt = formats[s] or "General"  # IndexError: a style styles.xml lacks, as openpyxl fails
            cell = Cell(sx.name, coord(row, col), _cached(raw, fmt, epoch) if f else excel_value(v),
                        formula=f, number_format=fmt)
            if f:
                cell.locked = locked[s]
            grid.add(row, col, cell)
        for ref in sx.merges:
            a, _, b = ref.partition(":")
            p, q = split(a), split(b or a)
            grid.add_merge(min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))
        grid.finish()
        sx.cells = {}
        grids.append(grid)
    return grids


def _read_xml(path: str):
    """The package read with expat only: every part once, no openpyxl load."""
    from perfxl.excel.sheetxml import read_book

    name = os.path.basename(path)
    try:
        book = read_book(path)
        return book, _xml_grids(book)
    except PackageError as exc:
        raise ReadError("E119", name=name, reason=exc.reason, reason_en=exc.reason_en) from None
    except XMLRefused:
        raise ReadError("E120", name=name) from None
    except Exception as exc:  # expat, zip, a relationship that does not resolve, a bad style index
        raise ReadError("E105", name=name, reason=type(exc).__name__) from None


def make_evaluator(grids, names: dict[str, str]):
    """One evaluator over every cell of the workbook: formulas as text, values as typed."""
    from perfxl.excel.formula import WorkbookEvaluator

    values: dict[tuple[str, str], object] = {}
    for g in grids:
        for cell in g.cells.values():
            values[(g.name, cell.coord)] = cell.formula or cell.value
    return WorkbookEvaluator(values, {k: v for k, v in names.items() if v})


def _compute_missing(model: WorkbookModel, grids: list[SheetGrid], names: dict[str, str]) -> None:
    """Compute formulas the file holds without cached values (files saved by openpyxl)."""
    missing = [(g, pos, cell) for g in grids for pos, cell in g.cells.items()
               if cell.formula and cell.value is None]
    if not missing:
        return
    # ``<v></v>`` is what Excel and XlsxWriter store for a formula returning "", and what openpyxl
    # (with lxml) writes for no value at all: where the formula does give "", it is a cached value.
    empty = _empty_cached_strings(model.path, {g.name for g, _, _ in missing})
    from perfxl.excel.formula import CircularReference, Unsupported

    evaluator = make_evaluator(grids, names)
    computed = 0
    for g, pos, cell in missing:
        try:
            result = evaluator.value(g.name, cell.coord)
        except (Unsupported, CircularReference) as exc:
            model.findings.append(finding("R114", g.name, cell.coord, formula=cell.formula, reason=exc.reason))
            continue
        cell.value = result
        if isinstance(result, str):
            g._norm[pos] = normalize(result)
        if result == "" and (g.name, cell.coord) in empty:
            continue  # the file's own cached value: an empty string
        cell.computed = True
        computed += 1
    model.computed_formulas = computed
    if computed:
        model.findings.append(finding("R113", None, None, count=computed))


_EMPTY_CACHED = re.compile(r'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*<v\s*(?:/>|></v>)')


def _empty_cached_strings(path: str, sheets: set[str]) -> set[tuple[str, str]]:
    """Formula cells with an empty cached value (``<f>…</f><v></v>``), which openpyxl reads as no
    value at all; only the sheets concerned are looked at."""
    from perfxl.excel.package import sheet_parts
    out: set[tuple[str, str]] = set()
    try:
        with zipfile.ZipFile(path) as z:
            parts = sheet_parts(z)
            for sheet in sheets:
                part = parts.get(sheet)
                if part and part in z.namelist():
                    text = z.read(part).decode("utf-8", errors="replace")
                    out |= {(sheet, ref) for ref in _EMPTY_CACHED.findall(text)}
    except Exception:  # an odd package: compute those formulas instead
        return set()
    return out


# -- finding labels -----------------------------------------------------------

def _find_labels(grid: SheetGrid, table: dict[str, str]) -> dict[str, tuple[int, int, str | None]]:
    """canonical -> (row, col, inline value or None), first occurrence in reading order."""
    found: dict[str, tuple[int, int, str | None]] = {}
    for row, col, raw, norm in grid.text_cells():
        canon = table.get(norm)
        inline = None
        if canon is None:
            parts = split_inline(raw)
            if parts:
                canon = table.get(normalize(parts[0]))
                inline = parts[1]
        if canon and canon not in found:
            found[canon] = (row, col, inline)
    return found


def _field(grid: SheetGrid, name: str, hit, stop: set[str]) -> Field:
    row, col, inline = hit
    label = grid.cell(row, col)
    if inline is not None:
        value = Cell(grid.name, label.coord, inline, number_format=label.number_format)
    else:
        value = grid.value_right_of(row, col, stop)
    return Field(name, label, value)


def _find_header_row(grid: SheetGrid, table: dict[str, str], required: list[set[str]],
                     rows: list[int] | None = None) -> tuple[int, dict[str, int]] | None:
    """The first row holding, for each set in ``required``, one of its canonical headers."""
    for row in rows if rows is not None else grid.rows():
        cols: dict[str, int] = {}
        for col in grid.cols_in(row):
            canon = table.get(grid.norm(row, col))
            if canon and canon not in cols:
                cols[canon] = col
        if all(cols.keys() & need for need in required):
            return row, cols
    return None


def _title_year(grid: SheetGrid) -> int | None:
    for row in grid.rows()[:6]:
        for col in grid.cols_in(row):
            v = grid.cell(row, col).value
            if isinstance(v, str):
                y = year_in_title(v)
                if y:
                    return y
    return None


def _money_unit(grid: SheetGrid, header_texts: list[str]) -> str:
    for row in grid.rows()[:6]:
        for col in grid.cols_in(row):
            v = grid.cell(row, col).value
            if isinstance(v, str):
                s = re.sub(r"\s+", "", nfkc(v))
                m = re.search(r"单位:(万元|元)(?![\u4e00-\u9fff])", s)
                if m:
                    return m.group(1)
    for text in header_texts:
        unit = L.marker_unit(text)
        if unit:
            return unit
    return "万元"


# -- classification -------------------------------------------------------------

_TARGET_HEADERS = {"年度指标值"}
_ACTUAL_OR_SCORE = {"得分", "实际完成值"}


def _indicator_header(grid: SheetGrid):
    return find_header(grid, L.INDICATOR_COLUMNS, [{"三级指标"}, _TARGET_HEADERS, _ACTUAL_OR_SCORE])


def classify(grid: SheetGrid) -> str | None:
    labels = _find_labels(grid, L.PROJECT_LABELS)
    if "项目名称" in labels and _indicator_header(grid):
        return "project"
    if _find_labels(grid, L.WHOLE_UNIT_LABELS) or _whole_unit_title(grid):  # §2.5
        if _indicator_header(grid):
            return "whole_unit"
        if rubric_header(grid):
            return "rubric"
    if _find_header_row(grid, L.SUMMARY_COLUMNS, [{"项目名称"}, {"自评得分"}]):
        return "summary"
    if _find_labels(grid, L.UNIT_LABELS).get("单位名称"):
        return "unit"
    return None


def _whole_unit_title(grid: SheetGrid) -> bool:
    titles = [normalize(t) for t in L.WHOLE_UNIT_TITLES]
    for row in grid.rows()[:6]:
        for col in grid.cols_in(row):
            norm = grid.norm(row, col)
            if norm and any(t in norm for t in titles):
                return True
    return False


KIND_ZH = {"project": "项目表", "summary": "汇总表", "unit": "单位情况表", "whole_unit": "部门整体支出绩效自评表",
           "rubric": "部门整体支出绩效自评表"}


# -- sheet readers ----------------------------------------------------------------

def read_unit(grid: SheetGrid) -> UnitSheet:
    hits = _find_labels(grid, L.UNIT_LABELS)
    stop = set(L.UNIT_LABELS)
    unit = UnitSheet(grid.name)
    for name, hit in hits.items():
        unit.fields[name] = _field(grid, name, hit, stop)
    unit.money_unit = _money_unit(grid, [str(f.label.value) for n, f in unit.fields.items() if n in L.UNIT_MONEY])
    return unit


def read_summary(grid: SheetGrid) -> SummarySheet:
    row, cols = _find_header_row(grid, L.SUMMARY_COLUMNS, [{"项目名称"}, {"自评得分"}])
    summary = SummarySheet(grid.name, {k: _letter(v) for k, v in cols.items()})
    header_texts = [str(grid.cell(row, c).value) for c in cols.values()]
    summary.money_unit = _money_unit(grid, header_texts)
    start = grid.merge_end_row(row, cols["项目名称"]) + 1
    for r in range(start, grid.max_row + 1):
        cells = {k: grid.shown(r, c) for k, c in cols.items()}
        cells = {k: Cell(grid.name, coord(r, cols[k]), v.value, v.formula, v.number_format, v.computed)
                 for k, v in cells.items()}
        texts = [grid.norm(r, c) for c in grid.cols_in(r)]
        if any(L.TOTAL_ROW.get(t) for t in texts):
            summary.total_row = SummaryRow(r, cells)
            break
        if all(is_dash(c.value) for c in cells.values()):
            break  # the table ends at its first empty row: a note below it is not a project
        if is_dash(cells["项目名称"].value):
            continue
        summary.rows.append(SummaryRow(r, cells))
    return summary


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


def _read_goal(grid: SheetGrid) -> tuple[Cell | None, Cell | None]:
    out = []
    for header in ("预期目标", "实际完成情况"):
        cell = None
        for row, col, _raw, norm in grid.text_cells():
            if norm == header:
                below = grid.merge_end_row(row, col) + 1
                cell = grid.shown(below, col)
                if cell.value is None:
                    cell = Cell(grid.name, coord(below, col))
                break
        out.append(cell)
    return out[0], out[1]


_STOP = set(L.PROJECT_LABELS) | set(L.WHOLE_UNIT_LABELS) | set(L.FUNDING_COLUMNS) | set(L.INDICATOR_COLUMNS)


def _whole_unit_name(grid: SheetGrid) -> Field | None:
    hit = _find_labels(grid, L.WHOLE_UNIT_LABELS).get("单位名称")
    return _field(grid, "单位名称", hit, _STOP) if hit else None


def read_project(grid: SheetGrid, *, whole_unit: bool = False) -> Project:
    """A project sheet, or a whole-unit table in the project form's shape (named by its unit)."""
    hits = _find_labels(grid, L.PROJECT_LABELS)
    stop = _STOP
    project = Project(grid.name, None, whole_unit=whole_unit)
    for key, attr in (("项目名称", "name"), ("主管部门", "department"), ("实施单位", "implementer")):
        if key in hits and not (whole_unit and key == "项目名称"):
            setattr(project, attr, _field(grid, key, hits[key], stop))
    if whole_unit:
        project.name = _whole_unit_name(grid)
    header = _indicator_header(grid)
    project.funding = read_funding(grid, header.row)
    header_texts = []
    if project.funding:
        header_texts = [str(grid.cell(r, c).value) for r in (project.funding.header_row, project.funding.header_row + 1)
                        for c in grid.cols_in(r)]
        label_hit = hits.get("项目资金")
        if label_hit:
            header_texts.append(str(grid.cell(label_hit[0], label_hit[1]).value))
    project.money_unit = _money_unit(grid, header_texts)
    project.year = _title_year(grid)
    project.goal_expected, project.goal_actual = _read_goal(grid)
    read_indicators(grid, project, header)
    after = project.total_row or header.row
    for key, attr in (("主要问题及原因", "problems"), ("下一步改进措施", "next_steps")):
        hit = hits.get(key)
        if hit and hit[0] >= after:
            setattr(project, attr, _field(grid, key, hit, stop))
    return project


# -- the whole workbook ---------------------------------------------------------

def read_workbook(path: str) -> WorkbookModel:
    """The file at ``path`` read into the model; raises ReadError with what to do."""
    kind = _check_file(path)
    if kind != "xlsx":
        return _read_other(path, kind)
    book, grids = _read_xml(path)
    model = WorkbookModel(path=path, sheet_names=list(book.sheet_names))
    model.made_by_perfxl = TEMPLATE_MARKER in book.names
    model.formula_cells = [c for g in grids for c in g.cells.values() if c.formula]
    model.grids = {g.name: g for g in grids}
    model.scans = {sx.name: sx.scan for sx in book.sheets}
    model.validations = _xml_validations(book)
    model.defined_names = dict(book.names)
    _compute_missing(model, grids, model.defined_names)
    owned = {"_perfxl_marks"} & set(book.sheet_names)
    text = book.names.get("_perfxl")
    if text is not None:
        owned |= _destinations(text)
    model.owned_sheets = owned
    return _read_sheets(model, grids, owned)


def _xml_validations(book) -> dict[str, list[tuple[str, str, str]]]:
    out = {}
    for sx in book.sheets:
        if sx.validations:
            from openpyxl.worksheet.cell_range import MultiCellRange
            out[sx.name] = [(str(MultiCellRange(sqref)), typ, f1) for sqref, typ, f1 in sx.validations]
    return out


def _destinations(text: str) -> set[str]:
    from openpyxl.workbook.defined_name import DefinedName
    try:
        return {sheet for sheet, _ in DefinedName("_perfxl", attr_text=text).destinations}
    except Exception:  # a hand-edited name that is not a reference list
        return set()


def _read_other(path: str, kind: str) -> WorkbookModel:
    """.xls/.et through the legacy adapter (values, merges, number formats; no formulas);
    encrypted, .xlsb and .ods files are refused with what to do."""
    from perfxl.workbook.xls import load_legacy

    name = os.path.basename(path)
    if kind == "encrypted":
        raise ReadError("E121", name=name)
    if kind == "xlsb":
        raise ReadError("E122", name=name)
    if kind == "ods":
        raise ReadError("E123", name=name)
    grids, sheet_names, names = load_legacy(path)
    model = WorkbookModel(path=path, sheet_names=sheet_names, source_format="xls")
    model.made_by_perfxl = TEMPLATE_MARKER in names
    model.grids = {g.name: g for g in grids}
    model.defined_names = names
    return _read_sheets(model, grids, {"_perfxl_marks"} & set(sheet_names))


def _read_sheets(model: WorkbookModel, grids: list[SheetGrid], owned: set[str]) -> WorkbookModel:
    """Classify each sheet and read it into the model."""
    path = model.path
    firsts: dict[str, str] = {}
    for grid in grids:
        if grid.name in owned:
            continue  # perfxl's own result sheets (docs/template.md §7) are not the user's data
        kind = classify(grid)
        if kind is None:
            continue
        if grid.hidden:
            model.findings.append(finding("R104", grid.name, None, sheet=grid.name, kind=KIND_ZH[kind]))
        if kind == "project":
            model.projects.append(read_project(grid))
        elif kind in ("whole_unit", "rubric") and "whole_unit" in firsts:
            model.findings.append(finding("R103", grid.name, None, sheet=grid.name, kind=KIND_ZH[kind],
                                          first=firsts["whole_unit"]))
        elif kind == "whole_unit":
            firsts["whole_unit"] = grid.name
            model.whole_unit = read_project(grid, whole_unit=True)
        elif kind == "rubric":
            firsts["whole_unit"] = grid.name
            model.whole_unit = read_rubric(grid, _whole_unit_name(grid), rubric_header(grid), _title_year(grid))
        elif kind in firsts:
            model.findings.append(finding("R103", grid.name, None, sheet=grid.name, kind=KIND_ZH[kind], first=firsts[kind]))
        elif kind == "unit":
            firsts[kind] = grid.name
            model.unit = read_unit(grid)
        else:
            firsts[kind] = grid.name
            model.summary = read_summary(grid)
    if not model.projects and model.whole_unit is None:  # a whole-unit table alone is checked too (§2.5)
        raise ReadError("E108", name=os.path.basename(path))
    return model
