"""The one reader of a year typed by a person: ``2025``, ``2025年``, ``2025年度``, ``2025.0``,
a date cell (its year), ``（2025年度）`` in a title."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

FIRST, LAST = 2000, 2100


def parse_year(value) -> int | None:
    """The year a cell value means, within 2000–2100, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (datetime, date)):
        y = value.year
    elif isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            return None
        y = int(value)
    else:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        m = re.fullmatch(r"(\d{4})(?:\.0+)?(?:年度?|年)?", text)
        if not m:
            return None
        y = int(m.group(1))
    return y if FIRST <= y <= LAST else None


def year_in_title(text: str) -> int | None:
    """A year in a title row: ``（2025年度）``, ``(2025)``, ``2025年`` not followed by a month."""
    s = unicodedata.normalize("NFKC", text)
    m = (re.search(r"((?:20|21)\d{2})\s*年度", s) or re.search(r"\(((?:20|21)\d{2})年?\)", s)
         or re.search(r"((?:20|21)\d{2})年(?!\d|\s*\d+月)", s))
    return int(m.group(1)) if m else None
