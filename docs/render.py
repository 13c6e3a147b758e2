"""Regenerate the pictures in docs/img/ from the current code, as LibreOffice prints them.

    python docs/render.py            # needs soffice (LibreOffice), pdftoppm and pdftotext (poppler)

It checks samples/2025.xlsx into a temporary folder, writes a two-project `perfxl init`
workbook, prints both to PDF with LibreOffice (A4, the sheets' own print settings; 宋体 and
黑体 mapped to Noto CJK by docs/fonts-cjk.conf) and keeps one page per picture:

    result.png          自评结果, first page (table, grade counts, legend)
    result-chart.png    自评结果, the chart's page
    narrative.png       自评综述, first page
    findings.png        检查结果, first page
    init-summary.png    汇总 of the init workbook
    init-project.png    项目1 of the init workbook
    report.png          the first two pages of `perfxl report samples/2025.xlsx`, side by side
    batch.png           总览 of `perfxl batch` over the benchmark's 26 unit workbooks
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMG = os.path.join(ROOT, "docs", "img")
FONTS = os.path.join(ROOT, "docs", "fonts-cjk.conf")


def to_pdf(path: str, work: str) -> str:
    profile = os.path.join(work, "lo-profile")
    env = dict(os.environ, FONTCONFIG_FILE=FONTS)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", work, path], check=False, capture_output=True, env=env, timeout=300)
    pdf = os.path.join(work, os.path.splitext(os.path.basename(path))[0] + ".pdf")
    if not os.path.exists(pdf):
        sys.exit(f"LibreOffice did not print {path}")
    return pdf


def page_texts(pdf: str) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def first_page(texts: list[str], *needles: str, after: int = 0) -> int:
    """1-based number of the first page from ``after`` on that holds every needle."""
    for i, t in enumerate(texts[after:], after + 1):
        squeezed = "".join(t.split())
        if all(n in squeezed for n in needles):
            return i
    sys.exit(f"no page holds {needles}")


def save_page(pdf: str, page: int, name: str, work: str) -> None:
    stem = os.path.join(work, "page")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", pdf, stem],
                   check=True)
    shutil.copy(stem + ".png", os.path.join(IMG, name))
    print(f"docs/img/{name}  (page {page})")


def _read_ppm(path: str) -> tuple[int, int, bytes]:
    with open(path, "rb") as fh:
        data = fh.read()
    fields, pos = [], 0
    while len(fields) < 4:  # P6, width, height, maxval, separated by whitespace
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def side_by_side_png(ppms: list[str], out: str) -> None:
    """Pages next to each other in one PNG, with nothing but the standard library."""
    import struct
    import zlib

    pages = [_read_ppm(p) for p in ppms]
    height = max(h for _, h, _ in pages)
    width = sum(w for w, _, _ in pages)
    rows = []
    for y in range(height):
        row = b""
        for w, h, px in pages:
            row += px[y * w * 3:(y + 1) * w * 3] if y < h else b"\xff" * (w * 3)
        rows.append(b"\x00" + row)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(out, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                 + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def save_report(work: str) -> None:
    from click.testing import CliRunner

    from perfxl.cli import cli

    docx = os.path.join(work, "report.docx")
    here = os.getcwd()
    os.chdir(ROOT)  # the report names the workbook as given: samples/2025.xlsx
    try:
        CliRunner().invoke(cli, ["report", "samples/2025.xlsx", "-o", docx])
    finally:
        os.chdir(here)
    if not os.path.exists(docx):
        sys.exit("perfxl report wrote no document")
    pdf = to_pdf(docx, work)
    stem = os.path.join(work, "report")
    subprocess.run(["pdftoppm", "-r", "84", "-f", "1", "-l", "2", pdf, stem], check=True)
    pages = sorted(os.path.join(work, f) for f in os.listdir(work) if f.startswith("report-") and f.endswith(".ppm"))
    side_by_side_png(pages, os.path.join(IMG, "report.png"))
    print("docs/img/report.png  (pages 1-2)")


def save_batch(work: str) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from perfxl.cli import cli

    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from bench_batch import make_units

    units = Path(work) / "各单位"
    units.mkdir()
    make_units(units, 26)
    roll = os.path.join(work, "汇总.xlsx")
    here = os.getcwd()
    os.chdir(work)  # the roll-up names the files as given: 各单位/…
    try:
        CliRunner().invoke(cli, ["batch", "各单位", "-o", roll, "-j", "1"])
    finally:
        os.chdir(here)
    if not os.path.exists(roll):
        sys.exit("perfxl batch wrote no roll-up")
    pdf = to_pdf(roll, work)
    save_page(pdf, first_page(page_texts(pdf), "总体情况", "颜色说明"), "batch.png", work)


def main() -> None:
    sys.path.insert(0, ROOT)
    from click.testing import CliRunner

    from perfxl.cli import cli
    from perfxl.workbook.template import write_template

    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (see README: LibreOffice)")
    os.makedirs(IMG, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfxl-render-") as work:
        sample = os.path.join(work, "2025.xlsx")
        shutil.copy(os.path.join(ROOT, "samples", "2025.xlsx"), sample)
        CliRunner().invoke(cli, ["check", sample, "--no-color"])
        pdf = to_pdf(os.path.join(work, "2025.perfxl.xlsx"), work)
        texts = page_texts(pdf)
        result = first_page(texts, "项目支出绩效自评结果")
        save_page(pdf, result, "result.png", work)
        save_page(pdf, first_page(texts, "各项目核算得分", after=result - 1), "result-chart.png", work)
        save_page(pdf, first_page(texts, "自评综述", "绩效自评综述"), "narrative.png", work)
        save_page(pdf, first_page(texts, "严重程度", "修改建议"), "findings.png", work)

        save_report(work)
        save_batch(work)

        init = os.path.join(work, "init.xlsx")
        write_template(init, projects=2, unit="某某区机关事务服务中心", year=2025)
        pdf = to_pdf(init, work)
        texts = page_texts(pdf)
        save_page(pdf, first_page(texts, "项目支出绩效自评结果汇总表"), "init-summary.png", work)
        save_page(pdf, first_page(texts, "年度资金总额", "三级指标", "下一步改进措施"), "init-project.png", work)


if __name__ == "__main__":
    main()
