"""Regenerate tests/data/output_reference.json — ONLY on an intended change of output.

    python tests/data/make_output_reference.py

Name the change in the commit message: the reference is what tests/test_output_reference.py
holds every later output to, cell for cell and cache for cache.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from output_snapshot import REFERENCE, outputs  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = outputs(Path(tmp))
    REFERENCE.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                         encoding="utf-8")
    print(f"wrote {REFERENCE} ({REFERENCE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
