"""The digest as Markdown, for newsletters, wikis and the console.

``chat_links``: the console (a chat) shows each item's link back to the message that shared
it; Markdown written for anyone else (exports, the e-mail's text part) never does."""

from __future__ import annotations

import re

from bot.bylines import join_names
from bot.digest import Digest, DigestItem
from bot.period import period_unit
from bot.render.text import (
    CHAT_LINK,
    flag_note,
    footer_text,
    http_url,
    no_picks,
    plain,
    previous_shown,
    shared_line,
)

# Every character CommonMark (and the chat dialects) give a meaning to, anywhere in a line.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~&])")
# Markers that mean something only at the start of a line: lists, headings, breaks, tables.
_LEADING = re.compile(r"^(\d+)([.)])|^([-=:])")
_MAX_FIELD = 300


def escape(text: str, limit: int = _MAX_FIELD) -> str:
    """Untrusted text as inert Markdown: one line, no markup, no mentions, bounded."""
    out = _SPECIAL.sub(r"\\\1", plain(text, limit))
    out = _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)
    # A zero-width space after @ keeps @everyone, @here and @name from pinging anyone.
    return out.replace("@", "@\u200b")


def safe_url(url: str) -> str:
    return http_url(url)


def _link(text: str, url: str) -> str:
    link = safe_url(url)
    return f"[{text}]({link})" if link else text


def _chat(item: DigestItem, chat_links: bool) -> str:
    """" · [💬 Discussion](…)" after an item, when shown to members and known."""
    link = safe_url(item.chat_url) if chat_links else ""
    return f" · [{CHAT_LINK}]({link})" if link else ""


def _item(item: DigestItem, chat_links: bool) -> list[str]:
    heading = f"### {item.rank}. {_link(escape(item.title), item.url)}"
    if item.authors:
        heading += " by " + escape(join_names(item.authors), 150)
    if item.site:
        heading += " · " + escape(item.site, 80)
    lines = [heading, ""]
    if item.flag:
        lines += [f"*{flag_note(item.flag)}*", ""]
    elif item.summary:
        lines += [escape(item.summary, 1200), ""]
    lines.append(shared_line([escape(name, 80) for name in item.submitters], item.score)
                 + _chat(item, chat_links))
    return [*lines, ""]


def footer(digest: Digest, chat_links: bool = False) -> str:
    text = footer_text(digest, lambda name: escape(name, 80))
    if previous_shown(digest, chat_links):
        text += " · " + _link(plain(digest.previous_label, 80), digest.previous_url)  # ours
    return text


def render_markdown(digest: Digest, *, chat_links: bool = False) -> str:
    out = [f"# {escape(digest.title)}", ""]
    if digest.intro:
        out += [escape(digest.intro, 2000), ""]
    if digest.empty:
        out += [no_picks(period_unit(digest.period.key)), "", "---", "",
                footer(digest, chat_links), ""]
        return "\n".join(out)
    if digest.tldr:
        out += ["## TL;DR", ""] + [f"- {escape(b, 400)}" for b in digest.tldr] + [""]
    for section in digest.sections:
        out += [f"## {escape(section.title)}", ""]
        for item in section.items:
            out += _item(item, chat_links)
    if digest.also_shared:
        out += ["## Also shared", ""]
        for item in digest.also_shared:
            site = f" · {escape(item.site, 80)}" if item.site else ""
            out.append(f"- {_link(escape(item.title, 150), item.url)}{site}"
                       + _chat(item, chat_links))
        out.append("")
    out += ["---", "", footer(digest, chat_links), ""]
    return "\n".join(out)
