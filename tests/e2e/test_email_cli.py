"""`digestif email --period …` sends a posted digest again on purpose: the real command in
its own process, the real SMTP server (aiosmtpd) on 127.0.0.1 in this one."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.config import Settings
from digestif.bootstrap import open_app
from tests.conftest import SETTINGS_PREFIXES
from tests.fakes.pipeline import FakeClock
from tests.fakes.smtp_server import SmtpServer
from tests.integration.test_mail import MOD, C, opened, stories


async def _digestif(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "digestif.cli", "email", "--community", C, *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _env(db: Path, smtp: SmtpServer | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    env |= {"DIGESTIF_DB": str(db), "DIGESTIF_LOG_LEVEL": "WARNING"}
    if smtp is not None:
        env |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port),
                "SMTP_STARTTLS": "false", "DIGESTIF_MAIL_FROM": "digest@club.test"}
    return env


async def _posted_week(db: Path, smtp: SmtpServer) -> str:
    """A database whose club posted this week's digest (and e-mailed it once)."""
    async with opened(db, smtp, FakeClock()) as world:
        await stories(world)
        period = await world.post()
        await world.app.mailing.drain()
    return period


async def test_email_sends_a_posted_week_again(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    async with SmtpServer() as smtp:
        period = await _posted_week(db, smtp)
        assert len(smtp.received) == 1
        code, out, err = await _digestif(_env(db, smtp), "--period", period)
        assert (code, out, err) == (0, f"E-mailed the digest {period} to 2 addresses.\n", "")
        first, again = smtp.received
        assert again.recipients == first.recipients
        assert again.message["Subject"] == first.message["Subject"]
        assert ".2.club." in str(again.message["Message-ID"]), "a new attempt, a new id"


async def test_email_refuses_what_it_cannot_send(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    async with SmtpServer() as smtp:
        period = await _posted_week(db, smtp)
        code, out, err = await _digestif(_env(db, smtp), "--period", "2026-W40")
        assert (code, out) == (2, "")
        assert err == ("digestif: The digest 2026-W40 was never posted, so there is nothing "
                       "to e-mail.\n")
        code, _, err = await _digestif(_env(db, None), "--period", period)
        assert (code, err) == (2, "digestif: E-mail is not set up: set SMTP_HOST and "
                                  "DIGESTIF_MAIL_FROM.\n")
        smtp.data_replies = ["554 5.7.1 Relay access denied"]
        code, out, err = await _digestif(_env(db, smtp), "--period", period)
        log_line, told = err.splitlines()
        assert code == 1 and out == "" and "ERROR bot.mailing" in log_line
        assert told.startswith(f"digestif: The digest {period} could not be e-mailed: the "
                               "mail server answered 554 5.7.1 Relay access denied")
        assert len(smtp.received) == 1, "only the first, automatic one got through"


async def test_email_needs_a_list(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    async with SmtpServer() as smtp:
        period = await _posted_week(db, smtp)
        async with open_app(Settings(db_path=db, cpu_workers=0)) as app:
            await app.editor.configure(C, MOD, "email_to", "none")
        code, _, err = await _digestif(_env(db, smtp), "--period", period)
        assert (code, err) == (2, "digestif: club has no e-mail addresses: a moderator sets "
                                  "them with /config email_to ADDRESSES.\n")
