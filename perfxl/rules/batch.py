"""B: what only a batch of workbooks shows (``perfxl batch``), not any one of them — the same
workbook handed in twice, and units of another evaluation year mixed in. These findings belong
to the roll-up, not to a cell: they name the files."""

from __future__ import annotations

from collections import Counter

from perfxl.model import Finding, Rule, declare, finding

DECLARED = declare(
    Rule("B101", "warning", "重复的工作簿",
         "两个文件内容完全相同（常见于同一工作簿复制、改名后又交了一次）。汇总只计入其中一个，"
         "否则该单位的项目、金额、等级和问题会被算两次；重复的文件仍列在单位汇总中，标为“重复”。"
         "只比较读取成功的工作簿：无法读取的文件（即使内容相同）各自列为“无法检查”。",
         "“{duplicate}”与“{original}”内容完全相同，汇总只计入“{original}”",
         "核实是否重复报送：删除多余的一份，或换成应报送的那个单位的工作簿后重新汇总",
         "乙单位.xlsx 与 乙单位（修改）.xlsx 是同一个文件", "每个单位一个工作簿",
         en=("Duplicate workbook",
             "“{duplicate}” is identical to “{original}”; the roll-up counts “{original}” only",
             "Check whether it was sent twice: remove the extra copy, or put the workbook that belongs "
             "there in its place, then run again")),
    Rule("B102", "warning", "评价年度不一致",
         "一次汇总的工作簿通常属于同一评价年度；混入其他年度（例如上年的文件留在了文件夹里）会使"
         "合计金额、执行率和评优率失真。以工作簿最多的年度为准（数量相同时取较晚的年度），列出其他年度的文件；"
         "没有评价年度的工作簿不在此列。",
         "评价年度不一致：{count} 个工作簿为 {year} 年度，而{odd}不是",
         "核实这些工作簿的评价年度：填错的改正，不属于本次汇总的移出后重新汇总",
         "2025 年度汇总中混有 2024 年度的工作簿", "各工作簿的评价年度相同",
         en=("Evaluation years differ",
             "Evaluation years differ: {count} workbooks are for {year}, but not {odd_en}",
             "Check their evaluation year: correct a wrong one, or move workbooks of another year out "
             "and run again")),
)


def duplicate_findings(duplicates: dict[str, str]) -> list[Finding]:
    """B101 for each file that repeats an earlier one (``{duplicate: original}``)."""
    return [finding("B101", None, None, duplicate=dup, original=first) for dup, first in duplicates.items()]


def year_findings(years: dict[str, int | None]) -> list[Finding]:
    """B102 when the files (``{file: 评价年度}``) are of more than one year: the year most files
    have (the later one on a tie) is the batch's; the others are named with their year."""
    counts = Counter(y for y in years.values() if y is not None)
    if len(counts) < 2:
        return []
    year, count = max(counts.items(), key=lambda yc: (yc[1], yc[0]))
    odd = [(f, y) for f, y in years.items() if y is not None and y != year]
    return [finding("B102", None, None, year=year, count=count,
                    odd=tuple(f"“{f}”（{y}）" for f, y in odd), odd_en=tuple(f"“{f}” ({y})" for f, y in odd),
                    files=tuple(f for f, _ in odd))]
