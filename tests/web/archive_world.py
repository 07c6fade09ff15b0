"""A web archive to test against: a real store with posted digests (stored as posted, as
bot.publishing stores them), the app's one web server on 127.0.0.1, and raw HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from bot.app import App
from bot.community import CommunitySettings
from bot.config import Settings
from bot.digest import Digest, DigestItem, DigestSection, DigestTotals, Untrusted
from bot.digest_snapshot import posted_content
from bot.models import SummarySource
from bot.period import period_by_key
from bot.ports import Store
from digestif.bootstrap import open_app, web_server

WEEKS = ("2026-W45", "2026-W46", "2026-W48")  # W47 was skipped
LONG_URL = "https://example.test/" + "averylongpathsegment" * 8  # no hyphen to break at


def item(rank: int, title: str, summary: str = "A summary.", url: str = "") -> DigestItem:
    return DigestItem(rank, rank + 10, Untrusted(url or f"https://news.test/{rank}"),
                      Untrusted(title), (Untrusted("Ada Lovelace"),), Untrusted("News"),
                      Untrusted(summary), SummarySource.OFFLINE, 3, 3,
                      (Untrusted("Grace"),))


def digest(community: str, week: str, *, title: str = "", summary: str = "A summary.",
           previous: tuple[str, str] = ("", "")) -> Digest:
    period = period_by_key(week, CommunitySettings())
    # A page without a title shows its URL: one long word that must wrap at 360 px.
    picks = (item(1, title or f"Top story of {week}", summary), item(2, LONG_URL, url=LONG_URL))
    return Digest(community, Untrusted("Club"), period, f"Club digest · {week}",
                  Untrusted("Hello readers."), (Untrusted("A bullet."),),
                  (DigestSection("Top picks", picks),), (item(0, "Also this"),),
                  DigestTotals(5, 3, 9), previous_period=previous[0],
                  previous_url=previous[1],
                  previous_label="Last week's digest" if previous[0] else "",
                  date_range=f"Range {week}")


async def post(store: Store, posted: Digest, url: str = "") -> None:
    """Store a digest as bot.publishing does when it is posted."""
    key, week = posted.community, posted.period.key
    content = posted_content(posted)
    when = posted.period.end + timedelta(hours=1)
    assert await store.begin_digest(key, week, when, content)
    await store.finish_digest(key, week, content, when, [], url)


async def community(store: Store, key: str, display: str = "", **settings: str) -> None:
    """A community (``display``: the server's name), with settings as moderators type them."""
    await store.ensure_community(key, "console", display or key)
    found = await store.get_community(key)
    assert found is not None
    updated = found.settings
    for name, value in settings.items():
        updated = updated.updated(name, value)
    await store.save_settings(key, updated)


async def club(store: Store) -> None:
    """`club` (public) with three posted weeks; `secret` (private) with one."""
    await community(store, "club", archive="public")
    for week in WEEKS:
        await post(store, digest("club", week))
    await community(store, "secret")
    await post(store, digest("secret", "2026-W46", title="Private matter"))


@dataclass
class Site:
    app: App
    base: str
    port: int

    def url(self, path: str) -> str:
        return self.base + path


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(db_path=tmp_path / "web.sqlite3", cpu_workers=0, **extra)


@asynccontextmanager
async def serving(config: Settings) -> AsyncIterator[Site]:
    """The app and its web server (archive mounted) on 127.0.0.1."""
    async with open_app(config) as app:
        server = TestServer(web_server(app).application, host="127.0.0.1")
        await server.start_server()
        try:
            assert server.port is not None
            yield Site(app, f"http://127.0.0.1:{server.port}", server.port)
        finally:
            await server.close()


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes


async def raw(port: int, target: bytes, method: bytes = b"GET",
              headers: dict[str, str] | None = None) -> Raw:
    """One request written byte for byte (no client normalizes the path), one response."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()).encode()
    writer.write(method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra
                 + b"Connection: close\r\n\r\n")
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return Raw(int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, body)


def now() -> datetime:
    return datetime.now(UTC)
