"""Extraction: metadata sources, the rules kept around the extractors, and odd input."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.extract import extract_article
from bot.extract.article import DEFAULT, Config, extract_with
from bot.models import PageFlag

SENTENCE = ("The city council approved a new budget for public transport on Tuesday, adding "
            "forty buses and extending night service on six lines across the northern districts. ")
BODY = "".join(f"<p>{SENTENCE * 2}Paragraph {i} ends here.</p>" for i in range(6))


def page(body: str, head: str = "", html_attrs: str = " lang='en'") -> str:
    return (f"<!doctype html><html{html_attrs}><head><title>Budget vote | City Paper</title>"
            f"{head}</head><body><header><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
            f"</header><main>{body}</main><footer>© City Paper</footer></body></html>")


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_json_ld_metadata_in_a_graph() -> None:
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "ignored"},
        {"@type": "NewsArticle", "headline": "Council approves transport budget",
         "author": [{"@type": "Person", "name": "Ada Byron"}, {"@type": "Person",
                                                             "name": "Alan Turing"}],
         "publisher": {"@type": "Organization", "name": "City Paper"},
         "datePublished": "2024-03-05T10:00:00+01:00", "inLanguage": "de-DE",
         "image": {"@type": "ImageObject", "url": "/img/bus.jpg"},
         "description": "Forty new buses."},
    ]})
    got = extract_article(page(f"<article>{BODY}</article>", head, html_attrs=""),
                          "https://city.test/news/budget")
    assert got.title == "Council approves transport budget"
    assert got.authors == ("Ada Byron", "Alan Turing")
    assert (got.site_name, got.published, got.language) == ("City Paper", "2024-03-05", "de")
    assert got.image == "https://city.test/img/bus.jpg"
    assert got.description == "Forty new buses."
    assert got.flag is None


def test_meta_tags_when_there_is_no_structured_data() -> None:
    head = ('<meta name="author" content="By Grace Hopper and Ada Byron">'
            '<meta http-equiv="content-language" content="fr">'
            '<meta property="og:url" content="https://city.test/a/budget">')
    got = extract_article(page(f"<article>{BODY}</article>", head, html_attrs=""),
                          "https://city.test/2023/11/07/budget?utm_source=x")
    assert got.authors == ("Grace Hopper", "Ada Byron")
    assert got.language == "fr"
    assert got.canonical_url == "https://city.test/a/budget"
    assert got.published == "2023-11-07"  # from the URL, nothing else says
    assert got.title == "Budget vote | City Paper"


def test_canonical_link_wins_over_og_url_and_is_made_absolute() -> None:
    head = ('<link rel="canonical" href="/news/budget">'
            '<meta property="og:url" content="https://other.test/x">')
    got = extract_article(page(f"<article>{BODY}</article>", head), "https://city.test/amp/b")
    assert got.canonical_url == "https://city.test/news/budget"


def test_language_is_guessed_when_the_page_does_not_say() -> None:
    german = "".join(
        "<p>Die Stadt hat den neuen Haushalt für den Verkehr beschlossen, und die Busse "
        "fahren auch in der Nacht auf den Linien, die sich durch den Norden ziehen.</p>"
        for _ in range(6))
    got = extract_article(page(f"<article>{german}</article>", html_attrs=""), "https://c.test/")
    assert got.language == "de"


def test_tail_chrome_is_trimmed_but_not_the_story() -> None:
    # the "tail_trim" rule
    tail = ("<p>Email the reporter at reporter@city.test or follow her on Twitter.</p>"
            "<p>Sign up for our morning newsletter.</p>")
    mid = "<p>Riders said a monthly subscription would help families with children.</p>"
    got = extract_article(page(f"<article>{BODY}{mid}{BODY}{tail}</article>"),
                          "https://city.test/d")
    assert "monthly subscription would help" in got.text
    assert "reporter@city.test" not in got.text and "newsletter" not in got.text
    assert got.text.rstrip().endswith("Paragraph 5 ends here.")


def test_a_long_article_with_paywall_chrome_is_not_flagged() -> None:
    chrome = ("<div class='paywall-offer'>Already a subscriber? Log in. Subscribe to continue "
              "reading our journalism.</div>")
    got = extract_article(page(f"<article>{BODY}{BODY}</article>{chrome}"), "https://c.test/e")
    assert got.flag is None


def test_paywall_declared_in_json_ld_flags_a_teaser() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Budget", "isAccessibleForFree": "False"})
    got = extract_article(page(f"<article><p>{SENTENCE}</p></article>", head), "https://c.test/")
    assert got.flag is PageFlag.PAYWALL


def test_odd_input_never_crashes() -> None:
    for junk in ("<!-- nothing but a comment -->", "\x00\x01\x02", "<html></html>",
                 '<?xml version="1.0" encoding="utf-8"?><html><body><p>hi</p></body></html>',
                 "<html><body>" + "<div>" * 3000 + "x"):
        got = extract_article(junk, "https://c.test/")
        assert got.flag is PageFlag.EMPTY
        assert got.url == "https://c.test/"


def test_broken_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    got = extract_article(page(f"<article>{BODY}</article>", head), "https://c.test/")
    assert got.title == "Budget vote | City Paper" and got.flag is None


def without(rule: str) -> Config:
    return replace(DEFAULT, rules=DEFAULT.rules - {rule})


def test_teaser_headlines_inside_the_article_are_left_out() -> None:
    # the "precision" rule: deal boxes and other stories' headlines sit between paragraphs
    teasers = "".join(f"<h3><a href='/d{i}'>Deal {i}: a cheap lamp for the desk</a></h3>"
                      f"<p>This lamp is cheap today only.</p>" for i in range(3))
    half = BODY.index("<p>", len(BODY) // 2)
    html = ("<html><head><title>Budget vote</title></head><body><div id='main'><article>"
            f"{BODY[:half]}{teasers}{BODY[half:]}</article></div><footer>City Paper</footer>"
            "</body></html>")
    got = extract_article(html, "https://city.test/p")
    assert "Paragraph 0 ends here." in got.text and "Paragraph 5 ends here." in got.text
    assert "cheap lamp" not in got.text
    assert "cheap lamp" in extract_with(html, "https://city.test/p", without("precision")).text


def test_only_a_first_line_that_repeats_the_headline_is_dropped() -> None:
    head = '<meta property="og:title" content="Council approves transport budget">'
    titled = page(f"<article><h1>Council approves transport budget</h1>{BODY}</article>", head)
    got = extract_article(titled, "https://city.test/t")
    assert got.text.startswith("The city council approved")
    kept = extract_with(titled, "https://city.test/t", without("title_line")).text
    assert kept.startswith("Council approves transport budget")
    lead = page(f"<article><p>Forty buses, six night lines.</p>{BODY}</article>", head)
    assert extract_article(lead, "https://city.test/t").text.startswith("Forty buses")
