"""References inside formula text, for the formula audit: where a formula points, and its
R1C1 form (the same formula copied down a column reads the same in R1C1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from openpyxl.formula.tokenizer import Tokenizer
from openpyxl.utils import column_index_from_string

_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_EXTERNAL = re.compile(r"^'?\[[^\]]+\]")


@dataclass(frozen=True)
class Ref:
    sheet: str | None  # None: the formula's own sheet
    r1: int
    c1: int
    r2: int
    c2: int
    abs_r1: bool = False
    abs_c1: bool = False
    abs_r2: bool = False
    abs_c2: bool = False
    external: bool = False

    @property
    def single(self) -> bool:
        return self.r1 == self.r2 and self.c1 == self.c2


def _split_sheet(text: str) -> tuple[str | None, str]:
    if "!" not in text:
        return None, text
    sheet, addr = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, addr


def _cell(text: str):
    m = _CELL.match(text)
    if not m:
        return None
    return int(m.group(4)), column_index_from_string(m.group(2).upper()), bool(m.group(3)), bool(m.group(1))


@lru_cache(maxsize=8192)
def tokens(formula: str) -> tuple:
    try:
        return tuple((t.value, t.type, t.subtype) for t in Tokenizer(formula).items)
    except Exception:  # a formula openpyxl cannot tokenise is simply not audited
        return ()


def parse_ref(text: str) -> Ref | None:
    external = bool(_EXTERNAL.match(text))
    sheet, addr = _split_sheet(text)
    parts = addr.split(":")
    if len(parts) > 2:
        return None
    a = _cell(parts[0])
    b = _cell(parts[-1])
    if a is None or b is None:
        return None
    return Ref(sheet, a[0], a[1], b[0], b[1], a[2], a[3], b[2], b[3], external)


def references(formula: str) -> list[Ref]:
    out = []
    for value, kind, sub in tokens(formula):
        if kind == "OPERAND" and sub == "RANGE":
            ref = parse_ref(value)
            if ref is not None:
                out.append(ref)
    return out


def has_external(formula: str) -> bool:
    return any(kind == "OPERAND" and sub == "RANGE" and _EXTERNAL.match(value) for value, kind, sub in tokens(formula))


def functions(formula: str) -> set[str]:
    return {value[:-1].upper() for value, kind, sub in tokens(formula) if kind == "FUNC" and sub == "OPEN"}


def _r1c1_cell(r: int, c: int, abs_r: bool, abs_c: bool, row: int, col: int) -> str:
    rr = f"R{r}" if abs_r else f"R[{r - row}]"
    cc = f"C{c}" if abs_c else f"C[{c - col}]"
    return rr + cc


def r1c1(formula: str, row: int, col: int, *, sheets_as_placeholder: bool = False) -> str:
    """The formula in R1C1 form. With ``sheets_as_placeholder``, references to other
    sheets keep their A1 address and lose their sheet name: ``='项目1'!G25`` and
    ``='项目2'!G25`` then read the same (a summary column pointing at each project)."""
    out = []
    for value, kind, sub in tokens(formula):
        if kind == "OPERAND" and sub == "RANGE":
            ref = parse_ref(value)
            if ref is not None:
                if ref.sheet is not None and sheets_as_placeholder:
                    out.append("S!" + value.rsplit("!", 1)[1].replace("$", ""))
                    continue
                text = _r1c1_cell(ref.r1, ref.c1, ref.abs_r1, ref.abs_c1, row, col)
                if not ref.single:
                    text += ":" + _r1c1_cell(ref.r2, ref.c2, ref.abs_r2, ref.abs_c2, row, col)
                out.append((f"{ref.sheet}!" if ref.sheet else "") + text)
                continue
        out.append(value.upper() if kind == "FUNC" else value)
    return "".join(out)
