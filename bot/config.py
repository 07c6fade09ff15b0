"""Process-wide settings, read from the environment (and a .env file) by pydantic-settings.

Per-community settings (schedule, emoji, picks, ...) live in the database, not here.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.addresses import address
from bot.errors import InvalidSetting

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# A duration: positive and finite (nan, inf and 0 would make every wait hang or fail).
Seconds = Annotated[float, Field(gt=0, le=86_400, allow_inf_nan=False)]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASE_SCHEMES = ("postgresql://", "postgres://")


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # storage and identity
    data_dir: Path = Field(Path("data"), validation_alias=_env("DIGESTIF_DATA_DIR"))
    db_path: Path | None = Field(None, validation_alias=_env("DIGESTIF_DB"))
    # How long a command waits while another process holds the database's write lock.
    db_lock_timeout: float = Field(30.0, ge=0, le=86_400, allow_inf_nan=False,
                                   validation_alias=_env("DIGESTIF_DB_LOCK_TIMEOUT"))
    # How long a claim on shared work (an ingest job, the scheduler's lock) holds without
    # being renewed: a process that dies has its work taken over after about this long.
    lease_seconds: float = Field(30.0, ge=1, le=3600, allow_inf_nan=False,
                                 validation_alias=_env("DIGESTIF_LEASE_SECONDS"))
    # PostgreSQL instead of the SQLite file: postgresql://user:password@host:5432/name.
    database_url: SecretStr | None = Field(None, validation_alias=_env("DIGESTIF_DATABASE_URL"))
    db_pool_size: int = Field(10, ge=1, le=100, validation_alias=_env("DIGESTIF_DB_POOL_SIZE"))
    community: str = Field("local", min_length=1, max_length=200,
                           validation_alias=_env("DIGESTIF_COMMUNITY"))
    # None: WARNING for the interactive commands, INFO for `run` with chat platforms.
    log_level: str | None = Field(None, validation_alias=_env("DIGESTIF_LOG_LEVEL"))
    # auto: uvloop's event loop where it is installed (less CPU a request, a chat event, a
    # database call), else asyncio's own; asyncio: always asyncio's own.
    event_loop: Literal["auto", "asyncio"] = Field(
        "auto", validation_alias=_env("DIGESTIF_EVENT_LOOP"))

    # fetching
    fetch_allow_networks: Annotated[tuple[Network, ...], NoDecode] = Field(
        (), validation_alias=_env("DIGESTIF_FETCH_ALLOW_NETWORKS")
    )
    fetch_max_bytes: int = Field(5_000_000, ge=1, le=2**31,
                                 validation_alias=_env("DIGESTIF_FETCH_MAX_BYTES"))
    fetch_deadline: Seconds = Field(20.0, validation_alias=_env("DIGESTIF_FETCH_DEADLINE"))
    fetch_connect_timeout: Seconds = Field(
        5.0, validation_alias=_env("DIGESTIF_FETCH_CONNECT_TIMEOUT")
    )
    fetch_read_timeout: Seconds = Field(
        10.0, validation_alias=_env("DIGESTIF_FETCH_READ_TIMEOUT"))
    fetch_max_redirects: int = Field(5, ge=0, le=50,
                                     validation_alias=_env("DIGESTIF_FETCH_MAX_REDIRECTS"))
    fetch_per_host: int = Field(4, ge=1, le=1000, validation_alias=_env("DIGESTIF_FETCH_PER_HOST"))
    max_links_per_message: int = Field(
        5, ge=1, le=100, validation_alias=_env("DIGESTIF_MAX_LINKS_PER_MESSAGE"))
    ingest_concurrency: int = Field(16, ge=1, le=1000,
                                    validation_alias=_env("DIGESTIF_INGEST_CONCURRENCY"))
    cpu_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1), ge=0, le=256,
        validation_alias=_env("DIGESTIF_CPU_WORKERS"),
    )

    # summarizing
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("DIGESTIF_LLM_MODEL"))
    llm_timeout: Seconds = Field(20.0, validation_alias=_env("DIGESTIF_LLM_TIMEOUT"))
    llm_max_retries: int = Field(2, ge=0, le=20, validation_alias=_env("DIGESTIF_LLM_MAX_RETRIES"))
    llm_max_input_tokens: int = Field(
        3000, ge=1, le=10_000_000, validation_alias=_env("DIGESTIF_LLM_MAX_INPUT_TOKENS"))
    # LLM summaries run apart from fetching: at most this many at once.
    llm_concurrency: int = Field(4, ge=1, le=1000,
                                 validation_alias=_env("DIGESTIF_LLM_CONCURRENCY"))
    # Seconds posting a digest waits for the model to summarize its picks.
    llm_digest_wait: Seconds = Field(60.0, validation_alias=_env("DIGESTIF_LLM_DIGEST_WAIT"))
    summary_words: int = Field(55, ge=1, le=1000, validation_alias=_env("DIGESTIF_SUMMARY_WORDS"))

    # discord
    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    discord_api_base: str | None = Field(None, validation_alias=_env("DISCORD_API_BASE"))
    discord_gateway_url: str | None = Field(None, validation_alias=_env("DISCORD_GATEWAY_URL"))
    # Shards split across processes: the total, and the ones this process runs (unset: all
    # of them, as many as Discord recommends).
    discord_shard_count: int | None = Field(None, ge=1, le=100_000,
                                            validation_alias=_env("DISCORD_SHARD_COUNT"))
    discord_shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        None, validation_alias=_env("DISCORD_SHARD_IDS"))

    # slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str | None = Field(None, validation_alias=_env("SLACK_API_URL"))
    # Distribution to many workspaces (the OAuth install flow): both set, or neither.
    slack_client_id: str | None = Field(None, min_length=1, max_length=100,
                                        validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_CLIENT_SECRET"))
    # Where Slack sends installers back; default: DIGESTIF_PUBLIC_URL + /slack/oauth_redirect.
    slack_redirect_uri: str | None = Field(None, validation_alias=_env("SLACK_REDIRECT_URI"))
    http_host: str = Field("127.0.0.1", validation_alias=_env("DIGESTIF_HTTP_HOST"))
    http_port: int = Field(3000, ge=0, le=65535, validation_alias=_env("DIGESTIF_HTTP_PORT"))

    # digests: where the web archive is reached from outside (links in digests and feeds)
    public_url: str = Field("", validation_alias=_env("DIGESTIF_PUBLIC_URL"))
    # schedule
    schedule_grace_hours: float = Field(
        24.0, ge=0, le=24 * 366, allow_inf_nan=False,
        validation_alias=_env("DIGESTIF_SCHEDULE_GRACE_HOURS")
    )

    # e-mail (bot/mailing.py): off unless SMTP_HOST and DIGESTIF_MAIL_FROM are both set
    smtp_host: str | None = Field(None, validation_alias=_env("SMTP_HOST"))
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias=_env("SMTP_PORT"))
    smtp_username: str | None = Field(None, validation_alias=_env("SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_env("SMTP_PASSWORD"))
    # STARTTLS is required (true) or not used (false, for a relay on the same host). Port
    # 465 speaks TLS from the first byte instead.
    smtp_starttls: bool = Field(True, validation_alias=_env("SMTP_STARTTLS"))
    mail_from: str | None = Field(None, validate_default=True,
                                  validation_alias=_env("DIGESTIF_MAIL_FROM"))

    @field_validator("smtp_host", "smtp_username")
    @classmethod
    def _one_word(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if len(value) > 255 or not value.strip().isprintable() or " " in value.strip():
            raise ValueError("use one word of printable characters")
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _check_mail_from(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            if info.data.get("smtp_host"):
                raise ValueError("SMTP_HOST is set: set the address digests are sent from "
                                 "too, like digest@example.org")
            return None
        try:
            return address(value)
        except InvalidSetting as err:
            raise ValueError(str(err)) from None

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if url and not (url.lower().startswith(("http://", "https://")) and "//" not in url[8:]
                        and len(url) <= 500 and url.isascii() and " " not in url):
            raise ValueError("use the archive's address, like https://digest.example.org")
        return url

    @field_validator("database_url", mode="before")
    @classmethod
    def _check_database_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(DATABASE_SCHEMES):
                raise ValueError("use postgresql://user:password@host:5432/name, or leave it "
                                 "unset for the SQLite file (DIGESTIF_DB)")
        return value

    @field_validator("fetch_allow_networks", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        networks = []
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{part[:60]!r} is not a network: use CIDRs like "
                                 "127.0.0.0/8 or ::1/128, separated by commas") from None
        return tuple(networks)

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _parse_shards(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return parse_shard_ids(value)

    @model_validator(mode="after")
    def _check_shards(self) -> Settings:
        ids, count = self.discord_shard_ids, self.discord_shard_count
        if ids is not None and count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total number "
                             "of shards across every process)")
        if ids is not None and count is not None and max(ids) >= count:
            raise ValueError(f"DISCORD_SHARD_IDS has shard {max(ids)}, but shards are "
                             f"numbered 0 to {count - 1} (DISCORD_SHARD_COUNT={count})")
        return self

    @property
    def database(self) -> Path:
        """The SQLite file (used when no DIGESTIF_DATABASE_URL is set)."""
        return self.db_path if self.db_path is not None else self.data_dir / "digestif.sqlite3"

    @property
    def mail_configured(self) -> bool:
        """Digests can be e-mailed: an SMTP server and a sender address are set."""
        return self.smtp_host is not None and self.mail_from is not None

    @property
    def database_kind(self) -> str:
        """Which store to open: "postgresql" when DIGESTIF_DATABASE_URL is set, else "sqlite"."""
        return "postgresql" if self.database_url is not None else "sqlite"

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None


def parse_shard_ids(text: str) -> tuple[int, ...] | None:
    """``0-3`` or ``0,2`` or ``0-1,4``: the shard ids, sorted and distinct; blank is None."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high) if dash else int(low)
        except ValueError:
            raise ValueError(f"{part[:30]!r} is not a shard id or range: use ids like 0-3 "
                             "or 0,2") from None
        if first < 0 or last < first or last - first > 100_000:
            raise ValueError(f"{part[:30]!r} is not a valid range: use FIRST-LAST with "
                             "0 <= FIRST <= LAST")
        ids.update(range(first, last + 1))
    return tuple(sorted(ids)) or None
