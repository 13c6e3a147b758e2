"""A cell as perfxl sees it, and a cell read as a number: the atoms every layer above uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perfxl.excel.refs import split


@dataclass(slots=True)  # one per cell the workbook holds: slots keep the grids small
class Cell:
    """One cell's content as perfxl sees it.

    ``value`` is what the cell shows: the typed value, or for a formula its cached
    value (or the value perfxl computed when the file held none, ``computed=True``).
    ``coord`` is where the value is or, for a missing value, where it should be.
    """

    sheet: str
    coord: str
    value: Any = None
    formula: str | None = None
    number_format: str = "General"
    computed: bool = False
    locked: bool = True  # cell protection; read for formula cells
    inline: bool = False  # a value written after its label in the label's own cell (``预算数：50``): text by nature

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.coord}"

    @property
    def is_text(self) -> bool:
        return isinstance(self.value, str)

    @property
    def row(self) -> int:
        return split(self.coord)[0]

    @property
    def is_percent_format(self) -> bool:
        return "%" in (self.number_format or "")


@dataclass
class Number:
    """A cell read as a number: ``value`` None when empty or unreadable."""

    cell: Cell
    value: float | None = None
    typed_as_text: bool = False  # the number was read from a text cell
    invalid: bool = False  # something is there, but it is not a number
    decimals: int = 0  # decimals of the stored number, for the precision rule
    date_formatted: bool = False  # a number in a cell formatted as a date (Excel shows a date)
    unit: str | None = None  # a money unit typed after the number (万元, 元, 亿元); the value is in the sheet's

    @property
    def empty(self) -> bool:
        return self.value is None and not self.invalid
