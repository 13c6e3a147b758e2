"""The repository stands on its own: its documents point only at its own files, the
contract's sections that code and rules cite exist, and the README's examples are what the
tool prints today."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = ["../" + "shared", "/work/" + "shared", "TEMPLATE" + " §", "rule-engine" + " issue"]


def _files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        names = out.split("\n")
    except (OSError, subprocess.CalledProcessError):  # an unpacked copy without git
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / n for n in names if n and (ROOT / n).is_file()]


def _texts():
    for path in _files():
        try:
            yield path, path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (workbooks, pictures)


def test_nothing_points_outside_the_repository():
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path, text in _texts()
             for n, line in enumerate(text.split("\n"), 1) if any(s in line for s in OUTSIDE)]
    assert found == []


def test_cited_sections_of_the_contract_exist():
    contract = (ROOT / "docs" / "template.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#+ §(\d+(?:\.\d+)?)\b", contract, re.M))
    assert {"1", "2", "2.1", "2.2", "2.3", "3", "4", "4.1", "5", "6", "7"} <= sections
    cited = set()
    for path, text in _texts():
        for group in re.findall(r"docs/template\.md ((?:§\d+(?:\.\d+)?(?:[–,\s]+|$))+)", text):
            cited |= set(re.findall(r"§(\d+(?:\.\d+)?)", group))
    assert cited and cited <= sections, cited - sections


def test_readme_examples_are_current():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import readme
    finally:
        sys.path.pop(0)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.BLOCK.search(text), "README has no generated example"
    assert readme.updated(text) == text, "README examples are stale: run python docs/readme.py"


@pytest.mark.parametrize("name", ["fonts-cjk.conf"])
def test_libreoffice_helpers_are_shipped(name):
    assert (ROOT / "docs" / name).is_file()
    assert (ROOT / "tests" / "data" / "registrymodifications.xcu").is_file()
    assert "docs/fonts-cjk.conf" in (ROOT / "README.md").read_text(encoding="utf-8")
