"""A whole workbook package read with expat only, for a check that writes nothing.

What one ``openpyxl.load_workbook`` would give the reader, built from the package parts in one
streaming pass each: sheet names, order and state (workbook.xml + its relationships), the
global defined names, the 1900/1904 epoch, number formats and ``locked`` per style
(styles.xml cellXfs/numFmts), shared strings, and per worksheet every cell's value (typed as
openpyxl types it), formula text (shared formulas expanded as openpyxl expands them), style
index, merged ranges and data validations (docs/template.md §1). Values follow openpyxl's
reader rule for rule, so both paths give the same model (tests/test_expat_reader.py).

Every part goes through expat with DTDs refused (perfxl.excel.package): no entity is expanded.
"""

from __future__ import annotations

import posixpath
import zipfile
from array import array
from dataclasses import dataclass, field

from perfxl.excel import package as _package
from perfxl.excel.package import PackageError, SheetScan, _expat, merge_area
from perfxl.excel.refs import split

_FALSE = ("0", "false", "f", "False", "F", "FALSE")


@dataclass
class SheetXML:
    """One worksheet part: cells that hold something (openpyxl's value not None), in
    document order, plus what the reader needs besides values."""

    name: str
    state: str = "visible"
    rows: array = field(default_factory=lambda: array("l"))
    cols: array = field(default_factory=lambda: array("l"))
    cells: dict = field(default_factory=dict)  # (row, col) -> (value, formula or None, style index, cached raw)
    merges: list[str] = field(default_factory=list)
    validations: list[tuple[str, str, str]] = field(default_factory=list)  # (sqref, type, formula1)
    scan: SheetScan = field(default_factory=SheetScan)  # extensions, for losses()
    positions: list = field(default_factory=list)  # while reading: every cell in document order


@dataclass
class BookXML:
    sheet_names: list[str]  # worksheets and chartsheets, as openpyxl's ``sheetnames``
    sheets: list[SheetXML]  # worksheets only, in order
    names: dict[str, str]  # global defined names -> text
    epoch_1904: bool
    formats: list[str]  # cellXfs index -> number format
    locked: list[bool]  # cellXfs index -> protection locked


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _parse_tree(data: bytes, start, end=None, chars=None, ordered=False) -> None:
    p = _expat(namespaces=False)
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if chars is not None:
        p.CharacterDataHandler = chars
    p.Parse(data, True)


def _local(name: str) -> str:
    return name[name.rfind(":") + 1:]


def _workbook(z: zipfile.ZipFile):
    """(sheets as (name, r:id, state), defined names as (name, localSheetId, text), date1904)."""
    sheets, names, flags = [], [], {"date1904": False}
    cur: dict = {}
    text: list[str] = []

    def start(name, attrs):
        n = _local(name)
        if n == "sheet":
            rid = next((v for k, v in attrs.items() if k == "r:id" or k.endswith(":id")), None)
            sheets.append((attrs.get("name"), rid, attrs.get("state") or "visible"))
        elif n == "definedName":
            cur.update(name=attrs.get("name"), local=attrs.get("localSheetId"))
            text.clear()
        elif n == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "0") not in _FALSE

    def end(name):
        if _local(name) == "definedName" and cur:
            names.append((cur["name"], cur["local"], "".join(text)))
            cur.clear()

    def chars(data):
        if cur:
            text.append(data)

    _parse_tree(z.read("xl/workbook.xml"), start, end, chars)
    return sheets, names, flags["date1904"]


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """r:id -> (resolved target, type) for one part."""
    rel = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if rel not in z.namelist():
        return out

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            out[attrs.get("Id")] = (_resolve(part, attrs.get("Target", "")), attrs.get("Type", ""))

    _parse_tree(z.read(rel), start)
    return out


def _styles(z: zipfile.ZipFile, names: set[str]) -> tuple[list[str], list[bool]]:
    """cellXfs index -> (number format, locked), as openpyxl's stylesheet resolves them."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE

    if "xl/styles.xml" not in names:
        return ["General"], [True]
    custom: dict[int, str] = {}
    xfs: list[list] = []  # [numFmtId, locked]
    where = []

    def start(name, attrs):
        n = _local(name)
        if n == "numFmt" and where[-1:] == ["numFmts"]:
            try:
                custom[int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            except (TypeError, ValueError):
                pass
        elif n == "xf" and where[-1:] == ["cellXfs"]:
            xfs.append([int(attrs.get("numFmtId", "0") or 0), True])
        elif n == "protection" and where[-2:] == ["cellXfs", "xf"]:
            xfs[-1][1] = attrs.get("locked", "1") not in _FALSE
        where.append(n)

    def end(name):
        where.pop()

    _parse_tree(z.read("xl/styles.xml"), start, end)
    added: list[str] = []  # openpyxl's IndexedList of custom formats, rebased from 164
    formats = []
    for num, _locked in xfs:
        if num in custom:
            fmt = custom[num]
            if fmt not in BUILTIN_FORMATS_REVERSE and fmt not in added:
                added.append(fmt)
            formats.append(fmt)
        elif num < BUILTIN_FORMATS_MAX_SIZE:
            formats.append(BUILTIN_FORMATS.get(num, "General"))
        else:  # a format styles.xml does not define: openpyxl indexes its own list with it
            i = num - BUILTIN_FORMATS_MAX_SIZE
            formats.append(added[i] if 0 <= i < len(added) else "General")
    return formats or ["General"], [x[1] for x in xfs] or [True]


def _shared_strings(z: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared strings, plain text: ``<si><t>`` and ``<si><r><t>``, phonetic runs left out
    (openpyxl's ``Text.content``), ``x005F_`` removed as openpyxl removes it."""
    if not part or part not in z.namelist():
        return []
    out: list[str] = []
    where: list[str] = []
    plain: list = [None]
    runs: list[str] = []
    text: list[str] = []
    collecting = [False]

    def start(name, attrs):
        n = _local(name)
        if n == "si":
            plain[0] = None
            runs.clear()
        elif n == "t" and where and where[-1] in ("si", "r") and (len(where) < 2 or where[-1] == "si" or where[-2] == "si"):
            collecting[0] = True
            text.clear()
        where.append(n)

    def end(name):
        n = where.pop()
        if n == "t" and collecting[0]:
            collecting[0] = False
            if where[-1] == "si":
                plain[0] = "".join(text)
            else:
                runs.append("".join(text))
        elif n == "si":
            parts = ([plain[0]] if plain[0] is not None else []) + runs
            out.append("".join(parts).replace("x005F_", ""))

    def chars(data):
        if collecting[0]:
            text.append(data)

    _parse_tree(z.read(part), start, end, chars)
    return out


def _cast_number(text: str):
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def read_sheet(stream, sheet: SheetXML, strings: list[str], date_styles, budget: int, epoch) -> int:
    """Stream one worksheet part into ``sheet``; returns how many ``<c>`` it holds.

    openpyxl's ``WorkSheetParser.parse_cell`` and ``parse_formula``, on expat events."""
    from openpyxl.utils.datetime import from_ISO8601, from_excel

    cells, merges, validations, scan = sheet.cells, sheet.merges, sheet.validations, sheet.scan
    positions: list[tuple[int, int]] = []
    shared: dict[str, object] = {}
    st = {"row": 0, "col": 0, "seen": 0, "ext": 0}
    c: dict = {}
    text: list[str] = []
    collect = [None]  # what the current character data belongs to
    where: list[str] = []
    dv: dict = {}

    def start(name, attrs):
        n = _local(name)
        where.append(n)
        if st["ext"]:
            if n == "ext":
                uri = attrs.get("uri")
                if uri:
                    scan.ext_uris.add(uri)
            elif n == "extLst":
                st["ext"] += 1
            return
        if n == "c":
            st["seen"] += 1
            if st["seen"] > budget:
                raise _package.too_many_cells()
            ref = attrs.get("r")
            if ref:
                pos = split(ref)
                if pos is None:
                    raise ValueError(f"bad cell reference {ref!r}")
            else:
                pos = (st["row"], st["col"] + 1)
            st["col"] = pos[1]
            c.clear()
            c.update(pos=pos, ref=ref, t=attrs.get("t", "n"), s=int(attrs.get("s") or 0), v=None, f=None, is_=None)
        elif not c:
            if n == "row":
                r = attrs.get("r")
                st["row"] = int(r) if r else st["row"] + 1
                st["col"] = 0
            elif n == "mergeCell":
                ref = attrs.get("ref")
                if ref:
                    merges.append(ref)
            elif n == "dataValidation":
                dv.update(type=attrs.get("type") or "", sqref=attrs.get("sqref") or "", formula1="")
            elif n == "formula1" and dv:
                collect[0] = "formula1"
                text.clear()
            elif n == "extLst":
                scan.has_ext = True
                st["ext"] = 1
        elif n == "v":
            collect[0] = "v"
            text.clear()
        elif n == "f":
            c["f"] = (attrs.get("t"), attrs.get("si"), attrs.get("ref"))
            c["ftext"] = None
            collect[0] = "f"
            text.clear()
        elif n == "is":
            c["is_"] = [None, []]
        elif n == "t" and c.get("is_") is not None and len(where) >= 2 and where[-2] in ("is", "r") and "rPh" not in where:
            collect[0] = "t"
            text.clear()

    def end(name):
        n = where.pop()
        if st["ext"]:
            if n == "extLst":
                st["ext"] -= 1
            return
        what = collect[0]
        if what is not None and n in ("v", "f", "t", "formula1"):
            collect[0] = None
            s = "".join(text)
            if what == "v":
                if c.get("v") is None:
                    c["v"] = s
            elif what == "f":
                c["ftext"] = s
            elif what == "t":
                if where[-1] == "is":
                    c["is_"][0] = s
                else:
                    c["is_"][1].append(s)
            elif what == "formula1":
                dv["formula1"] = s
            return
        if n == "c" and c:
            _finish_cell()
            c.clear()
        elif n == "dataValidation" and dv:
            validations.append((dv["sqref"], dv["type"], dv["formula1"]))
            dv.clear()

    def chars(data):
        if collect[0] is not None:
            text.append(data)

    def _finish_cell():
        t, vtext = c["t"], c["v"]
        value = None if t == "inlineStr" else (vtext or None)
        formula = None
        cached = None
        if c["f"] is not None:
            ftype, si, _ref = c["f"]
            ftext = c["ftext"]
            value = "=" + ftext if ftext else "="
            if ftype == "array":
                formula = value  # an ArrayFormula: its text counts even when empty
            elif ftype == "shared":
                if si in shared:
                    value = shared[si].translate_formula(c["ref"])
                elif value != "=":
                    from openpyxl.formula.translate import Translator
                    shared[si] = Translator(value, c["ref"])
            elif ftype == "dataTable":
                return  # openpyxl keeps a DataTableFormula object: no value the check can read
            if formula is None and len(value) > 1:
                formula = value
            if formula is not None and vtext is not None:
                cached = (vtext, t)
        elif value is not None:
            if t == "n":
                value = _cast_number(value)
                if c["s"] in date_styles:
                    try:
                        value = from_excel(value, epoch, timedelta=date_styles[c["s"]])
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif t == "s":
                value = strings[int(value)]
            elif t == "b":
                value = bool(int(value))
            elif t == "d":
                value = from_ISO8601(value)
        elif t == "inlineStr" and c["is_"] is not None:
            plain, runs = c["is_"]
            value = "".join(([plain] if plain is not None else []) + runs)
        if value is None:
            return
        pos = c["pos"]
        positions.append(pos)
        cells[pos] = (value, formula, c["s"], cached)

    p = _expat(namespaces=False)
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.ParseFile(stream)
    sheet.positions = positions
    return st["seen"]


def _clean_merges(sheet: SheetXML) -> None:
    """openpyxl empties every cell of a merged range but its top-left one (called once the
    merged area is known to be within its limit)."""
    cells = sheet.cells
    for ref in sheet.merges:
        a, _, b = ref.partition(":")
        p0, p1 = split(a), split(b or a)
        if p0 is None or p1 is None:
            raise ValueError(f"bad merged range {ref!r}")
        for r in range(p0[0], p1[0] + 1):
            for col in range(p0[1], p1[1] + 1):
                if (r, col) != p0:
                    cells.pop((r, col), None)
    for r, col in sheet.positions:
        if (r, col) in cells:
            sheet.rows.append(r)
            sheet.cols.append(col)
    sheet.positions = []


def read_book(path: str) -> BookXML:
    """Every part the reader needs, from the package at ``path`` (limits already checked)."""
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        sheets, defined, date1904 = _workbook(z)
        rels = _rels(z, "xl/workbook.xml")
        formats, locked = _styles(z, names)
        sst = next((t for t, typ in rels.values() if typ.endswith("/sharedStrings")), "xl/sharedStrings.xml")
        strings = _shared_strings(z, sst)
        date_styles = {i: is_timedelta_format(f) for i, f in enumerate(formats) if is_date_format(f)}
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        sheet_names: list[str] = []
        out: list[SheetXML] = []
        budget, merged = _package.MAX_CELLS, 0
        for name, rid, state in sheets:
            if not rid or rid not in rels:
                continue
            part, typ = rels[rid]
            if part not in names:
                continue
            sheet_names.append(name)
            if "chartsheet" in typ:
                continue
            sheet = SheetXML(name, state)
            with z.open(part) as fh:
                budget -= read_sheet(fh, sheet, strings, date_styles, budget, epoch)
            merged += sum(merge_area(r) for r in sheet.merges)
            if merged > _package.MAX_MERGED_CELLS:  # read at run time: tests lower it
                raise _package.too_much_merged(merged)
            _clean_merges(sheet)
            out.append(sheet)
    glob: dict[str, str] = {}
    for name, local, text in defined:
        if local is None and name not in ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase"):
            glob[name] = text
    return BookXML(sheet_names, out, glob, date1904, formats, locked)
