"""`digestif demo`: bundled sample pages on a local server, three members, one digest.

Everything runs in a temporary database; only the posted digest is kept, in the `demo`
community of the configured database, with its web archive public, so `digestif serve`
shows it at /c/demo/."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from aiohttp import web

from bot.clock import system_clock
from bot.community import Community
from bot.config import Settings
from bot.digest import Digest
from bot.events import LinkPosted, MessageRef
from bot.models import Member
from bot.render.markdown import render_markdown
from digestif.bootstrap import database_label, open_app, open_store

COMMUNITY = "demo"
NAME = "AI/ML Reading Club"
INTRO = ("Welcome to this week's digest: the links members shared, ranked by their votes. "
         "Reply in the channel to suggest what we read next.")


def _pages() -> tuple[list[dict[str, object]], dict[str, str]]:
    root = resources.files("digestif.demo") / "pages"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    html = {str(e["file"]): (root / str(e["file"])).read_text(encoding="utf-8")
            for e in manifest if e.get("file")}
    return manifest, html


@asynccontextmanager
async def serve_pages(manifest: list[dict[str, object]],
                      html: dict[str, str]) -> AsyncIterator[str]:
    """A local web server for the sample pages; yields its base URL."""
    routes = {str(e["path"]).split("?")[0]: str(e["file"]) for e in manifest if e.get("file")}
    base = ""

    async def page(request: web.Request) -> web.Response:
        name = routes.get(request.path)
        if name is None:
            return web.Response(status=404, text="not found")
        return web.Response(text=html[name].replace("{base}", base), content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    try:
        yield base
    finally:
        await runner.cleanup()


async def run_demo(settings: Settings) -> int:
    logging.getLogger().setLevel(logging.WARNING)
    manifest, html = _pages()
    with tempfile.TemporaryDirectory(prefix="digestif-demo-") as tmp:
        demo_settings = settings.model_copy(update={
            "db_path": Path(tmp) / "demo.sqlite3",
            "database_url": None,  # the demo never touches a configured PostgreSQL
            "data_dir": Path(tmp),
            "fetch_allow_networks": (ipaddress.ip_network("127.0.0.0/8"),),
            "openai_api_key": None,
            "openai_base_url": None,
        })
        async with serve_pages(manifest, html) as base, open_app(demo_settings) as app:
            curator = app.curator
            await curator.community(COMMUNITY, "console", NAME)
            app.publishing.register("console", publisher=PrintedDigest())
            members = {name: Member(name, name.capitalize())
                       for e in manifest for name in _names(e)}
            print(f"Serving {len(html)} sample pages at {base}")
            for i, entry in enumerate(manifest, start=1):
                member = members[str(entry["submitter"])]
                text = f"worth a read: {base}{entry['path']}"
                outcomes = await curator.post_link(
                    LinkPosted(COMMUNITY, member, text, MessageRef("demo", f"m{i}"))
                )
                for outcome in outcomes:
                    print(f"  {member.name} shared {entry['path']}: {outcome.message}")
            await curator.wait_idle()
            for entry in manifest:
                if entry.get("same_as"):
                    continue
                sub = await app.store.find_by_url(COMMUNITY, f"{base}{entry['path']}")
                votes = entry.get("votes") or {}
                assert isinstance(votes, dict)
                for name in votes:
                    if sub is not None:
                        await curator.vote_on(COMMUNITY, sub.number, members[name], "👍")
            moderator = Member("demo-moderator", "Moderator", is_moderator=True)
            await app.editor.set_intro(COMMUNITY, moderator, INTRO)
            posted = await app.publishing.post(COMMUNITY, moderator, "demo")
            assert posted is not None, "a fresh database has posted nothing"
            record = await app.store.digest_record(COMMUNITY, posted.period.key)
        if record is not None:
            await _keep(settings, posted, record.content)
    return 0


class PrintedDigest:
    """The demo's platform: a posted digest is printed."""

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        print()
        print(render_markdown(digest))
        return None


async def _keep(settings: Settings, digest: Digest, content: str) -> None:
    """The posted digest, stored as posted in the `demo` community of the configured
    database, whose archive is public: `digestif serve` shows it."""
    async with open_store(settings) as store:
        community = await store.ensure_community(COMMUNITY, "console", NAME)
        await store.save_settings(COMMUNITY, dataclasses.replace(community.settings,
                                                                 archive="public"))
        week, now = digest.period.key, system_clock()
        if await store.begin_digest(COMMUNITY, week, now, content):
            await store.finish_digest(COMMUNITY, week, content, now, [])
            kept = "Kept"
        else:
            kept = "This week's demo digest was already kept"
    host = f"[{settings.http_host}]" if ":" in settings.http_host else settings.http_host
    print(f"{kept} in {database_label(settings)} (community {COMMUNITY!r}, archive public). "
          f"Browse it: digestif serve, then http://{host}:{settings.http_port}/c/"
          f"{community.slug}/")


def _names(entry: dict[str, object]) -> list[str]:
    votes = entry.get("votes") or {}
    assert isinstance(votes, dict)
    return [str(entry["submitter"]), *map(str, votes)]
