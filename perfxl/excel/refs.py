"""References inside formula text: the one reference type (``Ref``) and the one reference
extractor (``references``) of perfxl. The formula audit and the root-cause finder read where
a formula points through them, and the evaluator (perfxl.excel.formula) parses each reference
of its syntax tree with ``parse_ref``. Also the R1C1 form of a formula (the same formula
copied down a column reads the same in R1C1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from openpyxl.formula.tokenizer import Tokenizer
from openpyxl.utils import column_index_from_string

_COLUMN = re.compile(r"^(\$?)([A-Za-z]{1,3})$")
_ROW = re.compile(r"^(\$?)(\d{1,7})$")
_EXTERNAL = re.compile(r"^'?\[[^\]]+\]")
_SHEET_BOTH = re.compile(r"^(?P<s1>'(?:[^']|'')+'|[^'!:]+)!(?P<a>[^:!']+):(?P<s2>'(?:[^']|'')+'|[^'!:]+)!(?P<b>[^:!']+)$")
MAX_ROW, MAX_COL = 1048576, 16384


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_COLUMNS: dict[str, int] = {}


def split(ref: str) -> tuple[int, int] | None:
    """``AB12``, ``$AB$12``, ``ab12`` -> (12, 28): the row and column number of one cell's
    address (the one splitter of perfxl; ``perfxl.excel.grid.coord`` is its inverse); None for anything else (a
    range, a name). Bounds are the caller's: ``A0`` is (0, 1)."""
    s = ref[1:] if ref[:1] == "$" else ref
    digits = s.lstrip(_LETTERS)
    n = len(s) - len(digits)
    if digits[:1] == "$":
        digits = digits[1:]
    if not 0 < n <= 3 or not digits.isdigit() or not digits.isascii() or len(digits) > 7:
        return None
    letters = s[:n]
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + (ord(ch) - 64)
        _COLUMNS[letters] = col  # at most 26**3 * 8 spellings
    return int(digits), col



@dataclass(frozen=True)
class Ref:
    """A cell or a rectangle, corners ordered (``B3:A1`` is ``A1:B3``). Whole columns
    (``A:B``) run over every row and whole rows (``2:3``) over every column; ``whole`` says
    which, so the evaluator can stop at the sheet's last cell."""

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
    whole: str | None = None  # "columns" (A:B), "rows" (2:3) or None

    @property
    def single(self) -> bool:
        return self.r1 == self.r2 and self.c1 == self.c2 and self.whole is None

    @property
    def in_sheet(self) -> bool:
        """Inside Excel's grid (A1:XFD1048576)."""
        return 1 <= self.r1 and self.r2 <= MAX_ROW and 1 <= self.c1 and self.c2 <= MAX_COL


def _split_sheet(text: str) -> tuple[str | None, str]:
    if "!" not in text:
        return None, text
    sheet, addr = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, addr


def _cell(text: str):
    """(row, column, row absolute, column absolute) of ``$A$1``; None for anything else."""
    rc = split(text)
    if rc is None:
        return None
    return rc[0], rc[1], "$" in text[1:], text[:1] == "$"


@lru_cache(maxsize=8192)
def tokens(formula: str) -> tuple:
    try:
        return tuple((t.value, t.type, t.subtype) for t in Tokenizer(formula).items)
    except Exception:  # a formula openpyxl cannot tokenise is simply not audited
        return ()


@lru_cache(maxsize=16384)
def parse_ref(text: str) -> Ref | None:
    """A reference as the tokenizer gives it (``'项目 1'!$G$25``, ``A1:B3``, ``A:A``, ``2:3``),
    or None when the text is not one (a name, TRUE, an error)."""
    external = bool(_EXTERNAL.match(text))
    both = _SHEET_BOTH.match(text)  # 'S'!A1:'S'!B2 names its sheet on both corners
    if both:
        s1, s2 = (_split_sheet(both.group(g) + "!x")[0] for g in ("s1", "s2"))
        if s1 != s2:
            return None
        text = f"{both.group('s1')}!{both.group('a')}:{both.group('b')}"
    sheet, addr = _split_sheet(text)
    parts = addr.split(":")
    if len(parts) > 2:
        return None
    a = _cell(parts[0])
    b = _cell(parts[-1])
    if a is not None and b is not None:
        (r1, ar1), (r2, ar2) = sorted(((a[0], a[2]), (b[0], b[2])))
        (c1, ac1), (c2, ac2) = sorted(((a[1], a[3]), (b[1], b[3])))
        return Ref(sheet, r1, c1, r2, c2, ar1, ac1, ar2, ac2, external)
    if len(parts) != 2:
        return None
    ca, cb = _COLUMN.match(parts[0]), _COLUMN.match(parts[1])
    if ca and cb:
        c1, c2 = sorted((column_index_from_string(ca.group(2).upper()), column_index_from_string(cb.group(2).upper())))
        return Ref(sheet, 1, c1, MAX_ROW, c2, True, bool(ca.group(1)), True, bool(cb.group(1)), external, "columns")
    ra, rb = _ROW.match(parts[0]), _ROW.match(parts[1])
    if ra and rb:
        r1, r2 = sorted((int(ra.group(2)), int(rb.group(2))))
        return Ref(sheet, r1, 1, r2, MAX_COL, bool(ra.group(1)), True, bool(rb.group(1)), True, external, "rows")
    return None


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
            if ref is not None and ref.whole is None:
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
