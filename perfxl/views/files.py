"""Files around the workbook, for the command line: where the result goes, backups that
never overwrite one another, and the lock files Excel, WPS and LibreOffice leave beside a
workbook they have open. Nothing here reads a workbook's content."""

from __future__ import annotations

import os
import shutil

OUTPUT_EXTENSIONS = (".xlsx", ".xlsm")
RESULT_SUFFIX = ".perfxl"
RESULT_NAME = "_perfxl"  # the defined name that marks a result workbook perfxl wrote
ROLLUP_NAME = "_perfxl_batch"  # the defined name that marks a roll-up of perfxl batch
REVIEW_NAME = "_perfxl_review"  # the defined name that marks a 复核底稿 of perfxl review
REVIEW_SUFFIX = ".复核底稿"


def output_path(input_path: str) -> str:
    """``2025.xlsx`` -> ``2025.perfxl.xlsx``; a result file (``2025.perfxl.xlsx``) is its own
    output: perfxl replaces its own sheets there instead of stacking suffixes."""
    base, ext = os.path.splitext(input_path)
    ext = ext if ext.lower() in OUTPUT_EXTENSIONS else ".xlsx"
    if base.lower().endswith(RESULT_SUFFIX):
        return base + ext
    return f"{base}{RESULT_SUFFIX}{ext}"


def review_path(input_path: str) -> str:
    """``2025.xlsx`` -> ``2025.复核底稿.xlsx``: the reviewer's worksheet of a unit, beside it."""
    base, _ext = os.path.splitext(input_path)
    return f"{base}{REVIEW_SUFFIX}.xlsx"


def is_result_name(path: str) -> bool:
    base, ext = os.path.splitext(path)
    return ext.lower() in OUTPUT_EXTENSIONS and base.lower().endswith(RESULT_SUFFIX)


def open_in(path: str) -> str | None:
    """The program that has ``path`` open, judged by the lock file it leaves beside it:
    ``~$name`` (Excel, WPS) or ``.~lock.name#`` (LibreOffice); None without one."""
    folder, name = os.path.split(os.path.abspath(path))
    if os.path.isfile(os.path.join(folder, "~$" + name)):
        return "Excel/WPS"
    if os.path.isfile(os.path.join(folder, ".~lock." + name + "#")):
        return "LibreOffice"
    return None


def lock_owner(path: str) -> str | None:
    """For a lock file (``~$2025.xlsx``, ``.~lock.2025.xlsx#``), the workbook it belongs to."""
    name = os.path.basename(path)
    if name.startswith("~$") and len(name) > 2:
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock."):-1]
    return None


def backup(path: str) -> str:
    """Copy ``path`` to the first free name of ``path.bak``, ``path.bak2``, ``path.bak3`` …
    and return it. An existing backup is never overwritten: the first one keeps the original."""
    n = 1
    while True:
        target = path + (".bak" if n == 1 else f".bak{n}")
        try:
            out = open(target, "xb")  # exclusive: fails when the name exists, even in a race
        except FileExistsError:
            n += 1
            continue
        try:
            with out, open(path, "rb") as src:
                shutil.copyfileobj(src, out)
            shutil.copystat(path, target)
        except BaseException:
            os.remove(target)
            raise
        return target
