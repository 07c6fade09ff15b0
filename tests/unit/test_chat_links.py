"""Each digest item links back to the message that first shared it, for members only: chat
renders (Discord, Slack, the console) and the JSON export show it; Markdown and HTML exports,
feeds and e-mail, which may reach anyone, never do."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from adapters.discord.render import digest_messages as discord_messages
from adapters.slack.render import digest_blocks
from bot.digest import Digest, DigestSection, Untrusted
from bot.digest_snapshot import from_snapshot, posted_content, stored_digest, to_snapshot
from bot.render.feed import render_feed
from bot.render.html import render_html
from bot.render.json import render_json
from bot.render.markdown import render_markdown
from tests.unit.test_render_hostile import DIGEST, _item

JUMP = "https://discord.com/channels/1/2/3"
HOSTILE = "javascript:alert(1)//https://discord.com/channels/1/2/4"


def _linked() -> Digest:
    pick = _item(1, url=Untrusted("https://ok.test/a"), chat_url=JUMP)
    hostile = _item(2, url=Untrusted("https://ok.test/b"), chat_url=HOSTILE)
    also = _item(0, url=Untrusted("https://ok.test/z"), chat_url=JUMP + "9")
    return dataclasses.replace(DIGEST, sections=(DigestSection("Top picks", (pick, hostile)),),
                               also_shared=(also,))


def test_chat_renders_show_the_link_back_to_the_chat() -> None:
    digest = _linked()
    discord = json.dumps([e.to_dict() for m in discord_messages(digest) for e in m],
                         ensure_ascii=False)
    assert f"[💬 Discussion]({JUMP})" in discord and f"({JUMP}9)" in discord
    slack = json.dumps(digest_blocks(digest), ensure_ascii=False)
    assert f"<{JUMP}|💬 Discussion>" in slack and f"<{JUMP}9|" in slack
    console = render_markdown(digest, chat_links=True)
    assert f"[💬 Discussion]({JUMP})" in console and f"({JUMP}9)" in console
    for shown in (discord, slack, console):
        assert "discord.com/channels/1/2/4" not in shown, "a link that is not http(s) is left out"


def test_the_json_export_carries_chat_url_and_public_json_leaves_it_out() -> None:
    digest = _linked()
    exported = json.loads(render_json(digest, chat_links=True))
    assert [p["chat_url"] for p in exported["picks"]] == [JUMP, None]
    assert exported["also_shared"][0]["chat_url"] == JUMP + "9"
    public = json.loads(render_json(digest))
    assert all("chat_url" not in item for item in [*public["picks"], *public["also_shared"]])


def test_public_outputs_never_show_the_chat() -> None:
    digest = _linked()
    posted = [("2026-W48", posted_content(digest), datetime(2026, 11, 30, 9, tzinfo=UTC))]
    for public in (render_markdown(digest), render_html(digest),
                   render_feed("c", "Club digest", posted),
                   render_feed("c", "Club digest", posted, atom=True)):
        assert "discord.com" not in public and "Discussion" not in public


def test_snapshots_keep_the_chat_link_and_older_ones_load_without_it() -> None:
    digest = _linked()
    assert stored_digest(posted_content(digest)) == digest
    older = to_snapshot(digest)
    for item in [i for s in older["digest"]["sections"] for i in s["items"]]:
        del item["chat_url"]  # written before chat links
    for item in older["digest"]["also_shared"]:
        del item["chat_url"]
    loaded = from_snapshot(older)
    assert [i.chat_url for i in loaded.picks] == ["", ""] and loaded.also_shared[0].chat_url == ""
