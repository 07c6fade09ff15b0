"""Every rendering escapes and bounds text from pages, members and models."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from lxml import etree
from lxml import html as lxml_html

from bot.digest import Digest, DigestItem, DigestSection, DigestTotals, Untrusted
from bot.models import PageFlag, SummarySource
from bot.period import Period
from bot.render.feed import render_feed
from bot.render.html import render_html
from bot.render.json import render_json
from bot.render.markdown import render_markdown

HOSTILE_TITLE = ("@everyone <@&1> <!channel> [click](javascript:alert(1)) <script>alert(1)"
                 "</script> **bold** \u202eevil\u202c " + "A" * 10_000)
HOSTILE_SUMMARY = "<img src=x onerror=alert(1)> # heading\n> quote @here ![x](http://t/p.png)"
PERIOD = Period("2026-W48", datetime(2026, 11, 23, 9, tzinfo=UTC),
                datetime(2026, 11, 30, 9, tzinfo=UTC))


def _item(rank: int, **kw: object) -> DigestItem:
    values: dict[str, object] = dict(
        rank=rank, number=rank, url=Untrusted("javascript:alert(1)"),
        title=Untrusted(HOSTILE_TITLE), authors=(Untrusted("<b>Mallory</b> @here"),),
        site=Untrusted("evil</td></tr>"), summary=Untrusted(HOSTILE_SUMMARY),
        summary_source=SummarySource.LLM, score=3, voters=3,
        submitters=(Untrusted("<@123> bob"),))
    values.update(kw)
    return DigestItem(**values)  # type: ignore[arg-type]


DIGEST = Digest(
    community="c", community_name=Untrusted("Club"), period=PERIOD, title="Club digest",
    intro=Untrusted("<iframe src=x></iframe> Intro @everyone"),
    tldr=(Untrusted("🚀 <a href='http://x'>bullet</a>"),),
    sections=(DigestSection("Top picks", (
        _item(1), _item(2, url=Untrusted("https://ok.test/a(b)"), flag=PageFlag.PAYWALL,
                        summary=Untrusted("")))),),
    also_shared=(_item(0, url=Untrusted("https://ok.test/z")),),
    totals=DigestTotals(3, 2, 6),
    top_sharer=Untrusted(HOSTILE_TITLE), top_sharer_picks=2,
)


def test_markdown_is_inert() -> None:
    out = render_markdown(DIGEST)
    assert "\u202e" not in out and "<script>" not in out and "](javascript" not in out
    assert "@everyone" not in out and "@here" not in out
    assert "\\<@&1\\>" in out or "<@&1>" not in out
    assert "[click\\]" in out, "brackets from a page are escaped, not links"
    assert max(len(line) for line in out.splitlines()) < 2500
    assert "](https://ok.test/a%28b%29)" in out


def test_html_is_escaped_bounded_and_script_free() -> None:
    out = render_html(DIGEST)
    tree = lxml_html.document_fromstring(out)
    assert tree.xpath("//script") == [] and tree.xpath("//iframe") == []
    assert tree.xpath("//img") == []
    assert not [a for a in tree.xpath("//a/@href") if not a.startswith(("http://", "https://"))]
    assert "onerror" not in "".join(tree.xpath("//@*"))
    assert "\u202e" not in out
    text = tree.text_content()
    assert "<script>alert(1)</script>" in text, "shown as text, not run"
    assert max(len(h.text_content()) for h in tree.xpath("//h3")) < 260
    assert "max-width:600px" in out and 'name="viewport"' in out


def test_json_keeps_text_as_data_but_bounded() -> None:
    data = json.loads(render_json(DIGEST))
    pick = data["picks"][0]
    assert pick["url"] == "", "only http(s) links are exported"
    assert len(pick["title"]) <= 300 and "\u202e" not in pick["title"]
    assert set(pick) >= {"number", "url", "title", "author", "site", "summary",
                         "summary_source", "score", "voters", "submitters", "flags"}
    assert data["picks"][1]["flags"] == ["paywall"]


@pytest.mark.parametrize("atom", [False, True])
def test_feed_is_valid_xml_with_escaped_entries(atom: bool) -> None:
    posted = [("2026-W48", render_json(DIGEST), datetime(2026, 11, 30, 9, tzinfo=UTC)),
              ("2026-W47", render_json(DIGEST), datetime(2026, 11, 23, 9, tzinfo=UTC))]
    out = render_feed("c", "Club <b>", posted, atom=atom)
    root = etree.fromstring(out.encode())
    entries = root.findall(".//{*}entry") if atom else root.findall(".//item")
    assert len(entries) == 2
    assert "<script>" not in out and "\u202e" not in out
    assert re.search(r"2026-W48", out)


NASTY = Digest(
    community="c", community_name=Untrusted("Club"), period=PERIOD, title="Club digest",
    intro=Untrusted("1. not a list\n---\n&#64;everyone &lt;script&gt;"),
    tldr=(Untrusted("- [x](https://evil.test) \u2066hidden\u2069 \ufeff"),),
    sections=(DigestSection("Top picks", (
        _item(1, url=Untrusted("https://ok.test/a b\n# injected\">'<x"),
              title=Untrusted("= heading ="), summary=Untrusted("---")),
        _item(2, url=Untrusted("https://ok.test/" + "x" * 5000)))),),
    also_shared=(),
    totals=DigestTotals(1, 1, 1),
    previous_period="2026-W47", previous_url="javascript:alert(1)",
    previous_label="Last week's digest (Nov 16 – 22, 2026)",
)


def test_markdown_line_starts_urls_and_entities_are_inert() -> None:
    out = render_markdown(NASTY, chat_links=True)
    lines = out.splitlines()
    assert "1\\. not a list" in out and "\\&\\#64;everyone" in out
    assert not [line for line in lines if line.startswith(("# injected", "---\u0020", "= "))]
    link = next(line for line in lines if "ok.test/a" in line)
    assert "\n" not in link and " injected" not in link.split("](", 1)[1]
    assert "x" * 2100 not in out, "an absurd URL is not linked"
    assert "](javascript" not in out and "Last week's digest (Nov 16 – 22, 2026)" in out
    assert "\u2066" not in out and "\ufeff" not in out


def test_html_urls_and_footer_are_safe() -> None:
    tree = lxml_html.document_fromstring(render_html(NASTY, chat_links=True))
    hrefs = tree.xpath("//a/@href")
    assert all(h.startswith("https://ok.test/") for h in hrefs) and hrefs
    assert all(" " not in h and "\n" not in h and '"' not in h for h in hrefs)
    assert "Last week's digest (Nov 16 – 22, 2026)" in tree.text_content()


def test_json_urls_are_safe() -> None:
    data = json.loads(render_json(NASTY, chat_links=True))
    assert data["previous_url"] is None and data["schema"] == "digestif.digest/1"
    assert data["picks"][0]["url"].startswith("https://ok.test/a%20b%0A")
    assert data["picks"][1]["url"] == ""
