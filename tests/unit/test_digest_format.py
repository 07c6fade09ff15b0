"""Every renderer shows the same newsletter: title, intro, TL;DR, the picks in rank order with
cleaned by-lines and who shared them, "Also shared", last week's link, the footer; and no
internal submission numbers. The digest is built for real (SQLite on tmp_path, the offline
TL;DR) from author metadata as pages give it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from adapters.discord.render import digest_messages as discord_messages
from adapters.slack.render import digest_messages as slack_messages
from bot.community import Community, CommunitySettings
from bot.compose import Composer
from bot.digest import Digest, Untrusted
from bot.models import Article, BriefItem, Member, Summary, SummaryPrefs, SummarySource
from bot.period import named_period
from bot.render.html import render_html
from bot.render.json import digest_json
from bot.render.markdown import render_markdown
from bot.summarize.brief import offline_brief
from storage.sqlite import SqliteStore
from tests.fakes.pipeline import FakeClock

C = "club"
PREVIOUS_URL = "https://chat.example/archives/C1/p1700000000"
PICKS = [
    # title, raw authors, site, votes, submitters, cleaned by-line
    ("Open model beats rivals", ("By TOM KRISHER, AP Auto Writer",), "Wire", 5,
     ("ada", "linus"), "by Tom Krisher · Wire"),
    ("Court blocks chip merger", ("by by Jane Doe", "JOHN MCDONALD <jm@news.test>"), "Ledger",
     4, ("grace",), "by Jane Doe and John McDonald · Ledger"),
    ("Budget for buses approved", ("ANNA VAN DER BERG, Staff Reporter",), "City Post", 3,
     ("linus", "ada", "grace"), "by Anna van der Berg · City Post"),
]
ALSO = ("A link nobody voted for", "Quiet Blog")


class OfflineBrief:
    """The summarizer port with the offline TL;DR: what a bot without a model posts."""

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        raise AssertionError("not used: submissions are stored ready")

    async def brief(self, picks: list[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        return offline_brief(picks)

    async def aclose(self) -> None:
        return None


@dataclass
class Built:
    digest: Digest
    numbers: list[int]


async def _seed(store: SqliteStore, when: datetime) -> list[int]:
    numbers = []
    for name in ("ada", "linus", "grace"):
        await store.upsert_member(C, Member(name, name.capitalize()))
    rows = [*PICKS, (ALSO[0], (), ALSO[1], 0, ("ada",), "")]
    for i, (title, authors, site, votes, submitters, _) in enumerate(rows):
        url = f"https://news.test/{i}"
        first = Member(submitters[0], submitters[0].capitalize())
        sub, _ = await store.add_submission(C, url, url, first, when)
        for other in submitters[1:]:
            await store.add_submission(C, url, url, Member(other, other.capitalize()), when)
        summary = (f"{title}. Officials said on Monday that the decision number {i} affects "
                   f"thousands of readers, and critics called it rushed. More follows.")
        article = Article(url=url, title=title, text="x", authors=authors, site_name=site)
        await store.mark_ready(sub.id, article, Summary(summary, SummarySource.OFFLINE), when)
        for v in range(votes):
            await store.add_vote(sub.id, f"voter{v}", "👍", 1, when)
        numbers.append(sub.number)
    return numbers


@pytest.fixture
async def built(tmp_path: Path) -> AsyncIterator[Built]:
    clock = FakeClock(datetime(2026, 11, 25, 12, tzinfo=UTC))
    async with SqliteStore(tmp_path / "d.sqlite3") as store:
        community = await store.ensure_community(C, "console", "")
        community = replace(community, settings=CommunitySettings(min_score=1))
        period = named_period("this", clock(), community.settings)
        # Last week's digest was posted, and the platform gave its permalink.
        last = named_period("last", clock(), community.settings).key
        assert await store.begin_digest(C, last, clock() - timedelta(days=7))
        await store.finish_digest(C, last, "{}", clock() - timedelta(days=7), (), PREVIOUS_URL)
        numbers = await _seed(store, clock() - timedelta(hours=1))
        await store.set_period_note(C, period.key, intro="Hello, readers.")
        yield Built(await Composer(store, OfflineBrief()).build(community, period), numbers)


def _markdown(digest: Digest) -> str:
    return render_markdown(digest, chat_links=True)  # as the console shows it


def _html(digest: Digest) -> str:
    return str(lxml_html.document_fromstring(render_html(digest, chat_links=True))
               .text_content())


def _discord(digest: Digest) -> str:
    parts = []
    for message in discord_messages(digest):
        for embed in message:
            parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
    return "\n".join(parts)


def _slack(digest: Digest) -> str:
    parts = []
    for _, blocks in slack_messages(digest):
        for block in blocks:
            if "text" in block:
                parts.append(str(block["text"]["text"]))
            parts += [str(e.get("text", "")) for e in block.get("elements", [])]
    return "\n".join(parts)


RENDERERS: dict[str, Callable[[Digest], str]] = {
    "markdown": _markdown, "html": _html, "discord": _discord, "slack": _slack}


def _plain(text: str) -> str:
    """Each medium's escapes undone, so one expectation fits all."""
    return re.sub(r"\\([^\w\s])", r"\1", text).replace("&amp;", "&")


def _unlinked(text: str) -> str:
    """Link syntax reduced to the link's text: [text](url) and <url|text>."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"<https?://[^|>]*\|([^>]*)>", r"\1", text)


@pytest.mark.parametrize("medium", sorted(RENDERERS))
async def test_every_renderer_shows_the_same_newsletter(built: Built, medium: str) -> None:
    digest = built.digest
    out = _plain(RENDERERS[medium](digest))
    titles = [p[0] for p in PICKS]
    positions = [out.index(t) for t in titles]
    assert positions == sorted(positions), "the picks in rank order"
    structure = [out.index(mark) for mark in (
        "Club digest · ", "Hello, readers.", "TL;DR", titles[0], "Also shared", ALSO[0],
        "Last week's digest (")]
    assert structure == sorted(structure), f"{medium}: {structure}"
    for (title, _, _, _, _, by), start in zip(PICKS, positions, strict=True):
        assert by in out[start:start + 400], f"{medium}: {by!r} after {title!r}"
    assert "Shared by Ada and Linus · 5 votes" in out
    assert "Shared by Linus, Ada and Grace · 3 votes" in out
    for bullet in digest.tldr[:3]:
        assert bullet in out
    assert "TOM KRISHER" not in out and "by by" not in out and "jm@news.test" not in out
    assert "club digest" not in out
    for number in built.numbers:
        assert f"#{number}" not in out, f"{medium} shows the internal #{number}"
    assert not re.search(r"#\d", out)
    # Three picks, each first shared by someone else: the best-ranked one's sharer.
    assert ("This week: 4 links shared by 3 members · 12 votes cast · Top sharer: Ada "
            "(1 pick)") in out
    quiet = replace(digest, top_sharer=Untrusted(""), top_sharer_picks=0)
    assert "Top sharer" not in RENDERERS[medium](quiet)
    assert "A link nobody voted for · Quiet Blog" in _unlinked(out)


def test_the_previous_digest_is_a_link_everywhere(built: Built) -> None:
    digest = built.digest
    assert digest.previous_label.startswith("Last week's digest (Nov 16 – 22, 2026")
    assert f"]({PREVIOUS_URL})" in render_markdown(digest, chat_links=True)
    tree = lxml_html.document_fromstring(render_html(digest, chat_links=True))
    [anchor] = [a for a in tree.iter("a") if a.get("href") == PREVIOUS_URL]
    assert anchor.text_content().startswith("Last week's digest")
    assert f"]({PREVIOUS_URL})" in _discord(digest)
    assert f"<{PREVIOUS_URL}|Last week's digest" in _slack(digest)
    assert digest_json(digest, chat_links=True)["previous_url"] == PREVIOUS_URL
    # Outside the chat (exports, e-mail, the archive) a platform permalink is left out; the
    # previous digest's public archive page is not a chat link and stays.
    assert PREVIOUS_URL not in render_markdown(digest) + render_html(digest)
    assert digest_json(digest)["previous_url"] is None
    public = replace(digest, previous_public=True)
    assert PREVIOUS_URL in render_markdown(public) and PREVIOUS_URL in render_html(public)
    assert digest_json(public)["previous_url"] == PREVIOUS_URL


def test_tldr_bullets_never_read_a_title_back(built: Built) -> None:
    digest = built.digest
    picks = digest.ranked_picks
    assert len(digest.tldr) == len(picks)
    for item, bullet in zip(picks, digest.tldr, strict=True):
        text = bullet.split(" ", 1)[1]
        assert not text.lower().startswith(item.title.lower()), bullet
        assert text != item.title and text.endswith(".")


def test_json_keeps_its_contract_and_the_cleaned_author(built: Built) -> None:
    data = digest_json(built.digest)
    first = data["picks"][0]
    assert {"number", "url", "title", "author", "site", "summary", "summary_source", "score",
            "voters", "submitters", "flags"} <= set(first)
    assert first["number"] == built.numbers[0] and first["author"] == "Tom Krisher"
    assert data["picks"][1]["author"] == "Jane Doe and John McDonald"
    assert data["title"].startswith("Club digest · ")


@pytest.mark.parametrize(("key", "name", "setting", "expected"), [
    ("local", "local", "", "Local digest"),
    ("local", "", "", "Local digest"),
    ("my-team", "my-team", "", "My Team digest"),
    ("discord:1", "AI/ML Reading Club", "", "AI/ML Reading Club digest"),
    ("slack:T1", "Test Team", "The Weekly Reader", "The Weekly Reader"),
])
def test_the_newsletter_name(key: str, name: str, setting: str, expected: str) -> None:
    community = Community(key, "console", name, CommunitySettings(name=setting))
    assert community.newsletter_name == expected
    assert community.display_name == (name if name not in ("", key) else expected[:-7])

