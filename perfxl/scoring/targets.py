"""Indicator values (TEMPLATE §3): what a target A and an actual value B mean, and the
score range the rules of §4 allow for a row.

A is read in order — none, deadline, quantitative, qualitative — and B with A's rules
(identity first). All spellings and words come from the profile, so a province can add
its own.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from perfxl.workbook.labels import DASHES

# -- display ---------------------------------------------------------------------------


def display_text(value, number_format: str = "General") -> str:
    """What Excel shows: a 0.98 formatted as a percentage is ``98%``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return _num_text(float(value) * 100) + "%"
        return _num_text(float(value))
    return str(value).strip()


def _num_text(v: float) -> str:
    text = f"{round(v, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- readings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    kind: str
    text: str
    direction: str | None = None
    number: float | None = None
    unit: str | None = None
    deadline: date | None = None
    upper: float | None = None
    percent: bool = False


@dataclass(frozen=True)
class IndicatorScore:
    low: float
    high: float
    status: str
    level: str | None
    actual: Reading | None
    detail: str


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_NUM = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _sorted(words) -> list[str]:
    return sorted(words, key=len, reverse=True)


def _comparison_prefix(text: str, profile) -> tuple[str | None, str]:
    pairs = [(w, d) for d, ws in profile.comparisons.items() for w in ws]
    for w, d in sorted(pairs, key=lambda p: -len(p[0])):
        w2 = _nfkc(w)
        if text.startswith(w2):
            return d, text[len(w2):]
    return None, text


def _comparison_suffix(text: str, profile) -> tuple[str | None, str]:
    pairs = [(w, d) for d, ws in profile.suffixes.items() for w in ws]
    for w, d in sorted(pairs, key=lambda p: -len(p[0])):
        if text.endswith(w):
            return d, text[: -len(w)]
    return None, text


def _unit_parts(profile) -> list[str]:
    return _sorted({_nfkc(u) for u in profile.units} | {_nfkc(k) for k in profile.unit_synonyms})


def _canonical_unit(unit: str, profile) -> tuple[str, float]:
    """(base unit, factor): ``万元`` -> (元, 10000); ``万人次`` -> (人次, 10000); compounds keep
    their parts joined by ``/``."""
    if unit in ("%", "‰"):
        return unit, 1.0
    parts = re.split(r"([/·*])", unit)
    out, factor = [], 1.0
    for i, part in enumerate(parts):
        if part in ("/", "·", "*"):
            out.append("/" if part == "/" else "·")
            continue
        f = 1.0
        base = part
        if i == 0:
            if base in ("万元",):
                base, f = "元", 1e4
            elif base in ("亿元",):
                base, f = "元", 1e8
            elif base.startswith("万") and len(base) > 1 and base[1:] in _unit_parts(profile):
                base, f = base[1:], 1e4
            elif base.startswith("亿") and len(base) > 1 and base[1:] in _unit_parts(profile):
                base, f = base[1:], 1e8
        base = profile.unit_synonyms.get(base, base)
        out.append(base)
        factor *= f
    return "".join(out), factor


def _match_unit(rest: str, profile) -> tuple[str | None, str]:
    """Longest unit (with optional 万/亿 prefix, compounds) at the start of ``rest``."""
    known = _unit_parts(profile)

    def one(s: str) -> str | None:
        for prefix in ("", "万", "亿"):
            if prefix and not s.startswith(prefix):
                continue
            body = s[len(prefix):]
            for u in known:
                if body.startswith(u):
                    return prefix + u
        return None

    first = one(rest)
    if first is None:
        return None, rest
    unit, i = first, len(first)
    while i < len(rest) and rest[i] in "/·*":
        nxt = one(rest[i + 1:])
        if nxt is None:
            break
        unit += rest[i] + nxt
        i += 1 + len(nxt)
    return unit, rest[i:]


_RATE_NAME = re.compile(r"^[^\d<>=≥≤≧≦]*?[率度数量](?=[<>=≥≤≧≦≤]|不|大|小|高|低|达|至|超|控|等|\d)")


def _parse_quantity(text: str, profile, *, allow_leading: tuple[str, ...] = ()) -> dict | None:
    """Comparison? number (range)? unit? suffix? completion? — or None."""
    s = text
    m = _RATE_NAME.match(s)
    if m:
        s = s[m.end():]
    for w in _sorted(allow_leading):
        if s.startswith(w) and len(s) > len(w) and (s[len(w)].isdigit() or s[len(w)] in "-+<>=≥≤≧≦不大小高低超控等至达"):
            s = s[len(w):]
            break
    direction, s = _comparison_prefix(s, profile)
    m = re.match(_NUM, s)
    if not m:
        return None
    number = _number(m.group(0))
    s = s[m.end():]
    upper = None
    r = re.match(r"^(?:%|％)?(?:-|～|~|至|到|—)(" + _NUM.lstrip("[-+]?") + ")", s)
    if r:
        upper = _number(r.group(1))
        s = s[r.end():]
        if direction is None:
            direction = "at_least"
    percent = False
    unit = None
    multiplier = 1.0
    if s.startswith("百分比"):
        unit, s, percent = "%", s[3:], True
    elif s.startswith("%") or s.startswith("％"):
        unit, s, percent = "%", s[1:], True
    elif s.startswith("‰"):
        unit, s = "‰", s[1:]
    else:
        u, rest = _match_unit(s, profile)
        if u is not None:
            unit, s = u, rest
        elif s[:1] in ("万", "亿"):
            multiplier = 1e4 if s[0] == "万" else 1e8
            s = s[1:]
    suffix, s = _comparison_suffix(s, profile)
    if suffix and direction is None:
        direction = suffix
    if s and percent:
        for w in _sorted(profile.words["completion"]):
            if s == w:
                s = ""
                break
    if s:
        return None
    base, factor = (unit, 1.0) if unit is None else _canonical_unit(unit, profile)
    return {"direction": direction, "number": number * multiplier * factor, "unit": base,
            "upper": upper * multiplier * factor if upper is not None else None, "percent": percent}


# -- deadlines -----------------------------------------------------------------------------

_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _parse_date(text: str, year: int | None, *, strict: bool = True) -> date | None:
    """A date or period end. ``strict``: nothing but the date (and 底/末/前) may be there."""
    s = text
    tail = r"(?:底|末)?(?:之前|以前|前)?" + ("" if strict else r".*")
    pats = [
        (r"^(\d{4})年(\d{1,2})月(\d{1,2})日" + tail + "$", "ymd"),
        (r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + tail + "$", "ymd"),
        (r"^(\d{4})年(\d{1,2})月(?:份)?" + tail + "$", "ym"),
        (r"^(\d{4})[-/.](\d{1,2})" + tail + "$", "ym"),
        (r"^(\d{1,2})月(\d{1,2})日" + tail + "$", "md"),
        (r"^(\d{1,2})月(?:份)?" + tail + "$", "m"),
        (r"^(\d{4})年(?:度)?(?:底|末|内)?(?:之前|以前|前)?" + ("" if strict else r".*") + "$", "y"),
        (r"^(?:(\d{4})年)?(?:第)?([一二三四1-4])季度(?:末|底)?(?:之前|以前|前)?" + ("" if strict else r".*") + "$", "q"),
        (r"^(?:年底|年末|年内|年度内|本年度内|当年|年底前|年末前)(?:之前|以前|前|完成)?" + ("" if strict else r".*") + "$", "eoy"),
    ]
    for pat, kind in pats:
        m = re.match(pat, s)
        if not m:
            continue
        try:
            if kind == "ymd":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if kind == "ym":
                return _month_end(int(m.group(1)), int(m.group(2)))
            if kind == "md":
                return date(year or 2000, int(m.group(1)), int(m.group(2))) if year else date(1900, int(m.group(1)), int(m.group(2)))
            if kind == "m":
                return _month_end(year or 1900, int(m.group(1)))
            if kind == "y":
                y = int(m.group(1))
                return date(y, 12, 31) if 1900 < y < 2200 else None
            if kind == "q":
                y = int(m.group(1)) if m.group(1) else (year or 1900)
                return _month_end(y, 3 * _CN_Q[m.group(2)])
            if kind == "eoy":
                return date(year or 1900, 12, 31)
        except ValueError:
            return None
    return None


# -- reading A ----------------------------------------------------------------------------------


def _is_dash(text: str) -> bool:
    return text in {_nfkc(d) for d in DASHES}


def read_target(value, *, number_format: str = "General", year: int | None = None, level1: str = "",
                level2: str = "", name: str = "", profile) -> Reading:
    shown = display_text(value, number_format)
    s = _nfkc(shown)
    if value is None or _is_dash(s):
        return Reading("none", shown)
    if isinstance(value, (datetime, date)):
        d = value.date() if isinstance(value, datetime) else value
        return Reading("deadline", shown, deadline=d)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        q = {"direction": None, "number": float(value) * (100 if "%" in number_format else 1),
             "unit": "%" if "%" in number_format else None, "upper": None, "percent": "%" in number_format}
    else:
        d = _parse_date(s, year)
        if d is not None:
            return Reading("deadline", shown, deadline=d)
        q = _parse_quantity(s, profile)
    if q is None:
        return Reading("qualitative", shown)
    direction, unit = q["direction"], q["unit"]
    number = q["number"]
    if direction is None:
        placeholder = _placeholder(name, profile)
        if placeholder is not None:
            direction = placeholder[0]
            if unit is None and placeholder[1]:
                base, factor = _canonical_unit(placeholder[1], profile) if placeholder[1] not in ("%",) else ("%", 1.0)
                unit, number = base, number * factor
                q["percent"] = base == "%"
        else:
            direction = _default_direction(number, unit, level1, level2, profile)
    return Reading("quantitative", shown, direction, number, unit, None, q["upper"], q["percent"])


def _placeholder(name: str, profile) -> tuple[str, str | None] | None:
    """``公猪舍（≥**平方米）``: the name gives the direction and unit of a bare number."""
    s = _nfkc(name or "")
    m = re.search(r"\(([^()]*?)(?:\*+|×+|x+|X+|_+|…+|\.{2,}|※+)([^()]*)\)", s)
    if not m:
        return None
    direction, _ = _comparison_prefix(m.group(1), profile)
    if direction is None:
        direction, _ = _comparison_suffix(m.group(2), profile)
    if direction is None:
        return None
    u = m.group(2)
    if u in ("%", "百分比"):
        return direction, "%"
    unit, rest = _match_unit(u, profile)
    return direction, unit


def _default_direction(number: float, unit: str | None, level1: str, level2: str, profile) -> str:
    if number == 0:
        return "at_most"
    l1, l2 = _nfkc(level1), _nfkc(level2)
    if "成本" in l1 or "成本" in l2:
        return "at_most"
    if "时效" in l2 and unit and unit in {profile.unit_synonyms.get(u, u) for u in profile.duration_units}:
        return "at_most"
    return "at_least"


# -- reading B and scoring ------------------------------------------------------------------------


def _level(text: str, profile) -> str | None:
    """The qualitative level of B; not met wins over partly, partly over met."""
    s = _nfkc(text)
    if s == "是":
        return "met"
    if s == "否":
        return "not_met"
    w = profile.words
    harm = [h for h in w["harm"] if h in s]
    if harm:
        absent = any(a + "" in s and s.find(a) < s.find(harm[0]) for a in w["harm_absent"] if a in s)
        if absent and not re.search(r"发生\d+", s):
            return "met"
        if re.search(r"\d+(?:起|次|件|例)", s) and not re.search(r"(?:^|[^\d])0(?:起|次|件|例)", s):
            return "not_met"
    if any(x in s for x in w["not_met"]):
        return "not_met"
    if any(x in s for x in w["partly"]):
        return "partly"
    for met in _sorted(w["met"]):
        for m in re.finditer(re.escape(met), s):
            before = s[: m.start()]
            if any(before.endswith(n) for n in w["negations"]):
                return "not_met"
            if before.endswith("部分"):
                return "partly"
    if any(x in s for x in w["met"]):
        return "met"
    return None


def _band(level: str, weight: float, profile) -> tuple[float, float]:
    lo, hi = profile.bands[level]
    return round(weight * lo, 6), round(weight * hi, 6)


_LEVEL_ZH = {"met": "达成", "partly": "部分达成", "not_met": "未达成"}


def _qualitative(actual_text: str, weight: float, profile, prefix: str) -> IndicatorScore:
    level = _level(actual_text, profile)
    if level is None:
        return IndicatorScore(0.0, weight, "unverifiable", None, Reading("qualitative", actual_text),
                              f"{prefix}“{actual_text}”看不出达成程度")
    lo, hi = _band(level, weight, profile)
    return IndicatorScore(lo, hi, "ok", level, Reading("qualitative", actual_text),
                          f"{prefix}“{actual_text}”为{_LEVEL_ZH[level]}，得分应在{_num_text(lo)}至{_num_text(hi)}之间")


def _read_actual_number(target: Reading, value, number_format: str, profile) -> tuple[float | None, str]:
    """B as a number in A's unit; status ok | unit_mismatch | not_number."""
    if isinstance(value, bool):
        return None, "not_number"
    if isinstance(value, (int, float)):
        b = float(value)
        if target.unit == "%":
            if "%" in (number_format or "") or (b <= 1 and (target.number or 0) >= 2):
                b *= 100
        return b, "ok"
    s = _nfkc(display_text(value, number_format))
    if s in profile.words["zero"] or s in ("无", "零"):
        return 0.0, "ok"
    q = _parse_quantity(s, profile, allow_leading=tuple(profile.words["actual_leading"]))
    if q is None:
        return None, "not_number"
    b, unit = q["number"], q["unit"]
    if unit is None:
        if target.unit == "%" and b <= 1 and (target.number or 0) >= 2 and not q["percent"]:
            b *= 100
        return b, "ok"
    if unit == target.unit:
        return b, "ok"
    if target.unit is None:
        return b, "ok"
    return None, "unit_mismatch"


def score_indicator(target: Reading, actual_value, *, actual_number_format: str = "General", weight: float,
                    profile, year: int | None = None) -> IndicatorScore:
    weight = float(weight)
    shown = display_text(actual_value, actual_number_format)
    b_text = _nfkc(shown)
    if target.kind == "none":
        return IndicatorScore(0.0, weight, "no_target", None, None, "没有年度指标值")
    if b_text and b_text == _nfkc(target.text):
        level = "met" if target.kind in ("qualitative", "deadline") else None
        return IndicatorScore(weight, weight, "ok", level, target, "实际完成值与目标一致，应得满分")
    zero = target.kind == "quantitative" and b_text in profile.words["zero"]  # 无/零 under a number mean 0
    if actual_value is None or (_is_dash(b_text) and not zero):
        if target.kind == "quantitative":
            return IndicatorScore(0.0, weight, "not_number", None, None, "实际完成值为空")
        return IndicatorScore(0.0, weight, "unverifiable", None, None, "实际完成值为空")
    if target.kind == "deadline":
        return _deadline(target, actual_value, b_text, weight, profile, year, shown)
    if target.kind == "qualitative":
        return _qualitative(shown, weight, profile, "实际完成值")
    b, status = _read_actual_number(target, actual_value, actual_number_format, profile)
    unit = target.unit or ""
    unit_shown = "%" if unit == "%" else unit
    if status == "unit_mismatch":
        return IndicatorScore(0.0, weight, "unit_mismatch", None, None, f"单位与目标“{target.text}”不同")
    if b is None:
        return IndicatorScore(0.0, weight, "not_number", None, None, f"“{shown}”不是数字")
    a = target.number or 0.0
    d = target.direction or "at_least"
    if d in ("at_least", "more_than"):
        if a == 0:
            ok = b > 0 if d == "more_than" else b >= 0
            s = weight if ok else 0.0
        elif b < 0:
            s = 0.0
        else:
            s = weight * min(b / a, 1.0)
    elif d in ("at_most", "less_than"):
        if b <= a or b == 0:
            s = weight
        elif b <= 0 or a <= 0:
            s = 0.0
        else:
            s = weight * a / b
    else:
        if b == a:
            s = weight
        elif a == 0 or b == 0:
            s = 0.0
        else:
            s = weight * min(abs(a), abs(b)) / max(abs(a), abs(b))
    s = round(s, 6)
    reading = Reading("quantitative", shown, d, b, target.unit, None, None, unit == "%")
    detail = f"实际完成值{_num_text(b)}{unit_shown}，按规则应得{_num_text(round(s, 2))}"
    return IndicatorScore(s, s, "ok", None, reading, detail)


def _deadline(target: Reading, value, b_text: str, weight: float, profile, year, shown) -> IndicatorScore:
    w = profile.words
    if isinstance(value, (datetime, date)):
        d = value.date() if isinstance(value, datetime) else value
    else:
        d = _parse_date(b_text, target.deadline.year if target.deadline else year, strict=False)
    if d is not None and target.deadline is not None:
        a = target.deadline
        if a.year == 1900:  # no year in A and no evaluation year: compare month and day
            a = a.replace(year=d.year)
        if any(x in b_text for x in w["deadline_not_met"]) or any(x in b_text for x in w["not_met"]):
            met = False
        else:
            met = d <= a
        if met:
            return IndicatorScore(weight, weight, "ok", "met", Reading("deadline", shown, deadline=d),
                                  f"实际完成时间{d:%Y年%m月%d日}不晚于目标，应得满分")
        lo, hi = _band("not_met", weight, profile)
        return IndicatorScore(lo, hi, "ok", "not_met", Reading("deadline", shown, deadline=d),
                              f"实际完成时间晚于目标，得分应在{_num_text(lo)}至{_num_text(hi)}之间")
    if any(x in b_text for x in w["deadline_not_met"]):
        lo, hi = _band("not_met", weight, profile)
        return IndicatorScore(lo, hi, "ok", "not_met", Reading("deadline", shown),
                              f"实际完成值“{shown}”为未按时完成，得分应在{_num_text(lo)}至{_num_text(hi)}之间")
    if any(x in b_text for x in w["deadline_met"]):
        return IndicatorScore(weight, weight, "ok", "met", Reading("deadline", shown), "按时完成，应得满分")
    return _qualitative(shown, weight, profile, "实际完成值")
