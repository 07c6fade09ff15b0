from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.pages import article
from tests.fakes.web import PageServer


@pytest.fixture
async def pages() -> AsyncIterator[PageServer]:
    """Three article pages, a JSON body and an empty page, on a local server."""
    async with PageServer() as server:
        for key in ("quantization", "moe", "evals"):
            server.add(f"/posts/{key}", html=article(key))
        server.add("/data.json", body=b'{"a": 1}', content_type="application/json")
        server.add("/empty", html="<html><body></body></html>")
        yield server
