"""Scoring profiles as data (TEMPLATE §4): weights, bands, grade limits, tolerances, word lists.

The default ``national-2020`` ships in the package; ``--profile FILE`` merges a TOML file
over it, so a province only writes what differs.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from perfxl.workbook.labels import normalize


class ProfileError(Exception):
    """A profile that cannot be used; the message is for the user, in Chinese."""


@dataclass
class Profile:
    name: str
    funding_weight: float
    split: dict[str, float]
    cost_split: dict[str, float] | None
    grades: list[tuple[str, float]]
    score_tolerance: float
    rate_tolerance: float
    bands: dict[str, tuple[float, float]]
    words: dict[str, list[str]]
    comparisons: dict[str, list[str]]
    suffixes: dict[str, list[str]]
    units: list[str]
    unit_synonyms: dict[str, str]
    level1: dict[str, str]
    level2: dict[str, list[str]]
    duration_units: list[str]
    raw: dict = field(default_factory=dict, repr=False)

    def grade(self, score: float) -> str:
        for name, limit in self.grades:
            if score >= limit - 1e-9:
                return name
        return self.grades[-1][0] if self.grades and self.grades[-1][1] <= 0 else "差"

    def level1_of(self, text: str) -> str | None:
        """``产出指标``, ``产出``, ``产出指标（50分）``, ``一、产出指标`` -> 产出指标."""
        return self.level1.get(normalize(str(text)))

    def is_level2(self, text: str) -> bool:
        key = normalize(str(text))
        return any(key in names for names in self.level2.values())


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _number(d: dict, key: str, where: str) -> float:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ProfileError(f"{where}“{key}”应为数字，实际为“{v}”")
    return float(v)


def _build(data: dict, where: str) -> Profile:
    try:
        scoring = data["scoring"]
        split = {k: float(v) for k, v in data["split"].items()}
        cost = data.get("cost_split") or None
        grades_raw = data["grades"]
        grades = sorted(((k, float(v)) for k, v in grades_raw.items()), key=lambda kv: -kv[1])
        bands = {k: (float(v[0]), float(v[1])) for k, v in data["bands"].items()}
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ProfileError(f"{where}缺少或写错了项目：{exc}") from None
    for k, v in split.items():
        if v < 0:
            raise ProfileError(f"{where}分值结构中“{k}”为负数")
    if not grades or any(v < 0 or v > 100 for _, v in grades):
        raise ProfileError(f"{where}等级线应在 0 到 100 之间")
    for level in ("met", "partly", "not_met"):
        if level not in bands or not (0 <= bands[level][0] <= bands[level][1] <= 1):
            raise ProfileError(f"{where}达成等级“{level}”的得分区间应为 0 到 1 之间的 [下限, 上限]")
    level1 = {}
    for canonical, alts in data["level1"].items():
        for name in [canonical, *alts]:
            level1["".join(unicodedata.normalize("NFKC", name).split())] = canonical
    return Profile(
        name=str(data.get("name", "custom")),
        funding_weight=_number(scoring, "funding_weight", where),
        split=split,
        cost_split={k: float(v) for k, v in cost.items()} if cost else None,
        grades=grades,
        score_tolerance=_number(scoring, "score_tolerance", where),
        rate_tolerance=_number(scoring, "rate_tolerance", where),
        bands=bands,
        words={k: list(v) for k, v in data["words"].items()},
        comparisons={k: list(v) for k, v in data["comparisons"].items()},
        suffixes={k: list(v) for k, v in data["suffixes"].items()},
        units=list(data["units"]["known"]),
        unit_synonyms=dict(data["units"]["synonyms"]),
        level1=level1,
        level2={k: list(v) for k, v in data["level2"].items()},
        duration_units=list(data["units"]["durations"]),
        raw=data,
    )


def _default() -> dict:
    text = resources.files("perfxl.rules").joinpath("profiles/national-2020.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_profile(path: str | None = None) -> Profile:
    base = _default()
    if path is None:
        return _build(base, "评分方案 national-2020：")
    where = f"评分方案“{path}”："
    p = Path(path)
    if not p.is_file():
        raise ProfileError(f"找不到评分方案文件“{path}”：请检查路径。")
    try:
        over = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{where}不是有效的 TOML（{exc}）：请对照默认方案 national-2020.toml 修改。") from None
    return _build(_merge(base, over), where)
