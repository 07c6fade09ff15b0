"""Core results as Discord embeds, within every limit, with untrusted text escaped for
Discord markdown (mentions cannot fire anyway: every send carries AllowedMentions.none())."""

from __future__ import annotations

import re
from urllib.parse import quote

import discord

from bot import replies
from bot.bylines import byline, clean_authors
from bot.community import CommunitySettings
from bot.digest import Digest, DigestItem
from bot.models import Submission
from bot.period import period_unit
from bot.records import QueueEntry
from bot.render.text import (
    CHAT_LINK,
    cut,
    flag_note,
    footer_text,
    http_url,
    no_picks,
    plain,
    shared_line,
)
from bot.setting_types import TYPES

CONTENT, TITLE, DESCRIPTION, FIELDS, FIELD, FOOTER = 2000, 256, 4096, 25, 1024, 2048
MESSAGE_TOTAL, EMBEDS = 6000, 10
COLOR = 0x1D4ED8
_BRACKET = re.compile(r"(\\*)([\[\]])")
QUEUE_LINES = 25
BLOCK = 3500  # an embed's description is filled up to this, well below its limit
CHANNEL_SETTINGS = ("submission_channels", "digest_channel")


def link_target(url: str) -> str:
    """An http(s) URL safe inside markdown link parentheses, or ""."""
    return quote(http_url(url), safe=":/?#&=%+,;~.-_!*$")


def escape(text: str, limit: int = 300) -> str:
    """Untrusted text as one line of at most ``limit`` characters (escapes included):
    markdown escaped, and no mention syntax left intact (<@1>, <@&1>, <#1>, @everyone,
    @here), whatever the id length."""
    budget = limit
    while True:
        flat = discord.utils.escape_markdown(plain(text, budget))
        # Brackets too, so nothing closes the label of a link we wrap the text in.
        flat = _BRACKET.sub(lambda m: m.group(1) + ("\\" if len(m.group(1)) % 2 == 0 else "")
                            + m.group(2), flat)
        out = re.sub(r"<([@#])", "<\u200b\\1", discord.utils.escape_mentions(flat))
        if len(out) <= limit or budget <= 1:
            return cut(out, limit)
        budget = max(1, min(budget - 1, budget * limit // len(out)))


def _byline(authors: tuple[str, ...], site: str) -> str:
    return escape(byline(authors, site), 200)


def card(submission: Submission) -> discord.Embed:
    embed = discord.Embed(title=escape(submission.title or submission.url, TITLE - 20),
                          url=link_target(submission.final_url or submission.url) or None,
                          color=COLOR)
    authors = clean_authors(submission.authors)
    lines = [f"*{_byline(authors, submission.site_name)}*"] if (
        authors or submission.site_name) else []
    if submission.flag:
        lines.append(f"*{flag_note(submission.flag)}*")
    elif submission.summary:
        lines.append(escape(submission.summary, 1500))
    embed.description = cut("\n".join(lines), DESCRIPTION) or None
    embed.set_footer(text=f"#{submission.number} · react to vote")
    return embed


def _chat(item: DigestItem) -> str:
    """" · [💬 Discussion](jump link)": back to the message that shared the item."""
    link = link_target(item.chat_url)
    return f" · [{CHAT_LINK}]({link})" if link else ""


def _item(item: DigestItem) -> str:
    """One pick: always within an embed description, however long its URL or summary."""
    link = link_target(item.url)
    title = escape(item.title, 200)
    head = f"**{item.rank}. [{title}]({link})**" if link else f"**{item.rank}. {title}**"
    by = _byline(item.authors, item.site)
    tail = shared_line([escape(n, 60) for n in item.submitters], item.score) + _chat(item)
    lines = [head] + ([f"*{by}*"] if by else [])
    if item.flag:
        lines.append(f"*{flag_note(item.flag)}*")
    elif item.summary:
        room = BLOCK - sum(len(line) + 1 for line in [*lines, tail])
        lines.append(escape(item.summary, max(100, min(1200, room))))
    return "\n".join([*lines, tail])


def _also(item: DigestItem) -> str:
    link = link_target(item.url)
    title = escape(item.title, 150)
    site = f" · {escape(item.site, 80)}" if item.site else ""
    return (f"• [{title}]({link})" if link else f"• {title}") + site + _chat(item)


def _head(digest: Digest) -> str:
    """The intro, then the TL;DR: what a reader sees first."""
    lines = [escape(digest.intro, 1000), ""] if digest.intro.strip() else []
    if digest.tldr:
        lines += ["**TL;DR**", *(f"• {escape(b, 300)}" for b in digest.tldr[:6])]
    elif digest.empty:
        lines.append(no_picks(period_unit(digest.period.key)))
    return "\n".join(lines) or escape(digest.date_range, 80) or "The digest"


def _previous(digest: Digest) -> str:
    """The link to the digest before this one, when the platform gave one."""
    target = link_target(digest.previous_url)
    label = escape(digest.previous_label, 80)
    return f"[{label}]({target})" if target and label else label


def _embeds(digest: Digest) -> list[discord.Embed]:
    """The head first, then one block per pick and per also-shared line; consecutive
    blocks of one section share an embed while they fit."""
    blocks: list[tuple[str, str, str]] = [(escape(digest.title, TITLE), _head(digest), "")]
    for section in digest.sections:
        title = escape(section.title, TITLE)
        blocks += [(title, _item(item), "\n\n") for item in section.items]
    blocks += [("Also shared", _also(item), "\n") for item in digest.also_shared]
    if digest.previous_label:
        # Last, under the same heading as what precedes it, so it joins that embed.
        blocks.append((blocks[-1][0], _previous(digest), "\n\n"))
    embeds: list[discord.Embed] = []
    for title, text, joiner in blocks:
        last = embeds[-1] if embeds else None
        if last is not None and joiner and last.title == title and len(
                last.description or "") + len(joiner) + len(text) <= BLOCK:
            last.description = f"{last.description}{joiner}{text}"
        else:
            embeds.append(discord.Embed(title=title, description=cut(text, DESCRIPTION),
                                        color=COLOR))
    footer = footer_text(digest, lambda name: escape(name, 80))
    embeds[-1].set_footer(text=cut(footer, FOOTER))
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
    """The queue as one reply: as many lines as fit, then how many more there are."""
    if not entries:
        return replies.QUEUE_EMPTY
    lines: list[str] = []
    size = 0
    for e in entries[:QUEUE_LINES]:
        line = (f"**#{e.submission.number}** {e.tally.score:+d} · "
                f"{escape(e.submission.title or e.submission.url, 100)}")
        if size + len(line) + 1 > CONTENT - 40:
            break
        lines.append(line)
        size += len(line) + 1
    if len(entries) > len(lines):
        lines.append(f"… and {len(entries) - len(lines)} more")
    return "\n".join(lines)


def choice(entry: QueueEntry) -> str:
    """An autocomplete choice's name: plain text (Discord shows it raw), at most 100."""
    return plain(f"#{entry.submission.number} {entry.submission.title or entry.submission.url}",
                 100)


def setting(settings: CommunitySettings, name: str) -> str:
    """A setting as a moderator reads it back: the same text as on every platform
    (``name = value``), escaped, with channels as links and custom emoji as themselves."""
    def part(value: str) -> str:
        if name in CHANNEL_SETTINGS and value.isdecimal():
            return f"<#{value}>"  # a channel link; it pings nobody
        if re.fullmatch(r"<:\w+:\d+>", value):
            return value  # a custom emoji, shown as itself
        return escape(value, 300)

    value = getattr(settings, name)
    if isinstance(value, tuple | str) and name not in ("name", "summary_language",
                                                       "summary_instructions") and value:
        shown = ", ".join(part(v) for v in ((value,) if isinstance(value, str) else value))
    else:
        shown = escape(settings.shown(name), 600)
    return f"{escape(name, 40)} = {shown}"


def settings(values: CommunitySettings) -> str:
    """Every setting, one line each, in name order: the console's and Slack's text."""
    return "\n".join(setting(values, name) for name in sorted(TYPES))


def rejected(submission: Submission) -> str:
    """The answer to the member's message when a moderator rejects their link."""
    return replies.rejected(submission.number, escape(submission.reject_reason, 300))
