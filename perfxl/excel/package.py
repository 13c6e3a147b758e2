"""What openpyxl would drop from a package, found before writing (STYLE.md: kept and dropped),
and writing cached values for formulas into a saved package (openpyxl writes none)."""

from __future__ import annotations

import importlib.util
import math
import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

from defusedxml import ElementTree as DET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}

EXT_NAMES = {
    "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "新式条件格式（数据条/图标集等扩展）",
    "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}": "引用其他工作表的数据验证（下拉列表）",
    "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "迷你图",
    "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}": "切片器",
    "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}": "切片器",
    "{504A1905-F514-4f6f-8877-14C23A59335A}": "表格扩展",
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


def losses(path: str, owned_sheets: set[str] = frozenset()) -> list[str]:
    """Parts of the input that openpyxl cannot keep, in Chinese, one entry per kind and sheet."""
    found: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        parts = sheet_parts(z)
        if any(n.lower().endswith("vbaproject.bin") for n in names) and not path.lower().endswith(".xlsm"):
            found.append("VBA 宏")
        if any(n.startswith("xl/threadedComments/") for n in names):
            found.append("新式（线程）批注（旧式批注会保留）")
        if any(n.startswith(("xl/activeX/", "xl/ctrlProps/")) for n in names):
            found.append("表单控件/ActiveX 控件")
        has_pillow = importlib.util.find_spec("PIL") is not None
        for sheet, part in parts.items():
            if sheet in owned_sheets or part not in names:
                continue
            xml = z.read(part).decode("utf-8", "replace")
            for uri, label in EXT_NAMES.items():
                if uri.lower() in xml.lower():
                    found.append(f"工作表“{sheet}”的{label}")
            if "<extLst" in xml and not any(u.lower() in xml.lower() for u in EXT_NAMES):
                found.append(f"工作表“{sheet}”的扩展内容（extLst）")
            rel = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rel in names:
                rel_xml = z.read(rel).decode("utf-8", "replace")
                for target in re.findall(r'Target="([^"]+drawing\d+\.xml)"', rel_xml):
                    dpath = "xl/drawings/" + target.rsplit("/", 1)[-1]
                    if dpath in names:
                        dxml = z.read(dpath).decode("utf-8", "replace")
                        if re.search(r"<(?:\w+:)?sp[ >]", dxml) or "<xdr:grpSp" in dxml:
                            found.append(f"工作表“{sheet}”中的形状/文本框")
                        if not has_pillow and re.search(r"<(?:\w+:)?pic[ >]", dxml):
                            found.append(f"工作表“{sheet}”中的图片（未安装 Pillow）")
    return found


# -- cached values -------------------------------------------------------------

# an empty cached value is <v/> (openpyxl without lxml) or <v></v> (with lxml, which python-docx brings)
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f(?:\s[^>]*)?(?:/>|>.*?</f>))(?:<v\s*/>|<v>\s*</v>)\s*</c>|'
                   r'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f(?:\s[^>]*)?(?:/>|>.*?</f>))</c>', re.S)


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
    return "str", escape(text)


def write_cached_values(path: str, values: dict[str, dict[str, object]]) -> int:
    """Rewrite the package at ``path`` so that every formula cell named in ``values``
    (sheet -> coord -> value) holds its cached value. Returns how many were written."""
    written = 0
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    by_part = {parts[s]: v for s, v in values.items() if s in parts}

    def patch(xml: str, cells: dict[str, object]) -> str:
        def repl(m):
            nonlocal written
            ref = m.group(1) or m.group(4)
            attrs = m.group(2) if m.group(1) else m.group(5)
            formula = m.group(3) if m.group(1) else m.group(6)
            if ref not in cells or cells[ref] is None:
                return m.group(0)
            t, text = _typed(cells[ref])
            attrs = re.sub(r'\st="[^"]*"', "", attrs)
            if t:
                attrs += f' t="{t}"'
            written += 1
            return f'<c r="{ref}"{attrs}>{formula}<v>{text}</v></c>'
        return _CELL.sub(repl, xml)

    tmp = path + ".cache-tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename in by_part:
                data = patch(data.decode("utf-8"), by_part[info.filename]).encode("utf-8")
            out.writestr(info, data)
    import os
    os.replace(tmp, path)
    return written
