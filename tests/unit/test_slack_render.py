"""Slack translation and rendering, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.slack.render import card, digest_messages, escape
from adapters.slack.translate import emoji, reacted_message, submitted_message
from bot.models import ModerationStatus, Submission, SubmissionState
from tests.unit.test_render_hostile import DIGEST


@pytest.mark.parametrize(("name", "expected"), [
    ("+1", "👍"), ("thumbsup", "👍"), ("+1::skin-tone-3", "👍"), ("-1", "👎"),
    ("party_parrot", ":party_parrot:"),
])
def test_emoji_names(name: str, expected: str) -> None:
    assert emoji(name) == expected


def test_only_members_new_messages_are_submissions() -> None:
    base = {"type": "message", "user": "U1", "text": "https://x.test", "ts": "1.2",
            "channel": "C1"}
    assert submitted_message(base) is not None
    for extra in ({"subtype": "message_changed"}, {"subtype": "channel_join"},
                  {"bot_id": "B1"}, {"text": ""}):
        assert submitted_message(base | extra) is None
    assert reacted_message({"user": "U1", "reaction": "+1",
                            "item": {"type": "file", "channel": "C1", "ts": "1"}}) is None


def test_escape_neutralizes_mentions() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_card_and_digest_escape_and_stay_within_limits() -> None:
    submission = Submission(
        id=1, community="slack:T1", number=7, url="https://x.test/a", original_url="",
        state=SubmissionState.READY, status=ModerationStatus.QUEUED, submitted_by="U1",
        submitted_at=datetime(2026, 11, 24, tzinfo=UTC), title="<!here> big news",
        summary="Ping <@U2>.")
    text, blocks = card(submission)
    assert "<!here>" not in text + str(blocks) and "&lt;!here&gt;" in str(blocks)
    for fallback, message_blocks in digest_messages(DIGEST):
        assert len(message_blocks) <= 50 and "<!channel>" not in fallback
        assert "<script>" not in str(message_blocks)
