"""The newsletter's by-lines and TL;DR lines on real pages: the DEV split of
../shared/bench/extraction (100 article pages from 72 sites), run through the extractor, the
offline summarizer, bot.bylines and the offline TL;DR.

Prints, over the pages: how many have author metadata and how many by-lines cleaning changed
(with every change listed, to read), the share of picks that get a TL;DR line, how many lines
were trimmed at a clause, how many end at a sentence or clause end (goal: all) and how many read
the title back (goal: none). These figures are in-sample: the dateline, page-leftover, job-title
and media-group rules were adjusted after reading these pages' output.
Run: .venv/bin/python benchmarks/newsletter.py [--changes]
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
# ../shared next to the repository (a worktree sits one level deeper).
DATA = next((p / "shared" / "bench" / "extraction" for p in Path(__file__).resolve().parents[2:4]
             if (p / "shared" / "bench" / "extraction").is_dir()),
            Path(__file__).resolve().parents[2] / "shared" / "bench" / "extraction")
CLAUSE_END = re.compile(r"[.!?…\"”)。！？]$")


async def measure(show_changes: bool) -> int:
    sys.path.insert(0, str(REPO))
    from bot.bylines import clean_authors
    from bot.extract import extract_article
    from bot.models import BriefItem, SummaryPrefs
    from bot.summarize.lead import lead_sentence, repeats_title, split_sentences
    from bot.summarize.offline import OfflineSummarizer

    if not (DATA / "ground-truth.json").exists():
        print(f"no extraction benchmark at {DATA}; nothing to measure")
        return 0
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    summarizer = OfflineSummarizer()
    counts: Counter[str] = Counter()
    sites_without_line: set[str] = set()
    changes = []
    for pid, item in sorted(truth.items()):
        page = DATA / "html" / f"{pid}.html.gz"
        if not page.exists():
            continue
        url = str(item.get("url", ""))
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        article = extract_article(html, url)
        counts["pages"] += 1
        if article.authors:
            counts["with authors"] += 1
            cleaned = clean_authors(article.authors)
            if list(cleaned) != list(article.authors):
                counts["by-line changed"] += 1
                changes.append((article.authors, cleaned))
            if not cleaned:
                counts["authors dropped entirely"] += 1
        summary = await summarizer.summarize(article, SummaryPrefs())
        line = lead_sentence(BriefItem(article.title, summary.text, article.site_name))
        if not line:
            sites_without_line.add(urlsplit(url).hostname or "")
            continue
        counts["tldr line"] += 1
        counts["ends at sentence or clause"] += bool(CLAUSE_END.search(line))
        counts["reads the title back"] += repeats_title(line, article.title)
        counts["trimmed at a clause"] += line not in {
            s if CLAUSE_END.search(s) else s + "." for s in split_sentences(summary.text)}
        counts["words"] += len(line.split())
    pages, lines = counts["pages"], counts["tldr line"] or 1
    print(f"pages {pages}; with author metadata {counts['with authors']}; "
          f"by-line changed by cleaning {counts['by-line changed']}; "
          f"authors dropped entirely {counts['authors dropped entirely']}")
    print(f"TL;DR line for {counts['tldr line']}/{pages} picks "
          f"({counts['tldr line'] / pages:.0%}); mean {counts['words'] / lines:.1f} words; "
          f"trimmed at a clause {counts['trimmed at a clause']}; ends at a sentence or clause "
          f"{counts['ends at sentence or clause']}/{counts['tldr line']} (goal all); reads the "
          f"title back {counts['reads the title back']} (goal 0)")
    print(f"sites with a pick and no TL;DR line: {len(sites_without_line)}")
    if show_changes:
        for raw, cleaned in changes:
            print(f"  {list(raw)!r} -> {list(cleaned)!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(measure("--changes" in sys.argv)))
