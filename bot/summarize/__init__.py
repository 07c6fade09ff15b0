"""Summaries: an OpenAI-compatible LLM when configured, the offline summarizer otherwise."""

from __future__ import annotations

from bot.config import Settings
from bot.cpu import CpuPool
from bot.summarize.cache import SummaryCache
from bot.summarize.llm import LLMSummarizer
from bot.summarize.offline import OfflineSummarizer

__all__ = ["LLMSummarizer", "OfflineSummarizer", "SummaryCache", "build_summarizer"]


def build_summarizer(settings: Settings, cache: SummaryCache | None = None,
                     cpu: CpuPool | None = None) -> LLMSummarizer | OfflineSummarizer:
    """No OPENAI_API_KEY and no OPENAI_BASE_URL: the offline summarizer."""
    if settings.llm_configured:
        return LLMSummarizer(settings, cache, cpu)
    return OfflineSummarizer(cpu)
