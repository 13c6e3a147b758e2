"""Scoring profiles as data (docs/template.md §4): weights, bands, grade limits, tolerances, word lists.

The default ``national-2020`` ships in the package; ``--profile FILE`` merges a TOML file
over it, so a province only writes what differs. Tables merge key by key; a number, a
string or a list (a word list) given in the file replaces the default's whole.

Every file is checked against the shape of the default before use, because a profile
with a word list typed as a string or a weight typed as text would otherwise give wrong
scores silently. Problems are reported in Chinese and English, naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from perfxl.excel.labels import normalize

DEFAULT_NAME = "national-2020"
LEVELS = ("met", "partly", "not_met")
DIRECTIONS = ("at_least", "more_than", "at_most", "less_than", "equal")

# Tables whose keys are the user's to choose (new keys allowed), with the type of their values.
_OPEN_TABLES = {
    "split": "number", "cost_split": "number", "grades": "number",
    "level1": "words", "level2": "words", "units.synonyms": "text", "numbers.multipliers": "number",
    "execution_caps": "number",
}
_FIXED_KEYS = {"comparisons": DIRECTIONS, "suffixes": DIRECTIONS}

# The indicator-design checks (D family, docs/template.md §4.1) and what a profile may make of each:
# "warn", "off", "zero" (the indicator is not counted) or a number of points. Indicator-level checks
# take points from the indicator, project-level ones from the project; unit-level ones only warn.
DESIGN_INDICATOR = ("cost_at_least", "money_as_output", "duplicate", "quantity_qualitative", "percent_not_rate",
                    "copied_actual", "satisfaction_no_number")
DESIGN_PROJECT = ("few_indicators", "missing_level")
DESIGN_UNIT = ("all_full_marks", "all_excellent")
DESIGN_CHECKS = DESIGN_INDICATOR + DESIGN_PROJECT + DESIGN_UNIT


class ProfileError(Exception):
    """A profile that cannot be used. ``str()`` is the Chinese detail; ``en`` the same in English
    (``--lang en``); ``hint`` a (Chinese, English) piece of advice replacing E109's general one
    when that one does not fit (a missing file is not corrected after the default profile)."""

    def __init__(self, where: tuple[str, str], zh: str, en: str, *, hint: tuple[str, str] | None = None):
        super().__init__(where[0] + zh)
        self.en = where[1] + en
        self.hint = hint


def _where(path: str | None) -> tuple[str, str]:
    """The prefix naming the file a problem is in, in both languages."""
    if path is None:
        return f"评分方案 {DEFAULT_NAME}：", f"profile {DEFAULT_NAME}: "
    return f"文件“{path}”：", f"file “{path}”: "


@dataclass
class Profile:
    name: str
    funding_weight: float
    split: dict[str, float]
    cost_split: dict[str, float] | None
    grades: list[tuple[str, float]]          # (等级, 下限), highest first
    score_tolerance: float
    rate_tolerance: float
    bands: dict[str, tuple[float, float]]    # met / partly / not_met -> share of 分值
    words: dict[str, list[str]]
    comparisons: dict[str, list[str]]        # direction -> spellings before the number
    suffixes: dict[str, list[str]]           # direction -> spellings after the number
    units: list[str]
    unit_synonyms: dict[str, str]
    level1: dict[str, str]                   # normalised spelling -> canonical 一级指标
    level2: dict[str, list[str]]
    duration_units: list[str]
    cost_levels: list[str] = field(default_factory=list)
    timeliness_levels: list[str] = field(default_factory=list)
    percent_marks: list[str] = field(default_factory=lambda: ["%", "％", "百分比"])
    per_mille_marks: list[str] = field(default_factory=lambda: ["‰"])
    range_marks: list[str] = field(default_factory=lambda: ["-", "~", "～", "至"])
    inclusive_marks: list[str] = field(default_factory=list)
    multipliers: dict[str, float] = field(default_factory=lambda: {"万": 1e4, "亿": 1e8})
    # reviewer checks (V family) and the provincial options of docs/template.md §4.1
    excellent_rate_below: float = 0.6
    full_marks_rate_below: float = 0.9  # V103: every indicator at full marks while 执行率 is below this
    execution_words: list[str] = field(default_factory=list)  # V106: 主要问题及原因 explains the execution
    same_actual_min: int = 3
    empty_words: list[str] = field(default_factory=lambda: ["无", "暂无", "没有"])
    deviation_share: float = 0.3
    deviation_points: float = 0.0            # 0: no deduction
    execution_caps: list[tuple[float, float]] = field(default_factory=list)  # (执行率 below, max score)
    # indicator design (D family): check -> "warn" | "off" | "zero" | points (a float)
    design: dict[str, str | float] = field(default_factory=lambda: {k: "warn" for k in DESIGN_CHECKS})
    min_indicators: int = 3
    all_excellent_rate_below: float = 0.8
    design_words: dict[str, list[str]] = field(default_factory=dict)  # rate_words, money_words, spending_words
    raw: dict = field(default_factory=dict, repr=False)

    def grade(self, score: float) -> str:
        """``优`` ≥ 90, ``良`` ≥ 80, ``中`` ≥ 60, else ``差`` (limits from the profile)."""
        for name, limit in self.grades:
            if score >= limit - 1e-9:
                return name
        return "差"

    def level1_of(self, text: str) -> str | None:
        """``产出指标``, ``产出``, ``产出指标（50分）``, ``一、产出指标`` -> 产出指标."""
        return self.level1.get(normalize(str(text)))

    def is_level2(self, text: str) -> bool:
        key = normalize(str(text))
        return any(key in names for names in self.level2.values())

    def is_cost_level(self, text: str) -> bool:
        """A 成本指标 (一级 or 二级): a bare number under it is at most."""
        return normalize(str(text or "")) in {normalize(n) for n in self.cost_levels}

    def is_timeliness_level(self, text: str) -> bool:
        return normalize(str(text or "")) in {normalize(n) for n in self.timeliness_levels}

    def cap_for(self, rate: float | None) -> tuple[float, float] | None:
        """(threshold, cap) of the lowest cap whose threshold the 执行率 is below; None when uncapped."""
        if rate is None:
            return None
        hits = [(t, c) for t, c in self.execution_caps if rate < t - 1e-12]
        return min(hits, key=lambda tc: (tc[1], tc[0])) if hits else None

    def design_on(self, check: str) -> bool:
        """Whether an indicator-design check runs (anything but ``"off"``)."""
        return self.design.get(check, "warn") != "off"

    def design_points(self, check: str) -> float | str | None:
        """What the check costs: ``"zero"`` (the whole indicator), a number of points, or None (a warning only)."""
        action = self.design.get(check, "warn")
        if action == "zero" or (not isinstance(action, str) and action > 0):
            return action
        return None


# -- merging and checking ---------------------------------------------------------------


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _kind_of(v) -> str:
    if isinstance(v, dict):
        return "table"
    if _is_number(v):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list) and all(_is_number(x) for x in v) and v:
        return "numbers"
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "words"
    return "other"


_KIND_ZH = {"table": "表（[节]）", "number": "数字", "text": "文字", "numbers": "数字列表",
            "words": "文字列表（如 [\"甲\", \"乙\"]）", "other": "其他"}
_KIND_EN = {"table": "a table ([section])", "number": "a number", "text": "text", "numbers": "a list of numbers",
            "words": "a list of words (like [\"a\", \"b\"])", "other": "something else"}


def _check_shape(default: dict, data: dict, where: tuple[str, str], path: str = "") -> None:
    """Every key of ``data`` must exist in ``default`` with the same kind of value."""
    for key, value in data.items():
        dotted = f"{path}.{key}" if path else key
        open_kind = _OPEN_TABLES.get(path)
        if open_kind is not None:
            expected = open_kind
        elif path == "design" and key in DESIGN_CHECKS:
            expected = "number" if _is_number(value) else "text"  # "warn", "off", "zero" or points
        elif key in default:
            expected = _kind_of(default[key])
        elif path in _FIXED_KEYS and key in _FIXED_KEYS[path]:
            expected = "words"
        elif path == "" and key in _OPEN_TABLES:
            expected = "table"
        else:
            known = "、".join(k for k in default if k not in ("name",)) if path else "、".join(
                [*(k for k in default if isinstance(default[k], dict)),
                 *(k for k in _OPEN_TABLES if "." not in k and k not in default), "name"])
            place = f"[{path}] 中" if path else "顶层"
            place_en = f"in [{path}]" if path else "at the top level"
            raise ProfileError(where, f"不认识“{dotted}”（{place}可用的键：{known}）",
                               f"unknown key “{dotted}” (the keys {place_en} are: {known.replace('、', ', ')})")
        got = _kind_of(value)
        if expected == "words" and value == []:
            got = "words"
        if got != expected and not (expected == "numbers" and got == "numbers"):
            what = "应为数字" if expected == "number" else f"应为{_KIND_ZH[expected]}"
            raise ProfileError(where, f"“{dotted}”{what}，实际为“{value}”",
                               f"“{dotted}” should be {_KIND_EN[expected]}, not “{value}”")
        if got == "table":
            _check_shape(default.get(key, {}) if isinstance(default.get(key), dict) else {},
                         value, where, dotted)


def _check_values(data: dict, where: tuple[str, str]) -> None:
    """The checks that need more than the shape: signs, order of grade limits, bands."""
    scoring = data["scoring"]
    for key in ("funding_weight", "score_tolerance", "rate_tolerance"):
        if scoring[key] < 0:
            raise ProfileError(where, f"“scoring.{key}”不能为负数", f"“scoring.{key}” cannot be negative")
    if scoring["funding_weight"] > 100:
        raise ProfileError(where, "预算执行率分值“scoring.funding_weight”不能超过 100",
                           "the funding weight “scoring.funding_weight” cannot exceed 100")
    for table in ("split", "cost_split"):
        for k, v in (data.get(table) or {}).items():
            if v < 0:
                raise ProfileError(where, f"分值结构“{table}”中“{k}”为负数",
                                   f"“{k}” in the weight table “{table}” is negative")
    grades = list(data["grades"].items())
    if not grades:
        raise ProfileError(where, "“grades”至少要有一条等级线", "“grades” needs at least one grade limit")
    for (name, limit) in grades:
        if not 0 <= limit <= 100:
            raise ProfileError(where, f"等级线“{name}”应在 0 到 100 之间，实际为 {limit}",
                               f"the grade limit “{name}” should lie between 0 and 100, not {limit}")
    for (n1, v1), (n2, v2) in zip(grades, grades[1:]):
        if v2 >= v1:
            raise ProfileError(where, f"等级线应自上而下递减：“{n1}”为 {v1}，“{n2}”却为 {v2}",
                               f"grade limits should fall from top to bottom: “{n1}” is {v1} but “{n2}” is {v2}")
    bands = data["bands"]
    for level in LEVELS:
        band = bands.get(level)
        if not (isinstance(band, list) and len(band) == 2 and 0 <= band[0] <= band[1] <= 1):
            raise ProfileError(where, f"达成等级“{level}”的得分区间应为 0 到 1 之间的 [下限, 上限]，实际为“{band}”",
                               f"the score band of “{level}” should be [low, high] between 0 and 1, not “{band}”")
    for k, v in data["numbers"]["multipliers"].items():
        if v <= 0:
            raise ProfileError(where, f"倍数“{k}”应为正数", f"the multiplier “{k}” should be positive")
    reviewer, deviation = data["reviewer"], data["deviation"]
    if not 0 <= reviewer["excellent_rate_below"] <= 1:
        raise ProfileError(where, f"“reviewer.excellent_rate_below”应在 0 到 1 之间（0.6 即 60%），"
                                  f"实际为 {reviewer['excellent_rate_below']}",
                           f"“reviewer.excellent_rate_below” should lie between 0 and 1 (0.6 is 60%), "
                           f"not {reviewer['excellent_rate_below']}")
    if not 0 <= reviewer["full_marks_rate_below"] <= 1:
        raise ProfileError(where, f"“reviewer.full_marks_rate_below”应在 0 到 1 之间（0.9 即 90%），"
                                  f"实际为 {reviewer['full_marks_rate_below']}",
                           f"“reviewer.full_marks_rate_below” should lie between 0 and 1 (0.9 is 90%), "
                           f"not {reviewer['full_marks_rate_below']}")
    if reviewer["same_actual_min"] < 2 or reviewer["same_actual_min"] != int(reviewer["same_actual_min"]):
        raise ProfileError(where, f"“reviewer.same_actual_min”应为不小于 2 的整数，实际为 {reviewer['same_actual_min']}",
                           f"“reviewer.same_actual_min” should be a whole number of at least 2, "
                           f"not {reviewer['same_actual_min']}")
    if not 0 < deviation["share"] <= 10:
        raise ProfileError(where, f"“deviation.share”应为正的比例（0.3 即 30%），实际为 {deviation['share']}",
                           f"“deviation.share” should be a positive share (0.3 is 30%), not {deviation['share']}")
    if not 0 <= deviation["points"] <= 100:
        raise ProfileError(where, f"“deviation.points”应在 0 到 100 之间，实际为 {deviation['points']}",
                           f"“deviation.points” should lie between 0 and 100, not {deviation['points']}")
    _caps(data["execution_caps"], where)
    _design(data["design"], where)


_ACTIONS_ZH = {"indicator": "“warn”“off”“zero”或扣分数（0 到 100）", "project": "“warn”“off”或扣分数（0 到 100）",
               "unit": "“warn”或“off”"}
_ACTIONS_EN = {"indicator": "\"warn\", \"off\", \"zero\" or points (0 to 100)",
               "project": "\"warn\", \"off\" or points (0 to 100)", "unit": "\"warn\" or \"off\""}


def _design(design: dict, where: tuple[str, str]) -> None:
    """Each indicator-design check is on, off, or a deduction where a deduction means something."""
    for key in DESIGN_CHECKS:
        value = design[key]
        level = "indicator" if key in DESIGN_INDICATOR else "project" if key in DESIGN_PROJECT else "unit"
        allowed = {"warn", "off"} | ({"zero"} if level == "indicator" else set())
        if isinstance(value, str):
            ok = value in allowed
        else:
            ok = level != "unit" and 0 <= value <= 100
        if not ok:
            raise ProfileError(where, f"“design.{key}”应为{_ACTIONS_ZH[level]}，实际为“{value}”",
                               f"“design.{key}” should be {_ACTIONS_EN[level]}, not “{value}”")
    if design["min_indicators"] < 1 or design["min_indicators"] != int(design["min_indicators"]):
        raise ProfileError(where, f"“design.min_indicators”应为不小于 1 的整数，实际为 {design['min_indicators']}",
                           f"“design.min_indicators” should be a whole number of at least 1, "
                           f"not {design['min_indicators']}")
    if not 0 <= design["all_excellent_rate_below"] <= 1:
        raise ProfileError(where, f"“design.all_excellent_rate_below”应在 0 到 1 之间（0.8 即 80%），"
                                  f"实际为 {design['all_excellent_rate_below']}",
                           f"“design.all_excellent_rate_below” should lie between 0 and 1 (0.8 is 80%), "
                           f"not {design['all_excellent_rate_below']}")


def _caps(table: dict, where: tuple[str, str]) -> list[tuple[float, float]]:
    """``"80%" = 89`` -> (0.8, 89.0); keys are percentages of 执行率, values scores."""
    out = []
    for key, cap in table.items():
        text = str(key).strip().replace("％", "%")
        try:
            if not text.endswith("%"):
                raise ValueError
            threshold = float(text[:-1]) / 100
        except ValueError:
            raise ProfileError(where, f"执行率封顶“execution_caps”的键“{key}”应为百分数，"
                                      f"如 \"80%\" = 89（执行率低于 80% 时最高 89 分）",
                               f"the key “{key}” of “execution_caps” should be a percentage, such as "
                               f"\"80%\" = 89 (at most 89 points below an execution rate of 80%)") from None
        if not 0 < threshold <= 1:
            raise ProfileError(where, f"执行率封顶的键“{key}”应在 0% 到 100% 之间",
                               f"the key “{key}” of “execution_caps” should lie between 0% and 100%")
        if not 0 <= cap <= 100:
            raise ProfileError(where, f"执行率封顶“{key}”的得分上限应在 0 到 100 之间，实际为 {cap}",
                               f"the score cap of “{key}” in “execution_caps” should lie between 0 and 100, not {cap}")
        out.append((threshold, float(cap)))
    return sorted(out, reverse=True)


def _build(data: dict, where: tuple[str, str]) -> Profile:
    _check_values(data, where)
    scoring, units, numbers, words = data["scoring"], data["units"], data["numbers"], data["words"]
    level1 = {}
    for canonical, alts in data["level1"].items():
        for name in [canonical, *alts]:
            level1[normalize(name)] = canonical
    cost = data.get("cost_split") or None
    return Profile(
        name=str(data.get("name", "custom")),
        funding_weight=float(scoring["funding_weight"]),
        split={k: float(v) for k, v in data["split"].items()},
        cost_split={k: float(v) for k, v in cost.items()} if cost else None,
        grades=[(k, float(v)) for k, v in data["grades"].items()],
        score_tolerance=float(scoring["score_tolerance"]),
        rate_tolerance=float(scoring["rate_tolerance"]),
        bands={k: (float(v[0]), float(v[1])) for k, v in data["bands"].items()},
        words={k: list(v) for k, v in words.items()},
        comparisons={k: list(v) for k, v in data["comparisons"].items()},
        suffixes={k: list(v) for k, v in data["suffixes"].items()},
        units=list(units["known"]),
        unit_synonyms=dict(units["synonyms"]),
        level1=level1,
        level2={k: list(v) for k, v in data["level2"].items()},
        duration_units=list(units["durations"]),
        cost_levels=list(data["levels"]["cost"]),
        timeliness_levels=list(data["levels"]["timeliness"]),
        percent_marks=list(numbers["percent"]),
        per_mille_marks=list(numbers["per_mille"]),
        range_marks=list(numbers["range"]),
        inclusive_marks=list(numbers["inclusive"]),
        multipliers={k: float(v) for k, v in numbers["multipliers"].items()},
        excellent_rate_below=float(data["reviewer"]["excellent_rate_below"]),
        same_actual_min=int(data["reviewer"]["same_actual_min"]),
        full_marks_rate_below=float(data["reviewer"]["full_marks_rate_below"]),
        execution_words=list(data["reviewer"]["execution_words"]),
        empty_words=list(data["reviewer"]["empty_words"]),
        deviation_share=float(data["deviation"]["share"]),
        deviation_points=float(data["deviation"]["points"]),
        execution_caps=_caps(data["execution_caps"], where),
        design={k: (float(data["design"][k]) if _is_number(data["design"][k]) else data["design"][k])
                for k in DESIGN_CHECKS},
        min_indicators=int(data["design"]["min_indicators"]),
        all_excellent_rate_below=float(data["design"]["all_excellent_rate_below"]),
        design_words={k: list(data["design"][k]) for k in ("rate_words", "money_words", "spending_words")},
        raw=data,
    )


def _default() -> dict:
    text = resources.files("perfxl.scoring").joinpath(f"profiles/{DEFAULT_NAME}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_CURLY_QUOTES = "“”‘’「」『』\"'"


def _error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """The line a TOML error is at (``lineno`` from Python 3.14 on; the message before that)."""
    line = getattr(exc, "lineno", None)
    if line is None:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(m.group(1)) if m else None
    return line


def _bad_line(text: str, exc: tomllib.TOMLDecodeError) -> tuple[int, str] | None:
    """(line number, the line) a TOML error is at; None when the error names no line of ``text``."""
    number = _error_line(exc)
    lines = text.split("\n")
    if number is None or not 1 <= number <= len(lines):
        return None
    return number, lines[number - 1].strip()


def _bare_key_fix(line: str) -> str | None:
    """``优 = 90`` (or ``“优” = 90``, Chinese quotes) -> ``"优" = 90``: the line with each key part
    that is not a bare TOML key put in straight double quotes; None when the line does not start
    with a key holding a non-ASCII character outside quotes."""
    stripped = line.strip()
    if "=" not in stripped or stripped[0] in "#[\"'":
        return None
    key, value = stripped.split("=", 1)
    if key.isascii():
        return None
    parts = []
    for part in key.split("."):
        part = part.strip()
        if not _BARE_KEY.fullmatch(part):
            part = '"' + part.strip(_CURLY_QUOTES).replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(part)
    return f"{'.'.join(parts)} = {value.strip()}"


def _unquoted_key(text: str, exc: tomllib.TOMLDecodeError, where: tuple[str, str]) -> ProfileError | None:
    """A TOML error on a line that starts with a Chinese key typed without quotes (``优 = 90``): say
    so, name the line and show it written as TOML needs; the other lines with the same mistake are
    named too, so one run finds them all. None for any other TOML error."""
    found = _bad_line(text, exc)
    if found is None:
        return None
    number, line = found
    lines = text.split("\n")
    fixed = _bare_key_fix(line)
    if fixed is None:
        return None
    others = [str(n) for n, other in enumerate(lines, 1) if n != number and _bare_key_fix(other)]
    also_zh = f"（第 {'、'.join(others)} 行也是这样）" if others else ""
    also_en = (f" (so does line {others[0]})" if len(others) == 1
               else f" (so do lines {', '.join(others)})" if others else "")
    return ProfileError(where, f"第 {number} 行“{line}”的中文键名没有加英文双引号{also_zh}",
                        f"line {number} “{line}”: the Chinese key is not in straight double quotes{also_en}",
                        hint=(f"中文键名要加英文双引号，例如把这一行写成 {fixed}",
                              f"Put Chinese keys in straight double quotes: write this line as {fixed}"))


_FULL_WIDTH = {"＝": "=", "，": ",", "：": "=", "；": ";", "［": "[", "］": "]", "｛": "{", "｝": "}", "＃": "#"}


def _full_width(text: str, exc: tomllib.TOMLDecodeError, where: tuple[str, str]) -> ProfileError | None:
    """A TOML error on a line with full-width punctuation outside quotes (``"优" ＝ 90``, a ``，``
    at the end, typed with a Chinese input method): name the characters and show the line with
    half-width ones (a comma or semicolon ending the line dropped). None for any other error."""
    found = _bad_line(text, exc)
    if found is None:
        return None
    number, line = found
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', "", line)  # what is not inside a TOML string
    found = [ch for ch in dict.fromkeys(outside) if ch in _FULL_WIDTH]
    if not found:
        return None
    fixed = re.sub(r"[，；]\s*$", "", line)
    for wide, narrow in _FULL_WIDTH.items():
        fixed = fixed.replace(wide, narrow) if wide in outside else fixed
    shown = "".join(f"“{ch}”" for ch in found)
    return ProfileError(where, f"第 {number} 行“{line}”用了全角符号{shown}",
                        f"line {number} “{line}” uses full-width punctuation {shown}",
                        hint=(f"TOML 只认英文（半角）符号，行末不要加逗号：把这一行写成 {fixed}",
                              f"TOML needs half-width punctuation and no comma at the end of a line: write {fixed}"))


def load_profile(path: str | None = None) -> Profile:
    """The default profile, or a TOML file merged over it. Raises :class:`ProfileError`."""
    base = _default()
    if path is None:
        return _build(base, _where(None))
    where = _where(path)
    p = Path(path)
    if p.is_dir():
        raise ProfileError(("", ""), f"“{path}”是文件夹，不是评分方案文件", f"“{path}” is a folder, not a profile file",
                           hint=("请给出 .toml 评分方案文件的路径", "Give the path of a .toml profile file"))
    if not p.is_file():
        raise ProfileError(("", ""), f"找不到评分方案文件“{path}”", f"the profile file “{path}” was not found",
                           hint=("请检查 --profile 后的文件名和所在文件夹；不加 --profile 则按默认方案 national-2020 评分",
                                 "Check the file name after --profile and its folder; without --profile the default "
                                 "profile national-2020 is used"))
    try:
        # utf-8-sig: 记事本/WPS on older Windows save "UTF-8" with a byte-order mark, which TOML
        # itself does not allow; the mark is dropped, a file without one reads the same
        text = p.read_text(encoding="utf-8-sig")
        over = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ProfileError(where, "不是 UTF-8 编码的文本", "not UTF-8 text",
                           hint=("请用记事本或 WPS 把它另存为 UTF-8 编码后再运行",
                                 "Save it as UTF-8 text (Notepad or WPS: Save As, encoding UTF-8) and run again")) from None
    except tomllib.TOMLDecodeError as exc:
        raise _unquoted_key(text, exc, where) or _full_width(text, exc, where) or ProfileError(
            where, f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})") from None
    except OSError as exc:
        from perfxl.excel.oserrors import reason
        raise ProfileError(where, f"无法读取（{reason(exc, reading=True)}）",
                           f"cannot be read ({reason(exc, 'en', reading=True)})",
                           hint=("请确认文件没有被其他程序占用，并且有读取权限",
                                 "Check that no other program holds it and that you may read it")) from None
    _check_shape(base, over, where)
    return _build(_merge(base, over), where)
