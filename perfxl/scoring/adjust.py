"""Provincial scoring options (docs/template.md §4.1): 指标偏离 and what a profile does with
the project score after the sum — a deduction per deviating indicator, then a cap by 执行率.

Pure arithmetic; the rules call it where the project score is computed, so the adjusted
score is the project score everywhere (grades, 自评结果, narrative, JSON).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from perfxl.scoring.precision import round_half_up
from perfxl.excel import show


def deviation(direction: str | None, a: float | None, b: float | None) -> float | None:
    """The share by which B beats A (``≥10个`` / ``13个`` -> 0.3; ``≤24小时`` / ``12小时`` -> 0.5).

    At least / more than: (B − A) / A; at most / less than: (A − B) / A. None when B does not
    beat A, for equal targets, and for A ≤ 0 (no share of nothing; negative targets are rare
    and ambiguous).
    """
    if a is None or b is None or direction is None or not (a > 0 and math.isfinite(a) and math.isfinite(b)):
        return None
    A, B = Decimal(repr(float(a))), Decimal(repr(float(b)))  # exact: 16.8 of 24 is 30%, not 29.99…
    if direction in ("at_least", "more_than"):
        share = (B - A) / A
    elif direction in ("at_most", "less_than"):
        share = (A - B) / A
    else:
        return None
    value = float(share)
    return round(value, 9) if value > 0 and math.isfinite(value) else None


def deviates(share: float | None, threshold: float) -> bool:
    return share is not None and share >= threshold - 1e-9


@dataclass(frozen=True)
class Adjustment:
    """One step from the summed score to the project score, with the numbers that explain it."""

    kind: str                    # "design" | "deduction" | "cap"
    before: float
    after: float
    count: int = 0               # deduction: deviating indicators
    points: float = 0.0          # deduction: points per indicator
    rate: float | None = None    # cap: the project's 执行率
    threshold: float = 0.0       # cap: the 执行率 it is below
    cap: float = 0.0             # cap: the maximum score

    def reason(self, lang: str = "zh") -> str:
        """``执行率33%，按本方案得分上限为59分``; ``2个指标偏离（实际完成值优于目标30%及以上），每个扣2分``."""
        if self.kind == "design":
            if lang == "en":
                return (f"{self.count} indicator-design finding(s) cost points under this profile: "
                        f"{_n(self.points)} in all")
            return f"{self.count}处指标设置问题按本方案扣分，共扣{_n(self.points)}分"
        if self.kind == "cap":
            rate = whole_pct(self.rate or 0, below=self.threshold)
            if lang == "en":
                return (f"execution rate {rate} is below {_pct(self.threshold)}: "
                        f"this profile caps the score at {_n(self.cap)}")
            return f"执行率{rate}，按本方案得分上限为{_n(self.cap)}分"
        if lang == "en":
            return (f"{self.count} indicator(s) beat their target by the deviation share: "
                    f"{_n(self.points)} point(s) off each, {_n(self.count * self.points)} in all")
        return (f"{self.count}个指标偏离（实际完成值远超目标），每个扣{_n(self.points)}分，"
                f"共扣{_n(self.count * self.points)}分")


@dataclass(frozen=True)
class DesignDeduction:
    """What the profile's indicator-design rules (D family) take: the sum that is left (the
    indicators' accepted scores less their deductions, plus the funding score, less the
    project's own deductions; not yet rounded) and how many findings cost points."""

    kept: float
    count: int


def adjust(raw: float, rate: float | None, deviating: int, profile,
           design: DesignDeduction | None = None) -> tuple[float, list[Adjustment]]:
    """Take the indicator-design deductions (the kept sum, rounded, not below 0), then deduct
    ``profile.deviation_points`` per deviating indicator (not below 0), then cap by 执行率;
    returns the project score (2 decimals, half up) and the steps taken."""
    steps: list[Adjustment] = []
    score = raw
    if design is not None and design.count:
        after = round_half_up(max(design.kept, 0.0), 2)
        if after < score - 1e-9:
            steps.append(Adjustment("design", score, after, count=design.count, points=round_half_up(score - after, 2)))
            score = after
    points = profile.deviation_points
    if points > 0 and deviating > 0:
        after = round_half_up(max(score - points * deviating, 0.0), 2)
        steps.append(Adjustment("deduction", score, after, count=deviating, points=points))
        score = after
    cap = profile.cap_for(rate)
    if cap is not None and score > cap[1] + 1e-9:
        threshold, limit = cap
        steps.append(Adjustment("cap", score, limit, rate=rate, threshold=threshold, cap=limit))
        score = limit
    return round_half_up(score, 2), steps


def _n(v: float) -> str:
    return show.num(v)


def _pct(rate: float) -> str:
    return f"{_n(rate * 100)}%"


def whole_pct(rate: float, below: float | None = None) -> str:
    """A rate as a whole percentage (``33%``), as the report writes it; with 2 decimals when the
    whole number would reach the threshold it is below (79.6% below 80% stays ``79.6%``)."""
    whole = round_half_up(rate * 100, 0)
    if below is not None and whole >= below * 100 - 1e-9:
        return _pct(rate)
    return show.whole_percent(rate)
