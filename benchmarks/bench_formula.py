"""Benchmark: the formula evaluator on a workbook-sized input.

Run ``python benchmarks/bench_formula.py [N_SHEETS]``. Builds cells for N project sheets
(default 150) with ~40 template formulas each plus a summary sheet of cross-sheet
references, then times evaluating every formula (a) with an empty parse cache, as on a
first file, and (b) with the cache warm. Prints the median of 5 runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perfxl.excel.formula import _parse, WorkbookEvaluator  # noqa: E402


def build(n_sheets: int) -> dict:
    cells: dict = {}
    for p in range(1, n_sheets + 1):
        s = f"项目{p}"
        cells[(s, "B3")] = f"项目名称{p}"
        for r in range(6, 18):  # 12 indicator rows x 3 formulas
            cells[(s, f"D{r}")] = 100 + r * p % 37
            cells[(s, f"E{r}")] = 90 + (r * 7 + p) % 23
            cells[(s, f"G{r}")] = ((r + p) % 10) / 8
            cells[(s, f"F{r}")] = f"=IF(D{r}>0,E{r}/D{r},0)"
            cells[(s, f"H{r}")] = f"=ROUND(F{r}*MIN(G{r},1),2)"
            cells[(s, f"I{r}")] = f'=IFERROR(TEXT(H{r},"0.00%"),"")'
        cells[(s, "H18")] = "=SUM(H6:H17)"
        cells[(s, "H19")] = "=AVERAGE(F6:F17)"
        cells[(s, "H20")] = "=COUNT(D6:D17)"
        cells[(s, "H21")] = "=SUMPRODUCT(D6:D17,G6:G17)/SUM(D6:D17)"
        cells[(s, "G25")] = "=H18+SUM(G6:G17)"
    for p in range(1, n_sheets + 1):
        cells[("汇总", f"A{p}")] = f"='项目{p}'!B3"
        cells[("汇总", f"B{p}")] = f"='项目{p}'!G25"
        cells[("汇总", f"C{p}")] = f"=ROUND('项目{p}'!H21,2)"
    cells[("汇总", f"B{n_sheets + 1}")] = f"=SUM(B1:B{n_sheets})"
    return cells


def run(cells: dict, formulas: list, cold: bool) -> float:
    if cold:
        _parse.cache_clear()
    t = time.perf_counter()
    ev = WorkbookEvaluator(cells)
    for sheet, coord in formulas:
        ev.value(sheet, coord)
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    cells = build(n)
    formulas = [k for k, v in cells.items() if isinstance(v, str) and v.startswith("=")]
    for label, cold in (("cold parse cache", True), ("warm parse cache", False)):
        run(cells, formulas, cold)  # warm-up
        times = [run(cells, formulas, cold) for _ in range(5)]
        ms = statistics.median(times) * 1000
        print(f"{n} sheets, {len(formulas)} formulas, {label}: {ms:.1f} ms "
              f"({ms * 1000 / len(formulas):.1f} µs per formula)")


if __name__ == "__main__":
    main()
