from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _env_names() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices)
        names.update(str(choice) for choice in alias.choices)
    return names


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert listed == _env_names()


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DIGESTIF_FETCH_ALLOW_NETWORKS", "127.0.0.0/8, ::1/128")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("DIGESTIF_DB", str(tmp_path / "x.sqlite3"))
    settings = Settings()
    assert settings.fetch_allow_networks == (ipaddress.ip_network("127.0.0.0/8"),
                                             ipaddress.ip_network("::1/128"))
    assert settings.database == tmp_path / "x.sqlite3"
    assert settings.llm_configured
    assert "sk-secret" not in repr(settings)


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in _env_names():
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.community, settings.fetch_allow_networks, settings.llm_configured) == (
        "local", (), False)
    assert settings.database == Path("data") / "digestif.sqlite3"
