"""Discord's message limits, as its API enforces them (the fake refuses what breaks them)."""

from __future__ import annotations

from typing import Any

CONTENT, EMBEDS, TOTAL = 2000, 10, 6000
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, AUTHOR = (
    256, 4096, 25, 256, 1024, 2048, 256)


def embed_size(embed: dict[str, Any]) -> int:
    """What counts against the 6000 characters of a message's embeds."""
    fields = embed.get("fields") or []
    return (len(embed.get("title") or "") + len(embed.get("description") or "")
            + len((embed.get("footer") or {}).get("text") or "")
            + len((embed.get("author") or {}).get("name") or "")
            + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields))


def message_errors(body: dict[str, Any]) -> list[str]:
    """Every limit a message payload breaks; [] when Discord would take it."""
    errors = []
    if len(body.get("content") or "") > CONTENT:
        errors.append(f"content over {CONTENT}")
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors.append(f"more than {EMBEDS} embeds")
    for embed in embeds:
        for key, cap in (("title", TITLE), ("description", DESCRIPTION)):
            if len(embed.get(key) or "") > cap:
                errors.append(f"{key} over {cap}")
        if len((embed.get("footer") or {}).get("text") or "") > FOOTER:
            errors.append(f"footer over {FOOTER}")
        if len((embed.get("author") or {}).get("name") or "") > AUTHOR:
            errors.append(f"author over {AUTHOR}")
        fields = embed.get("fields") or []
        if len(fields) > FIELDS:
            errors.append(f"more than {FIELDS} fields")
        if any(len(f.get("name") or "") > FIELD_NAME or len(f.get("value") or "") > FIELD_VALUE
               or not f.get("name") or not f.get("value") for f in fields):
            errors.append("a field over its limits or empty")
        if not any(embed.get(k) for k in ("title", "description", "fields", "footer")):
            errors.append("an empty embed")
    if sum(embed_size(e) for e in embeds) > TOTAL:
        errors.append(f"embeds over {TOTAL} characters")
    if not (body.get("content") or embeds or body.get("components")):
        errors.append("an empty message")
    return errors


def mentions_parsed(body: dict[str, Any]) -> bool:
    """True when a payload could ping someone: no allowed_mentions, or one that parses."""
    allowed = body.get("allowed_mentions")
    return allowed is None or bool(allowed.get("parse")) or bool(
        allowed.get("users")) or bool(allowed.get("roles")) or bool(allowed.get("replied_user"))
