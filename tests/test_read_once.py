"""Read once: the check parses each part of the file once with expat; writing the result adds
one openpyxl load (after the check), and the writer never loads the input again or its own
output; cached values come from the values the check computed."""

from __future__ import annotations

import openpyxl
from openpyxl import load_workbook

from layouts import Book, Proj, build
from perfxl.excel import package, sheetxml


def test_one_expat_read_and_one_load_per_check_with_write_back(run, tmp_path, monkeypatch):
    path = str(tmp_path / "in.xlsx")
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", total=99)]), path)
    loads, reads = [], []
    real_load, real_read = openpyxl.load_workbook, sheetxml.read_sheet

    def counting_load(*args, **kwargs):
        loads.append(args[0] if args else kwargs.get("filename"))
        return real_load(*args, **kwargs)

    def counting_read(*args, **kwargs):
        reads.append(1)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting_load)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", counting_load)
    monkeypatch.setattr(sheetxml, "read_sheet", counting_read)
    r = run("check", path)
    assert r.exit_code in (0, 1), r.output
    assert loads == [path]  # the writer's; it neither reloads the input nor its output
    assert len(reads) == len(load_workbook(path).sheetnames)  # each worksheet part parsed once by the check
    out = path.replace(".xlsx", ".perfxl.xlsx")
    wv = real_load(out, data_only=True)
    assert wv["自评结果"]["G4"].value is not None


def test_the_check_grids_are_released_before_the_writer_loads(tmp_path, monkeypatch):
    """The check's per-cell grids and openpyxl's workbook never take memory at the same time."""
    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views import writer
    from perfxl.workbook import reader

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    wb = load_workbook(path)
    wb["项目1"]["K1"], wb["项目1"]["K2"] = "=1+2", '="a"&K1'
    wb.save(path)
    model = reader.read_workbook(path)
    result = run_checks(model, load_profile())
    assert model.grids and model.formula_cells
    cached = {(c.sheet, c.coord): c.value for c in model.formula_cells}
    seen = []
    real = reader.load_for_writing

    def load(p):
        seen.append((dict(model.grids), list(model.formula_cells)))
        return real(p)

    monkeypatch.setattr(reader, "load_for_writing", load)
    writer.write_result(path, str(tmp_path / "out.xlsx"), result)
    assert seen == [({}, [])]
    wv = load_workbook(tmp_path / "out.xlsx", data_only=True)  # the user's formulas keep their values
    assert {key: wv[key[0]][key[1]].value for key in cached} == cached


def test_cached_values_read_from_the_scan_keep_their_types(tmp_path):
    """Numbers, text, booleans, errors and dates from <v>, as openpyxl's data_only gives them."""
    from datetime import datetime

    from perfxl.workbook.reader import read_workbook

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    wb = load_workbook(path)
    ws = wb["项目1"]
    for ref, formula in {"K1": "=1+1", "K2": '="a"&"b"', "K3": "=1>0", "K4": "=1/0", "K5": "=DATE(2025,3,1)"}.items():
        ws[ref] = formula
    ws["K5"].number_format = "yyyy-mm-dd"
    wb.save(path)
    package_path = tmp_path / "cached.xlsx"
    values = {"K1": "2", "K2": "ab", "K3": "1", "K4": "#DIV/0!", "K5": "45717"}
    types = {"K2": "str", "K3": "b", "K4": "e"}
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = package.sheet_parts(z)
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(package_path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == parts["项目1"]:
                for ref, v in values.items():
                    t = f' t="{types[ref]}"' if ref in types else ""
                    start = data.index(f'<c r="{ref}"'.encode())
                    end = data.index(b"</c>", start)
                    cell = data[start:end]
                    f = cell[cell.index(b"<f>"):cell.index(b"</f>") + 4]
                    s_attr = b' s="' + cell.split(b's="')[1].split(b'"')[0] + b'"' if b's="' in cell else b""
                    data = data[:start] + f'<c r="{ref}"'.encode() + s_attr + t.encode() + b">" + f + \
                        f"<v>{v}</v>".encode() + data[end:]
            z.writestr(info, data)
    want = load_workbook(package_path, data_only=True)["项目1"]
    model = read_workbook(str(package_path))
    grid = model.grids["项目1"]
    got = {c.coord: c.value for c in grid.cells.values() if c.formula and c.coord.startswith("K")}
    assert got == {ref: want[ref].value for ref in values}
    assert got["K5"] == datetime(2025, 3, 1) and got["K3"] is True and got["K1"] == 2


def _openpyxl_refuses(monkeypatch):
    """A package the check reads but openpyxl cannot load (openpyxl is stricter in places)."""
    from perfxl.workbook import reader

    def refuse(path):
        raise reader.ReadError("E105", name=path.rsplit("/", 1)[-1], reason="KeyError")

    monkeypatch.setattr(reader, "load_for_writing", refuse)


def test_a_file_openpyxl_cannot_load_is_one_line_and_exit_2(run, tmp_path, monkeypatch):
    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    _openpyxl_refuses(monkeypatch)
    r = run("check", path)
    assert r.exit_code == 2
    assert "in.xlsx" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "in.perfxl.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.xlsx"]  # no temp file left either
    assert run("check", path, "--no-write").exit_code in (0, 1)  # the check itself needs no openpyxl


def test_batch_notes_a_result_openpyxl_cannot_write(tmp_path, monkeypatch):
    from perfxl.batch import check_one
    from perfxl.pipeline import settings

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    _openpyxl_refuses(monkeypatch)
    row = check_one(path, settings(), write_to=str(tmp_path / "out.xlsx"))
    assert row.status == "checked" and row.written is None
    assert "结果工作簿未写入" in row.note and "in.xlsx" in row.note
    assert not (tmp_path / "out.xlsx").exists()


def test_a_result_is_written_once(tmp_path):
    """The writer releases the check's grids: a second write of the same result would have no
    cached values to give, so it is refused rather than written without them."""
    import pytest

    from perfxl.result import run_checks
    from perfxl.scoring.profile import load_profile
    from perfxl.views import writer
    from perfxl.workbook import reader

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    result = run_checks(reader.read_workbook(path), load_profile())
    writer.write_result(path, str(tmp_path / "a.xlsx"), result)
    with pytest.raises(RuntimeError):
        writer.write_result(path, str(tmp_path / "b.xlsx"), result)


def test_in_place_leaves_no_backup_when_openpyxl_cannot_load(run, tmp_path, monkeypatch):
    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)
    _openpyxl_refuses(monkeypatch)
    assert run("check", path, "--in-place").exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["in.xlsx"]
