"""Stable entry points that outside checks call. Keep the signatures."""

from __future__ import annotations


def extract_text(html: str, url: str) -> str:
    """The article text digestif extracts from one page."""
    from bot.extract import extract_article
    from bot.extract.language import warm

    warm()  # steady state: a worker loads the language model once, on its first need
    return extract_article(html, url).text


def summarize_text(text: str, max_words: int) -> str:
    """The offline summary of one article: one to three of its whole sentences within
    ``max_words`` words; only when no sentence fits, a single sentence of at most
    1.5 x ``max_words`` words; "" when not even that exists."""
    from bot.summarize.offline import summarize_text as offline

    return offline(text, max_words)
