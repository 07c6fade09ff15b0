"""The console with an LLM: a terminal line cannot be edited, so the model's summary comes
as a new line; previews and posts say what the model was asked for."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import chat
from tests.fakes.openai_server import FakeOpenAI, answer
from tests.fakes.web import PageServer

MODEL_SAYS = "Quantization keeps weights in fewer bits, which cuts memory and serving costs."


async def _chat(tmp_path: Path, llm: FakeOpenAI, script: list[str]) -> list[str]:
    return await chat(tmp_path, script, openai_base_url=llm.base_url, cpu_workers=0,
                      llm_max_retries=0)


async def test_voted_mode_on_the_console(tmp_path: Path, pages: PageServer) -> None:
    async with FakeOpenAI([answer(MODEL_SAYS)]) as llm:
        transcript = await _chat(tmp_path, llm, [
            "/as mod --mod", "/config llm_summaries voted",
            "/as ada", pages.url("/posts/quantization"), pages.url("/posts/moe"),
            "/as mod --mod", "/pick 2",  # an editor's pick, without votes
            "/digest",
            "/as grace", "+1 1", "/as linus", "+1 1",  # the first vote asks the model
            "/as mod --mod", "/digest post",  # the digest asks for its pick's summary
        ])
    assert len(llm.summaries()) == 2
    written = [line for line in transcript if "now has its summary from the model" in line]
    assert written == [f"#1 now has its summary from the model: {MODEL_SAYS}",
                       f"#2 now has its summary from the model: {MODEL_SAYS}"]
    assert ("Posting it now would take 1 LLM call: this pick shows the offline summary "
            "until then.") in transcript
    assert "1 summary written by the model for this digest." in transcript
