"""Telling a stub from an article: paywalls, login and cookie walls, bot challenges,
JavaScript shells, empty pages. A flag needs a strong signal, or a tiny page with a weak one,
so that a real article that mentions "subscribe" in its footer is not flagged."""

from __future__ import annotations

import re
from typing import Any

from bot.models import PageFlag

_CHALLENGE = re.compile(
    r"just a moment\.\.\.|cf-browser-verification|challenge-platform|cf_chl_|"
    r"attention required! \| cloudflare|captcha-delivery|px-captcha|are you a robot|"
    r"verify you are (a )?human", re.IGNORECASE)
_PAYWALL = re.compile(
    r"subscribe (now )?to (continue|keep) reading|subscribers only|for subscribers|"
    r"this (article|content) is (only )?(available|reserved) (to|for) (paid )?subscribers|"
    r"already a subscriber\?|start your (free )?trial to (read|continue)|"
    r"to continue reading,? (please )?(subscribe|log in|sign in)", re.IGNORECASE)
_PAYWALL_MARKUP = re.compile(
    r"""class=["'][^"']*\b(paywall|piano-offer|meter-?wall|subscriber-only|premium-content)""",
    re.IGNORECASE)
_LOGIN = re.compile(r"(log|sign) in to (continue|view|read|see)|please (log|sign) in",
                    re.IGNORECASE)
_COOKIE = re.compile(r"(accept|agree to) (all )?cookies|cookie (settings|preferences|consent)",
                     re.IGNORECASE)
_JS = re.compile(r"(enable|turn on) javascript|javascript is (disabled|required)|"
                 r"you need to enable javascript", re.IGNORECASE)
_NOT_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*(false|"false"|"False")')

TINY_WORDS = 60
SHORT_WORDS = 150


def detect_flag(tree: Any, html: str, text: str) -> PageFlag | None:
    words = len(text.split())
    if tree is None or not html.strip():
        return PageFlag.EMPTY
    if _CHALLENGE.search(html[:20000]) and words < SHORT_WORDS:
        return PageFlag.BOT_CHALLENGE
    not_free = bool(_NOT_FREE.search(html))
    paywall_text = bool(_PAYWALL.search(html))
    if words < SHORT_WORDS and (not_free or paywall_text or _PAYWALL_MARKUP.search(html)):
        return PageFlag.PAYWALL
    if words < TINY_WORDS:
        visible = " ".join(tree.xpath("//body//text()[not(ancestor::script or "
                                      "ancestor::style or ancestor::noscript)]"))
        noscript = " ".join(tree.xpath("//noscript//text()"))
        if _JS.search(noscript) or (_JS.search(html) and len(visible.split()) < 30):
            return PageFlag.JS_REQUIRED
        if _LOGIN.search(visible):
            return PageFlag.LOGIN_WALL
        if _COOKIE.search(visible):
            return PageFlag.COOKIE_WALL
        if words == 0:
            return PageFlag.EMPTY
    return None
