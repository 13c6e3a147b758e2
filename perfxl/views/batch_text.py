"""The roll-up on the terminal (``perfxl batch`` without ``--format json``): a line per file
with errors or that could not be checked, the batch's own findings, the summary line, and what
``--write-each`` / ``--review`` wrote. Drawn from ``perfxl.rollup``, as the roll-up workbook is."""

from __future__ import annotations

from perfxl.rollup import FileRow, Totals

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SKIP_ZH = {"lock": "锁文件 ~$", "output": "perfxl 输出", "other": "非工作簿"}
SKIP_EN = {"lock": "~$ lock files", "output": "perfxl outputs", "other": "not spreadsheets"}
STATE_ZH = {"passed": "通过", "warnings": "有警告", "errors": "有错误", "unreadable": "无法读取",
            "timeout": "超时", "crashed": "进程异常退出", "internal": "内部错误", "duplicate": "重复（未计入）"}
STATE_EN = {"passed": "passed", "warnings": "warnings", "errors": "errors", "unreadable": "unreadable",
            "timeout": "timed out", "crashed": "worker crashed", "internal": "internal error",
            "duplicate": "duplicate (not counted)"}



def text_summary(t: Totals, lang: str = "zh") -> str:
    skipped = sum(t.skipped.values())
    if lang == "en":
        parts = ", ".join(f"{SKIP_EN[k]} {n}" for k, n in t.skipped.items() if n)
        line = (f"{t.files} files: {t.states.get('errors', 0)} with errors, {t.states.get('warnings', 0)} with "
                f"warnings only, {t.states.get('passed', 0)} clean, {t.failed} could not be checked"
                + (f", {t.duplicates} duplicates (not counted)" if t.duplicates else "") + f"; {t.projects} projects")
        return line + (f"; skipped {skipped} ({parts})" if skipped else "") + "."
    parts = "，".join(f"{SKIP_ZH[k]} {n} 个" for k, n in t.skipped.items() if n)
    line = (f"共 {t.files} 个工作簿：{t.states.get('errors', 0)} 个有错误，{t.states.get('warnings', 0)} 个只有警告，"
            f"{t.states.get('passed', 0)} 个无问题，{t.failed} 个无法检查"
            + (f"，{t.duplicates} 个重复（未计入）" if t.duplicates else "") + f"；共 {t.projects} 个项目")
    return line + (f"；跳过 {skipped} 个文件（{parts}）" if skipped else "") + "。"


def text_findings(t: Totals, lang: str = "zh") -> list[str]:
    """One line for each of the batch's own findings (B101, B102, B103): what, and what to do."""
    out = []
    for f in t.findings:
        message, hint = f.text(lang)
        if lang == "en":
            out.append(f"{f.severity} {f.code}: {message}: {hint}.")
        else:
            out.append(f"{SEVERITY_ZH[f.severity]} {f.code}：{message}：{hint}。")
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def text_line(row: FileRow, lang: str = "zh") -> str | None:
    """One line for a file with errors or that could not be checked; None for the others
    (files with warnings only are counted in the summary line and listed in the roll-up)."""
    state = row.state()
    if state in ("passed", "warnings", "duplicate"):  # a duplicate: the batch's B101 line names it
        return None
    if lang == "en":
        if not row.checked:
            return f"{row.shown}: {STATE_EN[state]}: {row.stop.line()}"
        return f"{row.shown}: {_count(row.errors, 'error')}, {_count(row.warnings, 'warning')}"
    if not row.checked:
        return f"{row.shown}：{STATE_ZH[state]}：{row.stop.line()}"
    return f"{row.shown}：{row.errors} 个错误，{row.warnings} 个警告"


def text_written(rows: list[FileRow], lang: str = "zh") -> str:
    """``--write-each``: how many result workbooks were written, and each one that was not, with why."""
    written = sum(1 for r in rows if r.written)
    missing = [r for r in rows if r.checked and not r.written and not r.duplicate_of]
    if lang == "en":
        lines = [f"Result workbooks written: {written}" + (f"; not written: {len(missing)}" if missing else ".")]
        lines += [f"  {r.shown}: {r.note or 'not written'}" for r in missing]
    else:
        lines = [f"已写入 {written} 个结果工作簿" + (f"，{len(missing)} 个未写入：" if missing else "。")]
        lines += [f"  {r.shown}：{r.note or '未写入'}" for r in missing]
    return "\n".join(lines)


def text_reviewed(rows: list[FileRow], t: Totals, lang: str = "zh") -> str:
    """``--review``: how many worksheets were written, the 复核预估 grades and P1 problems."""
    missing = [r for r in rows if r.checked and r.reviewed and not r.worksheet and not r.duplicate_of]
    grades = t.review_grades
    if lang == "en":
        lines = [f"Worksheets (复核底稿) written: {t.worksheets}; review estimate: "
                 + ", ".join(f"{g} {n}" for g, n in grades.items()) + f"; P1 problems: {t.p1}."]
    else:
        lines = [f"已写入 {t.worksheets} 个复核底稿；复核预估：" + "，".join(f"{g} {n} 个" for g, n in grades.items())
                 + f"；P1 问题 {t.p1} 条。"]
    lines += [f"  {r.shown}：{r.note or ''}" for r in missing]
    return "\n".join(lines)
