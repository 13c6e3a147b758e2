"""One command for every performance target: ``python benchmarks/run.py``.

Builds workbooks of 15, 150 and 1,500 projects with the sample generator (the sample's 15
projects repeated under new sheet names, so every sheet is a filled, plausible form), then
times whole processes — ``python -m perfxl ...`` against plain openpyxl in a fresh
interpreter — in pairs run back to back in the same session, and prints the median of each
ratio beside its target:

- ``check --no-write`` / one plain ``load_workbook``                       <= 1.1
- ``check`` (writes the result workbook) / ``load_workbook`` + ``save``   <= 2.0
- peak memory of ``check`` / peak memory of ``load_workbook``              <= 1.5
- time per project of ``check`` at 1,500 / at 150                         <= 1.2
- ``perfxl --version`` / ``python -c "import click"``                      <= 1.5

Options: ``--sizes 15,150`` to run fewer sizes, ``--runs N`` pairs per size (default 5 for
small sizes, 3 at 1,500), ``--keep DIR`` to keep the generated workbooks. Figures go in
benchmarks/NOTES.md and the README's performance section: quote ratios, not seconds.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

LOAD = "import sys; from openpyxl import load_workbook; load_workbook(sys.argv[1])"
LOAD_SAVE = "import sys; from openpyxl import load_workbook; load_workbook(sys.argv[1]).save(sys.argv[2])"


def make_workbook(n: int, path: Path) -> None:
    """The sample generator with ``n`` projects (its 15 repeated, renamed)."""
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "samples" / "make_sample.py")
    sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sample)
    base, conclusion = sample.PROJECTS, sample.CONCLUSION
    projects, rows = [], []
    for i in range(n):
        p = copy.deepcopy(base[i % len(base)])
        p["sheet"] = f"{i + 1:04d}" + p["sheet"][2:]
        if i >= len(base):
            p["name"] = f"{p['name']}（{i + 1}）"
        projects.append(p)
        name, score, grade = conclusion[i % len(conclusion)]
        rows.append((p["name"], score, grade))
    sample.PROJECTS, sample.CONCLUSION = projects, rows
    path.write_bytes(sample.to_bytes(sample.build()))


def _run(args: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in KB) of one whole process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}")
    return elapsed, usage.ru_maxrss


def _pairs(a: list[str], b: list[str], runs: int) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Run ``a`` and ``b`` back to back ``runs`` times (after one warm-up of each)."""
    _run(a), _run(b)
    xs, ys = [], []
    for _ in range(runs):
        xs.append(_run(a))
        ys.append(_run(b))
    return xs, ys


def _median_ratio(xs, ys, i=0) -> float:
    return statistics.median(x[i] / y[i] for x, y in zip(xs, ys))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="15,150,1500")
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--keep", default=None)
    opts = ap.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",") if s]
    folder = Path(opts.keep or tempfile.mkdtemp(prefix="perfxl-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    perfxl = [PY, "-m", "perfxl"]

    rows: list[tuple[str, str, float, float, str]] = []  # (what, size, ratio, target, seconds)
    per_project: dict[int, float] = {}
    for n in sizes:
        path = folder / f"p{n}.xlsx"
        if not path.exists():
            make_workbook(n, path)
        runs = opts.runs or (3 if n >= 1000 else 5)
        out = str(folder / f"p{n}.out.xlsx")
        plain = str(folder / f"p{n}.plain.xlsx")
        c, l = _pairs(perfxl + ["check", str(path), "--no-write"], [PY, "-c", LOAD, str(path)], runs)
        rows.append(("check --no-write / load_workbook", f"{n}", _median_ratio(c, l), 1.1,
                     f"{statistics.median(x[0] for x in c):.2f} s / {statistics.median(x[0] for x in l):.2f} s"))
        w, ls = _pairs(perfxl + ["check", str(path), "-o", out], [PY, "-c", LOAD_SAVE, str(path), plain], runs)
        rows.append(("check (writes) / load_workbook + save", f"{n}", _median_ratio(w, ls), 2.0,
                     f"{statistics.median(x[0] for x in w):.2f} s / {statistics.median(x[0] for x in ls):.2f} s"))
        mem_w = statistics.median(x[1] for x in w)
        mem_c = statistics.median(x[1] for x in c)
        mem_l = statistics.median(x[1] for x in l)
        rows.append(("peak memory: check (writes) / load_workbook", f"{n}", mem_w / mem_l, 1.5,
                     f"{mem_w / 1024:.0f} MB / {mem_l / 1024:.0f} MB"))
        rows.append(("peak memory: check --no-write / load_workbook", f"{n}", mem_c / mem_l, 1.5,
                     f"{mem_c / 1024:.0f} MB / {mem_l / 1024:.0f} MB"))
        per_project[n] = statistics.median(x[0] for x in w) / n
        print(f"  {n:>5} projects done", file=sys.stderr)
    if 150 in per_project and 1500 in per_project:
        rows.append(("check time per project: 1,500 / 150", "1500:150", per_project[1500] / per_project[150], 1.2,
                     f"{per_project[1500] * 1000:.1f} ms / {per_project[150] * 1000:.1f} ms"))
    v, k = _pairs(perfxl + ["--version"], [PY, "-c", "import click"], 9)
    rows.append(("perfxl --version / python -c 'import click'", "-", _median_ratio(v, k), 1.5,
                 f"{statistics.median(x[0] for x in v) * 1000:.0f} ms / {statistics.median(x[0] for x in k) * 1000:.0f} ms"))

    print(f"\nperfxl benchmarks, {date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, medians of paired whole-process runs\n")
    print("| measure | projects | ratio | target | | medians |")
    print("| --- | --- | --- | --- | --- | --- |")
    ok = True
    for what, size, ratio, target, seconds in rows:
        met = ratio <= target
        ok &= met
        print(f"| {what} | {size} | {ratio:.2f} | ≤ {target} | {'met' if met else 'MISSED'} | {seconds} |")
    if not opts.keep:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
