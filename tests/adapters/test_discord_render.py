"""Discord rendering and translation over hostile and huge digests: pure functions, checked
against the same limits the fake Discord enforces."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from adapters.discord.render import (
    bounded,
    card,
    digest_messages,
    escape,
    queue,
    setting,
    submitted,
)
from adapters.discord.translate import emoji, route_emoji, setting_value
from bot.community import CommunitySettings
from bot.digest import DigestSection, Untrusted
from bot.models import ModerationStatus, PageFlag, Submission, SubmissionState
from bot.records import QueueEntry, Tally
from tests.fakes.discord_limits import message_errors
from tests.unit.test_render_hostile import DIGEST, HOSTILE_SUMMARY, HOSTILE_TITLE, _item

MENTION = re.compile(r"<(@[!&]?|#)\d+>|@(everyone|here)")


def payloads(digest: Any) -> list[dict[str, Any]]:
    return [{"embeds": [e.to_dict() for e in embeds], "allowed_mentions": {"parse": []}}
            for embeds in digest_messages(digest)]


def assert_inert(text: str) -> None:
    assert MENTION.search(text) is None, MENTION.search(text)
    assert re.search(r"(?<!\\)\]\(javascript", text) is None and "\u202e" not in text


def huge_digest() -> Any:
    items = tuple(_item(rank, url=Untrusted(f"https://ok.test/{rank}?" + "q=@here&" * 220),
                        summary=Untrusted(HOSTILE_SUMMARY + " <@&1> " + "word*_ " * 500),
                        submitters=tuple(Untrusted(f"<@{i}> " + "n_" * 50) for i in range(30)))
                  for rank in range(1, 51))
    also = tuple(_item(0, url=Untrusted("https://ok.test/also/" + "x" * 1900))
                 for _ in range(100))
    return replace(DIGEST, title="@everyone " + "T*" * 400,
                   tldr=tuple(Untrusted("🚀 @here " + "b_" * 600) for _ in range(8)),
                   intro=Untrusted("<@1> " + "i*" * 5000), previous_period="2026-W47",
                   previous_label="Last week's digest (Nov 16 – 22, 2026)",
                   previous_url="https://discord.com/channels/1/2/3",
                   sections=(DigestSection("Top picks " + "s" * 300, items[:25]),
                             DigestSection("<@&1> More", items[25:])),
                   also_shared=also)


@pytest.mark.parametrize("digest", [DIGEST, huge_digest()], ids=["hostile", "huge"])
def test_digest_messages_stay_within_every_limit_and_are_inert(digest: Any) -> None:
    messages = payloads(digest)
    for message in messages:
        assert message_errors(message) == []
        assert_inert(json.dumps(message, ensure_ascii=False))
    first = messages[0]["embeds"][0]
    assert "TL;DR" in first["description"], "the TL;DR comes first"
    texts = [e["description"] for m in messages for e in m["embeds"]]
    ranks = [int(m.group(1)) for t in texts for m in re.finditer(r"^\*\*(\d+)\. ", t, re.M)]
    assert ranks == sorted(ranks) and len(ranks) == len(digest.picks), "every pick, in order"
    footer = messages[-1]["embeds"][-1]["footer"]["text"]
    assert "votes cast" in footer
    assert footer.endswith("(2 picks)") == bool(digest.top_sharer), "the top sharer, last"


def test_a_huge_digest_is_split_and_nothing_is_lost() -> None:
    digest = huge_digest()
    messages = payloads(digest)
    assert len(messages) > 5
    text = json.dumps(messages, ensure_ascii=False)
    assert text.count("https://ok.test/also/") == 100, "every also-shared link"
    assert ("[Last week's digest (Nov 16 – 22, 2026)](https://discord.com/channels/1/2/3)"
            in text)


def test_hostile_text_is_escaped_not_stripped() -> None:
    [[head, picks, also]] = digest_messages(DIGEST)
    assert "https://ok.test/z" in (also.description or "")
    description = picks.description or ""
    assert_inert(description)
    assert "**1. " in description and "\\[click\\](javascript" in description, "escaped"
    assert "@\u200beveryone" in description and "<\u200b@&1>" in description
    assert "https://ok.test/a%28b%29" in description, "parentheses cannot end the link"
    assert "Not summarized: the page is a paywall." in description
    assert "@\u200beveryone" in (head.description or "")


def _submission(**kw: Any) -> Submission:
    values: dict[str, Any] = dict(
        id=1, community="c", number=7, submitted_by="1", url="https://ok.test/x", original_url="https://ok.test/x",
        submitters=("1",), submitted_at=datetime(2026, 11, 24, tzinfo=UTC),
        state=SubmissionState.READY, status=ModerationStatus.QUEUED, title=HOSTILE_TITLE,
        authors=("@here <@1>",), site_name="*site*", summary=HOSTILE_SUMMARY)
    values.update(kw)
    return Submission(**values)


def test_card_is_bounded_and_inert() -> None:
    embed = card(_submission()).to_dict()
    assert message_errors({"embeds": [embed]}) == []
    assert_inert(json.dumps(embed, ensure_ascii=False))
    assert embed["url"] == "https://ok.test/x" and embed["footer"]["text"].startswith("#7")
    flagged = card(_submission(flag=PageFlag.PAYWALL, url="javascript:alert(1)",
                               original_url="javascript:alert(1)")).to_dict()
    assert "url" not in flagged and "paywall" in flagged["description"]


def test_escape_bounds_the_escaped_text() -> None:
    for text in ("*" * 5000, "_a" * 5000, "<@1>" * 900, "@everyone " * 600, "ok"):
        for limit in (1, 40, 256, 4096):
            assert len(escape(text, limit)) <= limit
            assert_inert(escape(text, limit))


def test_replies_are_bounded_at_a_line() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    cut = bounded(text)
    assert len(cut) <= 2000 and cut.endswith("\n…") and "line 0 " in cut
    entries = [QueueEntry(_submission(number=i, id=i), Tally(i), ("a",)) for i in range(40)]
    listing = queue(entries)
    assert len(listing) <= 2000 and re.search(r"… and \d+ more$", listing)
    assert_inert(listing)
    note = submitted("<@1> grace", "https://ok.test/a b", "@everyone look")
    assert note.startswith("📎 ") and "<https://ok.test/a%20b>" in note
    assert_inert(note)


def test_reaction_emoji_translate_to_the_core_and_back() -> None:
    assert emoji("👍🏽") == "👍" and emoji(discord.PartialEmoji(name="👍🏿")) == "👍"
    custom = discord.PartialEmoji(name="parrot", id=42, animated=True)
    assert emoji(custom) == "<:parrot:42>"
    renamed = discord.PartialEmoji(name="renamed", id=42)
    assert emoji(renamed, ("👍", "<:parrot:42>")) == "<:parrot:42>", "matched by id"
    assert emoji(discord.PartialEmoji(name=None, id=42), ()) == "<:_:42>"
    assert route_emoji("<:parrot:42>") == "parrot:42" and route_emoji("👍") == "👍"


def test_config_values_become_what_the_core_stores() -> None:
    assert setting_value("up_emoji", "👍🏽, <a:parrot:42>🎉") == "👍 <:parrot:42> 🎉"
    assert setting_value("submission_channels", "<#1> <#2>,3") == "1 2 3"
    assert setting_value("moderators", "<@&5> <@!6> <@7>") == "5 6 7"
    assert setting_value("digest_channel", "none") == ""
    assert setting_value("timezone", "Europe/Paris") == "Europe/Paris"
    shown = CommunitySettings(submission_channels=("1", "C2"), up_emoji=("👍", "<:parrot:42>"),
                              summary_language="@everyone")
    assert setting(shown, "submission_channels") == "submission\\_channels = <#1>, C2"
    assert setting(shown, "up_emoji") == "up\\_emoji = 👍, <:parrot:42>"
    assert setting(shown, "downvotes") == "downvotes = off"
    assert setting(shown, "digest_channel") == "digest\\_channel = (none)"
    assert setting(shown, "summary_language") == "summary\\_language = @\u200beveryone"
