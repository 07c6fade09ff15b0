"""The digest as one email-ready HTML file: inline styles, no scripts, phone-width friendly,
every untrusted field escaped."""

from __future__ import annotations

from html import escape

from bot.digest import Digest, DigestItem
from bot.period import period_unit
from bot.render.text import flag_note, footer_text, http_url, no_picks, plain, shared_line

FONT = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
MUTED = "color:#6b7280;font-size:13px;"


def _e(text: str, limit: int = 300) -> str:
    return escape(plain(text, limit), quote=True)


def _link(url: str, text: str) -> str:
    href = http_url(url)
    if not href:
        return text
    return (f'<a href="{escape(href, quote=True)}" style="color:#1d4ed8;text-decoration:none">'
            f"{text}</a>")


def _item(item: DigestItem) -> str:
    byline = _e(item.byline, 200)
    summary = (f'<p style="margin:6px 0;{MUTED}"><em>{escape(flag_note(item.flag))}</em></p>'
               if item.flag
               else f'<p style="margin:6px 0;line-height:1.5">{_e(item.summary, 1200)}</p>'
               if item.summary else "")
    shared = shared_line([_e(name, 80) for name in item.submitters], item.score)
    return (
        '<tr><td style="padding:12px 0;border-bottom:1px solid #e5e7eb">'
        f'<h3 style="margin:0;font-size:17px;line-height:1.35">{item.rank}. '
        f'{_link(item.url, _e(item.title, 200))}</h3>'
        + (f'<p style="margin:2px 0;{MUTED}">{byline}</p>' if byline else "")
        + summary
        + f'<p style="margin:0;{MUTED}">{shared}</p></td></tr>'
    )


def render_html(digest: Digest) -> str:
    rows = [f'<tr><td><h1 style="margin:0 0 8px;font-size:24px">{_e(digest.title)}</h1>'
            "</td></tr>"]
    if digest.intro:
        rows.append(f'<tr><td><p style="line-height:1.5">{_e(digest.intro, 2000)}</p></td></tr>')
    if digest.empty:
        rows.append(f"<tr><td><p>{no_picks(period_unit(digest.period.key))}</p></td></tr>")
    if digest.tldr:
        bullets = "".join(f'<li style="margin:4px 0">{_e(b, 400)}</li>' for b in digest.tldr)
        rows.append('<tr><td style="background:#f3f4f6;padding:12px 16px;border-radius:8px">'
                    '<h2 style="margin:0;font-size:18px">TL;DR</h2>'
                    f'<ul style="margin:6px 0 0;padding-left:20px">{bullets}</ul></td></tr>')
    for section in digest.sections:
        rows.append(f'<tr><td><h2 style="margin:20px 0 0;font-size:19px">'
                    f'{_e(section.title)}</h2></td></tr>')
        rows.extend(_item(item) for item in section.items)
    if digest.also_shared:
        links = "".join(
            f"<li>{_link(i.url, _e(i.title, 150))}"
            + (f' <span style="{MUTED}">· {_e(i.site, 80)}</span>' if i.site else "") + "</li>"
            for i in digest.also_shared)
        rows.append('<tr><td><h2 style="margin:20px 0 0;font-size:19px">Also shared</h2>'
                    f'<ul style="padding-left:20px">{links}</ul></td></tr>')
    footer = footer_text(digest, lambda name: _e(name, 80))
    if digest.previous_label:
        footer += " · " + _link(digest.previous_url, _e(digest.previous_label, 80))
    rows.append(f'<tr><td style="padding-top:16px;{MUTED}">{footer}</td></tr>')
    body = "\n".join(rows)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(digest.title)}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#ffffff;{FONT}color:#111827">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0">'
        '<tr><td align="center" style="padding:16px">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="max-width:600px">\n'
        f"{body}\n</table></td></tr></table></body></html>\n"
    )
