"""The colours of every sheet perfxl writes, defined once: 自评结果 (openpyxl), the roll-up of
``perfxl batch`` and the 复核底稿 of ``perfxl review`` (XlsxWriter) share them, so that a colour
means the same thing wherever a reviewer meets it."""

from __future__ import annotations

# RRGGBB, as openpyxl takes them; XlsxWriter's are these with a leading "#" (``xlsx``)
GRADES = {"优": "C6EFCE", "良": "BDD7EE", "中": "FFE699", "差": "FFC7CE"}
HEAD = "D9D9D9"  # table headers
FIX = "F4B084"  # 需要更正: errors, 执行率 below 60%, a score that disagrees
LOOK = "FFF2CC"  # 需要关注: warnings, 执行率 below 100%
AMBER, RED = "FFE699", "FFC7CE"  # marks on the user's own cells (warning, error)

COLOURS = {**GRADES, "amber": AMBER, "red": RED, "head": HEAD, "fix": FIX, "look": LOOK}


def xlsx(colour: str) -> str:
    """``"F4B084"`` -> ``"#F4B084"`` (XlsxWriter's spelling)."""
    return "#" + colour
