"""perfxl serve without a browser: every route and every refusal through Starlette's TestClient,
against worker processes started once for the module. What the page shows is compared with
what the terminal prints for the same file."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
from pathlib import Path

import anyio
import lxml.html
import pytest

from conftest import said
from openpyxl import load_workbook
from starlette.testclient import TestClient

from hostile import zeros, zip_bomb, zip_of
from layouts import Book, Proj, build
from perfxl.rules.catalogue import RULES
from perfxl.views.batch import COLOURS
from perfxl.web.app import create_app
from perfxl.web.config import Config
from perfxl.web.pool import Crashed, Pool

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "2025.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def pool():
    p = Pool(1)
    yield p
    p.close()


def client_for(pool, **limits) -> TestClient:
    return TestClient(create_app(Config(workers=1, **limits), pool), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client(pool):
    with client_for(pool) as c:
        yield c


def upload(client, path, *, url="/check", field="workbook", name=None, data=None, **kw):
    with open(path, "rb") as fh:
        return client.post(url, files={field: (name or os.path.basename(path), fh.read(), XLSX)}, data=data or {},
                           **kw)


def doc(response):
    return lxml.html.fromstring(response.text)


def shown(response) -> list[tuple[str, str, str, str, str]]:
    """The findings the page lists: (cell, code, severity, message, hint)."""
    out = []
    for tr in doc(response).xpath('//tr[@class="finding"]'):
        cells = [td.text_content().strip() for td in tr.xpath("td")]
        out.append((cells[0], cells[1], tr.get("data-severity"), cells[3], cells[4].removeprefix("→ ")))
    return out


def stop_line(response) -> tuple[str | None, str]:
    el = doc(response).xpath('//*[@id="stop"]')[0]
    text = el.text_content().strip()
    return el.get("data-code"), text


def small_book(tmp_path, name="单位.xlsx") -> str:
    path = str(tmp_path / name)
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", executed=50.0)]), path)
    return path


# -- the check page ------------------------------------------------------------------------

def test_the_sample_page_shows_what_the_terminal_prints(client, run):
    r = upload(client, SAMPLE)
    assert r.status_code == 200 and "/r/" in str(r.url)
    terminal = json.loads(run("check", SAMPLE, "--format", "json", "--no-write").output)
    assert shown(r) == [(f"{f['sheet']}!{f['cell']}", f["code"], f["severity"], f["message"], f["hint"])
                        for f in terminal["findings"]]
    page = doc(r)
    grades = [td.text_content() for td in page.xpath('//table[@id="projects"]//td[contains(@class, "grade")]')]
    assert len(grades) == 15 and grades.count("优") == 14 and grades.count("良") == 1
    errors = [(ref, code) for ref, code, severity, *_ in shown(r) if severity == "error"]
    assert errors == [("单位情况!B19", "U105"), ("汇总!C16", "S106")]
    text = run("check", SAMPLE, "--no-write").output
    assert page.xpath('//*[@id="unit-line"]')[0].text_content() in text
    assert page.xpath('//*[@id="verdict"]')[0].text_content() in text
    assert page.xpath('//*[@id="unit-name"]')[0].text_content() == "石家庄市鹿泉区机关事务管理中心"
    good = page.xpath('//td[contains(@class, "grade")][text()="良"]')[0]
    assert "grade-2" in good.get("class")
    css = client.get("/static/colours.css").text
    assert f".grade-2 {{ background: {COLOURS['良']}; }}" in css and COLOURS["优"] in css


def test_english_page_and_accept_language(client, run):
    r = upload(client, SAMPLE, data={"lang": "en"})
    terminal = json.loads(run("check", SAMPLE, "--format", "json", "--no-write", "--lang", "en").output)
    assert [f[3] for f in shown(r)] == [f["message"] for f in terminal["findings"]]
    assert "Check result" in r.text and 'lang="en"' in r.text
    chinese = client.get(str(r.url).replace("lang=en", "lang=zh"))
    assert [f[3] for f in shown(chinese)][0].startswith("项目支出为")  # the same check, in the other language
    assert "检查" in client.get("/", headers={"accept-language": "zh-CN,en;q=0.8"}).text
    assert "Choose (or drop) a workbook" in client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert "选择（或拖入）" in client.get("/").text


def test_downloads_equal_what_the_commands_write(client, run, tmp_path):
    book = small_book(tmp_path)
    r = upload(client, book)
    links = {a.get("id"): a.get("href") for a in doc(r).xpath('//ul[@class="downloads"]//a')}
    got = client.get(links["dl-result"])
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "filename*=UTF-8''%E5%8D%95%E4%BD%8D.perfxl.xlsx" in got.headers["content-disposition"]
    (tmp_path / "web.xlsx").write_bytes(got.content)
    run("check", book, "-o", tmp_path / "cli.xlsx")
    web, cli = load_workbook(tmp_path / "web.xlsx"), load_workbook(tmp_path / "cli.xlsx")
    for sheet in ("自评结果", "检查结果"):
        assert [[c.value for c in row] for row in web[sheet].iter_rows()] == \
               [[c.value for c in row] for row in cli[sheet].iter_rows()]
    assert client.get(links["dl-result"]).content == got.content  # made once, then served as it is
    report = client.get(links["dl-report"])
    assert report.status_code == 200 and "wordprocessingml" in report.headers["content-type"]
    import docx
    paragraphs = [p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs]
    assert any("食堂改造工程" in p for p in paragraphs)
    data = client.get(links["dl-json"]).json()
    terminal = json.loads(run("check", book, "--format", "json", "--no-write").output)
    assert data["file"] == "单位.xlsx"
    assert {**data, "file": None} == {**terminal, "file": None}


def test_a_broken_file_gets_the_terminals_line_and_the_page_stays_usable(client, run, tmp_path):
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    r = upload(client, broken)
    code, text = stop_line(r)
    terminal = run("check", broken).output.strip().removeprefix("perfxl：")
    assert text.endswith(terminal) and code == "E105" and "/tmp" not in r.text
    assert doc(r).xpath('//form[@action="/check"]//input[@name="workbook"]')
    assert "dl-result" not in r.text  # nothing to download: the upload is gone already
    job = client.app.state.store.get(str(r.url).split("/r/")[1].split("?")[0])
    assert job.source is None and os.listdir(job.folder) == []
    assert upload(client, SAMPLE).status_code == 200


def test_file_names_are_escaped_and_never_paths(client, tmp_path):
    r = upload(client, small_book(tmp_path), name="<img src=x onerror=alert(1)>.xlsx")
    assert r.status_code == 200 and "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in r.text
    store = client.app.state.store
    job = store.get(str(r.url).split("/r/")[1].split("?")[0])
    assert os.path.basename(job.source) == "f001.xlsx"
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700 and stat.S_IMODE(os.stat(job.folder).st_mode) == 0o700


def test_a_profile_is_used_and_its_mistakes_named_as_uploaded(client, tmp_path):
    caps = ROOT / "examples" / "profiles" / "execution-caps.toml"
    with open(SAMPLE, "rb") as a, open(caps, "rb") as b:
        r = client.post("/check", files={"workbook": ("2025.xlsx", a.read()), "profile": ("本省.toml", b.read())})
    assert "按本方案为" in r.text  # the cap's note under the project table
    with open(SAMPLE, "rb") as a:
        r = client.post("/check", files={"workbook": ("2025.xlsx", a.read()),
                                         "profile": ("本省.toml", "[deviation]\npointz = 1\n".encode())})
    code, text = stop_line(r)
    assert code == "E109" and "本省.toml" in text and "pointz" in text and "f002" not in text


# -- the other pages -----------------------------------------------------------------------

def test_template_form_and_download(client):
    form = doc(client.get("/init"))
    assert form.xpath('//form[@action="/init"]//input[@name="projects"]')
    r = client.post("/init", data={"unit": "某某单位", "year": "2025", "projects": "2"})
    assert r.status_code == 200 and "2025.xlsx" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert len([s for s in wb.sheetnames if s.startswith("项目")]) == 2


def test_e168_template_values_out_of_range_are_refused(client):
    r = client.post("/init", data={"unit": "", "year": "2025", "projects": "0"})
    assert r.status_code == 400 and stop_line(r) == ("E168", "“项目数”应为 1–500 的整数，收到“0”：请改正后重新提交。 E168")
    assert client.post("/init", data={"year": "1999", "projects": "2"}).status_code == 400


def test_batch_rolls_up_files_and_zips(client, tmp_path):
    form = doc(client.get("/batch")).xpath('//form[@action="/batch"]')[0]
    assert form.get("enctype") == "multipart/form-data" and form.xpath('.//input[@name="workbooks"][@multiple]')
    assert form.get("data-max-files") == "30"
    a = small_book(tmp_path, "甲.xlsx")
    bad = tmp_path / "乙.xlsx"
    bad.write_bytes(b"not a workbook")
    pack = tmp_path / "各单位.zip"
    zip_of(pack, {"丙/2025.xlsx": SAMPLE.read_bytes(), "~$2025.xlsx": b"lock", "说明.txt": b"x"})
    files = [("workbooks", (p.name, p.read_bytes())) for p in (Path(a), bad, pack)]
    r = client.post("/batch", files=files)
    assert r.status_code == 200 and "/b/" in str(r.url)
    page = doc(r)
    summary = page.xpath('//*[@id="summary"]')[0].text_content()
    assert summary.startswith("共 3 个工作簿") and "跳过 2 个文件" in summary
    rows = {tr.xpath("td")[0].text_content(): tr for tr in page.xpath('//tr[@class="file"]')}
    assert set(rows) == {"甲.xlsx", "乙.xlsx", "各单位.zip/丙/2025.xlsx"}
    assert "不是 Excel 工作簿" in rows["乙.xlsx"].text_content()
    got = client.get(page.xpath('//a[@id="dl-rollup"]')[0].get("href"))
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == ["总览", "单位汇总", "项目明细", "问题清单"]
    assert sorted(wb["单位汇总"].cell(row=i, column=2).value for i in range(2, 5)) == sorted(rows)


def test_batch_with_the_script_answers_at_once_and_reports_progress(client, tmp_path):
    files = [("workbooks", ("甲.xlsx", Path(small_book(tmp_path)).read_bytes()))]
    r = client.post("/batch", files=files, headers={"x-perfxl-async": "1"})
    assert r.status_code == 202
    where = r.json()
    for _ in range(600):
        status = client.get(where["status"]).json()
        if status["finished"]:
            break
        anyio.run(anyio.sleep, 0.05)
    assert status == {"done": 1, "total": 1, "finished": True}
    assert "共 1 个工作簿" in client.get(where["page"]).text


def test_rules_list_and_pages(client):
    listing = client.get("/rules").text
    assert all(f"/rules/{code}?" in listing for code in RULES)
    page = client.get("/rules/i104").text
    assert RULES["I104"].rationale in page and RULES["I104"].title in page
    assert RULES["I104"].en[0] in client.get("/rules/I104?lang=en").text
    r = client.get("/rules/ZZZ")
    assert r.status_code == 404 and stop_line(r)[0] == "E118"


def test_assets_are_served_by_perfxl_and_headers_guard_every_page(client):
    for name, kind in (("perfxl.css", "text/css"), ("perfxl.js", "text/javascript"), ("colours.css", "text/css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
    assert client.get("/static/other.js").status_code == 404
    for url in ("/", "/rules", "/static/perfxl.css", "/nowhere"):
        h = client.get(url).headers
        assert h["content-security-policy"].startswith("default-src 'self'")
        assert (h["x-content-type-options"], h["x-frame-options"], h["referrer-policy"]) == \
            ("nosniff", "DENY", "no-referrer")
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page and "<script>" not in page  # no CDN, no inline script
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400  # 127.0.0.1 answers to its name only


# -- refusals ------------------------------------------------------------------------------

def test_e160_a_file_over_the_limit(pool, tmp_path):
    with client_for(pool, max_mb=0.02) as c:
        r = upload(c, SAMPLE)
        assert r.status_code == 413 and stop_line(r)[0] == "E160" and "2025.xlsx" in r.text and "20 KB" not in r.text
        assert upload(c, small_book(tmp_path)).status_code == 200  # under the limit: checked
        assert not os.listdir(c.app.state.store.root) or all(
            j.source for j in c.app.state.store.jobs.values())  # the refused upload is gone


def test_e161_too_many_files(client, tmp_path):
    book = Path(small_book(tmp_path)).read_bytes()
    r = client.post("/batch", files=[("workbooks", (f"{i}.xlsx", book)) for i in range(50)])
    assert r.status_code == 413 and stop_line(r)[0] == "E161" and "30" in stop_line(r)[1]
    two = client.post("/check", files=[("workbook", ("a.xlsx", book)), ("workbook", ("b.xlsx", book))])
    assert two.status_code == 413 and "批量汇总" in stop_line(two)[1]
    pack = tmp_path / "many.zip"
    zip_of(pack, {f"{i}.xlsx": book for i in range(31)})
    assert stop_line(upload(client, pack, url="/batch", field="workbooks"))[0] == "E161"


def test_e160_e162_an_upload_is_refused_as_it_streams(client):
    """A file past the limit is refused while it arrives (64 MB here: the test client reads all of a
    body; the 1 GB upload goes to the real server in test_serve_browser.py); a body declared
    larger than the limit is refused before a byte of it is read."""
    def body():
        yield b"--x\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"big.xlsx\"\r\n\r\n"
        yield from zeros(64 * 2**20)

    r = client.post("/check", content=body(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and stop_line(r)[0] == "E160" and "big.xlsx" in r.text
    declared = client.post("/check", content=b"x", headers={"content-type": "multipart/form-data; boundary=x",
                                                              "content-length": str(2**30)})
    assert declared.status_code == 413 and stop_line(declared)[0] == "E162"
    assert upload(client, SAMPLE).status_code == 200  # still answering


def test_e163_busy_is_a_503_page(client):
    gate = client.app.state.gate
    held, gate.active = gate.active, gate.limit
    try:
        r = upload(client, SAMPLE)
    finally:
        gate.active = held
    assert r.status_code == 503 and r.headers["retry-after"] == "60" and stop_line(r)[0] == "E163"
    assert "正忙" in r.text and upload(client, SAMPLE).status_code == 200


def test_e164_no_workbook_chosen(client):
    r = client.post("/check", files={"workbook": ("", b"")}, data={"lang": "zh"})
    assert r.status_code == 400 and stop_line(r)[0] == "E164"


def test_e165_expired_and_unknown_results(client, tmp_path):
    r = upload(client, small_book(tmp_path))
    token = str(r.url).split("/r/")[1].split("?")[0]
    store = client.app.state.store
    job = store.get(token)
    job.created -= store.keep + 1
    store.sweep()
    assert not os.path.exists(job.folder)
    for url in (f"/r/{token}", f"/r/{token}/result", "/r/nonsense", "/b/nonsense/rollup"):
        gone = client.get(url)
        assert gone.status_code == 404 and stop_line(gone)[0] == "E165"


def test_e166_a_path_for_a_name_is_refused(client, tmp_path):
    r = upload(client, SAMPLE, name="../../x.xlsx")
    assert r.status_code == 400 and stop_line(r)[0] == "E166" and "../../x.xlsx" in r.text
    assert not (tmp_path.parent / "x.xlsx").exists() and not os.path.exists("x.xlsx")
    windows = upload(client, small_book(tmp_path), name="C:\\Users\\me\\Desktop\\单位.xlsx")  # old browsers
    assert windows.status_code == 200 and doc(windows).xpath('//*[@id="file-name"]')[0].text == "单位.xlsx"


def test_e167_not_a_form_upload(client):
    assert stop_line(client.post("/check", content=b"{}", headers={"content-type": "application/json"}))[0] == "E167"
    head = b"--x\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"a.xlsx\""
    cut = client.post("/check", content=head,
                      headers={"content-type": "multipart/form-data; boundary=x"})
    assert cut.status_code == 400 and stop_line(cut)[0] == "E167"


def test_e140_a_zip_without_workbooks(client, tmp_path):
    pack = tmp_path / "空.zip"
    zip_of(pack, {"说明.txt": b"x"})
    r = upload(client, pack, url="/batch", field="workbooks")
    assert r.status_code == 400 and stop_line(r)[0] == "E140"


def test_zip_bombs_are_refused(pool, tmp_path):
    bomb = tmp_path / "炸弹.xlsx"
    zip_bomb(bomb, mb=4)  # 4 MB of spaces in 4 KB: past the reader's ratio
    pack = tmp_path / "bomb.zip"
    zip_of(pack, {"a.xlsx": bytes(3 * 2**20)})  # 3 MB of zeros in 3 KB, past a 1 MB limit
    with client_for(pool, max_mb=1) as c:
        r = upload(c, bomb)
        assert stop_line(r)[0] == "E119" and "炸弹.xlsx" in r.text and "压缩比异常" in r.text
        r = upload(c, pack, url="/batch", field="workbooks")
        assert r.status_code == 413 and stop_line(r)[0] == "E160" and "bomb.zip/a.xlsx" in r.text
        assert upload(c, small_book(tmp_path)).status_code == 200


def test_e137_a_check_past_the_time_limit(pool):
    with client_for(pool, timeout=0.001) as c:
        r = upload(c, SAMPLE)
    code, text = stop_line(r)
    assert code == "E137" and "2025.xlsx" in text and "--timeout" in text


def test_a_worker_that_dies_is_replaced(pool):
    async def go():
        pool.start()
        with pytest.raises(Crashed) as died:
            await pool.run(os._exit, 3, timeout=30)
        assert died.value.how == "退出码 3"
        return await pool.run(os.getpid, timeout=30)
    assert anyio.run(go) > 0


def test_e169_a_port_in_use(run):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        from click.testing import CliRunner
        from perfxl.cli import cli
        r = CliRunner().invoke(cli, ["serve", "--no-browser", "--port", str(taken.getsockname()[1])])
    finally:
        taken.close()
    assert r.exit_code == 2 and "端口已被占用" in r.output and "--port" in r.output
    assert said(r.output, "E169")


def test_uploads_are_removed_when_the_server_stops(pool, tmp_path):
    with client_for(pool) as c:
        upload(c, small_book(tmp_path))
        root = c.app.state.store.root
        assert os.listdir(root)
    assert not os.path.exists(root)


def test_a_roll_up_still_running_shows_its_progress(client):
    from perfxl.web.store import Job

    store = client.app.state.store
    token, folder = store.folder()
    store.add(Job(token, folder, "batch", total=7, done=3))
    r = client.get(f"/b/{token}")
    assert r.status_code == 200 and "已检查 3 / 7 个工作簿" in r.text and 'http-equiv="refresh"' in r.text
    assert client.get(f"/b/{token}/status").json() == {"done": 3, "total": 7, "finished": False}
    assert client.get("/b/nonsense/status").status_code == 404
