"""Why a file cannot be checked (exit 2): one Chinese line that names the file and says what
to do, never a Python exception name (those are for ``PERFXL_DEBUG=1``).

The texts live here, in one table, so that they can move into the rule catalogue as a family
of their own without touching the code that raises them.
"""

from __future__ import annotations

import errno
import os

REMOVE_PASSWORD = ("请在 Excel 中打开文件（需输入密码），点“文件→信息→保护工作簿→用密码进行加密”，清空密码后保存"
                   "（WPS：“文件→文档加密→密码加密”，清空后保存），再重新检查")

REFUSALS: dict[str, str] = {
    "encrypted": "文件“{name}”设置了打开密码（已加密），perfxl 无法读取：" + REMOVE_PASSWORD + "。",
    "old_format_unreadable": "文件“{name}”是旧版 Excel/WPS 格式（.xls/.et），但内容已损坏或无法识别：请在 Excel 或 WPS 中打开并“另存为” .xlsx 后再检查。",
    "xlsb": "文件“{name}”是 Excel 二进制工作簿（.xlsb），perfxl 不读取这种格式：请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再检查。",
    "ods": "文件“{name}”是 OpenDocument 表格（.ods），perfxl 不读取这种格式：请在 WPS、Excel 或 LibreOffice 中“另存为” .xlsx 后再检查。",
    "broken_package": "文件“{name}”无法作为工作簿读取（文件内部结构已损坏）：请在 Excel 或 WPS 中打开并重新保存为 .xlsx。",
    "convert_unavailable": "文件“{name}”需要 LibreOffice 才能用 --convert 转换，但本机没有安装 LibreOffice（soffice）：请安装 LibreOffice，或去掉 --convert 直接检查（将跳过公式检查），或在 Excel/WPS 中另存为 .xlsx。",
    "convert_failed": "文件“{name}”用 LibreOffice 转换为 .xlsx 失败：请在 Excel 或 WPS 中打开并“另存为” .xlsx 后再检查，或去掉 --convert 直接检查。",
    "convert_xlsx": "文件“{name}”已是 .xlsx，不需要 --convert：去掉 --convert 再运行。",
    "interrupted": "检查“{name}”时被中断，没有写入任何结果文件：需要时请重新运行。",
    "internal": ("检查“{name}”时发生内部错误（这是 perfxl 的缺陷，不是文件的问题）：请把该文件和这行信息发给维护者；"
                 "设置环境变量 PERFXL_DEBUG=1 再运行可看到详细信息。"),
    "write_failed": "无法写入“{target}”（{reason}）：请检查文件夹是否可写、文件是否被 Excel/WPS 打开。",
}

_OS_REASONS = {
    errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的", errno.ENOENT: "文件夹不存在", errno.EISDIR: "同名的是文件夹",
    errno.ENAMETOOLONG: "路径太长", errno.EBUSY: "文件正被占用",
}


def refusal(code: str, path: str | None = None, **values) -> str:
    """The user's line for ``code``; ``path`` gives the file name."""
    name = os.path.basename(path) if path else ""
    return REFUSALS[code].format(name=name or path or "", **values)


def os_reason(exc: OSError) -> str:
    """An operating-system error in Chinese words (strerror is English on most systems)."""
    return _OS_REASONS.get(getattr(exc, "errno", None), "操作系统拒绝了写入")
