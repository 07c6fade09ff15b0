"""ROUGE of the offline summarizer on ../shared/bench/summarization at 27 and 55 words.

Goal at 27 words: ROUGE-1 >= 29.5, ROUGE-L >= 22.0, mean time <= 15 ms per article.
Run: .venv/bin/python benchmarks/summaries.py   (needs rouge-score, a dev dependency)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCH = SHARED / "bench"
BUDGETS = ("27", "55")  # the benchmark's default budget, and the digest's operating point


def main() -> int:
    evaluator, split = BENCH / "summary_eval.py", BENCH / "summarization"
    if not evaluator.exists() or not split.is_dir():
        print(f"no summarization benchmark at {BENCH}; nothing to measure")
        return 0
    for budget in BUDGETS:
        done = subprocess.run(
            [sys.executable, str(evaluator), str(split), "benchmarks.entrypoints:summarize_text",
             "--max-words", budget, "--path", str(REPO)],
            check=False, cwd=REPO,
        )
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
