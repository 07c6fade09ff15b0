"""A posted digest as one e-mail: text and HTML alternatives, and the headers a newsletter
carries (List-Id, List-Unsubscribe, a stable Message-ID).

Recipients never see each other: the message is addressed To the list itself (the sender's
address, under the newsletter's name) and delivered to each subscriber by the SMTP envelope
alone, the way mailing lists do it; no Bcc header is ever written.

Every header is set through ``email.message.EmailMessage`` with the SMTP policy, which folds
and encodes values and refuses CR or LF in one; on top of that, every text taken from a page,
a member or a setting goes through ``plain`` (one line, no control characters). Addresses
come checked by bot.addresses.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from bot.addresses import domain_of
from bot.digest import Digest
from bot.render.html import render_html
from bot.render.markdown import render_markdown
from bot.render.text import plain

_NOT_ATOM = re.compile(r"[^a-z0-9-]+")


def _label(community: str) -> str:
    """The community as a dot-atom word, readable and unique: 'discord-123.1a2b3c4d'."""
    readable = _NOT_ATOM.sub("-", community.lower()).strip("-")[:40] or "community"
    return f"{readable}.{hashlib.sha256(community.encode()).hexdigest()[:8]}"


def message_id(community: str, period: str, attempt: int, sender: str) -> str:
    """The same for every retry of one attempt (so a server that did get a first try can
    tell the second is the same message), new for each deliberate resend."""
    week = _NOT_ATOM.sub("-", period.lower()).strip("-") or "period"
    return f"<digest.{week}.{attempt}.{_label(community)}@{domain_of(sender)}>"


def list_id(community: str, name: str, sender: str) -> str:
    """RFC 2919: the newsletter's name as the phrase, then <label.domain>."""
    phrase = plain(name, 80).replace("\\", "").replace('"', "")
    return f'"{phrase}" <{_label(community)}.{domain_of(sender)}>'


def digest_message(digest: Digest, *, sender: str, list_name: str, attempt: int,
                   now: datetime) -> EmailMessage:
    """The digest as posted, as a multipart/alternative message from ``sender`` (a checked
    address) under ``list_name``. The recipients are given to the SMTP envelope only."""
    message = EmailMessage(policy=policy.SMTP)
    local, _, domain = sender.rpartition("@")
    the_list = Address(display_name=plain(list_name, 80), username=local, domain=domain)
    message["From"] = the_list
    message["To"] = the_list
    message["Subject"] = plain(digest.title, 200) or plain(list_name, 80)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(digest.community, digest.period.key, attempt, sender)
    message["List-Id"] = list_id(digest.community, list_name, sender)
    message["List-Unsubscribe"] = f"<mailto:{sender}?subject=unsubscribe>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders stay quiet
    message.set_content(render_markdown(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message

