"""Row heights for wrapped text, estimated from the text and the column width: the one
estimator of perfxl, for the template, the result workbook's own sheets, the user's rows
(``fit_rows``) and the roll-up; and the display width of text (the terminal report's columns).

Excel and WPS grow a row to fit wrapped text when they edit it, but a file written by a
program keeps whatever height it was given, and LibreOffice does not refit rows on
opening. So the writer of a wrapped cell sets the height itself. Widths are in Excel's
column units (about one Latin digit); a CJK character takes two of them.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from perfxl.excel.refs import split


def text_width(text: str) -> int:
    """Display width in column units: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: object, column_width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``column_width`` wide."""
    if text is None or text == "":
        return 1
    return _lines(str(text), float(column_width))


@lru_cache(maxsize=4096)
def _lines(text: str, column_width: float) -> int:
    """(Cached: a roll-up repeats the same messages in many rows.)"""
    # the cell's padding and word breaks at spaces cost a little of every line
    usable = max(2.0, column_width * 0.92 - 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def line_height(font_size: float = 11) -> float:
    """Points per wrapped line: CJK fonts (宋体, Noto CJK) need about 1.4 times the size."""
    return round(font_size * 1.4 + 0.5, 1)


def row_height(cells, font_size: float = 11, minimum: float = 15.0, padding: float = 4.0) -> float:
    """Height in points for a row whose wrapped cells are ``(text, column_width)`` pairs."""
    lines = max((lines_needed(text, width) for text, width in cells), default=1)
    return max(minimum, round(lines * line_height(font_size) + padding, 1))


# -- the user's rows ---------------------------------------------------------------------
# A row of the user's that holds wrapped text but no height of its own: Excel and WPS fit
# such a row when somebody edits it there; a workbook filled by a program (or by perfxl's own
# template, whose indicator rows have no fixed height) keeps the default height, and
# LibreOffice and most previews then draw the text over the rows below. The result workbook
# gives those rows the height their text needs (docs/template.md §7: this is display, not
# content — no value, style or height the user set is changed).

def _widths(ws) -> dict[int, float]:
    default = ws.sheet_format.defaultColWidth or (ws.sheet_format.baseColWidth or 8) + 0.43
    out: dict[int, float] = {}
    for key, dim in ws.column_dimensions.items():
        lo, hi = dim.min or None, dim.max or None
        if lo is None:
            rc = split(f"{key}1") if isinstance(key, str) else None
            if rc is None:
                continue
            lo = hi = rc[1]
        for c in range(lo, (hi or lo) + 1):
            if dim.width and not dim.hidden:
                out[c] = dim.width
    return {"default": default, **out}  # type: ignore[dict-item]


def fit_rows(ws) -> list[int]:
    """Set the height of every row without one whose wrapped text needs more than a line;
    return those rows."""
    widths = _widths(ws)
    default = widths.pop("default")
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        min_col, min_row, max_col, max_row = rng.bounds
        spans[(min_row, min_col)] = (max_col, max_row)
    need: dict[int, list] = {}
    for c in list(ws._cells.values()):  # the cells that exist: never the whole used range
        if not isinstance(c.value, str) or c.value.startswith("=") or not c.has_style:
            continue
        if not (c.alignment is not None and c.alignment.wrap_text):
            continue
        max_col, max_row = spans.get((c.row, c.column), (c.column, c.row))
        if max_row != c.row:
            continue  # a block over several rows: its height is the user's layout
        width = sum(widths.get(k, default) for k in range(c.column, max_col + 1))
        size = c.font.sz if c.font is not None and c.font.sz else 11
        need.setdefault(c.row, []).append((c.value, width, size))
    fitted = []
    for r, cells in sorted(need.items()):
        dim = ws.row_dimensions.get(r)
        if dim is not None and (dim.ht is not None or dim.hidden):
            continue
        size = max(s for _, _, s in cells)
        height = row_height([(t, w) for t, w, _ in cells], font_size=size)
        if height > row_height([("", 10)], font_size=size) + 0.5:
            ws.row_dimensions[r].height = height
            fitted.append(r)
    return fitted

