"""The web archive's routes: the public communities, each one's posted digests, feeds and
JSON. Only what was posted (bot.archive reads the snapshots), never the queue; a private or
unknown community is 404, like any page that does not exist.

    /                           the public communities
    /c/<slug>/                  a community's archive, newest first
    /c/<slug>/<YYYY-Www>        one digest, with previous and next links
    /c/<slug>/<YYYY-Www>.json   the same digest as JSON (docs/digest.md)
    /c/<slug>/feed.xml          RSS; /c/<slug>/atom.xml Atom
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.web.server import WebServer, cached
from bot.app import App
from bot.archive import ArchivedDigest, archive_url
from bot.community import Community
from bot.render import site
from bot.render.feed import render_feed
from bot.render.json import render_json

SLUG = r"[a-z0-9-]{1,40}"
PERIOD = r"\d{4}-W\d{2}"
HTML = "text/html"


def mount_archive(server: WebServer, app: App) -> None:
    archive = app.archive

    async def community(request: web.Request) -> Community:
        found = await archive.community(request.match_info["slug"])
        if found is None:
            raise web.HTTPNotFound()
        return found

    async def one(request: web.Request) -> tuple[Community, list[ArchivedDigest], int]:
        found = await community(request)
        digests = await archive.digests(found)
        period = request.match_info["period"]
        at = next((i for i, d in enumerate(digests) if d.period == period), None)
        if at is None:
            raise web.HTTPNotFound()
        return found, digests, at

    async def index(request: web.Request) -> web.Response:
        communities = await archive.communities()
        return cached(request, site.index_page(communities), HTML, None)

    async def listing(request: web.Request) -> web.Response:
        found = await community(request)
        digests = await archive.digests(found)
        newest = max((d.posted_at for d in digests), default=None)
        return cached(request, site.archive_page(found, digests), HTML, newest)

    async def bare(request: web.Request) -> web.Response:
        await community(request)
        raise web.HTTPMovedPermanently(f"/c/{request.match_info['slug']}/")

    async def page(request: web.Request) -> web.Response:
        found, digests, at = await one(request)
        previous = digests[at + 1] if at + 1 < len(digests) else None
        following = digests[at - 1] if at > 0 else None
        shown = digests[at]
        # The page changed last when its "next" link appeared, if it has one.
        modified = max(shown.posted_at, following.posted_at if following else shown.posted_at)
        return cached(request, site.digest_page(found, shown, previous, following), HTML,
                      modified)

    async def as_json(request: web.Request) -> web.Response:
        _, digests, at = await one(request)
        shown = digests[at]
        return cached(request, render_json(shown.digest) + "\n",
                      "application/json", shown.posted_at)

    def feed(atom: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            found = await community(request)
            rows = await archive.posted(found)
            base = app.settings.public_url or f"{request.scheme}://{request.host}"
            text = render_feed(found.key, found.newsletter_name, rows,
                               archive_url(base, found.slug), atom,
                               page=lambda period: archive_url(base, found.slug, period))
            kind = "application/atom+xml" if atom else "application/rss+xml"
            return cached(request, text, kind, max((r.posted_at for r in rows), default=None))
        return handler

    router = server.application.router
    router.add_get("/", index)
    router.add_get(f"/c/{{slug:{SLUG}}}", bare)
    router.add_get(f"/c/{{slug:{SLUG}}}/", listing)
    router.add_get(f"/c/{{slug:{SLUG}}}/feed.xml", feed(atom=False))
    router.add_get(f"/c/{{slug:{SLUG}}}/atom.xml", feed(atom=True))
    router.add_get(f"/c/{{slug:{SLUG}}}/{{period:{PERIOD}}}", page)
    router.add_get(f"/c/{{slug:{SLUG}}}/{{period:{PERIOD}}}.json", as_json)
    server.serving["web archive"] = "/"
