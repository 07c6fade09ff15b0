"""Extraction by agreement: trafilatura's precision reading is trusted when its recall reading
says the same; otherwise readability-lxml gives a second opinion and the text that agrees
better with the recall reading is kept."""

from __future__ import annotations

from dataclasses import replace

from bot.extract import extract_article
from bot.extract.agree import choose, overlap
from bot.extract.article import DEFAULT, RECALL_BELOW, extract_with, parse, primary_trusted
from bot.extract.body import main_text

STORY = [
    "The harbour authority opened the new ferry terminal on Monday after three years of work.",
    "Passengers now board from a covered hall with heated seats, a cafe and departure screens.",
    "The old wooden pier, in use since the nineteen sixties, will be taken down next spring.",
    "Local fishermen asked for a part of it to be kept as a memorial to the families who built it.",
    "The mayor said the city would hold a public meeting in April to decide what comes next.",
]
NO_AGREEMENT = replace(DEFAULT, agreement=False)


def paragraphs(n: int) -> list[str]:
    return [" ".join(STORY[i % 5:] + STORY[:i % 5]) for i in range(n)]


def frame(content: str) -> str:
    return ("<!doctype html><html lang='en'><head><title>New ferry terminal opens</title></head>"
            "<body><div class='menu'><a href='/'>Home</a> | <a href='/news'>News</a> | "
            "<a href='/sport'>Sport</a></div>" + content +
            "<div class='col-md-3'><ul><li><a href='/a'>Road works on Main Street</a></li>"
            "<li><a href='/b'>Library hours change</a></li></ul></div>"
            "<footer>Town Hall 2025</footer></body></html>")


def test_text_outside_paragraph_tags_is_recovered_by_the_second_opinion() -> None:
    # Older CMSs put the story straight into a <div>, paragraphs split by <br>: the precision
    # reading keeps only the tagged lines around it, the recall reading and readability do not.
    story = "<br><br>".join(paragraphs(4))
    page = frame("<div class='container'><div class='col-md-9'>"
                 "<p class='titulo'>New ferry terminal opens</p>"
                 f"<small>04/03/2025 - Posted by: Town Hall</small><br><br>{story}<br><br>"
                 "<div class='row'><a class='btn' href='#'>Facebook</a></div></div></div>")
    primary_only = extract_with(page, "https://town.test/n/1", NO_AGREEMENT).text
    assert STORY[2] not in primary_only
    got = extract_article(page, "https://town.test/n/1")
    for sentence in STORY:
        assert sentence in got.text
    assert "Road works on Main Street" not in got.text and "Home" not in got.text
    assert got.flag is None


def test_when_the_readings_agree_the_primary_is_kept() -> None:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(5))
    page = frame(f"<main><article><h1>New ferry terminal opens</h1>{body}</article></main>")
    got = extract_article(page, "https://town.test/n/2")
    assert got.text == extract_with(page, "https://town.test/n/2", NO_AGREEMENT).text
    assert got.text.startswith(STORY[0]) and "Library hours" not in got.text


def test_a_long_primary_on_a_clean_page_is_trusted_without_a_recall_reading() -> None:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(6))
    page = frame(f"<main><article><h1>New ferry terminal opens</h1>{body}</article></main>")
    tree = parse(page)
    primary = main_text(tree, "https://town.test/n/3", focus="precision")
    assert len(primary) >= RECALL_BELOW
    assert primary_trusted(primary, tree, DEFAULT)
    assert not primary_trusted(primary[:RECALL_BELOW // 2], tree, DEFAULT)  # too short


def test_a_long_primary_beside_a_loose_story_still_gets_the_second_opinion() -> None:
    # Six tagged paragraphs, then another story straight in the <div>, split by <br>: the
    # precision reading is long but leaves that story out; the recall reading takes it in.
    tagged = "".join(f"<p>{p}</p>" for p in paragraphs(6))
    loose = "<br><br>".join(p.replace("ferry", "bridge") for p in paragraphs(4))
    page = frame(f"<div class='container'><div class='col-md-9'>{tagged}<br><br>{loose}<br><br>"
                 "<div class='row'><a class='btn' href='#'>Facebook</a></div></div></div>")
    primary = extract_with(page, "https://town.test/n/4", NO_AGREEMENT).text
    assert len(primary) >= RECALL_BELOW and "bridge" not in primary
    got = extract_article(page, "https://town.test/n/4")
    assert "new bridge terminal" in got.text and STORY[0] in got.text


def test_overlap_is_shingle_f1() -> None:
    text = " ".join(STORY)
    assert overlap(text, text) == 1.0
    assert overlap("", "") == 1.0
    assert overlap("-- | --", "-- | --") == 1.0  # no words on either side: they agree
    assert overlap(text, "") == 0.0
    assert overlap(STORY[0], STORY[1]) < 0.1
    # the same words in another order share few 4-word runs
    assert overlap(" ".join(STORY), " ".join(reversed(STORY))) < 0.9
    half = overlap(" ".join(STORY), " ".join(STORY[:2]))
    assert 0.3 < half < 0.8


def test_choose_keeps_the_text_closer_to_the_recall_reading() -> None:
    recall = " ".join(["Menu Home News", *STORY])
    story_only = " ".join(STORY)
    chrome = "Menu Home News Sport Weather Contact us Subscribe to the newsletter today"
    assert choose(chrome, recall, story_only).source == "fallback"
    assert choose(story_only, recall, chrome).source == "primary"
    # a tie goes to the primary
    verdict = choose(story_only, recall, story_only + " ")
    assert verdict.source == "primary" and verdict.text == story_only


def test_a_second_opinion_on_broken_markup_is_not_a_crash() -> None:
    # readability answers this with a whole document where a fragment was asked for
    junk = ("<meta name='author' content=''><article>é<body><?xml version='1.0'?><title>"
            "<p><!--<title></script></script>")
    got = extract_article(junk, "https://town.test/")
    assert got.url == "https://town.test/" and got.flag is not None
