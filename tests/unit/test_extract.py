"""Extraction: main text and metadata, and telling stubs from articles."""

from __future__ import annotations

import contextlib

import pytest

from bot.errors import ExtractError
from bot.extract import extract_article
from bot.models import PageFlag
from tests.e2e.pages import article

PARAGRAPH = ("Researchers at a large lab published a detailed study of model compression "
             "this week, comparing eight methods across twenty tasks and three model sizes. ")


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (f"<!doctype html><html lang='{lang}'><head><title>Big Study | Tensor Times</title>"
            f"{head}</head><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav>"
            f"{body}<footer>© 2026 Tensor Times</footer></body></html>")


def test_article_text_and_metadata() -> None:
    head = (
        '<meta property="og:title" content="Big Study">'
        '<meta property="og:site_name" content="Tensor Times">'
        '<meta name="author" content="Ada Byron">'
        '<meta property="article:published_time" content="2026-11-20T08:00:00Z">'
        '<meta name="description" content="A study of compression.">'
        '<meta property="og:image" content="https://t.test/i.png">'
        '<link rel="canonical" href="/posts/big-study">'
    )
    body = "<article><h1>Big Study</h1>" + f"<p>{PARAGRAPH * 3}</p>" * 4 + "</article>"
    got = extract_article(page(body, head), "https://t.test/posts/big-study?utm_source=x")
    assert got.title == "Big Study"
    assert got.authors == ("Ada Byron",)
    assert (got.site_name, got.published, got.language) == ("Tensor Times", "2026-11-20", "en")
    assert got.description == "A study of compression."
    assert got.canonical_url == "https://t.test/posts/big-study"
    assert got.text.startswith("Researchers at a large lab")
    assert "Home" not in got.text and "©" not in got.text and got.flag is None


def test_a_real_article_that_mentions_subscribing_is_not_flagged() -> None:
    body = ("<article>" + f"<p>{PARAGRAPH * 3}</p>" * 4 +
            "<p>Subscribe to our newsletter for more. Already a subscriber? Log in.</p>"
            "</article><div class='newsletter'>Subscribe now</div>")
    assert extract_article(page(body), "https://t.test/a").flag is None


@pytest.mark.parametrize(("body", "head", "flag"), [
    ("<article><h1>Big Study</h1><p>The study looked at compression.</p>"
     "<div class='paywall'><h2>Subscribe to continue reading</h2></div></article>",
     '<script type="application/ld+json">{"@type": "NewsArticle", '
     '"isAccessibleForFree": false}</script>', PageFlag.PAYWALL),
    ("<div><h1>Just a moment...</h1><p>Checking your browser before accessing the site.</p>"
     "</div><script src='/cdn-cgi/challenge-platform/x.js'></script>", "",
     PageFlag.BOT_CHALLENGE),
    ("<noscript>You need to enable JavaScript to run this app.</noscript>"
     "<div id='root'></div>", "", PageFlag.JS_REQUIRED),
    ("<main><h1>Sign in</h1><p>Please log in to continue to your account.</p>"
     "<form><input name='user'></form></main>", "", PageFlag.LOGIN_WALL),
    ("<div class='consent'><p>We value your privacy. Accept all cookies to continue, or "
     "manage cookie settings.</p><button>Accept</button></div>", "", PageFlag.COOKIE_WALL),
    ("", "", PageFlag.EMPTY),
])
def test_stubs_are_flagged(body: str, head: str, flag: PageFlag) -> None:
    assert extract_article(page(body, head), "https://t.test/a").flag is flag


def test_empty_input_and_non_english() -> None:
    assert extract_article("", "https://t.test/").flag is PageFlag.EMPTY
    french = page("<article>" + "<p>Les entreprises européennes adoptent de petits modèles "
                  "de langage pour garder la maîtrise de leurs données sensibles.</p>" * 6
                  + "</article>", lang="fr")
    got = extract_article(french, "https://t.test/fr")
    assert got.language == "fr" and got.text.startswith("Les entreprises")


def test_the_headline_is_not_part_of_the_body() -> None:
    got = extract_article(article("moe"), "https://t.test/moe")
    assert got.title == "Why mixture-of-experts models are cheap to run"
    assert got.text.startswith("Mixture-of-experts models route each token")


def test_garbage_is_not_a_crash() -> None:
    for junk in ("\x00\x01\x02", "<<<>>>", "<html><body>" + "<div>" * 5000 + "x"):
        with contextlib.suppress(ExtractError):
            assert extract_article(junk, "https://t.test/").flag is PageFlag.EMPTY


@pytest.mark.parametrize(("title", "expected"), [
    ("Big Study | Tensor Times", "Big Study"),
    ("Tensor Times - Big Study", "Big Study"),
    ("Big Study — tensor times", "Big Study"),
    ("Big Study: Tensor Times reports", "Big Study: Tensor Times reports"),
    ("Tensor Times", "Tensor Times"),
])
def test_the_site_name_is_cut_from_titles(title: str, expected: str) -> None:
    from bot.extract.metadata import without_site

    assert without_site(title, "Tensor Times") == expected
