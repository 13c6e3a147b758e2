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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="perfxl", message="%(prog)s %(version)s")
def cli() -> None:
    """perfxl：预算绩效自评工作簿的生成与检查。

    \b
    perfxl init 2025.xlsx --projects 15     生成标准工作簿
    perfxl check 2025.xlsx                  检查工作簿，报告每个问题所在的单元格
    perfxl rules                            列出全部检查规则
    """


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True), metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
@click.option("--profile", "profile_path", type=click.Path(), default=None,
              help="评分方案 TOML 文件（默认 national-2020，财预〔2020〕10号）")
@click.option("--select", "select_codes", multiple=True, help="只运行这些规则（代码或族，如 F,I104）")
@click.option("--ignore", "ignore_codes", multiple=True, help="不运行这些规则（代码或族）")
@click.option("--color/--no-color", default=None, help="彩色输出（默认：终端上彩色，管道或设置 NO_COLOR 时不彩色）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
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
    from perfxl.views.files import OUTPUT_EXTENSIONS, open_in, output_path

    as_json = fmt == "json"
    say = {"as_json": as_json, "file": file, "lang": lang}
    _refuse_lock_file(file, say)
    if output and os.path.splitext(output)[1].lower() not in OUTPUT_EXTENSIONS:
        _fail("E120", **say, path=output)
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
    ext = os.path.splitext(file)[1].lower()
    if output and ext in OUTPUT_EXTENSIONS and os.path.splitext(output)[1].lower() != ext:
        _fail("E121", **say, path=output, ext=ext)
    own_output = "_perfxl" in model.defined_names  # a result file perfxl wrote earlier
    if no_write:
        target = None
    elif in_place:
        target = file
    elif output:
        target = output
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
        target, lost = _prepare_output(file, target, say, rewrite=rewrite and (in_place or own_output))
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


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _refuse_lock_file(file: str, say: dict) -> None:
    """``~$2025.xlsx`` is the lock Excel/WPS keep while 2025.xlsx is open, not a workbook."""
    import zipfile

    from perfxl.views.files import lock_owner

    owner = lock_owner(file)
    if owner is None or not os.path.isfile(file) or zipfile.is_zipfile(file):
        return
    program = "LibreOffice" if os.path.basename(file).startswith(".~lock.") else "Excel/WPS"
    _fail("E119", **say, name=os.path.basename(file), owner=owner, program=program)


def _prepare_output(file: str, target: str, say: dict, *, rewrite: bool = False):
    """Refuse what must not be written; return (target, parts that would be lost). ``rewrite``:
    the input itself is written (``--in-place``, or a result file perfxl wrote earlier)."""
    from perfxl.excel.package import losses
    from perfxl.views.files import open_in

    if _same_file(target, file) and not rewrite:
        _fail("E111", **say)
    if open_in(target) == "Excel/WPS":
        _fail("E112", **say, path=target)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        _fail("E113", **say, folder=folder)
    try:
        lost = losses(file)
    except Exception:  # the reader already accepted the file; a package oddity only limits this report
        lost = []
    if rewrite and lost:
        _fail("E114", **say, parts="；".join(lost))
    return target, lost


def _write(file: str, target: str, result, in_place: bool, say: dict) -> str | None:
    from perfxl.views.files import backup
    from perfxl.views.writer import write_result

    try:
        if in_place:
            backup(file)  # 2025.xlsx.bak, then .bak2, …: the first backup keeps the original
        write_result(file, target, result)
    except OSError as exc:
        _fail("E115", **say, path=target, reason=exc.strerror or str(exc))
    return target


@cli.command()
@click.argument("file", required=False, default=None, metavar="[FILE]")
@click.option("--projects", "-n", type=click.IntRange(1, 500), default=3, show_default=True, help="项目表数量")
@click.option("--unit", default="", help="单位名称")
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


@cli.command()
@click.argument("code", required=False)
def rules(code) -> None:
    """列出全部检查规则；给出代码（如 I104）时详细说明该规则。"""
    from perfxl.rules.catalogue import FAMILIES, RULES, SEVERITY_ZH

    if code:
        rule = RULES.get(code.strip().upper())
        if rule is None:
            _fail("E118", code=code)
        click.echo(f"{rule.code}  {rule.title}（{SEVERITY_ZH[rule.severity]}，{FAMILIES[rule.family]}）")
        click.echo(f"\n为什么：{rule.rationale}")
        click.echo(f"提示信息：{rule.message}")
        click.echo(f"如何修改：{rule.hint}")
        if rule.bad:
            click.echo(f"\n错误示例：{rule.bad}")
        if rule.good:
            click.echo(f"正确示例：{rule.good}")
        return
    family = None
    for rule in RULES.values():
        if rule.family != family:
            family = rule.family
            click.echo(f"\n{family}  {FAMILIES[family]}")
        click.echo(f"  {rule.code}  {SEVERITY_ZH[rule.severity]}  {rule.title}")


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
