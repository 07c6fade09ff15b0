"""`digestif summarize URL` with and without an LLM, as a subprocess."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.e2e.pages import article
from tests.fakes.openai_server import FakeOpenAI, answer
from tests.fakes.web import PageServer


async def _run(url: str, **env: str) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DIGESTIF_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "digestif.cli", "summarize", url,
        env={**base, "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


async def test_summarize_offline_and_with_an_llm(tmp_path: object) -> None:
    async with PageServer() as pages, FakeOpenAI(
        [answer("Mixture-of-experts models activate few weights per token, so they run cheaply.")]
    ) as llm:
        pages.add("/moe", article("moe"))
        code, offline = await _run(pages.url("/moe"))
        assert code == 0, offline
        assert "Why mixture-of-experts models are cheap to run" in offline
        assert "Grace Hopper · Tensor Times" in offline
        assert "[summary: offline]" in offline

        code, online = await _run(pages.url("/moe"), OPENAI_BASE_URL=llm.base_url,
                                  DIGESTIF_LLM_MODEL="tiny")
        assert code == 0, online
        assert "activate few weights per token" in online
        assert "[summary: llm · tiny]" in online
