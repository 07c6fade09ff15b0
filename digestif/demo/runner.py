"""`digestif demo`: bundled sample pages on a local server, three members, one digest."""

from __future__ import annotations

import ipaddress
import json
import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from aiohttp import web

from bot.config import Settings
from bot.events import LinkPosted, MessageRef
from bot.models import Member
from bot.render.markdown import render_markdown
from digestif.bootstrap import open_app

COMMUNITY = "local"
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
            await curator.community(COMMUNITY, "console", "AI/ML Reading Club")
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
            community = await curator.known_community(COMMUNITY)
            digest = await app.publishing.export(community, app.publishing.period(community))
            print()
            print(render_markdown(digest))
    return 0


def _names(entry: dict[str, object]) -> list[str]:
    votes = entry.get("votes") or {}
    assert isinstance(votes, dict)
    return [str(entry["submitter"]), *map(str, votes)]
