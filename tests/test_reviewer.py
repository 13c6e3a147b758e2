"""V: reviewer checks and provincial scoring options (docs/template.md §4.1).

Each reviewer check is a row of a table: an edit that makes it fire (at a named cell) and
a near miss that keeps it quiet. The scoring options are tested at every cap band's edges
and for the deduction in both directions (at least and at most alike).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from layouts import Book, Ind, build
from perfxl.rules.catalogue import RULES
from perfxl.result import run_checks
from perfxl.scoring.adjust import adjust, deviation
from perfxl.scoring.profile import ProfileError, load_profile
from perfxl.workbook.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
CAPS = str(ROOT / "examples" / "profiles" / "execution-caps.toml")
DEFAULT = load_profile()
WITH_CAPS = load_profile(CAPS)


def _proj(**kw):
    def edit(book):
        for k, v in kw.items():
            setattr(book.projects[0], k, v)
    return edit


def _ind(i, **kw):
    def edit(book):
        for k, v in kw.items():
            setattr(book.projects[0].indicators[i], k, v)
    return edit


def _row(i, ind: Ind):
    def edit(book):
        book.projects[0].indicators[i] = ind
    return edit


def _all_actuals(text):
    def edit(book):
        for ind in book.projects[0].indicators:
            ind.actual = text
    return edit


def _both(*edits):
    def edit(book):
        for e in edits:
            e(book)
    return edit


@dataclass
class Case:
    code: str
    fire: Callable[[Book], None]
    quiet: Callable[[Book], None]
    cell: object  # a key of the builder's Where on 项目1
    caps: bool = False  # run with examples/profiles/execution-caps.toml
    why: str = ""

    @property
    def profile(self):
        return WITH_CAPS if self.caps else DEFAULT


TIME = ("产出指标", "时效指标", "响应时间")
CASES = [
    Case("V101", _proj(executed=59), _proj(executed=60), "total", why="59% vs 60%: the threshold"),
    Case("V101", _proj(executed=0), _both(_proj(executed=0, total=59),
                                          *(_ind(i, score=s) for i, s in enumerate((10, 10, 10, 20, 9)))),
         "total", why="0% spent: graded 优 fires, graded 差 does not"),
    Case("V102", _ind(0, target="≥1000平方米", actual="1300平方米"), _ind(0, target="≥1000平方米", actual="1299平方米"),
         (0, "actual"), why="at least: 30% above fires, 29.9% does not"),
    Case("V102", _row(2, Ind(*TIME, "≤24小时", "16.8小时", 15, 15)), _row(2, Ind(*TIME, "≤24小时", "16.9小时", 15, 15)),
         (2, "actual"), why="at most: 30% below fires, 29.6% does not"),
    Case("V103", _proj(executed=89), _proj(executed=90), "total",
         why="full marks at 89% spent; 90% (reviewer.full_marks_rate_below) is no doubt"),
    Case("V103", _proj(problems="部分设备未按时到货"), _proj(problems="无"), "total",
         why="full marks while 主要问题 names a problem; 无 names none"),
    Case("V106", _proj(executed=89, problems="工程尾款未结算，结转下年支付"), _proj(executed=89), "total",
         why="89% spent and 主要问题 explains the spending: a note; without the text it is V103"),
    Case("V106", _proj(executed=96, problems="部分资金尚未支付"), _proj(executed=96), "total",
         why="96% spent, the unspent money explained as F108 asks; nothing to say without a text"),
    Case("V104", _both(_ind(0, score=18, reason="面积测量有误差"), _proj(problems="无")),
         _both(_ind(0, score=18, reason="面积测量有误差"), _proj(problems="测量误差，已整改")), "problems",
         why="points lost, 主要问题 says 无"),
    Case("V104", _both(_ind(3, score=25, reason="效果待观察"), _proj(problems="暂无")), _proj(problems="暂无"),
         "problems", why="暂无 is fine when nothing was lost"),
    Case("V105", _all_actuals("已完成"), _both(_all_actuals("已完成"), _ind(4, actual="95%")), (0, "actual"),
         why="every B the same text; one different B is enough"),
    Case("V201", _proj(executed=49), _proj(executed=49, total=59), "total", caps=True,
         why="49% spent: cap 59; an entered 59 is not over-scoring"),
    Case("V202", _proj(executed=49, total=59), _proj(executed=80), "total", caps=True,
         why="capped without over-scoring; 80% is not capped"),
]


def _run(tmp_path, edit, profile, layout="national"):
    book = Book()
    edit(book)
    path = tmp_path / f"{layout}.xlsx"
    where = build(book, path, layout)
    return run_checks(read_workbook(str(path)), profile), where


IDS = [f"{c.code}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reviewer_check_fires_at_its_cell(tmp_path, case):
    result, where = _run(tmp_path, case.fire, case.profile)
    hits = [f for f in result.findings if f.code == case.code]
    assert hits, (case.why, [(f.code, f.cell, f.message) for f in result.findings])
    assert ("项目1", where("项目1", case.cell)) in {(f.sheet, f.cell) for f in hits}
    for f in hits:
        assert f.severity == RULES[case.code].severity
        assert f.message and "{" not in f.message and "{" not in f.hint


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reviewer_check_quiet_on_the_near_miss(tmp_path, case):
    result, _ = _run(tmp_path, case.quiet, case.profile)
    assert not [f for f in result.findings if f.code == case.code], case.why


def test_v101_v102_v103_v104_v105_v106_v201_v202_have_table_cases():
    assert {c for c in RULES if c.startswith("V")} == {c.code for c in CASES}


def test_reviewer_checks_are_never_errors():
    """Warnings, and V106 a note: the arithmetic may hold (docs/template.md §4.1)."""
    assert {RULES[c].severity for c in RULES if c.startswith("V1")} == {"warning", "info"}
    assert [c for c in RULES if c.startswith("V1") and RULES[c].severity == "info"] == ["V106"]


def test_normal_projects_raise_no_full_marks_doubt(tmp_path):
    """95–98% spent at full marks, with or without the reason F108 asks for: no V103 (a V106 note
    where the reason is written)."""
    for executed, problems, expected in ((95, "", set()), (98, "", set()),
                                         (95, "部分工程款尚未支付，结转下年使用", {"V106"})):
        result, _ = _run(tmp_path, _proj(executed=executed, problems=problems), DEFAULT)
        assert {f.code for f in result.findings if f.code.startswith("V")} == expected, executed


def test_every_reviewer_rule_says_what_silences_it():
    for code in (c for c in RULES if c.startswith("V")):
        assert "不提示" in RULES[code].rationale, code


@pytest.mark.parametrize("layout", ("provincial", "messy"))
def test_reviewer_checks_in_other_layouts(tmp_path, layout):
    result, _ = _run(tmp_path, _both(_proj(executed=30), _ind(0, target="≥1000平方米", actual="1500平方米")),
                     DEFAULT, layout)
    assert {"V101", "V102"} <= {f.code for f in result.findings}


def test_messages_carry_the_numbers(tmp_path):
    result, _ = _run(tmp_path, _proj(executed=0, problems="资金未拨付"), DEFAULT)
    v101 = next(f for f in result.findings if f.code == "V101")
    assert v101.message.startswith("执行率0%，自评为优（90分）")
    result, _ = _run(tmp_path, _row(2, Ind(*TIME, "≤24小时", "12小时", 15, 15)), DEFAULT)
    v102 = next(f for f in result.findings if f.code == "V102")
    assert "“12小时”" in v102.message and "“≤24小时”" in v102.message and "50%" in v102.message
    assert "扣" not in v102.message  # national-2020 takes no points


def test_total_typed_as_the_cap_adds_up(tmp_path):
    """Under a capping profile the form's 总分 is the capped sum: no T104, no V201, only the V202 note."""
    result, where = _run(tmp_path, _proj(executed=49, total=59), WITH_CAPS)
    assert [(f.code, f.cell) for f in result.findings if f.code.startswith(("T", "V2"))] == \
        [("V202", where("项目1", "total"))]
    assert result.projects[0].entered_agrees is True
    result, _ = _run(tmp_path, _proj(executed=49, total=58), WITH_CAPS)
    assert "T104" in {f.code for f in result.findings}  # below the cap and not the sum: does not add up
    result, _ = _run(tmp_path, _proj(executed=49, total=59), DEFAULT)
    assert "T104" in {f.code for f in result.findings}  # national-2020 caps nothing


def test_v101_gives_way_to_the_cap_error(tmp_path):
    result, _ = _run(tmp_path, _proj(executed=10), WITH_CAPS)
    codes = [f.code for f in result.findings]
    assert "V201" in codes and "V101" not in codes


# -- execution caps: every band's edges --------------------------------------------------


@pytest.mark.parametrize("rate,score", [
    (1.0, 100), (0.8, 100), (0.7999, 89), (0.7, 89), (0.6999, 79), (0.6, 79), (0.5999, 69), (0.5, 69),
    (0.4999, 59), (0.0, 59), (None, 100),
])
def test_cap_band_edges(rate, score):
    got, steps = adjust(100.0, rate, 0, WITH_CAPS)
    assert got == score
    assert [s.kind for s in steps] == ([] if score == 100 else ["cap"])


def test_cap_never_raises_a_score():
    assert adjust(50.0, 0.1, 0, WITH_CAPS) == (50.0, [])


def test_caps_off_in_national_2020():
    assert DEFAULT.execution_caps == [] and DEFAULT.deviation_points == 0
    assert adjust(100.0, 0.0, 3, DEFAULT) == (100.0, [])


def test_cap_reason_names_rate_and_cap():
    _, steps = adjust(93.33, 30 / 90, 0, WITH_CAPS)
    assert steps[0].reason() == "执行率33%，按本方案得分上限为59分"
    _, steps = adjust(95.0, 0.796, 0, WITH_CAPS)  # 80% when rounded, yet below 80%
    assert steps[0].reason() == "执行率79.6%，按本方案得分上限为89分"


@pytest.mark.parametrize("executed,score,grade", [(80, 98, "优"), (79, 89, "良"), (50, 69, "中"), (49, 59, "差")])
def test_capped_score_is_the_project_score(tmp_path, executed, score, grade):
    result, _ = _run(tmp_path, _proj(executed=executed), WITH_CAPS)
    p = result.projects[0]
    assert (p.score, p.grade) == (score, grade)
    assert p.raw_score == round(90 + executed / 10, 2)
    assert bool(p.adjustments) == (executed < 80)


# -- deviation: at least and at most alike ------------------------------------------------


@pytest.mark.parametrize("direction,a,b,share", [
    ("at_least", 10, 13, 0.3), ("at_least", 10, 12.9, 0.29), ("more_than", 100, 200, 1.0), ("at_least", 10, 9, None),
    ("at_most", 24, 16.8, 0.3), ("at_most", 24, 16.9, 0.295833333), ("less_than", 10, 5, 0.5),
    ("at_most", 24, 30, None), ("equal", 10, 13, None), ("at_least", 0, 5, None), ("at_least", -5, 5, None),
])
def test_deviation_share(direction, a, b, share):
    got = deviation(direction, a, b)
    assert got == (pytest.approx(share) if share is not None else None)


@pytest.mark.parametrize("target,actual,deducted", [
    ("≥1000平方米", "1300平方米", True), ("≥1000平方米", "1299平方米", False),
    ("≤24小时", "16.8小时", True), ("≤24小时", "16.9小时", False),
    ("≥90%", "100%", False), ("<10天", "7天", True),
    ("1000-1200平方米", "1500平方米", False), ("1000-1200平方米", "1560平方米", True),  # a range: beyond its top
])
def test_deduction_at_least_and_at_most(tmp_path, target, actual, deducted):
    row = Ind(*TIME, target, actual, 15, 15) if "时" in target or "天" in target else \
        Ind("产出指标", "数量指标", "维修面积", target, actual, 15, 15)
    result, _ = _run(tmp_path, _row(2, row), WITH_CAPS)
    p = result.projects[0]
    assert p.raw_score == 100
    assert p.score == (98 if deducted else 100)
    if deducted:
        assert [s.kind for s in p.adjustments] == ["deduction"]
        assert "1个指标偏离" in p.adjustments[0].reason()


def test_deduction_counts_each_indicator_then_the_cap_applies(tmp_path):
    edit = _both(_proj(executed=75), _ind(0, target="≥1000平方米", actual="2000平方米"),
                 _row(2, Ind(*TIME, "≤24小时", "2小时", 15, 15)))
    result, _ = _run(tmp_path, edit, WITH_CAPS)
    p = result.projects[0]
    assert p.raw_score == 97.5
    assert [(s.kind, s.after) for s in p.adjustments] == [("deduction", 93.5), ("cap", 89)]
    assert p.score == 89 and p.grade == "良"


def test_deduction_is_not_below_zero():
    profile = load_profile(CAPS)
    profile.deviation_points = 40
    assert adjust(50.0, 1.0, 2, profile)[0] == 0


# -- the profile file -----------------------------------------------------------------------


def _profile(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return load_profile(str(path))


def test_example_profile_values():
    assert WITH_CAPS.execution_caps == [(0.8, 89), (0.7, 79), (0.6, 69), (0.5, 59)]
    assert (WITH_CAPS.deviation_share, WITH_CAPS.deviation_points) == (0.3, 2)
    assert WITH_CAPS.excellent_rate_below == DEFAULT.excellent_rate_below  # the rest is national-2020


@pytest.mark.parametrize("text,expected", [
    ('[execution_caps]\n"八成" = 89\n', "应为百分数"),
    ('[execution_caps]\n"0.8" = 89\n', "应为百分数"),
    ('[execution_caps]\n"80%" = 120\n', "0 到 100"),
    ('[execution_caps]\n"150%" = 89\n', "0% 到 100%"),
    ('[execution_caps]\n"80%" = "89分"\n', "应为数字"),
    ('[deviation]\npointz = 2\n', "不认识“deviation.pointz”"),
    ('[deviation]\nshare = 0\n', "deviation.share"),
    ('[reviewer]\nexcellent_rate_below = 60\n', "0 到 1"),
    ('[reviewer]\nfull_marks_rate_below = 90\n', "0 到 1"),
    ('[reviewer]\nexecution_words = "执行"\n', "文字列表"),
    ('[reviewer]\nempty_words = "无"\n', "文字列表"),
])
def test_bad_option_is_a_clear_error(tmp_path, text, expected):
    with pytest.raises(ProfileError) as exc:
        _profile(tmp_path, text)
    assert expected in str(exc.value) and "p.toml" in str(exc.value)


def test_thresholds_are_profile_values(tmp_path):
    p = _profile(tmp_path, '[reviewer]\nexcellent_rate_below = 0.3\n[deviation]\nshare = 0.5\n')
    result, _ = _run(tmp_path, _both(_proj(executed=40), _ind(0, target="≥1000平方米", actual="1400平方米")), p)
    assert not {"V101", "V102"} & {f.code for f in result.findings}
    p = _profile(tmp_path, '[reviewer]\nfull_marks_rate_below = 0.95\nexecution_words = ["财政"]\n')
    result, _ = _run(tmp_path, _proj(executed=92, problems="部分资金尚未支付"), p)
    assert "V103" in {f.code for f in result.findings}  # 92% is below this profile's 95%; 资金 is not its word
    assert DEFAULT.full_marks_rate_below == 0.9


# -- the sample ---------------------------------------------------------------------------------


def test_sample_reviewer_warnings_and_no_new_error(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check", "samples/2025.xlsx", "--format", "json", "--no-write")
    data = json.loads(result.output)
    v101 = sorted(f["sheet"] for f in data["findings"] if f["code"] == "V101")
    low = sorted(p["sheet"] for p in data["projects"] if p["execution_rate"] < 0.6 and p["grade"] == "优")
    assert v101 == low and len(low) == 7
    errors = {(f["code"], f["sheet"], f["cell"]) for f in data["findings"] if f["severity"] == "error"}
    assert errors == {("U105", "单位情况", "B19"), ("S106", "汇总", "C16")}
    assert data["summary"]["grades"] == {"优": 14, "良": 1, "中": 0, "差": 0}


def test_sample_with_execution_caps_grades_6_1_1_7(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("check", "samples/2025.xlsx", "--profile", "examples/profiles/execution-caps.toml",
                 "--format", "json", "--no-write")
    data = json.loads(result.output)
    assert data["summary"]["grades"] == {"优": 6, "良": 1, "中": 1, "差": 7}
    p4 = next(p for p in data["projects"] if p["sheet"].startswith("04"))
    assert (p4["raw_score"], p4["score"], p4["grade"]) == (93.33, 59, "差")
    assert p4["adjustments"][0]["reason"] == "执行率33%，按本方案得分上限为59分"
    # summary rows copying an over-capped 总分 are consequences, not findings of their own
    assert not [f for f in data["findings"] if f["code"] in ("S106", "S107") and f["cell"] != "C16"]


# -- every view shows the adjusted score and why ----------------------------------------------


def test_views_show_the_capped_score_and_why(run, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    from perfxl.views.narrative import narrative
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.xlsx"
    result = run("check", "samples/2025.xlsx", "--profile", "examples/profiles/execution-caps.toml", "-o", out)
    assert "注：序号4，执行率33%，按本方案得分上限为59分（核算93.33分，按本方案为59分）" in result.output
    wb = load_workbook(out)
    ws = wb["自评结果"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == 4)
    assert (ws.cell(row, 7).value, ws.cell(row, 8).value) == (59, "差")
    assert "执行率33%，按本方案得分上限为59分" in ws.cell(row, 7).comment.text
    texts = [c.value for c in wb["自评综述"]["A"] if c.value]
    assert any("该项目绩效自评得分为59分（执行率33%，按本方案得分上限为59分）。" in t for t in texts)
    assert any("评优率为40%" in t for t in texts)
    book = read_workbook(str(ROOT / "samples" / "2025.xlsx"))
    paragraphs = narrative(run_checks(book, WITH_CAPS))
    assert any("“差”项目7个" in t for t in paragraphs)


# -- the README documents profiles ------------------------------------------------------------


def _leaf_keys(table: dict, path: str = "") -> set[str]:
    open_tables = {"split", "cost_split", "grades", "execution_caps", "numbers.multipliers", "units.synonyms",
                   "level1", "level2"}
    out = set()
    for k, v in table.items():
        dotted = f"{path}.{k}" if path else k
        if isinstance(v, dict) and dotted not in open_tables:
            out |= _leaf_keys(v, dotted)
        else:
            out.add(dotted)
    return out


def test_readme_documents_every_profile_key():
    import re
    import tomllib
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| 键 | 含义"):readme.index("方案文件有误时")]
    default = tomllib.loads((ROOT / "perfxl" / "scoring" / "profiles" / "national-2020.toml").read_text("utf-8"))
    documented = set()
    for cell in re.findall(r"^\| (.+?) \|", table, re.M):
        for name in re.findall(r"`\[?([a-z_.*0-9]+)\]?`", cell):
            documented.add(name)
    missing = set()
    for key in _leaf_keys(default) | {"cost_split"}:
        section = key.split(".")[0]
        if key in documented or f"{section}.*" in documented:
            continue
        if "." in key and key.rsplit(".", 1)[1] in documented and any(d.startswith(section + ".") for d in documented):
            continue  # `numbers.percent` / `per_mille`: the section is written once per cell
        missing.add(key)
    assert not missing, sorted(missing)


def test_readme_shows_the_error_a_bad_key_gets(run, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("方案文件有误时"):]
    expected = block.split("```")[1].strip()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "本省.toml").write_text("[deviation]\npointz = 2\n", encoding="utf-8")
    result = run("check", ROOT / "samples" / "2025.xlsx", "--profile", "本省.toml")
    assert result.exit_code == 2
    assert result.output.strip() == expected


def test_adjustment_properties():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(raw=st.floats(0, 100), rate=st.floats(0, 1.5), lower=st.floats(0, 1.5), n=st.integers(0, 8))
    def check(raw, rate, lower, n):
        raw = round(raw, 2)
        score, steps = adjust(raw, rate, n, WITH_CAPS)
        assert 0 <= score <= raw
        cap = WITH_CAPS.cap_for(rate)
        if cap is not None:
            assert score <= cap[1]
        assert adjust(raw, min(rate, lower), n, WITH_CAPS)[0] <= score  # spending less never scores more
        assert adjust(raw, rate, n + 1, WITH_CAPS)[0] <= score  # one more deviation never scores more
        assert [s.kind for s in steps] == sorted((s.kind for s in steps), key=["deduction", "cap"].index)
    check()
