"""Links, votes, edits and deletions on a local Discord that the real discord.py client
(started by the adapter's `serve`, as `digestif run` does) connects to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord_fake import CHANNEL, MODS, TOKEN
from tests.fakes.discord_world import COMMUNITY, POSTS, World, discord_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with discord_world(tmp_path) as world:
        yield world


async def test_link_message_gets_ack_card_and_vote_emoji(world: World) -> None:
    message, card_id = await world.link("11", "/moe")
    [card] = world.discord.of("POST", POSTS)
    assert card["message_reference"]["message_id"] == int(message), "a reply to the link"
    assert card["allowed_mentions"] == {"parse": []}
    assert card["enforce_nonce"] is True and card["nonce"]
    [embed] = card["embeds"]
    assert embed["title"] == "Why mixture-of-experts models are cheap to run"
    assert embed["url"] == world.pages.url("/moe")
    assert "Grace Hopper" in embed["description"] and embed["footer"]["text"].startswith("#1")
    reactions = [p for m, p, _ in world.discord.calls if m == "PUT" and "/reactions/" in p]
    assert f"{POSTS}/{message}/reactions/👀/@me" in reactions, "ack on the link"
    assert f"{POSTS}/{card_id}/reactions/👍/@me" in reactions, "👍 pre-added"
    identify = world.discord.identified[0]
    assert identify["token"] == TOKEN and identify["intents"] & (1 << 15)


async def test_messages_without_links_or_from_bots_are_ignored(world: World) -> None:
    await world.say("15", world.pages.url("/moe"))  # a bot
    await world.say("12", "no links here, just words")
    await world.link("11", "/evals")  # processed after the two above: they sent nothing
    assert len(world.discord.of("POST", POSTS)) == 1
    assert [e.submission.number for e in await world.app.curator.queue(COMMUNITY)] == [1]


async def test_votes_from_members_submitter_bot_and_on_the_card(world: World) -> None:
    message, card = await world.link("11", "/moe")
    await world.react("12", message)
    await world.react("11", message)  # the submitter: self-votes are off by default
    await world.react("15", message)  # a bot
    await world.react("13", card, "👍🏽")  # on the card, with a skin tone
    await world.react("14", message, "🎉")  # not a vote emoji
    await world.settled(1, 2)
    await world.react("12", message, added=False)
    await world.settled(1, 1)
    await world.react("12", card)
    await world.settled(1, 2)
    await world.discord.clear(CHANNEL, card)  # remove all: both votes were on the card
    await world.settled(1, 0)


async def test_removing_all_of_one_emoji_and_custom_emoji_votes(world: World) -> None:
    await world.slash("14", "config", setting="up_emoji", value="👍 <a:partyparrot:4242>")
    [reply] = await world.replies(1)
    assert "👍" in reply["content"] and "<:partyparrot:4242>" in reply["content"]
    message, card = await world.link("11", "/moe")
    await world.react("12", message, "partyparrot:4242")
    await world.react("13", message, "renamed:4242")  # the same emoji, renamed since
    await world.react("14", message)
    await world.settled(1, 3)
    await world.discord.clear(CHANNEL, message, "partyparrot:4242")
    await world.settled(1, 1)
    puts = [p for m, p, _ in world.discord.calls if m == "PUT" and f"/{card}/reactions/" in p]
    assert len(puts) == 1, "only the first up emoji is pre-added on the card"


async def test_an_edit_that_adds_a_link_submits_it(world: World) -> None:
    unfurled, _ = await world.link("11", "/moe")
    update = dict(world.discord.messages[unfurled], embeds=[{"type": "link", "title": "x"}])
    await world.discord.dispatch("MESSAGE_UPDATE", update)  # Discord's unfurl, not an edit
    message = await world.say("12", "what do you all think of this")
    await world.say("12", f"what do you all think of this {world.pages.url('/evals')}",
                    message_id=message, event="MESSAGE_UPDATE")
    [_, card] = await world.discord.wait_for("POST", POSTS, count=2)
    assert card["message_reference"]["message_id"] == int(message)
    assert card["embeds"][0]["title"] == "Evals are the new unit tests"
    assert len(world.discord.of("PUT", f"/{unfurled}/reactions/")) == 1, "acked once"


async def test_a_deleted_message_withdraws_a_submission_without_votes(world: World) -> None:
    unvoted, _ = await world.link("11", "/moe")
    voted, _ = await world.link("12", "/evals")
    await world.react("13", voted)
    await world.settled(2, 1)
    for deleted in (unvoted, voted):
        await world.discord.dispatch("MESSAGE_DELETE", {
            "id": deleted, "channel_id": CHANNEL, "guild_id": "2000"})
    await world.queued([2])


async def test_links_outside_the_submission_channels_are_left_alone(world: World) -> None:
    await world.slash("16", "config", setting="moderators", value="<@&2100>")
    [refused] = await world.replies(1)
    assert "Only moderators" in refused["content"]
    await world.slash("14", "config", setting="moderators", value="<@&2100>")
    await world.replies(2)
    await world.slash("16", "config", setting="submission_channels", value="<#3999>")
    [*_, reply] = await world.replies(3)
    assert "<#3999>" in reply["content"], "a configured role makes a moderator"
    await world.say("11", world.pages.url("/moe"))
    await world.slash("16", "config", setting="submission_channels", value="none")
    [*_, reply] = await world.replies(4)
    assert "(none)" in reply["content"]
    await world.link("12", "/evals")
    assert [e.submission.number for e in await world.app.curator.queue(COMMUNITY)] == [1]


async def test_offline_votes_count_after_a_restart(world: World) -> None:
    message, card = await world.link("11", "/moe")
    await world.react("12", message)
    await world.settled(1, 1)
    await world.stop()
    # While the bot was offline: grace took her vote back; linus (with a skin tone) and
    # the submitter reacted, a bot reacted on the card, 151 members voted on the card
    # (more than one page of reactors). The gateway told the bot nothing.
    await world.react("12", message, added=False)
    await world.react("13", message, "👍🏾")
    await world.react("11", message)
    await world.react("15", card)
    crowd = [str(100_000 + i) for i in range(151)]
    for uid in crowd:
        world.discord.members[uid] = {"user": {"id": uid, "username": f"m{uid}",
                                               "global_name": None, "discriminator": "0",
                                               "avatar": None, "bot": False}}
    world.discord.reactions[(CHANNEL, card, "👍")] += crowd
    await world.start()
    assert await world.score(1) == 1, "not recounted yet"
    await world.slash("14", "preview")
    await world.replies(1)
    assert await world.score(1) == 152
    pages = [p for m, p, _ in world.discord.calls if m == "GET" and f"/{card}/reactions/" in p]
    assert len(pages) == 2, "reactors read 100 at a time"


async def test_a_429_is_waited_out_and_the_retry_keeps_its_nonce(world: World) -> None:
    world.discord.rate_limit["POST messages"] = 1
    await world.link("11", "/moe")
    first, retry = world.discord.of("POST", POSTS)
    assert first["nonce"] == retry["nonce"] and retry["enforce_nonce"] is True
    assert len(world.discord.messages) == 2, "one link, one card"


async def test_hints_for_moderators_go_to_the_moderators_channel(world: World) -> None:
    await world.link("11", "/moe")  # the community exists once the bot has seen the server
    await world.app.curator.tell_moderators(COMMUNITY, "No digest channel is set @everyone.")
    [hint] = await world.discord.wait_for("POST", f"/channels/{MODS}/messages")
    assert hint["content"] == "No digest channel is set @\u200beveryone."
    assert hint["allowed_mentions"] == {"parse": []}


async def _applied(world: World, message: str, members: tuple[str, ...],
                   added: bool) -> None:
    """Until each member's events so far are applied: a member's events apply in order, so
    once their reaction on #2 (``message``) counts, everything they did before has too."""
    for who in members:
        await world.react(who, message, added=added)
    await world.settled(2, len(members) if added else 0)


async def test_a_vote_ends_with_the_members_last_matching_reaction(world: World) -> None:
    message, card = await world.link("11", "/moe")
    other, _ = await world.link("11", "/evals")
    await world.react("12", message)  # 👍 on the link
    await world.react("12", card)  # and on the card
    await world.react("13", message)
    await world.react("13", message, "👍🏽")  # 👍 and 👍🏽: two reactions on Discord
    await world.react("12", message, added=False)
    await world.react("13", message, "👍🏽", added=False)
    await _applied(world, other, ("12", "13"), True)
    assert await world.score(1) == 2, "neither removal ended a vote"
    await world.react("12", card, added=False)
    await world.react("13", message, added=False)
    await world.react("13", message, "👍🏾")
    await world.react("13", card)
    await _applied(world, other, ("12", "13"), False)
    assert await world.score(1) == 1, "12's last reaction is gone; 13 has two"
    await world.stop()
    await world.start()
    await world.slash("14", "preview")  # recounts: the same reactions, the same votes
    await world.replies(1)
    assert await world.score(1) == 1
    await world.react("13", card, added=False)
    await _applied(world, other, ("13",), True)
    assert await world.score(1) == 1, "the recount kept 13's 👍🏾 on the link apart"
    await world.react("13", message, "👍🏾", added=False)
    await world.settled(1, 0)


async def test_a_burst_of_duplicated_events_at_cold_start_ends_as_the_member_left_it(
        world: World) -> None:
    first, _ = await world.link("11", "/moe")
    second, _ = await world.link("11", "/evals")
    for run in range(3):
        await world.stop()
        await world.start()  # cold: nothing cached, the server not ready yet
        # Each event twice, at once: 12 adds 👍 and takes it back, 13 adds, removes, adds.
        for who, steps in (("12", (True, True, False, False)),
                           ("13", (True, False, False, True, True))):
            for added in steps:
                await world.react(who, first, added=added)
        # A last event from each member: once it counts, theirs before it were applied.
        for who in ("12", "13"):
            await world.react(who, second, added=run % 2 == 0)
        await world.settled(2, 2 if run % 2 == 0 else 0)
        assert await world.score(1) == 1, f"run {run}: only 13's vote stands"
