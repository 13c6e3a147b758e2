"""Label normalisation and the contract's synonyms (docs/template.md §1, §2).

Labels are compared after normalising both sides, so a hand-made form with
full-width characters, line breaks, numbering or unit markers still matches.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRAILING_MARKER = re.compile(r"\(([^()]*)\)$")
_LEADING_NUMBERING = re.compile(
    r"^(?:[★☆*]+|指标\d+[:.、]|\d+[、.．]|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\))"
)
_UNIT_MARKERS = {"万元", "元", "人", "%", "A", "B", "B/A", "A/B", "个", "万元/元"}

DASHES = {"", "-", "—", "–", "一", "/", "无", "不适用", "--", "——", "\\"}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Normalised form used for matching (NFKC, no whitespace, no markers)."""
    s = re.sub(r"\s+", "", nfkc(text))
    s = s.rstrip(":")
    for _ in range(3):  # numbering and markers can stack: ``★1、``
        m = _LEADING_NUMBERING.match(s)
        if not m or m.end() == len(s):
            break
        s = s[m.end():]
    for _ in range(2):
        m = _TRAILING_MARKER.search(s)
        if not m or m.start() == 0:
            break
        inner = m.group(1)
        if inner in _UNIT_MARKERS or "分" in inner or inner.startswith("单位"):
            s = s[: m.start()].rstrip(":")
        else:
            break
    return s


def is_dash(value) -> bool:
    """Cells holding only a dash (or nothing) are empty wherever a value is expected."""
    if value is None:
        return True
    if isinstance(value, str):
        return re.sub(r"\s+", "", nfkc(value)) in DASHES
    return False


def marker_unit(text: str) -> str | None:
    """The money unit named by a trailing marker: ``年初预算数（元）`` -> 元."""
    s = re.sub(r"\s+", "", nfkc(text))
    m = re.search(r"\((万元|元)\)", s)
    return m.group(1) if m else None


def points_in_header(text: str) -> float | None:
    """A 得分 header naming its weight: ``得分（20分*执行率）`` -> 20."""
    m = re.search(r"\((\d+(?:\.\d+)?)分", re.sub(r"\s+", "", nfkc(text)))
    return float(m.group(1)) if m else None


def synonyms(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map every normalised spelling to its canonical label."""
    out: dict[str, str] = {}
    for canonical, alts in table.items():
        for name in (canonical, *alts):
            out.setdefault(normalize(name), canonical)
    return out


UNIT_LABELS = synonyms({
    "单位名称": ("部门名称", "部门(单位)名称", "单位(部门)名称", "预算单位名称"),
    "评价年度": ("年度", "自评年度"),
    "主管部门": (),
    "部门概况": ("单位职能", "职能职责", "单位概况"),
    "机构设置": (),
    "在编人员": ("核定在编人员", "编制内人员"),
    "退休人员": (),
    "劳动聘用人员": ("聘用人员",),
    "其他人员": (),
    "人员合计": (),
    "年初预算数": (),
    "年初结转和结余": (),
    "财政拨款收入": ("财政拨款决算收入",),
    "财政拨款支出": ("财政拨款决算支出",),
    "基本支出": (),
    "人员经费": (),
    "日常公用经费": ("公用经费",),
    "项目支出": (),
    "年末结转和结余": (),
    "预决算差异原因": ("决算与预算差异原因", "收支差异原因"),
    "总体绩效目标": (),
    "总体绩效目标完成情况": ("总体绩效目标实现情况", "总体目标完成情况", "总体目标实现情况"),
    "自评工作开展情况": ("自评的组织和方法", "自评组织和方法", "自评的组织工作", "自评工作情况"),
    "存在的问题": ("存在问题", "主要问题"),
    "改进措施": ("下一步改进措施",),
})
UNIT_MONEY = ("年初预算数", "年初结转和结余", "财政拨款收入", "财政拨款支出", "基本支出",
              "人员经费", "日常公用经费", "项目支出", "年末结转和结余")
UNIT_COUNTS = ("在编人员", "退休人员", "劳动聘用人员", "其他人员", "人员合计")
UNIT_TEXTS = ("部门概况", "机构设置", "预决算差异原因", "总体绩效目标", "总体绩效目标完成情况", "自评工作开展情况",
              "存在的问题", "改进措施")  # what a person writes in the Word report

PROJECT_LABELS = synonyms({
    "项目名称": (),
    "主管部门": (),
    "实施单位": (),
    "年度总体目标": (),
    "主要问题及原因": ("发现的主要问题及原因",),
    "下一步改进措施": ("改进措施",),
    "项目资金": (),
    "绩效指标": (),
})

FUNDING_COLUMNS = synonyms({
    "年初预算数": ("年初预算",),
    "全年预算数": ("调整预算数", "调整后预算数", "预算数"),
    "全年执行数": ("预算执行数", "执行数"),
    "分值": ("权重",),
    "执行率": ("预算执行率",),
    "得分": (),
})

FUNDING_ROWS = synonyms({
    "年度资金总额": ("资金总额", "年度财政资金总额", "总额"),
    "当年财政拨款": ("其中:当年财政拨款", "本年财政拨款", "财政拨款", "其中:财政拨款", "其中:本年财政拨款"),
    "上年结转资金": ("上年结转", "其中:上年结转资金"),
    "其他资金": ("其中:其他资金",),
})

INDICATOR_COLUMNS = synonyms({
    "一级指标": (),
    "二级指标": (),
    "三级指标": (),
    "年度指标值": ("年初目标值", "目标值", "指标值"),
    "实际完成值": ("全年实际值", "实际值", "完成值"),
    "分值": ("权重",),
    "得分": (),
    "偏差原因": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "未完成原因", "原因分析及改进措施"),
    "指标性质": (),
    "度量单位": ("计量单位",),
})

TOTAL_ROW = synonyms({"总分": ("合计", "总计", "合计(权重)")})

SUMMARY_COLUMNS = synonyms({
    "序号": (),
    "项目名称": (),
    "全年预算数": ("预算数", "调整后预算数"),
    "全年执行数": ("执行数", "预算执行数"),
    "执行率": ("预算执行率",),
    "自评得分": ("得分", "绩效自评得分"),
    "评价等级": ("等级", "自评等级"),
})
