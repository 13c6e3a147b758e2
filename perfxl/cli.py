"""Command line: parse options, call the pipeline, print. Exit codes: 0 no errors,
1 errors found, 2 the file could not be read or the command was used wrongly."""

from __future__ import annotations

import errno
import json
import os
import sys
from datetime import date

import click

from perfxl import __version__

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
_current = {"file": None, "lang": "zh", "as_json": False}  # the file being checked, for the last-resort lines


def _fail(rule: str, /, *, as_json: bool = False, file: str | None = None, lang: str = "zh", **values) -> None:
    """Stop with one line (or one JSON report) for a rule of family E; exit 2."""
    from perfxl.workbook.fatal import ReadError
    if file is not None:
        values.setdefault("name", os.path.basename(file) or file)  # every exit-2 line names the file
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
    perfxl batch 各单位/ -o 汇总.xlsx       检查文件夹中的全部工作簿，写一张汇总表
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
@click.option("--convert", is_flag=True,
              help="先用 LibreOffice 把 .xls/.et/.xlsb/.ods 转换为 .xlsx（保留公式）再做完整检查")
def check(file, fmt, profile_path, select_codes, ignore_codes, color, output, no_write, in_place, lang,
          convert) -> None:
    """检查工作簿 FILE：公式、合计、得分与等级，逐条报告问题所在单元格。

    默认另存结果工作簿 <文件名>.perfxl.xlsx（输入文件不变）：含自评结果、自评综述、检查结果三张表，
    并在有问题的单元格上加可移除的标记和批注。

    .xls/.et 文件按值检查（跳过公式检查）；加 --convert 时先用 LibreOffice 转换为 .xlsx，做完整检查。"""
    from perfxl.scoring.profile import ProfileError, load_profile

    as_json = fmt == "json"
    _current.update(file=file, lang=lang, as_json=as_json)
    say = {"as_json": as_json, "file": file, "lang": lang}
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        _fail("E109", **say, detail=str(exc).rstrip("。"))
    source, workdir = file, None  # what is read: the file itself, or its conversion to .xlsx
    if convert:
        workdir, source = _convert(file, say)
    try:
        _check(file, source, say, profile, select_codes, ignore_codes, color, output, no_write, in_place)
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


def _check(file, source, say, profile, select_codes, ignore_codes, color, output, no_write, in_place) -> None:
    from perfxl.model import finding
    from perfxl.result import run_checks
    from perfxl.rules.catalogue import RULES, select
    from perfxl.workbook.reader import ReadError, read_workbook
    from perfxl.views.writer import output_path

    as_json, lang = say["as_json"], say["lang"]
    try:
        model = read_workbook(source)
    except ReadError as exc:
        _stop(exc, **say)
    if in_place and (source != file or model.source_format != "xlsx"):
        _fail("E127", **say, name=os.path.basename(file))
    if in_place and (output or no_write):
        _fail("E110", **say)
    target = None if no_write else (file if in_place else (output or output_path(file)))
    lost = []
    if target is not None:
        target, lost = _prepare_output(source, target, in_place, say, model.scans, named=file)
        if model.source_format == "xls":
            lost = ["公式（只保留计算结果）、字体、颜色、边框和列宽"]
    result = run_checks(model, profile, select_codes=_codes(select_codes), ignore_codes=_codes(ignore_codes))
    for part in lost:
        if "R119" in select(list(RULES), _codes(select_codes), _codes(ignore_codes)):
            result.findings.append(finding("R119", None, None, part=part))
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
        click.echo((f"Result written to: {written}" if lang == "en" else f"结果已写入：{written}"), err=as_json)
    sys.exit(EXIT_ERRORS if result.errors else EXIT_CLEAN)


def _lock_file(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, "~$" + name)


def _prepare_output(file: str, target: str, in_place: bool, say: dict, scans=None, named: str | None = None):
    """Refuse what must not be written; return (target, parts that would be lost). ``file`` is
    what was read (its conversion under --convert), ``named`` the user's file."""
    from perfxl.excel.package import losses

    if os.path.abspath(target) == os.path.abspath(named or file) and not in_place:
        _fail("E111", **say)
    if os.path.exists(_lock_file(target)):
        _fail("E112", **say, path=target)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        _fail("E113", **say, folder=folder)
    try:
        lost = losses(file, scans=scans)  # the reader's scans: no worksheet part is read again
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
        _fail("E115", **say, path=target, reason=_os_reason(exc, say["lang"]))
    return target


_OS_REASONS = {  # strerror is English on most systems; the line is Chinese
    errno.EACCES: ("没有写入权限", "permission denied"), errno.EPERM: ("没有写入权限", "permission denied"),
    errno.ENOSPC: ("磁盘空间不足", "disk full"), errno.EROFS: ("磁盘或文件夹是只读的", "read-only file system"),
    errno.ENOENT: ("文件夹不存在", "folder does not exist"), errno.EISDIR: ("同名的是文件夹", "a folder has that name"),
    errno.ENAMETOOLONG: ("路径太长", "path too long"), errno.EBUSY: ("文件正被占用", "file busy"),
}


def _os_reason(exc: OSError, lang: str = "zh") -> str:
    zh, en = _OS_REASONS.get(getattr(exc, "errno", None), ("操作系统拒绝了写入", exc.strerror or "refused"))
    return en if lang == "en" else zh


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
    except BaseException as exc:  # an interrupted run leaves no temp file either
        if os.path.exists(tmp):
            os.remove(tmp)
        if not isinstance(exc, OSError):
            raise
        _fail("E115", path=path, reason=_os_reason(exc))
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
    from perfxl.scoring.profile import ProfileError, load_profile
    from perfxl.views import batch as view

    as_json = fmt == "json"
    say = {"as_json": as_json, "lang": lang}
    started = time.monotonic()
    try:
        load_profile(profile_path)
    except ProfileError as exc:
        _batch_fail("E109", **say, detail=str(exc).rstrip("。"))
    if each_dir is not None and not write_each:
        _usage("bad_usage", "-d/--dir 只能与 --write-each 一起使用：请加上 --write-each，或去掉 -d。",
               "-d/--dir goes with --write-each: add --write-each, or drop -d.", **say)
    _check_rollup_path(output, force, say)
    if each_dir is not None:
        try:
            os.makedirs(each_dir, exist_ok=True)
        except OSError as exc:
            _batch_fail("E115", **say, path=each_dir, reason=exc.strerror or str(exc))
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
    rows = []
    bar = _progress(len(found.files)) if not as_json and sys.stderr.isatty() else None
    errors = 0
    for row in runner.run(found.files, jobs=jobs or runner.cpu_count(), timeout=timeout, options=options,
                          write_to=targets):
        if as_json:
            click.echo(json.dumps(row.json(), ensure_ascii=False))
        elif bar is not None:
            errors += max(row.errors, 0 if row.checked else 1)  # a timed-out file counts as one
            bar.set_description_str(f"错误 {errors}", refresh=False)
            bar.update(1)
        rows.append(row.slim())
    if bar is not None:
        bar.close()
    totals = view.totals(rows, found.skipped)
    code = view.exit_code(rows, strict)
    try:
        view.write_rollup(output, rows, totals)
    except OSError as exc:
        _batch_fail("E115", **say, path=output, reason=exc.strerror or str(exc))
    if as_json:
        click.echo(json.dumps(totals.json(code, time.monotonic() - started), ensure_ascii=False))
        click.echo(f"汇总已写入：{output}", err=True)
    else:
        for row in view.order(rows):
            line = view.text_line(row, lang)
            if line:
                click.echo(line)
        click.echo(view.text_summary(totals, lang))
        click.echo(f"汇总已写入：{output}" if lang == "zh" else f"Roll-up written to {output}")
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
    if os.path.exists(_lock_file(output)):
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
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C or SIGTERM: the writers removed their temp files
        from perfxl.workbook.fatal import ReadError
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
