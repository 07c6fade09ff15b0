"""Process-wide settings, read from the environment (and a .env file) by pydantic-settings.

Per-community settings (schedule, emoji, picks, ...) live in the database, not here.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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
    db_lock_timeout: float = Field(30.0, ge=0, validation_alias=_env("DIGESTIF_DB_LOCK_TIMEOUT"))
    community: str = Field("local", validation_alias=_env("DIGESTIF_COMMUNITY"))
    log_level: str = Field("INFO", validation_alias=_env("DIGESTIF_LOG_LEVEL"))

    # fetching
    fetch_allow_networks: Annotated[tuple[Network, ...], NoDecode] = Field(
        (), validation_alias=_env("DIGESTIF_FETCH_ALLOW_NETWORKS")
    )
    fetch_max_bytes: int = Field(5_000_000, validation_alias=_env("DIGESTIF_FETCH_MAX_BYTES"))
    fetch_deadline: float = Field(20.0, validation_alias=_env("DIGESTIF_FETCH_DEADLINE"))
    fetch_connect_timeout: float = Field(
        5.0, validation_alias=_env("DIGESTIF_FETCH_CONNECT_TIMEOUT")
    )
    fetch_read_timeout: float = Field(10.0, validation_alias=_env("DIGESTIF_FETCH_READ_TIMEOUT"))
    fetch_max_redirects: int = Field(5, validation_alias=_env("DIGESTIF_FETCH_MAX_REDIRECTS"))
    fetch_per_host: int = Field(4, validation_alias=_env("DIGESTIF_FETCH_PER_HOST"))
    max_links_per_message: int = Field(5, validation_alias=_env("DIGESTIF_MAX_LINKS_PER_MESSAGE"))
    ingest_concurrency: int = Field(16, validation_alias=_env("DIGESTIF_INGEST_CONCURRENCY"))
    cpu_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1),
        validation_alias=_env("DIGESTIF_CPU_WORKERS"),
    )

    # summarizing
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("DIGESTIF_LLM_MODEL"))
    llm_timeout: float = Field(20.0, validation_alias=_env("DIGESTIF_LLM_TIMEOUT"))
    llm_max_retries: int = Field(2, validation_alias=_env("DIGESTIF_LLM_MAX_RETRIES"))
    llm_max_input_tokens: int = Field(3000, validation_alias=_env("DIGESTIF_LLM_MAX_INPUT_TOKENS"))
    summary_words: int = Field(55, validation_alias=_env("DIGESTIF_SUMMARY_WORDS"))

    # discord
    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    discord_api_base: str | None = Field(None, validation_alias=_env("DISCORD_API_BASE"))
    discord_gateway_url: str | None = Field(None, validation_alias=_env("DISCORD_GATEWAY_URL"))

    # slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str | None = Field(None, validation_alias=_env("SLACK_API_URL"))
    http_host: str = Field("127.0.0.1", validation_alias=_env("DIGESTIF_HTTP_HOST"))
    http_port: int = Field(3000, validation_alias=_env("DIGESTIF_HTTP_PORT"))

    # digests
    public_url: str = Field("", validation_alias=_env("DIGESTIF_PUBLIC_URL"))
    # schedule
    schedule_grace_hours: float = Field(
        24.0, validation_alias=_env("DIGESTIF_SCHEDULE_GRACE_HOURS")
    )

    @field_validator("fetch_allow_networks", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(
                ipaddress.ip_network(part.strip(), strict=False)
                for part in value.split(",")
                if part.strip()
            )
        return value

    @property
    def database(self) -> Path:
        return self.db_path if self.db_path is not None else self.data_dir / "digestif.sqlite3"

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None
