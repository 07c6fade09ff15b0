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

EMPTY_WORDS = 15
PHRASE_ONLY_WORDS = 40
TINY_WORDS = 60
SHORT_WORDS = 150


def detect_flag(tree: Any, html: str, text: str, *, not_free: bool = False) -> PageFlag | None:
    words = len(text.split())
    if tree is None or not html.strip():
        return PageFlag.EMPTY
    if words >= SHORT_WORDS:
        return None  # a real body of text is an article, whatever its footer says
    if _CHALLENGE.search(html[:20000]):
        return PageFlag.BOT_CHALLENGE
    # Only the publisher's own declaration (isAccessibleForFree: false) is a strong signal:
    # "paywall" classes and "Already a subscriber?" also sit in the chrome of free news
    # briefs, so alone they need a tiny text.
    if (not_free or _NOT_FREE.search(html)
            or (words < TINY_WORDS and _PAYWALL_MARKUP.search(html))
            or (words < PHRASE_ONLY_WORDS and _PAYWALL.search(html))):
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
        if words < EMPTY_WORDS:
            return PageFlag.EMPTY
    return None
