"""Benchmark: `perfxl check` on a 150-project workbook against plain openpyxl on the same file.

Run ``python benchmarks/bench_check.py [N_PROJECTS]``. It builds the workbook with the test
layouts, then times, in the same process and run, (a) loading it twice with plain openpyxl
(formulas and cached values — the floor any reader pays) and (b) perfxl's whole check
(read + all rules), and prints the ratio. Ratios, not seconds, are what compare across
machines. Results go in benchmarks/NOTES.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from layouts import Book, Proj, build  # noqa: E402


def _time(fn, runs: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(n: int = 150) -> None:
    from openpyxl import load_workbook

    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.workbook.reader import read_workbook

    book = Book([Proj(sheet=f"项目{i}", name=f"第{i}号维修项目", budget=100 + i, executed=90 + i) for i in range(1, n + 1)])
    book.unit["项目支出"] = sum(p.executed for p in book.projects)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "big.xlsx")
        build(book, path, "national")
        profile = load_profile()

        def plain():
            load_workbook(path)
            load_workbook(path, data_only=True)

        def perfxl():
            run_checks(read_workbook(path), profile)

        base = _time(plain)
        ours = _time(perfxl)
    print(f"{n} projects: openpyxl load x2 {base:.3f}s, perfxl check {ours:.3f}s, ratio {ours / base:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150)
