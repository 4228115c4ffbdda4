"""The LLM engine's fake: a scripted OpenAI-compatible endpoint on httpx.MockTransport.

It sits in the package beside the other engines' fakes (FakeExtractor, FakeTranscriber, ...) so
tests, eval smoke runs and API tests share it. The engine driven through it is the real one
(langchain ChatOpenAI over a real openai client); only the HTTP transport is replaced, so
requests, headers, JSON bodies and SDK error handling are exercised as against a server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai

from copilot.analyze.llm.client import chat_from_client

Reply = str | dict[str, Any] | httpx.Response | Exception | Callable[[dict[str, Any]], Any]


def completion(content: str, finish: str = "stop", prompt_tokens: int = 100,
               completion_tokens: int = 20) -> httpx.Response:
    return httpx.Response(200, json={
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    })


@dataclass
class FakeEndpoint:
    """Answers queued replies in order (the last one repeats) and records every request."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if callable(reply) and not isinstance(reply, httpx.Response):
            reply = reply(body)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return completion(reply if isinstance(reply, str) else json.dumps(reply))

    def chat(self, base_url: str = "https://llm.example.com/v1", max_retries: int = 0,
             **options: Any) -> Any:
        client = openai.OpenAI(api_key="test-key", base_url=base_url, max_retries=max_retries,
                               http_client=httpx.Client(transport=httpx.MockTransport(self.handler)))
        return chat_from_client(client, "fake-model", temperature=0, **options)

    # -- what the engine sent -----------------------------------------------------------------
    def messages(self, i: int = -1) -> list[dict[str, Any]]:
        return self.requests[i]["messages"]

    def user_text(self, i: int = -1) -> str:
        return next(m["content"] for m in self.messages(i) if m["role"] == "user")

    def system_text(self, i: int = -1) -> str:
        return next(m["content"] for m in self.messages(i) if m["role"] == "system")

    def transcript_ids(self, i: int = -1) -> list[int]:
        return [int(x) for x in re.findall(r"^\[(\d+)\]", self.user_text(i), re.MULTILINE)]


def reply(summary: str = "Résumé.", next_steps: list | None = None, feedback: list | None = None,
          facts: list | None = None, questions: list | None = None) -> dict[str, Any]:
    return {"summary": summary, "next_steps": next_steps or [], "feedback": feedback or [],
            "facts": facts or [], "questions": questions or []}


def step(owner: str, action: str, evidence: list[int], due_text: str | None = None) -> dict:
    return {"owner": owner, "action": action, "due_text": due_text, "evidence": evidence}
