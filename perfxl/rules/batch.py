"""B: what only a batch of workbooks shows (``perfxl batch``), not any one of them — the same
workbook handed in twice (B101), units of another evaluation year mixed in (B102), and one unit
handed in as several different workbooks (B103). These findings belong
to the roll-up, not to a cell: they name the files."""

from __future__ import annotations

import re
from collections import Counter

from perfxl.excel.labels import nfkc

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
    Rule("B103", "warning", "同一单位有多个工作簿",
         "同一单位（单位名称相同）、同一评价年度的几个工作簿内容并不完全相同（另存、修改后又交了一份）。"
         "perfxl 无法判断哪一份是应报送的，全部计入汇总，该单位的项目、金额、等级和问题因此被算了不止一次；"
         "在总览和单位汇总的说明中列出这些文件。单位名称比较时不计空格、全角半角之差和英文字母大小写；"
         "单位名称为空的工作簿不比较；内容完全相同的文件见 B101。",
         "{names}都是“{unit}”{year_zh}的工作簿，内容不同，汇总都已计入（该单位被计算了 {count} 次）",
         "核实哪一份是应报送的：把其他版本移出后重新汇总（内容不同，perfxl 无法判断哪一份正确）",
         "A单位.xlsx 与 A单位（修改稿）.xlsx 都是 A单位 2025 年度的自评表", "每个单位每个年度一个工作簿",
         en=("Several workbooks of one unit",
             "{names} are all workbooks of “{unit}”{year_en} with different contents; the roll-up counts "
             "every one of them (this unit {count} times over)",
             "Check which one should be handed in: move the other versions out and run again (they differ, "
             "perfxl cannot tell which one is right)")),
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


def _unit_key(name) -> str:
    """The unit name as compared: no whitespace, full-width and half-width forms and the case of
    Latin letters alike (``XYZ中心`` and ``xyz中心`` are one unit's name typed twice)."""
    return re.sub(r"\s+", "", nfkc(str(name or ""))).casefold()


def same_unit_findings(units: dict[str, tuple[str | None, int | None]]) -> list[Finding]:
    """B103 for each unit (same name, same 评价年度; a missing year matches a missing year) that
    more than one of the counted files (``{file: (单位名称, 评价年度)}``) belongs to. A file with
    no unit name is never paired."""
    groups: dict[tuple[str, object], list[tuple[str, str]]] = {}
    for file, (name, year) in units.items():
        key = _unit_key(name)
        if key:
            groups.setdefault((key, year), []).append((file, str(name).strip()))
    out = []
    for (_key, year), members in groups.items():
        if len(members) < 2:
            continue
        members.sort()  # rows arrive in completion order: the message is the same on every run
        files = tuple(f for f, _ in members)
        spelling = Counter(n for _, n in members).most_common(1)[0][0]  # a tie: the first file's
        out.append(finding("B103", None, None, unit=spelling, year=year, count=len(files), files=files,
                           names=tuple(f"“{f}”" for f in files),
                           year_zh=f"{year} 年度" if year is not None else "（未填评价年度）",
                           year_en=f" for {year}" if year is not None else " (no evaluation year)"))
    return out
