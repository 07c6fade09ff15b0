"""YouTube videos: title and channel from oEmbed, description from the watch page."""

from __future__ import annotations

import json

from bot.errors import ExtractError
from bot.models import Article, SourceKind
from bot.sources.html_meta import first, parse


def parse_oembed(raw: str, url: str, watch_html: str = "") -> Article:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ExtractError("YouTube did not describe the video") from err
    if not isinstance(data, dict) or not data.get("title"):
        raise ExtractError("YouTube did not describe the video")
    description = first(parse(watch_html), "og:description", "description") if watch_html else ""
    channel = str(data.get("author_name") or "")
    return Article(url=url, title=str(data["title"]), text=description,
                   authors=(channel,) if channel else (), site_name="YouTube",
                   description=description, image=str(data.get("thumbnail_url") or ""),
                   canonical_url=url, kind=SourceKind.VIDEO)
