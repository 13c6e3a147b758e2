"""English for ``--lang en``: each rule carries its English title, message and hint
(declared beside the check); values stay as the workbook has them."""

from __future__ import annotations

from perfxl.model import SEVERITY_EN, Finding  # noqa: F401  (re-exported)
from perfxl.rules.catalogue import RULES

EN: dict[str, tuple[str, str, str]] = {code: rule.en for code, rule in RULES.items()}


def localize(f: Finding, lang: str) -> tuple[str, str]:
    """(message, hint) of a finding in ``lang``; Chinese when no translation exists."""
    return f.text(lang)
