from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from bot.config import Settings
from digestif.cli import main
from tests.conftest import isolate_settings

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


@pytest.mark.parametrize(("name", "value"), [
    ("DIGESTIF_FETCH_DEADLINE", "abc"),
    ("DIGESTIF_FETCH_DEADLINE", "nan"),
    ("DIGESTIF_FETCH_READ_TIMEOUT", "inf"),
    ("DIGESTIF_LLM_TIMEOUT", "0"),
    ("DIGESTIF_FETCH_ALLOW_NETWORKS", "not-a-cidr"),
    ("DIGESTIF_FETCH_ALLOW_NETWORKS", "127.0.0.0/8,10.0.0.0/33"),
    ("DIGESTIF_SCHEDULE_GRACE_HOURS", "abc"),
    ("DIGESTIF_SCHEDULE_GRACE_HOURS", "-1"),
    ("DIGESTIF_INGEST_CONCURRENCY", "0"),
    ("DIGESTIF_INGEST_CONCURRENCY", "-3"),
    ("DIGESTIF_CPU_WORKERS", "99999999999999999999999"),
    ("DIGESTIF_FETCH_MAX_BYTES", "0"),
    ("DIGESTIF_HTTP_PORT", "70000"),
    ("DIGESTIF_LOG_LEVEL", "LOUD"),
    ("DIGESTIF_MAIL_FROM", "Digest <digest@example.org>"),
    ("SMTP_PORT", "0"),
    ("SMTP_HOST", "smtp example org"),
    ("SMTP_STARTTLS", "maybe"),
    ("DIGESTIF_DB_POOL_SIZE", "0"),
    ("DIGESTIF_DB_POOL_SIZE", "101"),
])
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    name: str, value: str,
) -> None:
    monkeypatch.setenv("DIGESTIF_DB", str(tmp_path / "never.sqlite3"))
    monkeypatch.setenv(name, value)
    assert main(["queue"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"digestif: setting {name}={value[:60]} is not valid: ")
    assert not (tmp_path / "never.sqlite3").exists()


def test_a_bad_secret_is_named_but_not_echoed(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DIGESTIF_FETCH_PER_HOST", "many")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-print")
    monkeypatch.setenv("DIGESTIF_LLM_MAX_RETRIES", "-1")
    assert main(["queue"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "DIGESTIF_LLM_MAX_RETRIES=-1" in err
    assert "sk-do-not-print" not in err


def test_mail_needs_a_sender_and_never_echoes_the_password(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("SMTP_PASSWORD", "hunter2")
    assert main(["queue"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("digestif: setting DIGESTIF_MAIL_FROM is not valid: SMTP_HOST is set")
    monkeypatch.setenv("DIGESTIF_MAIL_FROM", "Digest@Example.ORG")
    settings = Settings()
    assert settings.mail_configured and settings.mail_from == "Digest@example.org"
    assert "hunter2" not in repr(settings) and settings.smtp_starttls


def test_a_bad_value_with_line_breaks_is_still_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DIGESTIF_MAIL_FROM", "digest@example.org\r\nBcc: eve@evil.test")
    assert main(["queue"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\r" not in err
    assert err.startswith("digestif: setting DIGESTIF_MAIL_FROM=digest@example.org??Bcc: ")


def test_a_database_url_must_be_postgresql_and_is_never_echoed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DIGESTIF_DATABASE_URL", "mysql://bot:hunter2@db/x")
    assert main(["queue"]) == 2
    err = capsys.readouterr().err
    assert err == ("digestif: setting DIGESTIF_DATABASE_URL is not valid: use "
                   "postgresql://user:password@host:5432/name, or leave it unset for the SQLite "
                   "file (DIGESTIF_DB)\n")


def test_the_database_url_chooses_postgresql(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings().database_kind == "sqlite"
    monkeypatch.setenv("DIGESTIF_DATABASE_URL", " ")
    assert Settings().database_kind == "sqlite"
    monkeypatch.setenv("DIGESTIF_DATABASE_URL", "postgresql://bot:hunter2@db:5432/digestif")
    settings = Settings()
    assert settings.database_kind == "postgresql"
    assert "hunter2" not in repr(settings)


def test_tests_never_read_a_developers_env_file(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """The autouse fixture in tests/conftest.py: a checkout with a hostile .env and
    DIGESTIF_* variables in the shell changes nothing a test sees."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".env").write_text("DIGESTIF_FETCH_ALLOW_NETWORKS=0.0.0.0/0\n"
                                   "DIGESTIF_DB=/nonexistent/evil.sqlite3\n", encoding="utf-8")
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-developer")
    assert Settings().fetch_allow_networks  # what a test would see without the fixture
    isolate_settings(monkeypatch, tmp_path)
    settings = Settings()
    assert settings.fetch_allow_networks == () and settings.db_path is None
    assert not settings.llm_configured
    assert not (Path.cwd() / ".env").exists() and Path.cwd() != ROOT
