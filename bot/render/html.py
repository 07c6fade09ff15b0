"""The digest as one email-ready HTML file: inline styles, no scripts, phone-width friendly,
every untrusted field escaped. The web archive shows the same rows (``digest_rows``) in the
same template (bot.render.layout)."""

from __future__ import annotations

from html import escape

from bot.digest import Digest, DigestItem
from bot.period import period_unit
from bot.render.layout import MUTED, document, link
from bot.render.text import (
    flag_note,
    footer_text,
    http_url,
    no_picks,
    plain,
    previous_shown,
    shared_line,
)


def _e(text: str, limit: int = 300) -> str:
    return escape(plain(text, limit), quote=True)


def _link(url: str, text: str) -> str:
    return link(http_url(url), text)


def _item(item: DigestItem) -> str:
    byline = _e(item.byline, 200)
    summary = (f'<p class="m" style="margin:6px 0;{MUTED}"><em>{escape(flag_note(item.flag))}'
               "</em></p>"
               if item.flag
               else f'<p style="margin:6px 0;line-height:1.5">{_e(item.summary, 1200)}</p>'
               if item.summary else "")
    shared = shared_line([_e(name, 80) for name in item.submitters], item.score)
    return (
        '<tr><td class="r" style="padding:12px 0;border-bottom:1px solid #e5e7eb">'
        f'<h3 style="margin:0;font-size:17px;line-height:1.35">{item.rank}. '
        f'{_link(item.url, _e(item.title, 200))}</h3>'
        + (f'<p class="m" style="margin:2px 0;{MUTED}">{byline}</p>' if byline else "")
        + summary
        + f'<p class="m" style="margin:0;{MUTED}">{shared}</p></td></tr>'
    )


def digest_rows(digest: Digest, *, chat_links: bool = False) -> str:
    """The digest as the template's rows. ``chat_links``: the reader is a member, so links
    back to the chat (the platform's permalink of last week's digest) may show; public pages
    and e-mail leave it out and never carry one."""
    rows = [f'<tr><td><h1 style="margin:0 0 8px;font-size:24px">{_e(digest.title)}</h1>'
            "</td></tr>"]
    if digest.intro:
        rows.append(f'<tr><td><p style="line-height:1.5">{_e(digest.intro, 2000)}</p></td></tr>')
    if digest.empty:
        rows.append(f"<tr><td><p>{no_picks(period_unit(digest.period.key))}</p></td></tr>")
    if digest.tldr:
        bullets = "".join(f'<li style="margin:4px 0">{_e(b, 400)}</li>' for b in digest.tldr)
        rows.append('<tr><td class="t" style="background:#f3f4f6;padding:12px 16px;'
                    'border-radius:8px"><h2 style="margin:0;font-size:18px">TL;DR</h2>'
                    f'<ul style="margin:6px 0 0;padding-left:20px">{bullets}</ul></td></tr>')
    for section in digest.sections:
        rows.append(f'<tr><td><h2 style="margin:20px 0 0;font-size:19px">'
                    f'{_e(section.title)}</h2></td></tr>')
        rows.extend(_item(item) for item in section.items)
    if digest.also_shared:
        links = "".join(
            f"<li>{_link(i.url, _e(i.title, 150))}"
            + (f' <span class="m" style="{MUTED}">· {_e(i.site, 80)}</span>' if i.site else "")
            + "</li>" for i in digest.also_shared)
        rows.append('<tr><td><h2 style="margin:20px 0 0;font-size:19px">Also shared</h2>'
                    f'<ul style="padding-left:20px">{links}</ul></td></tr>')
    footer = footer_text(digest, lambda name: _e(name, 80))
    if previous_shown(digest, chat_links):
        footer += " · " + _link(digest.previous_url, _e(digest.previous_label, 80))
    rows.append(f'<tr><td class="m" style="padding-top:16px;{MUTED}">{footer}</td></tr>')
    return "\n".join(rows)


def render_html(digest: Digest, *, chat_links: bool = False) -> str:
    return document(plain(digest.title, 300), digest_rows(digest, chat_links=chat_links))
