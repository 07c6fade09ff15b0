"""ROUGE of the offline summarizer on ../shared/bench/summarization at 27 and 55 words.

Goal at 27 words: ROUGE-1 >= 29.5, ROUGE-L >= 22.0, mean time <= 15 ms per article.
Run: .venv/bin/python benchmarks/summaries.py   (needs rouge-score, a dev dependency)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"


def main() -> int:
    if not (SHARED / "summary_eval.py").exists():
        print(f"no benchmark data at {SHARED}; nothing to measure")
        return 0
    for budget in ("27", "55"):
        subprocess.run(
            [sys.executable, str(SHARED / "summary_eval.py"), str(SHARED / "summarization"),
             "benchmarks.entrypoints:summarize_text", "--max-words", budget, "--path", str(REPO)],
            check=True, cwd=REPO,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
