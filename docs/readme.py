"""Keep the README's examples what the tool prints today.

    python docs/readme.py          # rewrite the blocks in README.md
    python docs/readme.py --check  # exit 1 when a block is stale (tests/test_docs.py does this)

Each example block in README.md sits between ``<!-- perfxl: ARGS -->`` and
``<!-- /perfxl -->``: the script runs ``perfxl ARGS`` from the repository's root (no colour,
no result file written) and puts its output in between, in a ```text fence.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
BLOCK = re.compile(r"(<!-- perfxl: (?P<args>.+?) -->\n)(?P<body>.*?)(<!-- /perfxl -->)", re.S)


def output(args: str) -> str:
    sys.path.insert(0, ROOT)
    from click.testing import CliRunner

    from perfxl.cli import cli

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, shlex.split(args), color=False, env={"NO_COLOR": "1"})
    finally:
        os.chdir(here)
    text = "\n".join(line.rstrip() for line in result.output.rstrip("\n").split("\n"))
    return f"```text\n$ perfxl {args}\n{text}\n```\n"


def updated(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + output(m.group("args")) + m.group(4), text)


def main() -> None:
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    new = updated(text)
    if "--check" in sys.argv[1:]:
        if new != text:
            sys.exit("README.md examples are stale: run python docs/readme.py")
        return
    with open(README, "w", encoding="utf-8") as fh:
        fh.write(new)
    print(f"README.md: {len(BLOCK.findall(new))} example(s) regenerated")


if __name__ == "__main__":
    main()
