"""DIGESTIF_PUBLIC_URL: with it set and the archive public, "last week's digest" and feed
entries point at the archive's pages; otherwise at the platform's permalink, as before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from bot.community import CommunitySettings
from bot.compose import Composer
from bot.period import named_period
from digestif.bootstrap import open_app
from digestif.commands import render_digest
from storage.sqlite import SqliteStore
from tests.unit.test_digest_format import OfflineBrief
from tests.web.archive_world import community, digest, post, settings

JUMP = "https://discord.com/channels/1/2/3"
PUBLIC = "https://digest.example.org"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize(("public_url", "archive", "expected"), [
    (PUBLIC, "public", f"{PUBLIC}/c/club/2026-W47"),
    (PUBLIC, "off", JUMP),  # a private archive has no page to point at
    ("", "public", JUMP),
])
async def test_last_weeks_link(tmp_path: Path, public_url: str, archive: str,
                               expected: str) -> None:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await community(store, "club", archive=archive)
        await post(store, digest("club", "2026-W47"), url=JUMP)
        found = await store.get_community("club")
        assert found is not None
        period = named_period("this", NOW, CommunitySettings())
        built = await Composer(store, OfflineBrief(), public_url=public_url).build(found, period)
    assert built.previous_period == "2026-W47" and built.previous_url == expected
    assert built.previous_public is (expected != JUMP)


@pytest.mark.parametrize("archive", ["public", "off"])
async def test_feed_entries_from_the_command_line(tmp_path: Path, archive: str) -> None:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await community(store, "club", archive=archive, slug="ai-club")
        await post(store, digest("club", "2026-W47"), url=JUMP)
    async with open_app(settings(tmp_path, public_url=PUBLIC + "/")) as app:
        rss = await render_digest(app, "club", "rss", "this")
    links = etree.fromstring(rss.encode()).xpath("//item/link/text()")
    if archive == "public":
        assert links == [f"{PUBLIC}/c/ai-club/2026-W47"]
    else:
        assert links == [f"{PUBLIC}#2026-W47"]


def test_a_public_url_must_be_an_http_address(tmp_path: Path) -> None:
    assert settings(tmp_path, public_url=" https://x.test/ ").public_url == "https://x.test"
    for bad in ("javascript:alert(1)", "x.test", "https://a b.test", "ftp://x.test"):
        with pytest.raises(ValueError, match="archive's address"):
            settings(tmp_path, public_url=bad)

