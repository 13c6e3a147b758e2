"""One style object per distinct cell style, for an openpyxl workbook that is only added to.

openpyxl gives every loaded cell its own copy of its style (a ``StyleArray``, about 150 bytes
with its buffer: 37 MB for a 1,500-project workbook, more than all of perfxl's own model).
The writer adds sheets, notes and highlights but never restyles a user's cell, so the cells
of one style can share one read-only object. Changing a shared style in place would restyle
every cell sharing it; it raises instead (``copy`` of it gives a plain, changeable one).
"""

from __future__ import annotations

from contextlib import contextmanager

from openpyxl.styles.cell_style import StyleArray


class SharedStyle(StyleArray):
    def __setitem__(self, key, value):
        raise TypeError("perfxl: a shared cell style cannot be changed in place; give the cell a copy")


def share_styles(ws, table: dict[bytes, SharedStyle]) -> None:
    """Give every cell of ``ws`` the shared object of its style (``table``: one per workbook)."""
    for c in ws._cells.values():
        key = c._style.tobytes()
        one = table.get(key)
        if one is None:
            one = table[key] = SharedStyle(c._style)
        c._style = one


@contextmanager
def loading_with_shared_styles():
    """openpyxl loads inside this share styles sheet by sheet, as each is read, so that the
    load itself never holds one copy per cell (openpyxl's worksheet reader is wrapped for the
    duration; without it, styles are shared once the load is done)."""
    try:
        from openpyxl.worksheet._reader import WorksheetReader
        real = WorksheetReader.bind_all
    except (ImportError, AttributeError):  # another openpyxl: share after the load instead
        yield None
        return
    table: dict[bytes, SharedStyle] = {}

    def bind_all(self):
        real(self)
        share_styles(self.ws, table)

    WorksheetReader.bind_all = bind_all
    try:
        yield table
    finally:
        WorksheetReader.bind_all = real
