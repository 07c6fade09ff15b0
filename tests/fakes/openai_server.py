"""A local OpenAI-compatible server: POST /v1/chat/completions with scripted replies."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.web import start

Reply = Callable[[dict[str, Any]], "web.StreamResponse | None"]


def completion(content: str | None, *, choices: bool = True) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
        "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}] if choices else [],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def answer(content: str | None) -> Reply:
    return lambda request: web.json_response(completion(content))


def no_choices() -> Reply:
    return lambda request: web.json_response(completion("x", choices=False))


def status(code: int, retry_after: str | None = None, message: str = "error",
           headers: dict[str, str] | None = None) -> Reply:
    sent = dict(headers or {})
    if retry_after is not None:
        sent["Retry-After"] = retry_after
    body = {"error": {"message": message, "type": "error", "code": str(code)}}
    return lambda request: web.json_response(body, status=code, headers=sent)


def model_not_found(request: dict[str, Any]) -> web.StreamResponse:
    body = {"error": {"message": f"The model `{request.get('model')}` does not exist",
                      "type": "invalid_request_error", "code": "model_not_found"}}
    return web.json_response(body, status=404)


def malformed() -> Reply:
    """A proxy's HTML error page served as 200."""
    return lambda request: web.Response(text="<html>Bad gateway</html>",
                                        content_type="text/html")


def echo_prompt() -> Reply:
    """A model that obeys whatever it was given: it answers with the user message between
    our fences (the article, or the TL;DR listing)."""
    def reply(request: dict[str, Any]) -> web.StreamResponse:
        user = request["messages"][-1]["content"]
        body = user.split(">>>", 1)[-1].rsplit("<<<", 1)[0]
        return web.json_response(completion(body.strip()))
    return reply


def echo_article() -> Reply:
    """A model that obeys the page: it repeats the article text as its 'summary'."""
    def reply(request: dict[str, Any]) -> web.StreamResponse:
        user = request["messages"][-1]["content"]
        body = user.split("<<<ARTICLE>>>", 1)[-1].split("<<<END ARTICLE>>>", 1)[0]
        return web.json_response(completion(body.strip()))
    return reply


HANG = None  # a reply of None: never answer (the client must time out)


@dataclass
class FakeOpenAI:
    """``async with FakeOpenAI([answer("..."), status(429, "0"), ...]) as llm``: replies are
    used in order, the last one repeats. ``requests`` holds every request body, ``auth``
    every Authorization header."""

    replies: list[Reply | None]
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    hold: asyncio.Event | None = None  # when given, every answer waits until it is set
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        async with self._arrived:
            self.requests.append(body)
            self.auth.append(request.headers.get("Authorization", ""))
            reply = self.replies[min(len(self.requests) - 1, len(self.replies) - 1)]
            self._arrived.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        if reply is None:
            await asyncio.Event().wait()  # hang until the client gives up
        assert reply is not None
        response = reply(body)
        assert response is not None
        return response

    async def received(self, count: int) -> None:
        """Until ``count`` requests have arrived (10 s at most)."""
        async with asyncio.timeout(10), self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    def summaries(self) -> list[dict[str, Any]]:
        """The requests for an article's summary (not the TL;DR)."""
        return [r for r in self.requests
                if str(r["messages"][0]["content"]).startswith("You write summaries")]

    async def __aenter__(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        app.router.add_post("/chat/completions", self._handle)
        self._runner, self.port = await start(app)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
