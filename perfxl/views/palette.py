"""The colours of every sheet perfxl writes, defined once: 自评结果 (openpyxl), the roll-up of
``perfxl batch`` and the 复核底稿 of ``perfxl review`` (XlsxWriter) share them, so that a colour
means the same thing wherever a reviewer meets it. RGB hex, no ``#``."""

from __future__ import annotations

# 评价等级: the grade colours of 自评结果, its grade counts and the roll-up's 项目明细 and chart
GRADES = {"优": "C6EFCE", "良": "BDD7EE", "中": "FFE699", "差": "FFC7CE"}
# 需要更正 / 需要关注 (an error, a rate below 60%; a warning, a rate below 100%): apart from the
# grades' pink and yellow, so a 差 project and a wrong figure never look alike
FIX, LOOK = "F4B084", "FFF2CC"
HEAD = "D9D9D9"  # a table's header row
# highlights perfxl adds on the user's own cells (conditional formats), by the worst finding there
MARK = {"error": "FFC7CE", "warning": "FFE699"}
AMBER, RED = MARK["warning"], MARK["error"]

COLOURS = {**GRADES, "amber": AMBER, "red": RED, "head": HEAD, "fix": FIX, "look": LOOK}


def xlsx(colour: str) -> str:
    """``"F4B084"`` -> ``"#F4B084"`` (XlsxWriter's spelling)."""
    return "#" + colour
