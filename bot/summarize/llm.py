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
from collections.abc import Sequence

import openai
from openai.types.chat import ChatCompletion

from bot.config import Settings
from bot.cpu import CpuPool
from bot.errors import LLMUnavailable
from bot.models import Article, BriefItem, Summary, SummaryPrefs, SummarySource
from bot.summarize.breaker import MAX_PAUSE, RETRY_AFTER_CAP, Breaker, backoff_delay, retry_after
from bot.summarize.brief import bullets_from_answer
from bot.summarize.cache import SummaryCache
from bot.summarize.offline import OfflineSummarizer
from bot.summarize.prompts import PROMPT_VERSION, brief_messages, summary_messages, trim_to_tokens
from bot.summarize.sanitize import clean_summary

log = logging.getLogger(__name__)

MISCONFIGURED_PAUSE = 600.0  # seconds without LLM calls after a bad key, model or URL
UNREACHABLE_PAUSE = 60.0
FAILING_PAUSE = 60.0  # after FAILURES_TO_PAUSE summaries in a row failed (timeouts, 5xx)
FAILURES_TO_PAUSE = 3
PLACEHOLDER_KEY = "not-needed"  # Ollama, llama.cpp: no key, but the client insists on one
_MISCONFIGURED = (openai.AuthenticationError, openai.PermissionDeniedError,
                  openai.NotFoundError)
_NOT_RETRIED = (400, 413, 422)  # this request is wrong; sending it again will not help


class _Retryable(Exception):
    """A failed attempt that another attempt may cure; ``reason`` feeds the breaker."""

    def __init__(self, message: str, reason: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.wait = wait


class LLMSummarizer:
    """Implements bot.platform_ports.Summarizer with an LLM, falling back to the offline one."""

    def __init__(self, settings: Settings, cache: SummaryCache | None = None,
                 cpu: CpuPool | None = None) -> None:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self._client = openai.AsyncOpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=settings.openai_base_url or None,
            timeout=settings.llm_timeout,
            max_retries=0,  # retries are ours, so Retry-After and the breaker apply
        )
        self._model = settings.llm_model
        self._retries = max(0, settings.llm_max_retries)
        self._max_input_tokens = settings.llm_max_input_tokens
        self._cache = cache
        self._offline = OfflineSummarizer(cpu)
        self._breaker = Breaker(FAILURES_TO_PAUSE, FAILING_PAUSE)

    @property
    def model(self) -> str:
        return self._model

    async def aclose(self) -> None:
        await self._client.close()

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        if article.flag is not None or not article.text.strip():
            return Summary("", SummarySource.NONE)
        text = trim_to_tokens(article.text, self._max_input_tokens)
        key = self._cache_key(article, text, prefs)
        cached = await self._cache_get(key)
        if cached is not None:
            return cached
        messages = summary_messages(article.title, article.site_name, text, prefs,
                                    article.language)
        try:
            answer = await self._complete(messages, max_tokens=max(64, prefs.max_words * 3))
        except LLMUnavailable as err:
            log.warning("LLM summary of %s failed (%s); using the offline summary",
                        article.url, err)
            return await self._fallback(article, prefs)
        cleaned = clean_summary(answer, prefs.max_words)
        if not cleaned:
            log.warning("LLM answer for %s was not a usable summary; using the offline one",
                        article.url)
            return await self._fallback(article, prefs)
        summary = Summary(cleaned, SummarySource.LLM, self._model)
        await self._cache_put(key, summary)
        return summary

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        if not picks:
            return ()
        try:
            answer = await self._complete(brief_messages(picks[:10], prefs), max_tokens=400)
        except LLMUnavailable as err:
            log.warning("LLM TL;DR failed (%s); using the offline one", err)
            return await self._offline.brief(picks, prefs)
        bullets = bullets_from_answer(answer, picks)
        if bullets is None:
            log.warning("LLM TL;DR was not usable; using the offline one")
            return await self._offline.brief(picks, prefs)
        return bullets

    async def _fallback(self, article: Article, prefs: SummaryPrefs) -> Summary:
        offline = await self._offline.summarize(article, prefs)
        return Summary(offline.text, SummarySource.OFFLINE_FALLBACK)

    def _cache_key(self, article: Article, text: str, prefs: SummaryPrefs) -> str:
        digest = hashlib.sha256()
        for part in (PROMPT_VERSION, self._model, prefs.language, prefs.instructions,
                     str(prefs.max_words), article.language, article.title,
                     article.site_name, text):
            digest.update(part.encode("utf-8", "replace") + b"\x00")
        return "llm:" + digest.hexdigest()

    async def _cache_get(self, key: str) -> Summary | None:
        if self._cache is None:
            return None
        try:
            return await self._cache.get(key)
        except Exception:  # a broken cache costs money, not summaries
            log.exception("summary cache read failed")
            return None

    async def _cache_put(self, key: str, summary: Summary) -> None:
        if self._cache is None:
            return
        try:
            await self._cache.put(key, summary)
        except Exception:
            log.exception("summary cache write failed")

    async def _complete(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        """The model's answer. Raises LLMUnavailable after bounded retries, at once for a
        misconfiguration, and without calling while the breaker is open."""
        if self._breaker.is_open:
            raise LLMUnavailable(f"LLM calls paused ({self._breaker.reason})")
        for attempt in range(self._retries + 1):
            try:
                return await self._call(messages, max_tokens)
            except _Retryable as err:
                if attempt == self._retries:
                    self._failed(err.reason)
                    raise LLMUnavailable(str(err)) from err.__cause__
                await asyncio.sleep(backoff_delay(attempt, err.wait))
        raise LLMUnavailable("no attempt was allowed")  # only with a negative retry count

    async def _call(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        """One request. Raises _Retryable for what another attempt may cure, LLMUnavailable
        for what it will not (opening the breaker where nobody should call for a while)."""
        try:
            response = await self._client.chat.completions.create(
                model=self._model, messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens, temperature=0.2,
            )
        except _MISCONFIGURED as err:
            if self._breaker.open(MISCONFIGURED_PAUSE, f"HTTP {err.status_code}"):
                log.error(
                    "LLM refused the request with HTTP %s (model %r at %s): check "
                    "OPENAI_API_KEY, DIGESTIF_LLM_MODEL and OPENAI_BASE_URL. Offline "
                    "summaries for the next %d s.", err.status_code, self._model,
                    self._client.base_url, MISCONFIGURED_PAUSE)
            raise LLMUnavailable(f"refused with HTTP {err.status_code}") from err
        except openai.APITimeoutError as err:
            raise _Retryable("timed out", "timeouts") from err
        except openai.APIConnectionError as err:
            if self._breaker.open(UNREACHABLE_PAUSE, "unreachable"):
                log.error("LLM server unreachable at %s (%s): check OPENAI_BASE_URL. "
                          "Offline summaries for the next %d s.", self._client.base_url,
                          type(err.__cause__ or err).__name__, UNREACHABLE_PAUSE)
            raise LLMUnavailable("the LLM server is unreachable") from err
        except openai.APIStatusError as err:
            raise self._status_error(err) from err
        except openai.OpenAIError as err:  # a malformed response, among others
            raise LLMUnavailable(f"bad response: {type(err).__name__}") from err
        if not isinstance(response, ChatCompletion):
            # A proxy's HTML page served as 200 comes back as a plain string.
            raise LLMUnavailable("the server did not answer as an OpenAI API")
        self._breaker.success()
        choices = response.choices or []
        content = choices[0].message.content if choices else None
        if not content or not content.strip():
            raise LLMUnavailable("the answer was empty")
        return content

    def _status_error(self, err: openai.APIStatusError) -> Exception:
        """What an HTTP error answer means for this request: retry it, or give up on it."""
        status = f"HTTP {err.status_code}"
        if err.status_code in _NOT_RETRIED:
            self._failed(status)
            return LLMUnavailable(status)
        wait = retry_after(err.response.headers)
        if wait is not None and wait > RETRY_AFTER_CAP:
            # Waiting inside one summary would stall the queue; the server has told us when
            # to come back, so nobody calls before then.
            if self._breaker.open(min(wait, MAX_PAUSE), status):
                log.warning("LLM asked us to wait %.0f s (%s); offline summaries meanwhile",
                            wait, status)
            return LLMUnavailable(f"{status}, retry after {wait:.0f}s")
        return _Retryable(status, status, wait)

    def _failed(self, reason: str) -> None:
        if self._breaker.failure(reason):
            log.warning("LLM failed %d times in a row (%s); offline summaries for %d s",
                        FAILURES_TO_PAUSE, reason, FAILING_PAUSE)
