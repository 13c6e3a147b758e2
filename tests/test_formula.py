"""The formula evaluator: Excel semantics per operator and function, references,
circularity, unsupported constructs, and a workbook round trip through openpyxl."""

from datetime import datetime

import openpyxl
import pytest

from perfxl.excel.formula import (CircularReference, ExcelError, Unsupported,
                                     WorkbookEvaluator, parse)

S = "Sheet1"

# Cells most cases read. A5 is blank; A6 holds numeric text; A7 plain text.
BASE = {
    "A1": 1, "A2": 2.5, "A3": -4, "A4": True, "A6": "3", "A7": "abc", "A8": "=1/0",
    "B1": 10, "B2": 20, "B3": 30, "B4": "x", "B5": None,
    "C1": "Abc", "C2": "", "C3": False,
    "D1": "#N/A",  # an error cell as openpyxl loads it
}


def calc(formula, extra=None, coord="Z99"):
    cells = {(S, k): v for k, v in BASE.items()}
    cells.update({(S, k): v for k, v in (extra or {}).items()})
    cells[(S, coord)] = formula
    return WorkbookEvaluator(cells).value(S, coord)


def check(formula, expected, extra=None):
    got = calc(formula, extra)
    if isinstance(expected, ExcelError):
        assert isinstance(got, ExcelError) and got == expected, (formula, got)
    elif isinstance(expected, float):
        assert type(got) is float and got == pytest.approx(expected, abs=1e-12), (formula, got)
    else:
        assert type(got) is type(expected) and got == expected, (formula, got)


DIV0, VALUE, NA, NUM, REF = (ExcelError(e) for e in ("#DIV/0!", "#VALUE!", "#N/A", "#NUM!", "#REF!"))


@pytest.mark.parametrize("formula, expected", [
    # literals
    ("=1", 1.0), ("=1E3", 1000.0), ("=.5", 0.5), ("=1.5E-2", 0.015), ('="a""b"', 'a"b'),
    ("=TRUE", True), ("=false", False), ("=#DIV/0!", DIV0), ('=""', ""),
    # arithmetic and precedence
    ("=1+2*3", 7.0), ("=(1+2)*3", 9.0), ("=2^3^2", 64.0), ("=-2^2", 4.0), ("=0-2^2", -4.0),
    ("=10/4", 2.5), ("=7-2-1", 4.0), ("=50%", 0.5), ("=200%*3", 6.0), ("=-A1", -1.0),
    ("=+A1", 1.0), ("=--A6", 3.0), ("=2^-1", 0.5), ("= 1 + 2 ", 3.0), ("=1+2&3", "33"),
    ("=1+2=3", True), ("=A1%", 0.01),
    # coercion
    ('="3"+1', 4.0), ("=A6+1", 4.0), ('=" 1,000 "*2', 2000.0), ('="5%"*2', 0.1),
    ('="abc"+1', VALUE), ('=""+1', VALUE), ("=A7*1", VALUE), ("=A5+1", 1.0), ("=A4+1", 2.0),
    ("=C3*5", 0.0), ("=A5", 0.0), ("=B5", 0.0),
    # errors
    ("=1/0", DIV0), ("=A1/A5", DIV0), ("=A8+1", DIV0), ("=1+A8", DIV0), ("=D1*2", NA),
    ("=D1+A8", NA), ("=A8+D1", DIV0), ('="x"+D1', VALUE), ("=0^0", NUM), ("=(-8)^0.5", NUM),
    ("=0^-1", DIV0), ("=10^400", NUM), ("=A8&\"x\"", DIV0), ("=A8=1", DIV0),
    # concatenation
    ('="a"&"b"', "ab"), ("=A1&A5&\"|\"", "1|"), ("=A2&\"\"", "2.5"), ("=A4&\"\"", "TRUE"),
    ("=1/3&\"\"", "0.333333333333333"), ("=1E20&\"\"", "1E+20"), ("=-0.5&\"\"", "-0.5"),
    # comparisons
    ("=1<2", True), ("=2<=2", True), ("=3<>3", False), ("=1>=2", False), ('="abc"="ABC"', True),
    ('="a"<"B"', True), ('=1<"a"', True), ('="z"<TRUE', True), ("=FALSE<TRUE", True),
    ("=TRUE>99", True), ("=A5=0", True), ('=A5=""', True), ("=A5=FALSE", True),
    ("=0.1+0.2=0.3", True), ('="3"=3', False), ("=C1=\"abc\"", True),
])
def test_operators(formula, expected):
    check(formula, expected)


@pytest.mark.parametrize("formula, expected", [
    # SUM/MIN/MAX/AVERAGE: ranges ignore text, logicals, blanks; direct args convert
    ("=SUM(A1:A7)", -0.5), ("=SUM(A1,A2)", 3.5), ("=SUM(B1:B5)", 60.0), ("=SUM(1,\"2\",TRUE)", 4.0),
    ("=SUM(A6)", 0.0), ('=SUM("x")', VALUE), ("=SUM(A1:A8)", DIV0), ("=SUM(B1:B3,D1)", NA),
    ("=SUM(A5:A5)", 0.0), ("=SUM(A1:B3)", 59.5), ("=SUM(B3:B1)", 60.0), ("=SUM(A1,)", 1.0),
    ("=MIN(B1:B5)", 10.0), ("=MAX(B1:B5)", 30.0), ("=MIN(B4:B5)", 0.0), ("=MAX(A7)", 0.0),
    ("=MIN(A1:A3,-10)", -10.0), ("=MAX(C1:C3)", 0.0), ("=MAX(B1:B3,A8)", DIV0),
    ("=AVERAGE(B1:B5)", 20.0), ("=AVERAGE(B4:B5)", DIV0), ("=AVERAGE(1,2,\"3\")", 2.0),
    # COUNT/COUNTA
    ("=COUNT(A1:A8)", 3.0), ("=COUNT(1,\"2\",\"x\",TRUE)", 3.0), ("=COUNT(A8,D1)", 0.0),
    ("=COUNTA(A1:A8)", 7.0), ("=COUNTA(B1:B5)", 4.0), ("=COUNTA(C1:C3)", 3.0), ("=COUNTA(1,)", 2.0),
    # ROUND family: half away from zero on the 15-digit value
    ("=ROUND(2.675,2)", 2.68), ("=ROUND(-1.5,0)", -2.0), ("=ROUND(1.5,0)", 2.0),
    ("=ROUND(2.5,0)", 3.0), ("=ROUND(0.285,2)", 0.29), ("=ROUND(1.005,2)", 1.01),
    ("=ROUND(1234.5,-2)", 1200.0), ("=ROUND(1250,-2)", 1300.0), ("=ROUND(3.14159,2.9)", 3.14),
    ("=ROUND(0.1+0.2,15)", 0.3), ("=ROUND(\"2.5\",0)", 3.0), ("=ROUND(A7,0)", VALUE),
    ("=ROUND(A8,0)", DIV0), ("=ROUND(1E300,2)", 1e300), ("=ROUND(A5,2)", 0.0),
    ("=ROUNDUP(1.21,1)", 1.3), ("=ROUNDUP(-1.21,1)", -1.3), ("=ROUNDUP(0.1+0.2,1)", 0.3),
    ("=ROUNDDOWN(1.29,1)", 1.2), ("=ROUNDDOWN(-1.29,1)", -1.2), ("=ROUNDDOWN(1999,-3)", 1000.0),
    # ABS/INT
    ("=ABS(-3)", 3.0), ("=ABS(A3)", 4.0), ("=ABS(A7)", VALUE), ("=INT(-1.5)", -2.0), ("=INT(2.9)", 2.0),
    # IF/IFS/IFERROR: lazy, errors in the condition propagate
    ("=IF(A1>0,\"y\",\"n\")", "y"), ("=IF(A3>0,\"y\",\"n\")", "n"), ("=IF(A3>0,1)", False),
    ("=IF(TRUE,1/0,1)", DIV0), ("=IF(FALSE,1/0,1)", 1.0), ("=IF(TRUE,2,NOPE())", 2.0),
    ("=IF(A8,1,2)", DIV0), ("=IF(\"x\",1,2)", VALUE), ("=IF(\"true\",1,2)", 1.0),
    ("=IF(A5,1,2)", 2.0), ("=IF(A1,,2)", 0.0), ("=IF(0.5,1,2)", 1.0),
    ("=IFS(A1>5,\"a\",A1>0,\"b\")", "b"), ("=IFS(A1>5,\"a\")", NA), ("=IFS(TRUE,1,NOPE(),2)", 1.0),
    ("=_xlfn.IFS(FALSE,1,TRUE,2)", 2.0),
    ("=IFERROR(1/0,\"z\")", "z"), ("=IFERROR(5,NOPE())", 5.0), ("=IFERROR(D1,0)", 0.0),
    # AND/OR/NOT
    ("=AND(TRUE,1)", True), ("=AND(TRUE,0)", False), ("=OR(FALSE,0)", False), ("=OR(A1>0,A8)", DIV0),
    ("=AND(C1:C3)", False), ("=AND(B4:B5)", VALUE), ('=AND("x")', VALUE), ("=NOT(A1)", False),
    ("=NOT(A5)", True), ("=NOT(A8)", DIV0), ("=OR(B1:B3)", True),
    # IS functions never propagate
    ("=ISBLANK(A5)", True), ("=ISBLANK(C2)", False), ("=ISBLANK(A1)", False), ("=ISBLANK(Z1)", True),
    ("=ISNUMBER(A1)", True), ("=ISNUMBER(A6)", False), ("=ISNUMBER(A8)", False),
    ("=ISERROR(A8)", True), ("=ISERROR(D1)", True), ("=ISERROR(A7)", False), ("=ISTEXT(A7)", True),
    # SUMPRODUCT
    ("=SUMPRODUCT(B1:B3,B1:B3)", 1400.0), ("=SUMPRODUCT(B1:B5)", 60.0),
    ("=SUMPRODUCT((B1:B3>15)*B1:B3)", 50.0), ("=SUMPRODUCT(B1:B3>15,B1:B3)", 0.0),
    ("=SUMPRODUCT(B1:B3,A1:A2)", VALUE), ("=SUMPRODUCT(A7:A8)", DIV0), ("=SUMPRODUCT(2,3)", 6.0),
    ("=SUMPRODUCT(B1:B3*2)", 120.0),
    # TEXT
    ('=TEXT(2.5,"0")', "3"), ('=TEXT(1234.567,"0.00")', "1234.57"), ('=TEXT(0.1234,"0%")', "12%"),
    ('=TEXT(0.12345,"0.00%")', "12.35%"), ('=TEXT(1234.5,"#,##0.00")', "1,234.50"),
    ('=TEXT(-0.001,"0.00")', "0.00"), ('=TEXT("abc","0")', "abc"), ('=TEXT(A6,"0.0")', "3.0"),
    ('=TEXT(A8,"0")', DIV0), ('=TEXT(-2.5,"0")', "-3"),
    # CONCATENATE/LEN
    ('=CONCATENATE("a",1,TRUE,A5,"b")', "a1TRUEb"), ("=CONCATENATE(A1,D1)", NA),
    ('=LEN("项目1")', 3.0), ("=LEN(A2)", 3.0), ("=LEN(A5)", 0.0), ("=LEN(A8)", DIV0),
    # functions are case-insensitive
    ("=sum(b1:b3)", 60.0), ("=Round(2.675, 2)", 2.68),
])
def test_functions(formula, expected):
    check(formula, expected)


def test_implicit_intersection_and_whole_columns():
    # a range used as a single value is the cell on the formula's row
    cells = {(S, "B1"): 10, (S, "B2"): 20, (S, "B3"): 30,
             (S, "C2"): "=B1:B3*2", (S, "C5"): "=B1:B3*2", (S, "C6"): "=B3:B3",
             ("T", "A1"): "=SUM(Sheet1!B:B)", ("T", "A2"): "=SUM(Sheet1!1:1)",
             ("T", "A3"): "=SUM(Sheet1!2:3)", ("T", "A4"): "=SUM(Sheet1!Z:Z)"}
    ev = WorkbookEvaluator(cells)
    assert ev.value(S, "C2") == 40.0
    assert ev.value(S, "C5") == ExcelError("#VALUE!")
    assert ev.value(S, "C6") == 30.0  # a one-cell range is just that cell
    assert ev.value("T", "A1") == 60.0  # whole columns/rows end at the sheet's last cell
    assert ev.value("T", "A2") == 10.0
    assert ev.value("T", "A3") == 90.0
    assert ev.value("T", "A4") == 0.0


def test_cross_sheet_references_with_chinese_and_quoted_names():
    cells = {
        ("项目1", "G25"): 88.5, ("项目 1", "A1"): 1, ("项目 1", "B2"): 2,
        ("it's", "A1"): 7, ("汇总", "A1"): "='项目1'!G25", ("汇总", "A2"): "=SUM('项目 1'!A1:B2)",
        ("汇总", "A3"): "='it''s'!A1*2", ("汇总", "A4"): "=项目1!$G$25+1",
        ("汇总", "A5"): "='项目1'!G25:'项目1'!G25*1", ("汇总", "A6"): "=A1+'汇总'!A2",
        ("Data", "A1"): 5, ("汇总", "A7"): "=data!A1",
    }
    ev = WorkbookEvaluator(cells)
    assert ev.value("汇总", "A1") == 88.5
    assert ev.value("汇总", "A2") == 3.0
    assert ev.value("汇总", "A3") == 14.0
    assert ev.value("汇总", "$A$4") == 89.5
    assert ev.value("汇总", "A5") == 88.5
    assert ev.value("汇总", "a6") == 91.5
    assert ev.value("汇总", "A7") == 5.0  # sheet names match case-insensitively


def test_defined_names():
    cells = {("项目1", "B3"): 4, (S, "A1"): "=rate*2", (S, "A2"): "=SUM(span)", (S, "A3"): "=missing+1",
             (S, "A4"): "=loop"}
    names = {"Rate": "'项目1'!$B$3", "span": "='项目1'!$B$1:$B$3", "loop": "loop+1"}
    ev = WorkbookEvaluator(cells, names)
    assert ev.value(S, "A1") == 8.0
    assert ev.value(S, "A2") == 4.0
    with pytest.raises(Unsupported):
        ev.value(S, "A3")
    with pytest.raises(CircularReference):
        ev.value(S, "A4")


def test_constants_and_dates():
    ev = WorkbookEvaluator({(S, "A1"): 3, (S, "A2"): "#DIV/0!", (S, "A3"): datetime(2024, 1, 1),
                            (S, "A4"): "=A3+1", (S, "A5"): "=ISNUMBER(A3)"})
    assert ev.value(S, "A1") == 3.0 and type(ev.value(S, "A1")) is float
    assert isinstance(ev.value(S, "A2"), ExcelError)
    assert ev.value(S, "A4") == 45293.0
    assert ev.value(S, "A5") is True
    assert ev.value(S, "B9") is None


def test_circular_references_are_detected():
    cells = {(S, "A1"): "=A2+1", (S, "A2"): "=A3", (S, "A3"): "=SUM(A1:A2)",
             (S, "B1"): "=B1", (S, "C1"): "=A1*2", (S, "D1"): "=IF(TRUE,1,D1)",
             (S, "E1"): "=IFERROR(E1,0)"}
    ev = WorkbookEvaluator(cells)
    for coord in ("A1", "A2", "B1", "C1", "E1"):
        with pytest.raises(CircularReference):
            ev.value(S, coord)
    assert ev.value(S, "D1") == 1.0  # the loop is never followed


def test_long_chains_are_not_recursion_errors():
    n = 3000
    cells = {(S, "A1"): 1}
    cells.update({(S, f"A{i}"): f"=A{i - 1}+1" for i in range(2, n + 1)})
    cells[(S, "B1")] = f"=SUM(A1:A{n})"
    ev = WorkbookEvaluator(cells)
    assert ev.value(S, f"A{n}") == float(n)
    assert ev.value(S, "B1") == n * (n + 1) / 2
    # the same chain closed into a loop
    cells[(S, "A1")] = f"=A{n}"
    with pytest.raises(CircularReference):
        WorkbookEvaluator(cells).value(S, f"A{n}")


@pytest.mark.parametrize("formula", [
    "=VLOOKUP(1,A1:B3,2,FALSE)", "=[1]Sheet1!A1", "='[Book2.xlsx]Sheet1'!A1", "=Table1[Col]",
    "=SUM({1,2,3})", "=A1 B1", "=SUM((A1,B1))", "=Sheet1:Sheet3!A1", "=SUM(", "=NoSuchSheet!A1",
    "=undefined_name", "=ROUND(1)", "=NOSUCHFUNCTION(1)",
])
def test_unsupported(formula):
    with pytest.raises(Unsupported):
        calc(formula)


def test_unsupported_is_remembered_and_propagates():
    cells = {(S, "A1"): "=FOO(1)", (S, "A2"): "=A1+1", (S, "A3"): "=IFERROR(A1,0)"}
    ev = WorkbookEvaluator(cells)
    for coord in ("A1", "A2", "A3", "A1"):
        with pytest.raises(Unsupported, match="FOO"):
            ev.value(S, coord)


def test_parse_is_cached():
    assert parse("=SUM(A1:B3)*2") is parse("SUM(A1:B3)*2")  # leading '=' optional


def test_one_reference_type_and_one_extractor():
    """The evaluator reads references with perfxl.excel.refs, the extractor the audit uses."""
    from perfxl.excel.formula import CellRef, RangeRef
    from perfxl.excel.refs import MAX_COL, MAX_ROW, Ref, references

    def flat(formula):
        return [(r.sheet, r.r1, r.c1, r.r2, r.c2, r.whole) for r in references(formula)]
    assert flat("=IF(D6>0,E6/D6,0)") == [(None, 6, 4, 6, 4, None), (None, 6, 5, 6, 5, None), (None, 6, 4, 6, 4, None)]
    assert flat("=H6+SUM($G$13:G24)+'项目 1'!G25+'it''s'!A1:B2") == [
        (None, 6, 8, 6, 8, None), (None, 13, 7, 24, 7, None), ("项目 1", 25, 7, 25, 7, None), ("it's", 1, 1, 2, 2, None)]
    assert flat("=SUM(A:A,2:3)+B3:A1") == [(None, 1, 1, MAX_ROW, 1, "columns"), (None, 2, 1, 3, MAX_COL, "rows"),
                                           (None, 1, 1, 3, 2, None)]
    assert flat('=1+"A1"') == []
    assert [r.external for r in references("=FOO(A1)+[1]S!B2")] == [False, True]
    tree = parse("=A1+'项目 1'!B2:C3")
    left, right = tree.kids
    assert type(left) is CellRef and type(right) is RangeRef
    assert isinstance(left.ref, Ref) and right.ref == references("=A1+'项目 1'!B2:C3")[1]


def test_a_range_over_the_whole_sheet_reads_only_the_used_cells():
    ev = WorkbookEvaluator({("S", "A1"): 1.0, ("S", "B2"): 2.0, ("S", "C3"): "=SUM(A1:XFD1048576)",
                            ("S", "C4"): "=SUM(A:B)", ("S", "C5"): "=COUNTA(1:2)"})
    assert ev.value("S", "C4") == 3.0 and ev.value("S", "C5") == 2.0
    with pytest.raises(CircularReference):  # C3 lies inside its own range, as in Excel
        ev.value("S", "C3")


def test_workbook_round_trip(tmp_path):
    """Formulas written by openpyxl have no cached values; evaluate them from the reloaded
    file the way the reader feeds the evaluator."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    ws["D6"], ws["E6"], ws["G6"], ws["H6"] = 200, 150, 0.8, 5
    ws["F6"] = "=IF(D6>0,E6/D6,0)"
    ws["I6"] = "=ROUND(F6*MIN(G6,1),2)"
    for r in range(13, 25):
        ws[f"G{r}"] = r - 12
    ws["G25"] = "=H6+SUM(G13:G24)"
    ws["D7"], ws["E7"] = 0, 10
    ws["F7"] = "=IF(D7>0,E7/D7,0)"
    summary = wb.create_sheet("汇总")
    summary["A1"] = "='项目1'!G25"
    summary["A2"] = "='项目1'!I6*100"
    summary["A3"] = '=TEXT(\'项目1\'!F6,"0.00%")'
    path = tmp_path / "book.xlsx"
    wb.save(path)

    loaded = openpyxl.load_workbook(path)
    cells = {(sheet.title, c.coordinate): c.value
             for sheet in loaded.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None}
    assert cells[("项目1", "F6")] == "=IF(D6>0,E6/D6,0)"
    ev = WorkbookEvaluator(cells)
    assert ev.value("项目1", "F6") == 0.75
    assert ev.value("项目1", "F7") == 0.0
    assert ev.value("项目1", "I6") == 0.6
    assert ev.value("项目1", "G25") == 83.0
    assert ev.value("汇总", "A1") == 83.0
    assert ev.value("汇总", "A2") == 60.0
    assert ev.value("汇总", "A3") == "75.00%"


def test_whole_sheet_ranges_with_a_stray_far_cell_read_only_the_held_cells():
    ev = WorkbookEvaluator({("S", "A1"): 1.0, ("S", "B2"): 2.0, ("S", "XFD1048576"): 4.0,
                            ("T", "A1"): "=SUM(S!A:XFD)", ("T", "A2"): "=COUNT(S!1:1048576)",
                            ("T", "A3"): "=MAX(S!A1:XFD1048576)", ("T", "A4"): "=SUMPRODUCT(S!A:XFD)"})
    assert ev.value("T", "A1") == 7.0 and ev.value("T", "A2") == 3.0 and ev.value("T", "A3") == 4.0
    with pytest.raises(Unsupported):  # as an array it would be 17 billion cells
        ev.value("T", "A4")


def test_one_splitter_for_cell_addresses():
    """perfxl.excel.refs.split: the row and column of one cell's address, whatever its case and
    $ signs; None for a range, a name or a malformed address (bounds are the caller's)."""
    from perfxl.excel.grid import coord
    from perfxl.excel.refs import split

    assert split("AB12") == split("ab12") == split("$AB$12") == split("AB$12") == (12, 28)
    assert split("XFD1048576") == (1048576, 16384) and coord(*split("XFD1048576")) == "XFD1048576"
    assert split("A0") == (0, 1)
    for bad in ("", "A", "12", "1A", "A1$", "$$A1", "ABCD1", "A12345678", "B3:C5", "项目1", "A１"):
        assert split(bad) is None, bad
