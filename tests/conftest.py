import shutil

import pytest
from click.testing import CliRunner

from perfxl.cli import cli


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
