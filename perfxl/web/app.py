"""The routes of ``perfxl serve``: read the upload, hand the file to a worker (the pipeline,
as the commands call it), render a view. Each page is a plain HTML form with links to the
downloads; ``static/perfxl.js`` only adds drag-and-drop and progress.

Every refusal is a page with the one line of its E rule (the same line the terminal prints)
and the right status: 400 a bad form, 404 an expired result, 413 too large or too many, 503
busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from perfxl import rollup
from perfxl.batch import duplicates
from perfxl.views import page as views
from perfxl.views.docx_report import report_path
from perfxl.views.files import output_path
from perfxl.views.json_report import fatal_report
from perfxl.web import tasks, uploads
from perfxl.web.config import Config, size
from perfxl.web.pool import Crashed, Pool, Timeout
from perfxl.web.store import Job, Store, remove
from perfxl.web.words import WORDS
from perfxl.workbook.fatal import Fatal

WRITE_TIME = 4  # a task that writes a workbook gets this many times --timeout (a write costs several checks)
STATUS = {"E160": 413, "E161": 413, "E162": 413, "E163": 503, "E165": 404}
TIMEOUT_HINT = ("请在本机用 perfxl check 检查该文件，或请管理员用 --timeout 放宽时限",
                "Check it with perfxl check on your own computer, or ask the administrator for a longer --timeout")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {".xlsx": XLSX, ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SECURITY = [
    (b"content-security-policy", b"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class Gate:
    """Requests in progress (checking or waiting for a worker); past the limit: busy (E163)."""

    def __init__(self, limit: int):
        self.limit, self.active = limit, 0

    def enter(self) -> bool:
        if self.active >= self.limit:
            return False
        self.active += 1
        return True

    def leave(self) -> None:
        self.active -= 1


class Security:
    """The headers of every response: nothing but perfxl's own files, never in a frame,
    no guessing of content types, no address sent on; results and downloads not cached."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [h for h in SECURITY if h[0] not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)
        await self.app(scope, receive, with_headers)


def create_app(config: Config | None = None, pool: Pool | None = None) -> Starlette:
    """The page. ``pool``: workers to share (tests); by default the app starts its own."""
    config = config or Config()
    env = Environment(loader=PackageLoader("perfxl.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    own_pool = pool is None
    pool = pool or Pool(config.workers)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        app.state.store = Store(config.keep_seconds)
        pool.start()
        sweeper = asyncio.create_task(_sweep(app.state.store))
        try:
            yield
        finally:
            sweeper.cancel()
            for task in list(app.state.running):
                task.cancel()
            if own_pool:
                pool.close()
            app.state.store.close()

    site = _Site(config, env, pool)
    routes = [
        Route("/", site.home), Route("/check", site.check, methods=["POST"]),
        Route("/r/{token}", site.result), Route("/r/{token}/{what}", site.download),
        Route("/init", site.init, methods=["GET", "POST"]),
        Route("/batch", site.batch, methods=["GET", "POST"]), Route("/b/{token}", site.batch_result),
        Route("/b/{token}/status", site.batch_status), Route("/b/{token}/rollup", site.rollup_download),
        Route("/rules", site.rules), Route("/rules/{code}", site.rule),
        Route("/static/{name}", site.static),
    ]
    middleware = [Middleware(Security)]
    if config.local_only:  # a page on 127.0.0.1 answers only to its own name (no DNS rebinding)
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"]))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: site.not_found, 405: site.not_found})
    app.state.gate = Gate(config.admitted)
    app.state.config = config
    app.state.running = set()
    return app


async def _sweep(store: Store) -> None:
    while True:
        await asyncio.sleep(min(30.0, max(1.0, store.keep / 4)))
        store.sweep()


def language(request: Request, chosen: str | None = None) -> str:
    """``?lang=`` (or the form's), else the browser's first choice of Chinese or English; Chinese by default."""
    for lang in (chosen, request.query_params.get("lang")):
        if lang in ("zh", "en"):
            return lang
    best, best_q = "zh", -1.0
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        tag = tag.lower()
        for lang in ("zh", "en"):
            if tag.startswith(lang) and weight > best_q:
                best, best_q = lang, weight
    return best


class _Site:
    def __init__(self, config: Config, env: Environment, pool: Pool):
        self.config, self.env, self.pool = config, env, pool

    # -- drawing ---------------------------------------------------------------------------
    def page(self, request: Request, template: str, lang: str, status: int = 200, **values) -> HTMLResponse:
        w = WORDS[lang]
        c = self.config
        body = self.env.get_template(template).render(
            w=w, lang=lang, q=f"?lang={lang}", colon=": " if lang == "en" else "：",
            switch=request.url.path if request.method == "GET" and status == 200 else "/", config=c,
            max=size(c.max_bytes),
            total=size(c.max_total_bytes), keep=f"{c.keep_minutes:g}", **values)
        return HTMLResponse(body, status_code=status)

    def refuse(self, request: Request, lang: str, exc: Fatal, status: int | None = None) -> HTMLResponse:
        status = status or STATUS.get(exc.code, 400)
        headers = {"Retry-After": "60"} if status == 503 else None
        response = self.page(request, "refused.html", lang, status, code=exc.code, line=exc.line(lang),
                             heading=WORDS[lang]["busy" if status == 503 else "refused"])
        if headers:
            response.headers.update(headers)
        return response

    def busy(self, request: Request, lang: str) -> HTMLResponse:
        return self.refuse(request, lang, Fatal("E163", active=request.app.state.gate.active))

    async def not_found(self, request: Request, exc) -> HTMLResponse:
        lang = language(request)
        return self.page(request, "refused.html", lang, 404, code="", line=WORDS[lang]["not_found"],
                         heading=WORDS[lang]["not_found"])

    def expired(self, request: Request, lang: str) -> HTMLResponse:
        return self.refuse(request, lang, Fatal("E165", minutes=f"{self.config.keep_minutes:g}"))

    # -- 检查 ------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return self.page(request, "check.html", language(request))

    async def check(self, request: Request) -> Response:
        lang = language(request)
        gate, store = request.app.state.gate, request.app.state.store
        if not gate.enter():
            return self.busy(request, lang)
        token, folder = store.folder()
        kept = False
        try:
            try:
                form = await uploads.receive(request, folder, self.config, ("workbook", "profile"))
                lang = language(request, form.fields.get("lang"))
                books = form.named("workbook")
                if not books:
                    raise Fatal("E164", button=WORDS["zh"]["check_button"], button_en=WORDS["en"]["check_button"])
                if len(books) > 1:
                    raise Fatal("E161", limit=1, hint=("检查页一次检查一个工作簿；许多工作簿请用“批量汇总”",
                                                       "The check page takes one workbook; use Roll-up for many"))
            except Fatal as exc:
                return self.refuse(request, lang, exc)
            book = books[0]
            profiles = form.named("profile")
            profile = profiles[0] if profiles else None
            job = Job(token, folder, "check", name=book.name, source=book.path,
                      profile=profile.path if profile else None, profile_name=profile.name if profile else None)
            answer = await self.run_file(tasks.check, book.name, book.path, book.name, job.profile, job.profile_name)
            job.stop, job.reports = answer["stop"], answer["reports"]
            if job.stop is not None:  # nothing to download: the uploads go now
                for f in form.files:
                    remove(f.path)
                job.source = job.profile = None
            store.add(job)
            kept = True
            return RedirectResponse(f"/r/{token}?lang={lang}", status_code=303)
        finally:
            gate.leave()
            if not kept:
                remove(folder)

    async def run_file(self, fn, name: str, *args, writes: bool = False) -> dict:
        """A task on one file; a timeout or a worker's death is the file's stop (E137, E138, E129).
        ``writes``: the task also writes a workbook or a report, which costs several checks
        (openpyxl loads and saves the whole workbook): it gets WRITE_TIME times the limit."""
        limit = self.config.timeout * (WRITE_TIME if writes else 1)
        try:
            return await self.pool.run(fn, *args, timeout=limit)
        except (Timeout, Crashed) as exc:
            stop = self.lost(exc, name, limit)
            return {"stop": tasks.lines(stop),
                    "reports": {lang: fatal_report(stop, name, lang) for lang in tasks.LANGS}}

    def lost(self, exc: Exception, name: str, limit: float | None = None) -> Fatal:
        if isinstance(exc, Timeout):
            return Fatal("E137", name=name, seconds=f"{limit or self.config.timeout:g}", hint=TIMEOUT_HINT)
        if exc.how_en == "internal error":
            return Fatal("E129", name=name)
        return Fatal("E138", name=name, how=exc.how, how_en=exc.how_en)

    async def result(self, request: Request) -> Response:
        lang = language(request)
        job = request.app.state.store.get(request.path_params["token"])
        if job is None or job.kind != "check":
            return self.expired(request, lang)
        view = views.check_page(job.reports[lang], lang)
        return self.page(request, "result.html", lang, job=job, view=view, stop=job.stop[lang] if job.stop else None,
                         stop_code=job.stop["code"] if job.stop else None)

    async def download(self, request: Request) -> Response:
        lang = language(request)
        job = request.app.state.store.get(request.path_params["token"])
        what = request.path_params["what"]
        if job is None or job.kind != "check":
            return self.expired(request, lang)
        if what == "json":
            name = os.path.splitext(job.name)[0] + ".json"
            body = json.dumps(job.reports[lang], ensure_ascii=False, indent=2)
            return Response(body, media_type="application/json; charset=utf-8",
                            headers={"content-disposition": _attachment(name)})
        if what not in ("result", "report") or job.source is None:
            return await self.not_found(request, None)
        name = os.path.basename(output_path(job.name) if what == "result" else report_path(job.name))
        job.users += 1
        try:
            async with job.lock:
                if what not in job.made:
                    gate = request.app.state.gate
                    if not gate.enter():
                        return self.busy(request, lang)
                    try:
                        if what == "result":
                            answer = await self.run_file(tasks.result_workbook, job.name, job.source, job.name,
                                                         job.profile, job.profile_name, writes=True)
                        else:
                            answer = await self.run_file(tasks.word_report, job.name, job.source, job.name,
                                                         os.path.join(job.folder, "report.docx"), job.profile,
                                                         job.profile_name, writes=True)
                    finally:
                        gate.leave()
                    if answer["stop"] is not None:
                        return self.page(request, "refused.html", lang, 422, code=answer["stop"]["code"],
                                         line=answer["stop"][lang], heading=WORDS[lang]["refused"])
                    job.made[what] = answer["path"]
            path = job.made[what]
        finally:
            job.users -= 1
        return FileResponse(path, media_type=TYPES.get(os.path.splitext(path)[1], XLSX),
                            headers={"content-disposition": _attachment(name)})

    # -- 生成模板 ---------------------------------------------------------------------------
    async def init(self, request: Request) -> Response:
        lang = language(request)
        if request.method == "GET":
            return self.page(request, "init.html", lang, year=_last_year())
        declared = request.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > uploads.FIELD_LIMIT:
            return self.refuse(request, lang, Fatal("E167"))
        try:
            form = await request.form(max_files=0, max_fields=10)
        except Exception:
            return self.refuse(request, lang, Fatal("E167"))
        lang = language(request, form.get("lang"))
        try:
            projects = _whole(form.get("projects", ""), 1, 500, "项目数", "Projects")
            year = _whole(form.get("year", ""), 2000, 2100, "评价年度", "Evaluation year")
        except Fatal as exc:
            return self.refuse(request, lang, exc)
        unit = str(form.get("unit", "")).strip()
        gate = request.app.state.gate
        if not gate.enter():
            return self.busy(request, lang)
        token, folder = request.app.state.store.folder()
        try:
            answer = await self.run_file(tasks.template, f"{year}.xlsx", os.path.join(folder, "template.xlsx"),
                                         projects, unit, year, writes=True)
        except BaseException:
            remove(folder)
            raise
        finally:
            gate.leave()
        if answer["stop"] is not None:
            remove(folder)
            return self.page(request, "refused.html", lang, 422, code=answer["stop"]["code"],
                             line=answer["stop"][lang], heading=WORDS[lang]["refused"])
        return FileResponse(answer["path"], media_type=XLSX,
                            headers={"content-disposition": _attachment(f"{year}.xlsx")},
                            background=BackgroundTask(remove, folder))

    # -- 批量汇总 ---------------------------------------------------------------------------
    async def batch(self, request: Request) -> Response:
        lang = language(request)
        if request.method == "GET":
            return self.page(request, "batch.html", lang)
        gate, store = request.app.state.gate, request.app.state.store
        if not gate.enter():
            return self.busy(request, lang)
        token, folder = store.folder()
        try:
            form = await uploads.receive(request, folder, self.config, ("workbooks",))
            lang = language(request, form.fields.get("lang"))
            found = uploads.workbooks(form, folder, self.config)
            if not found.files:
                n = sum(found.skipped.values())
                raise Fatal("E140", skipped=f"（跳过了 {n} 个文件）" if n else "",
                            skipped_en=f" ({n} files skipped)" if n else "")
        except Fatal as exc:
            gate.leave()
            remove(folder)
            return self.refuse(request, lang, exc)
        except BaseException:
            gate.leave()
            remove(folder)
            raise
        job = store.add(Job(token, folder, "batch", total=len(found.files)))
        task = asyncio.create_task(self.run_batch(job, found, lang))
        running = request.app.state.running
        running.add(task)

        def done(t) -> None:
            running.discard(t)
            gate.leave()
        task.add_done_callback(done)
        page = f"/b/{token}?lang={lang}"
        if request.headers.get("x-perfxl-async") == "1":  # the script polls for progress
            return JSONResponse({"status": f"/b/{token}/status", "page": page}, status_code=202)
        await job.finished.wait()
        return RedirectResponse(page, status_code=303)

    async def run_batch(self, job: Job, found: uploads.Workbooks, lang: str) -> None:
        """Each file through a worker (as many at once as there are workers, so single checks
        still get their turn), then the roll-up, as ``perfxl batch`` makes it."""
        turns = asyncio.Semaphore(self.pool.size)

        async def one(up: uploads.Uploaded):
            async with turns:
                try:
                    row = await self.pool.run(tasks.batch_row, up.path, up.name, lang, timeout=self.config.timeout)
                except (Timeout, Crashed) as exc:
                    stop = self.lost(exc, up.name)
                    status = "timeout" if stop.code == "E137" else "internal" if stop.code == "E129" else "crashed"
                    row = rollup.FileRow.failed(up.name, status, stop.finding, stop.key, lang)
            job.done += 1
            return row

        try:
            rows = list(await asyncio.gather(*(one(up) for up in found.files)))
            names = {up.path: up.name for up in found.files}
            repeated = {names[d]: names[o] for d, o in duplicates([up.path for up in found.files]).items()}
            rollup.settle_duplicates(rows, repeated)
            job.totals = rollup.totals(rows, found.skipped)
            job.rows = rows
            for up in found.files:
                remove(up.path)
            try:
                answer = await self.pool.run(tasks.rollup, os.path.join(job.folder, "rollup.xlsx"), rows, job.totals,
                                             timeout=self.config.timeout * WRITE_TIME)
                job.rollup = answer["path"]
            except (Timeout, Crashed) as exc:
                job.rollup_stop = tasks.lines(self.lost(exc, "汇总.perfxl.xlsx", self.config.timeout * WRITE_TIME))
        finally:
            job.finished.set()

    async def batch_result(self, request: Request) -> Response:
        lang = language(request)
        job = request.app.state.store.get(request.path_params["token"])
        if job is None or job.kind != "batch":
            return self.expired(request, lang)
        if not job.finished.is_set() or job.totals is None:
            return self.page(request, "progress.html", lang, job=job)
        view = views.batch_page(job.rows, job.totals, lang)
        return self.page(request, "batch_result.html", lang, job=job, view=view)

    async def batch_status(self, request: Request) -> Response:
        job = request.app.state.store.get(request.path_params["token"])
        if job is None or job.kind != "batch":
            return JSONResponse({"error": "expired"}, status_code=404)
        return JSONResponse({"done": job.done, "total": job.total, "finished": job.finished.is_set()})

    async def rollup_download(self, request: Request) -> Response:
        lang = language(request)
        job = request.app.state.store.get(request.path_params["token"])
        if job is None or job.kind != "batch" or not job.rollup:
            return self.expired(request, lang)
        return FileResponse(job.rollup, media_type=XLSX, headers={"content-disposition": _attachment("汇总.perfxl.xlsx")})

    # -- 规则 ------------------------------------------------------------------------------
    async def rules(self, request: Request) -> Response:
        from perfxl.rules.catalogue import FAMILIES, FAMILIES_EN, RULES, SEVERITY_EN, SEVERITY_ZH

        lang = language(request)
        names = FAMILIES_EN if lang == "en" else FAMILIES
        families = [(letter, names[letter], [r for r in RULES.values() if r.family == letter]) for letter in FAMILIES]
        return self.page(request, "rules.html", lang, families=families,
                         severity=SEVERITY_EN if lang == "en" else SEVERITY_ZH)

    async def rule(self, request: Request) -> Response:
        from perfxl.rules.catalogue import FAMILIES, FAMILIES_EN, RULES, SEVERITY_EN, SEVERITY_ZH

        lang = language(request)
        code = request.path_params["code"].strip().upper()
        rule = RULES.get(code)
        if rule is None:
            return self.refuse(request, lang, Fatal("E118", code=request.path_params["code"][:20]), 404)
        en = lang == "en"
        return self.page(request, "rule.html", lang, rule=rule, en=en,
                         severity=(SEVERITY_EN if en else SEVERITY_ZH)[rule.severity],
                         family=(FAMILIES_EN if en else FAMILIES)[rule.family])

    # -- files of the page -----------------------------------------------------------------
    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        cache = {"cache-control": "max-age=3600"}
        if name == "colours.css":
            return Response(views.colours_css(), media_type="text/css; charset=utf-8", headers=cache)
        if name not in ("perfxl.css", "perfxl.js"):
            return await self.not_found(request, None)
        data = resources.files("perfxl.web").joinpath("static", name).read_bytes()
        kind = "text/css; charset=utf-8" if name.endswith(".css") else "text/javascript; charset=utf-8"
        return Response(data, media_type=kind, headers=cache)


def _attachment(name: str) -> str:
    """A download's name: ASCII for old browsers, UTF-8 (RFC 6266) for the rest."""
    from urllib.parse import quote

    plain = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _whole(raw, low: int, high: int, field: str, field_en: str) -> int:
    text = str(raw).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise Fatal("E168", field=field, field_en=field_en, low=low, high=high, value=text[:20])
    return int(text)


def _last_year() -> int:
    from datetime import date
    return date.today().year - 1
