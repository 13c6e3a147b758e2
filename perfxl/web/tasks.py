"""What a worker process does for the page: each task is one call of the pipeline, as
``check``, ``report``, ``init`` and ``batch`` make it, and answers plain data (the JSON view,
a roll-up row, or the stop's lines). Uploads are stored under generated names; every message
names the file as the user named it.
"""

from __future__ import annotations

import os

from perfxl import pipeline
from perfxl.rollup import FileRow
from perfxl.workbook.fatal import Fatal

LANGS = ("zh", "en")
_DEFAULT: dict[str, pipeline.Settings] = {}  # the default profile, loaded once per worker and language


def renamed(exc: Fatal, stored: str | None, name: str | None) -> Fatal:
    """The same stop naming ``name`` (what the user uploaded) wherever it named the stored file."""
    if not stored or not name:
        return exc
    base = os.path.basename(stored)

    def swap(v):
        return v.replace(stored, name).replace(base, name) if isinstance(v, str) else v
    return Fatal(exc.code, hint=exc.finding.hint_as, **{k: swap(v) for k, v in exc.finding.values.items()})


def lines(exc: Fatal) -> dict:
    """A stop as the page shows it: its code and its one line in each language."""
    return {"code": exc.code, "key": exc.key, **{lang: exc.line(lang) for lang in LANGS}}


def settings(lang: str, profile: str | None = None, profile_name: str | None = None) -> pipeline.Settings:
    if profile is None:
        if lang not in _DEFAULT:
            _DEFAULT[lang] = pipeline.settings(lang=lang)
        return _DEFAULT[lang]
    try:
        return pipeline.settings(profile, lang=lang)
    except Fatal as exc:
        raise renamed(exc, profile, profile_name) from None


def check(path: str, name: str, profile: str | None = None, profile_name: str | None = None) -> dict:
    """The check page: ``check --format json``'s report in both languages (the page switches
    language without checking again), or the stop's report."""
    from perfxl.views.json_report import build, fatal_report

    try:
        done = pipeline.check(path, settings("zh", profile, profile_name))
    except Fatal as exc:
        exc = renamed(exc, path, name)
        return {"stop": lines(exc), "reports": {lang: fatal_report(exc, name, lang) for lang in LANGS}}
    return {"stop": None, "reports": {lang: build(done.result, name, lang) for lang in LANGS}}


def result_workbook(path: str, name: str, profile: str | None = None, profile_name: str | None = None) -> dict:
    """The result workbook, as ``perfxl check`` writes it (beside the stored upload)."""
    from perfxl.outputs import Write

    try:
        done = pipeline.check(path, settings("zh", profile, profile_name), write=Write())
    except Fatal as exc:
        return {"stop": lines(renamed(exc, path, name))}
    if done.write_error is not None:
        return {"stop": lines(renamed(done.write_error, path, name))}
    return {"stop": None, "path": done.written}


def word_report(path: str, name: str, out: str, profile: str | None = None, profile_name: str | None = None) -> dict:
    """The Word report, as ``perfxl report`` drafts it."""
    try:
        done = pipeline.report(path, settings("zh", profile, profile_name), output=out, force=True, shown=name)
    except Fatal as exc:
        return {"stop": lines(renamed(exc, path, name))}
    if done.write_error is not None:
        return {"stop": lines(renamed(done.write_error, path, name))}
    return {"stop": None, "path": done.target}


def template(out: str, projects: int, unit: str, year: int) -> dict:
    """The standard workbook, as ``perfxl init`` writes it."""
    from perfxl.workbook.template import write_template

    write_template(out, projects=projects, unit=unit, year=year)
    return {"stop": None, "path": out}


def batch_row(path: str, name: str, lang: str) -> FileRow:
    """One file of the roll-up: its row, as ``perfxl batch`` makes it (the JSON line is not kept)."""
    try:
        done = pipeline.check(path, settings(lang))
    except Fatal as exc:
        exc = renamed(exc, path, name)
        return FileRow.failed(name, "unreadable", exc.finding, exc.key, lang)
    return FileRow.of(done.result, name, lang)


def rollup(out: str, rows: list[FileRow], totals) -> dict:
    """The roll-up workbook, as ``perfxl batch`` writes it (without links: the units'
    workbooks are not kept beside it)."""
    from perfxl.views.batch import write_rollup

    write_rollup(out, rows, totals, links=False)
    return {"stop": None, "path": out}
