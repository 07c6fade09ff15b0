"""Core results as Discord embeds, within every limit, with untrusted text escaped for
Discord markdown (mentions cannot fire anyway: every send carries AllowedMentions.none())."""

from __future__ import annotations

import re
from urllib.parse import quote

import discord

from bot.curator import QueueEntry
from bot.digest import Digest, DigestItem
from bot.models import Submission
from bot.render.text import flag_note, http_url, plain

CONTENT, TITLE, DESCRIPTION, FIELDS, FIELD, FOOTER = 2000, 256, 4096, 25, 1024, 2048
MESSAGE_TOTAL, EMBEDS = 6000, 10
COLOR = 0x1D4ED8
QUEUE_LINES = 25
CHANNEL_SETTINGS = ("submission_channels", "digest_channel")


def link_target(url: str) -> str:
    """An http(s) URL safe inside markdown link parentheses, or ""."""
    return quote(http_url(url), safe=":/?#&=%+,;~.-_!*$")


def escape(text: str, limit: int = 300) -> str:
    """Untrusted text: markdown escaped, and no mention syntax left intact (<@1>, <@&1>,
    <#1>, @everyone, @here), whatever the id length."""
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(plain(text, limit)))
    return re.sub(r"<([@#])", "<\u200b\\1", text)


def _byline(authors: tuple[str, ...], site: str) -> str:
    parts = ([f"by {', '.join(authors)}"] if authors else []) + ([site] if site else [])
    return escape(" · ".join(parts), 200)


def card(submission: Submission) -> discord.Embed:
    embed = discord.Embed(title=escape(submission.title or submission.url, TITLE - 20),
                          url=link_target(submission.final_url or submission.url) or None,
                          color=COLOR)
    lines = [f"*{_byline(submission.authors, submission.site_name)}*"] if (
        submission.authors or submission.site_name) else []
    if submission.flag:
        lines.append(f"*{flag_note(submission.flag)}*")
    elif submission.summary:
        lines.append(escape(submission.summary, 1500))
    embed.description = "\n".join(lines)[:DESCRIPTION] or None
    embed.set_footer(text=f"#{submission.number} · react to vote")
    return embed


def _item(item: DigestItem) -> str:
    link = link_target(item.url)
    title = escape(item.title, 200)
    head = f"**{item.rank}. [{title}]({link})**" if link else f"**{item.rank}. {title}**"
    byline = _byline(item.authors, item.site)
    lines = [head] + ([f"*{byline}*"] if byline else [])
    if item.flag:
        lines.append(f"*{flag_note(item.flag)}*")
    elif item.summary:
        lines.append(escape(item.summary, 1200))
    votes = "vote" if item.score == 1 else "votes"
    shared = ", ".join(escape(n, 60) for n in item.submitters[:10])
    lines.append(f"Shared by {shared} · {item.score} {votes} · #{item.number}")
    return "\n".join(lines)


def _embeds(digest: Digest) -> list[discord.Embed]:
    """One embed per block of text, each description within its limit, TL;DR first."""
    blocks: list[tuple[str, str]] = []
    head = [escape(b, 400) for b in digest.tldr]
    intro = escape(digest.intro, 2000)
    blocks.append((plain(digest.title, TITLE), "\n".join(
        ([intro, ""] if intro else []) + (["**TL;DR**", *(f"• {b}" for b in head)] if head
                                          else ["No picks this week."] if digest.empty
                                          else []))))
    for section in digest.sections:
        for item in section.items:
            blocks.append((plain(section.title, TITLE), _item(item)))
    if digest.also_shared:
        also = [f"• [{escape(i.title, 150)}]({link_target(i.url)})" if http_url(i.url)
                else f"• {escape(i.title, 150)}" for i in digest.also_shared]
        blocks.append(("Also shared", "\n".join(also)))
    embeds: list[discord.Embed] = []
    for title, text in blocks:
        if embeds and embeds[-1].title == title and len(
                embeds[-1].description or "") + len(text) + 2 <= 3500:
            embeds[-1].description = f"{embeds[-1].description}\n\n{text}"
        else:
            embeds.append(discord.Embed(title=title, description=text[:DESCRIPTION] or None,
                                        color=COLOR))
    totals = digest.totals
    footer = (f"{totals.links} links shared by {totals.sharers} members · "
              f"{totals.votes} votes cast")
    if digest.previous_period:
        footer += f" · last week: {digest.previous_period}"
    embeds[-1].set_footer(text=footer[:FOOTER])
    return embeds


def digest_messages(digest: Digest) -> list[list[discord.Embed]]:
    """The digest as messages in order: at most 10 embeds and 6000 characters each."""
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in _embeds(digest):
        length = len(embed)
        if messages[-1] and (len(messages[-1]) == EMBEDS or size + length > MESSAGE_TOTAL):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += length
    return messages


def bounded(text: str, limit: int = CONTENT) -> str:
    """Safe text cut at a line so it fits one message (a cut never splits an escape)."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1].rsplit("\n", 1)[0]
    return kept + "\n…"


def submitted(name: str, url: str, note: str) -> str:
    """The public note a `/digest submit` leaves: the link without a preview (the card
    follows), and the member's note quoted."""
    link = http_url(url)
    head = f"📎 {escape(name, 80)} submitted " + (f"<{link}>" if link else escape(url, 300))
    return head + (f"\n> {escape(note, 500)}" if note.strip() else "")


def queue(entries: list[QueueEntry]) -> str:
    if not entries:
        return "The queue is empty."
    lines = [f"**#{e.submission.number}** {e.tally.score:+d} · "
             f"{escape(e.submission.title or e.submission.url, 150)}"
             for e in entries[:QUEUE_LINES]]
    if len(entries) > QUEUE_LINES:
        lines.append(f"… and {len(entries) - QUEUE_LINES} more")
    return "\n".join(lines)


def choice(entry: QueueEntry) -> str:
    """An autocomplete choice's name: plain text (Discord shows it raw), at most 100."""
    return plain(f"#{entry.submission.number} {entry.submission.title or entry.submission.url}",
                 100)


def setting(name: str, value: object) -> str:
    """A setting as a moderator reads it back."""
    if isinstance(value, tuple):
        shown = " ".join(_setting_part(name, str(v)) for v in value) or "(none)"
    elif isinstance(value, bool):
        shown = "on" if value else "off"
    else:
        shown = _setting_part(name, str(value)) if str(value) else "(none)"
    return f"`{name}` = {shown}"


def _setting_part(name: str, value: str) -> str:
    if name in CHANNEL_SETTINGS and value.isdecimal():
        return f"<#{value}>"  # a channel link; it pings nobody
    if value.startswith("<:") and re.fullmatch(r"<:\w+:\d+>", value):
        return value  # a custom emoji, shown as itself
    return escape(value, 300)
