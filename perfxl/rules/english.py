"""English titles, messages and hints for ``--lang en`` (values stay as the workbook has them).

Chinese is the product's language; this table lets an English-reading auditor follow a report.
"""

from __future__ import annotations

from perfxl.model import Finding
from perfxl.rules import reviewer as _reviewer
from perfxl.rules.catalogue import _Values

EN: dict[str, tuple[str, str, str]] = {
    "R101": ("No unit sheet", "The workbook has no unit sheet (one with a 单位名称 label); unit-level checks were skipped", "Add a unit sheet with labels in column A and values in column B (perfxl init makes one)"),
    "R102": ("No summary sheet", "The workbook has no summary sheet (headers 项目名称 and 自评得分); summary checks were skipped", "Add a summary sheet: 序号, 项目名称, 全年预算数, 全年执行数, 执行率, 自评得分, 评价等级"),
    "R103": ("Second unit or summary sheet", "Sheet “{sheet}” is also a {kind}; only the first, “{first}”, is read", "Remove or merge the duplicate sheet"),
    "R104": ("Hidden sheet", "Sheet “{sheet}” is hidden and is still read as a {kind}", "Delete it if it should not be checked"),
    "R110": ("Required value missing", "“{label}” is empty", "Fill in {what} to the right of “{label}”"),
    "R111": ("Not a number", "“{label}” must be a number but holds “{value}”", "Type a plain number; put explanations in the reason column"),
    "R112": ("Number stored as text", "“{label}” holds the text “{value}”, a number stored as text", "Convert it to a number (text numbers are skipped by Excel's SUM)"),
    "R113": ("Formula values computed by perfxl", "{count} formulas had no cached value; perfxl computed them", "Open and save the file once in Excel/WPS to store the results"),
    "R114": ("Formula cannot be computed", "Formula {formula} has no cached value and perfxl cannot compute it ({reason})", "Open and save the file in Excel/WPS, or use common functions"),
    "R115": ("Invalid evaluation year", "Evaluation year “{value}” is not a year", "Type a four-digit year such as 2025"),
    "R116": ("Evaluation year unknown", "No evaluation year on the unit sheet or in a project title; deadlines without a year cannot be checked", "Fill in 评价年度 on the unit sheet"),
    "R117": ("No weight column", "The indicator table has no 分值 column; scores are not checked against weights", "Add a 分值 column if possible"),
    "R118": ("Required block missing", "{block} was not found on this sheet", "Add {block} as on the standard form"),
    "R119": ("Content the output cannot keep", "The output workbook will not contain: {part}", "The input is untouched; use --no-write to keep only the report"),
    "F101": ("Funding parts do not add up", "年度资金总额 {column} is {total}, the parts add up to {parts}", "Correct the parts or the total"),
    "F102": ("Execution rate wrong", "Execution rate typed {entered}; {executed}÷{budget} gives {computed}", "Use =executed/budget"),
    "F103": ("Funding score wrong", "Funding score typed {entered}; {weight}×{rate} gives {computed}", "Use =weight*MIN(rate,1)"),
    "F104": ("Executed above budget", "Executed {executed} is above the budget {budget}", "Check the amounts"),
    "F105": ("Negative amount", "{column} is negative: {value}", "Type the correct non-negative amount"),
    "F106": ("Budget is zero", "全年预算数 is 0: no execution rate, funding score 0", "Fill in the budget"),
    "F107": ("Rate typed without %", "Execution rate typed {value}, read as {percent}%", "Format the cell as a percentage"),
    "F108": ("Rate below 100% unexplained", "Execution rate {rate} is below 100% with no reason given", "Explain the gap in 主要问题及原因"),
    "I101": ("Indicator over-scored", "Score {entered} is above the allowed {high} ({detail})", "Lower the score to at most {high}, or correct the actual value"),
    "I102": ("Indicator under-scored", "Score {entered} is below the computed {low} ({detail})", "Confirm the deduction and give its reason, or use {low}"),
    "I103": ("Actual value not a number", "Target “{target}” is quantitative but the actual value “{actual}” is not a number", "Type a number with its unit"),
    "I104": ("Score above weight", "Score {entered} exceeds the weight {weight} ({detail})", "Lower the score to at most the weight"),
    "I105": ("Actual value unverifiable", "Actual value “{actual}” cannot be verified ({detail})", "Use the target's unit or say 已完成/部分完成/未完成"),
    "I106": ("Deduction unexplained", "Score {entered} is below the weight {weight} with no reason given", "Fill in the deviation reason"),
    "I107": ("Non-standard indicator level", "{level} “{value}” is not in the standard list", "Use a standard name if this is a typo"),
    "I108": ("No target", "Indicator “{name}” has no target; only score ≤ weight is checked", "Fill in the annual target"),
    "I109": ("Indicator score missing", "Indicator “{name}” has weight {weight} but no score", "Fill in the score"),
    "I110": ("Sub-item", "“{name}” is read as a sub-item of the row above and not scored", "Nothing to do"),
    "T101": ("Weights do not sum to 100", "Weights sum to {total} (funding {funding} + indicators {indicators}), not 100", "Adjust the weights"),
    "T102": ("First-level split differs", "First-level weights are {actual}; the standard is {expected}", "Follow the standard split or use a profile (--profile)"),
    "T103": ("Cost indicators: split not checked", "This sheet has first-level 成本指标; the split is not checked", "Use a profile with a cost split if your province has one"),
    "T104": ("Total does not add up", "Total typed {entered}; funding {funding} + indicators {indicators} = {computed}", "Use =funding score + SUM(indicator scores)"),
    "T105": ("Total weight not 100", "The total row's weight is {entered}, not 100", "Type 100"),
    "S101": ("Summary row without project", "Summary row “{name}” has no project sheet", "Make the name match the project sheet's 项目名称"),
    "S102": ("Project missing from summary", "Project “{name}” (sheet “{sheet}”) is not in the summary", "Add a summary row for it"),
    "S103": ("Names match only loosely", "Summary name “{summary_name}” and project name “{project_name}” differ", "Use the same name in both places"),
    "S104": ("Summary amount differs", "{column} is {entered}; project sheet “{project_sheet}” has {expected}", "Copy or reference the project sheet's value"),
    "S105": ("Summary rate differs", "Rate is {entered}; project “{name}” has {expected}", "Use =executed/budget or reference the project sheet"),
    "S106": ("Summary score differs", "Score is {entered}; project “{name}” scores {expected}", "Use {expected}"),
    "S107": ("Summary grade differs", "Grade “{entered}”, but project “{name}” scoring {score} is “{expected}”", "Use “{expected}”"),
    "S108": ("Summary total row wrong", "The total row's {column} is {entered}; the rows add up to {expected}", "Use =SUM(...)"),
    "U101": ("Staff total wrong", "Staff total is {entered}; the categories add up to {expected}", "Correct the total"),
    "U102": ("Spending ≠ basic + project", "Spending is {entered}; basic {basic} + project {project} = {expected}", "Check the three amounts"),
    "U103": ("Basic ≠ personnel + public", "Basic spending is {entered}; personnel {personnel} + public {public} = {expected}", "Check the three amounts"),
    "U104": ("Balance does not hold", "Closing balance is {entered}; opening {opening} + income {income} − spending {spending} = {expected}", "Check income, spending and balances"),
    "U105": ("Project spending ≠ projects", "Project spending is {entered}; the {count} project sheets executed {expected}", "Check for missing project sheets or wrong amounts"),
    "U106": ("Staff count not a whole number", "“{label}” is {value}; it must be a whole number ≥ 0", "Type a whole number"),
    "X101": ("Formula gives an error", "Formula {formula} gives {value}", "Check the cells it refers to"),
    "X102": ("Text date with two-digit year", "Date “{value}” is text with a two-digit year", "Type a full date"),
    "X103": ("Inconsistent formula", "Formula {formula} differs from {other} in {neighbours}", "Copy the neighbouring formula if it should be the same"),
    "X104": ("Formula omits adjacent cells", "Formula {formula} leaves out the adjacent {cell} ({value})", "Extend the range: {suggestion}"),
    "X105": ("Unlocked formula cell", "The cell holding {formula} is not locked", "Lock it and protect the sheet"),
    "X106": ("Formula refers to empty cell", "Formula {formula} refers to the empty {cell}", "Check the reference"),
    "X107": ("Value not in the dropdown list", "“{value}” is not in this cell's list ({choices})", "Pick a value from the list"),
    "X108": ("Constant where a formula belongs", "A formula belongs here (neighbours hold {other}); a constant {value} was typed", "Restore the formula"),
    "X109": ("Stale cached value", "Formula {formula} stores {cached}; computed it gives {computed}", "Recalculate (Ctrl+Alt+F9) and save"),
    "X110": ("Reference to another workbook", "Formula {formula} refers to another workbook", "Copy the data into this workbook"),
    "X111": ("Circular reference", "Formula {formula} refers to itself", "Remove the self-reference"),
    "X112": ("Name points to #REF!", "Name “{name}” points to {target}", "Delete or fix the name"),
    "X113": ("Volatile function in a total", "Formula {formula} uses {functions}", "Use direct references"),
    "X114": ("Summary formula points at another project", "The row's project is “{name}” (sheet “{expected}”), but {formula} refers to sheet “{actual}”", "Refer to sheet “{expected}”"),
}

EN.update(_reviewer.EN)

SEVERITY_EN = {"error": "error", "warning": "warning", "info": "info"}


def localize(f: Finding, lang: str) -> tuple[str, str]:
    """(message, hint) of a finding in ``lang``; Chinese when no translation exists."""
    if lang != "en" or f.code not in EN:
        return f.message, f.hint
    _, message, hint = EN[f.code]
    values = _Values(f.values)
    return message.format_map(values), hint.format_map(values)
