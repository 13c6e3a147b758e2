"""How numbers are shown to people: the one formatter every message, report and prose uses."""

from __future__ import annotations

import pytest

from perfxl.excel import show


@pytest.mark.parametrize("value, expected", [
    (19, "19"), (46.8, "46.8"), (46.755, "46.76"), (98.675, "98.68"), (-0.0, "0"), (0.1 + 0.2, "0.3"),
    (123456.789, "123456.79"), (1e308, "1E+308"), (-1e16, "-1E+16"), (1.23456789e20, "1.23457E+20"),
    (float("inf"), "#NUM!"), (float("nan"), "#NUM!"), (5e-324, "0"), (None, ""),
])
def test_num(value, expected):
    assert show.num(value) == expected


@pytest.mark.parametrize("value, expected", [
    (1234.5, "1,234.50"), (0, "0.00"), (1.5e20, "1.5E+20"), (float("-inf"), "#NUM!"), (None, ""),
])
def test_money(value, expected):
    assert show.money(value) == expected


def test_rates_and_shares():
    assert show.percent(0.3333) == "33.33%"
    assert show.whole_percent(14 / 15) == "93%"
    assert show.share(1797.56, 2566.78) == "70.03%"
    assert show.share(1, 0) == "—"
