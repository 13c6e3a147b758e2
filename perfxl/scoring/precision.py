"""The precision rule of docs/template.md §4: does a typed value agree with a computed one?

Typed values are rounded by people (``93`` for 93.33): a value agrees when it is within
the tolerance, or when the computed value rounded half-up to the typed value's own
decimals equals it. Indicator and funding scores count at least one decimal, so ``10``
does not pass for 9.5. A rate is compared as the percentage it stands for: a stored ``1`` is
100% with no decimal, so it agrees with 99.6% but not with 80.45%.
"""

from __future__ import annotations

from perfxl.excel.numbers import quantize_half_up


def round_half_up(value: float, decimals: int = 2) -> float:
    return quantize_half_up(value, decimals)


def agrees(entered: float, computed: float, decimals: int, *, tolerance: float = 0.01,
           min_decimals: int = 0) -> bool:
    if abs(entered - computed) <= tolerance + 1e-9:
        return True
    d = min(max(decimals, min_decimals), 10)  # a tiny float has 30 decimals: no one types that
    return round_half_up(computed, d) == round_half_up(entered, d)


def rate_agrees(entered: float, computed: float, decimals: int, *, tolerance: float = 0.0001) -> bool:
    """``agrees`` for rates, in percent: the stored fraction's decimals less two are the
    percentage's (``0.9707`` is 97.07%, ``1`` is 100%), so a typed 100% does not pass for 80.45%."""
    return agrees(entered * 100, computed * 100, max(decimals - 2, 0), tolerance=tolerance * 100)
