"""The LLM TL;DR and the summarizer factory, through the real openai client."""

from __future__ import annotations

from pydantic import SecretStr

from bot.config import Settings
from bot.models import Article, BriefItem, SourceKind, SummaryPrefs, SummarySource
from bot.summarize import LLMSummarizer, OfflineSummarizer, build_summarizer
from tests.fakes.openai_server import FakeOpenAI, Reply, answer, echo_prompt, status

PICKS = [
    BriefItem("Lab releases open model", "A lab released an open-weights model today.",
              site="lab.test"),
    BriefItem("Sparse attention", "We propose sparse attention for long inputs.",
              kind=SourceKind.PAPER),
    BriefItem("GPU prices fall", "GPU rental prices fell by a third this quarter."),
    BriefItem("New AI act guidance", "Regulators published guidance on the AI act."),
]
PREFS = SummaryPrefs()


def _settings(llm: FakeOpenAI, **kw: object) -> Settings:
    values: dict[str, object] = {
        "openai_api_key": SecretStr("sk-test"), "openai_base_url": llm.base_url,
        "llm_model": "test-model", "llm_timeout": 2.0, "llm_max_retries": 0,
    }
    values.update(kw)
    return Settings(**values)  # type: ignore[arg-type]


async def _brief(reply: Reply, picks: list[BriefItem] = PICKS) -> tuple[tuple[str, ...], int]:
    async with FakeOpenAI([reply]) as llm:
        summarizer = LLMSummarizer(_settings(llm))
        bullets = await summarizer.brief(picks, PREFS)
        await summarizer.aclose()
    return bullets, len(llm.requests)


async def test_bullets_keep_the_models_emoji_and_lose_the_preamble() -> None:
    reply = ("Here are the bullets:\n1. 🚀 A lab shipped an open-weights model\n"
             "2. **Long inputs** get cheaper with sparse attention\n"
             "3. 🧑‍🏫 GPU rental got a third cheaper this quarter\n"
             "4. ⚖️ Regulators explained the AI act")
    bullets, requests = await _brief(answer(reply))
    assert requests == 1
    assert bullets == (
        "🚀 A lab shipped an open-weights model",
        "📄 Long inputs get cheaper with sparse attention",
        "🧑‍🏫 GPU rental got a third cheaper this quarter",
        "⚖️ Regulators explained the AI act",
    )


async def test_a_model_obeying_hostile_titles_still_posts_safe_bullets() -> None:
    hostile = [BriefItem(f"Story {i} @everyone <!channel> https://evil.test/{i}",
                         f"Summary {i} with <@&123> and [a link](http://evil.test).")
               for i in range(4)]
    bullets, _ = await _brief(echo_prompt(), hostile)
    assert 3 <= len(bullets) <= 5
    for bullet in bullets:
        assert not any(bad in bullet for bad in ("@", "<", ">", "http", "evil", "]("))
        assert not bullet[0].isalnum(), "each bullet leads with an emoji"


async def test_refusals_errors_and_too_few_bullets_fall_back_to_the_offline_brief() -> None:
    offline = await OfflineSummarizer().brief(PICKS, PREFS)
    for reply in (answer("I'm sorry, I can't help with that."), status(500),
                  answer("🚀 Only one bullet came back"), answer(None)):
        bullets, _ = await _brief(reply)
        assert bullets == offline
    assert [b.split()[0] for b in offline] == ["🚀", "📄", "🖥️", "⚖️"]


async def test_build_summarizer_picks_by_settings() -> None:
    offline = build_summarizer(Settings(openai_api_key=None, openai_base_url=None))
    assert isinstance(offline, OfflineSummarizer)
    await offline.aclose()
    async with FakeOpenAI([answer("Quantization stores weights in fewer bits.")]) as llm:
        summarizer = build_summarizer(_settings(llm, openai_api_key=None))
        assert isinstance(summarizer, LLMSummarizer)
        article = Article(url="https://q.test/", title="Q", text="Quantization. " * 20)
        result = await summarizer.summarize(article, PREFS)
        await summarizer.aclose()
    assert result.source is SummarySource.LLM and result.model == "test-model"
