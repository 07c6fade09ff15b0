"""The web archive over real HTTP on 127.0.0.1: the routes, what is (and is never) served,
hostile requests, security headers, conditional GETs, escaping."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from lxml import etree
from lxml import html as lxml_html
from multidict import CIMultiDict

from adapters.web.server import CSP
from bot.errors import InvalidSetting
from bot.models import Member
from storage.sqlite import SqliteStore
from tests.web.archive_world import (
    LONG_URL,
    WEEKS,
    Site,
    club,
    community,
    digest,
    now,
    post,
    raw,
    serving,
    settings,
)

MOD = Member("mod", "Mod", is_moderator=True)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await club(store)
    async with serving(settings(tmp_path)) as running:
        yield running


async def get(site: Site, path: str, **headers: str
              ) -> tuple[int, CIMultiDict[str], str]:
    async with aiohttp.ClientSession() as http, http.get(
            site.url(path), headers=headers, allow_redirects=False) as response:
        return response.status, response.headers.copy(), await response.text()


async def test_the_archive_from_the_front_page_to_a_digest_and_its_neighbours(
        site: Site) -> None:
    status, headers, front = await get(site, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = lxml_html.document_fromstring(front)
    assert [(a.text, a.get("href")) for a in page.iter("a")] == [("Club digest", "/c/club/")]
    assert "secret" not in front.lower(), "a private community is not listed"

    status, _, listing = await get(site, "/c/club/")
    page = lxml_html.document_fromstring(listing)
    hrefs = [a.get("href") for a in page.iter("a")]
    weeks = [h.rsplit("/", 1)[1] for h in hrefs if re.search(r"W\d\d$", h)]
    assert status == 200 and weeks == sorted(WEEKS, reverse=True), "newest first"
    feeds = {link.get("type"): link.get("href")
             for link in page.xpath('//link[@rel="alternate"]')}
    assert feeds == {"application/rss+xml": "/c/club/feed.xml",
                     "application/atom+xml": "/c/club/atom.xml"}

    status, _, middle = await get(site, "/c/club/2026-W46")
    page = lxml_html.document_fromstring(middle)
    assert status == 200 and page.findtext(".//title") == "Club digest · 2026-W46"
    assert page.xpath('//a[@rel="prev"]/@href')[0] == "/c/club/2026-W45"
    assert page.xpath('//a[@rel="next"]/@href')[0] == "/c/club/2026-W48", "W47 was skipped"
    assert "Top story of 2026-W46" in middle and "Also this" in middle
    assert page.xpath('//link[@rel="alternate"]')
    _, _, oldest = await get(site, "/c/club/2026-W45")
    assert not lxml_html.document_fromstring(oldest).xpath('//a[@rel="prev"]')

    assert (await get(site, "/c/club"))[1]["Location"] == "/c/club/"
    status, _, health = await get(site, "/healthz")
    assert status == 200 and json.loads(health) == {"ok": True}


async def test_feeds_and_json_serve_the_posted_digests(site: Site) -> None:
    status, headers, rss = await get(site, "/c/club/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    links = etree.fromstring(rss.encode()).xpath("//item/link/text()")
    assert links == [site.url(f"/c/club/{w}") for w in sorted(WEEKS, reverse=True)]
    status, headers, atom = await get(site, "/c/club/atom.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    assert "Top story of 2026-W48" in atom

    status, headers, body = await get(site, "/c/club/2026-W46.json")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert data["schema"] == "digestif.digest/1" and data["period"]["key"] == "2026-W46"
    assert [p["title"] for p in data["picks"]] == ["Top story of 2026-W46", LONG_URL]


async def test_private_unknown_and_unposted_are_not_found(site: Site, tmp_path: Path) -> None:
    for path in ("/c/secret/", "/c/secret/2026-W46", "/c/secret/2026-W46.json",
                 "/c/secret/feed.xml", "/c/secret/atom.xml", "/c/secret", "/c/nobody/",
                 "/c/club/2026-W47", "/c/club/2026-W99", "/c/club/2026-W47.json",
                 "/c/Club/", "/c/club/2026-w46", "/c/club/latest", "/nothing", "/c/"):
        status, _, body = await get(site, path)
        assert status == 404, path
        assert "Private matter" not in body


HOSTILE = [b"/c/club/../secret/", b"/c/%2e%2e/secret/", b"/c/club/%2e%2e/%2e%2e/etc/passwd",
           b"/c/club/%252e%252e/", b"/%2e%2e/%2e%2e/etc/passwd", b"/c/club/..%2f..%2f",
           b"/c/club%2f2026-W46", b"/c/club/2026-W46%00", b"/c/club/2026-W46/..",
           b"/c//club/", b"/c/club/2026-W46\\..\\", b"/c/cl%C3%BCb/", b"/c/club/%ff%fe",
           b"/c/club/" + b"a" * 5000, b"/c/" + b"x-" * 30 + b"/",
           b"/c/club/2026-W46;.json", b"/./c/club/", b"http://127.0.0.1/c/club/"]


async def test_hostile_paths_are_not_found(site: Site) -> None:
    for target in HOSTILE:
        answer = await raw(site.port, target)
        assert answer.status == 404, target
        assert answer.headers["content-security-policy"] == CSP
    # A NUL, raw non-ASCII or a path longer than a request line may be: refused before routing.
    for target in (b"/c/club/\x00", b"/c/\xc3\xbc/", b"/c/club/" + b"a" * 9000, b"*",
                   b"c/club/"):
        assert (await raw(site.port, target)).status in (400, 404, 414), target


async def test_only_get_and_head_are_allowed(site: Site) -> None:
    get_answer = await raw(site.port, b"/c/club/2026-W46")
    head = await raw(site.port, b"/c/club/2026-W46", b"HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["etag"] == get_answer.headers["etag"]
    assert head.headers["content-length"] == get_answer.headers["content-length"]
    for method in (b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS"):
        for target in (b"/", b"/c/club/", b"/c/club/2026-W46", b"/c/club/feed.xml"):
            assert (await raw(site.port, target, method)).status == 405, (method, target)


async def test_every_page_is_locked_down_and_answers_conditional_gets(site: Site) -> None:
    for path in ("/", "/c/club/", "/c/club/2026-W46", "/c/club/feed.xml",
                 "/c/club/2026-W46.json", "/missing"):
        _, headers, body = await get(site, path)
        assert headers["Content-Security-Policy"] == CSP, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "<script" not in body.lower(), path
    _, headers, _ = await get(site, "/c/club/2026-W46")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert modified.endswith(" GMT")
    assert (await get(site, "/c/club/2026-W46", **{"If-None-Match": etag}))[0] == 304
    assert (await get(site, "/c/club/2026-W46", **{"If-None-Match": f'"x", {etag}'}))[0] == 304
    assert (await get(site, "/c/club/2026-W46", **{"If-Modified-Since": modified}))[0] == 304
    assert (await get(site, "/c/club/2026-W46", **{"If-None-Match": '"stale"'}))[0] == 200
    assert (await get(site, "/c/club/2026-W46",
                      **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}))[0] == 200
    not_modified = await raw(site.port, b"/c/club/2026-W46", headers={"If-None-Match": etag})
    assert not_modified.status == 304 and not_modified.body == b""
    assert not_modified.headers["etag"] == etag
    _, headers, _ = await get(site, "/c/club/")
    assert (await get(site, "/c/club/", **{"If-None-Match": headers["ETag"]}))[0] == 304


NASTY_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> & "quotes"'
NASTY_SUMMARY = '"><iframe src="javascript:alert(2)"></iframe><style>body{display:none}</style>'


async def test_hostile_titles_and_summaries_are_inert_text(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await community(store, "club", 'Club <b>bold</b> & "co"', archive="public")
        nasty = digest("club", "2026-W46", title=NASTY_TITLE, summary=NASTY_SUMMARY)
        await post(store, nasty)
    async with serving(settings(tmp_path)) as site:
        for path in ("/", "/c/club/", "/c/club/2026-W46"):
            status, _, body = await get(site, path)
            page = lxml_html.document_fromstring(body)
            assert status == 200
            assert not page.xpath("//script | //iframe | //img | //b | //body//style"), path
            assert not [a for e in page.iter() for a in e.attrib if a.startswith("on")], path
            for href in page.xpath("//a/@href | //link/@href"):
                assert href.startswith(("/", "http://", "https://")), href
        assert NASTY_TITLE in page.text_content()
        assert "javascript:alert(2)" in page.text_content(), "shown as text, not run"
        _, _, rss = await get(site, "/c/club/feed.xml")
        etree.fromstring(rss.encode())  # still well-formed


async def test_public_pages_never_link_back_to_the_chat(tmp_path: Path) -> None:
    jump = "https://discord.com/channels/1/2/3"
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await community(store, "club", archive="public")
        await post(store, digest("club", "2026-W45"), url=jump)
        await post(store, digest("club", "2026-W46", previous=("2026-W45", jump)))
    async with serving(settings(tmp_path)) as site:
        for path in ("/c/club/", "/c/club/2026-W46", "/c/club/2026-W46.json",
                     "/c/club/feed.xml", "/c/club/atom.xml"):
            _, _, body = await get(site, path)
            assert "discord.com" not in body, path
        _, _, page = await get(site, "/c/club/2026-W46")
        assert set(lxml_html.document_fromstring(page).xpath('//a[@rel="prev"]/@href')) == {
            "/c/club/2026-W45"}
        data = json.loads((await get(site, "/c/club/2026-W46.json"))[2])
        assert data["previous_url"] is None and data["previous_period"] == "2026-W45"


async def test_posted_digests_render_the_same_after_settings_change_and_restart(
        tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await club(store)

    async def shown(site: Site) -> tuple[str, str]:
        _, _, page = await get(site, "/c/club/2026-W46")
        _, _, data = await get(site, "/c/club/2026-W46.json")
        body = etree.tostring(lxml_html.document_fromstring(page).body, encoding="unicode")
        return body, data

    async with serving(settings(tmp_path)) as site:
        before = await shown(site)
        editor = site.app.editor
        for name, value in (("name", "Renamed"), ("picks", "1"), ("summary_words", "10"),
                            ("group_by_kind", "on"), ("timezone", "Asia/Tokyo")):
            await editor.configure("club", MOD, name, value)
        assert await shown(site) == before
    async with serving(settings(tmp_path)) as site:
        assert await shown(site) == before, "after a restart (the store reopened)"
        assert "Renamed" in (await get(site, "/"))[2]


async def test_moderators_choose_the_slug_and_make_the_archive_private(
        site: Site) -> None:
    editor = site.app.editor
    with pytest.raises(InvalidSetting, match="not a slug"):
        await editor.configure("club", MOD, "slug", "../etc")
    with pytest.raises(InvalidSetting, match="not a slug"):
        await editor.configure("club", MOD, "slug", "x" * 41)
    with pytest.raises(InvalidSetting, match="not an archive mode"):
        await editor.configure("club", MOD, "archive", "private-ish")
    with pytest.raises(InvalidSetting, match="taken by another community"):
        await editor.configure("club", MOD, "slug", "secret")
    await editor.configure("club", MOD, "slug", "AI-Club")
    assert (await get(site, "/c/ai-club/2026-W46"))[0] == 200
    assert (await get(site, "/c/club/2026-W46"))[0] == 404
    assert (await get(site, "/c/ai-club/feed.xml"))[2].count("/c/ai-club/2026-W") == 3
    await editor.configure("club", MOD, "archive", "off")
    assert (await get(site, "/c/ai-club/"))[0] == 404
    assert "ai-club" not in (await get(site, "/"))[2]



async def test_a_page_is_modified_when_its_next_digest_is_posted(site: Site) -> None:
    _, first, _ = await get(site, "/c/club/2026-W48")
    async with SqliteStore(site.app.settings.database) as store:
        await post(store, digest("club", "2026-W49"))
    status, again, page = await get(site, "/c/club/2026-W48", **{
        "If-Modified-Since": first["Last-Modified"]})
    assert status == 200 and 'rel="next" href="/c/club/2026-W49"' in page
    assert again["ETag"] != first["ETag"]
    assert (await get(site, "/c/club/2026-W48", **{"If-None-Match": first["ETag"]}))[0] == 200


async def test_rows_stored_before_snapshots_are_left_out(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await community(store, "club", archive="public")
        old = '{"title": "Old digest", "picks": [{"title": "Old pick", "url": "https://o.test"}]}'
        assert await store.begin_digest("club", "2026-W40", now(), old)
        await store.finish_digest("club", "2026-W40", old, now(), [])
        await post(store, digest("club", "2026-W46"))
    async with serving(settings(tmp_path)) as site:
        assert (await get(site, "/c/club/2026-W40"))[0] == 404
        _, _, listing = await get(site, "/c/club/")
        _, _, rss = await get(site, "/c/club/feed.xml")
        assert "2026-W40" not in listing and "Old pick" not in rss
        assert "Top story of 2026-W46" in rss
