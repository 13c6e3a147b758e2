"""Reading numbers from cells (docs/template.md §1): typed numbers, numbers typed as text, dashes."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from perfxl.excel.cell import Cell, Number
from perfxl.excel.labels import is_dash, nfkc

_TEXT_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(%|万元|元|分|人)?$")


def decimals_of(value: float | int | str) -> int:
    """Decimals of the stored number (its shortest repr), used by the precision rule."""
    if isinstance(value, bool):
        return 0
    text = value if isinstance(value, str) else repr(float(value))
    text = text.lower()
    if "e" in text:
        try:
            return max(0, -Decimal(text).normalize().as_tuple().exponent)
        except InvalidOperation:
            return 0
    if "." not in text:
        return 0
    frac = text.split(".", 1)[1].rstrip("0")
    return len(frac)


def read_number(cell: Cell, *, rate: bool = False) -> Number:
    """Read a cell as a number.

    ``rate``: the cell holds a rate; a numeric cell formatted as a percentage holds a
    fraction, a text ``86.83%`` is 0.8683.
    """
    v = cell.value
    if v is None or is_dash(v):
        return Number(cell)
    if isinstance(v, bool) or isinstance(v, (datetime, date)):
        return Number(cell, invalid=True)
    if isinstance(v, (int, float)):
        return Number(cell, float(v), decimals=decimals_of(v))
    text = re.sub(r"\s+", "", nfkc(str(v))).replace(",", "")
    if text.startswith("#"):  # an Excel error value such as #DIV/0!
        return Number(cell, invalid=True)
    m = _TEXT_NUMBER.match(text)
    if not m:
        return Number(cell, invalid=True)
    num = float(m.group(1))
    dec = decimals_of(m.group(1))
    if m.group(2) == "%":
        num = num / 100 if rate else num
        if rate:
            dec += 2
    return Number(cell, num, typed_as_text=True, decimals=dec)
