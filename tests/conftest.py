import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfxl.cli import cli
from perfxl.rules.catalogue import RULES


@pytest.fixture
def run():
    """Run the CLI in-process; returns click's Result (exit_code, output)."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def tmpdir_left_empty(tmp_path_factory):
    """$TMPDIR is a fresh folder during the test, and the test fails if anything is left in it
    (see hostile.tmpdir_left_empty); used by the robustness campaign's modules."""
    from hostile import tmpdir_left_empty as empty

    with empty(tmp_path_factory.mktemp("tmpdir")) as folder:
        yield folder


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")

# A user profile setting that makes LibreOffice recalculate every formula of an .xlsx it opens.
RECALC_PROFILE = Path(__file__).resolve().parent / "data" / "registrymodifications.xcu"


def convert(src, fmt: str, outdir, recalc: bool = False, timeout: float = 240) -> Path:
    """LibreOffice converts ``src`` to ``fmt`` (``xlsx``, ``pdf``, ``ods``) in ``outdir``; the new
    file's path. See :func:`convert_all`."""
    return convert_all([src], fmt, outdir, recalc=recalc, timeout=timeout)[0]


def convert_all(srcs, fmt: str, outdir, recalc: bool = False, timeout: float = 240) -> list[Path]:
    """Convert several files in one LibreOffice run (one start-up). Each call has a user profile
    of its own, so runs never share or wait on one; with ``recalc`` every formula is recalculated
    on load. The test fails, with what LibreOffice said, when it times out or writes nothing."""
    outdir = Path(outdir)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        if recalc:
            (Path(profile) / "user").mkdir()
            shutil.copy(RECALC_PROFILE, Path(profile) / "user" / "registrymodifications.xcu")
        cmd = ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, srcs)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"LibreOffice did not convert {[Path(s).name for s in srcs]} to {fmt} within {timeout} s")
    outs = [outdir / (Path(s).stem + "." + fmt.split(":")[0]) for s in srcs]
    missing = [o.name for o in outs if not o.is_file()]
    if missing:
        pytest.fail(f"LibreOffice did not write {missing} (exit {run.returncode}): {run.stdout}{run.stderr}")
    return outs


def said(output: str, code: str) -> bool:
    """Whether ``output`` holds the one line a command stops with for rule ``code`` (family E,
    Chinese): ``perfxl：`` and that rule's message, whatever its values, then its advice."""
    parts = re.split(r"\{[^}]*\}", RULES[code].message)
    return re.search("perfxl：" + ".+?".join(map(re.escape, parts)) + "：", output) is not None
