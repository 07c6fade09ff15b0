"""Per-key turns keep one member's events in the order they arrived, whatever each awaits."""

from __future__ import annotations

import asyncio

from bot.turns import Turns


async def test_work_for_one_key_runs_in_the_order_turns_were_taken() -> None:
    turns, done = Turns(), []
    slow_start = asyncio.Event()

    async def handle(key: str, name: str, slow: bool) -> None:
        async with turns.take(key):  # taken before the first await, as adapters do
            if slow:
                await slow_start.wait()  # an add that does more work before it writes
            done.append(name)

    tasks = [asyncio.create_task(handle("grace", "add", slow=True)),
             asyncio.create_task(handle("grace", "remove", slow=False)),
             asyncio.create_task(handle("linus", "other", slow=False))]
    await tasks[2]
    assert done == ["other"], "another member does not wait"
    slow_start.set()
    await asyncio.gather(*tasks)
    assert done == ["other", "add", "remove"]
    assert len(turns) == 0, "finished keys are forgotten"


async def test_a_cancelled_waiter_does_not_let_the_next_overtake() -> None:
    turns, done = Turns(), []
    release = asyncio.Event()

    async def first() -> None:
        async with turns.take("k"):
            await release.wait()
            done.append("first")

    async def later(name: str) -> None:
        async with turns.take("k"):
            done.append(name)

    one = asyncio.create_task(first())
    two = asyncio.create_task(later("cancelled"))
    three = asyncio.create_task(later("third"))
    await asyncio.sleep(0)  # every task is waiting for its turn
    two.cancel()
    await asyncio.gather(two, return_exceptions=True)
    assert done == [] and not three.done()
    release.set()
    await asyncio.gather(one, three)
    assert done == ["first", "third"]
