"""Metadata fallback: fields the publisher's declarations leave empty come from trafilatura's
extract_metadata (visible by-lines, htmldate for dates); declared values always win."""

from __future__ import annotations

import pytest

from bot.extract import extract_article

SENTENCE = ("The harbour authority opened the new ferry terminal on Monday after three years of "
            "building work, and passengers now board from a covered hall. ")
BODY = "".join(f"<p>{SENTENCE * 2}Paragraph {i}.</p>" for i in range(5))


def page(byline: str, head: str = "") -> str:
    return ("<!doctype html><html lang='en'><head><title>New ferry terminal opens</title>"
            f"{head}</head><body><nav><a href='/'>Home</a></nav><div class='post'>{byline}"
            f"<article>{BODY}</article></div><footer>Harbour News</footer></body></html>")


BYLINE = ("<div class='byline'>By <span class='author'>Jane Doe</span></div>"
          "<div class='date'>March 5, 2024</div>")


def test_visible_byline_and_date_fill_missing_declarations() -> None:
    got = extract_article(page(BYLINE), "https://harbour.test/news/ferry")
    assert got.authors == ("Jane Doe",)
    assert got.published == "2024-03-05"
    assert got.site_name  # from the address when nothing else names the site
    assert got.title == "New ferry terminal opens"


def test_declared_values_win_over_the_fallback() -> None:
    head = ('<meta name="author" content="Ada Byron">'
            '<meta property="article:published_time" content="2023-01-02T08:00:00Z">'
            '<meta property="og:site_name" content="Harbour News">')
    got = extract_article(page(BYLINE, head), "https://harbour.test/news/ferry")
    assert got.authors == ("Ada Byron",)
    assert (got.published, got.site_name) == ("2023-01-02", "Harbour News")


def test_a_byline_run_into_its_date_keeps_only_the_name() -> None:
    byline = "<p class='author'>Jeff Foust Monday, November 18, 2019</p>"
    got = extract_article(page(byline), "https://harbour.test/news/ferry")
    assert got.authors == ("Jeff Foust",)
    assert got.published == "2019-11-18"


def test_a_page_with_nothing_to_say_has_empty_fields() -> None:
    got = extract_article(f"<html><body><div>{BODY}</div></body></html>", "")
    assert got.authors == () and got.published == ""
    assert got.text.startswith("The harbour authority")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Jeff Foust Monday; November", ("Jeff Foust",)),
    ("Carrie Arnold November", ("Carrie Arnold",)),
    ("Ann Lee March 3, 2020", ("Ann Lee",)),
    ("Theresa May", ("Theresa May",)),
    ("Jane Doe; April Smith", ("Jane Doe", "April Smith")),
    ("Wire services Published", ("Wire services",)),
])
def test_fallback_names_lose_the_date_around_them(raw: str, expected: tuple[str, ...]) -> None:
    from bot.extract.meta_fallback import _names

    assert _names(raw) == expected
