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
_current = {"file": None, "lang": "zh", "as_json": False}  # the file being checked, for the last-resort lines

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
    if file is not None:
        values.setdefault("name", os.path.basename(file) or file)  # every exit-2 line names the file
    _stop(ReadError(rule, **values), as_json=as_json, file=file, lang=lang)


def _profile_values(exc) -> dict:
    """What E109 says of a ProfileError: the detail in both languages, and its own advice if any."""
    return {"detail": str(exc), "detail_en": exc.en, "hint": exc.hint}


def _stop(exc, *, as_json: bool = False, file: str | None = None, lang: str = "zh") -> None:
    line = exc.line(lang)
    if as_json:
        from perfxl.views.json_report import fatal_report
        click.echo(json.dumps(fatal_report(exc, file, lang), ensure_ascii=False, indent=2))
    else:
        click.echo(("perfxl: " if lang == "en" else "perfxl：") + line, err=True)
    sys.exit(EXIT_UNREADABLE)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """Rule codes or families as typed: ``F,I104``, ``I104，S108`` (a Chinese comma), ``I104 S108``."""
    import re

    out = []
    for v in values:
        out.extend(x.upper() for x in re.split(r"[\s,，、;；]+", v) if x)
    return tuple(out)


def _rule_codes():
    from perfxl.rules.catalogue import RULES

    return RULES


def _unknown_code(*groups: tuple[str, ...]) -> str | None:
    """The first code or family that names no rule: a mistyped ``--select`` must not silently
    select nothing (a workbook with errors would pass)."""
    for code in (c for group in groups for c in _codes(group)):
        if not any(known.startswith(code) for known in _rule_codes()):
            return code
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, options_metavar="[选项]",
             subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", prog_name="perfxl", message="%(prog)s %(version)s")
def cli() -> None:
    """perfxl：预算绩效自评工作簿的生成与检查。

    \b
    perfxl init 2025.xlsx --projects 15     生成标准工作簿
    perfxl check 2025.xlsx                  检查工作簿，报告每个问题所在的单元格
    perfxl report 2025.xlsx                 起草 Word 自评报告（2025.docx）
    perfxl check 2025.xlsx --explain 3      逐行说明第3个项目的得分推导
    perfxl batch 各单位/ -o 汇总.xlsx       检查文件夹中的全部工作簿，写一张汇总表
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
@click.option("--force", is_flag=True, help="-o 指定的文件已存在（且不是 perfxl 的结果工作簿）时也覆盖")
@click.option("--in-place", is_flag=True, help="把结果写回输入文件（先保存备份 .bak，已有时为 .bak2、.bak3…，从不覆盖）")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="报告语言（en: English messages）")
@click.option("--convert", is_flag=True,
              help="先用 LibreOffice 把 .xls/.et/.xlsb/.ods 转换为 .xlsx（保留公式）再做完整检查")
@click.option("--explain", "explain_key", default=None, metavar="项目",
              help="逐行说明一个项目的得分推导（工作表名、项目名称或序号，如 项目3 或 3）；不写结果工作簿")
def check(file, fmt, profile_path, select_codes, ignore_codes, color, output, no_write, force, in_place, lang,
          convert, explain_key) -> None:
    """检查工作簿 FILE：公式、合计、得分与等级，逐条报告问题所在单元格。

    默认另存结果工作簿 <文件名>.perfxl.xlsx（输入文件不变）：含自评结果、自评综述、检查结果三张表，
    并在有问题的单元格上加可移除的标记和批注。

    .xls/.et 文件按值检查（跳过公式检查）；加 --convert 时先用 LibreOffice 转换为 .xlsx，做完整检查。"""
    from perfxl.scoring.profile import ProfileError, load_profile
    from perfxl.views.files import OUTPUT_EXTENSIONS

    as_json = fmt == "json"
    _current.update(file=file, lang=lang, as_json=as_json)
    say = {"as_json": as_json, "file": file, "lang": lang}
    _refuse_lock_file(file, say)
    if (bad := _unknown_code(select_codes, ignore_codes)) is not None:
        _fail("E118", **say, code=bad)
    if output and os.path.splitext(output)[1].lower() not in OUTPUT_EXTENSIONS:
        _fail("E135", **say, path=output)
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        _fail("E109", **say, **_profile_values(exc))
    source, workdir = file, None  # what is read: the file itself, or its conversion to .xlsx
    if convert:
        workdir, source = _convert(file, say)
    try:
        _check(file, source, say, profile, select_codes, ignore_codes, color, output, no_write, in_place,
               explain_key=explain_key, force=force)
    finally:
        if workdir is not None:
            workdir.cleanup()


def _convert(file: str, say: dict):
    """(temporary folder, converted .xlsx) for ``--convert``; the folder goes when the check
    ends, however it ends."""
    from perfxl.workbook.reader import ReadError, _check_file
    from perfxl.workbook.xls import convert_to_xlsx, temp_workdir

    name = os.path.basename(file)
    try:
        kind = _check_file(file)
    except ReadError as exc:
        _stop(exc, **say)
    if kind == "xlsx":
        _fail("E126", **say, name=name)
    if kind == "encrypted":
        _fail("E121", **say, name=name)
    workdir = temp_workdir()
    try:
        return workdir, convert_to_xlsx(file, workdir.name)
    except BaseException as exc:
        workdir.cleanup()
        if isinstance(exc, ReadError):
            _stop(exc, **say)
        raise


def _check(file, source, say, profile, select_codes, ignore_codes, color, output, no_write, in_place,
           *, explain_key: str | None = None, force: bool = False) -> None:
    from perfxl.model import finding
    from perfxl.result import run_checks
    from perfxl.rules.catalogue import RULES, select
    from perfxl.workbook.reader import ReadError, read_workbook
    from perfxl.excel.package import defines_name
    from perfxl.views.files import OUTPUT_EXTENSIONS, open_in, output_path

    as_json, lang = say["as_json"], say["lang"]
    try:
        model = read_workbook(source)  # expat only: openpyxl loads the file only to write the result
    except ReadError as exc:
        _stop(exc, **say)
    if in_place and (source != file or model.source_format != "xlsx"):
        _fail("E127", **say, name=os.path.basename(file))
    if in_place and (output or no_write):
        _fail("E110", **say)
    ext = os.path.splitext(file)[1].lower()
    if output and ext in OUTPUT_EXTENSIONS and os.path.splitext(output)[1].lower() != ext:
        _fail("E136", **say, path=output, ext=ext)
    own_output = "_perfxl" in model.defined_names  # a result file perfxl wrote earlier
    if explain_key is not None and (output or in_place):
        _fail("E151", **say)
    if no_write or explain_key is not None:
        target = None
    elif in_place:
        target = file
    elif output:
        target = output
        if (os.path.exists(output) and not force and not _same_file(output, file)
                and not defines_name(output, "_perfxl")):  # another workbook of the user's
            _fail("E116", **say, path=output)
    else:
        target = output_path(file)
        if _same_file(target, file) and not own_output:  # named like a result, but the user's own
            base, ext = os.path.splitext(file)
            target = f"{base}.perfxl{ext}"
    rewrite = target is not None and _same_file(target, file)
    program = open_in(file)
    if program and not rewrite:
        click.echo(f"Note: the file may be open in {program}; unsaved changes are not checked (only what is saved "
                   "on disk)." if lang == "en" else
                   f"注意：文件可能正在 {program} 中打开，未保存的修改不会被检查（检查的是磁盘上已保存的内容）。", err=True)
    lost = []
    if target is not None:
        target, lost = _prepare_output(source, target, say, model.scans, named=file,
                                       rewrite=rewrite and (in_place or own_output))
        if model.source_format == "xls":
            lost = ["公式（只保留计算结果）、字体、颜色、边框和列宽"]
    result = run_checks(model, profile, select_codes=_codes(select_codes), ignore_codes=_codes(ignore_codes))
    for part in lost:
        if "R119" in select(list(RULES), _codes(select_codes), _codes(ignore_codes)):
            result.findings.append(finding("R119", None, None, part=part))
    if explain_key is not None:
        _explain(result, profile, file, explain_key, say)
    written = None
    if target is not None:
        written = _write(source, target, result, in_place, say)
    if as_json:
        from perfxl.views.json_report import build
        click.echo(json.dumps(build(result, file, lang), ensure_ascii=False, indent=2))
    else:
        from perfxl.views.text import render
        if color is None:
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(render(result, file, color, lang), color=color)
    if written:
        from perfxl.excel.show import path as shown
        click.echo((f"Result written to: {shown(written)}" if lang == "en" else f"结果已写入：{shown(written)}"), err=as_json)
    sys.exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _explain(result, profile, file: str, key: str, say: dict) -> None:
    """Print one project's score derivation (text), or the report with an ``explain`` key (JSON); exit."""
    from perfxl.views.explain import NoSuchProject, explain, find_project

    try:
        project = find_project(result, key)
    except NoSuchProject as exc:
        _fail("E150", **say, **exc.values)
    lines = explain(result, project, profile, say["lang"])
    if say["as_json"]:
        from perfxl.views.json_report import build
        data = build(result, file, say["lang"])
        data["explain"] = {"sheet": project.project.sheet, "lines": [line for line in lines if line]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(lines))
    sys.exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


def _refuse_lock_file(file: str, say: dict) -> None:
    """``~$2025.xlsx`` is the lock Excel/WPS keep while 2025.xlsx is open, not a workbook."""
    import zipfile

    from perfxl.views.files import lock_owner

    owner = lock_owner(file)
    if owner is None or not os.path.isfile(file) or zipfile.is_zipfile(file):
        return
    program = "LibreOffice" if os.path.basename(file).startswith(".~lock.") else "Excel/WPS"
    _fail("E134", **say, name=os.path.basename(file), owner=owner, program=program)


def _prepare_output(file: str, target: str, say: dict, scans=None, named: str | None = None, *,
                    rewrite: bool = False):
    """Refuse what must not be written; return (target, parts that would be lost). ``file`` is
    what was read (its conversion under --convert), ``named`` the user's file; ``rewrite``: the
    user's file itself is written (``--in-place``, or a result file perfxl wrote earlier)."""
    from perfxl.excel.package import losses
    from perfxl.views.files import open_in

    if _same_file(target, named or file) and not rewrite:
        _fail("E111", **say)
    if open_in(target) == "Excel/WPS":
        _fail("E112", **say, path=target)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        _fail("E113", **say, folder=folder)
    try:
        lost = losses(file, scans=scans)  # the reader's scans: no worksheet part is read again
    except Exception:  # the reader already accepted the file; a package oddity only limits this report
        lost = []
    if rewrite and lost:
        _fail("E114", **say, parts="；".join(lost))
    return target, lost


def _write(file: str, target: str, result, in_place: bool, say: dict) -> str | None:
    from perfxl.views.files import backup
    from perfxl.views.writer import write_result
    from perfxl.workbook.reader import ReadError

    made = None
    try:
        if in_place:
            made = backup(file)  # 2025.xlsx.bak, then .bak2, …: the first backup keeps the original
        write_result(file, target, result)
    except ReadError as exc:  # openpyxl cannot load what the check could read: nothing was written
        if made is not None:
            os.remove(made)
        _stop(exc, **say)
    except OSError as exc:
        _fail("E115", **say, path=target, reason=_os_reason(exc, say["lang"]))
    return target


def _os_reason(exc: OSError, lang: str = "zh") -> str:
    from perfxl.excel.oserrors import reason  # strerror is English on most systems; the line is Chinese
    return reason(exc, lang)


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
    from perfxl.excel import atomic

    tmp = None
    try:
        tmp = atomic.new_temp(folder, ".xlsx")
        write_template(tmp, projects=projects, unit=unit, year=year)
        atomic.replace(tmp, path)
    except BaseException as exc:  # an interrupted run leaves no temp file either
        atomic.discard(tmp)
        if not isinstance(exc, OSError):
            raise
        _fail("E115", path=path, reason=_os_reason(exc))
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
        if not en and rule.bad and rule.family != "E":
            click.echo(f"\n错误示例：{rule.bad}")
        if not en and rule.good and rule.family != "E":
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


REPORT_LINES = {
    "zh": {
        "strict": "检查发现 {n} 个错误，按 --strict 未生成报告：运行 perfxl check {file} 查看并改正后再生成。",
        "written": "报告已写入：{out}",
        "errors": "检查发现 {n} 个错误：报告首页已加提示，数字可能不准确。运行 perfxl check {file} 查看并改正。",
        "todo": "待填写 {n} 处（报告中以黄色标出；在工作簿中填写后重新生成，或直接在 Word 中修改）：",
        "done": "没有待填写的内容。",
    },
    "en": {
        "strict": "{n} errors found; with --strict no report was written: run perfxl check {file}, fix them and "
                  "run again.",
        "written": "Report written: {out}",
        "errors": "{n} errors found: the report carries a notice on its first page; its figures may be wrong. "
                  "Run perfxl check {file} to see and fix them.",
        "todo": "{n} places to fill in (highlighted in yellow; fill them in the workbook and run again, or edit "
                "the report in Word):",
        "done": "Nothing left to fill in.",
    },
}


def _word_locks(path: str) -> list[str]:
    """The owner files Word (``~$`` over the first one or two characters of a long name) and
    WPS (``~$`` before the name) keep beside an open document."""
    folder, name = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(name)[0]
    names = {"~$" + name}
    if len(stem) >= 7:
        names.add("~$" + name[1:])
    if len(stem) >= 8:
        names.add("~$" + name[2:])
    return [os.path.join(folder, n) for n in sorted(names)]


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True), metavar="FILE")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="报告路径（默认：与输入同目录的 <文件名>.docx）")
@click.option("--strict", is_flag=True, help="检查发现错误时不生成报告")
@click.option("--force", is_flag=True, help="覆盖已被编辑过的报告文件")
@click.option("--profile", "profile_path", type=click.Path(), default=None,
              help="评分方案 TOML 文件（评分规则和报告字体；默认 national-2020）")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="命令输出的语言（报告本身为中文）")
def report(file, output, strict, force, profile_path, lang) -> None:
    """根据工作簿 FILE 起草 Word 自评报告（整体支出绩效自评报告，GB/T 9704 版式）。

    数字全部取自检查结果；工作簿缺少的内容以【待填写：…】标出并逐条列出。
    检查发现错误时仍生成报告（首页加提示）并以退出码 1 结束；--strict 时不生成。"""
    from perfxl.excel.show import path as shown
    from perfxl.result import run_checks
    from perfxl.scoring.profile import ProfileError, load_profile
    from perfxl.views.docx_report import report_fonts, report_path, write_report, written_by_perfxl
    from perfxl.workbook.reader import ReadError, read_workbook

    say = REPORT_LINES[lang]
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        _fail("E109", lang=lang, **_profile_values(exc))
    try:
        # first: a .docx given as FILE is E107, not "output is the input"; the workbook is only read
        model = read_workbook(file)
    except ReadError as exc:
        _stop(exc, lang=lang)
    target = output or report_path(file)
    if os.path.abspath(target) == os.path.abspath(file):
        _fail("E130", lang=lang)
    if not target.lower().endswith(".docx"):
        _fail("E131", lang=lang, path=target, example="-o " + os.path.basename(report_path(file)))
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        _fail("E113", lang=lang, folder=folder)
    if any(os.path.exists(lock) for lock in _word_locks(target)):
        _fail("E132", lang=lang, path=target)
    if os.path.exists(target) and not force and not written_by_perfxl(target):
        _fail("E133", lang=lang, path=target)
    result = run_checks(model, profile)
    if strict and result.errors:
        click.echo(say["strict"].format(n=result.errors, file=shown(file)), err=True)
        sys.exit(EXIT_ERRORS)
    try:
        outline = write_report(result, target, fonts=report_fonts(profile), source=file)
    except OSError as exc:
        _fail("E115", lang=lang, path=target, reason=_os_reason(exc, lang))
    click.echo(say["written"].format(out=shown(target)))
    if outline.placeholders:
        click.echo(say["todo"].format(n=len(outline.placeholders)))
        for p in outline.placeholders:
            click.echo(f"  {p.where(lang)}  {p.text}")
    else:
        click.echo(say["done"])
    if result.errors:
        click.echo(say["errors"].format(n=result.errors, file=shown(file)), err=True)
        sys.exit(EXIT_ERRORS)
    sys.exit(EXIT_CLEAN)



@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="汇总.perfxl.xlsx", show_default=True,
              help="汇总工作簿的路径")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, show_default="CPU 核数",
              help="同时检查的工作进程数")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式（json：每个文件一行 JSON，最后一行为汇总）")
@click.option("--profile", "profile_path", type=click.Path(), default=None,
              help="评分方案 TOML 文件（默认 national-2020，财预〔2020〕10号）")
@click.option("--select", "select_codes", multiple=True, help="只运行这些规则（代码或族，如 F,I104）")
@click.option("--ignore", "ignore_codes", multiple=True, help="不运行这些规则（代码或族）")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True,
              help="每个文件的检查时限（秒）；超时的文件记为一行“超时”")
@click.option("--strict", is_flag=True, help="有文件无法检查（无法读取、超时、异常）时退出码为 2（默认为 1）")
@click.option("--write-each", is_flag=True, help="同时为每个工作簿写结果工作簿 <文件名>.perfxl.xlsx（同 check）")
@click.option("-d", "--dir", "each_dir", type=click.Path(file_okay=False), default=None,
              help="与 --write-each 一起使用：把各结果工作簿写入此文件夹（默认：与输入同目录）")
@click.option("--force", is_flag=True, help="汇总工作簿的路径上已有其他文件时覆盖它")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="问题说明的语言（en: English messages）")
def batch(paths, output, jobs, fmt, profile_path, select_codes, ignore_codes, timeout, strict, write_each,
          each_dir, force, lang) -> None:
    """检查 PATH 中的全部工作簿（文件或文件夹，含子文件夹），写一张汇总工作簿。

    \b
    汇总工作簿含 总览、单位汇总、项目明细、问题清单 四张表；每个文件的数字和问题与 perfxl check 相同。
    跳过 ~$ 锁文件、perfxl 的输出（*.perfxl.xlsx、汇总工作簿）和非工作簿文件，并计数。
    无法读取、超时或检查进程异常退出的文件记为一行，不中断检查。
    退出码：0 无错误；1 有文件含错误或无法检查；2 用法错误，或加 --strict 时有文件无法检查。"""
    import time

    from perfxl import batch as runner
    from perfxl.excel.show import path as shown
    from perfxl.scoring.profile import ProfileError, load_profile
    from perfxl.views import batch as view

    as_json = fmt == "json"
    say = {"as_json": as_json, "lang": lang}
    started = time.monotonic()
    try:
        load_profile(profile_path)
    except ProfileError as exc:
        _batch_fail("E109", **say, **_profile_values(exc))
    if each_dir is not None and not write_each:
        _usage("bad_usage", "-d/--dir 只能与 --write-each 一起使用：请加上 --write-each，或去掉 -d。",
               "-d/--dir goes with --write-each: add --write-each, or drop -d.", **say)
    _check_rollup_path(output, force, say)
    if not any(os.path.exists(p) for p in paths):  # nothing there at all: a mistyped path, not a roll-up
        _batch_fail("E101", **say, path=paths[0])  # (among others, a missing file is one row)
    if (bad := _unknown_code(select_codes, ignore_codes)) is not None:
        _batch_fail("E118", **say, code=bad)
    if each_dir is not None:
        try:
            os.makedirs(each_dir, exist_ok=True)
        except OSError as exc:
            _batch_fail("E115", **say, path=each_dir, reason=_os_reason(exc, lang))
    found = runner.collect(paths, exclude=(output,))
    if not found.files:
        n = sum(found.skipped.values())
        _usage("no_workbooks",
               "在给出的路径中没有找到要检查的工作簿" + (f"（跳过了 {n} 个文件）" if n else "")
               + "：请给出 .xlsx 工作簿，或含工作簿的文件夹。",
               "No workbook to check in the paths given" + (f" ({n} files skipped)" if n else "")
               + ": give .xlsx workbooks, or folders that hold them.", **say)
    options = runner.Options(profile_path, lang, _codes(select_codes), _codes(ignore_codes))
    targets = runner.each_output(found.files, each_dir) if write_each else None
    repeated = runner.duplicates(found.files)  # B101: listed, not counted
    # which of equal files is counted depends on which were read: their JSON lines wait for all of them
    equal = {f for group in runner.duplicate_groups(repeated) for f in group}
    waiting = []
    rows = []
    bar = _progress(len(found.files)) if not as_json and sys.stderr.isatty() else None
    errors = 0
    for row in runner.run(found.files, jobs=jobs or runner.cpu_count(), timeout=timeout, options=options,
                          write_to=targets):
        if as_json:
            if row.file in equal:
                waiting.append(row)
                continue
            click.echo(json.dumps(row.json(), ensure_ascii=False))
        elif bar is not None:
            errors += max(row.errors, 0 if row.checked else 1)  # a timed-out file counts as one
            bar.set_description_str(f"错误 {errors}", refresh=False)
            bar.update(1)
        rows.append(row.slim())
    if bar is not None:
        bar.close()
    runner.settle_duplicates(rows + waiting, repeated)
    for row in waiting:
        click.echo(json.dumps(row.json(), ensure_ascii=False))
        rows.append(row.slim())
    from perfxl.rules.catalogue import RULES, select

    totals = view.totals(rows, found.skipped, select(list(RULES), options.select_codes, options.ignore_codes))
    code = view.exit_code(rows, strict)
    try:
        view.write_rollup(output, rows, totals)
    except OSError as exc:
        _batch_fail("E115", **say, path=output, reason=_os_reason(exc, lang))
    if as_json:
        click.echo(json.dumps(totals.json(code, time.monotonic() - started, lang), ensure_ascii=False))
        click.echo(f"汇总已写入：{shown(output)}" if lang == "zh" else f"Roll-up written to {shown(output)}", err=True)
    else:
        for row in view.order(rows):
            line = view.text_line(row, lang)
            if line:
                click.echo(line)
        for line in view.text_findings(totals, lang):
            click.echo(line)
        click.echo(view.text_summary(totals, lang))
        click.echo(f"汇总已写入：{shown(output)}" if lang == "zh" else f"Roll-up written to {shown(output)}")
    sys.exit(code)


def _check_rollup_path(output: str, force: bool, say: dict) -> None:
    """The roll-up may replace an earlier roll-up, never a user's own workbook (unless --force)."""
    from perfxl.batch import is_batch_output

    if os.path.isdir(output):
        _batch_fail("E102", **say, path=output)
    if not output.lower().endswith(".xlsx"):
        _batch_fail("E117", **say, path=output, example="汇总.xlsx")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        _batch_fail("E113", **say, folder=folder)
    from perfxl.views.files import open_in

    if open_in(output) == "Excel/WPS":
        _batch_fail("E112", **say, path=output)
    if os.path.exists(output) and not force and not is_batch_output(output):
        _batch_fail("E116", **say, path=output)


def _batch_fail(rule: str, /, *, as_json: bool, lang: str, **values) -> None:
    """Stop with one line, exit 2: as ``check`` does, but JSON on one line (batch prints JSON lines)."""
    from perfxl.workbook.fatal import ReadError

    exc = ReadError(rule, **values)
    if as_json:
        from perfxl.views.json_report import fatal_report
        click.echo(json.dumps(fatal_report(exc, None, lang), ensure_ascii=False))
    else:
        click.echo(("perfxl: " if lang == "en" else "perfxl：") + exc.line(lang), err=True)
    sys.exit(EXIT_UNREADABLE)


def _usage(key: str, zh: str, en: str, *, as_json: bool, lang: str) -> None:
    """Stop with one line, exit 2, for a usage error of batch that no E rule describes."""
    line = en if lang == "en" else zh
    if as_json:
        click.echo(json.dumps({"file": None, "unit": None, "projects": [], "summary": None, "findings": [],
                               "error": {"code": key, "rule": None, "message": line}}, ensure_ascii=False))
    else:
        click.echo(("perfxl: " if lang == "en" else "perfxl：") + line, err=True)
    sys.exit(EXIT_UNREADABLE)


def _progress(total: int):
    """A progress bar on the terminal (stderr): files done, errors so far, elapsed and remaining."""
    from tqdm import tqdm

    import shutil

    tqdm.monitor_interval = 0  # no monitor thread: workers are forked while the bar runs
    size = shutil.get_terminal_size((100, 24))  # a pty of size 0 would hide the bar
    return tqdm(total=total, desc="错误 0", file=sys.stderr, ncols=min(120, size.columns), nrows=size.lines,
                bar_format="检查 {n_fmt}/{total_fmt} 个工作簿 |{bar}| {desc}，已用 {elapsed}，剩余约 {remaining}")


def main() -> None:
    """Entry point: Chinese never breaks a console that cannot print it, and no traceback
    reaches a user."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    import gc
    gc.disable()  # one short run that frees everything at exit: the cyclic collector only costs
    # time here, rescanning openpyxl's hundreds of thousands of objects (benchmarks/NOTES.md)
    _signals_interrupt()
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C or SIGTERM: no temp file survives
        from perfxl.excel import atomic
        from perfxl.workbook.fatal import ReadError

        atomic.remove_all()
        _last_line(ReadError("E128", name=_current_name()))
    except Exception:  # a bug of ours: say so plainly, never a traceback
        if os.environ.get("PERFXL_DEBUG"):
            raise
        from perfxl.workbook.fatal import ReadError
        _last_line(ReadError("E129", name=_current_name()))


def _current_name() -> str:
    name = os.path.basename(_current["file"] or "")
    return name or ("the workbook" if _current["lang"] == "en" else "工作簿")


def _last_line(exc) -> None:
    """The one line for an interrupted run (E128) or a bug (E129): it names the file and says
    what to do, and never shows an exception's name or text (PERFXL_DEBUG=1 shows those)."""
    _stop(exc, as_json=_current["as_json"], file=_current["file"], lang=_current["lang"])


class Interrupted(BaseException):
    """Ctrl-C, SIGTERM or SIGHUP. Not a KeyboardInterrupt, which click turns into "Aborted!"
    and exit 1; a BaseException, so no ``except Exception`` swallows it on the way out."""


def _signals_interrupt() -> None:
    """A signal unwinds the stack, so every ``finally`` and ``except BaseException`` that
    removes a temp file runs, and main() says what happened."""
    import signal

    def handler(signum, frame):
        raise Interrupted(signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):  # not the main thread
                pass
