"""Command line: parse options, call the pipeline, print. Exit codes: 0 no errors,
1 errors found, 2 the file could not be read or the command was used wrongly."""

from __future__ import annotations

import json
import os
import sys
from datetime import date

import click

from perfxl import __version__

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

# click's own words (usage, help, usage errors) in Chinese; PERFXL_LANG=en keeps click's English.
CLICK_ZH = {
    "Usage:": "用法：", "Options": "选项", "Commands": "命令", "Positional arguments": "参数",
    "Error: {message}": "错误：{message}", "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数", "Missing option": "缺少选项", "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。", "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}", "argument": "参数", "option": "选项", "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。", "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项：{name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}", "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。", "default: {default}": "默认：{default}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数", "float": "数字", "Aborted!": "已中止！", "unknown error": "未知错误",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。", "file": "文件", "directory": "文件夹",
    "path": "路径", "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用：{possibilities}？）",
}


def _click_in_chinese() -> None:
    """Install the Chinese of click's messages (its modules call gettext through ``_``)."""
    if os.environ.get("PERFXL_LANG", "").lower().startswith("en"):
        return
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    def gettext(message: str) -> str:
        return CLICK_ZH.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


_click_in_chinese()


def _fail(rule: str, /, *, as_json: bool = False, file: str | None = None, lang: str = "zh", **values) -> None:
    """Stop with one line (or one JSON report) for a rule of family E; exit 2."""
    from perfxl.workbook.fatal import ReadError
    _stop(ReadError(rule, **values), as_json=as_json, file=file, lang=lang)


def _stop(exc, *, as_json: bool = False, file: str | None = None, lang: str = "zh") -> None:
    line = exc.line(lang)
    if as_json:
        from perfxl.views.json_report import fatal_report
        click.echo(json.dumps(fatal_report(exc, file, lang), ensure_ascii=False, indent=2))
    else:
        click.echo(("perfxl: " if lang == "en" else "perfxl：") + line, err=True)
    sys.exit(EXIT_UNREADABLE)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for v in values:
        out.extend(x.strip().upper() for x in v.split(",") if x.strip())
    return tuple(out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, options_metavar="[选项]",
             subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", prog_name="perfxl", message="%(prog)s %(version)s")
def cli() -> None:
    """perfxl：预算绩效自评工作簿的生成与检查。

    \b
    perfxl init 2025.xlsx --projects 15     生成标准工作簿
    perfxl check 2025.xlsx                  检查工作簿，报告每个问题所在的单元格
    perfxl rules                            列出全部检查规则
    """


@cli.command(options_metavar="[选项]")
@click.argument("file", type=click.Path(dir_okay=True), metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
@click.option("--profile", "profile_path", type=click.Path(), default=None, metavar="文件",
              help="评分方案 TOML 文件（默认 national-2020，财预〔2020〕10号）")
@click.option("--select", "select_codes", multiple=True, metavar="代码", help="只运行这些规则（代码或族，如 F,I104）")
@click.option("--ignore", "ignore_codes", multiple=True, metavar="代码", help="不运行这些规则（代码或族）")
@click.option("--color/--no-color", default=None, help="彩色输出（默认：终端上彩色，管道或设置 NO_COLOR 时不彩色）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="文件",
              help="结果工作簿的路径（默认：与输入同目录的 <文件名>.perfxl.xlsx）")
@click.option("--no-write", is_flag=True, help="只输出检查报告，不写结果工作簿")
@click.option("--in-place", is_flag=True, help="把结果写回输入文件（先保存 .bak 备份）")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="报告语言（en: English messages）")
def check(file, fmt, profile_path, select_codes, ignore_codes, color, output, no_write, in_place, lang) -> None:
    """检查工作簿 FILE：公式、合计、得分与等级，逐条报告问题所在单元格。

    默认另存结果工作簿 <文件名>.perfxl.xlsx（输入文件不变）：含自评结果、自评综述、检查结果三张表，
    并在有问题的单元格上加可移除的标记和批注。"""
    from perfxl.model import finding
    from perfxl.result import run_checks
    from perfxl.rules.catalogue import RULES, select
    from perfxl.scoring.profile import ProfileError, load_profile
    from perfxl.workbook.reader import ReadError, read_workbook
    from perfxl.views.writer import output_path

    as_json = fmt == "json"
    say = {"as_json": as_json, "file": file, "lang": lang}
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        _fail("E109", **say, detail=str(exc).rstrip("。"))
    try:
        model = read_workbook(file)
    except ReadError as exc:
        _stop(exc, **say)
    if in_place and (output or no_write):
        _fail("E110", **say)
    target = None if no_write else (file if in_place else (output or output_path(file)))
    lost = []
    if target is not None:
        target, lost = _prepare_output(file, target, in_place, say)
    result = run_checks(model, profile, select_codes=_codes(select_codes), ignore_codes=_codes(ignore_codes))
    for part in lost:
        if "R119" in select(list(RULES), _codes(select_codes), _codes(ignore_codes)):
            result.findings.append(finding("R119", None, None, part=part))
    written = None
    if target is not None:
        written = _write(file, target, result, in_place, say)
    if as_json:
        from perfxl.views.json_report import build
        click.echo(json.dumps(build(result, file, lang), ensure_ascii=False, indent=2))
    else:
        from perfxl.views.text import render
        if color is None:
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(render(result, file, color, lang), color=color)
    if written:
        click.echo((f"Result written to: {written}" if lang == "en" else f"结果已写入：{written}"), err=as_json)
    sys.exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


def _lock_file(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, "~$" + name)


def _prepare_output(file: str, target: str, in_place: bool, say: dict):
    """Refuse what must not be written; return (target, parts that would be lost)."""
    from perfxl.excel.package import losses

    if os.path.abspath(target) == os.path.abspath(file) and not in_place:
        _fail("E111", **say)
    if os.path.exists(_lock_file(target)):
        _fail("E112", **say, path=target)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        _fail("E113", **say, folder=folder)
    try:
        lost = losses(file)
    except Exception:  # the reader already accepted the file; a package oddity only limits this report
        lost = []
    if in_place and lost:
        _fail("E114", **say, parts="；".join(lost))
    return target, lost


def _write(file: str, target: str, result, in_place: bool, say: dict) -> str | None:
    import shutil

    from perfxl.views.writer import write_result

    try:
        if in_place:
            shutil.copy2(file, file + ".bak")
        write_result(file, target, result)
    except OSError as exc:
        _fail("E115", **say, path=target, reason=exc.strerror or str(exc))
    return target


@cli.command(options_metavar="[选项]")
@click.argument("file", required=False, default=None, metavar="[FILE]")
@click.option("--projects", "-n", type=click.IntRange(1, 500), default=3, show_default=True, help="项目表数量")
@click.option("--unit", default="", metavar="名称", help="单位名称")
@click.option("--year", type=click.IntRange(2000, 2100), default=date.today().year - 1, show_default="去年",
              help="评价年度")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def init(file, projects, unit, year, force) -> None:
    """生成标准工作簿（填报说明、单位情况、汇总、项目表）。"""
    from perfxl.workbook.template import write_template

    path = file or f"{year}.xlsx"
    if os.path.isdir(path):
        _fail("E102", path=path)
    if not path.lower().endswith(".xlsx"):
        _fail("E117", path=path, example=f"{year}.xlsx")
    if os.path.exists(path) and not force:
        _fail("E116", path=path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        _fail("E113", folder=folder)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.perfxl-tmp")
    try:
        write_template(tmp, projects=projects, unit=unit, year=year)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        _fail("E115", path=path, reason=exc.strerror or str(exc))
    click.echo(f"已生成 {path}：{projects} 个项目表，评价年度 {year}。填写后运行 perfxl check {path}")


@cli.command(options_metavar="[选项]")
@click.argument("code", required=False, metavar="[代码或族]")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="语言（en: English）")
def rules(code, lang) -> None:
    """列出全部检查规则；给出族字母（如 I，与 --select I 相同）时列出该族，给出代码（如 I104）时详细说明该规则。"""
    from perfxl.rules.catalogue import FAMILIES, FAMILIES_EN, RULES, SEVERITY_EN, SEVERITY_ZH

    en = lang == "en"
    severity = SEVERITY_EN if en else SEVERITY_ZH
    families = FAMILIES_EN if en else FAMILIES
    key = (code or "").strip().upper()
    rule = RULES.get(key)
    if rule is not None:
        title, message, hint = (rule.en if en else (rule.title, rule.message, rule.hint))
        sep = ", " if en else "，"
        click.echo(f"{rule.code}  {title}（{severity[rule.severity]}{sep}{families[rule.family]}）" if not en else
                   f"{rule.code}  {title} ({severity[rule.severity]}, {families[rule.family]})")
        if not en:
            click.echo(f"\n为什么：{rule.rationale}")
        click.echo(f"{'Message' if en else '提示信息'}{': ' if en else '：'}{message}")
        click.echo(f"{'Fix' if en else '如何修改'}{': ' if en else '：'}{hint}")
        if not en and rule.bad:
            click.echo(f"\n错误示例：{rule.bad}")
        if not en and rule.good:
            click.echo(f"正确示例：{rule.good}")
        return
    if key:  # a family, or a prefix, as --select accepts it (I, X1)
        codes = [c for c in RULES if c.startswith(key)]  # off-by-default rules too, marked
        if not codes:
            _fail("E118", code=code, lang=lang)
    else:
        codes = list(RULES)
    family = None
    for c in codes:
        rule = RULES[c]
        if rule.family != family:
            family = rule.family
            click.echo(f"\n{family}  {families[family]}")
        title = rule.en[0] if en else rule.title
        off = (" (off by default: --select " + c + ")" if en else f"（默认关闭：--select {c}）") if not rule.default else ""
        click.echo(f"  {rule.code}  {severity[rule.severity]}  {title}{off}")


def main() -> None:
    """Entry point: Chinese never breaks a console that cannot print it, and no traceback
    reaches a user."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("perfxl：已中断。", err=True)
        sys.exit(EXIT_UNREADABLE)
    except Exception as exc:  # a bug of ours: say so plainly, never a traceback
        if os.environ.get("PERFXL_DEBUG"):
            raise
        click.echo(f"perfxl：内部错误（{type(exc).__name__}: {exc}）。请把文件和这行信息发给维护者；"
                   "设置环境变量 PERFXL_DEBUG=1 可看到详细信息。", err=True)
        sys.exit(EXIT_UNREADABLE)
