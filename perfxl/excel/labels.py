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


_CODE = re.compile(r"^\s*([0-9A-Za-z]*[0-9][0-9A-Za-z]*)\s*[-－—_]\s*(?=\D)(.+)$", re.S)


def split_code(text: str) -> tuple[str | None, str]:
    """A name with a system code in front: ``219-某某区人民政府`` -> (219, 某某区人民政府);
    ``2025-2026年度…`` and ``2025-办公楼维修`` keep their years."""
    s = text.strip()
    m = _CODE.match(s)
    if m and len(m.group(1)) >= 3 and m.group(2).strip() and not re.fullmatch(r"(19|20)\d\d", m.group(1)):
        return m.group(1), m.group(2).strip()
    return None, s


GRADES = {"优": "优", "良": "良", "中": "中", "差": "差", "优秀": "优", "良好": "良", "中等": "中", "较差": "差"}


def grade_word(value) -> str | None:
    """A grade as typed (``优``, ``优秀``, ``良好``, ``评价等级：优``) as 优/良/中/差, else None."""
    if not isinstance(value, str):
        return None
    s = re.sub(r"\s+", "", nfkc(value))
    for prefix in ("评价等级", "自评等级", "等级"):
        s = s.removeprefix(prefix)
    return GRADES.get(s.lstrip(":"))


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
    "项目名称": ("专项名称", "项目(专项)名称"),
    "主管部门": (),
    "实施单位": (),
    "年度总体目标": (),
    "主要问题及原因": ("发现的主要问题及原因", "偏差大或目标未完成原因分析", "存在问题", "存在的问题"),
    "下一步改进措施": ("改进措施", "改进措施及结果应用方案"),
    "项目资金": (),
    "绩效指标": (),
})

# A whole-unit (部门整体) table names its unit where a project form names its project (§2.5).
WHOLE_UNIT_LABELS = synonyms({
    "单位名称": ("部门", "部门名称", "一级预算单位名称", "预算单位名称", "部门(单位)名称", "单位(部门)名称"),
})
WHOLE_UNIT_TITLES = ("部门整体支出绩效自评表", "部门整体支出绩效评价", "整体支出绩效自评表", "部门整体绩效自评表")

FUNDING_COLUMNS = synonyms({
    "年初预算数": ("年初预算",),
    "全年预算数": ("调整预算数", "调整后预算数", "预算数", "全年预算", "年度预算数"),
    "全年执行数": ("预算执行数", "执行数", "全年执行", "实际执行数"),
    "分值": ("权重",),
    "执行率": ("预算执行率",),
    "得分": (),
    "偏差原因": ("原因", "偏差原因", "未完成原因", "偏差原因分析"),
})

FUNDING_ROWS = synonyms({
    "年度资金总额": ("资金总额", "年度财政资金总额", "总额", "年度总预算", "年度预算总额"),
    "当年财政拨款": ("其中:当年财政拨款", "本年财政拨款", "财政拨款", "其中:财政拨款", "其中:本年财政拨款",
                     "财政资金", "其中:财政资金"),
    "上年结转资金": ("上年结转", "其中:上年结转资金"),
    "其他资金": ("其中:其他资金",),
    "财政专户管理资金": ("其中:财政专户管理资金",),
    "单位资金": ("其中:单位资金", "单位自有资金"),
    "基本支出": ("其中:基本支出",),  # a whole-unit table's funding (§2.5)
    "项目支出": ("其中:项目支出",),
})
FUNDING_PARTS = ("当年财政拨款", "上年结转资金", "其他资金", "财政专户管理资金", "单位资金")
WHOLE_UNIT_PARTS = ("基本支出", "项目支出")  # the other split of a whole-unit total

# Funding written as label-value pairs (``预算数：50``, ``执行数：48``, §2.4).
FUNDING_PAIRS = synonyms({
    "全年预算数": ("预算数", "调整后预算数", "全年预算", "年度预算数", "预算金额"),
    "全年执行数": ("执行数", "预算执行数", "实际执行数", "执行金额", "实际支出数"),
    "执行率": ("预算执行率",),
    "分值": ("权重",),
    "得分": ("预算执行得分",),
})
# The header of a 资金来源 table: its 合计 row is the funding total.
FUNDING_SOURCES = {normalize(x) for x in ("资金来源", "资金来源构成", "资金构成", "资金性质")}
EXECUTION_ROW = {normalize(x) for x in ("预算执行", "预算执行率", "资金执行", "资金执行率", "预算执行情况",
                                         "预算资金执行率", "预算执行指标")}

INDICATOR_COLUMNS = synonyms({
    "一级指标": (),
    "二级指标": (),
    "三级指标": (),
    "年度指标值": ("年初目标值", "目标值", "指标值", "预期指标值", "年度目标值"),
    "实际完成值": ("全年实际值", "实际值", "完成值", "单项指标实际完成值", "实际完成指标值", "自评完成值"),
    "分值": ("权重", "权重占比", "指标分值", "指标权重"),
    "得分": ("自评得分",),
    "偏差原因": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "未完成原因", "原因分析及改进措施"),
    "指标性质": (),
    "度量单位": ("计量单位",),
    # a score group (§2.4): 单项指标得分 (out of 100) beside 单项指标折算得分 (the 得分)
    "单项指标得分": (),
    "折算得分": ("单项指标折算得分",),
    # a reviewer's columns beside the self-evaluation's (§2.4): read and shown, not checked
    "复核完成值": ("复核实际完成值", "复核值"),
    "复核得分": ("复核评分",),
    # a whole-unit rubric (§2.5)
    "评分标准": ("评分标准及说明", "评分办法", "评分规则", "计分方法"),
    "指标解释": ("指标说明", "指标内涵"),
    "备注": ("说明",),  # a worksheet's remarks: the reason where the table has no reason column
})

# Group headers of a two-row header (§2.4): the merged cell above names what its parts mean.
HEADER_GROUPS = synonyms({
    "年度指标值": ("年初目标值", "目标值", "指标值", "预期指标值", "年度目标值"),
    "得分": ("自评得分",),
    "自评": ("自评情况", "自评结果", "单位自评", "自评值"),
    "复核": ("复核情况", "复核结果", "复核评价", "财政复核", "主管部门复核", "复核意见"),
})
GROUP_PARTS = {
    "年度指标值": synonyms({"指标性质": ("符号", "性质"), "年度指标值": ("指标值", "值", "目标值", "数值"),
                        "度量单位": ("计量单位", "单位")}),
    "得分": synonyms({"单项指标得分": (), "折算得分": ("单项指标折算得分",), "分值": ("权重占比", "权重", "指标分值"),
                    "得分": ()}),
    "自评": synonyms({"实际完成值": ("完成值", "实际值", "全年实际值"), "得分": ("自评得分",)}),
    "复核": synonyms({"复核完成值": ("完成值", "实际值", "实际完成值", "全年实际值"), "复核得分": ("得分",)}),
}

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
