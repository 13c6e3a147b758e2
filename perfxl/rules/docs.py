"""Generate docs/rules.md from the catalogue, so the docs never drift from the code.

Run ``python -m perfxl.rules.docs`` to rewrite it; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from perfxl.rules.catalogue import FAMILIES, RULES, SEVERITY_ZH
from perfxl.workbook.fatal import KEYS

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def render() -> str:
    out = ["# perfxl 检查规则", "",
           "本文件由 `python -m perfxl.rules.docs` 从规则注册表生成（每条规则在做该项检查的模块中声明，`perfxl/rules/catalogue.py` 汇集），请勿手工编辑。", "",
           "严重程度：错误（exit 1）、警告、提示。E 族（文件与命令）的错误使检查无法进行（exit 2），在 JSON 中与其他问题形状相同。`--select`/`--ignore` 接受规则代码或规则族字母。", ""]
    for letter, name in FAMILIES.items():
        rules = [r for r in RULES.values() if r.family == letter]
        out += [f"## {letter} — {name}", "", "| 代码 | 严重程度 | 规则 |", "| --- | --- | --- |"]
        out += [f"| [{r.code}](#{r.code.lower()}) | {SEVERITY_ZH[r.severity]} | {r.title} |" for r in rules]
        out.append("")
        for r in rules:
            out += [f"### {r.code}", "", f"**{r.title}**（{SEVERITY_ZH[r.severity]}）", "",
                    f"- 为什么：{r.rationale}", f"- 提示信息：`{r.message}`", f"- 如何修改：{r.hint}"]
            if r.family == "E":  # a file or command that cannot be checked: its JSON key instead of examples
                out.append(f"- JSON：`findings` 中的这一条，另有 `error.code` 为 `{KEYS.get(r.code, r.code)}`")
            else:
                if r.bad:
                    out.append(f"- 错误示例：{r.bad}")
                if r.good:
                    out.append(f"- 正确示例：{r.good}")
            out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
