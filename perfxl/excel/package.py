"""The package (zip/XML) level: limits checked before anything is parsed, one streaming scan of
each worksheet part (the cells it really holds, cached values, merges, extensions), what
openpyxl would drop (STYLE.md: kept and dropped), and writing cached values for formulas into
a saved package (openpyxl writes none).

Every XML part read here goes through expat with DTDs refused: no entity is ever expanded.
"""

from __future__ import annotations

import importlib.util
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from defusedxml import ElementTree as DET

from perfxl.excel.reasons import Reason
from perfxl.excel.refs import split

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}

EXT_NAMES = {  # extension URI -> its reason code (perfxl.excel.reasons)
    "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "ext_conditional_formats",
    "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}": "ext_validations",
    "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "ext_sparklines",
    "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}": "ext_slicers",
    "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}": "ext_slicers",
    "{504A1905-F514-4f6f-8877-14C23A59335A}": "ext_tables",
}


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, from workbook.xml and its relationships."""
    wb = DET.fromstring(z.read("xl/workbook.xml"))
    rels = DET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    out = {}
    for s in wb.findall("m:sheets/m:sheet", NS):
        target = targets.get(s.get(f"{{{NS['r']}}}id"), "")
        target = target.lstrip("/")
        out[s.get("name")] = target if target.startswith("xl/") else "xl/" + target
    return out


# What openpyxl drops, known by what a part is (its content type, or the type of the relationship
# that reaches it), never by its name: Excel names parts as it likes, and so do other programs.
VBA_TYPE = "application/vnd.ms-office.vbaproject"
THREADED_TYPE = "application/vnd.ms-excel.threadedcomments+xml"
CONTROL_TYPES = ("application/vnd.ms-office.activex+xml", "application/vnd.ms-office.activex",
                 "application/vnd.ms-excel.controlproperties+xml")
DRAWING_REL = "/drawing"  # the end of the relationship type, transitional and strict alike


def content_types(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name (no leading slash) -> content type, lower case, from [Content_Types].xml:
    an Override names the part, a Default its extension."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def start(name, attrs):
        local = name.rsplit(" ", 1)[-1]
        if local == "Default" and attrs.get("Extension"):
            defaults[attrs["Extension"].lower()] = attrs.get("ContentType", "").lower()
        elif local == "Override" and attrs.get("PartName"):
            overrides[attrs["PartName"].lstrip("/")] = attrs.get("ContentType", "").lower()

    try:
        data = z.read("[Content_Types].xml")
    except KeyError:
        return {}
    p = _expat()
    p.StartElementHandler = start
    p.Parse(data, True)
    out = {}
    for part in z.namelist():
        kind = overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1].lower() if "." in part else "")
        if kind:
            out[part] = kind
    return out


def losses(path: str, owned_sheets: set[str] = frozenset(), scans: dict | None = None) -> list[Reason]:
    """Parts of the input that openpyxl cannot keep, one Reason (its text Chinese) per kind and sheet.

    Parts are known by their content type and by the relationships that reach them, so a
    drawing named ``pic.xml`` loses its picture as loudly as one named ``drawing1.xml``.
    ``scans`` (sheet -> SheetScan) are the reader's notes on the worksheet parts; without
    them (a model not built by the reader) the parts are read here."""
    from perfxl.excel.sheetxml import _rels, _workbook

    if scans is None:
        from perfxl.excel.sheetxml import read_book  # the one reader of worksheet parts
        scans = {sx.name: sx.scan for sx in read_book(path).sheets}
    found: list[Reason] = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        parts = sheet_parts(z)
        kinds = set(content_types(z).values())  # what a part is, not what it is called
        if VBA_TYPE in kinds and not path.lower().endswith(".xlsm"):
            found.append(Reason("vba"))
        if THREADED_TYPE in kinds:
            found.append(Reason("threaded_comments"))
        if kinds & set(CONTROL_TYPES):
            found.append(Reason("controls"))
        has_pillow = importlib.util.find_spec("PIL") is not None
        book_rels = _rels(z, "xl/workbook.xml")
        for sheet, rid, _state in _workbook(z)[0]:
            part = book_rels.get(rid, ("", ""))[0]
            if sheet in owned_sheets or part not in names:
                continue
            scan = scans.get(sheet)
            if scan is None:
                continue
            uris = {u.lower() for u in scan.ext_uris}
            known = [code for uri, code in EXT_NAMES.items() if uri.lower() in uris]
            for code in known:
                found.append(Reason("sheet_extension", sheet=sheet, what=Reason(code)))
            if scan.has_ext and not known:
                found.append(Reason("ext_other", sheet=sheet))
            for target, rel_type in _rels(z, part).values():
                if not rel_type.endswith(DRAWING_REL) or target not in names:
                    continue
                dxml = z.read(target).decode("utf-8", "replace")
                if re.search(r"<(?:\w+:)?(?:sp|grpSp|cxnSp)[ >]", dxml):
                    found.append(Reason("shapes", sheet=sheet))
                if not has_pillow and re.search(r"<(?:\w+:)?pic[ >]", dxml):
                    found.append(Reason("pictures", sheet=sheet))
    return list(dict.fromkeys(found))  # a sheet with two drawings names each loss once


# -- limits: checked on the zip directory, before any part is decompressed -------------

MAX_PARTS = 10_000  # a 1,500-project workbook has about 1,500 parts
MAX_TOTAL = 512 * 2**20  # bytes, every part uncompressed (pictures included)
MAX_XML = 64 * 2**20  # bytes, the XML parts uncompressed: what openpyxl has to parse
MAX_RATIO = 200  # uncompressed / compressed, for a part over RATIO_FLOOR bytes
RATIO_FLOOR = 2**20
MAX_MERGED_CELLS = 2_000_000  # cells covered by merged ranges, summed over the workbook
MAX_CELLS = 1_000_000  # <c> elements, summed over the workbook (a 1,500-project workbook: about 180,000)


class PackageError(Exception):
    """The package is refused before parsing. ``reason`` is Chinese, without the file name."""

    def __init__(self, code: str, reason: str, reason_en: str = ""):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.reason_en = reason_en or reason


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def too_many_cells() -> PackageError:
    """The refusal of a workbook holding more than MAX_CELLS cells (.xlsx and .xls alike)."""
    return PackageError("too_large", f"单元格超过 {MAX_CELLS:,} 个", f"more than {MAX_CELLS:,} cells")


def too_much_merged(merged: int) -> PackageError:
    """The refusal of merged ranges covering more than MAX_MERGED_CELLS cells in all."""
    return PackageError("too_large", f"合并单元格共覆盖 {merged:,} 个单元格（上限 {MAX_MERGED_CELLS:,}）",
                        f"merged ranges cover {merged:,} cells (limit {MAX_MERGED_CELLS:,})")


def check_limits(z: zipfile.ZipFile) -> None:
    """Refuse a package whose directory promises more than a workbook of this kind needs."""
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise PackageError("too_many_parts", f"压缩包内有 {len(infos):,} 个部件（上限 {MAX_PARTS:,}）",
                           f"{len(infos):,} parts in the package (limit {MAX_PARTS:,})")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL:
        raise PackageError("too_large", f"解压后共 {_mb(total)}（上限 {_mb(MAX_TOTAL)}）",
                           f"{_mb(total)} uncompressed (limit {_mb(MAX_TOTAL)})")
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels", ".vml")))
    if xml > MAX_XML:
        raise PackageError("too_large", f"表格内容解压后共 {_mb(xml)}（上限 {_mb(MAX_XML)}）",
                           f"{_mb(xml)} of XML uncompressed (limit {_mb(MAX_XML)})")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise PackageError("zip_bomb", f"部件 {i.filename} 的压缩比异常（{ratio:,} 倍，解压后 {_mb(i.file_size)}），"
                                           "可能是恶意构造的文件",
                               f"part {i.filename} is compressed {ratio:,} to 1 ({_mb(i.file_size)} uncompressed), "
                               "a sign of a zip bomb")


# -- streaming XML, DTDs refused ---------------------------------------------------

class XMLRefused(ValueError):
    pass


def _refuse(*_args):
    raise XMLRefused("DTD or entity declaration in a package part")


def _expat(namespaces: bool = True):
    import pyexpat

    p = pyexpat.ParserCreate(namespace_separator=" ") if namespaces else pyexpat.ParserCreate()
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    p.buffer_text = True
    return p


# -- the sparse scan of a worksheet part ---------------------------------------------

@dataclass
class SheetScan:
    """What a worksheet part holds that openpyxl cannot keep (its extension list), noted by
    the reader's one pass over the part (perfxl.excel.sheetxml), for ``losses``."""

    ext_uris: set[str] = field(default_factory=set)
    has_ext: bool = False


def single_cell(ref: str) -> bool:
    """``ref`` names one cell (``B7``), not a range."""
    pos = split(ref)
    return pos is not None and 1 <= pos[0] <= 1048576 and 1 <= pos[1] <= 16384


def merge_area(ref: str) -> int:
    a, _, b = ref.partition(":")
    p, q = split(a), split(b or a)
    if p is None or q is None:
        return 0
    return (abs(q[0] - p[0]) + 1) * (abs(q[1] - p[1]) + 1)


def typed_cached(text: str, t: str):
    """A cached value as openpyxl's data_only load types it (numbers, booleans, text, errors);
    dates are the caller's business (they depend on the number format)."""
    if t in ("str", "e", "inlineStr"):
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "s":
        return None  # a shared-string index as a cached formula value: not written by Excel
    if t == "d":
        from openpyxl.utils.datetime import from_ISO8601
        try:
            return from_ISO8601(text.strip())
        except (ValueError, TypeError):
            return text
    s = text.strip()
    if not s:
        return None
    try:
        return float(s) if ("." in s or "e" in s or "E" in s) else int(s)
    except ValueError:
        try:
            return float(s)  # inf, nan
        except ValueError:
            return text


# -- cached values written into a saved package ----------------------------------------

def _typed(value) -> tuple[str | None, str]:
    """(t attribute, <v> text) for a cached value."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return "e", "#NUM!"
        return None, repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
    if isinstance(value, (datetime, date)):
        from openpyxl.utils.datetime import to_excel
        return None, repr(float(to_excel(value)))
    text = str(value)
    if text.startswith("#") and text.endswith(("!", "?", "A")) and len(text) <= 8:
        return "e", text
    return "str", text


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would import urllib and http: 40 ms at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _start_tag(name: str, attrs: list[str]) -> str:
    parts = [f"<{name}"]
    for k, v in zip(attrs[::2], attrs[1::2]):
        parts.append(f" {k}={quoteattr(v)}")
    return "".join(parts) + ">"


def patch_sheet(data: bytes, cells: dict[str, object]) -> tuple[bytes, int]:
    """Give every formula cell of one worksheet part named in ``cells`` (coord -> value) its
    cached value. expat finds the byte offsets; the bytes around them are kept as they are,
    so the part is otherwise unchanged, whichever XML writer (lxml or not) produced it."""
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement), in order
    cur: dict = {}
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        local = name[name.rfind(":") + 1:]
        if local == "c":
            cur.clear()
            cur.update(start=p.CurrentByteIndex, attrs=attrs, depth=depth[0], f=False, body=None, v=None)
        elif cur and depth[0] == cur["depth"] + 1:
            if cur["body"] is None:
                cur["body"] = p.CurrentByteIndex  # where the start tag of <c> ended
            if local == "f":
                cur["f"] = True
            elif local == "v":
                cur["v"] = p.CurrentByteIndex

    def end(name):
        local = name[name.rfind(":") + 1:]
        if local == "c" and cur and depth[0] == cur["depth"]:
            attrs = cur["attrs"]
            keys = attrs[::2]
            ref = attrs[keys.index("r") * 2 + 1] if "r" in keys else None
            if cur["f"] and ref in cells and cells[ref] is not None:
                t, text = _typed(cells[ref])
                kept = [x for k, v in zip(attrs[::2], attrs[1::2]) if k != "t" for x in (k, v)]
                if t:
                    kept += ["t", t]
                end_at = p.CurrentByteIndex  # the '<' of </c>
                v_at = cur["v"] if cur["v"] is not None else end_at
                edits.append((cur["start"], cur["body"], _start_tag(name, kept).encode("utf-8")))
                edits.append((v_at, end_at, f"<v>{escape(text)}</v>".encode("utf-8")))
            cur.clear()
        depth[0] -= 1

    p = _expat(namespaces=False)
    p.ordered_attributes = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.Parse(data, True)
    if not edits:
        return data, 0
    out = []
    at = 0
    for s, e, rep in edits:
        out.append(data[at:s])
        out.append(rep)
        at = e
    out.append(data[at:])
    return b"".join(out), len(edits) // 2


class DamagedOutput(OSError):
    """The saved result package is not one Excel opens cleanly; ``zh``/``en`` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def write_cached_values(path: str, values: dict[str, dict[str, object]]) -> int:
    """Rewrite the package at ``path`` (the writer's own temporary file) so that every formula
    cell named in ``values`` (sheet -> coord -> value) holds its cached value. The new package
    is streamed, one part at a time, into a registered temporary file beside ``path`` (removed
    on any error or signal, perfxl.excel.atomic) that then replaces it: the whole package is
    never held in memory. Returns how many values were written."""
    import shutil

    from perfxl.excel import atomic

    written = 0
    with atomic.replacing(path, ".xlsx") as tmp:  # replaces ``path`` once it is closed below
        with zipfile.ZipFile(path) as z:
            twice = sorted(n for n, k in Counter(z.namelist()).items() if k > 1)
            if twice:  # a package Excel would call damaged: never hand it over
                raise DamagedOutput(f"openpyxl 写出了重名的部件 {'、'.join(twice)}",
                                    f"openpyxl wrote two parts named {', '.join(twice)}")
            parts = sheet_parts(z)
            by_part = {parts[s]: v for s, v in values.items() if s in parts}
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
                for info in z.infolist():
                    if info.filename not in by_part:  # copied in chunks: a big part is never held whole
                        with z.open(info) as src, out.open(info, "w", force_zip64=info.file_size > 2**30) as dst:
                            shutil.copyfileobj(src, dst, 2**20)
                        continue
                    data, n = patch_sheet(z.read(info.filename), by_part[info.filename])
                    written += n
                    out.writestr(info, data)
                    del data
    return written


def defines_name(path: str, name: str) -> bool:
    """True when the workbook at ``path`` defines the name ``name`` (read from xl/workbook.xml
    only, without loading the workbook): how perfxl recognises files it wrote itself."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("xl/workbook.xml")
            if info.file_size > 5_000_000:
                return False
            return f'name="{name}"'.encode() in z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError, NotImplementedError):
        return False
