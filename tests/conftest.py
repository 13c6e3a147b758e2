import re
import shutil

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


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def said(output: str, code: str) -> bool:
    """Whether ``output`` holds the one line a command stops with for rule ``code`` (family E,
    Chinese): ``perfxl：`` and that rule's message, whatever its values, then its advice."""
    parts = re.split(r"\{[^}]*\}", RULES[code].message)
    return re.search("perfxl：" + ".+?".join(map(re.escape, parts)) + "：", output) is not None
