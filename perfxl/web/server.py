"""Start the page: bind the address (a free port unless one is given), say who can open it,
open the browser, serve until Ctrl-C. uvicorn serves the app; the app starts its workers."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser

from perfxl.web.config import Config


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0: one the system says is free)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def cannot_listen(exc: OSError) -> tuple[str, str]:
    """Why the address could not be used, in Chinese and English."""
    known = {errno.EADDRINUSE: ("端口已被占用", "the port is in use"),
             errno.EADDRNOTAVAIL: ("这个地址不属于本机", "the address is not this computer's"),
             errno.EACCES: ("没有权限：1024 以下的端口需要管理员权限", "permission denied: ports below 1024 need an administrator")}
    if isinstance(exc, socket.gaierror):
        return "不认识这个地址", "unknown address"
    return known.get(exc.errno, (exc.strerror or "系统拒绝", exc.strerror or "refused"))


def lan_address() -> str | None:
    """This computer's address on the office network (no packet is sent)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))
        return s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def reach(host: str, port: int) -> list[str]:
    """Who can open the page, and at which address."""
    if host in ("0.0.0.0", "::", ""):
        here = lan_address()
        lines = ["局域网内的电脑都可以打开本页" + (f"：{url(here, port)}" if here else "（地址为本机的 IP 地址）"),
                 f"本机：{url('127.0.0.1', port)}"]
        return lines + ["注意：任何能连到本机这个端口的人都可以上传和检查文件；请只在单位内网中使用。"]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return [f"只有本机可以打开：{url(host, port)}"]
    return [f"能连到 {host} 的电脑都可以打开：{url(host, port)}"]


def serve(config: Config, host: str, port: int, *, browser: bool, say=print) -> None:
    import uvicorn

    from perfxl.web.app import create_app

    sock = bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                           timeout_graceful_shutdown=5))
    for line in reach(host, port):
        say(line)
    say(f"工作进程 {config.workers} 个，每个文件最大 {config.max_mb:g} MB，结果保留 {config.keep_minutes:g} 分钟；"
        "按 Ctrl-C 停止（停止时删除全部上传的文件和结果）。")
    if browser:
        address = url("127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host, port)

        def open_when_up() -> None:
            for _ in range(200):
                if server.started:
                    webbrowser.open(address)
                    return
                threading.Event().wait(0.05)
        threading.Thread(target=open_when_up, daemon=True).start()
    server.run(sockets=[sock])
