"""The digest as Markdown, for newsletters, wikis and the console."""

from __future__ import annotations

import re

from bot.digest import Digest, DigestItem
from bot.render.text import http_url, plain

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")
_MAX_FIELD = 300


def escape(text: str, limit: int = _MAX_FIELD) -> str:
    """Untrusted text as inert Markdown: one line, no markup, no mentions, bounded."""
    return _SPECIAL.sub(r"\\\1", plain(text, limit)).replace("@", "@\u200b")


def safe_url(url: str) -> str:
    return (http_url(url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            .replace("<", "%3C").replace(">", "%3E"))


def _item(item: DigestItem) -> list[str]:
    link = safe_url(item.url)
    title = f"[{escape(item.title)}]({link})" if link else escape(item.title)
    byline = escape(item.byline)
    lines = [f"### {item.rank}. {title}" + (f" by {byline[3:]}" if byline.startswith("by ")
                                             else f" · {byline}" if byline else "")]
    if item.flag:
        lines.append(f"*Not summarized: the page is a {item.flag.replace('_', ' ')}.*")
    elif item.summary:
        lines.append(escape(item.summary, 1200))
    shared = ", ".join(escape(name, 80) for name in item.submitters)
    votes = "vote" if item.score == 1 else "votes"
    lines.append(f"Shared by {shared} · {item.score} {votes} · #{item.number}")
    return [*lines, ""]


def render_markdown(digest: Digest) -> str:
    out = [f"# {escape(digest.title)}", ""]
    if digest.intro:
        out += [escape(digest.intro, 2000), ""]
    if digest.empty:
        out += ["No picks this week: share some links and vote on them!", ""]
        return "\n".join(out)
    out += ["**In this issue:** " + " · ".join(escape(i.title, 80) for i in digest.picks), ""]
    if digest.tldr:
        out += ["## TL;DR", ""] + [f"- {escape(b, 400)}" for b in digest.tldr] + [""]
    for section in digest.sections:
        out += [f"## {escape(section.title)}", ""]
        for item in section.items:
            out += _item(item)
    if digest.also_shared:
        out += ["## Also shared", ""]
        for item in digest.also_shared:
            link = safe_url(item.url)
            site = f" · {escape(item.site)}" if item.site else ""
            out.append(f"- [{escape(item.title, 150)}]({link}){site}" if link
                       else f"- {escape(item.title, 150)}{site}")
        out.append("")
    totals = digest.totals
    footer = (f"{totals.links} links shared by {totals.sharers} members · "
              f"{totals.votes} votes cast")
    if digest.previous_period:
        footer += f" · Last week: {digest.previous_period}"
    out += ["---", footer, ""]
    return "\n".join(out)
