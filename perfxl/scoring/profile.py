"""Scoring profiles as data (docs/template.md §4): weights, bands, grade limits, tolerances, word lists.

The default ``national-2020`` ships in the package; ``--profile FILE`` merges a TOML file
over it, so a province only writes what differs. Tables merge key by key; a number, a
string or a list (a word list) given in the file replaces the default's whole.

Every file is checked against the shape of the default before use, because a profile
with a word list typed as a string or a weight typed as text would otherwise give wrong
scores silently. Problems are reported in Chinese, naming the file.
"""

from __future__ import annotations

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


class ProfileError(Exception):
    """A profile that cannot be used; the message is for the user, in Chinese."""


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
    same_actual_min: int = 3
    empty_words: list[str] = field(default_factory=lambda: ["无", "暂无", "没有"])
    deviation_share: float = 0.3
    deviation_points: float = 0.0            # 0: no deduction
    execution_caps: list[tuple[float, float]] = field(default_factory=list)  # (执行率 below, max score)
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


def _check_shape(default: dict, data: dict, where: str, path: str = "") -> None:
    """Every key of ``data`` must exist in ``default`` with the same kind of value."""
    for key, value in data.items():
        dotted = f"{path}.{key}" if path else key
        open_kind = _OPEN_TABLES.get(path)
        if open_kind is not None:
            expected = open_kind
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
            raise ProfileError(f"{where}不认识“{dotted}”（{place}可用的键：{known}）")
        got = _kind_of(value)
        if expected == "words" and value == []:
            got = "words"
        if got != expected and not (expected == "numbers" and got == "numbers"):
            what = "应为数字" if expected == "number" else f"应为{_KIND_ZH[expected]}"
            raise ProfileError(f"{where}“{dotted}”{what}，实际为“{value}”。")
        if got == "table":
            _check_shape(default.get(key, {}) if isinstance(default.get(key), dict) else {},
                         value, where, dotted)


def _check_values(data: dict, where: str) -> None:
    """The checks that need more than the shape: signs, order of grade limits, bands."""
    scoring = data["scoring"]
    for key in ("funding_weight", "score_tolerance", "rate_tolerance"):
        if scoring[key] < 0:
            raise ProfileError(f"{where}“scoring.{key}”不能为负数。")
    if scoring["funding_weight"] > 100:
        raise ProfileError(f"{where}预算执行率分值“scoring.funding_weight”不能超过 100。")
    for table in ("split", "cost_split"):
        for k, v in (data.get(table) or {}).items():
            if v < 0:
                raise ProfileError(f"{where}分值结构“{table}”中“{k}”为负数。")
    grades = list(data["grades"].items())
    if not grades:
        raise ProfileError(f"{where}“grades”至少要有一条等级线。")
    for (name, limit) in grades:
        if not 0 <= limit <= 100:
            raise ProfileError(f"{where}等级线“{name}”应在 0 到 100 之间，实际为 {limit}。")
    for (n1, v1), (n2, v2) in zip(grades, grades[1:]):
        if v2 >= v1:
            raise ProfileError(f"{where}等级线应自上而下递减：“{n1}”为 {v1}，“{n2}”却为 {v2}。")
    bands = data["bands"]
    for level in LEVELS:
        band = bands.get(level)
        if not (isinstance(band, list) and len(band) == 2 and 0 <= band[0] <= band[1] <= 1):
            raise ProfileError(f"{where}达成等级“{level}”的得分区间应为 0 到 1 之间的 [下限, 上限]，"
                               f"实际为“{band}”。")
    for k, v in data["numbers"]["multipliers"].items():
        if v <= 0:
            raise ProfileError(f"{where}倍数“{k}”应为正数。")
    reviewer, deviation = data["reviewer"], data["deviation"]
    if not 0 <= reviewer["excellent_rate_below"] <= 1:
        raise ProfileError(f"{where}“reviewer.excellent_rate_below”应在 0 到 1 之间（0.6 即 60%），"
                           f"实际为 {reviewer['excellent_rate_below']}。")
    if reviewer["same_actual_min"] < 2 or reviewer["same_actual_min"] != int(reviewer["same_actual_min"]):
        raise ProfileError(f"{where}“reviewer.same_actual_min”应为不小于 2 的整数，实际为 {reviewer['same_actual_min']}。")
    if not 0 < deviation["share"] <= 10:
        raise ProfileError(f"{where}“deviation.share”应为正的比例（0.3 即 30%），实际为 {deviation['share']}。")
    if not 0 <= deviation["points"] <= 100:
        raise ProfileError(f"{where}“deviation.points”应在 0 到 100 之间，实际为 {deviation['points']}。")
    _caps(data["execution_caps"], where)


def _caps(table: dict, where: str) -> list[tuple[float, float]]:
    """``"80%" = 89`` -> (0.8, 89.0); keys are percentages of 执行率, values scores."""
    out = []
    for key, cap in table.items():
        text = str(key).strip().replace("％", "%")
        try:
            if not text.endswith("%"):
                raise ValueError
            threshold = float(text[:-1]) / 100
        except ValueError:
            raise ProfileError(f"{where}执行率封顶“execution_caps”的键“{key}”应为百分数，"
                               f"如 \"80%\" = 89（执行率低于 80% 时最高 89 分）。") from None
        if not 0 < threshold <= 1:
            raise ProfileError(f"{where}执行率封顶的键“{key}”应在 0% 到 100% 之间。")
        if not 0 <= cap <= 100:
            raise ProfileError(f"{where}执行率封顶“{key}”的得分上限应在 0 到 100 之间，实际为 {cap}。")
        out.append((threshold, float(cap)))
    return sorted(out, reverse=True)


def _build(data: dict, where: str) -> Profile:
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
        empty_words=list(data["reviewer"]["empty_words"]),
        deviation_share=float(data["deviation"]["share"]),
        deviation_points=float(data["deviation"]["points"]),
        execution_caps=_caps(data["execution_caps"], where),
        raw=data,
    )


def _default() -> dict:
    text = resources.files("perfxl.scoring").joinpath(f"profiles/{DEFAULT_NAME}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_profile(path: str | None = None) -> Profile:
    """The default profile, or a TOML file merged over it. Raises :class:`ProfileError`."""
    base = _default()
    if path is None:
        return _build(base, f"评分方案 {DEFAULT_NAME}：")
    where = f"评分方案文件“{path}”："
    p = Path(path)
    if not p.is_file():
        raise ProfileError(f"找不到评分方案文件“{path}”（请检查文件名和所在文件夹）")
    try:
        over = tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{where}不是 UTF-8 编码的文本（用记事本或 WPS 另存为 UTF-8 编码）") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}不是有效的 TOML（{exc}）：请对照默认方案 national-2020.toml 修改。") from None
    except OSError as exc:
        raise ProfileError(f"{where}无法读取（{exc.strerror or exc}）。") from None
    _check_shape(base, over, where)
    return _build(_merge(base, over), where)
