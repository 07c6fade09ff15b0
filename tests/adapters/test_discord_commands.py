"""`/digest` slash commands, the "Submit to digest" context menu and digests on a local
Discord, through the real discord.py client started by `serve`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.desk import SETTING_LABELS
from bot.setting_types import TYPES
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed
from tests.fakes.discord_fake import CHANNEL, GUILD, message
from tests.fakes.discord_limits import command_errors, message_errors
from tests.fakes.discord_world import COMMUNITY, MEMBERS, POSTS, World, discord_world

EPHEMERAL = 64


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with discord_world(tmp_path) as world:
        yield world


def _callbacks(world: World) -> list[dict[str, object]]:
    return [b for m, p, b in world.discord.calls if m == "POST" and p.endswith("/callback")]


async def _suggested(world: World, typed: str) -> list[dict[str, object]]:
    """What the `/digest config setting:` picker suggests while a member types ``typed``
    (an APPLICATION_COMMAND_AUTOCOMPLETE interaction, answered with callback type 8)."""
    sent = await world.interaction("12", 4, {"id": "77", "name": "digest", "type": 1,
                                             "options": [{"name": "config", "type": 1,
                                                          "options": [{
        "name": "setting", "type": 3, "value": typed, "focused": True}]}]})

    def answer() -> list[dict[str, object]]:
        return [b for m, p, b in world.discord.calls
                if m == "POST" and p.startswith(f"/interactions/{sent}/")]
    [callback] = await world.discord.wait_until(lambda: bool(answer()), answer)
    assert callback["type"] == 8, "an autocomplete result, not a message"
    data = callback["data"]
    assert isinstance(data, dict)
    choices: list[dict[str, object]] = data["choices"]
    return choices


async def test_preview_is_ephemeral_post_needs_a_moderator(world: World) -> None:
    message_id, _ = await world.link("11", "/moe")
    await world.react("12", message_id)
    await world.settled(1, 1)
    await world.slash("12", "post")
    [refusal] = await world.replies(1)
    assert refusal["flags"] & EPHEMERAL and "Only moderators" in refusal["content"]
    assert all(b["data"]["flags"] & EPHEMERAL for b in _callbacks(world)), "deferred ephemeral"
    await world.slash("12", "preview")
    [_, preview] = await world.replies(2)
    assert preview["flags"] & EPHEMERAL, "only the member sees the preview"
    assert "mixture-of-experts" in json.dumps(preview["embeds"])
    assert len(world.discord.of("POST", POSTS)) == 1, "nothing posted in the channel"
    await world.slash("14", "post")
    [*_, done] = await world.replies(3)
    assert done["content"] == "Digest posted."
    posts = world.discord.of("POST", POSTS)
    assert len(posts) == 2 and "TL;DR" in posts[1]["embeds"][0]["description"]
    # The newsletter is named after the server, as the gateway reported it.
    assert posts[1]["embeds"][0]["title"].startswith("Test Guild digest · ")
    assert posts[1]["allowed_mentions"] == {"parse": []} and posts[1]["enforce_nonce"]
    await world.slash("14", "post")
    [*_, again] = await world.replies(4)
    assert again["content"] == "This week's digest was already posted."
    assert len(world.discord.of("POST", POSTS)) == 2, "a week is never posted twice"


async def test_a_monthly_community_hears_of_its_month(world: World) -> None:
    await world.slash("14", "config", setting="cadence", value="monthly")
    [changed] = await world.replies(1)
    await world.slash("14", "post", now=True)
    [_, posted] = await world.replies(2)
    await world.slash("14", "post")
    [*_, again] = await world.replies(3)
    assert (changed["content"], posted["content"]) == ("cadence = monthly", "Digest posted.")
    assert again["content"] == "This month's digest was already posted."


async def test_each_pick_links_back_to_the_message_that_shared_it(world: World) -> None:
    shared, _ = await world.link("11", "/moe")
    await world.react("12", shared)
    await world.settled(1, 1)
    await world.slash("14", "post")
    [*_, done] = await world.replies(1)
    assert done["content"] == "Digest posted."
    digest = json.dumps(world.discord.of("POST", POSTS)[-1]["embeds"])
    assert f"[💬 Discussion](https://discord.com/channels/{GUILD}/{CHANNEL}/{shared})" in \
        json.loads(digest)[-1]["description"]


async def test_a_big_hostile_digest_is_split_within_limits(world: World) -> None:
    await world.slash("14", "config", setting="picks", value="30")
    await world.replies(1)
    for i in range(30):
        await seed(world.app.store, COMMUNITY, datetime.now(UTC),
                   f"@everyone <@&1> story {i} " + "y" * 300, votes=1,
                   summary="@here <@123> " + "A long sentence about models. " * 40)
    await world.slash("14", "intro", text="@everyone read this **now** " * 40)
    await world.replies(2)
    await world.slash("14", "post")
    [*_, done] = await world.replies(3)
    assert done["content"] == "Digest posted."
    posts = world.discord.of("POST", POSTS)
    assert len(posts) >= 3, "split over several messages"
    assert "TL;DR" in posts[0]["embeds"][0]["description"], "the TL;DR comes first"
    ranks = []
    for post in posts:
        assert message_errors(post) == [] and post["allowed_mentions"] == {"parse": []}
        text = json.dumps(post["embeds"], ensure_ascii=False)
        assert "@everyone" not in text and "@here" not in text and "<@&1>" not in text
        ranks += [int(line.split(".")[0].strip("*")) for e in post["embeds"]
                  for line in (e.get("description") or "").splitlines()
                  if line.startswith("**") and "." in line.split(" ")[0]]
    assert ranks == sorted(ranks) and len(ranks) == 30, "every pick, in order"


async def test_a_hostile_title_pings_nobody(world: World) -> None:
    world.pages.add("/hostile", "<html><head><title>@everyone &lt;@&amp;1&gt; big news</title>"
                    "</head><body><article><h1>@everyone &lt;@&amp;1&gt; big news</h1>"
                    + "<p>Ping everyone, this is huge news about models and costs.</p>" * 8
                    + "</article></body></html>")
    await world.say("11", world.pages.url("/hostile"))
    [card] = await world.discord.wait_for("POST", POSTS)
    title = card["embeds"][0]["title"]
    assert "@everyone" not in title and "<@&1>" not in title
    assert "everyone" in title and "big news" in title, "escaped, not stripped"
    assert card["allowed_mentions"] == {"parse": []}
    await world.slash("11", "queue")
    [queue] = await world.replies(1)
    assert "@everyone" not in queue["content"] and "#1" in queue["content"]


async def test_context_menu_credits_the_author_and_numbers_autocomplete(world: World) -> None:
    target = world.next_id()
    author = MEMBERS["11"]["user"]
    await world.interaction("12", 2, {
        "id": "78", "name": "Submit to digest", "type": 3, "target_id": target,
        "resolved": {"messages": {target: message(
            target, author, f"this one {world.pages.url('/evals')}")}}})
    [reply] = await world.replies(1)
    assert reply["flags"] & EPHEMERAL and "Queued as #1." in reply["content"]
    card = await world.discord.wait_for("POST", POSTS)
    assert card[0]["message_reference"]["message_id"] == int(target)
    [entry] = await world.app.curator.queue(COMMUNITY)
    assert entry.submitter_names == ("ada",), "credited to the message's author"
    await world.interaction("14", 4, {"id": "77", "name": "digest", "type": 1, "options": [{
        "name": "pick", "type": 1, "options": [
            {"name": "number", "type": 4, "value": "ev", "focused": True}]}]})
    await world.discord.wait_until(lambda: any(b["type"] == 8 for b in _callbacks(world)),
                                   lambda: None)
    [choices] = [b for b in _callbacks(world) if b["type"] == 8]
    assert choices["data"]["choices"] == [{"name": "#1 Evals are the new unit tests",
                                           "value": 1}]


async def test_slash_submit_leaves_a_note_the_card_answers(world: World) -> None:
    await world.slash("12", "submit", url=world.pages.url("/quantization"),
                      note="@everyone worth it")
    [reply] = await world.replies(1)
    assert "Queued as #1." in reply["content"]
    note, card = await world.discord.wait_for("POST", POSTS, count=2)
    assert "grace" in note["content"] and "@everyone" not in note["content"]
    assert card["message_reference"]["message_id"] == int(max(
        (m for m in world.discord.messages if world.discord.messages[m]["content"] ==
         note["content"]), key=int))
    await world.slash("13", "submit", url=world.pages.url("/quantization"))
    [_, again] = await world.replies(2)
    assert "Already queued as #1." in again["content"]
    deleted = [p for m, p, _ in world.discord.calls if m == "DELETE"]
    assert len(deleted) == 1, "the second note had no card to answer it"
    await world.slash("13", "submit", url="not a link")
    [*_, refused] = await world.replies(3)
    assert refused["content"] == "That is not a link I can submit."


async def test_moderation_lock_and_errors(world: World) -> None:
    shared, _ = await world.link("11", "/moe")
    await world.slash("14", "reject", number=1, reason="off topic <@&1>")
    [reply] = await world.replies(1)
    assert reply["content"].startswith("#1: reject done. Reason: off topic")
    assert "<@&1>" not in reply["content"]
    [_, told] = await world.discord.wait_for("POST", POSTS, count=2)
    assert told["message_reference"]["message_id"] == int(shared), "the submitter is told"
    assert told["content"].startswith("#1 won't be in the digest. Reason: off topic")
    await world.slash("14", "pick", number=7)
    [*_, unknown] = await world.replies(2)
    assert unknown["content"] == "There is no submission #7 here."
    await world.slash("14", "lock")
    [*_, locked] = await world.replies(3)
    assert locked["content"].startswith("Voting locked for ")
    await world.slash("14", "config", setting="timezone", value="Mars/Olympus")
    [*_, invalid] = await world.replies(4)
    assert invalid["flags"] & EPHEMERAL and "Mars" in invalid["content"]
    await world.slash("14", "config", setting="digest_weekday")
    [*_, shown] = await world.replies(5)
    assert shown["content"] == "digest\\_weekday = Monday"
    await world.slash("12", "config")  # anyone may list them
    [*_, listed] = await world.replies(6)
    lines = listed["content"].split("\n")
    assert len(lines) == len(TYPES) and "downvotes = off" in lines and "up\\_emoji = 👍" in lines
    assert "timezone = UTC" in lines, "the refused time zone was not stored"
    await world.slash("14", "config", setting="up_emoji", value=",")
    [*_, refused] = await world.replies(7)
    assert refused["content"].startswith("up\\_emoji not changed: Give at least one emoji")


async def test_a_number_no_submission_can_have_gets_the_usage(world: World) -> None:
    # Discord's integer option takes any 53-bit number; the grammar checks it as it checks
    # a typed one, before the store sees it.
    await world.slash("14", "pick", number=0)
    await world.slash("14", "drop", number=-5)
    replies = await world.replies(2)
    assert [r["content"] for r in replies] == ["Usage: pick N", "Usage: drop N"]
    assert all(r["flags"] & EPHEMERAL for r in replies)


async def test_an_unexpected_failure_gets_a_short_generic_reply(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    store = world.app.store
    assert isinstance(store, SqliteStore)
    await store.close()  # the database goes away under the bot
    await world.slash("14", "queue")
    [reply] = await world.replies(1)
    assert reply["flags"] & EPHEMERAL
    assert reply["content"] == "Something went wrong; the bot's operator has the details."
    assert any(r.message == "/digest failed" and r.exc_info for r in caplog.records)


def test_a_command_discord_would_refuse_is_caught_by_the_fake() -> None:
    settings = {"type": 3, "name": "setting", "description": "Which setting",
                "choices": [{"name": label, "value": name}
                            for name, label in SETTING_LABELS.items()]}
    assert len(SETTING_LABELS) > 25, "more settings than an option may list as choices"
    config = {"type": 1, "name": "config", "description": "Show or change the settings",
              "options": [settings]}
    command = {"type": 1, "name": "digest", "description": "x" * 101, "options": [config]}
    errors = command_errors([command])
    assert any("more than 25 choices" in e for e in errors)
    assert any("description not 1-100" in e for e in errors)
    assert command_errors([{"type": 1, "name": "Digest", "description": "d"}]), "lowercase"


async def test_the_setting_picker_fits_discord_and_suggests_as_you_type(world: World) -> None:
    [(_, _, synced)] = [c for c in world.discord.calls if c[0] == "PUT"
                        and c[1].startswith("/applications/")]
    assert command_errors(synced) == [] and world.discord.refused_commands == []
    [digest] = [c for c in synced if c["name"] == "digest"]
    [config] = [o for o in digest["options"] if o["name"] == "config"]
    [setting] = [o for o in config["options"] if o["name"] == "setting"]
    assert setting["autocomplete"] and not setting.get("choices")

    everything = await _suggested(world, "")
    assert len(everything) == 25 < len(SETTING_LABELS), "at most 25 of the 29"
    assert await _suggested(world, "EMOJI") == [
        {"name": "Up-vote emoji", "value": "up_emoji"},
        {"name": "Down-vote emoji", "value": "down_emoji"}]
    by_name = await _suggested(world, "card")
    assert {"name": SETTING_LABELS["card"], "value": "card"} in by_name
    assert [c["value"] for c in await _suggested(world, "digest weekday")] == [
        "digest_weekday"], "a name typed with a space"
    assert await _suggested(world, "no such thing") == []

    await world.slash("14", "config", setting="min_score", value="3")
    [changed] = await world.replies(1)
    await world.slash("14", "config", setting="Picks per digest", value="4")
    [_, by_label] = await world.replies(2)
    await world.slash("14", "config", setting="no_such_setting", value="1")
    [*_, unknown] = await world.replies(3)
    assert changed["content"] == "min\\_score = 3" and by_label["content"] == "picks = 4"
    assert unknown["flags"] & EPHEMERAL
    assert unknown["content"].startswith("Unknown setting 'no\\_such\\_setting'. Known: ")
    settings = await world.app.curator.settings_for(COMMUNITY)
    assert (settings.min_score, settings.picks) == (3, 4)
