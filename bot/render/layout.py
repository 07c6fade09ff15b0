"""The one HTML template: the e-mail HTML (bot.render.html) and every page of the web archive
(bot.render.site) are laid out by ``document``.

Inline styles carry the light look, so mail clients that drop <style> still read well; the
<style> block adds what only browsers and good mail clients do: a dark colour scheme, long
words and URLs wrapping at 360 px. Nothing here runs script.
"""

from __future__ import annotations

from html import escape

FONT = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
MUTED = "color:#6b7280;font-size:13px;"
LINK = "color:#1d4ed8;text-decoration:none"

# Colours in the <style> are rgb(): no '#1' that reads as a submission number. Class names
# the dark scheme recolours: k body, m muted, t boxed
# (the TL;DR), r a rule.
STYLE = """<style>
:root{color-scheme:light dark}
body{overflow-wrap:anywhere;word-wrap:break-word}
img{max-width:100%;height:auto}
nav a{display:inline-block;padding:4px 0}
@media (prefers-color-scheme:dark){
body,.k{background:rgb(17,20,24)!important;color:rgb(229,231,235)!important}
a{color:rgb(147,197,253)!important}
.m{color:rgb(156,163,175)!important}
.t{background:rgb(31,41,55)!important}
.r{border-color:rgb(55,65,81)!important}
}
</style>"""


def link(href: str, text: str) -> str:
    """``text`` (already escaped) as a link to ``href`` (already made safe by http_url, or a
    path of ours); plain text when there is no href."""
    if not href:
        return text
    return f'<a href="{escape(href, quote=True)}" style="{LINK}">{text}</a>'


def document(title: str, rows: str, *, head: str = "") -> str:
    """A whole page: ``title`` is plain text (escaped here); ``rows`` are table rows
    (``<tr><td>…</td></tr>``) of already escaped HTML; ``head`` adds trusted tags such as
    feed links."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title, quote=True)}</title>{STYLE}{head}</head>\n"
        f'<body class="k" style="margin:0;padding:0;background:#ffffff;{FONT}color:#111827">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="table-layout:fixed">'
        '<tr><td align="center" style="padding:16px">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="max-width:600px;table-layout:fixed">\n'
        f"{rows}\n</table></td></tr></table></body></html>\n"
    )
