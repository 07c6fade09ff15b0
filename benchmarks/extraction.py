"""Article-text F1 of the extractor on ../shared/bench/extraction (the public benchmark's metric).

Goals: F1 >= 0.980, pF1 >= 0.97, p95 <= 60 ms per page.
Run: .venv/bin/python benchmarks/extraction.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"


def main() -> int:
    if not (SHARED / "extraction_eval.py").exists():
        print(f"no benchmark data at {SHARED}; nothing to measure")
        return 0
    subprocess.run(
        [sys.executable, str(SHARED / "extraction_eval.py"), str(SHARED / "extraction"),
         "--extractor", "benchmarks.entrypoints:extract_text", "--path", str(REPO)],
        check=True, cwd=REPO,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
