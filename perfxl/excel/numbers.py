"""Reading numbers from cells (docs/template.md §1): typed numbers, numbers typed as text, dashes."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from perfxl.excel.cell import Cell, Number
from perfxl.excel.labels import is_dash, nfkc

_TEXT_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(%|万元|元|分|人)?$")
_MONEY_TEXT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万元|亿元|元|万)?$")

# Money units a number may be typed with (docs/template.md §1), in 元: ``12.5万`` is 12.5万元.
MONEY_UNITS = {"元": 1, "万元": 10000, "万": 10000, "亿元": 100000000}


EXCEL_MAX = 9.99999999999999e307  # the largest number Excel stores


def excel_value(value):
    """A cell value as Excel can hold it: every number a finite float-sized one.

    A file can say anything in ``<v>``: ``1e999`` (read as infinity), ``nan``, or a
    30-digit integer. Excel shows #NUM! for a number it cannot hold, so that is what the
    model gets; integers beyond 15 digits become floats, as Excel keeps them.
    """
    if type(value) is float:
        return value if math.isfinite(value) else "#NUM!"
    if type(value) is int and not -(2 ** 53) <= value <= 2 ** 53:
        try:
            value = float(value)
        except OverflowError:
            return "#NUM!"
        return value if math.isfinite(value) else "#NUM!"
    return value


def quantize_half_up(value, places: int) -> float:
    """``value`` rounded half up (away from zero) to ``places`` decimals, for any float:
    infinities and NaN come back unchanged, and a huge number (1e308) keeps all its digits
    instead of raising decimal.InvalidOperation."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    except (OverflowError, ValueError, InvalidOperation):
        return float("nan")
    if not d.is_finite():
        return float(d)
    places = max(-400, min(places, 400))
    with localcontext() as ctx:
        ctx.prec = 800  # every digit of a double plus the places asked for
        try:
            return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
        except InvalidOperation:
            return float(d)


def decimals_of(value: float | int | str) -> int:
    """Decimals of the stored number (its shortest repr), used by the precision rule."""
    if isinstance(value, bool):
        return 0
    try:
        text = value if isinstance(value, str) else repr(float(value))
    except (OverflowError, ValueError):
        return 0
    text = text.lower()
    if text in ("inf", "-inf", "nan"):
        return 0
    if "e" in text:
        try:
            return max(0, -Decimal(text).normalize().as_tuple().exponent)
        except InvalidOperation:
            return 0
    if "." not in text:
        return 0
    frac = text.split(".", 1)[1].rstrip("0")
    return len(frac)


def _serial(v) -> float | None:
    """The number Excel stores behind a date or time (1900 date system): what its formulas
    compute with, whatever the cell shows."""
    from openpyxl.utils.datetime import to_excel

    try:
        serial = float(to_excel(v))
    except (TypeError, ValueError, OverflowError):
        return None
    return round(serial, 9)


def read_number(cell: Cell, *, rate: bool = False, money: str | None = None) -> Number:
    """Read a cell as a number.

    ``rate``: the cell holds a rate; a numeric cell formatted as a percentage holds a
    fraction, a text ``86.83%`` is 0.8683.
    ``money``: the cell holds an amount of a sheet in this unit (``万元`` or ``元``); a text
    typed with a money unit (``12.5万``, ``125000元``, ``0.1亿元``) is converted to it, and
    ``unit`` says which unit was typed.
    """
    v = cell.value
    if v is None or is_dash(v):
        return Number(cell)
    if isinstance(v, bool):
        return Number(cell, invalid=True)
    if isinstance(v, (datetime, date, time, timedelta)):  # a number in a date-formatted cell
        serial = _serial(v)
        if serial is None:
            return Number(cell, invalid=True)
        return Number(cell, serial, decimals=decimals_of(serial), date_formatted=True)
    if isinstance(v, (int, float)):
        v = excel_value(v)
        if isinstance(v, str):  # not a number Excel can hold
            return Number(cell, invalid=True)
        return Number(cell, float(v), decimals=decimals_of(v))
    text = re.sub(r"\s+", "", nfkc(str(v))).replace(",", "")
    if text.startswith("#"):  # an Excel error value such as #DIV/0!
        return Number(cell, invalid=True)
    if money in MONEY_UNITS:
        return _money_text(cell, text, money)
    m = _TEXT_NUMBER.match(text)
    if not m:
        return Number(cell, invalid=True)
    num = float(m.group(1))
    if not math.isfinite(num) or abs(num) > EXCEL_MAX:  # 400 digits typed as text
        return Number(cell, invalid=True)
    dec = decimals_of(m.group(1))
    if m.group(2) == "%":
        num = num / 100 if rate else num
        if rate:
            dec += 2
    return Number(cell, num, typed_as_text=True, decimals=dec)


def _money_text(cell: Cell, text: str, money: str) -> Number:
    """An amount typed as text, in the sheet's unit ``money``: ``125000元`` in a 万元 sheet is 12.5."""
    m = _MONEY_TEXT.match(text)
    if not m:
        return Number(cell, invalid=True)
    num = float(m.group(1))
    if not math.isfinite(num) or abs(num) > EXCEL_MAX:
        return Number(cell, invalid=True)
    typed = m.group(2)
    if typed:
        num = float(Decimal(m.group(1)) * MONEY_UNITS[typed] / MONEY_UNITS[money])
        typed = "万元" if typed == "万" else typed
    return Number(cell, num, typed_as_text=True, decimals=decimals_of(num), unit=typed)
