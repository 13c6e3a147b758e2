"""The colours of perfxl's workbooks, in one place: the result workbook (openpyxl) and the
roll-up (XlsxWriter) draw the same meaning in the same colour. RGB hex, no ``#``."""

from __future__ import annotations

# 评价等级: the grade colours of 自评结果, its grade counts and the roll-up's 项目明细 and chart
GRADES = {"优": "C6EFCE", "良": "BDD7EE", "中": "FFE699", "差": "FFC7CE"}
# 需要更正 / 需要关注 (an error, a rate below 60%; a warning, a rate below 100%): apart from the
# grades' pink and yellow, so a 差 project and a wrong figure never look alike
FIX, LOOK = "F4B084", "FFF2CC"
HEAD = "D9D9D9"  # a table's header row
# highlights perfxl adds on the user's own cells (conditional formats), by the worst finding there
MARK = {"error": "FFC7CE", "warning": "FFE699"}
