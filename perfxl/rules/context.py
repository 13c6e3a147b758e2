"""What every check shares: the profile, the findings so far, and number reading that
reports each unreadable or text-typed cell once (one problem, one finding)."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel import show
from perfxl.model import Cell, Finding, Number, finding
from perfxl.excel.labels import is_dash
from perfxl.excel.numbers import read_number


def to_wan(value: float | None, unit: str) -> float | None:
    """Amounts are compared in 万元; a sheet in 元 is converted."""
    if value is None:
        return None
    return value / 10000 if unit == "元" else value


@dataclass
class Context:
    profile: object
    enabled: set[str] | None = None
    findings: list[Finding] = field(default_factory=list)
    _seen: set[tuple] = field(default_factory=set)
    places: tuple | None = None  # for the formula audit: where each project keeps its figures
    evaluator: object = None  # for the formula audit: what a formula would give

    def add(self, code: str, cell: Cell | None, /, *, sheet: str | None = None, **values) -> Finding | None:
        """Report a finding once; returns it (None when seen before or switched off)."""
        sheet = cell.sheet if cell is not None else sheet
        coord = cell.coord if cell is not None and cell.coord else None
        key = (code, sheet, coord or tuple(sorted(map(str, values.items()))))
        if key in self._seen:
            return None
        self._seen.add(key)
        if self.enabled is not None and code not in self.enabled:
            return None
        values.setdefault("sheet", sheet)
        self.findings.append(finding(code, sheet, coord, **values))
        return self.findings[-1]

    def adopt(self, f: Finding) -> None:
        """Keep a finding the reader made; it passes the same --select/--ignore filter."""
        key = (f.code, f.sheet, f.cell)
        if key in self._seen:
            return
        self._seen.add(key)
        if self.enabled is None or f.code in self.enabled:
            self.findings.append(f)

    def has_problem_at(self, cell: Cell) -> bool:
        return any(k[1] == cell.sheet and k[2] == cell.coord for k in self._seen)

    def number(self, cell: Cell | None, label: str, *, required: bool = False, what: str = "数字",
               rate: bool = False, money: str | None = None) -> Number | None:
        """Read a number; report it missing (when required), unreadable or typed as text.
        ``money``: the cell is an amount of a sheet in this unit (万元 or 元); a money unit typed
        after the number is converted to it, and the warning says which unit was read."""
        if cell is None:
            return None
        num = read_number(cell, rate=rate, money=money)
        if num.invalid:
            self.add("R111", cell, label=label, value=_shown(cell.value))
        elif num.value is None and required:
            self.add("R110", cell, label=label, what=what)
        elif num.typed_as_text and not cell.formula and not cell.inline:
            f = self.add("R112", cell, label=label, value=_shown(cell.value))
            if f is not None and num.unit:
                _say_unit(f, num, money)
        elif num.date_formatted:
            self.add("R122", cell, label=label, value=show.num(num.value), format=cell.number_format)
        return num


def _say_unit(f: Finding, num: Number, money: str) -> None:
    """An amount typed with its unit: which unit was read, and the number to type instead."""
    if num.unit != money:
        f.add_note("，已按{typed_unit}读取，即{amount_shown}{money}", " (read in {typed_unit}: {amount_shown} {money})",
                   typed_unit=num.unit, amount=num.value, amount_shown=show.exact(num.value), money=money)
    f.set_hint("改为数字 {amount_shown}（本表金额单位为{money}，数字后不要写单位）：Excel/WPS 无法用带单位的文字计算",
               "Type the number {amount_shown} (this sheet's amounts are in {money}; no unit after the number): "
               "Excel/WPS cannot compute with a number written with its unit",
               amount=num.value, amount_shown=show.exact(num.value), money=money)


def pct(rate: float) -> show.Rate:
    """A rate for a message: kept as the fraction, shown as ``33.33%``."""
    return show.Rate(rate)


def _shown(value) -> str:
    """A typed value quoted in a message, invisible characters shown (``“48.6␣”``)."""
    return show.visible(value)


def filled(cell: Cell | None) -> bool:
    return cell is not None and not is_dash(cell.value)
