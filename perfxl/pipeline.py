"""One path from a file to its :class:`~perfxl.result.CheckResult` and what was written, for
every command: ``check``, ``report``, each file of ``batch`` (and the web page).

open (or convert) -> read -> where the result goes (``outputs``) -> checks, with what the
result workbook cannot keep passed in as R119 -> the result workbook. A file or a request that
cannot be served raises :class:`Fatal` (a finding of family E, exit 2); a result that was
checked but could not be written is kept, with the reason (``write_error``), so the caller can
still show the report.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass

from perfxl import outputs
from perfxl.excel.oserrors import reason as os_reason
from perfxl.outputs import Write
from perfxl.result import CheckResult, run_checks
from perfxl.workbook.fatal import Fatal

from perfxl import EXIT_CLEAN, EXIT_ERRORS, EXIT_NOT_WRITTEN, EXIT_UNREADABLE  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Settings:
    """What a run asks of every file: the scoring profile, the rules and the language."""

    profile: object
    select_codes: tuple[str, ...] = ()
    ignore_codes: tuple[str, ...] = ()
    lang: str = "zh"
    profile_path: str | None = None  # where the profile came from (a batch worker loads it again)


def codes(values) -> tuple[str, ...]:
    """Rule codes or families as typed: ``F,I104``, ``I104，S108`` (a Chinese comma), ``I104 S108``."""
    out = []
    for v in values or ():
        out.extend(x.upper() for x in re.split(r"[\s,，、;；]+", v) if x)
    return tuple(out)


def settings(profile_path: str | None = None, select=(), ignore=(), lang: str = "zh") -> Settings:
    """Settings from the options as typed. A code that names no rule (E118: a mistyped
    ``--select`` must not silently select nothing) or a profile that cannot be used (E109) stops."""
    from perfxl.rules.catalogue import RULES
    from perfxl.scoring.profile import ProfileError, load_profile

    selected, ignored = codes(select), codes(ignore)
    for code in selected + ignored:
        if not any(known.startswith(code) for known in RULES):
            raise Fatal("E118", code=code)
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        raise Fatal("E109", detail=str(exc), detail_en=exc.en, hint=exc.hint) from None
    return Settings(profile, selected, ignored, lang, profile_path)


def write_request(output: str | None, in_place: bool, no_write: bool, force: bool, *,
                  explaining: bool = False) -> Write | None:
    """The result workbook asked for by ``-o``/``--in-place``/``--no-write``/``--explain``
    (None: no workbook); contradictions stop (E110, E151)."""
    if in_place and (output or no_write):
        raise Fatal("E110")
    if explaining and (output or in_place):
        raise Fatal("E151")
    if no_write or explaining:
        return None
    return Write(output, in_place, force)


@dataclass
class Checked:
    """One file checked: its result, and what became of its result workbook."""

    file: str
    result: CheckResult
    written: str | None = None
    write_error: Fatal | None = None  # checked, but the result workbook was not written (why)
    open_in: str | None = None  # the program that has the input open (unsaved edits are not checked)

    @property
    def exit_code(self) -> int:
        if self.write_error is not None:
            return EXIT_NOT_WRITTEN
        return EXIT_ERRORS if self.result.errors else EXIT_CLEAN


def check(file: str, run: Settings, *, write: Write | None = None, convert: bool = False,
          keep_going: bool = False) -> Checked:
    """Check ``file``; with ``write``, write its result workbook. ``keep_going`` (batch): a
    result workbook that may not be written is a ``write_error``, not a stop."""
    from perfxl.views.files import open_in
    from perfxl.workbook.reader import read_workbook

    outputs.refuse_lock_file(file)
    outputs.refuse_result_name(file, write)
    with _readable(file, convert) as source:
        model = read_workbook(source)  # expat only: openpyxl loads the file only to write the result
        target, lost, refused = None, [], None
        if write is not None:
            try:
                target = outputs.result_target(file, model, write, converted=source != file)
                outputs.refuse_target(target, file)
                lost = outputs.lost_parts(source, target, model)
            except Fatal as exc:
                if not (keep_going or exc.code == "E112"):  # a workbook open in Excel: report kept
                    raise
                target, refused = None, exc
        result = run_checks(model, run.profile, select_codes=run.select_codes, ignore_codes=run.ignore_codes,
                            losses=lost)
        program = open_in(file) if target is None or not target.rewrite else None
        checked = Checked(file, result, write_error=refused, open_in=program)
        if target is not None:
            _write(source, target, checked, run.lang, keep_going)
        return checked


@contextlib.contextmanager
def _readable(file: str, convert: bool):
    """The file to read: ``file`` itself, or (``--convert``) its conversion to .xlsx in a
    temporary folder that goes when the check ends, however it ends."""
    if not convert:
        yield file
        return
    from perfxl.workbook.reader import _check_file
    from perfxl.workbook.xls import convert_to_xlsx, temp_workdir

    kind = _check_file(file)
    if kind == "xlsx":
        raise Fatal("E126", name=outputs.name_of(file))
    if kind == "encrypted":
        raise Fatal("E121", name=outputs.name_of(file))
    workdir = temp_workdir()
    try:
        yield convert_to_xlsx(file, workdir.name)
    finally:
        workdir.cleanup()


def _write(source: str, target: outputs.Target, checked: Checked, lang: str, keep_going: bool) -> None:
    """Write the result workbook (after a numbered backup for --in-place). openpyxl refusing what
    the check could read stops (nothing was written); the system refusing the write is kept as
    ``write_error`` with its reason."""
    from perfxl.views.files import backup
    from perfxl.views.writer import write_result

    made = None
    try:
        if target.in_place:
            made = backup(checked.file)  # 2025.xlsx.bak, then .bak2, …: the first backup keeps the original
        write_result(source, target.path, checked.result)
        checked.written = target.path
    except Fatal as exc:  # openpyxl cannot load what the check could read: nothing was written
        if made is not None:
            os.remove(made)
        if not keep_going:
            raise
        checked.write_error = exc
    except OSError as exc:
        checked.write_error = Fatal("E115", name=outputs.name_of(checked.file), path=target.path,
                                    reason=os_reason(exc, lang))


# -- the Word report ---------------------------------------------------------------------------

@dataclass
class Reported:
    checked: Checked
    target: str
    outline: object | None = None  # what was written (None: --strict stopped it, or the write failed)
    write_error: Fatal | None = None


def report(file: str, run: Settings, *, output: str | None = None, force: bool = False,
           strict: bool = False, shown: str | None = None) -> Reported:
    """Check ``file`` and draft its Word report (``-o`` or ``<name>.docx``); with ``strict`` no
    report when the check finds errors. ``shown``: the file's name in the report's notice when
    it is not ``file`` (the web page stores uploads under generated names)."""
    from perfxl.views.docx_report import report_fonts, report_path, write_report, written_by_perfxl

    checked = check(file, run)  # first: a .docx given as FILE is E107, not "the report is the input"
    target = outputs.report_target(file, output, report_path(file), force=force, edited=written_by_perfxl)
    done = Reported(checked, target)
    if strict and checked.result.errors:
        return done
    try:
        done.outline = write_report(checked.result, target, fonts=report_fonts(run.profile),
                                    source=shown or file)
    except OSError as exc:
        done.write_error = Fatal("E115", path=target, reason=os_reason(exc, run.lang))
    return done


# -- the reviewer's worksheet (复核底稿) ---------------------------------------------------------

@dataclass
class Reviewed:
    """One unit reviewed: its check, the estimate, and where its 复核底稿 went (or why not)."""

    checked: Checked
    estimate: object  # perfxl.review.Estimate
    written: str | None = None
    write_error: Fatal | None = None


def review(file: str, run: Settings, *, target: str, force: bool = False) -> Reviewed:
    """Check ``file`` (nothing written into it or beside it but the worksheet), estimate the
    reviewer's scores and write the 复核底稿 to ``target``. A target that may not be written
    over stops (E111, E112, E113, E116); the system refusing the write is ``write_error``."""
    from perfxl.review import estimate
    from perfxl.views.review import write_worksheet

    checked = check(file, run)  # first: an unreadable input is that input's stop
    outputs.refuse_review_target(target, file, force=force)
    done = Reviewed(checked, estimate(checked.result, run.profile, file))
    try:
        write_worksheet(target, done.estimate, source=file)
        done.written = target
    except OSError as exc:
        done.write_error = Fatal("E115", name=outputs.name_of(file), path=target, reason=os_reason(exc, run.lang))
    return done
