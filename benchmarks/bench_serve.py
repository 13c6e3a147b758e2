"""perfxl serve under load: ``python benchmarks/bench_serve.py``.

Starts ``perfxl serve`` (a subprocess, default workers), then for the sample (15 projects) and
a 150-project workbook (the generator of ``benchmarks/run.py``) sends 20 uploads at once, each
a copy with its own unit name, and measures each request from its first byte sent to its result
page received. Against it, in the same run: one ``perfxl check`` process of the same file (it
writes the result workbook; the median of 3). Also the server's peak memory (its process and
its workers, sampled every 50 ms), and that no request was lost or mixed up: every answer is
a result page whose unit is its own file's and whose figures (unit line, verdict) are those
``perfxl check`` prints for that file.

Then, as a second row for each file, the same 20 users each click 结果工作簿: the result
workbook is made on that click (the check page does not write it), 20 at once.

Target: the 95th percentile of the uploads within 4x one ``perfxl check`` of the same file.
Options: ``--users N`` (20), ``--sizes 15,150``, ``--no-downloads``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import make_workbook  # noqa: E402  (the benchmarks' own generator)

SAMPLE_UNIT = "石家庄市鹿泉区机关事务管理中心"


def with_unit(src: Path, dst: Path, unit: str) -> None:
    """A copy of ``src`` for another unit: its name replaced in every XML part, written as
    text or as character references (``&#30707;…``, as the generator writes it)."""
    referenced = "".join(f"&#{ord(ch)};" for ch in SAMPLE_UNIT).encode()
    with zipfile.ZipFile(src) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename.endswith((".xml", ".vml")):
                data = data.replace(SAMPLE_UNIT.encode(), unit.encode()).replace(referenced, unit.encode())
            z.writestr(info, data)


def terminal_lines(path: Path) -> tuple[str, str]:
    """The unit line and the verdict ``perfxl check`` prints for ``path``."""
    out = subprocess.run([PY, "-m", "perfxl", "check", str(path), "--no-write"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}).stdout.splitlines()
    unit = next(line for line in out if line.startswith("单位：共"))
    verdict = next(line for line in out if line.startswith("结论："))
    return unit, verdict


def one_check(path: Path, runs: int = 3) -> float:
    """Median wall time of one ``perfxl check`` process (it writes the result workbook)."""
    times = []
    out = path.with_suffix(".cli.xlsx")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([PY, "-m", "perfxl", "check", str(path), "-o", str(out), "--force"], cwd=ROOT,
                       capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class Server:
    def __init__(self):
        self.proc = subprocess.Popen([PY, "-m", "perfxl", "serve", "--no-browser"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.proc.stdout.readline()
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        self.peak = 0
        self.watching = True
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
            except OSError:
                pass
        return pids

    def _watch(self) -> None:
        """The server's memory: the resident size of it and its workers, summed, at its peak."""
        while self.watching:
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
                except (OSError, StopIteration):
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def stop(self) -> None:
        self.watching = False
        self.proc.terminate()
        self.proc.wait(30)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def load(server: Server, files: list[tuple[Path, str]], expected: tuple[str, str]) -> dict:
    """``len(files)`` uploads at once; each answer checked against its own file."""
    import httpx2

    start = threading.Barrier(len(files))

    def one(item):
        path, unit = item
        body = path.read_bytes()
        with httpx2.Client(timeout=600, follow_redirects=True) as client:
            start.wait()
            t = time.perf_counter()
            r = client.post(server.url + "check", files={"workbook": (path.name, body)})
            return time.perf_counter() - t, r.status_code, unit, r.text, str(r.url)

    with concurrent.futures.ThreadPoolExecutor(len(files)) as ex:
        answers = list(ex.map(one, files))
    lost = sum(1 for _, status, *_ in answers if status != 200)
    mixed = 0
    for _, status, unit, text, _ in answers:
        if status == 200 and not (f'<span id="unit-name">{unit}</span>' in text and expected[0] in text
                                  and expected[1] in text):
            mixed += 1
    return {"times": [a[0] for a in answers], "lost": lost, "mixed": mixed, "pages": [a[4] for a in answers]}


def downloads(pages: list[str]) -> dict:
    """Every user clicks 结果工作簿 at once: the result workbook is made on that click."""
    import httpx2

    start = threading.Barrier(len(pages))

    def one(page: str):
        link = page.split("?")[0] + "/result"
        with httpx2.Client(timeout=600) as client:
            start.wait()
            t = time.perf_counter()
            r = client.get(link)
            ok = r.status_code == 200 and r.content[:2] == b"PK"
            return time.perf_counter() - t, ok

    with concurrent.futures.ThreadPoolExecutor(len(pages)) as ex:
        answers = list(ex.map(one, pages))
    return {"times": [a[0] for a in answers], "lost": sum(1 for a in answers if not a[1]), "mixed": 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--sizes", default="15,150")
    ap.add_argument("--no-downloads", action="store_true")
    opts = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="perfxl-bench-serve-"))
    rows, ok = [], True
    server = Server()
    try:
        for n in (int(s) for s in opts.sizes.split(",")):
            base = folder / f"p{n}.xlsx"
            if n == 15:
                shutil.copy(ROOT / "samples" / "2025.xlsx", base)
            else:
                make_workbook(n, base)
            files = []
            for i in range(opts.users):
                unit = f"第{i + 1:02d}测试单位"
                path = folder / f"p{n}-{i + 1:02d}.xlsx"
                with_unit(base, path, unit)
                files.append((path, unit))
            expected = terminal_lines(base)
            reference = one_check(base)
            load(server, files[:1], expected)  # warm-up: the workers' first file
            server.peak = 0
            got = load(server, files, expected)
            ratio = p95(got["times"]) / reference
            met = ratio <= 4 and got["lost"] == 0 and got["mixed"] == 0
            ok &= met
            rows.append((f"{n} projects: upload → result page", got, reference, ratio, "≤ 4", met, server.peak))
            if not opts.no_downloads:
                server.peak = 0
                made = downloads(got["pages"])
                rows.append((f"{n} projects: then 结果工作簿 (made on the click)", made, reference,
                             p95(made["times"]) / reference, "—", made["lost"] == 0, server.peak))
            print(f"  {n:>4} projects done", file=sys.stderr)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nperfxl serve under load, {when}, {platform.machine()}, {os.cpu_count()} cores, load {load_avg:.1f}, "
          f"Python {platform.python_version()}, {opts.users} requests at once\n")
    print("| requests | answered | lost | mixed up | median | 95th pct. | one `perfxl check` | 95th ÷ check | target "
          "| peak server memory |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for what, got, reference, ratio, target, met, peak in rows:
        times = got["times"]
        print(f"| {what} | {len(times) - got['lost']}/{len(times)} | {got['lost']} | {got['mixed']} "
              f"| {statistics.median(times):.2f} s | {p95(times):.2f} s | {reference:.2f} s | {ratio:.2f} "
              f"| {target}{'' if met else ' MISSED'} | {peak / 1024:.0f} MB |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
