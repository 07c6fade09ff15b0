"""Core results as Slack text and Block Kit, within Slack's limits, with untrusted text
escaped so no page, member or model can write <!channel>, <!here> or <@U…>."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.bylines import byline, clean_authors
from bot.digest import Digest, DigestItem
from bot.models import Submission
from bot.period import period_unit
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

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_MESSAGE_TEXT = 12_000
MAX_FALLBACK = 300
Block = dict[str, Any]


def escape(text: str, limit: int = 300) -> str:
    """Untrusted text for mrkdwn: one line, bounded, with & < > escaped (Slack's rule)."""
    return plain(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, text: str) -> str:
    """<url|text> for an http(s) URL, else the (already escaped) text alone."""
    href = http_url(url).replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{href}|{text}>" if href else text


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION)}}


def sections(lines: Iterable[str], heading: str = "") -> list[Block]:
    """Lines packed into as few sections as fit, never cutting a line (a cut could split a
    <url|text> link); a line too long for any section is the only thing ever truncated."""
    out: list[Block] = []
    current = heading
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION:
            out.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(section(current))
    return out


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, MAX_HEADER),
                                       "emoji": True}}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(t, MAX_SECTION)}
                                            for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def _byline(authors: tuple[str, ...], site: str) -> str:
    return escape(byline(authors, site), 200)


def card(submission: Submission, vote: str | None = "+1") -> tuple[str, list[Block]]:
    """The compact card posted in thread once a link is ready: (fallback text, blocks).
    ``vote`` is the Slack name of the community's up-vote emoji, if Slack knows it."""
    title = escape(submission.title or submission.url, 200)
    body = _pick_lines(f"*{link(submission.final_url or submission.url, title)}*",
                       clean_authors(submission.authors), submission.site_name,
                       submission.flag,
                       submission.summary)
    hint = f"react with :{vote}: or press the button to vote" if vote else "press to vote"
    blocks = [section("\n".join(body)), context(f"#{submission.number} · {hint}"),
              vote_button(submission.number)]
    return f"#{submission.number}: {title}", blocks


def _pick_lines(head: str, authors: Sequence[str], site: str, flag: str | None,
                summary: str) -> list[str]:
    """Headline, by-line, then the summary or why there is none: a card and a digest item."""
    byline = _byline(tuple(authors), site)
    lines = [head] + ([f"_{byline}_"] if byline else [])
    if flag:
        lines.append(f"_{flag_note(flag)}_")
    elif summary:
        lines.append(escape(summary, 1200))
    return lines


def vote_button(number: int) -> Block:
    return {"type": "actions", "elements": [vote_element(number)]}


def vote_element(number: int) -> Block:
    return {"type": "button", "action_id": "vote", "value": str(number),
            "text": {"type": "plain_text", "text": f"👍 Vote for #{number}", "emoji": True}}


def _chat(item: DigestItem) -> str:
    """" · <permalink|💬 Discussion>": back to the message that shared the item."""
    return " · " + link(item.chat_url, CHAT_LINK) if http_url(item.chat_url) else ""


def _item(item: DigestItem) -> list[Block]:
    pin = " 📌" if item.pinned else ""
    title = f"*{item.rank}. {link(item.url, escape(item.title, 200))}*{pin}"
    lines = _pick_lines(title, item.authors, item.site, item.flag, item.summary)
    return [section("\n".join(lines)),
            context(shared_line([escape(n, 60) for n in item.submitters], item.score)
                    + _chat(item))]


def _footer(digest: Digest) -> str:
    footer = footer_text(digest, lambda name: escape(name, 60))
    if digest.previous_label:
        footer += " · " + link(digest.previous_url, escape(digest.previous_label, 80))
    return footer


def digest_blocks(digest: Digest) -> list[Block]:
    """The whole digest, TL;DR first, every block within its own limit."""
    blocks: list[Block] = [header(digest.title)]  # the title carries the date range
    if digest.intro:
        blocks.append(section(escape(digest.intro, 2000)))
    if digest.tldr:
        blocks.extend(sections((f"• {escape(b, 400)}" for b in digest.tldr), "*TL;DR*"))
    if digest.empty:
        blocks.append(section(no_picks(period_unit(digest.period.key))))
    for part in digest.sections:
        blocks.append(header(part.title))
        for item in part.items:
            blocks.extend(_item(item))
    if digest.also_shared:
        blocks.extend(sections(
            (f"• {link(i.url, escape(i.title, 150))}" + (f" · {escape(i.site, 60)}"
                                                         if i.site else "") + _chat(i)
             for i in digest.also_shared), "*Also shared*"))
    blocks.append(context(_footer(digest)))
    return blocks


def block_text(block: Block) -> int:
    """Characters of text in a block, as Slack counts them toward a message's total."""
    if "text" in block:
        return len(str(block["text"].get("text", "")))
    return sum(len(str(e.get("text", ""))) for e in block.get("elements", [])
               if isinstance(e.get("text", ""), str))


def digest_messages(digest: Digest) -> list[tuple[str, list[Block]]]:
    """The digest as messages in order, each within the block and text limits. A section
    header never ends a message: it moves to the next one with its first item."""
    messages: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for block in digest_blocks(digest):
        length = block_text(block)
        if current and (len(current) == MAX_BLOCKS or size + length > MAX_MESSAGE_TEXT):
            carried = [current.pop()] if current[-1]["type"] == "header" and current[:-1] else []
            messages.append(current)
            current, size = carried, sum(block_text(b) for b in carried)
        current.append(block)
        size += length
    if current:
        messages.append(current)
    return [(_fallback(digest, i), blocks) for i, blocks in enumerate(messages)]


def _fallback(digest: Digest, index: int) -> str:
    title = escape(digest.title, MAX_FALLBACK - 20)
    return title if index == 0 else f"{title} (continued, {index + 1})"
