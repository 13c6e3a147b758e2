"""Benchmark: `perfxl batch` over 100 unit workbooks, one worker against two, and per workbook
against a single check.

    python benchmarks/bench_batch.py [N_UNITS] [--keep DIR] [--runs R]

Generates N_UNITS (default 100) unit workbooks of 15 projects each into a temporary folder
(or DIR with --keep; benchmarks/units/ is git-ignored), in the three test layouts; some are
broken on purpose: every 7th has a wrong 总分 (errors), every 20th is truncated (unreadable),
every 25th is an old .xls-looking file, and there is one ~$ lock file. Then it times, as a
user would run them (new processes, wall clock, median of R runs):

- ``perfxl batch DIR -j1`` and ``-j2``: target -j2 <= 0.6 x -j1 on 2 cores;
- per workbook, ``batch -j1`` divided by the files it checked, against one check of the
  same files in one warm process (read + every rule + the JSON view: the floor, with no
  start-up at all): target within 1.2 x;
- for scale, one ``perfxl check FILE --no-write`` process (start-up and imports included),
  which is what a shell loop over the files would pay per file.

Results go in README.md (section 给主管部门和财政局) and benchmarks/NOTES.md. The machine is
shared: run it when the load average is low, and quote ratios.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from layouts import Book, Proj, build  # noqa: E402

NAMES = ["办公楼维修", "信息化运维", "绿化养护", "安保服务", "食堂改造", "公务用车运行", "档案数字化", "节能改造",
         "会议保障", "物业管理", "培训经费", "宣传经费", "设备购置", "专项公用经费", "应急储备"]


def make_units(folder: Path, n: int) -> dict[str, int]:
    """Write ``n`` unit workbooks (15 projects each) into ``folder``; return what was made."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {"good": 0, "errors": 0, "truncated": 0, "old_format": 0, "lock": 0}
    layouts = ("national", "provincial", "messy")
    for i in range(1, n + 1):
        path = folder / f"单位{i:03d}.xlsx"
        if i % 25 == 0:
            path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
            made["old_format"] += 1
            continue
        projects = [Proj(sheet=f"项目{k}", name=f"2025{NAMES[k - 1]}项目", budget=50 + 7 * k + i,
                         executed=50 + 7 * k + i) for k in range(1, 16)]
        projects[4].executed = projects[4].budget - 5
        projects[4].problems = "部分合同尾款待验收后支付。"
        for k, p in enumerate(projects):  # some projects 良 (benefit partly met), a few 中 (not met)
            benefit = p.indicators[3]
            if (i + k) % 5 == 0:
                benefit.actual, benefit.score = "部分改善", 18
            elif (i + k) % 17 == 0:
                benefit.actual, benefit.score = "未改善", 0
            if benefit.score < 30:
                benefit.reason = "受工期影响未全部完成，已列入下年计划。"
        if i % 7 == 0:
            projects[3].total = 99  # a wrong 总分: errors
        book = Book(projects)
        spent = round(sum(p.executed for p in projects), 2)
        book.unit.update({"单位名称": f"某某区第{i}单位", "项目支出": spent, "财政拨款支出": 900 + spent,
                          "财政拨款收入": 900 + spent, "年初预算数": 900 + sum(p.budget for p in projects)})
        build(book, path, layouts[i % 3])
        if i % 20 == 0:
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
            made["truncated"] += 1
        elif i % 7 == 0:
            made["errors"] += 1
        else:
            made["good"] += 1
    (folder / "~$单位001.xlsx").write_bytes(b"\0" * 165)
    made["lock"] = 1
    return made


def _wall(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system of the process and its workers) of a command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(fn, runs: int) -> tuple[float, float]:
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def in_process(files: list[Path]) -> tuple[float, int]:
    """One warm process checking every file in turn (read + rules + JSON view)."""
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views.json_report import build as to_json
    from perfxl.workbook.reader import ReadError, read_workbook

    import gc

    profile = load_profile()
    checked = 0
    gc.disable()  # as in the `perfxl check` process
    t, c = time.perf_counter(), time.process_time()
    for path in files:
        try:
            to_json(run_checks(read_workbook(str(path)), profile), str(path))
            checked += 1
        except ReadError:
            pass
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    gc.enable()
    gc.collect()
    return wall, cpu, checked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=100)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = None
    folder = args.keep
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="perfxl-bench-")
        folder = Path(tmp) / "units"
    try:
        made = make_units(folder, args.n)
        files = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
        out = folder.parent / "bench-汇总.xlsx"
        perfxl = [sys.executable, "-m", "perfxl"]
        print(f"{args.n} units x 15 projects in {folder}: {made}; load average {os.getloadavg()[0]:.2f}")

        in_process(files[:5])  # warm the OS file cache
        one_wall, one_cpu, checked = min(in_process(files) for _ in range(args.runs))
        j1, j1_cpu = _median(lambda: _wall(perfxl + ["batch", str(folder), "-o", str(out), "-j", "1"]), args.runs)
        j2, j2_cpu = _median(lambda: _wall(perfxl + ["batch", str(folder), "-o", str(out), "-j", "2"]), args.runs)
        single, single_cpu = _median(lambda: _wall(perfxl + ["check", str(files[0]), "--no-write"]), args.runs)

        print(f"batch -j1: {j1:.2f} s (CPU {j1_cpu:.2f} s)   batch -j2: {j2:.2f} s (CPU {j2_cpu:.2f} s)   "
              f"ratio {j2 / j1:.2f}   (target <= 0.60)")
        print(f"per workbook: batch -j1 {j1 / checked * 1000:.0f} ms (CPU {j1_cpu / checked * 1000:.0f} ms), "
              f"one check in a warm process {one_wall / checked * 1000:.0f} ms (CPU {one_cpu / checked * 1000:.0f} ms), "
              f"ratio {j1 / one_wall:.2f} (CPU {j1_cpu / one_cpu:.2f})   (target <= 1.20)")
        print(f"one `perfxl check` process: {single * 1000:.0f} ms (CPU {single_cpu * 1000:.0f} ms, start-up and "
              f"imports included); a shell loop over {len(files)} files: about {single * len(files):.1f} s")
        print(f"{checked} of {len(files)} files checked; load average now {os.getloadavg()[0]:.2f}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
