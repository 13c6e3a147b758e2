"""A sheet as a sparse grid of cells, built once per sheet from the two loads of the file.

Every label lookup works on this grid, so no sheet is rescanned through openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from perfxl.excel.cell import Cell
from perfxl.excel.labels import nfkc, normalize


def coord(row: int, col: int) -> str:
    if row < _SHARED_ROWS and col < _SHARED_COLS:
        key = (row, col)
        text = _COORDS.get(key)
        if text is None:
            text = _COORDS[key] = f"{get_column_letter(col)}{row}"
        return text
    return f"{get_column_letter(col)}{row}"


# Every project sheet has the same layout: the same positions, coordinates and labels come
# back on each of 1,500 sheets. One shared object per position / coordinate / label text
# (bounded caches) instead of one per cell keeps the grids of a big workbook small.
_SHARED_ROWS, _SHARED_COLS = 1000, 64
_KEYS: dict[tuple[int, int], tuple[int, int]] = {}
_COORDS: dict[tuple[int, int], str] = {}
_NORMS: dict[str, str] = {}


def forget_shared() -> None:
    """Empty the shared-object caches (see perfxl.excel.forget_caches)."""
    _KEYS.clear()
    _COORDS.clear()
    _NORMS.clear()


def _key(row: int, col: int) -> tuple[int, int]:
    key = (row, col)
    if row < _SHARED_ROWS and col < _SHARED_COLS:
        return _KEYS.setdefault(key, key)
    return key


def _normalized(text: str) -> str:
    norm = _NORMS.get(text)
    if norm is None:
        norm = normalize(text)
        if len(text) <= 1000 and len(_NORMS) < 50_000:
            _NORMS[text] = norm
    return norm


@dataclass
class SheetGrid:
    name: str
    hidden: bool = False
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    max_row: int = 0
    max_col: int = 0
    _norm: dict[tuple[int, int], str] = field(default_factory=dict)
    _rows: dict[int, list[int]] = field(default_factory=dict)

    def add(self, row: int, col: int, cell: Cell) -> None:
        key = _key(row, col)
        self.cells[key] = cell
        self._rows.setdefault(row, []).append(col)
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        if isinstance(cell.value, str):
            self._norm[key] = _normalized(cell.value)

    def add_merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                self.merged[_key(r, c)] = (r0, c0, r1, c1)

    def finish(self) -> None:
        for cols in self._rows.values():
            cols.sort()

    # -- access -------------------------------------------------------------
    def cell(self, row: int, col: int) -> Cell:
        """The cell itself (an empty Cell with its address when nothing is there)."""
        found = self.cells.get((row, col))
        return found if found is not None else Cell(self.name, coord(row, col))

    def shown(self, row: int, col: int) -> Cell:
        """What the position shows: a merged range shows its top-left cell."""
        m = self.merged.get((row, col))
        if m and (m[0], m[1]) != (row, col):
            return self.cell(m[0], m[1])
        return self.cell(row, col)

    def norm(self, row: int, col: int) -> str:
        m = self.merged.get((row, col))
        if m:
            row, col = m[0], m[1]
        return self._norm.get((row, col), "")

    def rows(self) -> list[int]:
        return sorted(self._rows)

    def cols_in(self, row: int) -> list[int]:
        return self._rows.get(row, [])

    def text_cells(self):
        """(row, col, raw text, normalised text) in reading order."""
        for row in self.rows():
            for col in self._rows[row]:
                n = self._norm.get((row, col))
                if n is not None:
                    yield row, col, self.cells[(row, col)].value, n

    def merge_end_col(self, row: int, col: int) -> int:
        m = self.merged.get((row, col))
        return m[3] if m and (m[0], m[1]) == (row, col) else col

    def merge_end_row(self, row: int, col: int) -> int:
        m = self.merged.get((row, col))
        return m[2] if m else row

    def value_right_of(self, row: int, col: int, stop: set[str]) -> Cell:
        """The value of a label (docs/template.md §1): the first non-empty cell to its right,
        unless another label comes first; a merged range counts as its top-left cell."""
        start = self.merge_end_col(row, col) + 1
        for c in self._rows.get(row, ()):  # only the cells the row holds: empty ones are skipped anyway
            if c < start:
                continue
            m = self.merged.get((row, c))
            if m and (m[0], m[1]) != (row, c):
                continue
            found = self.cells.get((row, c))
            if found is None or found.value is None or (isinstance(found.value, str) and not found.value.strip()):
                continue
            if self._norm.get((row, c)) in stop or _inline_label(self._norm.get((row, c), ""), stop):
                break
            return found
        return Cell(self.name, coord(row, start))


def _inline_label(norm: str, labels: set[str]) -> bool:
    if ":" not in norm:
        return False
    return normalize(norm.split(":", 1)[0]) in labels


def split_inline(text: str) -> tuple[str, str] | None:
    """``项目名称：办公楼维修`` -> (项目名称, 办公楼维修); None when there is no colon."""
    s = nfkc(text)
    if ":" not in s:
        return None
    left, right = s.split(":", 1)
    if not right.strip():
        return None
    return left, right.strip()
