"""The e-mail a digest becomes: headers no text can add to, and ids that stay put."""

from __future__ import annotations

import dataclasses
import email
from datetime import UTC, datetime
from email import policy

from bot.community import CommunitySettings
from bot.mail_message import digest_message, list_id, message_id
from tests.unit.test_render_hostile import DIGEST

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "List-Id", "List-Unsubscribe",
           "Auto-Submitted", "MIME-Version", "Content-Type"]


def test_hostile_names_and_titles_stay_inside_their_headers() -> None:
    digest = dataclasses.replace(DIGEST, community="slack:T0\r\nBcc: x@evil.test",
                                 title="Week\r\nBcc: eve@evil.test\n\nbody")
    sent = digest_message(digest, sender="digest@club.test", attempt=1, now=NOW,
                          list_name='Club"\r\nBcc: eve@evil.test <a@evil.test>\\')
    raw = sent.as_bytes(policy=policy.SMTP)
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert [line.split(":", 1)[0] for line in head.split("\r\n")
            if not line[:1].isspace()] == HEADERS
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert str(parsed["Subject"]) == "Week Bcc: eve@evil.test body"
    [sender] = parsed["From"].addresses
    assert sender.addr_spec == "digest@club.test"
    assert sender.display_name == 'Club" Bcc: eve@evil.test <a@evil.test>\\'


def test_ids_are_stable_per_attempt_and_valid() -> None:
    first = message_id("slack:T0/x y", "2026-W48", 1, "digest@club.test")
    assert first == message_id("slack:T0/x y", "2026-W48", 1, "digest@club.test")
    assert first != message_id("slack:T0/x y", "2026-W48", 2, "digest@club.test")
    assert first != message_id("slack:T0-x-y", "2026-W48", 1, "digest@club.test"), "unique"
    assert first.startswith("<digest.2026-w48.1.slack-t0-x-y.") and first.endswith(
        "@club.test>")
    assert list_id("c", 'A "b" \\c', "d@club.test").startswith('"A b c" <c.')


def test_members_see_how_many_addresses_moderators_see_which() -> None:
    settings = CommunitySettings().updated("email_to", "a@club.test b@club.test")
    assert settings.redacted().shown("email_to") == "2 addresses, shown to moderators"
    assert settings.shown("email_to") == "a@club.test, b@club.test"
    assert CommunitySettings().redacted().shown("email_to") == "(none)"
