"""Guarded fetching of member-submitted links. See docs/fetch-guard.md."""

from bot.fetch.fetcher import HTML_TYPES, JSON_TYPES, PDF_TYPES, USER_AGENT, Fetcher
from bot.fetch.guard import Address, Guard, Resolver, SystemResolver, is_public

__all__ = ["HTML_TYPES", "JSON_TYPES", "PDF_TYPES", "USER_AGENT", "Address", "Fetcher", "Guard",
           "Resolver", "SystemResolver", "is_public"]
