"""Command line: parse options, call the pipeline (``perfxl/pipeline.py``), print. Exit codes:
0 no errors, 1 errors found, 2 the file could not be read or the command was used wrongly, 3 the
check was done but its result file could not be written."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from datetime import date

import click

from perfxl import __version__, clitext
from perfxl.excel.show import path as shown
from perfxl import EXIT_CLEAN, EXIT_ERRORS, EXIT_NOT_WRITTEN, EXIT_UNREADABLE  # noqa: F401

clitext.install()


def _stop(exc, *, as_json: bool = False, file: str | None = None, lang: str = "zh", compact: bool = False) -> None:
    """Every stop of every command: one line (or one JSON report) for its E rule; exit 2."""
    if as_json:
        from perfxl.views.json_report import fatal_report
        click.echo(json.dumps(fatal_report(exc, file, lang), ensure_ascii=False, indent=None if compact else 2))
    else:
        click.echo(_prefix(lang) + exc.line(lang), err=True)
    sys.exit(EXIT_UNREADABLE)


def _prefix(lang: str) -> str:
    return "perfxl: " if lang == "en" else "perfxl："


@contextlib.contextmanager
def _stops(file: str | None = None, *, lang: str = "zh", as_json: bool = False, compact: bool = False):
    """Around a command: a stop (E rule), an interruption (E128: no temp file survives) or a bug
    of ours (E129, never a traceback; PERFXL_DEBUG=1 shows it) ends in the same one line."""
    from perfxl.excel import atomic
    from perfxl.workbook.fatal import Fatal

    say = {"as_json": as_json, "file": file, "lang": lang, "compact": compact}
    name = (os.path.basename(file or "") or ("the workbook" if lang == "en" else "工作簿"))
    try:
        yield
    except Fatal as exc:
        if file is not None:
            exc.finding.values.setdefault("name", name)
        _stop(exc, **say)
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C or SIGTERM
        atomic.remove_all()
        _stop(Fatal("E128", name=name), **say)
    except Exception:
        if os.environ.get("PERFXL_DEBUG"):
            raise
        _stop(Fatal("E129", name=name), **say)


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
    perfxl review 2025.xlsx                 写复核底稿（复核得分、复核预估分、问题清单）
    perfxl rules                            列出全部检查规则
    perfxl serve                            启动检查网页（在浏览器中上传、查看、下载）
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
    from perfxl import pipeline

    as_json = fmt == "json"
    with _stops(file, lang=lang, as_json=as_json):
        run = pipeline.settings(profile_path, select_codes, ignore_codes, lang)
        write = pipeline.write_request(output, in_place, no_write, force, explaining=explain_key is not None)
        done = pipeline.check(file, run, write=write, convert=convert)
        if explain_key is not None:
            _explain(done, run.profile, explain_key, as_json, lang)
        if done.open_in:
            click.echo(f"Note: the file may be open in {done.open_in}; unsaved changes are not checked (only what "
                       "is saved on disk)." if lang == "en" else
                       f"注意：文件可能正在 {done.open_in} 中打开，未保存的修改不会被检查（检查的是磁盘上已保存的内容）。",
                       err=True)
        if as_json:
            from perfxl.views.json_report import build, fatal_report
            data = build(done.result, file, lang)
            if done.write_error is not None:  # checked, not written: the stop's finding, as for any stop
                data["result_workbook"] = {"path": None, "error": fatal_report(done.write_error, file, lang)["error"]}
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            from perfxl.views.text import render
            if color is None:
                color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            click.echo(render(done.result, file, color, lang), color=color)
        if done.written:
            click.echo((f"Result written to: {shown(done.written)}" if lang == "en" else
                        f"结果已写入：{shown(done.written)}"),
                       err=as_json)
        if done.write_error is not None:
            _not_written(done.write_error, lang, "--no-write")
    sys.exit(done.exit_code)


def _not_written(exc, lang: str, skip: str) -> None:
    """After the report: the stop's own line (as every command says it), then how to go on."""
    if lang == "en":
        click.echo(f"{_prefix(lang)}{exc.line(lang)} The check itself is complete (above); write the result "
                   f"elsewhere with -o, or add {skip}.", err=True)
    else:
        click.echo(f"{_prefix(lang)}{exc.line(lang)}检查本身已完成（见上）；可用 -o 写到别处，或加 {skip} 只看报告。", err=True)


def _explain(done, profile, key: str, as_json: bool, lang: str) -> None:
    """Print one project's score derivation (text), or the report with an ``explain`` key (JSON); exit."""
    from perfxl.views.explain import NoSuchProject, explain, find_project
    from perfxl.workbook.fatal import Fatal

    try:
        project = find_project(done.result, key)
    except NoSuchProject as exc:
        raise Fatal("E150", **exc.values) from None
    lines = explain(done.result, project, profile, lang)
    if as_json:
        from perfxl.views.json_report import build
        data = build(done.result, done.file, lang)
        data["explain"] = {"sheet": project.project.sheet, "lines": [line for line in lines if line]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(lines))
    sys.exit(EXIT_ERRORS if done.result.errors else EXIT_CLEAN)


@cli.command(options_metavar="[选项]")
@click.argument("file", required=False, default=None, metavar="[FILE]")
@click.option("--projects", "-n", type=click.IntRange(1, 500), default=3, show_default=True, help="项目表数量")
@click.option("--unit", default="", metavar="名称", help="单位名称")
@click.option("--year", type=click.IntRange(2000, 2100), default=date.today().year - 1, show_default="去年",
              help="评价年度")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
@click.option("--whole-unit", is_flag=True, help="另加一张部门整体支出绩效自评表")
def init(file, projects, unit, year, force, whole_unit) -> None:
    """生成标准工作簿（填报说明、单位情况、汇总、项目表）。"""
    from perfxl import outputs

    path = file or f"{year}.xlsx"
    with _stops(path):
        outputs.init_target(path, year, force=force)
        _write_template(path, projects, unit, year, whole_unit)
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
            _stop(_fatal("E118", code=code), lang=lang)
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


def _fatal(rule: str, /, **values):
    from perfxl.workbook.fatal import Fatal
    return Fatal(rule, **values)


def _write_template(path: str, projects: int, unit: str, year: int, whole_unit: bool = False) -> None:
    """Write the template through a temporary file in the same folder (E115 with the system's reason)."""
    from perfxl.excel import atomic
    from perfxl.excel.oserrors import reason
    from perfxl.workbook.template import write_template

    try:
        with atomic.replacing(path, ".xlsx") as tmp:  # an interrupted run leaves no temp file either
            write_template(tmp, projects=projects, unit=unit, year=year, whole_unit=whole_unit)
    except OSError as exc:
        raise _fatal("E115", path=path, reason=reason(exc)) from None


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
    from perfxl import pipeline

    say = REPORT_LINES[lang]
    with _stops(file, lang=lang):
        run = pipeline.settings(profile_path, lang=lang)
        done = pipeline.report(file, run, output=output, force=force, strict=strict)
    errors = done.checked.result.errors
    if done.write_error is not None:
        click.echo(_prefix(lang) + done.write_error.line(lang), err=True)
        sys.exit(EXIT_NOT_WRITTEN)
    if done.outline is None:  # --strict and errors
        click.echo(say["strict"].format(n=errors, file=shown(file)), err=True)
        sys.exit(EXIT_ERRORS)
    click.echo(say["written"].format(out=shown(done.target)))
    if done.outline.placeholders:
        click.echo(say["todo"].format(n=len(done.outline.placeholders)))
        for p in done.outline.placeholders:
            click.echo(f"  {p.where(lang)}  {p.text}")
    else:
        click.echo(say["done"])
    if errors:
        click.echo(say["errors"].format(n=errors, file=shown(file)), err=True)
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
@click.option("--review", is_flag=True, help="同时为每个单位写复核底稿 <文件名>.复核底稿.xlsx（同 review），汇总加复核预估分和 P1 问题数")
@click.option("-d", "--dir", "each_dir", type=click.Path(file_okay=False), default=None,
              help="与 --write-each 或 --review 一起使用：把各单位的结果工作簿、复核底稿写入此文件夹（默认：与输入同目录）")
@click.option("--force", is_flag=True, help="汇总工作簿的路径上已有其他文件时覆盖它")
@click.option("--no-write", is_flag=True, help="不写汇总工作簿（只看终端或 JSON 输出）")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="问题说明的语言（en: English messages）")
def batch(paths, output, jobs, fmt, profile_path, select_codes, ignore_codes, timeout, strict, write_each,
          review, each_dir, force, no_write, lang) -> None:
    """检查 PATH 中的全部工作簿（文件或文件夹，含子文件夹），写一张汇总工作簿。

    \b
    汇总工作簿含 总览、单位汇总、项目明细、问题清单 四张表；每个文件的数字和问题与 perfxl check 相同。
    跳过 ~$ 锁文件、perfxl 的输出（*.perfxl.xlsx、汇总工作簿）和非工作簿文件，并计数。
    无法读取、超时或检查进程异常退出的文件记为一行，不中断检查。
    退出码：0 无错误；1 有文件含错误或无法检查；2 用法错误，或加 --strict 时有文件无法检查；3 汇总工作簿未能写入。"""
    import time

    from perfxl import batch as runner
    from perfxl import outputs, pipeline, rollup
    from perfxl.excel.oserrors import reason
    from perfxl.views import batch as view
    from perfxl.workbook.fatal import Fatal

    as_json = fmt == "json"
    started = time.monotonic()
    with _stops(lang=lang, as_json=as_json, compact=True):
        run = pipeline.settings(profile_path, select_codes, ignore_codes, lang)
        if each_dir is not None and not (write_each or review):
            raise Fatal("E139")
        if not no_write:
            outputs.rollup_target(output, force=force)
        if not any(os.path.exists(p) for p in paths):  # nothing there at all: a mistyped path, not a roll-up
            raise Fatal("E101", path=paths[0])  # (among others, a missing file is one row)
        if each_dir is not None:
            outputs.make_folder(each_dir, lambda exc: reason(exc, lang))
        found = runner.collect(paths, exclude=() if no_write else (output,))
        if not found.files:
            n = sum(found.skipped.values())
            raise Fatal("E140", skipped=f"（跳过了 {n} 个文件）" if n else "",
                        skipped_en=f" ({n} files skipped)" if n else "")
    options = runner.Options(profile_path, lang, run.select_codes, run.ignore_codes)
    targets = runner.each_output(found.files, each_dir, list(paths)) if write_each else None
    worksheets = runner.each_review(found.files, each_dir, list(paths)) if review else None
    repeated = runner.duplicates(found.files)  # B101: listed, not counted
    # which of equal files is counted depends on which were read: their JSON lines wait for all of them
    equal = {f for group in rollup.duplicate_groups(repeated) for f in group}
    waiting = []
    rows = []
    bar = _progress(len(found.files)) if not as_json and sys.stderr.isatty() else None
    errors = 0
    with _stops(lang=lang, as_json=as_json, compact=True):
        for row in runner.run(found.files, jobs=jobs or runner.cpu_count(), timeout=timeout, options=options,
                              write_to=targets, review_to=worksheets):
            if as_json:
                if row.file in equal:
                    waiting.append(row)
                    continue
                click.echo(json.dumps(row.json(), ensure_ascii=False))
            elif bar is not None:
                errors += max(row.errors, 0 if row.checked else 1)
                bar.set_description_str(f"错误 {errors}", refresh=False)
                bar.update(1)
            row.report = None  # printed: the roll-up keeps only its figures
            rows.append(row)
    if bar is not None:
        bar.close()
    rollup.settle_duplicates(rows + waiting, repeated)
    for row in waiting:
        click.echo(json.dumps(row.json(), ensure_ascii=False))
        row.report = None
        rows.append(row)
    from perfxl.rules.catalogue import RULES, select

    totals = rollup.totals(rows, found.skipped, select(list(RULES), run.select_codes, run.ignore_codes))
    code = rollup.exit_code(rows, strict)
    failure = None
    if not no_write:
        try:
            view.write_rollup(output, rows, totals)
        except OSError as exc:
            failure = Fatal("E115", path=output, reason=reason(exc, lang))
            code = EXIT_NOT_WRITTEN
    if as_json:
        click.echo(json.dumps(totals.json(code, time.monotonic() - started, lang), ensure_ascii=False))
    else:
        for row in view.order(rows):
            line = view.text_line(row, lang)
            if line:
                click.echo(line)
        for line in view.text_findings(totals, lang):
            click.echo(line)
        click.echo(view.text_summary(totals, lang))
        if targets is not None:
            click.echo(view.text_written(rows, lang))
        if worksheets is not None:
            click.echo(view.text_reviewed(rows, totals, lang))
    if failure is not None:
        _not_written(failure, lang, "--no-write")
    elif not no_write:
        click.echo(f"汇总已写入：{shown(output)}" if lang == "zh" else f"Roll-up written to {shown(output)}", err=as_json)
    sys.exit(code)


@cli.command(options_metavar="[选项]")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="FILE...")
@click.option("-d", "--dir", "out_dir", type=click.Path(file_okay=False), default=None, metavar="文件夹",
              help="把复核底稿写入此文件夹（默认：与各工作簿同目录）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式（json：复核预估分、等级和问题清单）")
@click.option("--profile", "profile_path", type=click.Path(), default=None, metavar="文件",
              help="评分方案 TOML 文件（默认 national-2020；复核口径见 examples/profiles/）")
@click.option("--force", is_flag=True, help="复核底稿的路径上已有其他文件时覆盖它")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="输出语言（en: English messages）")
def review(paths, out_dir, fmt, profile_path, force, lang) -> None:
    """为 FILE（工作簿或文件夹）中的每个单位写复核底稿 <文件名>.复核底稿.xlsx。

    \b
    每个项目一张表：自评完成值、自评得分旁预填复核完成值、复核得分、偏离度和备注（检查发现的问题）；
    复核汇总表列出各项目的自评得分、复核预估分、等级和 P1/P2/P3 问题数，问题清单按优先级排列。
    在底稿中修改复核得分后，合计、等级和汇总随之重新计算。输入文件不变。"""
    from perfxl import batch as runner
    from perfxl import outputs, pipeline
    from perfxl.excel.oserrors import reason
    from perfxl.views import review as view
    from perfxl.views.json_report import fatal_report
    from perfxl.workbook.fatal import Fatal

    as_json = fmt == "json"
    single = len(paths) == 1 and not os.path.isdir(paths[0])
    with _stops(paths[0] if single else None, lang=lang, as_json=as_json):
        run = pipeline.settings(profile_path, lang=lang)
        files = [paths[0]] if single else runner.collect(paths).files
        if not files:
            raise Fatal("E140", skipped="", skipped_en="")
        if out_dir is not None:
            outputs.make_folder(out_dir, lambda exc: reason(exc, lang))
        targets = outputs.review_targets(files, out_dir, list(paths))
    code = EXIT_CLEAN
    for file in files:
        try:
            with _stops(file, lang=lang, as_json=as_json) if single else contextlib.nullcontext():
                done = pipeline.review(file, run, target=targets[file], force=force)
        except Fatal as exc:  # several files: one that cannot be reviewed is one line, the others go on
            exc.finding.values.setdefault("name", os.path.basename(file))
            click.echo(json.dumps(fatal_report(exc, file, lang), ensure_ascii=False) if as_json else
                       f"{file}：{exc.line(lang)}", err=not as_json)
            code = max(code, EXIT_ERRORS)
            continue
        if as_json:
            data = dict(done.estimate.json(lang), worksheet=done.written)
            click.echo(json.dumps(data, ensure_ascii=False, indent=2 if single else None))
        else:
            click.echo("\n".join(view.text_lines(done.estimate, done.written, lang)))
        if done.write_error is not None:
            click.echo(_prefix(lang) + done.write_error.line(lang), err=True)
            code = EXIT_NOT_WRITTEN
        elif done.checked.result.errors:
            code = max(code, EXIT_ERRORS)
    sys.exit(code)


@cli.command(options_metavar="[选项]")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址：127.0.0.1 只有本机能打开；0.0.0.0 让局域网内的电脑都能打开")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default="空闲的端口", help="端口")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器")
@click.option("--workers", type=click.IntRange(1, 64), default=None, show_default="CPU 核数",
              help="同时检查的工作进程数")
@click.option("--queue", type=click.IntRange(0, 1000), default=30, show_default=True,
              help="可排队等待的请求数；再多时页面回答“服务器正忙”")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True,
              help="每个文件的检查时限（秒）；生成结果工作簿、Word 报告时为 4 倍")
@click.option("--max-mb", type=click.FloatRange(min=0.01), default=20, show_default=True, help="每个上传文件的大小上限（MB）")
@click.option("--max-files", type=click.IntRange(1, 10000), default=30, show_default=True,
              help="一次上传的文件数上限（.zip 中的工作簿也计数）")
@click.option("--max-total-mb", type=click.FloatRange(min=0.01), default=100, show_default=True,
              help="一次上传的总大小上限（MB）")
@click.option("--keep", "keep_minutes", type=click.FloatRange(min=0.1), default=10, show_default=True,
              help="上传的文件和检查结果保留的分钟数，之后删除")
def serve(host, port, no_browser, workers, queue, timeout, max_mb, max_files, max_total_mb, keep_minutes) -> None:
    """启动检查网页：在浏览器中上传工作簿、查看问题、下载结果工作簿和 Word 报告，或批量汇总。

    \b
    默认只有本机能打开（127.0.0.1，空闲端口，自动打开浏览器）。
    为单位内网提供服务：perfxl serve --host 0.0.0.0 --port 8080
    上传的文件和结果保存在私有临时文件夹中，--keep 分钟后删除；停止时全部删除。"""
    from perfxl import batch as runner
    from perfxl.web.config import Config
    from perfxl.web.server import cannot_listen, serve as start
    from perfxl.workbook.fatal import Fatal

    config = Config(workers=workers or runner.cpu_count(), queue=queue, timeout=timeout, max_mb=max_mb,
                    max_files=max_files, max_total_mb=max_total_mb, keep_minutes=keep_minutes,
                    local_only=host in ("127.0.0.1", "localhost"))
    with _stops():
        try:
            start(config, host, port, browser=not no_browser, say=click.echo)
        except OSError as exc:
            zh, en = cannot_listen(exc)
            raise Fatal("E169", address=f"{host}:{port}", reason=zh, reason_en=en) from None
        except (KeyboardInterrupt, Interrupted):  # Ctrl-C is how a server stops: uvicorn has shut it down
            pass
    click.echo("网页已停止，上传的文件和检查结果已全部删除。")


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
    reaches a user (each command's stops are one line; this catches what happens outside them)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    import gc
    gc.disable()  # one short run that frees everything at exit: the cyclic collector only costs
    # time here, rescanning openpyxl's hundreds of thousands of objects (benchmarks/NOTES.md)
    _signals_interrupt()
    with _stops():
        cli(standalone_mode=True)


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
