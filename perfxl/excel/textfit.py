"""Row heights for wrapped text, estimated from the text and the column width.

Excel and WPS grow a row to fit wrapped text when they edit it, but a file written by a
program keeps whatever height it was given, and LibreOffice does not refit rows on
opening. So the writer of a wrapped cell sets the height itself. Widths are in Excel's
column units (about one Latin digit); a CJK character takes two of them.
"""

from __future__ import annotations

import math
import unicodedata


def text_width(text: str) -> int:
    """Display width in column units: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: object, column_width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``column_width`` wide."""
    if text is None or text == "":
        return 1
    # the cell's padding and word breaks at spaces cost a little of every line
    usable = max(2.0, column_width * 0.92 - 1)
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(text_width(part) / usable))
    return lines


def line_height(font_size: float = 11) -> float:
    """Points per wrapped line: CJK fonts (宋体, Noto CJK) need about 1.4 times the size."""
    return round(font_size * 1.4 + 0.5, 1)


def row_height(cells, font_size: float = 11, minimum: float = 15.0, padding: float = 4.0) -> float:
    """Height in points for a row whose wrapped cells are ``(text, column_width)`` pairs."""
    lines = max((lines_needed(text, width) for text, width in cells), default=1)
    return max(minimum, round(lines * line_height(font_size) + padding, 1))
