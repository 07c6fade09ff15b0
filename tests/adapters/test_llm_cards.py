"""The model's summary reaches the card where the platform can edit messages: Discord edits
the card's embed (PATCH), Slack updates the card (chat.update), through the real adapters
against the local fakes, which take an edit only as the platforms' specs allow."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from tests.fakes.discord_fake import CHANNEL, TOKEN
from tests.fakes.discord_world import POSTS, discord_world
from tests.fakes.openai_server import FakeOpenAI, answer
from tests.fakes.slack_world import reaction, slack_world

MODEL_SAYS = "Mixture-of-experts models wake only a few experts per token, so they cost less."


def llm_settings(llm: FakeOpenAI) -> dict[str, object]:
    return {"openai_base_url": llm.base_url, "llm_max_retries": 0}


async def test_discord_edits_the_card_once_the_model_has_written(tmp_path: Path) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm, discord_world(
            tmp_path, **llm_settings(llm)) as world:
        _, card = await world.link("11", "/moe")
        [edit] = await world.discord.wait_for("PATCH", f"{POSTS}/{card}")
        [posted] = world.discord.of("POST", POSTS)
        assert MODEL_SAYS not in json.dumps(posted), "the card went out with the offline one"
        [embed] = edit["embeds"]
        assert MODEL_SAYS in embed["description"]
        assert embed["title"] == posted["embeds"][0]["title"]
        assert edit["allowed_mentions"] == {"parse": []}
        assert world.discord.edits == [(CHANNEL, card, edit)], "Discord took the edit"
        assert MODEL_SAYS in world.discord.messages[card]["embeds"][0]["description"]
        assert len(llm.summaries()) == 1


async def test_discord_voted_mode_edits_the_card_after_the_first_vote(tmp_path: Path) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm, discord_world(
            tmp_path, **llm_settings(llm)) as world:
        await world.slash("14", "config", setting="llm_summaries", value="voted")
        [reply] = await world.replies(1)
        assert reply["content"] == "llm\\_summaries = voted"
        message, card = await world.link("11", "/moe")
        await world.link("12", "/evals")  # read after the first: no call for either
        assert llm.requests == [] and world.discord.edits == []
        for who, on in (("12", message), ("13", card), ("12", card), ("14", message)):
            await world.react(who, on)
        await world.settled(1, 3)
        [edit] = await world.discord.wait_for("PATCH", f"{POSTS}/{card}")
        assert MODEL_SAYS in edit["embeds"][0]["description"]
        assert len(llm.summaries()) == 1


async def test_discord_picked_mode_preview_and_post_say_what_the_model_wrote(
        tmp_path: Path) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm, discord_world(
            tmp_path, **llm_settings(llm)) as world:
        await world.slash("14", "config", setting="llm_summaries", value="picked")
        await world.replies(1)
        message, card = await world.link("11", "/moe")
        await world.react("12", message)
        await world.settled(1, 1)
        await world.slash("12", "preview")
        [*_, note] = await world.replies(3)
        assert note["content"] == ("Posting it now would take 1 LLM call: this pick shows the "
                                   "offline summary until then.")
        assert llm.summaries() == []
        await world.slash("14", "post")
        [*_, done] = await world.replies(4)
        assert done["content"] == ("Digest posted. 1 summary written by the model for this "
                                   "digest.")
        digest = world.discord.of("POST", POSTS)[-1]
        assert MODEL_SAYS in json.dumps(digest["embeds"])
        [edit] = await world.discord.wait_for("PATCH", f"{POSTS}/{card}")
        assert MODEL_SAYS in edit["embeds"][0]["description"]
        assert len(llm.summaries()) == 1


async def test_the_discord_fake_takes_edits_only_as_discord_does(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world, aiohttp.ClientSession() as http:
        member_message = await world.say("11", "just words")
        _, card = await world.link("11", "/moe")
        headers = {"Authorization": f"Bot {TOKEN}"}

        async def patch(message_id: str, body: dict[str, object]) -> int:
            async with http.patch(f"{world.discord.api}{POSTS}/{message_id}",
                                  json={"allowed_mentions": {"parse": []}, **body},
                                  headers=headers) as response:
                return response.status

        embed = {"title": "t", "description": "d"}
        assert await patch(member_message, {"embeds": [embed]}) == 403  # not the bot's
        assert await patch(card, {"embeds": [embed], "nonce": "x"}) == 400  # not a field
        assert await patch(card, {"flags": 4096}) == 400  # only SUPPRESS_EMBEDS
        assert await patch(card, {"embeds": [{"title": "x" * 300}]}) == 400  # over limits
        assert world.discord.edits == []
        assert await patch(card, {"embeds": [embed]}) == 200
        assert world.discord.messages[card]["embeds"] == [embed]


async def test_slack_updates_the_card_once_the_model_has_written(tmp_path: Path) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm, slack_world(
            tmp_path, **llm_settings(llm)) as world:
        card = await world.link("UADA", "/moe", "801.1")
        assert MODEL_SAYS not in json.dumps(card)
        card_ts = await world.card_ts("801.1")
        [update] = await world.slack.wait_for("chat.update")
        assert (update["channel"], update["ts"]) == ("CGEN", card_ts)
        assert MODEL_SAYS in json.dumps(update["blocks"]) and update["text"]
        assert update["link_names"] is False
        assert world.slack.posted[("CGEN", card_ts)]["blocks"] == update["blocks"]
        assert len(llm.summaries()) == 1


async def test_slack_picked_mode_writes_the_picks_when_posting(tmp_path: Path) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm, slack_world(
            tmp_path, **llm_settings(llm)) as world:
        await world.command("UADMIN", "config llm_summaries picked")
        await world.slack.wait_for("chat.postEphemeral",
                                   lambda a: a["text"] == "llm_summaries = picked")
        await world.link("UADA", "/moe", "802.1")
        await world.link("UGRACE", "/evals", "802.2")
        await world.event(reaction("ULINUS", "802.1"))
        await world.settled(1, 1)
        # What a recount (before each preview and post) finds on Slack.
        world.slack.reactions[("CGEN", "802.1")] = [
            {"name": "+1", "users": ["ULINUS"], "count": 1}]
        await world.command("UGRACE", "preview")
        await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == (
            "Posting it now would take 1 LLM call: this pick shows the offline summary "
            "until then."))
        assert llm.summaries() == [] and world.slack.of("chat.update") == []
        await world.command("UADMIN", "post")
        await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == (
            "Digest posted. 1 summary written by the model for this digest."))
        [update] = await world.slack.wait_for("chat.update")
        assert MODEL_SAYS in json.dumps(update["blocks"])
        assert len(llm.summaries()) == 1


async def test_the_slack_fake_takes_updates_only_as_slack_does(tmp_path: Path) -> None:
    async with slack_world(tmp_path) as world:
        await world.link("UADA", "/moe", "803.1")
        card_ts = await world.card_ts("803.1")
        async with aiohttp.ClientSession() as http:
            async def update(**args: object) -> str:
                async with http.post(world.slack.url + "chat.update", json=args, headers={
                        "Authorization": "Bearer xoxb-test"}) as response:
                    body = await response.json()
                    return "ok" if body["ok"] else str(body["error"])

            assert await update(channel="CGEN", ts="803.1", text="x") == "cant_update_message"
            assert await update(channel="CGEN", ts=card_ts) == "no_text"
            assert await update(channel="CGEN", ts=card_ts, text="x", unfurl_links=False) == (
                "invalid_arg_name")
            assert await update(channel="CGEN", ts=card_ts, text="x") == "ok"
