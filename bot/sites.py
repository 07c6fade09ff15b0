"""The community's site lists (``deny_domains``, ``allow_domains``): whether a link is
refused by its site, before anything is fetched."""

from __future__ import annotations

from bot.community import CommunitySettings
from bot.links import on_domains, shown_host
from bot.replies import denied_site, not_allowed_site


def site_refusal(settings: CommunitySettings, canonical: str) -> str:
    """Why the community refuses a link by its site ("" when it does not): on the deny list
    (subdomains included), or not on a non-empty allow list."""
    denied = on_domains(canonical, settings.deny_domains)
    if denied:
        return denied_site(shown_host(denied))
    if settings.allow_domains and not on_domains(canonical, settings.allow_domains):
        return not_allowed_site([shown_host(d) for d in settings.allow_domains])
    return ""
