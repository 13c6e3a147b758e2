"""perfxl serve in a real browser (Chromium, headless, driven by selenium) and over real HTTP:
the server runs as `perfxl serve` in a subprocess on a free port. Marked slow: they run in CI
(.ci/run installs chromium and chromium-driver) and skip only where no browser is installed."""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hostile import replace_text, zeros, zip_bomb

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "2025.xlsx"
UNIT = "石家庄市鹿泉区机关事务管理中心"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="no Chromium and chromedriver installed")


class Server:
    """`perfxl serve` in a subprocess; its address is the one it prints."""

    def __init__(self, *options: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "perfxl", "serve", "--no-browser", *options],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        line = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        self.url = found.group(0)
        self.wait_up()

    def wait_up(self) -> None:
        import httpx2
        for _ in range(600):
            try:
                httpx2.get(self.url, timeout=2)
                return
            except httpx2.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def server():
    s = Server("--workers", "2")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def downloads():
    folder = tempfile.mkdtemp(prefix="perfxl-dl-")
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def chrome(downloads: Path, *, script: bool = True):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="perfxl-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--lang=zh-CN"):
        opts.add_argument(arg)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False,
             "intl.accept_languages": "zh-CN,zh"}
    if not script:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    opts.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(120)
    driver.profile_dir = profile
    return driver


@pytest.fixture(scope="module")
def browser(downloads):
    if not (CHROMIUM and DRIVER):
        pytest.skip("no Chromium and chromedriver installed")
    driver = chrome(downloads)
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def wait(predicate, seconds: float = 120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = predicate()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def downloaded(folder: Path, name: str) -> Path:
    path = folder / name
    wait(lambda: path.exists() and not any(p.suffix == ".crdownload" for p in folder.iterdir()))
    return path


def submit(driver, url: str, field: str, *files, form: str = "/check"):
    from selenium.webdriver.common.by import By

    driver.get(url)
    driver.find_element(By.ID, field).send_keys("\n".join(str(f) for f in files))
    driver.find_element(By.CSS_SELECTOR, f'form[action="{form}"] button[type=submit]').click()


def page_stop(driver) -> tuple[str | None, str]:
    from selenium.webdriver.common.by import By
    el = wait(lambda: driver.find_elements(By.ID, "stop"))[0]
    return el.get_attribute("data-code"), el.text


def sheet_values(path, sheet: str) -> list[list]:
    wb = load_workbook(path)
    return [[c.value for c in row] for row in wb[sheet].iter_rows()]


# -- a browser -----------------------------------------------------------------------------

@needs_browser
def test_the_sample_in_a_browser(server, browser, downloads, tmp_path):
    from selenium.webdriver.common.by import By

    submit(browser, server.url, "workbook", SAMPLE)
    wait(lambda: "/r/" in browser.current_url)
    grades = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#projects td.grade")]
    assert len(grades) == 15 and grades.count("优") == 14 and grades.count("良") == 1
    errors = [(tr.get_attribute("data-ref"), tr.get_attribute("data-code"))
              for tr in browser.find_elements(By.CSS_SELECTOR, 'tr.finding[data-severity="error"]')]
    assert errors == [("单位情况!B19", "U105"), ("汇总!C16", "S106")]
    good = [td for td in browser.find_elements(By.CSS_SELECTOR, "#projects td.grade") if td.text == "良"][0]
    assert good.value_of_css_property("background-color") in ("rgba(189, 215, 238, 1)", "rgb(189, 215, 238)")
    assert browser.find_element(By.ID, "unit-name").text == UNIT

    browser.find_element(By.ID, "dl-result").click()
    web = downloaded(downloads, "2025.perfxl.xlsx")
    cli = tmp_path / "cli.perfxl.xlsx"
    subprocess.run([sys.executable, "-m", "perfxl", "check", str(SAMPLE), "-o", str(cli)], cwd=ROOT,
                   capture_output=True, check=False)
    for sheet in ("自评结果", "检查结果"):
        assert sheet_values(web, sheet) == sheet_values(cli, sheet)

    browser.find_element(By.ID, "dl-report").click()
    import docx
    report = docx.Document(str(downloaded(downloads, "2025.docx")))
    assert any(UNIT in p.text for p in report.paragraphs)
    browser.find_element(By.ID, "dl-json").click()
    assert '"unit"' in downloaded(downloads, "2025.json").read_text(encoding="utf-8")


@needs_browser
def test_a_broken_file_in_a_browser_then_the_page_goes_on(server, browser, tmp_path):
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"this is not a workbook")
    submit(browser, server.url, "workbook", broken)
    code, text = page_stop(browser)
    terminal = subprocess.run([sys.executable, "-m", "perfxl", "check", str(broken)], capture_output=True, text=True,
                              cwd=ROOT).stderr.strip().removeprefix("perfxl：")
    assert code == "E106" and text.endswith(terminal)
    from selenium.webdriver.common.by import By
    browser.find_element(By.ID, "workbook").send_keys(str(SAMPLE))  # the form under the line
    browser.find_element(By.CSS_SELECTOR, 'form[action="/check"] button[type=submit]').click()
    wait(lambda: browser.find_elements(By.ID, "unit-name"))
    assert browser.find_element(By.ID, "unit-name").text == UNIT


@needs_browser
def test_without_script_the_plain_form_works(server, downloads, tmp_path):
    from selenium.webdriver.common.by import By

    driver = chrome(downloads, script=False)
    try:
        submit(driver, server.url, "workbook", SAMPLE)
        wait(lambda: driver.find_elements(By.ID, "unit-line"))
        assert "/r/" in driver.current_url
        assert "优 14 个，良 1 个" in driver.find_element(By.ID, "unit-line").text
        many = []
        for i in range(31):
            p = tmp_path / f"{i:02d}.xlsx"
            p.write_bytes(b"x")
            many.append(p)
        submit(driver, server.url + "batch", "workbooks", *many, form="/batch")
        assert page_stop(driver)[0] == "E161"
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)


@needs_browser
def test_hostile_uploads_in_a_browser(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    bomb = tmp_path / "炸弹.xlsx"
    zip_bomb(bomb, mb=4)
    submit(browser, server.url, "workbook", bomb)
    code, text = page_stop(browser)
    assert code == "E119" and "炸弹.xlsx" in text
    huge = tmp_path / "huge.xlsx"
    with open(huge, "wb") as fh:  # 1 GB on disk without writing it (sparse)
        fh.truncate(2**30)
    submit(browser, server.url, "workbook", huge)
    status = wait(lambda: browser.find_element(By.CSS_SELECTOR, "form .status.refusal").text)
    assert "huge.xlsx" in status and "20 MB" in status  # refused before a byte is sent
    files = []
    for i in range(50):
        p = tmp_path / f"u{i:02d}.xlsx"
        p.write_bytes(b"x")
        files.append(p)
    submit(browser, server.url + "batch", "workbooks", *files, form="/batch")
    assert "30" in wait(lambda: browser.find_element(By.CSS_SELECTOR, "form .status.refusal").text)


@needs_browser
def test_batch_init_and_rules_in_a_browser(server, browser, downloads, tmp_path):
    from selenium.webdriver.common.by import By

    other = tmp_path / "乙单位.xlsx"
    shutil.copy(SAMPLE, other)
    replace_text(other, UNIT, "乙单位")
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"x")
    submit(browser, server.url + "batch", "workbooks", SAMPLE, other, broken, form="/batch")
    wait(lambda: browser.find_elements(By.ID, "summary"))
    summary = browser.find_element(By.ID, "summary").text
    assert summary.startswith("共 3 个工作簿") and "1 个无法检查" in summary and "共 30 个项目" in summary
    browser.find_element(By.ID, "dl-rollup").click()
    wb = load_workbook(downloaded(downloads, "汇总.perfxl.xlsx"))
    assert wb.sheetnames == ["总览", "单位汇总", "项目明细", "问题清单"]

    browser.get(server.url + "init")
    browser.find_element(By.ID, "unit").send_keys("某某单位")
    projects = browser.find_element(By.ID, "projects")
    projects.clear()
    projects.send_keys("4")
    browser.find_element(By.CSS_SELECTOR, 'form[action="/init"] button').click()
    year = browser.find_element(By.ID, "year").get_attribute("value")
    book = load_workbook(downloaded(downloads, f"{year}.xlsx"))
    assert len([s for s in book.sheetnames if s.startswith("项目")]) == 4

    browser.get(server.url + "rules")
    browser.find_element(By.LINK_TEXT, "I104").click()
    assert "I104" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(server.url + "rules?lang=en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Rules"


@needs_browser
def test_a_file_dropped_on_the_box_is_uploaded(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    browser.execute_script("""
        var dt = new DataTransfer();
        dt.items.add(new File(["not a workbook"], "拖进来的.xlsx"));
        var zone = document.querySelector("form.upload .drop");
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    """)
    assert browser.execute_script("return document.getElementById('workbook').files[0].name") == "拖进来的.xlsx"
    browser.find_element(By.CSS_SELECTOR, 'form[action="/check"] button[type=submit]').click()
    code, text = page_stop(browser)
    assert code == "E106" and "拖进来的.xlsx" in text


# -- real HTTP, no browser -----------------------------------------------------------------

def test_a_1_gb_upload_and_a_forged_name_over_http(server):
    import httpx2

    def body():
        yield b"--x\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"big.xlsx\"\r\n\r\n"
        yield from zeros(2**30)

    r = httpx2.post(server.url + "check", content=body(), headers={"content-type": "multipart/form-data; boundary=x"},
                    timeout=300)
    assert r.status_code == 413 and 'data-code="E160"' in r.text and "big.xlsx" in r.text
    forged = httpx2.post(server.url + "check", files={"workbook": ("../../x.xlsx", SAMPLE.read_bytes())}, timeout=60)
    assert forged.status_code == 400 and 'data-code="E166"' in forged.text
    assert not (ROOT.parent / "x.xlsx").exists()
    again = httpx2.post(server.url + "check", files={"workbook": ("2025.xlsx", SAMPLE.read_bytes())}, timeout=120,
                        follow_redirects=True)
    assert again.status_code == 200 and UNIT in again.text


def test_twenty_at_once_none_lost_none_mixed(server, tmp_path):
    import httpx2

    names = []
    for i in range(20):
        path = tmp_path / f"u{i:02d}.xlsx"
        shutil.copy(SAMPLE, path)
        unit = f"第{i:02d}单位"
        replace_text(path, UNIT, unit)
        names.append((path, unit))

    def one(item):
        path, unit = item
        r = httpx2.post(server.url + "check", files={"workbook": (path.name, path.read_bytes())}, timeout=300,
                        follow_redirects=True)
        return r.status_code, unit, r.text

    with concurrent.futures.ThreadPoolExecutor(20) as ex:
        answers = list(ex.map(one, names))
    for status, unit, text in answers:
        assert status == 200
        assert f'<span id="unit-name">{unit}</span>' in text
        assert "优 14 个，良 1 个" in text and "错误 2 个，警告 13 个" in text


def test_busy_is_a_503_and_the_server_keeps_answering(tmp_path):
    import httpx2

    s = Server("--workers", "1", "--queue", "0")
    try:
        files = [("workbooks", (f"{i}.xlsx", SAMPLE.read_bytes())) for i in range(4)]
        started = httpx2.post(s.url + "batch", files=files, headers={"x-perfxl-async": "1"}, timeout=60)
        assert started.status_code == 202
        busy = httpx2.post(s.url + "check", files={"workbook": ("2025.xlsx", SAMPLE.read_bytes())}, timeout=60)
        assert busy.status_code == 503 and 'data-code="E163"' in busy.text and busy.headers["retry-after"]
        status = started.json()["status"]
        wait(lambda: httpx2.get(s.url.rstrip("/") + status, timeout=30).json()["finished"], 300)
        after = httpx2.post(s.url + "check", files={"workbook": ("2025.xlsx", SAMPLE.read_bytes())}, timeout=120,
                            follow_redirects=True)
        assert after.status_code == 200 and UNIT in after.text
    finally:
        s.stop()


def test_stopping_the_server_removes_every_upload():
    import glob

    import httpx2

    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "perfxl-web-*")))
    s = Server("--workers", "1")
    r = httpx2.post(s.url + "check", files={"workbook": ("2025.xlsx", SAMPLE.read_bytes())}, timeout=120)
    assert r.status_code == 303
    ours = set(glob.glob(os.path.join(tempfile.gettempdir(), "perfxl-web-*"))) - before
    assert len(ours) == 1 and os.listdir(ours.pop())
    s.proc.send_signal(2)  # Ctrl-C
    out, _ = s.proc.communicate(timeout=60)
    assert s.proc.returncode == 0 and "已全部删除" in out and "Traceback" not in out
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "perfxl-web-*"))) - before == set()
