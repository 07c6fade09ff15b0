"""Summaries from an OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp).

Page text is data, not instructions: it is fenced and the system prompt says so, and the
answer is checked afterwards regardless (sanitize.clean_summary). Failures are bounded: a
per-request timeout, a few retries that honour Retry-After up to a cap, then the offline
summary, recorded as such. A bad key, model or base URL opens a breaker for a while, with one
clear log line, instead of a retry storm.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Sequence

import openai

from bot.config import Settings
from bot.cpu import CpuPool
from bot.errors import LLMUnavailable
from bot.models import Article, BriefItem, Summary, SummaryPrefs, SummarySource
from bot.summarize.cache import SummaryCache
from bot.summarize.offline import OfflineSummarizer, brief_emoji
from bot.summarize.prompts import brief_messages, summary_messages
from bot.summarize.sanitize import clean_summary, strip_unsafe

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 10.0  # seconds we are willing to wait when the server asks us to
MISCONFIGURED_PAUSE = 600.0  # seconds without LLM calls after a bad key, model or URL
UNREACHABLE_PAUSE = 60.0
CHARS_PER_TOKEN = 4
_FATAL = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError,
          openai.BadRequestError)


class LLMSummarizer:
    """Implements bot.ports.Summarizer with an LLM, falling back to the offline one."""

    def __init__(self, settings: Settings, cache: SummaryCache | None = None,
                 cpu: CpuPool | None = None) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self._client = openai.AsyncOpenAI(
            # Local servers (Ollama, llama.cpp) need no key but the client wants one.
            api_key=key or "not-needed",
            base_url=settings.openai_base_url or None,
            timeout=settings.llm_timeout,
            max_retries=0,  # retries are ours, so Retry-After and the breaker apply
        )
        self._model = settings.llm_model
        self._retries = settings.llm_max_retries
        self._max_input_chars = settings.llm_max_input_tokens * CHARS_PER_TOKEN
        self._cache = cache
        self._offline = OfflineSummarizer(cpu)
        self._paused_until = 0.0

    async def aclose(self) -> None:
        await self._client.close()

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        if article.flag is not None or not article.text.strip():
            return Summary("", SummarySource.NONE)
        key = self._cache_key(article, prefs)
        if self._cache is not None:
            cached = await self._cache.get(key)
            if cached is not None:
                return cached
        text = article.text[: self._max_input_chars]
        try:
            answer = await self._complete(
                summary_messages(article.title, article.site_name, text, prefs,
                                 article.language), max_tokens=prefs.max_words * 3)
        except LLMUnavailable as err:
            log.warning("LLM summary failed, using the offline summary: %s", err)
            return await self._fallback(article, prefs)
        cleaned = clean_summary(answer, prefs.max_words)
        if not cleaned:
            log.warning("LLM answer for %s was not a usable summary; using the offline one",
                        article.url)
            return await self._fallback(article, prefs)
        summary = Summary(cleaned, SummarySource.LLM, self._model)
        if self._cache is not None:
            await self._cache.put(key, summary)
        return summary

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        if not picks:
            return ()
        try:
            answer = await self._complete(brief_messages(picks[:10], prefs), max_tokens=400)
        except LLMUnavailable as err:
            log.warning("LLM TL;DR failed, using the offline one: %s", err)
            return await self._offline.brief(picks, prefs)
        bullets = []
        for line in answer.splitlines():
            bullet = strip_unsafe(line).lstrip("-*• ").strip()
            if len(bullet.split()) >= 3:
                words = bullet.split()[:30]
                bullets.append(" ".join(words))
        if not 3 <= len(bullets) <= 5 and len(bullets) < len(picks[:3]):
            return await self._offline.brief(picks, prefs)
        return tuple(_with_emoji(b, picks[min(i, len(picks) - 1)])
                     for i, b in enumerate(bullets[:5]))

    async def _fallback(self, article: Article, prefs: SummaryPrefs) -> Summary:
        offline = await self._offline.summarize(article, prefs)
        return Summary(offline.text, SummarySource.OFFLINE_FALLBACK)

    def _cache_key(self, article: Article, prefs: SummaryPrefs) -> str:
        digest = hashlib.sha256()
        for part in (self._model, prefs.language, prefs.instructions, str(prefs.max_words),
                     article.title, article.site_name, article.text):
            digest.update(part.encode("utf-8", "replace") + b"\x00")
        return "llm:" + digest.hexdigest()

    async def _complete(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        if time.monotonic() < self._paused_until:
            raise LLMUnavailable("the LLM is paused after an earlier configuration error")
        for attempt in range(self._retries + 1):
            try:
                response = await self._client.chat.completions.create(
                    model=self._model, messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens, temperature=0.2,
                )
            except _FATAL as err:
                self._pause(MISCONFIGURED_PAUSE)
                log.error("LLM request refused (HTTP %s): check OPENAI_API_KEY, "
                          "DIGESTIF_LLM_MODEL and OPENAI_BASE_URL; pausing LLM calls for %ds",
                          err.status_code, MISCONFIGURED_PAUSE)
                raise LLMUnavailable(f"refused with HTTP {err.status_code}") from err
            except openai.APITimeoutError as err:
                if attempt == self._retries:
                    raise LLMUnavailable("timed out") from err
                await self._backoff(attempt, None)
            except openai.APIConnectionError as err:
                self._pause(UNREACHABLE_PAUSE)
                log.error("LLM server unreachable at %s: %s; pausing LLM calls for %ds",
                          self._client.base_url, err, UNREACHABLE_PAUSE)
                raise LLMUnavailable("the LLM server is unreachable") from err
            except openai.APIStatusError as err:
                wait = _retry_after(err)
                if attempt == self._retries or (wait is not None and wait > RETRY_AFTER_CAP):
                    raise LLMUnavailable(f"HTTP {err.status_code}") from err
                await self._backoff(attempt, wait)
            else:
                choices = response.choices or []
                content = choices[0].message.content if choices else None
                if not content:
                    raise LLMUnavailable("the answer was empty")
                return content
        raise LLMUnavailable("no answer")  # unreachable: the loop returns or raises

    def _pause(self, seconds: float) -> None:
        self._paused_until = time.monotonic() + seconds

    @staticmethod
    async def _backoff(attempt: int, retry_after: float | None) -> None:
        delay = retry_after if retry_after is not None else 0.5 * 2**attempt
        await asyncio.sleep(min(delay, RETRY_AFTER_CAP) + random.uniform(0, 0.1))


def _retry_after(err: openai.APIStatusError) -> float | None:
    raw = err.response.headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def _with_emoji(bullet: str, pick: BriefItem) -> str:
    first = bullet[:1]
    if first and not first.isalnum() and not first.isspace():
        return bullet  # the model already led with an emoji
    return f"{brief_emoji(pick)} {bullet}"
