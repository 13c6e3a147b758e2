"""Benchmark: an .xls whose sheets each hold one formatted blank cell at IV65536.

    python benchmarks/bench_xls_far_blank.py [--sheets N] [--runs R] [--keep DIR]

A blank cell with a format (a border, as a form copied past its end leaves) is nothing to
read, but xlrd with ``formatting_info`` stored it and padded every row before it to 256
columns: 16.7 million cells per sheet (25 s and 230 MB each before the fix). The script
writes the standard workbook (``perfxl init``, N projects, default 10) as an .xls with xlwt,
once as it is and once with one formatted blank cell at IV65536 on each of N project sheets,
then times ``perfxl check FILE`` (with the result workbook written, as a user runs it) on
both, in new processes: wall clock and peak memory (ru_maxrss of the child), median of R
runs. Target: the far-blank file within 5 s and 300 MB, and about what the plain file costs.
Results go in benchmarks/NOTES.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_xls(folder: Path, sheets: int, far_blank: bool) -> Path:
    """The standard workbook of ``sheets`` projects as an .xls (values, merges, formats)."""
    import xlwt
    from openpyxl import load_workbook

    xlsx = folder / "template.xlsx"
    if not xlsx.exists():
        subprocess.run([sys.executable, "-m", "perfxl", "init", str(xlsx), "--projects", str(sheets),
                        "--unit", "某某单位", "--year", "2025"], check=True, stdout=subprocess.DEVNULL)
    wb = load_workbook(xlsx, data_only=True)
    book = xlwt.Workbook(encoding="utf-8")
    border = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    formats: dict[str, object] = {}
    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title)
        tops = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in ws.merged_cells.ranges
                   for row in range(r.min_row, r.max_row + 1) for col in range(r.min_col, r.max_col + 1)}
        for row in ws.iter_rows():
            for c in row:
                fmt = c.number_format or "General"
                style = formats.setdefault(fmt, xlwt.easyxf(num_format_str=fmt) if fmt != "General"
                                           else xlwt.Style.default_style)
                pos = (c.row, c.column)
                if pos in tops:
                    r = tops[pos]
                    sheet.write_merge(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, c.value, style)
                elif pos not in covered and c.value is not None:
                    sheet.write(c.row - 1, c.column - 1, c.value, style)
        if far_blank and ws.title.startswith("项目"):
            sheet.write(65535, 255, None, border)  # IV65536: a format, no value
    path = folder / ("far_blank.xls" if far_blank else "plain.xls")
    book.save(str(path))
    return path


def measure(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one ``perfxl check`` process, result workbook written."""
    out = path.with_suffix(".perfxl.xlsx")
    if out.exists():
        out.unlink()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "perfxl", "check", str(path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest child's
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="perfxl-bench-xls-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = {name: make_xls(folder, args.sheets, far) for name, far in (("far blank", True), ("plain", False))}
        print(f"{args.sheets} project sheets; {args.runs} runs each; load average {os.getloadavg()[0]:.1f}")
        for name, path in files.items():
            runs = [measure(path) for _ in range(args.runs)]
            codes = {code for _, _, code in runs}
            print(f"{name:10s} {path.stat().st_size / 1024:7.1f} KB  median {statistics.median(s for s, _, _ in runs):5.2f} s"
                  f"  (max {max(s for s, _, _ in runs):5.2f} s)  peak {max(m for _, m, _ in runs):6.1f} MB"
                  f"  exit {sorted(codes)}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
