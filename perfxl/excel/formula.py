"""A small Excel formula evaluator for formulas saved without cached values.

Files written by openpyxl (and other generators) hold formulas but no results, so perfxl
computes them itself. We keep our own evaluator rather than depending on ``formulas`` or
``pycel``: those bring large dependency trees and a slow start-up for the handful of
functions self-evaluation workbooks use. What we cannot evaluate raises ``Unsupported`` so
the caller can report it instead of guessing a value.

Pipeline: openpyxl's ``Tokenizer`` splits the text, a precedence-climbing parser builds a
tree of small node objects (cached per formula text, since the same template formula
appears in every project sheet), and ``WorkbookEvaluator`` walks the tree with Excel's
coercion rules, memoising each cell's value.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any, Mapping

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel

from perfxl.excel.reasons import Reason
from perfxl.excel.refs import Ref, parse_ref, split

__all__ = ["ExcelError", "Unsupported", "FormulaTooDeep", "CircularReference", "parse", "WorkbookEvaluator"]


# -- values ---------------------------------------------------------------------------

class ExcelError(str):
    """An Excel error value such as ``#DIV/0!``.

    Errors are values in Excel (they flow through formulas and IFERROR catches them), so
    they are returned, never raised. A ``str`` subclass so it shows as Excel shows it;
    test with ``isinstance(v, ExcelError)`` before treating a ``str`` as text.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ExcelError({str.__repr__(self)})"


class Unsupported(Exception):
    """The formula uses something this evaluator cannot compute (unknown function,
    another workbook, structured or 3-D references, array constants...); ``reason`` says
    what (a perfxl.excel.reasons.Reason)."""

    @property
    def reason(self) -> Reason:
        return self.args[0] if self.args and isinstance(self.args[0], Reason) else Reason("cannot_compute")


class FormulaTooDeep(Unsupported):
    """The formula nests deeper than Excel allows (64 levels), or a chain of such formulas
    is too deep to follow: reported as a finding, never a crash."""


class CircularReference(Exception):
    """The cell's value depends on itself; ``reason`` names the cell."""

    reason = Unsupported.reason


DIV0 = ExcelError("#DIV/0!")
REF = ExcelError("#REF!")
VALUE = ExcelError("#VALUE!")
NA = ExcelError("#N/A")
NAME = ExcelError("#NAME?")
NUM = ExcelError("#NUM!")
NULL = ExcelError("#NULL!")
_ERRORS = {e: e for e in (DIV0, REF, VALUE, NA, NAME, NUM, NULL)}

# Cells evaluated inside one another before we restart from the deepest one; keeps long
# dependency chains (running totals) well inside Python's recursion limit.
_MAX_DEPTH = 40
# Nesting levels (parentheses, function calls) in one formula: Excel allows 64. Long chains
# (a 5,000-term sum, 3,000 unary minuses) are flat and cost nothing; nesting is what recurses.
_MAX_NESTING = 64
# Nesting levels summed over the cells being evaluated inside one another.
_MAX_NESTING_IN_CHAIN = 100


class Area:
    """The values of a range (row-major), as functions and array operations see them.

    ``origin`` is (first row, first column) for a range read from a sheet, used by implicit
    intersection; None for computed arrays.
    """

    __slots__ = ("values", "rows", "cols", "origin")

    def __init__(self, values: list, rows: int, cols: int, origin: tuple[int, int] | None = None):
        self.values, self.rows, self.cols, self.origin = values, rows, cols, origin


_TEXT_NUMBER = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d*)?(?:[eE][+-]?\d+)?$")


def _text_to_number(s: str):
    """Excel converts text that looks like a number (``"3"``, ``" 1,000 "``, ``"5%"``) in
    arithmetic; anything else is #VALUE!."""
    t = s.strip()
    pct = t.endswith("%")
    if pct:
        t = t[:-1].rstrip()
    if not t or not any(ch.isdigit() for ch in t) or not _TEXT_NUMBER.match(t):
        return VALUE
    x = float(t.replace(",", ""))
    x = x / 100 if pct else x
    return x if math.isfinite(x) else VALUE


def _num(v):
    """A value as a number for arithmetic: float, or an ExcelError."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    if v is None:
        return 0.0
    if t is bool:
        return 1.0 if v else 0.0
    if t is ExcelError:
        return v
    if isinstance(v, str):
        return _text_to_number(v)
    if isinstance(v, (datetime, date, time, timedelta)):
        return float(to_excel(v))
    if isinstance(v, (int, float)):
        return float(v)
    return VALUE


def _number_text(x: float) -> str:
    """A number as Excel's General format writes it in text (15 significant digits)."""
    if not math.isfinite(x):
        return NUM
    if abs(x) < 1e15 and x == int(x):
        return str(int(x))
    return ("%.15g" % x).upper()


def _text(v):
    """A value as text for ``&``, CONCATENATE, LEN: str, or an ExcelError."""
    t = type(v)
    if t is str or t is ExcelError:
        return v
    if v is None:
        return ""
    if t is bool:
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return str(v)
    n = _num(v)
    return n if type(n) is ExcelError else _number_text(n)


def _bool(v):
    """A value as a condition (IF, AND, NOT): bool, or an ExcelError."""
    t = type(v)
    if t is bool:
        return v
    if v is None:
        return False
    if t is float or t is int:
        return v != 0
    if t is ExcelError:
        return v
    if isinstance(v, str):
        u = v.strip().upper()
        return True if u == "TRUE" else False if u == "FALSE" else VALUE
    n = _num(v)
    return n if type(n) is ExcelError else n != 0


def _finite(x: float):
    return x if math.isfinite(x) else NUM


def _n15(x: float) -> float:
    """Excel compares numbers at 15 significant digits (so 0.1+0.2=0.3 is TRUE)."""
    return float("%.15g" % x)


# -- operators ------------------------------------------------------------------------

def _binary(coerce, f):
    """An operator on two operands coerced the way Excel does (an error operand is the result)."""
    def op(a, b):
        a = coerce(a)
        if type(a) is ExcelError:
            return a
        b = coerce(b)
        if type(b) is ExcelError:
            return b
        return f(a, b)
    return op


def _arith(f):
    return _binary(_num, f)


def _div(a, b):
    return DIV0 if b == 0 else _finite(a / b)


def _pow(a, b):
    if a == 0 and b == 0:
        return NUM
    if a == 0 and b < 0:
        return DIV0
    try:
        return _finite(math.pow(a, b))
    except (ValueError, OverflowError):
        return NUM




def _rank(v):
    """(type rank, comparable) — Excel orders numbers < text < FALSE < TRUE."""
    t = type(v)
    if t is bool:
        return 2, v
    if isinstance(v, str):
        return 1, v.lower()
    return 0, _n15(_num(v))


def _compare(a, b):
    """-1/0/1 comparing two non-error values; empty takes the other side's type."""
    if a is None:
        a = "" if isinstance(b, str) else False if type(b) is bool else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if type(a) is bool else 0.0
    ra, rb = _rank(a), _rank(b)
    return (ra > rb) - (ra < rb)


def _comparison(test):
    def op(a, b):
        if type(a) is ExcelError:
            return a
        if type(b) is ExcelError:
            return b
        return test(_compare(a, b))
    return op


_BINARY = {
    "+": _arith(lambda a, b: _finite(a + b)),
    "-": _arith(lambda a, b: _finite(a - b)),
    "*": _arith(lambda a, b: _finite(a * b)),
    "/": _arith(_div),
    "^": _arith(_pow),
    "&": _binary(_text, lambda a, b: a + b),
    "=": _comparison(lambda c: c == 0),
    "<>": _comparison(lambda c: c != 0),
    "<": _comparison(lambda c: c < 0),
    ">": _comparison(lambda c: c > 0),
    "<=": _comparison(lambda c: c <= 0),
    ">=": _comparison(lambda c: c >= 0),
}
# Excel precedence, low to high: comparisons, &, + -, * /, ^ (then %, unary -, ranges).
_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3,
               "*": 4, "/": 4, "^": 5}


def _elementwise(fn, a, b):
    """A binary operator over arrays (inside SUMPRODUCT); a scalar or 1x1 broadcasts."""
    if type(a) is Area and type(b) is Area and len(a.values) != 1 and len(b.values) != 1:
        if (a.rows, a.cols) != (b.rows, b.cols):
            return NA
        return Area([fn(x, y) for x, y in zip(a.values, b.values)], a.rows, a.cols)
    if type(a) is Area and (type(b) is not Area or len(a.values) != 1):
        y = b.values[0] if type(b) is Area else b
        return Area([fn(x, y) for x in a.values], a.rows, a.cols)
    x = a.values[0] if type(a) is Area else a
    return Area([fn(x, y) for y in b.values], b.rows, b.cols)


# -- syntax tree ----------------------------------------------------------------------

class Node:
    """A parsed formula element. ``eval`` gives its value in the evaluator's current cell;
    ``ref_values`` gives the cells of a reference (None when the node is not one), which
    SUM and friends treat differently from direct values."""

    __slots__ = ()
    kids: tuple = ()

    def eval(self, ev: "WorkbookEvaluator"):
        raise NotImplementedError

    def ref_values(self, ev: "WorkbookEvaluator"):
        return None


class Const(Node):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def eval(self, ev):
        return self.value

    def __repr__(self):
        return f"Const({self.value!r})"


class Empty(Node):
    """An omitted argument, as in IF(A1,,1): blank (0 in arithmetic, "" in text)."""

    __slots__ = ()

    def eval(self, ev):
        return None


class CellRef(Node):
    """A reference to one cell; ``ref`` is the reference as perfxl.excel.refs reads it."""

    __slots__ = ("ref", "sheet", "coord")

    def __init__(self, ref: Ref):
        self.ref, self.sheet, self.coord = ref, ref.sheet, get_column_letter(ref.c1) + str(ref.r1)

    def eval(self, ev):
        return ev._get((ev._sheet(self.sheet), self.coord))

    def ref_values(self, ev):
        return [self.eval(ev)]

    def __repr__(self):
        return f"CellRef({self.sheet!r}, {self.coord!r})"


# A range over more cells than this stops at the sheet's last used cell (cells beyond it are
# blank), and SUM and the other aggregates read only the cells the sheet holds inside it:
# =SUM(A:XFD) on a sheet with a stray value at XFD1048576 reads a few cells, not 17 billion
# blanks. As an array (SUMPRODUCT) such a range is not computed.
_BOUNDED_AREA = 100_000


class RangeRef(Node):
    """A rectangular range; whole columns/rows and huge ranges end at the sheet's last cell."""

    __slots__ = ("ref", "sheet")

    def __init__(self, ref: Ref):
        self.ref, self.sheet = ref, ref.sheet

    def _bounds(self, ev):
        sheet = ev._sheet(self.sheet)
        ref = self.ref
        r2, c2 = ref.r2, ref.c2
        if ref.whole or (r2 - ref.r1 + 1) * (c2 - ref.c1 + 1) > _BOUNDED_AREA:
            max_row, max_col = ev._extent(sheet)
            r2, c2 = min(r2, max(max_row, ref.r1)), min(c2, max(max_col, ref.c1))
        return sheet, r2, c2

    def area(self, ev) -> Area:
        sheet, r2, c2 = self._bounds(ev)
        r1, c1 = self.ref.r1, self.ref.c1
        if (r2 - r1 + 1) * (c2 - c1 + 1) > _BOUNDED_AREA:
            raise Unsupported(Reason("range_too_large"))
        get = ev._get
        cols = [get_column_letter(c) for c in range(c1, c2 + 1)]
        values = [get((sheet, col + str(r))) for r in range(r1, r2 + 1) for col in cols]
        return Area(values, max(0, r2 - r1 + 1), len(cols), (r1, c1))

    def eval(self, ev):
        if ev._array:
            return self.area(ev)
        # Implicit intersection: outside array formulas a range used as a single value is
        # the cell on the formula's own row (or column); otherwise #VALUE!.
        sheet, r2, c2 = self._bounds(ev)
        r1, c1 = self.ref.r1, self.ref.c1
        row, col = split(ev._stack[-1][1])
        if r1 == r2 and c1 == c2:
            row, col = r1, c1
        elif c1 == c2 and r1 <= row <= r2:
            row, col = row, c1
        elif r1 == r2 and c1 <= col <= c2:
            row, col = r1, col
        else:
            return VALUE
        return ev._get((sheet, get_column_letter(col) + str(row)))

    def ref_values(self, ev):
        sheet, r2, c2 = self._bounds(ev)
        r1, c1 = self.ref.r1, self.ref.c1
        if (r2 - r1 + 1) * (c2 - c1 + 1) > _BOUNDED_AREA:  # the cells held, not the blanks
            return [ev._get((sheet, coord)) for row, col, coord in ev._held(sheet)
                    if r1 <= row <= r2 and c1 <= col <= c2]
        return self.area(ev).values

    def __repr__(self):
        return f"RangeRef({self.sheet!r}, {self.ref!r})"


class Name(Node):
    """A defined name; its text is parsed and evaluated in the calling cell."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def eval(self, ev):
        node = ev._name(self.name)
        try:
            return node.eval(ev)
        finally:
            ev._names_busy.discard(self.name.upper())

    def ref_values(self, ev):
        node = ev._name(self.name)
        try:
            return node.ref_values(ev)
        finally:
            ev._names_busy.discard(self.name.upper())

    def __repr__(self):
        return f"Name({self.name!r})"


class Fail(Node):
    """Parsed but not computable (another workbook, a table reference): fails when used,
    so references() can still list the rest of the formula."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason

    def eval(self, ev):
        raise Unsupported(self.reason)

    ref_values = eval


class Unary(Node):
    """A prefix sign or a postfix %; ``times`` folds a run of them (``---1``, ``1%%``) into
    one node, so 3,000 unary minuses are one node, not 3,000 nested ones."""

    __slots__ = ("op", "kids", "times")

    def __init__(self, op, operand, times=1):
        self.op, self.kids, self.times = op, (operand,), times

    def eval(self, ev):
        v = self.kids[0].eval(ev)
        if type(v) is Area:
            return Area([self._apply(x) for x in v.values], v.rows, v.cols)
        return self._apply(v)

    def _apply(self, v):
        n = _num(v)
        if type(n) is ExcelError:
            return n
        if self.op == "-":
            return -n if self.times % 2 else n
        if self.op == "%":
            return _finite(n / 100 ** min(self.times, 400))
        return n

    def __repr__(self):
        times = f", times={self.times}" if self.times != 1 else ""
        return f"Unary({self.op!r}, {self.kids[0]!r}{times})"


class Binary(Node):
    __slots__ = ("op", "fn", "kids")

    def __init__(self, op, left, right):
        self.op, self.fn, self.kids = op, _BINARY[op], (left, right)

    def eval(self, ev):
        # A run of left-associative operators (a 5,000-term sum) is a left-deep chain:
        # walk it in a loop, not by recursion.
        chain = []
        node = self
        while type(node) is Binary:
            chain.append(node)
            node = node.kids[0]
        a = node.eval(ev)
        for op in reversed(chain):
            b = op.kids[1].eval(ev)
            a = _elementwise(op.fn, a, b) if type(a) is Area or type(b) is Area else op.fn(a, b)
        return a

    def __repr__(self):
        return f"Binary({self.op!r}, {self.kids[0]!r}, {self.kids[1]!r})"


class Func(Node):
    __slots__ = ("name", "kids")

    def __init__(self, name, args):
        self.name, self.kids = name, tuple(args)

    def eval(self, ev):
        spec = _FUNCTIONS.get(self.name)
        if spec is None:
            raise Unsupported(Reason("function", name=self.name))
        fn, lo, hi = spec
        if not lo <= len(self.kids) <= hi:
            raise Unsupported(Reason("arguments", name=self.name))
        return fn(ev, self.kids)

    def __repr__(self):
        return f"Func({self.name!r}, {list(self.kids)!r})"


# -- parsing --------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_\\\u0080-\uffff][\w.\\\u0080-\uffff]*$")


def _reference(text: str) -> Node:
    """A RANGE operand from the tokenizer: cell, range, whole column/row (read by
    perfxl.excel.refs.parse_ref, the one reader of references), or a name."""
    if "[" in text:
        if text.startswith("[") or text.startswith("'["):
            return Fail(Reason("other_workbook"))
        return Fail(Reason("table_reference"))
    ref = parse_ref(text)
    if ref is not None:
        if ref.sheet is not None and (":" in ref.sheet or "!" in ref.sheet):
            return Fail(Reason("3d_reference"))
        if not ref.in_sheet:
            raise Unsupported(Reason("reference", ref=text))
        return CellRef(ref) if ref.single else RangeRef(ref)
    body = text.rsplit("!", 1)[-1]  # a sheet-scoped name or error keeps only its own part
    upper = body.upper()
    if upper in _ERRORS:
        return Const(_ERRORS[upper])
    if upper in ("TRUE", "FALSE") and "!" not in text:  # the tokenizer knows only upper case
        return Const(upper == "TRUE")
    if ":" not in body and _NAME.match(body):
        return Name(body)
    raise Unsupported(Reason("reference", ref=text))


class _Parser:
    """Precedence climbing over the tokenizer's output (whitespace dropped)."""

    def __init__(self, tokens: list[Token], text: str):
        self.tokens, self.pos, self.text = tokens, 0, text
        self.level = self.deepest = 0  # nesting of parentheses and function calls

    def enter(self) -> None:
        self.level += 1
        self.deepest = max(self.deepest, self.level)
        if self.level > _MAX_NESTING:
            raise FormulaTooDeep(Reason("nesting", levels=_MAX_NESTING))

    def fail(self, why: str = "parse"):
        raise Unsupported(Reason(why, formula=self.text))

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            self.fail()
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.expr(0)
        if self.peek() is not None:
            self.fail()
        return node

    def expr(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok.type != Token.OP_IN:
                return left
            prec = _PRECEDENCE.get(tok.value)
            if prec is None:  # ',' inside parentheses is the union operator
                self.fail("union")
            if prec < min_prec:
                return left
            self.pos += 1
            left = Binary(tok.value, left, self.expr(prec + 1))

    def unary(self) -> Node:
        signs = []
        while (tok := self.peek()) is not None and tok.type == Token.OP_PRE:
            self.pos += 1
            signs.append(tok.value)
        node = self.primary()
        percents = 0
        while (tok := self.peek()) is not None and tok.type == Token.OP_POST:
            self.pos += 1
            percents += 1
        if percents:
            node = Unary("%", node, percents)
        minus = signs.count("-")
        if minus:
            node = Unary("-", node, minus)
        elif signs:
            node = Unary("+", node)
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.type == Token.OPERAND:
            v = tok.value
            if tok.subtype == Token.NUMBER:
                x = float(v)
                return Const(x if math.isfinite(x) else NUM)
            if tok.subtype == Token.TEXT:
                return Const(v[1:-1].replace('""', '"'))
            if tok.subtype == Token.LOGICAL:
                return Const(v.upper() == "TRUE")
            if tok.subtype == Token.ERROR:
                if v.upper() not in _ERRORS:
                    self.fail()
                return Const(_ERRORS[v.upper()])
            return _reference(v)
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            name = tok.value[:-1].upper()
            for prefix in ("_XLFN.", "_XLWS."):
                if name.startswith(prefix):
                    name = name[len(prefix):]
            self.enter()
            node = Func(name, self.arguments())
            self.level -= 1
            return node
        if tok.type == Token.PAREN and tok.subtype == Token.OPEN:
            self.enter()
            node = self.expr(0)
            close = self.take()
            if close.type != Token.PAREN:
                self.fail()
            self.level -= 1
            return node
        if tok.type == Token.ARRAY:
            self.fail("array_constant")
        self.fail()

    def arguments(self) -> list[Node]:
        args: list[Node] = []
        tok = self.peek()
        if tok is not None and tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            self.pos += 1
            return args
        while True:
            tok = self.peek()
            if tok is not None and (tok.type == Token.SEP or
                                    (tok.type == Token.FUNC and tok.subtype == Token.CLOSE)):
                args.append(Empty())
            else:
                args.append(self.expr(0))
            tok = self.take()
            if tok.type == Token.SEP and tok.subtype == Token.ARG:
                continue
            if tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
                return args
            self.fail()


def parse(formula: str) -> Node:
    """Parse formula text (with or without the leading '='); cached per text, because
    a workbook repeats the same template formulas in every project sheet."""
    return _parse(formula[1:] if formula.startswith("=") else formula)[0]


def nesting(formula: str) -> int:
    """How deeply the formula nests parentheses and function calls."""
    return _parse(formula[1:] if formula.startswith("=") else formula)[1]


@lru_cache(maxsize=65536)
def _parse(body: str) -> tuple[Node, int]:
    try:
        tokens = Tokenizer("=" + body).items
    except Exception:  # TokenizerError, and IndexError on "=)": openpyxl's tokenizer is not total
        raise Unsupported(Reason("parse", formula="=" + body)) from None
    tokens = [t for t in tokens if t.type != Token.WSPACE]
    if not tokens:
        raise Unsupported(Reason("empty_formula"))
    parser = _Parser(tokens, "=" + body)
    return parser.parse(), parser.deepest


# -- functions ------------------------------------------------------------------------
# Each takes (evaluator, argument nodes): IF/IFERROR/IFS evaluate only what they need,
# and aggregates must tell references (whose text is ignored) from direct values.

def _scalar(ev, node):
    """A single value for a function argument."""
    v = node.eval(ev)
    if type(v) is Area:
        if len(v.values) == 1:
            return v.values[0]
        raise Unsupported(Reason("array_argument"))
    return v


def _items(ev, nodes):
    """(value, from_reference) for every value of the arguments."""
    for node in nodes:
        values = node.ref_values(ev)
        if values is not None:
            for v in values:
                yield v, True
            continue
        v = node.eval(ev)
        if type(v) is Area:
            for x in v.values:
                yield x, True
        else:
            yield v, False


def _numbers(ev, nodes):
    """The numbers SUM/MIN/MAX/AVERAGE see: from references only numbers (text, logicals
    and blanks ignored); direct arguments are converted (bad text is #VALUE!). An error
    anywhere is the result."""
    out = []
    for v, ref in _items(ev, nodes):
        t = type(v)
        if t is float or t is int:
            out.append(float(v))
        elif t is ExcelError:
            return v
        elif isinstance(v, (datetime, date, time, timedelta)):
            out.append(_num(v))
        elif not ref:
            n = _num(v)
            if type(n) is ExcelError:
                return n
            out.append(n)
    return out


def _aggregate(reduce, empty=None):
    def fn(ev, nodes):
        nums = _numbers(ev, nodes)
        if type(nums) is ExcelError:
            return nums
        if not nums:
            return empty
        result = reduce(nums)
        return _finite(result) if type(result) is float else result
    return fn


def _count(ev, nodes):
    n = 0
    for v, ref in _items(ev, nodes):
        t = type(v)
        if t is float or t is int or isinstance(v, (datetime, date, time)):
            n += 1
        elif not ref and (t is bool or (t is str and type(_text_to_number(v)) is float)):
            n += 1
    return float(n)


def _counta(ev, nodes):
    return float(sum(1 for v, ref in _items(ev, nodes) if not ref or v is not None))


def _logical(combine):
    def fn(ev, nodes):
        flags = []
        for v, ref in _items(ev, nodes):
            t = type(v)
            if t is ExcelError:
                return v
            if t is bool or t is float or t is int:
                flags.append(bool(v))
            elif not ref:
                b = _bool(v)
                if type(b) is ExcelError:
                    return b
                flags.append(b)
        return combine(flags) if flags else VALUE
    return fn


def _unary_number(f):
    def fn(ev, nodes):
        n = _num(_scalar(ev, nodes[0]))
        if type(n) is ExcelError:
            return n
        return f(n) if math.isfinite(n) else NUM
    return fn


def _decimal(x: float) -> Decimal:
    """The number as Excel holds it for rounding: 15 significant digits, so 2.675 is
    2.675 (not 2.67499999...) and ROUND(2.675, 2) is 2.68 as in Excel."""
    return Decimal("%.15g" % x)


def _rounder(mode):
    def fn(ev, nodes):
        x = _num(_scalar(ev, nodes[0]))
        if type(x) is ExcelError:
            return x
        d = _num(_scalar(ev, nodes[1]))
        if type(d) is ExcelError:
            return d
        if not (math.isfinite(x) and math.isfinite(d)):
            return NUM
        digits = int(max(-400, min(d, 400)))  # Excel truncates the digits argument
        with localcontext() as ctx:
            ctx.prec = 800  # ROUND(1E+308, 2) keeps every digit
            try:
                return float(_decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=mode))
            except InvalidOperation:  # more digits than the number has
                return x
    return fn


def _if(ev, nodes):
    if len(nodes) < 2:
        raise Unsupported(Reason("arguments", name="IF"))
    c = _bool(_scalar(ev, nodes[0]))
    if type(c) is ExcelError:
        return c
    if c:
        return nodes[1].eval(ev)
    return nodes[2].eval(ev) if len(nodes) > 2 else False


def _ifs(ev, nodes):
    if len(nodes) % 2:
        raise Unsupported(Reason("arguments", name="IFS"))
    for i in range(0, len(nodes), 2):
        c = _bool(_scalar(ev, nodes[i]))
        if type(c) is ExcelError:
            return c
        if c:
            return nodes[i + 1].eval(ev)
    return NA


def _iferror(ev, nodes):
    v = nodes[0].eval(ev)
    if type(v) is Area and len(v.values) == 1:
        v = v.values[0]
    return nodes[1].eval(ev) if type(v) is ExcelError else v


def _not(ev, nodes):
    b = _bool(_scalar(ev, nodes[0]))
    return b if type(b) is ExcelError else not b


def _is(test):
    def fn(ev, nodes):
        return test(_scalar(ev, nodes[0]))
    return fn


def _sumproduct(ev, nodes):
    """Arguments are evaluated as arrays, so SUMPRODUCT((A1:A3>0)*B1:B3) works; entries
    that are not numbers count as 0 (Excel), errors propagate, shapes must match."""
    ev._array += 1
    try:
        arrays = [node.eval(ev) for node in nodes]
    finally:
        ev._array -= 1
    shaped = [a if type(a) is Area else Area([a], 1, 1) for a in arrays]
    shape = (shaped[0].rows, shaped[0].cols)
    if any((a.rows, a.cols) != shape for a in shaped):
        return VALUE
    total = 0.0
    for row in zip(*(a.values for a in shaped)):
        p = 1.0
        for v in row:
            t = type(v)
            if t is ExcelError:
                return v
            p *= v if t is float or t is int else 0.0
        total += p
    return _finite(total)


_FORMAT = re.compile(r"^(#,##)?0(?:\.(0+))?(%?)$")


def _text_fn(ev, nodes):
    """TEXT with the plain numeric formats ("0", "0.00", "#,##0.00", "0%", "0.00%")."""
    v = _scalar(ev, nodes[0])
    fmt = _text(_scalar(ev, nodes[1]))
    if type(v) is ExcelError:
        return v
    if type(fmt) is ExcelError:
        return fmt
    x = _num(v)
    if type(x) is ExcelError:  # text that is not a number passes through unchanged
        return _text(v)
    if fmt.upper() in ("GENERAL", "G/通用格式", "@"):
        return _number_text(x)
    m = _FORMAT.match(fmt)
    if not m:
        raise Unsupported(Reason("text_format", format=fmt))
    if not math.isfinite(x):
        return NUM
    places = len(m.group(2) or "")
    with localcontext() as ctx:
        ctx.prec = 800  # TEXT(1E+308, "0.00") has 311 digits
        d = _decimal(x) * (100 if m.group(3) else 1)
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if d == 0:
            d = abs(d)  # no "-0.00"
        out = format(d, f"{',' if m.group(1) else ''}.{places}f")
    return out + m.group(3)


def _concatenate(ev, nodes):
    out = []
    for node in nodes:
        t = _text(_scalar(ev, node))
        if type(t) is ExcelError:
            return t
        out.append(t)
    return "".join(out)


def _len(ev, nodes):
    t = _text(_scalar(ev, nodes[0]))
    return t if type(t) is ExcelError else float(len(t))


_MANY = 255
_FUNCTIONS = {
    "SUM": (_aggregate(sum, 0.0), 1, _MANY),
    "MIN": (_aggregate(min, 0.0), 1, _MANY),
    "MAX": (_aggregate(max, 0.0), 1, _MANY),
    "AVERAGE": (_aggregate(lambda xs: sum(xs) / len(xs), DIV0), 1, _MANY),
    "COUNT": (_count, 1, _MANY),
    "COUNTA": (_counta, 1, _MANY),
    "ROUND": (_rounder(ROUND_HALF_UP), 2, 2),  # decimal's HALF_UP is half away from zero
    "ROUNDUP": (_rounder(ROUND_UP), 2, 2),
    "ROUNDDOWN": (_rounder(ROUND_DOWN), 2, 2),
    "ABS": (_unary_number(abs), 1, 1),
    "INT": (_unary_number(lambda x: float(math.floor(x))), 1, 1),
    "IF": (_if, 1, 3),
    "IFS": (_ifs, 2, _MANY),
    "IFERROR": (_iferror, 2, 2),
    "AND": (_logical(all), 1, _MANY),
    "OR": (_logical(any), 1, _MANY),
    "NOT": (_not, 1, 1),
    "ISBLANK": (_is(lambda v: v is None), 1, 1),
    "ISNUMBER": (_is(lambda v: type(v) in (float, int) or isinstance(v, (datetime, date, time))), 1, 1),
    "ISERROR": (_is(lambda v: type(v) is ExcelError), 1, 1),
    "ISTEXT": (_is(lambda v: type(v) is str), 1, 1),
    "SUMPRODUCT": (_sumproduct, 1, _MANY),
    "TEXT": (_text_fn, 2, 2),
    "CONCATENATE": (_concatenate, 1, _MANY),
    "LEN": (_len, 1, 1),
}


# -- evaluation -----------------------------------------------------------------------

class _TooDeep(Exception):
    """Internal: cell ``key`` sits too deep in a dependency chain; evaluate it first."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _is_formula(raw) -> bool:
    return type(raw) is str and len(raw) > 1 and raw[0] == "="


def _constant(raw):
    t = type(raw)
    if t is str:
        return _ERRORS.get(raw, raw)  # openpyxl loads error cells as their text
    if t is int:
        try:
            raw = float(raw)
        except OverflowError:  # a 400-digit integer
            return NUM
        t = float
    if t is float and not math.isfinite(raw):
        return NUM
    return raw


def _result(v):
    """A formula's final value: a blank result shows as 0 in Excel; numbers as float."""
    t = type(v)
    if t is float:
        return v if math.isfinite(v) else NUM
    if v is None:
        return 0.0
    if t is int:
        return float(v)
    if isinstance(v, (datetime, date, time, timedelta)):
        return float(to_excel(v))
    return v


class WorkbookEvaluator:
    """Computes formula cells of one workbook.

    ``cells`` maps (sheet, 'A1') to a typed value or, for formula cells, the text starting
    with '='; missing cells are blank. ``names`` maps defined names to their reference
    text ("'项目1'!$B$3"). Values are memoised, so evaluating every formula of a workbook
    computes each cell once.
    """

    def __init__(self, cells: Mapping[tuple[str, str], Any], names: Mapping[str, str] | None = None,
                 *, reuse_parsed: bool = True):
        self._cells = cells
        # False: formulas that are each evaluated once (a result sheet's links) are parsed
        # without keeping their trees for reuse, which would only cost memory
        self._parse = _parse if reuse_parsed else _parse.__wrapped__
        self._names = {k.upper(): v for k, v in (names or {}).items()}
        self._memo: dict[tuple[str, str], Any] = {}
        self._failed: dict[tuple[str, str], Exception] = {}
        self._busy: set[tuple[str, str]] = set()
        self._stack: list[tuple[str, str]] = []
        self._array = 0  # > 0 while evaluating SUMPRODUCT arguments
        self._names_busy: set[str] = set()
        self._sheets: dict[str, str] | None = None  # casefolded -> real sheet name
        self._resolved: dict[str, str] = {}  # sheet name as written -> real name
        self._extents: dict[str, tuple[int, int]] | None = None
        self._nesting = 0  # nesting levels of the formulas on the stack
        self._held_cells: dict[str, list[tuple[int, int, str]]] | None = None

    def value(self, sheet: str, coord: str) -> Any:
        """The cell's value: a formula's computed value (numbers as float, errors as
        ExcelError) or the constant. Raises Unsupported or CircularReference."""
        targets = [(sheet, coord.replace("$", "").upper())]
        while True:
            try:
                v = self._get(targets[-1])
            except RecursionError:  # the budgets below should make this unreachable
                self._stack.clear()
                self._busy.clear()
                self._nesting = 0
                raise FormulaTooDeep(Reason("too_deep")) from None
            except _TooDeep as deep:
                # A long chain: compute the deep cell from a fresh stack, then retry. Meeting
                # a cell already waiting here means the chain loops back on itself.
                if deep.key in targets:
                    raise CircularReference(Reason("circular", cell=f"{deep.key[0]}!{deep.key[1]}")) from None
                targets.append(deep.key)
                continue
            targets.pop()
            if not targets:
                return v

    # internal ---------------------------------------------------------------------

    def _get(self, key):
        try:
            return self._memo[key]
        except KeyError:
            pass
        raw = self._cells.get(key)
        if _is_formula(raw):
            return self._evaluate(key, raw)
        return _constant(raw)

    def _evaluate(self, key, text):
        failed = self._failed.get(key)
        if failed is not None:
            raise failed
        if key in self._busy:
            raise CircularReference(Reason("circular", cell=f"{key[0]}!{key[1]}"))
        try:
            node, depth = self._parse(text[1:])
        except Unsupported as exc:
            self._failed[key] = exc
            raise
        if self._stack and (len(self._stack) >= _MAX_DEPTH or self._nesting + depth > _MAX_NESTING_IN_CHAIN):
            raise _TooDeep(key)
        self._busy.add(key)
        self._stack.append(key)
        self._nesting += depth
        array, self._array = self._array, 0  # another cell is never in array mode
        try:
            result = _result(node.eval(self))
        except (Unsupported, CircularReference) as exc:
            self._failed[key] = exc
            raise
        finally:
            self._array = array
            self._nesting -= depth
            self._stack.pop()
            self._busy.discard(key)
        self._memo[key] = result
        return result

    def _sheet_names(self) -> dict[str, str]:
        if self._sheets is None:
            self._sheets = {}
            known = getattr(self._cells, "sheet_names", None)  # a mapping that knows saves a walk over every key
            for sheet in known() if known is not None else {sheet for sheet, _ in self._cells.keys()}:
                self._sheets.setdefault(sheet.casefold(), sheet)
        return self._sheets

    def _sheet(self, name: str | None) -> str:
        """The real name of a referenced sheet (Excel matches names case-insensitively)."""
        if name is None:
            return self._stack[-1][0]
        real = self._resolved.get(name)
        if real is None:
            real = self._sheet_names().get(name.casefold())
            if real is None:
                raise Unsupported(Reason("no_sheet", sheet=name))
            self._resolved[name] = real
        return real

    def _extent(self, sheet: str) -> tuple[int, int]:
        """Last used row and column, bounding whole-column/row references."""
        if self._extents is None:
            self._extents = {}
        extent = self._extents.get(sheet)
        if extent is None:
            held = self._held(sheet)
            extent = self._extents[sheet] = (max((r for r, _, _ in held), default=0),
                                             max((c for _, c, _ in held), default=0))
        return extent

    def _held(self, sheet: str) -> list[tuple[int, int, str]]:
        """(row, column, 'A1') of every cell the sheet holds, in row order."""
        if self._held_cells is None:
            self._held_cells = {}
            for s, coord in self._cells.keys():
                if rc := split(coord):
                    self._held_cells.setdefault(s, []).append((*rc, coord))
            for cells in self._held_cells.values():
                cells.sort()
        return self._held_cells.get(sheet, [])

    def _name(self, name: str) -> Node:
        key = name.upper()
        text = self._names.get(key)
        if text is None:
            raise Unsupported(Reason("undefined_name", name=name))
        if key in self._names_busy:
            raise CircularReference(Reason("name_loop", name=name))
        node = parse(text)
        self._names_busy.add(key)
        return node
