"""Guarded fetching of member-submitted links."""

from bot.fetch.fetcher import Fetcher
from bot.fetch.guard import Guard, Resolver, SystemResolver, is_public

__all__ = ["Fetcher", "Guard", "Resolver", "SystemResolver", "is_public"]
