"""The core's exceptions. Third-party errors are converted at the boundary.

DigestifError
├── UserError                 message is safe to show to a member as is
│   ├── InvalidLink           not an http(s) URL, or nothing to submit
│   ├── UnknownSubmission     no submission with that number in this community
│   ├── PermissionDenied      a moderator command run by a member
│   ├── VotingLocked          votes are locked for the period
│   └── InvalidSetting        a setting value that cannot be used
├── FetchError                a page could not be fetched; ``reason`` is short and member-safe
│   ├── BlockedAddress        the guard refused the target (non-public address, scheme, port)
│   ├── FetchTimeout          connect/read timeout or the overall deadline
│   ├── TooLarge              declared or decoded body over the cap
│   ├── UnsupportedContent    a content type we do not read
│   ├── TooManyRedirects      redirect loop or more hops than allowed
│   └── HttpStatus            the server answered with an error status
├── ExtractError              the page has no usable content
├── SummarizeError            a summarizer could not produce a summary
│   └── LLMUnavailable        the LLM failed after retries, or is misconfigured
├── PublishError              a platform refused or failed to post a digest
├── MailError                 the mail server refused or could not be reached; ``temporary``
├── StorageError              the store failed; the message names the file and why (exit 3)
│   └── OutputFileError       a file the operator asked for (--out) cannot be written
└── ConfigError               the settings are unusable
"""

from __future__ import annotations


class DigestifError(Exception):
    """Root of every error the core raises."""


class UserError(DigestifError):
    """An error whose message is written for the member who caused it."""


class InvalidLink(UserError):
    pass


class UnknownSubmission(UserError):
    def __init__(self, number: int) -> None:
        super().__init__(f"There is no submission #{number} here.")
        self.number = number


class PermissionDenied(UserError):
    pass


class VotingLocked(UserError):
    pass


class InvalidSetting(UserError):
    pass


class FetchError(DigestifError):
    """The page could not be fetched. ``reason`` is short and safe to show a member."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BlockedAddress(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class UnsupportedContent(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class HttpStatus(FetchError):
    def __init__(self, status: int) -> None:
        super().__init__(f"the server answered HTTP {status}")
        self.status = status


class ExtractError(DigestifError):
    pass


class SummarizeError(DigestifError):
    pass


class LLMUnavailable(SummarizeError):
    pass


class PublishError(DigestifError):
    pass


class MailError(DigestifError):
    """The mail server refused a message or could not be reached. ``temporary``: worth
    trying again (a 4xx reply, a connection lost or timed out); a 5xx refusal is not."""

    def __init__(self, message: str, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class StorageError(DigestifError):
    pass


class OutputFileError(StorageError):
    pass


class ConfigError(DigestifError):
    pass
