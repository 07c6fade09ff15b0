"""Core results as Slack text and Block Kit, within Slack's limits, with untrusted text
escaped so no page, member or model can write <!channel>, <!here> or <@U…>."""

from __future__ import annotations

from typing import Any

from bot.digest import Digest, DigestItem
from bot.models import Submission
from bot.render.text import flag_note, http_url, plain

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_MESSAGE_TEXT = 12_000
Block = dict[str, Any]


def escape(text: str, limit: int = 300) -> str:
    """Untrusted text for mrkdwn: one line, bounded, with & < > escaped (Slack's rule)."""
    return plain(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, text: str) -> str:
    href = http_url(url).replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{href}|{text}>" if href else text


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}


def _context(*texts: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t[:MAX_SECTION]}
                                            for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def _byline(authors: tuple[str, ...], site: str) -> str:
    parts = ([f"by {escape(', '.join(authors), 120)}"] if authors else []) + (
        [escape(site, 80)] if site else [])
    return " · ".join(parts)


def card(submission: Submission) -> tuple[str, list[Block]]:
    """The compact card posted in thread once a link is ready: (fallback text, blocks)."""
    title = escape(submission.title or submission.url, 200)
    head = f"*{link(submission.final_url or submission.url, title)}*"
    byline = _byline(submission.authors, submission.site_name)
    body = [head] + ([f"_{byline}_"] if byline else [])
    if submission.flag:
        body.append(f"_{flag_note(submission.flag)}_")
    elif submission.summary:
        body.append(escape(submission.summary, 1200))
    blocks = [_section("\n".join(body)), _context(f"#{submission.number} · react with :+1: "
                                                  "to vote"), vote_button(submission.number)]
    return f"#{submission.number}: {title}", blocks


def vote_button(number: int) -> Block:
    return {"type": "actions", "elements": [{
        "type": "button", "action_id": "vote", "value": str(number),
        "text": {"type": "plain_text", "text": f"👍 Vote for #{number}"},
    }]}


def _item(item: DigestItem) -> list[Block]:
    title = f"*{item.rank}. {link(item.url, escape(item.title, 200))}*"
    byline = _byline(item.authors, item.site)
    lines = [title] + ([f"_{byline}_"] if byline else [])
    if item.flag:
        lines.append(f"_{flag_note(item.flag)}_")
    elif item.summary:
        lines.append(escape(item.summary, 1200))
    shared = ", ".join(escape(n, 60) for n in item.submitters[:10])
    votes = "vote" if item.score == 1 else "votes"
    return [_section("\n".join(lines)),
            _context(f"Shared by {shared} · {item.score} {votes} · #{item.number}")]


def digest_blocks(digest: Digest) -> list[Block]:
    blocks: list[Block] = [{"type": "header", "text": {
        "type": "plain_text", "text": plain(digest.title, MAX_HEADER)}}]
    if digest.tldr:
        blocks.append(_section("*TL;DR*\n" + "\n".join(f"• {escape(b, 400)}"
                                                       for b in digest.tldr)))
    if digest.intro:
        blocks.append(_section(escape(digest.intro, 2000)))
    if digest.empty:
        blocks.append(_section("No picks this week: share some links and vote on them!"))
    for section in digest.sections:
        blocks.append({"type": "header", "text": {"type": "plain_text",
                                                  "text": plain(section.title, MAX_HEADER)}})
        for item in section.items:
            blocks.extend(_item(item))
    if digest.also_shared:
        lines = [f"• {link(i.url, escape(i.title, 150))}" + (f" · {escape(i.site, 60)}"
                                                             if i.site else "")
                 for i in digest.also_shared]
        blocks.append(_section("*Also shared*\n" + "\n".join(lines)))
    totals = digest.totals
    footer = (f"{totals.links} links shared by {totals.sharers} members · "
              f"{totals.votes} votes cast")
    if digest.previous_period:
        footer += f" · last week: {escape(digest.previous_period, 20)}"
    blocks.append(_context(footer))
    return blocks


def _block_text(block: Block) -> int:
    if "text" in block:
        return len(str(block["text"].get("text", "")))
    return sum(len(str(e.get("text", ""))) for e in block.get("elements", []))


def digest_messages(digest: Digest) -> list[tuple[str, list[Block]]]:
    """The digest as messages in order, each within the block and text limits."""
    messages: list[tuple[str, list[Block]]] = []
    current: list[Block] = []
    size = 0
    for block in digest_blocks(digest):
        length = _block_text(block)
        if current and (len(current) == MAX_BLOCKS or size + length > MAX_MESSAGE_TEXT):
            messages.append(current_message(digest, current, len(messages)))
            current, size = [], 0
        current.append(block)
        size += length
    if current:
        messages.append(current_message(digest, current, len(messages)))
    return messages


def current_message(digest: Digest, blocks: list[Block], index: int) -> tuple[str, list[Block]]:
    title = plain(digest.title, 200)
    fallback = title if index == 0 else f"{title} (continued)"
    return escape(fallback, 300), blocks
