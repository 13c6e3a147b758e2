"""Why the operating system refused, in the user's language.

``OSError.strerror`` is the C library's text: English on most systems ("Permission denied"),
which does not belong inside a Chinese line. Every message that names an OSError's cause gets
it from :func:`reason`, by its errno (and Windows error code), in Chinese or English.
"""

from __future__ import annotations

import errno

# errno -> ((Chinese, English) when writing, (Chinese, English) when reading)
_REASONS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}


def _add(codes, writing: tuple[str, str], reading: tuple[str, str] | None = None) -> None:
    for name in codes:
        code = getattr(errno, name, None)
        if code is not None:
            _REASONS.setdefault(code, (writing, reading or writing))


_add(("EACCES", "EPERM"), ("没有写入权限", "permission denied"), ("没有读取权限", "permission denied"))
_add(("ENOSPC", "EDQUOT"), ("磁盘已满", "disk full"))
_add(("ENAMETOOLONG",), ("文件名太长", "file name too long"))
_add(("EROFS",), ("磁盘或文件夹是只读的", "read-only file system"))
_add(("ENOENT",), ("文件夹不存在", "folder does not exist"), ("文件不存在", "file does not exist"))
_add(("EISDIR",), ("同名的是文件夹", "a folder has that name"))
_add(("ENOTDIR",), ("路径中有一段是文件而不是文件夹", "part of the path is a file, not a folder"))
_add(("EBUSY", "ETXTBSY"), ("文件正被其他程序占用", "the file is in use by another program"))
_add(("EIO",), ("读写磁盘出错（磁盘或网络故障）", "input/output error (disk or network)"))
_add(("EMFILE", "ENFILE"), ("同时打开的文件太多", "too many open files"))

# Windows: a file another program holds open (Excel, WPS, an antivirus scan) refuses with
# ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION, which Python reports as EACCES.
_LOCKED = {32, 33}


def reason(exc: OSError, lang: str = "zh", *, reading: bool = False) -> str:
    """What ``exc`` means to a user, in ``lang`` ("zh" or "en"), without the file name (the
    message names the file). Errors perfxl raises itself carry their own words (``zh``/``en``
    attributes, e.g. perfxl.excel.package.DamagedOutput)."""
    en = lang == "en"
    if hasattr(exc, "zh") and hasattr(exc, "en"):
        return exc.en if en else exc.zh
    if getattr(exc, "winerror", None) in _LOCKED:
        return "the file is open in another program" if en else "文件正被其他程序（如 Excel、WPS）打开"
    code = getattr(exc, "errno", None)
    known = _REASONS.get(code)
    if known is not None:
        zh, english = known[1] if reading else known[0]
        return english if en else zh
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    if en:
        text = exc.strerror or "refused"
        return f"{text} ({name})" if name else text
    what = "读取时出错" if reading else "操作系统拒绝了写入"
    return f"{what}（{name}）" if name else what
