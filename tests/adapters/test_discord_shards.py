"""Discord shards split across processes (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS), and the
slash commands synced only when they changed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from adapters.discord.adapter import serve
from bot.app import App
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.discord_fake import APP_ID, GUILD, FakeDiscord, channel_of, message, on_shard
from tests.fakes.discord_world import MEMBERS, discord_settings
from tests.fakes.web import PageServer

# A second guild that Discord routes to shard 1 of 2 (the first one is on shard 0).
OTHER = str((1 << 22) + 2000)
COMMANDS = f"/applications/{APP_ID}/commands"


@asynccontextmanager
async def bot(tmp_path: Path, fake: FakeDiscord, *, events: bool = True, ingest: bool = True,
              **settings: object) -> AsyncIterator[App]:
    """One `digestif run` process: its own app and connection on the shared database
    (``events``: a gateway; ``ingest``: reads links)."""
    configured = discord_settings(tmp_path, fake).model_copy(update=settings)
    async with AsyncExitStack() as stack:
        app = await stack.enter_async_context(open_app(configured, ingest=ingest))
        task = asyncio.create_task(serve(app, events=events, guild_ready_timeout=0.05))

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        stack.push_async_callback(stop)
        yield app


async def share(fake: FakeDiscord, guild: str, message_id: str, url: str) -> None:
    data = MEMBERS["11"]
    payload = message(message_id, data["user"], f"look <{url}>", channel_of(guild),
                      guild=guild)
    payload["member"] = {k: v for k, v in data.items() if k != "user"}
    fake.messages[message_id] = payload
    await fake.dispatch("MESSAGE_CREATE", payload)


async def test_two_processes_each_run_their_shards(tmp_path: Path) -> None:
    assert on_shard(GUILD, [0, 2]) and on_shard(OTHER, [1, 2])
    async with FakeDiscord(members=dict(MEMBERS), guild_ids=[GUILD, OTHER]) as fake, \
            PageServer() as pages:
        pages.add("/moe", article("moe"))
        pages.add("/evals", article("evals"))
        async with bot(tmp_path, fake, discord_shard_count=2, discord_shard_ids=(0,)), \
                bot(tmp_path, fake, discord_shard_count=2, discord_shard_ids=(1,)):
            await fake.wait_sessions(2)
            assert sorted(i["shard"] for i in fake.identified) == [[0, 2], [1, 2]]
            await share(fake, GUILD, "801", pages.url("/moe"))
            await share(fake, OTHER, "802", pages.url("/evals"))
            cards = await fake.wait_until(
                lambda: fake.reply_to("801") is not None and fake.reply_to("802") is not None,
                lambda: [fake.reply_to("801"), fake.reply_to("802")])
        posted = fake.of("POST", "/messages")
        assert len(posted) == 2 and all(cards), "each link read and carded once"
        created = [(shard, event) for shard, event in fake.delivered
                   if event in ("MESSAGE_CREATE", "GUILD_CREATE")]
        assert sorted(created) == [(0, "GUILD_CREATE"), (0, "MESSAGE_CREATE"),
                                   (1, "GUILD_CREATE"), (1, "MESSAGE_CREATE")]


async def test_a_worker_process_cards_what_a_gateway_queued(tmp_path: Path) -> None:
    """--role gateway takes the message and only queues the link; --role worker reads it
    and posts the card through the REST API, with no gateway session of its own."""
    async with FakeDiscord(members=dict(MEMBERS)) as fake, PageServer() as pages:
        pages.add("/moe", article("moe"))
        async with bot(tmp_path, fake, ingest=False) as gateway:
            await fake.wait_sessions(1)
            await share(fake, GUILD, "801", pages.url("/moe"))
            found = await _queued(gateway)
            assert found == "pending", "the gateway does not read links"
            async with bot(tmp_path, fake, events=False):
                card = await fake.wait_until(lambda: fake.reply_to("801") is not None,
                                             lambda: fake.reply_to("801"))
        assert card is not None and len(fake.identified) == 1, "one gateway session in all"


async def _queued(app: App) -> str:
    async with asyncio.timeout(10):
        while not (subs := await app.store.list_submissions(f"discord:{GUILD}")):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return str(subs[0].state)


async def test_slash_commands_are_synced_only_when_they_changed(tmp_path: Path) -> None:
    async with FakeDiscord(members=dict(MEMBERS)) as fake:
        for logins in (1, 2):
            async with bot(tmp_path, fake):
                await fake.wait_sessions(logins)
        assert len(fake.of("PUT", COMMANDS)) == 1, "the second login found them unchanged"
        async with open_app(discord_settings(tmp_path, fake)) as app:
            await app.platform_state.commands_synced(f"discord:{APP_ID}", "an older tree")
        async with bot(tmp_path, fake):
            await fake.wait_sessions(3)
        assert len(fake.of("PUT", COMMANDS)) == 2, "changed commands are synced again"
