"""Article-text F1 of the extractor on ../shared/bench/extraction (the public benchmark's metric).

Goals: F1 >= 0.980, pF1 >= 0.97, p95 <= 60 ms per page. Also counts the dev pages that get a
not-an-article flag, which should be none: every page there is a real article.
Run: .venv/bin/python benchmarks/extraction.py
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL = SHARED / "bench" / "extraction_eval.py"
DATA = SHARED / "bench" / "extraction"


def flagged_pages() -> list[tuple[str, str]]:
    sys.path.insert(0, str(REPO))
    from bot.extract import extract_article

    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    flagged = []
    for pid, item in truth.items():
        page = DATA / "html" / f"{pid}.html.gz"
        if not page.exists():
            continue
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        flag = extract_article(html, item.get("url", "")).flag
        if flag is not None:
            flagged.append((pid, str(flag)))
    return flagged


def main() -> int:
    if not EVAL.exists() or not DATA.is_dir():
        print(f"no extraction benchmark at {SHARED / 'bench'}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.json"
        subprocess.run(
            [sys.executable, str(EVAL), str(DATA), "--extractor",
             "benchmarks.entrypoints:extract_text", "--path", str(REPO), "--json", str(summary)],
            check=True, cwd=REPO,
        )
        data = json.loads(summary.read_text(encoding="utf-8"))
    row = data[0] if isinstance(data, list) else data.get("results", [data])[0]
    flagged = flagged_pages()
    print()
    print(f"F1 {row['f1']:.3f} (goal >= 0.980)   pF1 {row['page_f1']:.3f} (goal >= 0.97)   "
          f"p95 {row['ms_p95']:.1f} ms (goal <= 60)   flagged pages {len(flagged)} (goal 0)")
    for pid, flag in flagged:
        print(f"  flagged {flag}: {pid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
