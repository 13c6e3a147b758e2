"""The catalogue is the documentation: complete entries, docs in sync, every code used."""

import re
from pathlib import Path

import pytest

from perfxl.rules.catalogue import FAMILIES, RULES, finding, select
from perfxl.rules.docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_is_complete():
    for code, rule in RULES.items():
        assert re.fullmatch(r"[A-Z]\d{3}", code) and rule.family in FAMILIES
        assert rule.severity in ("error", "warning", "info")
        for field in ("title", "rationale", "message", "hint", "bad", "good"):
            assert getattr(rule, field).strip(), (code, field)


def test_docs_are_generated_from_the_catalogue():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), \
        "docs/rules.md is stale: run python -m perfxl.rules.docs"


def test_every_code_is_used_and_every_used_code_exists():
    """A declared rule is raised somewhere (``add("F101"``, ``finding("R113"``, ``ReadError("E101"``,
    ``_fail("E110"``), and every code raised is declared."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "perfxl").rglob("*.py"))
    used = set(re.findall(r'(?:add|finding|ReadError|Fatal|_fatal|_fail|report)\(\s*"([A-Z]\d{3})"', source))
    assert used <= set(RULES), used - set(RULES)
    assert set(RULES) <= used, set(RULES) - used


def test_messages_render_without_placeholders_left_for_known_values():
    f = finding("I104", "项目3", "H17", entered=15.0, weight=10.0, detail="实际完成值1800平方米，按比例应得13.5")
    assert f.message == "得分15超过分值10（实际完成值1800平方米，按比例应得13.5）"
    assert (f.sheet, f.cell, f.severity) == ("项目3", "H17", "error")


def test_select_and_ignore_by_code_and_family():
    codes = list(RULES)
    assert select(codes, ("F",)) == {c for c in codes if c.startswith("F")}
    assert "I104" not in select(codes, (), ("I104",))
    assert not any(c.startswith("S") for c in select(codes, (), ("S",)))
    assert "X106" not in select(codes) and "X106" in select(codes, ("X106",))


def test_every_rule_has_an_english_text():
    from perfxl.excel.reasons import Reason
    for code, rule in RULES.items():
        assert all(t.strip() for t in rule.en), code
    f = finding("I104", "项目3", "H17", entered=15.0, weight=10.0, detail="…")
    assert f.text("en")[0] == "Score 15 exceeds the weight 10 (…)"
    assert f.text("zh") == (f.message, f.hint)
    f = finding("I104", "项目3", "H17", entered=15.0, weight=10.0, detail=Reason("quantity", quantity="1800平方米", score="13.5"))
    assert f.message.startswith("得分15超过分值10（实际完成值1800平方米，按规则应得13.5）")
    assert f.text("en")[0] == "Score 15 exceeds the weight 10 (actual value 1800平方米: the rules give 13.5)"


def test_english_texts_have_no_chinese():
    """--lang en is English throughout: a rule's English names labels in English too."""
    for code, rule in RULES.items():
        for text in rule.en:
            assert not re.search(r"[\u4e00-\u9fff]", text), (code, text)


def test_the_catalogue_lists_every_module_that_declares_rules():
    """Every rule any module of the package declares is in the catalogue (loaded from the
    explicit FAMILY_MODULES, not from whatever happened to be imported)."""
    import importlib
    import pkgutil

    import perfxl
    from perfxl import model
    from perfxl.rules.catalogue import FAMILY_MODULES, load

    for info in pkgutil.walk_packages(perfxl.__path__, "perfxl."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    assert list(load()) == list(RULES) and set(RULES) == set(model.RULES)
    assert all(m.DECLARED for m in FAMILY_MODULES)
    with pytest.raises(ValueError, match="declared twice"):
        load(FAMILY_MODULES + FAMILY_MODULES[:1])
