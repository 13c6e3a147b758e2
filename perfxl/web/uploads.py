"""Uploads, read as they stream in: each file goes straight to disk in the request's private
folder under a generated name (``f001.xlsx``), counted against the limits as it arrives; the
name the user gave is kept only to be shown. A .zip of workbooks (批量汇总) is opened the same
way: each entry checked against the limits before and while it is copied, never by its name.

Anything over a limit raises :class:`Fatal` (E160-E162, E166, E167) and what was received is
deleted; the rest of the body is left to the server, which reads and drops it.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

from perfxl.batch import skip_reason
from perfxl.outputs import is_rollup
from perfxl.web.config import Config, size
from perfxl.workbook.fatal import Fatal

FIELD_LIMIT = 64 * 1024  # a text field of a form (unit name, language)
PROFILE_LIMIT = 1024 * 1024  # a scoring profile is a few KB of TOML
CHUNK = 1 << 16
_EXT = re.compile(r"\.[a-z0-9]{1,5}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Uploaded:
    name: str  # as the user named it: shown (escaped), never a path
    path: str  # where it is: a generated name in the request's folder
    field: str
    size: int = 0


@dataclass
class Form:
    files: list[Uploaded] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def named(self, name: str) -> list[Uploaded]:
        return [f for f in self.files if f.field == name]


def shown_name(raw: str, limit: int = 200) -> str:
    """The file's own name from what the browser sent: old browsers send a whole Windows path
    (``C:\\Users\\…\\2025.xlsx``); a name with ``..`` is a forged request (E166)."""
    parts = re.split(r"[\\/]", raw)
    if ".." in (p.strip() for p in parts):
        raise Fatal("E166", name=_CONTROL.sub("", raw)[:limit])
    name = _CONTROL.sub("", parts[-1]).strip()
    return name[:limit] or "—"


def extension(name: str) -> str:
    """The stored file's extension: the user's, lower case, only if it is short and plain."""
    ext = os.path.splitext(name)[1].lower()
    return ext if _EXT.fullmatch(ext) else ""


class _Receiver:
    """The callbacks of the streaming multipart parser: headers of each part, then its bytes
    to a file (or, for a text field, to memory, bounded)."""

    def __init__(self, folder: str, config: Config, files: tuple[str, ...]):
        self.folder, self.config, self.file_fields = folder, config, files
        self.form = Form()
        self.total = 0
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.out = None
        self.current: Uploaded | None = None
        self.text: bytearray | None = None
        self.text_name = ""
        self.complete = False  # the closing boundary was read: nothing was cut off

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field_data,
                "on_header_value": self.header_value_data, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_done, "on_part_data": self.data, "on_part_end": self.part_end,
                "on_end": self.end}

    def part_begin(self) -> None:
        self.headers = {}

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_done(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        field_name = _text(options.get(b"name", b""))
        self.current, self.text = None, None
        if b"filename" not in options:
            self.text, self.text_name = bytearray(), field_name
            return
        raw = _text(options[b"filename"])
        if not raw or field_name not in self.file_fields:  # no file chosen in that box, or a box we do not have
            return
        name = shown_name(raw)
        if len(self.form.files) >= self.config.max_files:
            raise Fatal("E161", limit=self.config.max_files)
        path = os.path.join(self.folder, f"f{len(self.form.files) + 1:03d}{extension(name)}")
        self.out = open(path, "xb")
        self.current = Uploaded(name, path, field_name)
        self.form.files.append(self.current)

    def data(self, data: bytes, start: int, end: int) -> None:
        n = end - start
        if self.text is not None:
            if len(self.text) + n > FIELD_LIMIT:
                raise Fatal("E167")
            self.text += data[start:end]
            return
        if self.current is None:
            return
        self.current.size += n
        self.total += n
        limit = PROFILE_LIMIT if self.current.field == "profile" else self.config.max_bytes
        if self.current.size > limit:
            raise Fatal("E160", name=self.current.name, limit=size(limit))
        if self.total > self.config.max_total_bytes:
            raise Fatal("E162", limit=size(self.config.max_total_bytes))
        self.out.write(data[start:end])

    def part_end(self) -> None:
        if self.text is not None:
            self.form.fields.setdefault(self.text_name, _text(bytes(self.text)))
            self.text = None
        if self.out is not None:
            self.out.close()
            self.out = None
        self.current = None

    def end(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


def _text(raw: bytes) -> str:
    """Header values arrive as bytes: browsers send UTF-8 names."""
    return raw.decode("utf-8", errors="replace")


async def receive(request, folder: str, config: Config, files: tuple[str, ...]) -> Form:
    """Read a multipart form into ``folder`` (files under generated names, text fields in
    memory), within the limits of ``config``. ``files``: the form's file boxes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > config.max_total_bytes + FIELD_LIMIT:
        raise Fatal("E162", limit=size(config.max_total_bytes))  # refused before a byte is read
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise Fatal("E167")
    receiver = _Receiver(folder, config, files)
    try:
        parser = MultipartParser(boundary, receiver.callbacks())
    except Exception:  # a boundary the parser refuses
        raise Fatal("E167") from None
    ended = False
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
        if not receiver.complete:  # the body stopped before its closing boundary
            raise Fatal("E167")
        ended = True
    except Fatal:
        raise
    except Exception:  # a malformed body, or the browser went away mid-upload
        raise Fatal("E167") from None
    finally:
        receiver.close()
        if not ended:
            for f in receiver.form.files:
                _remove(f.path)
    return receiver.form


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


# -- a .zip of workbooks (批量汇总) -------------------------------------------------------------

@dataclass
class Workbooks:
    """What a batch upload holds: the workbooks to check, and what was skipped (as ``perfxl batch``
    counts it: lock files, perfxl's own outputs, everything else)."""

    files: list[Uploaded] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: {"lock": 0, "output": 0, "other": 0})


def workbooks(form: Form, folder: str, config: Config) -> Workbooks:
    """The uploaded workbooks, each .zip opened into its workbooks (counted against the same
    limits); every name unique for the roll-up (a second ``2025.xlsx`` becomes ``2025.xlsx (2)``)."""
    out = Workbooks()
    total = sum(f.size for f in form.files)
    for up in form.files:
        if extension(up.name) == ".zip" and zipfile.is_zipfile(up.path):
            total = _unzip(up, folder, config, out, total - up.size)
            _remove(up.path)
            continue
        reason = _skip(up)
        if reason:
            out.skipped[reason] += 1
            _remove(up.path)
            continue
        out.files.append(up)
    if len(out.files) > config.max_files:
        raise Fatal("E161", limit=config.max_files)
    seen: dict[str, int] = {}
    for up in out.files:
        n = seen[up.name] = seen.get(up.name, 0) + 1
        if n > 1:
            up.name = f"{up.name} ({n})"
    return out


def _skip(up: Uploaded) -> str | None:
    """``perfxl batch``'s reasons, judged by the name the user gave and, for a roll-up, the content."""
    reason = skip_reason(up.name)  # the name only: no file is there under it
    if reason is None and extension(up.name) in (".xlsx", ".xlsm") and is_rollup(up.path):
        return "output"
    return reason


def _entry_name(info: zipfile.ZipInfo) -> str:
    """Chinese Windows zip tools write names in GBK without the UTF-8 flag: read them as such."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _unzip(up: Uploaded, folder: str, config: Config, out: Workbooks, total: int) -> int:
    """Copy the workbooks of the zip ``up`` out under generated names, every limit counted on
    the bytes actually read (a zip may declare sizes it does not keep); returns the bytes so far."""
    try:
        z = zipfile.ZipFile(up.path)
    except (zipfile.BadZipFile, OSError, ValueError):
        out.files.append(up)  # not a zip after all: the check says what it is
        return total + up.size
    with z:
        for i, info in enumerate(z.infolist(), 1):
            if info.is_dir():
                continue
            name = f"{up.name}/{_CONTROL.sub('', _entry_name(info)).strip('/')}"[:300]
            reason = skip_reason(name)
            if reason:
                out.skipped[reason] += 1
                continue
            if len(out.files) >= config.max_files:
                raise Fatal("E161", limit=config.max_files)
            if info.file_size > config.max_bytes:
                raise Fatal("E160", name=name, limit=size(config.max_bytes))
            entry = Uploaded(name, os.path.join(folder, f"{os.path.basename(up.path)}-{i:04d}{extension(name)}"),
                             "workbooks")
            try:
                entry.size = _copy_entry(z, info, entry.path, name, config, total)
            except (RuntimeError, zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
                _remove(entry.path)  # an encrypted or damaged entry: nothing to check
                out.skipped["other"] += 1
                continue
            total += entry.size
            if _skip(entry):
                out.skipped["output"] += 1
                _remove(entry.path)
                continue
            out.files.append(entry)
    return total


def _copy_entry(z: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, name: str, config: Config,
                total: int) -> int:
    n = 0
    with z.open(info) as src, open(path, "xb") as dst:
        while True:
            chunk = src.read(CHUNK)
            if not chunk:
                return n
            n += len(chunk)
            if n > config.max_bytes or n > info.file_size:
                dst.close()
                _remove(path)
                raise Fatal("E160", name=name, limit=size(config.max_bytes))
            if total + n > config.max_total_bytes:
                dst.close()
                _remove(path)
                raise Fatal("E162", limit=size(config.max_total_bytes))
            dst.write(chunk)
