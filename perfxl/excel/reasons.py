"""Reasons: why perfxl computes, scores or keeps something as it does, as a code and its
arguments, with the Chinese and English texts of every code in one table (``TEXTS``).

A reason fills a rule's message (R114's ``{reason}``, I101's ``{detail}``, R119's ``{part}``)
and stays in the finding's raw values. It is made where the reason arises: the formula
evaluator (a formula it cannot compute), the package scan (what openpyxl cannot keep) and
the scorer (why a score's range is what it is). So the table sits below all of them; the
English report takes ``Reason.en`` instead of translating the Chinese back.

A ``Reason`` is a ``str`` (its Chinese text): the JSON, the 检查结果 sheet and every message
show it as before, and it pickles (the batch's workers send findings back).
"""

from __future__ import annotations

# code -> (Chinese, English); the placeholders are the reason's arguments. An argument that is
# itself a Reason (a level, a sentence a score range follows) is shown in the same language.
TEXTS: dict[str, tuple[str, str]] = {
    # the formula evaluator (perfxl.excel.formula): a formula it cannot compute (R114)
    "range_too_large": ("区域过大，无法按数组计算", "the range is too large to compute as an array"),
    "other_workbook": ("引用了其他工作簿", "it refers to another workbook"),
    "table_reference": ("使用了表格结构化引用", "it uses a structured table reference"),
    "3d_reference": ("使用了跨多个工作表的三维引用", "it uses a 3-D reference across several sheets"),
    "function": ("不支持函数 {name}", "the function {name} is not supported"),
    "arguments": ("函数 {name} 的参数个数不对", "the function {name} has the wrong number of arguments"),
    "reference": ("无法计算的引用 {ref}", "the reference {ref} cannot be computed"),
    "nesting": ("公式嵌套超过 {levels} 层", "the formula nests more than {levels} levels deep"),
    "too_deep": ("公式嵌套过深", "the formulas nest too deep"),
    "parse": ("无法解析公式：{formula}", "the formula cannot be parsed: {formula}"),
    "union": ("使用了引用合并运算符：{formula}", "it uses the union operator: {formula}"),
    "array_constant": ("使用了数组常量：{formula}", "it uses an array constant: {formula}"),
    "empty_formula": ("空公式", "the formula is empty"),
    "array_argument": ("函数参数中使用了数组运算", "a function argument uses an array operation"),
    "text_format": ("TEXT 函数的格式“{format}”不受支持", "the format “{format}” of the TEXT function is not supported"),
    "circular": ("循环引用 {cell}", "a circular reference at {cell}"),
    "no_sheet": ("找不到工作表“{sheet}”", "there is no sheet “{sheet}”"),
    "undefined_name": ("未定义的名称 {name}", "the name {name} is not defined"),
    "name_loop": ("名称 {name} 引用了自身", "the name {name} refers to itself"),
    "cannot_compute": ("无法计算", "it cannot be computed"),
    # the package scan (perfxl.excel.package.losses): what the result workbook cannot keep (R119, E114)
    "vba": ("VBA 宏", "VBA macros"),
    "threaded_comments": ("新式（线程）批注（旧式批注会保留）", "threaded comments (notes are kept)"),
    "controls": ("表单控件/ActiveX 控件", "form or ActiveX controls"),
    "sheet_extension": ("工作表“{sheet}”的{what}", "{what} of sheet “{sheet}”"),
    "ext_conditional_formats": ("新式条件格式（数据条/图标集等扩展）",
                                "newer conditional formats (data bar and icon set extensions)"),
    "ext_validations": ("引用其他工作表的数据验证（下拉列表）", "data validations (drop-down lists) reading other sheets"),
    "ext_sparklines": ("迷你图", "sparklines"),
    "ext_slicers": ("切片器", "slicers"),
    "ext_tables": ("表格扩展", "table extensions"),
    "ext_other": ("工作表“{sheet}”的扩展内容（extLst）", "extension content (extLst) of sheet “{sheet}”"),
    "shapes": ("工作表“{sheet}”中的形状/文本框", "shapes or text boxes on sheet “{sheet}”"),
    "pictures": ("工作表“{sheet}”中的图片（未安装 Pillow）", "pictures on sheet “{sheet}” (Pillow is not installed)"),
    # the scorer (perfxl.scoring.targets, perfxl.rules.indicators): why a score's range is what it is
    "met": ("达成", "met"),
    "partly": ("部分达成", "partly met"),
    "not_met": ("未达成", "not met"),
    "level": ("实际完成值“{actual}”为{level}，得分应在{low}至{high}之间",
              "actual value “{actual}” is {level}: the score lies between {low} and {high}"),
    "no_level": ("实际完成值“{actual}”看不出达成程度", "actual value “{actual}” does not say how far the target was met"),
    "no_target": ("没有年度指标值，得分只核对不超过分值", "no target: only score ≤ weight is checked"),
    "actual_empty": ("实际完成值为空", "the actual value is empty"),
    "identical": ("实际完成值与目标一致，应得满分", "the actual value repeats the target: full marks"),
    "unit_mismatch": ("实际完成值“{actual}”的单位与年度指标值“{target}”不同，无法比较",
                      "actual value “{actual}” is in another unit than the target “{target}”"),
    "not_number": ("年度指标值为定量指标，实际完成值“{actual}”不是数字",
                   "the target is quantitative and the actual value “{actual}” is not a number"),
    "quantity": ("实际完成值{quantity}，按规则应得{score}", "actual value {quantity}: the rules give {score}"),
    "late": ("实际完成值“{actual}”为未按时完成", "actual value “{actual}” says it was late"),
    "on_time": ("实际完成值“{actual}”为按时完成", "actual value “{actual}” says it was on time"),
    "not_completed": ("实际完成值“{actual}”为未完成", "actual value “{actual}” says it was not completed"),
    "no_year": ("年度指标值或实际完成值没有写明年份，又无评价年度，无法核对完成时间",
                "neither the target nor the actual value gives a year, and the evaluation year is unknown"),
    "date_met": ("实际完成时间{year}年{month}月{day}日不晚于目标", "completed {year}-{month}-{day}, not later than the target"),
    "date_late": ("实际完成时间{year}年{month}月{day}日晚于目标", "completed {year}-{month}-{day}, later than the target"),
    "full_marks": ("{why}，应得满分", "{why}: full marks"),
    "range": ("{why}，得分应在{low}至{high}之间", "{why}: the score lies between {low} and {high}"),
    "merged_rows": ("合并评分的各行按规则合计", "the rows scored together, added up by the rules"),
    "by_rules": ("按规则计算", "by the rules"),
}


class Reason(str):
    """``Reason("function", name="WEBSERVICE")``: the code, its arguments (``args``), and as a
    ``str`` its Chinese text; ``en`` the English."""

    def __new__(cls, code: str, **args) -> Reason:
        zh, _en = TEXTS[code]
        self = super().__new__(cls, zh.format(**{k: str(v) for k, v in args.items()}))
        self.code, self.args = code, args
        return self

    def text(self, lang: str = "zh") -> str:
        if lang != "en":
            return str.__str__(self)
        return TEXTS[self.code][1].format(**{k: v.en if isinstance(v, Reason) else str(v) for k, v in self.args.items()})

    @property
    def en(self) -> str:
        return self.text("en")

    def __getnewargs_ex__(self):
        return (self.code,), dict(self.args)
