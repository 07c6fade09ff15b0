"""Slack rendering over hostile and huge digests: pure functions, checked against the same
limits the fake Web API enforces."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.render import card, digest_blocks, digest_messages, escape, sections
from adapters.slack.translate import (
    deleted_message,
    emoji,
    profile,
    reacted_message,
    reaction_name,
    setting_value,
    submitted_message,
    valid_timestamp,
)
from bot.digest import DigestItem, DigestSection, Untrusted
from bot.models import ModerationStatus, PageFlag, Submission, SubmissionState
from tests.fakes.slack_api import limit_errors
from tests.unit.test_render_hostile import DIGEST, HOSTILE_SUMMARY, HOSTILE_TITLE, _item

ANGLE = re.compile(r"<([^<>]*)>")


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    texts = [b["text"]["text"] for b in blocks if b.get("text", {}).get("type") == "mrkdwn"]
    return texts + [e["text"] for b in blocks if b["type"] == "context"
                    for e in b["elements"]]


def assert_inert(text: str) -> None:
    """Every <...> is one of our links to an http(s) URL; nothing else can ping or link."""
    for inner in ANGLE.findall(text):
        assert inner.startswith(("http://", "https://")), inner
        assert inner.count("|") <= 1 and "<" not in inner
    assert "<!" not in text and "<@" not in text and "<#" not in text
    assert "\u202e" not in text and "<script" not in text


def huge_digest() -> Any:
    items = tuple(_item(rank, url=Untrusted(f"https://ok.test/{rank}?" + "q=<!here>&" * 150),
                        summary=Untrusted(HOSTILE_SUMMARY + " <!channel> " + "word " * 400),
                        submitters=tuple(Untrusted(f"<@U{i}> " + "n" * 80) for i in range(30)))
                  for rank in range(1, 51))
    also = tuple(_item(0, url=Untrusted("https://ok.test/also/" + "x" * 1900))
                 for _ in range(100))
    return replace(DIGEST, title="<!everyone> " + "T" * 400,
                   tldr=tuple(Untrusted("🚀 <!here> " + "b" * 600) for _ in range(8)),
                   intro=Untrusted("<@U1> " + "i" * 5000),
                   sections=(DigestSection("Top picks " + "s" * 300, items[:25]),
                             DigestSection("<!channel> More", items[25:])),
                   also_shared=also)


@pytest.mark.parametrize("digest", [DIGEST, huge_digest()], ids=["hostile", "huge"])
def test_every_message_is_within_limits_inert_and_in_order(digest: Any) -> None:
    messages = digest_messages(digest)
    for fallback, blocks in messages:
        assert limit_errors({"text": fallback, "blocks": blocks}) == []
        assert blocks[-1]["type"] != "header", "a section header never ends a message"
        for text in [fallback, *mrkdwn_texts(blocks)]:
            assert_inert(text)
    flat = [b for _, b in messages for b in b]
    assert flat == digest_blocks(digest), "split, never reordered or dropped"
    assert flat[0]["type"] == "header"
    assert "*TL;DR*" in json.dumps(messages[0][1]) if digest.tldr else True


def test_a_huge_digest_needs_several_messages() -> None:
    messages = digest_messages(huge_digest())
    assert len(messages) >= 3
    assert messages[1][0].startswith("&lt;!everyone&gt;") and "(continued, 2)" in messages[1][0]
    ranks = [int(m.group(1)) for _, blocks in messages for text in mrkdwn_texts(blocks)
             for m in [re.match(r"\*(\d+)\. ", text)] if m]
    assert ranks == list(range(1, 51))


def test_titles_are_shown_escaped_not_stripped() -> None:
    blocks = digest_blocks(DIGEST)
    text = json.dumps(blocks)
    assert "&lt;!channel&gt;" in text and "&lt;script&gt;" in text
    targets = [inner.split("|")[0] for inner in ANGLE.findall(" ".join(mrkdwn_texts(blocks)))]
    assert targets and all(t.startswith("https://ok.test/") for t in targets)


def test_sections_pack_lines_without_cutting_links() -> None:
    lines = [f"• <https://ok.test/{i}|{'t' * 100}>" for i in range(200)]
    packed = sections(lines, "*Also shared*")
    assert len(packed) > 1 and all(len(b["text"]["text"]) <= 3000 for b in packed)
    rejoined = "\n".join(b["text"]["text"] for b in packed).split("\n")
    assert rejoined == ["*Also shared*", *lines]


def _submission(**kw: Any) -> Submission:
    values: dict[str, Any] = dict(
        id=1, community="slack:T1", number=7, url="https://x.test/a", original_url="",
        state=SubmissionState.READY, status=ModerationStatus.QUEUED, submitted_by="U1",
        submitted_at=datetime(2026, 11, 24, tzinfo=UTC), title=HOSTILE_TITLE,
        summary="Ping <@U2> and <!subteam^S1>.", authors=("<!here>",), site_name="<#C1>")
    values.update(kw)
    return Submission(**values)


def test_cards_are_inert_and_bounded() -> None:
    text, blocks = card(_submission())
    assert limit_errors({"text": text, "blocks": blocks}) == []
    for piece in [text, *mrkdwn_texts(blocks)]:
        assert_inert(piece)
    assert "&lt;!channel&gt;" in json.dumps(blocks)
    assert blocks[-1]["elements"][0]["value"] == "7"
    _, flagged = card(_submission(flag=PageFlag.PAYWALL, url="javascript:alert(1)"), None)
    assert "paywall" in json.dumps(flagged) and ANGLE.findall(mrkdwn_texts(flagged)[0]) == []
    assert "press" in json.dumps(flagged[1])


def test_digest_item_marks_pins_and_links_only_http() -> None:
    pinned = replace(DIGEST, sections=(DigestSection("Top", (
        replace(_item(1), pinned=True, url=Untrusted("https://ok.test/p|x>y")),)),))
    [first] = [t for t in mrkdwn_texts(digest_blocks(pinned)) if t.startswith("*1.")]
    assert "📌" in first and "<https://ok.test/p%7Cx%3Ey|" in first
    assert isinstance(pinned.sections[0].items[0], DigestItem)


@pytest.mark.parametrize(("name", "expected"), [
    ("+1", "👍"), ("thumbsup", "👍"), ("+1::skin-tone-3", "👍"), ("-1", "👎"),
    ("thumbsdown::skin-tone-6", "👎"), ("party_parrot", ":party_parrot:"), (":fire:", "🔥"),
])
def test_reaction_names(name: str, expected: str) -> None:
    assert emoji(name) == expected


def test_names_back_and_config_values() -> None:
    assert reaction_name("👍") == "+1" and reaction_name(":party_parrot:") == "party_parrot"
    assert reaction_name("🦄") is None and reaction_name(":<!channel>:") is None
    assert setting_value("up_emoji", ":+1::skin-tone-2: :fire:, :shipit:") == "👍 🔥 , :shipit:"
    assert setting_value("digest_channel", ":C1:") == ":C1:"


def test_messages_deletions_profiles_and_timestamps() -> None:
    base = {"type": "message", "user": "U1", "text": "https://x.test", "ts": "1.2",
            "channel": "C1"}
    posted = submitted_message(base | {"thread_ts": "1.0"})
    assert posted is not None and posted.thread_ts == "1.0" and posted.ref.message_id == "C1:1.2"
    for extra in ({"subtype": "message_changed"}, {"subtype": "bot_message"},
                  {"bot_id": "B1"}, {"text": ""}, {"subtype": "channel_join"}):
        assert submitted_message(base | extra) is None
    assert deleted_message({"subtype": "message_deleted", "channel": "C1",
                            "deleted_ts": "1.2"}) == "C1:1.2"
    assert deleted_message(base) is None
    assert reacted_message({"user": "U1", "reaction": "+1",
                            "item": {"type": "file", "channel": "C1", "ts": "1"}}) is None
    assert reacted_message({"user": "U1", "reaction": "+1", "item": {
        "type": "message", "channel": "C1", "ts": "1.2"}}) == ("U1", "C1:1.2", "+1")
    who = profile("U9", {"name": "h", "is_owner": True, "profile": {"real_name": "Real"}})
    assert who.member("U9", ()).is_moderator and who.name == "Real"
    assert profile("U8", {"name": "h"}).member("U8", ("U8",)).is_moderator
    assert not profile("U7", {}).member("U7", ()).is_moderator
    assert profile("USLACKBOT", {}).is_bot
    assert valid_timestamp("1700000000")
    for bad in ("", "soon", "²", "-1", "1.5", "9" * 40):
        assert not valid_timestamp(bad)


def test_escape_neutralizes_mentions() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_the_manifest_declares_what_the_adapter_listens_to() -> None:
    manifest = (Path(__file__).parents[2] / "slack" / "manifest.yaml").read_text()
    for needed in ("command: /digest", "callback_id: submit_to_digest", "home_tab_enabled: true",
                   "socket_mode_enabled: true", "- message.channels", "- reaction_added",
                   "- reaction_removed", "- app_home_opened", "- reactions:read",
                   "- reactions:write", "- users:read", "- chat:write", "- commands"):
        assert needed in manifest, needed
