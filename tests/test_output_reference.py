"""The output workbooks of the sample and the three test layouts equal the committed
reference, cell for cell and cached value for cached value.

On an intended change of output: ``python tests/data/make_output_reference.py`` and name the
change in the commit message."""

from __future__ import annotations

import json

from output_snapshot import REFERENCE, outputs


def _diff(want: dict, got: dict, path: str = "") -> list[str]:
    out = []
    for key in sorted(set(want) | set(got), key=str):
        where = f"{path}/{key}"
        if key not in got:
            out.append(f"missing {where}: {want[key]!r}")
        elif key not in want:
            out.append(f"new {where}: {got[key]!r}")
        elif isinstance(want[key], dict) and isinstance(got[key], dict):
            out.extend(_diff(want[key], got[key], where))
        elif want[key] != got[key]:
            out.append(f"changed {where}: {want[key]!r} -> {got[key]!r}")
    return out


def test_outputs_equal_the_reference(tmp_path):
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(outputs(tmp_path), ensure_ascii=False))
    diff = _diff(want, got)
    assert diff == [], "\n".join(diff[:40])
