"""The LLM engine: any OpenAI-compatible endpoint, grounded structured output, versioned prompts.

    build_extractor(settings, rules)   the engine COPILOT_ENGINE=llm|hybrid asks for
    LLMExtractor(chat, options)        every item + an abstractive summary from the model
    HybridExtractor(chat, rules, ...)  rules find the items; the model summarises, rewrites steps
    chat_from_client(openai_client)    a langchain ChatOpenAI over a client you built
    fake.FakeEndpoint                  a scripted endpoint on httpx.MockTransport (tests)

Modules: client (settings -> ChatOpenAI, errors), call (validated calls with re-asks), prompts
(versioned files, delimited transcript), wire (the JSON the model returns), grounding (drop what
the cited utterances do not support), redact, chunks (long meetings), fallback, server (a local
llama-server for tests and the eval).
"""

from __future__ import annotations

from collections.abc import Callable

from copilot.analyze.base import Extractor
from copilot.analyze.llm.client import build_chat, chat_from_client, endpoint_of
from copilot.analyze.llm.engine import HybridExtractor, LLMExtractor, LLMOptions
from copilot.analyze.llm.fallback import FallbackExtractor
from copilot.models import Engine
from copilot.settings import Settings

__all__ = [
    "FallbackExtractor",
    "HybridExtractor",
    "LLMExtractor",
    "LLMOptions",
    "build_extractor",
    "chat_from_client",
]


def build_extractor(settings: Settings, rules: Callable[[], Extractor]) -> Extractor:
    """The llm or hybrid engine from settings; wrapped in the rules fallback when asked."""
    endpoint = endpoint_of(settings)

    def primary() -> Extractor:
        chat = build_chat(settings)
        options = LLMOptions.from_settings(settings)
        if settings.engine == Engine.HYBRID:
            return HybridExtractor(chat, rules(), options, endpoint)
        return LLMExtractor(chat, options, endpoint)

    if settings.llm.fallback:
        return FallbackExtractor(primary, rules, settings.engine, endpoint)
    return primary()
