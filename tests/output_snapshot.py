"""The output workbook of fixed inputs as a compact, comparable snapshot: every cell's value
(formula text for formulas), every formula's cached value, every comment and merged range.

Used by tests/test_output_reference.py against tests/data/output_reference.json; that file is
regenerated with ``python tests/data/make_output_reference.py`` only on an intended change of
output, named in the commit message.
"""

from __future__ import annotations

import os
import shutil
import warnings
from datetime import date, datetime, time, timedelta
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from layouts import LAYOUTS, Book, Proj, build
from perfxl.cli import cli

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "data" / "output_reference.json"


def _plain(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # 100 and 100.0 are one value in a cell
    if isinstance(value, (datetime, date, time, timedelta)):
        return f"{type(value).__name__}:{value.isoformat() if hasattr(value, 'isoformat') else value}"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return "=" + str(text).lstrip("=") if text is not None else repr(value)


def snapshot(path: str) -> dict:
    """sheet -> {"cells": {coord: value or [formula, cached]}, "notes": {...}, "merged": [...]}."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wf = load_workbook(path)
        wv = load_workbook(path, data_only=True)
    out = {}
    for ws in wf.worksheets:
        cells, notes = {}, {}
        vs = wv[ws.title]
        for row in ws.iter_rows():  # the outputs here are small and dense
            for c in row:
                if c.comment is not None:
                    notes[c.coordinate] = c.comment.text
                v = _plain(c.value)
                if v is None:
                    continue
                if isinstance(v, str) and v.startswith("=") and len(v) > 1:
                    cells[c.coordinate] = [v, _plain(vs[c.coordinate].value)]
                else:
                    cells[c.coordinate] = v
        out[ws.title] = {"state": ws.sheet_state, "cells": cells, "notes": notes,
                         "merged": sorted(str(r) for r in ws.merged_cells.ranges)}
    return out


def _layout_book() -> Book:
    return Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", budget=50, executed=25, total=99,
                              problems="工程未结算")])


def cases(folder: Path) -> dict[str, str]:
    """name -> input path of every case, built in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    sample = folder / "sample.xlsx"
    shutil.copy(ROOT / "samples" / "2025.xlsx", sample)
    paths["sample"] = str(sample)
    for layout in LAYOUTS:
        p = folder / f"{layout}.xlsx"
        build(_layout_book(), p, layout)
        paths[layout] = str(p)
    return paths


def outputs(folder: Path) -> dict[str, dict]:
    """name -> snapshot of the output of ``perfxl check`` on that case."""
    runner = CliRunner()
    result = {}
    for name, path in cases(folder).items():
        r = runner.invoke(cli, ["check", path], catch_exceptions=False)
        assert r.exit_code in (0, 1), r.output
        out = os.path.splitext(path)[0] + ".perfxl.xlsx"
        result[name] = snapshot(out)
    return result
