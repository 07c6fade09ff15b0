"""The platforms' own API specifications (the third-party copies under shared/specs), to
check the fakes' payloads and the bot's requests against: Discord's OpenAPI 3.1 document and
Slack's Web API Swagger 2.0 document."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

_ROOT = Path(__file__).resolve().parents[2]
_PLACES = (os.environ.get("SPEC_DIR", ""), str(_ROOT.parent / "shared" / "specs"),
           str(_ROOT / "shared" / "specs"), "/work/shared/specs")
DISCORD = "discord-api-spec/openapi.json"
SLACK = "slack-api-specs/slack_web_openapi_v2_without_examples.json"


def spec_dir() -> Path | None:
    """Where the specs are (SPEC_DIR, else shared/specs beside or inside the checkout)."""
    return next((Path(p) for p in _PLACES if p and (Path(p) / DISCORD).is_file()), None)


@functools.cache
def _document(name: str) -> dict[str, Any]:
    where = spec_dir()
    if where is None:
        return {}
    data: dict[str, Any] = json.loads((where / name).read_text(encoding="utf-8"))
    return data


def discord_errors(schema: str, payload: Any) -> list[str]:
    """Where ``payload`` breaks the Discord spec's ``components/schemas/<schema>``; [] when
    it fits (or when the spec is not on this machine: spec_dir() tells)."""
    document = _document(DISCORD)
    if not document:
        return []
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}",
                                      "components": document["components"]})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(payload)]


def discord_query(path: str, method: str, query: dict[str, str]) -> list[str]:
    """Query arguments the Discord spec does not allow on ``path`` (a template such as
    /channels/{channel_id}/messages): unknown names, integers out of their bounds."""
    document = _document(DISCORD)
    if not document:
        return []
    declared = {p["name"]: p.get("schema", {})
                for p in document["paths"][path][method.lower()].get("parameters", [])
                if p.get("in") == "query"}
    errors = []
    for name, value in query.items():
        schema = declared.get(name)
        if schema is None:
            errors.append(f"{name}: not a query argument of {method} {path}")
        elif schema.get("type") == "integer" and not (
                value.isdigit() and schema.get("minimum", 0) <= int(value)
                <= schema.get("maximum", 1 << 63)):
            errors.append(f"{name}={value}: out of bounds")
    return errors


def slack_arguments(method: str) -> dict[str, dict[str, Any]]:
    """The arguments the Slack spec declares for a Web API method, by name."""
    document = _document(SLACK)
    if not document:
        return {}
    operations = document["paths"].get(f"/{method}", {})
    return {p["name"]: p for op in operations.values() if isinstance(op, dict)
            for p in op.get("parameters", [])}
