"""Heights for the user's rows that hold wrapped text but no height of their own.

Excel and WPS fit such a row when somebody edits it there; a workbook filled by a program
(or by perfxl's own template, whose indicator rows have no fixed height) keeps the default
height, and LibreOffice and most previews then draw the text over the rows below. The
result workbook gives those rows the height their text needs, estimated from the text and
the column width (docs/template.md §7: this is display, not content — no value, style or
height the user set is changed).
"""

from __future__ import annotations

from openpyxl.utils import range_boundaries

from perfxl.excel.textfit import row_height

def _widths(ws) -> dict[int, float]:
    default = ws.sheet_format.defaultColWidth or (ws.sheet_format.baseColWidth or 8) + 0.43
    out: dict[int, float] = {}
    for key, dim in ws.column_dimensions.items():
        lo, hi = dim.min or None, dim.max or None
        if lo is None:
            try:
                lo = hi = range_boundaries(f"{key}1")[0]
            except (ValueError, TypeError):
                continue
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

