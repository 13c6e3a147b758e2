"""How numbers and file names are shown to people — in messages, hints, reports and prose. The
only place that formats a number or a path for a reader (docs/template.md §1, §5).

Every function rounds half up, as finance staff do (98.675 -> 98.68), and never shows
trailing zeros unless a fixed number of decimals is asked for.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

NOT_A_NUMBER = "#NUM!"  # what Excel shows for a number it cannot hold (a division by 5E-324)
HUGE = 1e15  # from here on, as Excel's General format does: 1E+20, never twenty digits


def _huge(value) -> str | None:
    """``1E+308`` for a number too large to read as digits; None for ordinary numbers."""
    v = float(value)
    return f"{v:.6G}" if abs(v) >= HUGE else None


def _q(value: float, decimals: int) -> Decimal:
    try:
        d = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError, OverflowError):
        return Decimal(0)
    if not d.is_finite():
        return d
    with localcontext() as ctx:
        ctx.prec = 800  # 1E+308 with 2 decimals keeps every digit instead of raising
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _finite(value) -> bool:
    try:
        return Decimal(repr(float(value))).is_finite()
    except (InvalidOperation, ValueError, OverflowError):
        return False


def _strip(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "", "-") else text


def num(value: float | int | None, decimals: int = 2) -> str:
    """``19``, ``46.8``, ``46.76``: at most ``decimals`` decimals, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if not _finite(value):
        return NOT_A_NUMBER
    return _huge(value) or _strip(f"{_q(value, decimals):f}")


def exact(value: float | int | None) -> str:
    """A value as the evaluator sees it: up to 6 decimals (stale caches, computed formulas)."""
    return num(value, 6)


def percent(rate: float | None, decimals: int = 2) -> str:
    """A rate as a percentage, trailing zeros dropped: ``33.33%``, ``100%``."""
    if rate is None:
        return ""
    return num(rate * 100, decimals) + "%"


def fixed_percent(rate: float | None, decimals: int = 1) -> str:
    """A rate with a fixed number of decimals, for aligned columns: ``86.8%``."""
    if rate is None:
        return ""
    if not _finite(rate * 100):
        return NOT_A_NUMBER
    return (_huge(rate * 100) or f"{_q(rate * 100, decimals):f}") + "%"


def whole_percent(rate: float | None) -> str:
    """A rate as a whole percentage (评优率 14 of 15 -> ``93%``)."""
    if not _finite((rate or 0) * 100):
        return NOT_A_NUMBER
    return (_huge((rate or 0) * 100) or f"{int(_q((rate or 0) * 100, 0))}") + "%"


def share(part: float, whole: float) -> str:
    """A share of a total with 2 decimals (``70.03%``); a dash when the total is 0."""
    if not whole:
        return "—"
    if not _finite(part / whole * 100):
        return NOT_A_NUMBER
    return (_huge(part / whole * 100) or f"{_q(part / whole * 100, 2):f}") + "%"


def money(value: float | None) -> str:
    """An amount in a table column: ``1,234.50``."""
    if value is None:
        return ""
    if not _finite(value):
        return NOT_A_NUMBER
    return _huge(value) or f"{_q(value, 2):,.2f}"


class Rate(float):
    """A fraction that messages show as a percentage (0.9 -> ``90%``); JSON keeps the fraction."""

    __slots__ = ()


def value(v) -> str:
    """Any value in a message: numbers as :func:`num`, rates as :func:`percent`, dates as
    ``2025年12月31日``, text as typed."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, Rate):
        return percent(v)
    if isinstance(v, (int, float)):
        return num(v)
    if isinstance(v, datetime) and (v.hour, v.minute, v.second) == (0, 0, 0):
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, date) and not isinstance(v, datetime):
        return f"{v.year}年{v.month}月{v.day}日"
    return path(v) if isinstance(v, str) else str(v)


def path(p) -> str:
    """A file or folder name as shown to a user, in any writer (terminal, JSON, .docx, .xlsx).

    A name that is not UTF-8 (GBK bytes, as zip archives made on Windows give them) reaches
    Python as a str with surrogate escapes, which no encoder accepts. Each part of the path is
    shown as UTF-8 if it is, else as GB18030 if it is (the name the user sees in Windows), else
    with U+FFFD for the bytes that are neither. The path itself stays as it was for opening the
    file; only what is shown changes."""
    text = os.fspath(p)
    if isinstance(text, str):
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogateescape" if _escaped_only(text) else "surrogatepass")
    else:
        raw = text
    return "".join(_part(part) for part in re.split(rb"([/\\])", raw))


def _escaped_only(text: str) -> bool:
    """Every surrogate is one of the escapes for an undecodable byte (U+DC80..U+DCFF)."""
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def _part(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def display_text(value, number_format: str = "General") -> str:
    """What Excel shows of a cell: a 0.98 formatted as a percentage is ``98%``, a date ``2025年12月31日``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return exact(float(value) * 100) + "%"
        return exact(float(value))
    return str(value).strip()


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and the byte-order mark
VISIBLE_SPACE = "␣"


def visible(v) -> str:
    """A text value for a message, quoted as typed: spaces at either end (full-width and
    non-breaking ones too) and invisible characters anywhere show as ``␣``, a line break inside
    as ``↵`` — ``“48.6␣”`` tells why a number that looks right is not read as one."""
    text = value(v)
    core = text.strip()
    if not core:
        return VISIBLE_SPACE * len(text)
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()):]
    core = "".join(VISIBLE_SPACE if ch in _INVISIBLE else ch for ch in core).replace("\r\n", "↵").replace("\n", "↵")
    return VISIBLE_SPACE * len(lead) + core + VISIBLE_SPACE * len(tail)


def json_number(v):
    """A number for JSON: 6 decimals at most, whole numbers as integers."""
    if v is None or isinstance(v, bool):
        return v
    r = round(float(v), 6)
    if not _finite(r):
        return None  # JSON has no infinity
    return int(r) if r == int(r) and abs(r) < 1e15 else r
