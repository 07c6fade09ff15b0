"""The HoldStore contract: held links over a member's daily limit, and what the limit counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.events import MessageRef
from bot.models import Member
from bot.ports import Store
from bot.records import HeldLink
from tests.storage.test_store_contract import store  # noqa: F401  (the contract's fixture)

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADA = Member("ada", "Ada")


def _held(url: str, release: timedelta, member: Member = ADA) -> HeldLink:
    return HeldLink("c", member, url, url + "?utm_source=x", MessageRef("ch", url[-1]), T0,
                    T0 + release)


async def test_held_links_are_kept_once_listed_by_release_and_released_once(
        store: Store) -> None:  # noqa: F811
    await store.ensure_community("c", "console", "C")
    assert await store.next_release() is None
    assert await store.hold_link(_held("https://x.test/b", timedelta(hours=30)))
    assert await store.hold_link(_held("https://x.test/a", timedelta(hours=24)))
    assert not await store.hold_link(_held("https://x.test/a", timedelta(hours=99)))
    assert await store.hold_link(_held("https://x.test/a", timedelta(hours=1),
                                       Member("grace", "Grace")))
    [first, second] = await store.held_links("c", "ada")
    assert first == _held("https://x.test/a", timedelta(hours=24))
    assert second.url == "https://x.test/b"
    assert await store.next_release() == T0 + timedelta(hours=1)
    due = await store.due_held_links(T0 + timedelta(hours=24))
    assert [(h.member.id, h.url) for h in due] == [("grace", "https://x.test/a"),
                                                    ("ada", "https://x.test/a")]
    assert await store.release_held_link("c", "ada", "https://x.test/a")
    assert not await store.release_held_link("c", "ada", "https://x.test/a")
    assert [h.url for h in await store.held_links("c", "ada")] == ["https://x.test/b"]


async def test_submitted_since_counts_the_members_own_submissions(
        store: Store) -> None:  # noqa: F811
    await store.ensure_community("c", "console", "C")
    grace = Member("grace", "Grace")
    for hours, member, url in ((0, ADA, "a"), (5, ADA, "b"), (6, grace, "c"), (7, grace, "a")):
        await store.add_submission("c", f"https://x.test/{url}", f"https://x.test/{url}",
                                   member, T0 + timedelta(hours=hours))
    assert await store.submitted_since("c", "ada", T0 - timedelta(seconds=1)) == [
        T0, T0 + timedelta(hours=5)]
    assert await store.submitted_since("c", "ada", T0) == [T0 + timedelta(hours=5)]
    assert await store.submitted_since("c", "grace", T0) == [T0 + timedelta(hours=6)]
