"""The core's MailTransport on aiosmtplib: one SMTP session per message, its failures
sorted into temporary (worth trying again) and permanent, as bot.errors.MailError."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from email.message import EmailMessage

import aiosmtplib
from pydantic import SecretStr

from bot.config import Settings
from bot.errors import MailError

TIMEOUT = 60.0  # seconds for each step of a session (connect, each command, the data)
IMPLICIT_TLS_PORT = 465  # "submissions" (RFC 8314): TLS from the first byte


def temporary(code: int) -> bool:
    """SMTP's own rule: 4yz is a transient failure, 5yz a permanent one (RFC 5321 4.2.1)."""
    return 400 <= code < 500


class SmtpTransport:
    """Implements bot.platform_ports.MailTransport."""

    def __init__(self, host: str, port: int, *, username: str | None = None,
                 password: SecretStr | None = None, starttls: bool = True,
                 timeout: float = TIMEOUT) -> None:
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpTransport:
        assert settings.smtp_host is not None, "only built when mail is configured"
        return cls(settings.smtp_host, settings.smtp_port, username=settings.smtp_username,
                   password=settings.smtp_password, starttls=settings.smtp_starttls)

    async def send(self, message: EmailMessage, sender: str,
                   recipients: Sequence[str]) -> dict[str, str]:
        implicit = self._port == IMPLICIT_TLS_PORT
        password = self._password.get_secret_value() if self._password is not None else None
        # Not aiosmtplib.send: on the way out of an error or a cancellation it says QUIT and
        # waits for an answer a stuck server never gives; here the connection just closes.
        client = aiosmtplib.SMTP(
            hostname=self._host, port=self._port, username=self._username, password=password,
            use_tls=implicit, start_tls=self._starttls and not implicit, timeout=self._timeout)
        try:
            await client.connect()  # TLS as configured, then AUTH when a username is set
            refused, _ = await client.send_message(message, sender=sender,
                                                   recipients=list(recipients))
            with contextlib.suppress(aiosmtplib.SMTPException):
                await client.quit()  # the message is the server's now, whatever it answers
        except aiosmtplib.SMTPRecipientsRefused as err:
            codes = [r.code for r in err.recipients]
            raise MailError(f"every address was refused ({_reply(err.recipients[0])})",
                            temporary=all(temporary(c) for c in codes)) from err
        except aiosmtplib.SMTPResponseException as err:
            raise MailError(f"the mail server answered {_reply(err)}",
                            temporary=temporary(err.code)) from err
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected,
                aiosmtplib.SMTPTimeoutError, OSError) as err:
            raise MailError(f"the mail server {self._host}:{self._port} could not be "
                            f"reached ({_why(err)})", temporary=True) from err
        except aiosmtplib.SMTPException as err:  # e.g. no STARTTLS where it is required
            raise MailError(f"the mail server could not be used ({_why(err)})",
                            temporary=False) from err
        finally:
            client.close()
        return {address: f"{reply.code} {_one_line(reply.message)}"
                for address, reply in refused.items()}


def _reply(err: aiosmtplib.SMTPResponseException) -> str:
    return f"{err.code} {_one_line(err.message)}"


def _why(err: BaseException) -> str:
    return _one_line(str(err)) or type(err).__name__


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
