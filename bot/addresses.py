"""E-mail addresses, parsed strictly: a bare ``local@domain`` in plain ASCII and nothing else.

A moderator's ``email_to`` and the operator's ``DIGESTIF_MAIL_FROM`` end up in mail headers
and SMTP commands, so what is accepted here is the small, unambiguous subset of RFC 5321/5322
that every mail server takes: no display names, comments, quoted local parts, IP literals,
source routes or non-ASCII (internationalized addresses need SMTPUTF8, which not every relay
offers). Nothing that could split a header or a command (CR, LF, angle brackets, commas,
quotes, spaces) can be part of an accepted address.
"""

from __future__ import annotations

import re

from bot.errors import InvalidSetting

MAX_RECIPIENTS = 50  # a bigger list belongs on a mailing list address
MAX_LOCAL = 64  # RFC 5321 4.5.3.1.1
MAX_ADDRESS = 254  # RFC 5321 4.5.3.1.3 (a path of 256 octets, less the angle brackets)
CLEAR_WORDS = frozenset({"none", "off", "-"})

# dot-atom text (RFC 5322 3.2.3): atext runs joined by single dots.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
# A DNS name of letters, digits and hyphens (RFC 1123), at least two labels; the last is a
# top-level domain: letters, or an IDNA ``xn--`` label.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")
_SHOWN = re.compile(r"[^\x21-\x7e]")


def _shown(text: str) -> str:
    """An address that was refused, safe to echo: printable ASCII, bounded."""
    return repr(_SHOWN.sub("?", text)[:60])


def address(text: str) -> str:
    """One address, checked, with its domain in lower case. Raises InvalidSetting naming the
    problem."""
    value = text.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise InvalidSetting(f"{_shown(value)} is not an e-mail address: use name@example.org.")
    if len(value) > MAX_ADDRESS or len(local) > MAX_LOCAL:
        raise InvalidSetting(f"{_shown(value)} is too long for an e-mail address.")
    if not value.isascii():
        raise InvalidSetting(f"{_shown(value)}: use an ASCII address (a domain in its xn-- "
                             "form).")
    if not _LOCAL.fullmatch(local):
        raise InvalidSetting(f"{_shown(value)} is not an e-mail address: only the plain "
                             "name@domain form is accepted (no names, quotes or brackets).")
    labels = domain.split(".")
    if (len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels)
            or not _TLD.fullmatch(labels[-1])):
        raise InvalidSetting(f"{_shown(value)} does not have a valid domain name.")
    return f"{local}@{domain.lower()}"


def address_list(text: str) -> tuple[str, ...]:
    """Addresses separated by commas, semicolons or spaces, each checked, duplicates dropped
    (domains compare without case); "none" is the empty list."""
    if text.strip().lower() in CLEAR_WORDS:
        return ()
    found: dict[str, None] = {}  # in order, once each
    for word in text.replace(",", " ").replace(";", " ").split():
        found[address(word)] = None
        if len(found) > MAX_RECIPIENTS:
            raise InvalidSetting(f"At most {MAX_RECIPIENTS} addresses: for more, use a "
                                 "mailing list's address.")
    return tuple(found)


def check_addresses(value: tuple[str, ...]) -> None:
    """A stored list: each address as ``address`` returns it, at most MAX_RECIPIENTS."""
    if len(value) > MAX_RECIPIENTS:
        raise InvalidSetting(f"At most {MAX_RECIPIENTS} addresses.")
    for item in value:
        if address(item) != item:
            raise InvalidSetting(f"{_shown(item)} is not a checked e-mail address.")
    if len(set(value)) != len(value):
        raise InvalidSetting("An address is listed twice.")


def domain_of(checked: str) -> str:
    """The domain of an address ``address`` accepted."""
    return checked.rpartition("@")[2]
