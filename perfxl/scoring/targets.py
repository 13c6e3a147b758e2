"""Indicator values (docs/template.md §3): what a target A and an actual value B mean, and the
score range the rules of §4 allow for a row.

A is read in order — none, deadline, quantitative, qualitative — and B with A's rules
(identity first). All spellings and words come from the profile, so a province can add
its own. Texts are compared after NFKC with all whitespace removed, so full-width digits,
``％``, ``＝`` and ``㎡`` need no words of their own.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from functools import lru_cache

from perfxl.excel.labels import DASHES
from perfxl.excel.numbers import EXCEL_MAX, quantize_half_up
from perfxl.excel.reasons import Reason
from perfxl.excel import show
from perfxl.excel.show import display_text  # noqa: F401 (what a cell shows; imported from here by rules and views)

# -- display ---------------------------------------------------------------------------


def _num_text(v: float) -> str:
    return show.exact(v)


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One value read: kind, and for a number its direction, base-unit number and unit."""
    kind: str                    # 'none' | 'deadline' | 'quantitative' | 'qualitative'
    text: str                    # as displayed
    direction: str | None = None
    number: float | None = None  # base unit; percentages as percent numbers (95.0 for 95%)
    unit: str | None = None      # '%', '‰', '平方米', '元', '元/人·月', None
    deadline: date | None = None
    upper: float | None = None   # upper end of a range, informative
    percent: bool = False        # unit is '%'
    scale: float = 1.0           # A: what its unit as written holds of the base unit (万人次, 万元, 万: 10000)
    stated: bool = False         # the direction is written (a comparison word), not inferred from a bare number


@dataclass(frozen=True)
class IndicatorScore:
    low: float
    high: float
    status: str                  # 'ok' | 'no_target' | 'unverifiable' | 'unit_mismatch' | 'not_number'
    level: str | None            # 'met' | 'partly' | 'not_met' for qualitative and deadline rows
    actual: Reading | None
    detail: Reason               # why the range is what it is


# -- text helpers ------------------------------------------------------------------------


def _norm(text: str) -> str:
    """NFKC, all whitespace removed: the form every comparison uses."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


_DASHES = {_norm(d) for d in DASHES}


def _is_dash(text: str) -> bool:
    return _norm(text) in _DASHES


def _longest_first(words) -> list[str]:
    """Normalised words, longest first, so ``及以上`` is tried before ``以上``."""
    return _longest_first_cached(tuple(words))


@lru_cache(maxsize=512)
def _longest_first_cached(words: tuple[str, ...]) -> list[str]:
    return sorted({_norm(w) for w in words if _norm(w)}, key=len, reverse=True)


@lru_cache(maxsize=64)
def _prefix_table(items: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return sorted(((_norm(w), d) for w, d in items if _norm(w)), key=lambda p: -len(p[0]))


def _pairs(table: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((w, d) for d, ws in table.items() for w in ws)


def _strip_prefix(text: str, table: dict[str, list[str]]) -> tuple[str | None, str]:
    for w, d in _prefix_table(_pairs(table)):
        if text.startswith(w):
            return d, text[len(w):]
    return None, text


def _strip_suffix(text: str, table: dict[str, list[str]]) -> tuple[str | None, str]:
    for w, d in _prefix_table(_pairs(table)):
        if text.endswith(w):
            return d, text[: -len(w)]
    return None, text


def _clean(x: float) -> float:
    """Drop float noise from unit conversions (0.07 * 100 = 7.000000000000001)."""
    if not math.isfinite(x):
        return x
    with localcontext() as ctx:
        ctx.prec = 800  # 1e308 keeps its digits
        return float(round(Decimal(repr(x)), 9))


# -- numbers and units ---------------------------------------------------------------------

_NUM = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?|[-+]?\.\d+")
_SEPARATORS = "/·*"


@dataclass
class _Quantity:
    direction: str | None
    number: float
    unit: str | None
    upper: float | None
    scale: float = 1.0  # the written unit's prefix and multiplier (``1.5万人次``: 10000), 1 for none


def _to_number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit_words(profile) -> list[str]:
    return _longest_first([*profile.units, *profile.unit_synonyms])


def _one_unit(text: str, profile) -> str | None:
    """The longest known unit at the start of ``text``, with an optional 万/亿 prefix."""
    known = _unit_words(profile)
    for u in known:
        if text.startswith(u):
            return u
    for m in _longest_first(profile.multipliers):
        if text.startswith(m):
            body = text[len(m):]
            for u in known:
                if body.startswith(u):
                    return m + u
    return None


def _match_unit(rest: str, profile) -> tuple[str | None, str]:
    """A unit at the start of ``rest``, compounds joined by ``/``, ``·``, ``*`` included."""
    first = _one_unit(rest, profile)
    if first is None:
        return None, rest
    unit, i = first, len(first)
    while i < len(rest) and rest[i] in _SEPARATORS:
        nxt = _one_unit(rest[i + 1:], profile)
        if nxt is None:
            break
        unit += rest[i] + nxt
        i += 1 + len(nxt)
    return unit, rest[i:]


def canonical_unit(unit: str | None, profile) -> tuple[str | None, float]:
    """(base unit, factor): ``万元`` -> (元, 10000); ``万人次`` -> (人次, 10000); ``㎡`` -> 平方米.

    In a compound the first joint reads as "per" (``/``) and later joints as ``·``, so
    ``元/人*月``, ``元/人/月`` and ``元/人·月`` are the same unit.
    """
    if unit is None:
        return None, 1.0
    if unit in ("%", "‰"):
        return unit, 1.0
    parts = re.split(r"[/·*]", unit)
    factor = 1.0
    base_parts = []
    for i, part in enumerate(parts):
        if part not in _unit_words(profile):
            for m in _longest_first(profile.multipliers):
                if part.startswith(m) and part[len(m):] in _unit_words(profile):
                    if i == 0:
                        factor *= profile.multipliers[m]
                    else:
                        factor /= profile.multipliers[m]
                    part = part[len(m):]
                    break
        if part in ("万元", "亿元"):
            f = profile.multipliers.get(part[0], 1.0)
            factor = factor * f if i == 0 else factor / f
            part = "元"
        base_parts.append(profile.unit_synonyms.get(part, part))
    base = base_parts[0]
    if len(base_parts) > 1:
        base += "/" + "·".join(base_parts[1:])
    return base, factor


def _strip_rate_name(s: str, profile) -> str:
    """``满意度≥90%`` -> ``≥90%``: a leading name ending in 率/度/数/量 before the comparison
    or number is ignored."""
    for i, ch in enumerate(s):
        if ch.isdigit():
            break
        if ch in "率度数量" and i + 1 < len(s):
            rest = s[i + 1:]
            if _starts_number_or_comparison(rest, profile):
                return rest
    return s


def _starts_number_or_comparison(s: str, profile) -> bool:
    if _NUM.match(s):
        return True
    direction, rest = _strip_prefix(s, profile.comparisons)
    return direction is not None and bool(_NUM.match(rest))


def _strip_leading_words(s: str, profile) -> str:
    """B only: ``约``, ``累计``, ``实际完成`` … before the number are ignored."""
    words = _longest_first(profile.words.get("actual_leading", []))
    rest = s
    while True:
        word = next((w for w in words if rest.startswith(w) and len(rest) > len(w)), None)
        if word is None:
            break
        rest = rest[len(word):]
    return rest if _starts_number_or_comparison(rest, profile) else s


def parse_quantity(text: str, profile, *, actual: bool = False) -> _Quantity | None:
    """Comparison? number (range)? unit? suffix? completion word? — nothing else; or None."""
    s = _norm(text)
    for mark in _longest_first(profile.inclusive_marks):
        s = s.removesuffix(mark)
    s = _strip_rate_name(s, profile)
    if actual:
        s = _strip_leading_words(s, profile)
    direction, s = _strip_prefix(s, profile.comparisons)
    m = _NUM.match(s)
    if not m:
        return None
    number = _to_number(m.group(0))
    s = s[m.end():]
    upper, s, percent_before_range = _range_end(s, profile)
    if upper is not None and direction is None:
        direction = "at_least"
    unit, s, multiplier = _unit_of(s, profile)
    if percent_before_range and unit is None:
        unit = "%"
    suffix, s = _strip_suffix(s, profile.suffixes)
    if suffix and direction is None:
        direction = suffix
    if s and unit == "%" and s in _longest_first(profile.words.get("completion", [])):
        s = ""
    if s:
        return None
    base, factor = canonical_unit(unit, profile)
    factor *= multiplier
    return _Quantity(direction, _clean(number * factor), base,
                     _clean(upper * factor) if upper is not None else None, factor)


def _range_end(s: str, profile) -> tuple[float | None, str, bool]:
    """``-100%`` after ``90%``: the upper end of a range ``a-b``, ``a～b``, ``a至b``."""
    percent = False
    rest = s
    for p in _longest_first(profile.percent_marks):
        if rest.startswith(p):
            rest, percent = rest[len(p):], True
            break
    for sep in _longest_first(profile.range_marks):
        if rest.startswith(sep):
            m = re.match(r"\d+(?:,\d{3})*(?:\.\d+)?", rest[len(sep):])
            if m:
                return _to_number(m.group(0)), rest[len(sep) + m.end():], percent
    return None, s, False


def _unit_of(s: str, profile) -> tuple[str | None, str, float]:
    """(unit, rest, multiplier). ``万`` with no unit after it is a multiplier."""
    for p in _longest_first(profile.percent_marks):
        if s.startswith(p):
            return "%", s[len(p):], 1.0
    for p in _longest_first(profile.per_mille_marks):
        if s.startswith(p):
            return "‰", s[len(p):], 1.0
    unit, rest = _match_unit(s, profile)
    if unit is not None:
        return unit, rest, 1.0
    for m in _longest_first(profile.multipliers):
        if s.startswith(m):
            return None, s[len(m):], profile.multipliers[m]
    return None, s, 1.0


# -- deadlines -------------------------------------------------------------------------------

_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_TAIL = r"(?:底|末|内)?(?:之前|以前|前)?"
_LEAD = r"(?:截至|截止|截止到|截至到|于|在)?"
# (pattern, kind); a pattern is tried whole for A and anywhere in B.
_DATE_PATTERNS = [
    (r"(\d{4})年(\d{1,2})月(\d{1,2})日", "ymd"),
    (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "ymd"),
    (r"(?:(\d{4})年(?:度)?)?(?:第)?([一二三四1-4])季度", "q"),
    (r"(\d{4})年(\d{1,2})月(?:份)?", "ym"),
    (r"(\d{4})[-/.](\d{1,2})(?![\d])", "ym"),
    (r"(\d{1,2})月(\d{1,2})日", "md"),
    (r"(\d{1,2})月(?:份)?", "m"),
    (r"(\d{4})年(?:度)?", "y"),
    (r"(?:本年度内|本年度|年度内|本年内|本年底|年底|年末|年内|当年)", "eoy"),
]


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _date_of(m: re.Match, kind: str, year: int | None) -> tuple[bool, date | None]:
    """(is a date, the date or None when its year is unknown)."""
    g = m.groups()
    try:
        if kind in ("ymd", "ym", "y") and not 1900 < int(g[0]) < 2200:
            return False, None
        if kind == "ymd":
            return True, date(int(g[0]), int(g[1]), int(g[2]))
        if kind == "ym":
            return True, _month_end(int(g[0]), int(g[1]))
        if kind == "y":
            return True, date(int(g[0]), 12, 31)
        if kind == "q":
            y = int(g[0]) if g[0] else year
            return True, (_month_end(y, 3 * _QUARTER[g[1]]) if y else None)
        if kind == "md":
            if not (1 <= int(g[0]) <= 12):
                return False, None
            return True, (date(year, int(g[0]), int(g[1])) if year else None)
        if kind == "m":
            if not (1 <= int(g[0]) <= 12):
                return False, None
            return True, (_month_end(year, int(g[0])) if year else None)
        return True, (date(year, 12, 31) if year else None)  # eoy
    except ValueError:
        return False, None


def parse_deadline(text: str, year: int | None) -> tuple[bool, date | None]:
    """A whole text that is a date or a period end: (True, its last day) — the day is None
    when no year is written and the evaluation year is unknown."""
    s = _norm(text)
    for pat, kind in _DATE_PATTERNS:
        m = re.fullmatch(_LEAD + pat + _TAIL, s)
        if m:
            ok, d = _date_of(m, kind, year)
            if ok:
                return True, d
    return False, None


def find_date(text: str, year: int | None) -> tuple[bool, date | None]:
    """The first date anywhere in a B such as ``已于2025年11月20日完成``."""
    s = _norm(text)
    found = []
    for pat, kind in _DATE_PATTERNS[:-1]:  # 年内/年底 in a B is not a date it was done
        for m in re.finditer(r"(?<!\d)" + pat, s):
            ok, d = _date_of(m, kind, year)
            if ok:
                found.append((m.start(), -len(m.group(0)), d))
                break
    if not found:
        return False, None
    return True, min(found, key=lambda f: (f[0], f[1]))[2]


# -- reading A --------------------------------------------------------------------------------


def read_target(value, *, number_format: str = "General", year: int | None = None, level1: str = "",
                level2: str = "", name: str = "", profile) -> Reading:
    """Read a 年度指标值 in the order of docs/template.md §3: none, deadline, quantitative, qualitative."""
    shown = display_text(value, number_format)
    if value is None or _is_dash(shown):
        return Reading("none", shown)
    if isinstance(value, (datetime, date)):
        return Reading("deadline", shown, deadline=value.date() if isinstance(value, datetime) else value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        pct = "%" in (number_format or "")
        q = _Quantity(None, _clean(float(value) * (100 if pct else 1)), "%" if pct else None, None)
    else:
        is_date, d = parse_deadline(shown, year)
        if is_date:
            return Reading("deadline", shown, deadline=d)
        q = parse_quantity(shown, profile)
    if q is None:
        return Reading("qualitative", shown)
    stated = q.direction is not None and q.upper is None  # a range a-b reads as at least, but says no comparison
    if q.direction is None:
        q = _bare_number(q, name, level1, level2, profile)
    return Reading("quantitative", shown, q.direction, q.number, q.unit, None, q.upper, q.unit == "%", q.scale, stated)


def _bare_number(q: _Quantity, name: str, level1: str, level2: str, profile) -> _Quantity:
    """The direction a bare number is scored by, and a unit from a placeholder in the name."""
    placeholder = _placeholder(name, profile)
    if placeholder is not None:
        direction, unit = placeholder
        number = q.number
        scale = q.scale
        if q.unit is None and unit is not None:
            unit, factor = canonical_unit(unit, profile)
            number, scale = _clean(number * factor), factor
        else:
            unit = q.unit
        return _Quantity(direction, number, unit, q.upper, scale)
    return _Quantity(_default_direction(q.number, q.unit, level1, level2, profile), q.number, q.unit, q.upper,
                     q.scale)


def _placeholder(name: str, profile) -> tuple[str, str | None] | None:
    """``公猪舍（≥**平方米）``: a comparison and a placeholder in the 三级指标 name."""
    s = _norm(name or "")
    m = re.search(r"\(([^()]*?)(?:\*+|×+|[xX]+|_+|…+|\.{2,}|※+|○+|□+|X+)([^()]*)\)", s)
    if not m:
        return None
    direction, _ = _strip_prefix(m.group(1), profile.comparisons)
    tail = m.group(2)
    suffix, tail = _strip_suffix(tail, profile.suffixes)
    direction = direction or suffix
    if direction is None:
        return None
    unit, _, _ = _unit_of(tail, profile) if tail else (None, "", 1.0)
    return direction, unit


def _default_direction(number: float, unit: str | None, level1: str, level2: str, profile) -> str:
    """Bare numbers: 0 is at most, costs are at most, durations under 时效指标 are at most."""
    if number == 0:
        return "at_most"
    if profile.is_cost_level(level1) or profile.is_cost_level(level2):
        return "at_most"
    durations = {canonical_unit(u, profile)[0] for u in profile.duration_units}
    if profile.is_timeliness_level(level2) and unit in durations:
        return "at_most"
    return "at_least"


# -- qualitative levels ----------------------------------------------------------------------

_LEVEL_RANK = {"met": 0, "partly": 1, "not_met": 2}
_CLAUSE = re.compile(r"[,，;；。、!！?？]")
_COUNT = re.compile(r"(\d+(?:\.\d+)?)(?:起|次|件|例|宗|个|项|人次)")


def qualitative_level(text: str, profile) -> str | None:
    """The level of B: where phrases overlap not met wins over partly, partly over met."""
    s = _norm(text)
    w = profile.words
    if s in {_norm(x) for x in w.get("yes", [])}:
        return "met"
    if s in {_norm(x) for x in w.get("no", [])}:
        return "not_met"
    found = set()
    for clause in _CLAUSE.split(s):
        harm = _harm_level(clause, profile)
        if harm:
            found.add(harm)
    for word in _longest_first(w.get("not_met", [])):
        if word in s:
            found.add("not_met")
    for word in _longest_first(w.get("partly", [])):
        if word in s:
            found.add("partly")
    negations = _longest_first(w.get("negations", []))
    partly_prefix = _longest_first(w.get("partly_prefix", ["部分"]))
    for word in _longest_first(w.get("met", [])):
        for m in re.finditer(re.escape(word), s):
            before = s[: m.start()]
            if any(before.endswith(n) for n in negations):
                found.add("not_met")
            elif any(before.endswith(p) for p in partly_prefix):
                found.add("partly")
            else:
                found.add("met")
    if not found:
        return None
    return max(found, key=_LEVEL_RANK.get)


def _harm_level(clause: str, profile) -> str | None:
    """``无安全事故`` met, ``发生1起事故`` not met, ``安全事故0起`` met; else None."""
    w = profile.words
    hits = [clause.find(h) for h in _longest_first(w.get("harm", [])) if h in clause]
    if not hits:
        return None
    counts = [float(c) for c in _COUNT.findall(clause)]
    if any(c > 0 for c in counts):
        return "not_met"
    if counts:
        return "met"
    before = clause[: min(hits)]
    if any(a in before for a in _longest_first(w.get("harm_absent", []))):
        return "met"
    negations = _longest_first(w.get("negations", []))
    for word in _longest_first(w.get("harm_happened", [])):
        for m in re.finditer(re.escape(word), clause):
            if not any(clause[: m.start()].endswith(n) for n in negations):
                return "not_met"
    return None


def _band(level: str, weight: float, profile) -> tuple[float, float]:
    lo, hi = profile.bands[level]
    return _times(weight, lo), _times(weight, hi)


def _times(weight: float, share: float) -> float:
    return _round6(Decimal(repr(float(weight))) * Decimal(repr(float(share))))


def _round6(x: Decimal) -> float:
    return quantize_half_up(x, 6)


def _qualitative(shown: str, weight: float, profile) -> IndicatorScore:
    level = qualitative_level(shown, profile)
    reading = Reading("qualitative", shown)
    if level is None:
        return IndicatorScore(0.0, float(weight), "unverifiable", None, reading, Reason("no_level", actual=shown))
    lo, hi = _band(level, weight, profile)
    return IndicatorScore(lo, hi, "ok", level, reading, Reason("level", actual=shown, level=Reason(level),
                                                             low=_num_text(lo), high=_num_text(hi)))


# -- reading B and scoring ----------------------------------------------------------------------


def score_indicator(target: Reading, actual_value, *, actual_number_format: str = "General", weight: float,
                    profile, year: int | None = None) -> IndicatorScore:
    """The closed range [low, high] within [0, 分值] that §4 allows for this row."""
    weight = float(weight)
    shown = display_text(actual_value, actual_number_format)
    if target.kind == "none":
        return IndicatorScore(0.0, weight, "no_target", None, None, Reason("no_target"))
    if shown and _norm(shown) == _norm(target.text):
        return _identical(target, actual_value, actual_number_format, shown, weight, profile)
    zero = target.kind == "quantitative" and _norm(shown) in {_norm(z) for z in profile.words.get("zero", [])}
    if actual_value is None or (_is_dash(shown) and not zero):
        status = "not_number" if target.kind == "quantitative" else "unverifiable"
        return IndicatorScore(0.0, weight, status, None, None, Reason("actual_empty"))
    if target.kind == "deadline":
        return _deadline(target, actual_value, shown, weight, profile, year)
    if target.kind == "qualitative":
        return _qualitative(shown, weight, profile)
    return _quantitative(target, actual_value, actual_number_format, shown, weight, profile)


def _identical(target: Reading, value, number_format: str, shown: str, weight: float, profile) -> IndicatorScore:
    """A B that repeats A is met, whatever the kind (``显著提升`` under ``显著提升``)."""
    actual = Reading(target.kind, shown)
    if target.kind == "quantitative":
        number, _ = read_actual_number(target, value, number_format, profile)
        actual = Reading("quantitative", shown, target.direction, number, target.unit, None, None,
                         target.unit == "%")
    elif target.kind == "deadline":
        actual = Reading("deadline", shown, deadline=target.deadline)
    level = None if target.kind == "quantitative" else "met"
    return IndicatorScore(weight, weight, "ok", level, actual, Reason("identical"))


def read_actual_number(target: Reading, value, number_format: str, profile) -> tuple[float | None, str]:
    """B as a number in A's base unit, and a status: ok | unit_mismatch | not_number."""
    if isinstance(value, bool):
        return None, "not_number"
    a = target.number or 0.0
    if isinstance(value, (int, float)):
        b = float(value)
        if target.unit == "%" and ("%" in (number_format or "") or (b <= 1 and a >= 2)):
            b *= 100
        return _clean(b * target.scale), "ok"  # in A's unit as written: 1.6 under ≥1.5万人次 is 16,000 人次
    s = _norm(display_text(value, number_format))
    if s in {_norm(z) for z in profile.words.get("zero", [])}:
        return 0.0, "ok"
    if _did_not_happen(s, target, profile):
        return 0.0, "ok"
    for word in _longest_first(profile.words.get("harm_happened", [])):  # 发生1起 reads as its count
        if s.startswith(_norm(word)) and s[len(_norm(word)):][:1].isdigit():
            s = s[len(_norm(word)):]
            break
    q = parse_quantity(s, profile, actual=True)
    if q is None:
        return None, "not_number"
    if q.unit is None:  # absent means A's unit as written, prefix included (17.4 under ≤17.4万元)
        b = q.number
        if target.unit == "%" and b <= 1 and a >= 2:
            b *= 100
        return _clean(b * target.scale if q.scale == 1 else b), "ok"  # 4.8万 carries its own multiplier
    if target.unit is None or q.unit == target.unit:
        return q.number, "ok"
    return None, "unit_mismatch"


def _did_not_happen(s: str, target: Reading, profile) -> bool:
    """Under an A of at most 0 (``0起``, ``≤0次``): ``无安全事故``, ``未发生安全事故``, ``零事故``,
    ``无投诉``, ``杜绝`` say the counted thing did not happen — a negation, then words, no digit."""
    if target.direction not in ("at_most", "less_than") or (target.number or 0.0) != 0:
        return False
    if any(ch.isdigit() for ch in s):
        return False
    words = _longest_first(list(profile.words.get("harm_absent", [])) + ["未"])
    return any(s.startswith(_norm(w)) for w in words)


def _quantitative(target: Reading, value, number_format: str, shown: str, weight: float, profile) -> IndicatorScore:
    b, status = read_actual_number(target, value, number_format, profile)
    if status == "unit_mismatch":
        return IndicatorScore(0.0, weight, "unit_mismatch", None, Reading("quantitative", shown),
                              Reason("unit_mismatch", actual=shown, target=target.text))
    if b is None:
        return IndicatorScore(0.0, weight, "not_number", None, Reading("qualitative", shown),
                              Reason("not_number", actual=shown))
    direction = target.direction or "at_least"
    s = quantitative_score(direction, target.number or 0.0, b, weight)
    reading = Reading("quantitative", shown, direction, b, target.unit, None, None, target.unit == "%")
    detail = Reason("quantity", quantity=_quantity_text(b, target.unit), score=_num_text(round(s, 2)))
    return IndicatorScore(s, s, "ok", None, reading, detail)


def _quantity_text(number: float, unit: str | None) -> str:
    """Money back in 万元 when large, as the forms write it."""
    if unit == "元" and abs(number) >= 10000:
        return f"{_num_text(number / 10000)}万元"
    return f"{_num_text(number)}{unit or ''}"


def quantitative_score(direction: str, a: float, b: float, weight: float) -> float:
    """§4 for numbers, in decimal arithmetic, rounded half up to 6 decimals.

    Negative targets (``≥-5%``) compare magnitudes: meeting the target gives full marks,
    missing it gives 分值 × the smaller magnitude over the larger.
    """
    A, B, W = (Decimal(repr(_bounded(x))) for x in (a, b, weight))
    full, nothing = W, Decimal(0)
    if direction in ("at_least", "more_than"):
        if A == 0:
            ok = B > 0 if direction == "more_than" else B >= 0
            result = full if ok else nothing
        elif A > 0:
            result = nothing if B < 0 else W * min(B / A, Decimal(1))
        else:  # A < 0
            result = full if B >= A else W * A / B
    elif direction in ("at_most", "less_than"):
        if B <= A or B == 0:
            result = full
        elif A > 0:
            result = W * A / B
        elif A < 0 and B < 0:
            result = W * B / A
        else:
            result = nothing
    else:  # equal
        if B == A:
            result = full
        elif A == 0 or B == 0 or (A > 0) != (B > 0):
            result = nothing
        else:
            result = W * min(abs(A), abs(B)) / max(abs(A), abs(B))
    return _round6(min(max(result, nothing), full))


def _bounded(x) -> float:
    """A number for decimal arithmetic: an overflow (1e307 per cent times 100) counts as
    the largest number Excel holds, NaN as 0."""
    x = float(x)
    if math.isnan(x):
        return 0.0
    return max(-EXCEL_MAX, min(x, EXCEL_MAX))


def _deadline(target: Reading, value, shown: str, weight: float, profile, year) -> IndicatorScore:
    """Dates not later than A are met; 按时完成 met, 延期 not; anything else as qualitative."""
    w = profile.words
    s = _norm(shown)
    a = target.deadline
    if any(_norm(x) in s for x in w.get("deadline_not_met", [])):
        return _deadline_level(target, "not_met", None, shown, weight, profile, Reason("late", actual=shown))
    if isinstance(value, (datetime, date)):
        is_date, d = True, (value.date() if isinstance(value, datetime) else value)
    else:
        is_date, d = find_date(s, a.year if a else year)
    if is_date:
        if a is None or d is None:
            return IndicatorScore(0.0, weight, "unverifiable", None, Reading("deadline", shown, deadline=d),
                                  Reason("no_year"))
        not_met_words = any(_norm(x) in s for x in w.get("not_met", []))
        if d <= a and not not_met_words:
            return _deadline_level(target, "met", d, shown, weight, profile,
                                   Reason("date_met", year=d.year, month=d.month, day=d.day))
        return _deadline_level(target, "not_met", d, shown, weight, profile,
                               Reason("date_late", year=d.year, month=d.month, day=d.day) if d > a
                               else Reason("not_completed", actual=shown))
    if any(_norm(x) in s for x in w.get("deadline_met", [])) and qualitative_level(s, profile) == "met":
        return _deadline_level(target, "met", None, shown, weight, profile, Reason("on_time", actual=shown))
    return _qualitative(shown, weight, profile)


def _deadline_level(target: Reading, level: str, d: date | None, shown: str, weight: float, profile,
                    why: Reason) -> IndicatorScore:
    reading = Reading("deadline", shown, deadline=d)
    if level == "met":
        return IndicatorScore(weight, weight, "ok", "met", reading, Reason("full_marks", why=why))
    lo, hi = _band("not_met", weight, profile)
    return IndicatorScore(lo, hi, "ok", "not_met", reading,
                          Reason("range", why=why, low=_num_text(lo), high=_num_text(hi)))
