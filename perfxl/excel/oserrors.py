"""What the operating system said when a write failed, in the user's language (strerror is
English on most systems; the line around it is Chinese)."""

from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: ("没有写入权限", "permission denied"), errno.EPERM: ("没有写入权限", "permission denied"),
    errno.ENOSPC: ("磁盘空间不足", "disk full"), errno.EROFS: ("磁盘或文件夹是只读的", "read-only file system"),
    errno.ENOENT: ("文件夹不存在", "folder does not exist"), errno.EISDIR: ("同名的是文件夹", "a folder has that name"),
    errno.ENAMETOOLONG: ("路径太长", "path too long"), errno.EBUSY: ("文件正被占用", "file busy"),
}


def reason(exc: OSError, lang: str = "zh") -> str:
    """A short reason for a failed write: perfxl's own (an ``exc`` with ``zh``/``en``) or the system's."""
    if hasattr(exc, "zh"):  # perfxl's own reason (perfxl.excel.package.DamagedOutput)
        return exc.en if lang == "en" else exc.zh
    zh, en = _REASONS.get(getattr(exc, "errno", None), ("操作系统拒绝了写入", exc.strerror or "refused"))
    return en if lang == "en" else zh
