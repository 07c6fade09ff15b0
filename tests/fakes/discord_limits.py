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


# Application commands (PUT /applications/{id}/commands, and the guild route alike), as
# Discord's docs and OpenAPI document limit them.
CHAT_INPUT, SUBCOMMAND, SUBCOMMAND_GROUP = 1, 1, 2
NAME, COMMAND_DESCRIPTION, OPTIONS, CHOICES, CHOICE_NAME, CHOICE_VALUE = 32, 100, 25, 25, 100, 100
COMMANDS = 100  # top-level commands of one type
COMMAND_SIZE = 8000  # characters of names, descriptions and choice values, all levels
_CHOICE_TYPES = (3, 4, 10)  # string, integer, number options may have choices


def command_errors(commands: list[dict[str, Any]]) -> list[str]:
    """Every limit a bulk command overwrite breaks; [] when Discord would take it."""
    errors = []
    for kind in {c.get("type", CHAT_INPUT) for c in commands}:
        if sum(c.get("type", CHAT_INPUT) == kind for c in commands) > COMMANDS:
            errors.append(f"more than {COMMANDS} commands of type {kind}")
    names = [(c.get("type", CHAT_INPUT), c.get("name")) for c in commands]
    if len(set(names)) != len(names):
        errors.append("two commands share a name")
    for command in commands:
        where = str(command.get("name"))
        chat = command.get("type", CHAT_INPUT) == CHAT_INPUT
        errors += _name_errors(where, command.get("name"), chat)
        description = command.get("description") or ""
        if chat and not 1 <= len(description) <= COMMAND_DESCRIPTION:
            errors.append(f"{where}: description not 1-{COMMAND_DESCRIPTION} characters")
        if not chat and (description or command.get("options")):
            errors.append(f"{where}: a context menu has no description or options")
        errors += _options_errors(where, command.get("options") or [], depth=0)
        if _size(command) > COMMAND_SIZE:
            errors.append(f"{where}: over {COMMAND_SIZE} characters in all")
    return errors


def _name_errors(where: str, name: Any, chat: bool) -> list[str]:
    if not isinstance(name, str) or not 1 <= len(name) <= NAME:
        return [f"{where}: name not 1-{NAME} characters"]
    if chat and (name != name.lower() or not all(ch.isalnum() or ch in "-_" for ch in name)):
        return [f"{where}: name {name!r} not lowercase letters, digits, - and _"]
    return []


def _options_errors(where: str, options: list[dict[str, Any]], depth: int) -> list[str]:
    errors = []
    if len(options) > OPTIONS:
        errors.append(f"{where}: more than {OPTIONS} options")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        errors.append(f"{where}: two options share a name")
    required = [bool(o.get("required")) for o in options if o.get("type") not in (
        SUBCOMMAND, SUBCOMMAND_GROUP)]
    if required != sorted(required, reverse=True):
        errors.append(f"{where}: a required option after an optional one")
    for option in options:
        at = f"{where} {option.get('name')}"
        errors += _name_errors(at, option.get("name"), chat=True)
        if not 1 <= len(option.get("description") or "") <= COMMAND_DESCRIPTION:
            errors.append(f"{at}: description not 1-{COMMAND_DESCRIPTION} characters")
        kind = option.get("type")
        nested = kind in (SUBCOMMAND, SUBCOMMAND_GROUP)
        if nested and depth >= (1 if kind == SUBCOMMAND_GROUP else 2):
            errors.append(f"{at}: nested too deep")
        if nested:
            errors += _options_errors(at, option.get("options") or [], depth + 1)
            continue
        choices = option.get("choices") or []
        if choices and kind not in _CHOICE_TYPES:
            errors.append(f"{at}: choices on an option of type {kind}")
        if choices and option.get("autocomplete"):
            errors.append(f"{at}: both choices and autocomplete")
        errors += choice_errors(at, choices)
    return errors


def choice_errors(where: str, choices: list[dict[str, Any]]) -> list[str]:
    """An option's choices, or an autocomplete answer's: at most 25, names 1-100 characters,
    string values at most 100."""
    errors = []
    if len(choices) > CHOICES:
        errors.append(f"{where}: more than {CHOICES} choices")
    for choice in choices:
        if not 1 <= len(choice.get("name") or "") <= CHOICE_NAME:
            errors.append(f"{where}: a choice name not 1-{CHOICE_NAME} characters")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_VALUE:
            errors.append(f"{where}: a choice value over {CHOICE_VALUE} characters")
    return errors


def _size(part: dict[str, Any]) -> int:
    return (len(part.get("name") or "") + len(part.get("description") or "")
            + sum(len(c.get("name") or "") + len(str(c.get("value", "")))
                  for c in part.get("choices") or [])
            + sum(_size(o) for o in part.get("options") or []))
