"""Where perfxl writes, decided once for every command: the result workbook (``check``, each
unit of ``batch --write-each``), the Word report (``report``) and the roll-up (``batch``).

Each function either returns the path to write or raises :class:`Fatal` carrying the E rule
that says why not — the same rule, with the same words, whichever command asked. Nothing
here writes a workbook or prints.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from perfxl.excel.package import defines_name, losses
from perfxl.views.files import (OUTPUT_EXTENSIONS, RESULT_NAME, REVIEW_NAME, ROLLUP_NAME, lock_owner, open_in,
                                output_path, review_path)
from perfxl.workbook.fatal import Fatal


@dataclass(frozen=True)
class Write:
    """What the user asked for the result workbook: ``-o``, ``--in-place``, ``--force``."""

    output: str | None = None
    in_place: bool = False
    force: bool = False


@dataclass(frozen=True)
class Target:
    path: str
    rewrite: bool  # the user's own file is replaced (--in-place, or a result file perfxl wrote earlier)
    in_place: bool


def same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def name_of(path: str) -> str:
    return os.path.basename(path) or path


# -- before anything is read ----------------------------------------------------------------

def refuse_lock_file(file: str) -> None:
    """``~$2025.xlsx`` is the lock Excel/WPS keep while 2025.xlsx is open, not a workbook (E134)."""
    owner = lock_owner(file)
    if owner is None or not os.path.isfile(file) or zipfile.is_zipfile(file):
        return
    program = "LibreOffice" if os.path.basename(file).startswith(".~lock.") else "Excel/WPS"
    raise Fatal("E134", name=name_of(file), owner=owner, program=program)


def refuse_result_name(file: str, write: Write | None) -> None:
    """``-o`` must name a workbook (E135) of the input's own type (E136); ``--in-place`` goes
    with neither ``-o`` nor ``--no-write`` (E110)."""
    if write is None or write.output is None:
        return
    ext = os.path.splitext(write.output)[1].lower()
    if ext not in OUTPUT_EXTENSIONS:
        raise Fatal("E135", name=name_of(file), path=write.output)
    if write.in_place:
        raise Fatal("E110", name=name_of(file))
    source_ext = os.path.splitext(file)[1].lower()
    if source_ext in OUTPUT_EXTENSIONS and ext != source_ext:
        raise Fatal("E136", name=name_of(file), path=write.output, ext=source_ext)


# -- the result workbook ---------------------------------------------------------------------

def result_target(file: str, model, write: Write, *, converted: bool) -> Target:
    """The result workbook's path for ``file`` (read into ``model``): ``-o``, ``--in-place`` or
    ``<name>.perfxl.xlsx`` beside the input; a result file perfxl wrote earlier is its own target."""
    if write.in_place and (converted or model.source_format != "xlsx"):
        raise Fatal("E127", name=name_of(file))
    own_output = RESULT_NAME in model.defined_names
    if write.in_place:
        return Target(file, True, True)
    if write.output:
        if (os.path.exists(write.output) and not write.force and not same_file(write.output, file)
                and not defines_name(write.output, RESULT_NAME)):  # another workbook of the user's
            raise Fatal("E116", name=name_of(file), path=write.output)
        return Target(write.output, same_file(write.output, file) and own_output, False)
    path = output_path(file)
    if same_file(path, file) and not own_output:  # named like a result, but the user's own
        base, ext = os.path.splitext(file)
        path = f"{base}.perfxl{ext}"
    return Target(path, same_file(path, file), False)


def refuse_target(target: Target, file: str) -> None:
    """What must not be written over: the input itself (E111), a workbook open in Excel/WPS
    (E112), a folder that is not there (E113)."""
    if same_file(target.path, file) and not target.rewrite:
        raise Fatal("E111", name=name_of(file))
    if open_in(target.path) == "Excel/WPS":
        raise Fatal("E112", name=name_of(file), path=target.path)
    folder = os.path.dirname(os.path.abspath(target.path))
    if not os.path.isdir(folder):
        raise Fatal("E113", name=name_of(file), folder=folder)


def lost_parts(source: str, target: Target, model) -> list[str]:
    """What the result workbook cannot keep of ``source`` (R119, one finding each); rewriting the
    user's own file would lose it, so that is refused (E114)."""
    if model.source_format == "xls":
        return ["公式（只保留计算结果）、字体、颜色、边框和列宽"]
    try:
        lost = losses(source, scans=getattr(model, "scans", None))  # the reader's scans: no part read again
    except Exception:  # the reader already accepted the file; a package oddity only limits this report
        lost = []
    if target.rewrite and lost:
        raise Fatal("E114", name=name_of(source), parts="；".join(lost))
    return lost


def each_targets(files: list[str], folder: str | None, roots: list[str] | None = None, *,
                 name=output_path) -> dict[str, str]:
    """Where ``batch --write-each`` puts each result workbook (``name``: ``review_path`` for the
    复核底稿 of ``review`` and ``batch --review``): beside its input, or in ``folder``
    under the input's path below the folder it was found in (two units' ``2025.xlsx`` in
    ``甲/`` and ``乙/`` stay apart as ``folder/甲/2025.perfxl.xlsx`` …); a name still shared
    gets -2, -3… so no result overwrites another."""
    targets: dict[str, str] = {}
    used: set[str] = set()
    for path in files:
        target = name(path)
        if folder is not None:
            target = os.path.join(folder, _below_root(target, roots or []))
        base, ext = os.path.splitext(target)
        n = 2
        while os.path.normcase(os.path.abspath(target)) in used:
            target = f"{base}-{n}{ext}"
            n += 1
        used.add(os.path.normcase(os.path.abspath(target)))
        targets[path] = target
    return targets


def _below_root(path: str, roots: list[str]) -> str:
    """``path`` relative to the given folder that holds it (its sub-folders kept), else its name."""
    absolute = os.path.abspath(path)
    for root in roots:
        top = os.path.abspath(root)
        if os.path.isdir(top) and absolute.startswith(top.rstrip(os.sep) + os.sep):
            return os.path.relpath(absolute, top)
    return os.path.basename(path)


# -- the reviewer's worksheet (perfxl review, batch --review) ---------------------------------

def is_review(path: str) -> bool:
    """A 复核底稿 written by ``perfxl review`` (under any name): its workbook names ``_perfxl_review``."""
    return defines_name(path, REVIEW_NAME)


def review_targets(files: list[str], folder: str | None, roots: list[str] | None = None) -> dict[str, str]:
    """Where each unit's 复核底稿 goes: ``<name>.复核底稿.xlsx`` beside it, or under ``folder``."""
    return each_targets(files, folder, roots, name=review_path)


def refuse_review_target(path: str, file: str, *, force: bool) -> None:
    """A worksheet replaces an earlier worksheet, never the input (E111) or another workbook of
    the user's (E116, unless --force), nor one open in Excel/WPS (E112), in a folder that exists (E113)."""
    if same_file(path, file):
        raise Fatal("E111", name=name_of(file))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise Fatal("E113", name=name_of(file), folder=folder)
    if open_in(path) == "Excel/WPS":
        raise Fatal("E112", name=name_of(file), path=path)
    if os.path.exists(path) and not force and not is_review(path):
        raise Fatal("E116", name=name_of(file), path=path)


# -- the template (perfxl init) ---------------------------------------------------------------

def init_target(path: str, year: int, *, force: bool) -> str:
    """Where ``perfxl init`` writes: an .xlsx name (E117) that is not a folder (E102), not a
    file of the user's (E116, unless --force), in a folder that exists (E113)."""
    if os.path.isdir(path):
        raise Fatal("E102", path=path)
    if not path.lower().endswith(".xlsx"):
        raise Fatal("E117", path=path, example=f"{year}.xlsx")
    if os.path.exists(path) and not force:
        raise Fatal("E116", path=path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise Fatal("E113", folder=folder)
    return path


# -- the Word report -------------------------------------------------------------------------

def word_locks(path: str) -> list[str]:
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


def report_target(file: str, output: str | None, default: str, *, force: bool, edited) -> str:
    """The report's path: ``-o`` or ``default``; never the input (E130), a .docx (E131) in a
    folder that exists (E113), not open in Word (E132), not a report someone edited (E133)."""
    target = output or default
    if same_file(target, file):
        raise Fatal("E130")
    if not target.lower().endswith(".docx"):
        raise Fatal("E131", path=target, example="-o " + os.path.basename(default))
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise Fatal("E113", folder=folder)
    if any(os.path.exists(lock) for lock in word_locks(target)):
        raise Fatal("E132", path=target)
    if os.path.exists(target) and not force and not edited(target):
        raise Fatal("E133", path=target)
    return target


# -- the roll-up -----------------------------------------------------------------------------

def is_rollup(path: str) -> bool:
    """A roll-up written by ``perfxl batch`` (under any name): its workbook names ``_perfxl_batch``."""
    return defines_name(path, ROLLUP_NAME)


def rollup_target(output: str, *, force: bool) -> str:
    """The roll-up may replace an earlier roll-up, never a user's own workbook (unless --force)."""
    if os.path.isdir(output):
        raise Fatal("E102", path=output)
    if not output.lower().endswith(".xlsx"):
        raise Fatal("E117", path=output, example="汇总.xlsx")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise Fatal("E113", folder=folder)
    if open_in(output) == "Excel/WPS":
        raise Fatal("E112", path=output)
    if os.path.exists(output) and not force and not is_rollup(output):
        raise Fatal("E116", path=output)
    return output


def make_folder(folder: str, reason) -> None:
    """``batch -d``: create the folder for each unit's result (E115 when the system refuses)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise Fatal("E115", path=folder, reason=reason(exc)) from None
