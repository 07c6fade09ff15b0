"""Summaries: an OpenAI-compatible LLM when configured, the offline summarizer otherwise.

Both implement bot.platform_ports.Summarizer and have ``aclose``. The offline work (about a
millisecond per article, bounded input) runs in the CPU pool when one is given, else inline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cpu import CpuPool
from bot.summarize.brief import offline_brief
from bot.summarize.cache import MemorySummaryCache, SummaryCache
from bot.summarize.offline import OfflineSummarizer, summarize_text
from bot.summarize.sanitize import clean_summary, strip_unsafe

if TYPE_CHECKING:
    # Settings only names a type here: the CPU workers import this package for the offline
    # summarizer, and pydantic-settings would add ~0.1 s to every forkserver start.
    from bot.config import Settings
    from bot.summarize.llm import LLMSummarizer

__all__ = [
    "LLMSummarizer",
    "MemorySummaryCache",
    "OfflineSummarizer",
    "SummaryCache",
    "build_summarizer",
    "clean_summary",
    "offline_brief",
    "strip_unsafe",
    "summarize_text",
]


def build_summarizer(settings: Settings, cache: SummaryCache | None = None,
                     cpu: CpuPool | None = None) -> LLMSummarizer | OfflineSummarizer:
    """The LLM summarizer when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the offline
    one. Nothing connects here; the caller must ``await summarizer.aclose()``."""
    if settings.llm_configured:
        from bot.summarize.llm import LLMSummarizer

        return LLMSummarizer(settings, cache, cpu)
    return OfflineSummarizer(cpu)


def __getattr__(name: str) -> object:
    """LLMSummarizer on first use: importing the OpenAI SDK takes most of a second, which
    every command would otherwise pay before its first fetch, LLM configured or not."""
    if name == "LLMSummarizer":
        from bot.summarize.llm import LLMSummarizer

        return LLMSummarizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
