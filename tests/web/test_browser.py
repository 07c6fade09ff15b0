"""The archive in a real browser: headless Chromium (Debian's, never a downloaded one) driven
by Playwright, against the app's web server on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storage.sqlite import SqliteStore
from tests.web.archive_world import club, serving, settings

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (.ci/run "
                                                         "installs it)")


async def test_click_through_the_archive_at_phone_width_light_and_dark(
        tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with SqliteStore(tmp_path / "web.sqlite3") as store:
        await club(store)
    async with serving(settings(tmp_path)) as site, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            await page.goto(site.url("/"))
            await page.get_by_role("link", name="Club digest").click()
            await page.wait_for_url(site.url("/c/club/"))
            await page.get_by_role("link", name="Range 2026-W48").click()
            await page.wait_for_url(site.url("/c/club/2026-W48"))
            assert await page.title() == "Club digest · 2026-W48"
            await page.locator('a[rel="prev"]').first.click()
            await page.wait_for_url(site.url("/c/club/2026-W46"))
            assert "Top story of 2026-W46" in await page.inner_text("body")
            feeds = await page.locator('link[rel="alternate"]').evaluate_all(
                "links => links.map(l => l.href)")
            assert site.url("/c/club/feed.xml") in feeds
            wide = await page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
            assert wide[0] <= wide[1], f"sideways scroll at 360 px: {wide}"
            await page.screenshot(path=str(tmp_path / "digest-360.png"), full_page=True)
            light = await page.evaluate("getComputedStyle(document.body).backgroundColor")

            dark_page = await browser.new_page(viewport={"width": 360, "height": 740},
                                               color_scheme="dark")
            await dark_page.goto(site.url("/c/club/2026-W46"))
            dark = await dark_page.evaluate("getComputedStyle(document.body).backgroundColor")
            await dark_page.screenshot(path=str(tmp_path / "digest-360-dark.png"),
                                       full_page=True)
            assert light == "rgb(255, 255, 255)" and dark != light
            wide = await dark_page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
            assert wide[0] <= wide[1]
        finally:
            await browser.close()
    assert (tmp_path / "digest-360.png").stat().st_size > 1000
