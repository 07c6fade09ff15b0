"""Article extraction: main text and metadata from a page's HTML."""

from bot.extract.article import extract_article

__all__ = ["extract_article"]
