"""Digest build and render time for a busy week: 10,000 submissions and 50,000 votes.

Prints the time to build the digest and to render each format (median of 5 runs; the RSS feed
holds a year of 52 digests). Goal: <= 250 ms for the build plus all renderings.
Run: .venv/bin/python benchmarks/digest.py
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.community import Community, CommunitySettings
from bot.config import Settings
from bot.period import period_containing
from bot.render.feed import render_feed
from bot.render.html import render_html
from bot.render.json import render_json
from bot.render.markdown import render_markdown
from bot.summarize.offline import OfflineSummarizer
from digestif.bootstrap import open_app
from storage.sqlite import SqliteStore

SUBMISSIONS, VOTES, MEMBERS = 10_000, 50_000, 800
RUNS = 5


async def _fill(store: SqliteStore, start_iso: str) -> None:
    rng = random.Random(3)
    db = store.db
    await db.execute("BEGIN")
    await db.execute("INSERT INTO communities (key, platform, name, next_number) "
                     "VALUES ('big', 'console', 'Big Club', ?)", (SUBMISSIONS + 1,))
    await db.executemany("INSERT INTO members (community, id, name) VALUES ('big', ?, ?)",
                         [(f"m{i}", f"Member {i}") for i in range(MEMBERS)])
    await db.executemany(
        "INSERT INTO submissions (id, community, number, url, original_url, state, "
        "submitted_by, submitted_at, title, authors, site_name, summary, summary_source, "
        "final_url, ready_at) VALUES (?, 'big', ?, ?, ?, 'ready', ?, ?, ?, ?, ?, ?, 'offline', "
        "?, ?)",
        [(i, i, f"https://news.test/{i}", f"https://news.test/{i}", f"m{i % MEMBERS}",
          start_iso, f"Story {i}: what happened this week in machine learning",
          json.dumps([f"Author {i % 97}"]), f"Site {i % 31}",
          "A two-sentence summary of the article. It says what matters and why. " * 2,
          f"https://news.test/{i}", start_iso)
         for i in range(1, SUBMISSIONS + 1)])
    await db.executemany("INSERT INTO submitters (submission_id, member_id, position) "
                         "VALUES (?, ?, 0)",
                         [(i, f"m{i % MEMBERS}") for i in range(1, SUBMISSIONS + 1)])
    votes = set()
    while len(votes) < VOTES:
        # A skewed distribution, like real communities: a few links get most votes.
        sub = min(SUBMISSIONS, int(rng.paretovariate(0.8)))
        votes.add((sub, f"m{rng.randrange(MEMBERS)}"))
    await db.executemany("INSERT INTO votes (submission_id, member_id, emoji, direction, "
                         "created_at) VALUES (?, ?, '👍', 1, ?)",
                         [(s, m, start_iso) for s, m in votes])
    await db.execute("COMMIT")


async def main() -> None:
    settings = CommunitySettings()
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "digest.sqlite3"
        # The store is opened here (the fill writes its tables in bulk) and handed to the app.
        async with SqliteStore(path) as store, \
                open_app(Settings(db_path=path, cpu_workers=0), lambda: now, store=store,
                         summarizer=OfflineSummarizer()) as app:
            period = period_containing(now, settings)
            await _fill(store, (period.start + timedelta(hours=1)).isoformat())
            service = app.publishing
            community = Community("big", "console", "Big Club", settings)
            await service.export(community, period)  # warm the page cache, as a live bot is
            # The median of a few runs: the figure should not hinge on one scheduler hiccup.
            timings: dict[str, float] = {}
            digest = await service.export(community, period)
            samples = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                digest = await service.export(community, period)
                samples.append(time.perf_counter() - t0)
            timings["build"] = statistics.median(samples)
            posted = [(period.key, render_json(digest), now)] * 52
            for name, render in (("markdown", lambda: render_markdown(digest)),
                                 ("html", lambda: render_html(digest)),
                                 ("json", lambda: render_json(digest)),
                                 ("rss", lambda: render_feed("big", "Big Club", posted))):
                samples = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    render()
                    samples.append(time.perf_counter() - t0)
                timings[name] = statistics.median(samples)
    print(f"community: {SUBMISSIONS:,} submissions, {VOTES:,} votes in one week")
    for name, seconds in timings.items():
        print(f"{name + ':':10} {seconds * 1000:7.1f} ms")
    total = sum(timings.values())
    print(f"{'total:':10} {total * 1000:7.1f} ms   (goal <= 250 ms)")
    print(f"picks: {len(digest.picks)}, also shared: {len(digest.also_shared)}")


if __name__ == "__main__":
    asyncio.run(main())
