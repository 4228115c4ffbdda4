"""One structured call: JSON-schema output, validated, asked again with the error when invalid.

Like instructor, a reply that does not validate goes back to the model with the validation
error, a bounded number of times; unlike a bare retry, the model sees what was wrong. Transport
trouble (429, 5xx, dropped connections) is retried below us by the openai client, with
exponential backoff that honours Retry-After; what is left is turned into our error tree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from copilot.analyze.llm.client import ESCAPE_HINT, Endpoint, endpoint_of_chat, translate
from copilot.analyze.llm.prompts import fill
from copilot.analyze.llm.wire import response_format
from copilot.errors import CopilotError, EngineError
from copilot.models import Usage

# A check returns None when the reply is fine, else what to tell the model. Its problems are
# soft: on the last attempt the reply is used anyway, and grounding drops what is unsupported.
Check = Callable[[BaseModel], str | None]


def describe(exc: ValidationError, limit: int = 5) -> str:
    """A validation error in a few lines a model can act on."""
    parts = []
    for err in exc.errors(include_url=False)[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "the answer"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class StructuredCaller:
    """Asks a langchain chat model for a pydantic model's JSON, with bounded re-asks."""

    def __init__(self, chat: Any, *, retries: int = 2, strict: bool = False,
                 endpoint: Endpoint | None = None, timeout: float | None = None) -> None:
        self.chat = chat
        self.retries = retries
        self.strict = strict
        self.endpoint = endpoint or endpoint_of_chat(chat)
        self.timeout = timeout

    def ask(self, system: str, user: str, model: type[BaseModel], *, retry: str,
            values: dict[str, str], usage: Usage, check: Check | None = None,
            ids: list[int] | None = None) -> BaseModel:
        """The model's reply as `model`; `retry` (with {{error}}) is the re-ask template."""
        import openai
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        runnable = self.chat.with_structured_output(
            response_format(model, strict=self.strict, ids=ids), method="json_schema",
            include_raw=True)
        messages: list[Any] = [SystemMessage(system), HumanMessage(user)]
        error = ""
        for attempt in range(self.retries + 1):
            usage.calls += 1
            usage.retries += attempt > 0
            start = time.perf_counter()
            try:
                out = runnable.invoke(messages)
            except openai.LengthFinishReasonError as exc:
                _count(usage, exc.completion.usage)
                reply = exc.completion.choices[0].message.content or ""
                error = ("the answer was cut off at the output token limit before the JSON "
                         "ended; give fewer and shorter items")
            except openai.ContentFilterFinishReasonError as exc:
                raise _spent(EngineError(f"the endpoint {self.endpoint.url} filtered the "
                                         "answer", ESCAPE_HINT), usage) from exc
            except openai.OpenAIError as exc:
                raise _spent(translate(exc, self.endpoint, self.timeout), usage) from exc
            else:
                raw = out["raw"]
                meta = getattr(raw, "usage_metadata", None) or {}
                usage.prompt_tokens += int(meta.get("input_tokens") or 0)
                usage.completion_tokens += int(meta.get("output_tokens") or 0)
                reply = raw.content if isinstance(raw.content, str) else str(raw.content)
                if out["parsing_error"] is not None:
                    error = "not valid JSON: " + " ".join(str(out["parsing_error"]).split())[:300]
                else:
                    try:
                        parsed = model.model_validate(out["parsed"])
                    except ValidationError as exc:
                        error = describe(exc)
                    else:
                        problem = check(parsed) if check else None
                        if problem is None or attempt == self.retries:
                            return parsed
                        error = problem
            finally:
                usage.seconds = round(usage.seconds + time.perf_counter() - start, 3)
            messages = [*messages, AIMessage(reply[:4000]),
                        HumanMessage(fill(retry, {**values, "error": error}))]
        tries = self.retries + 1
        raise _spent(EngineError(
            f"the model {self.endpoint.model} gave no usable answer in {tries} "
            f"tr{'y' if tries == 1 else 'ies'} (last: {error})",
            "use a larger model, or raise COPILOT_LLM_MAX_TOKENS or COPILOT_LLM_SCHEMA_RETRIES, "
            + ESCAPE_HINT,
        ), usage)


def _spent(exc: CopilotError, usage: Usage) -> CopilotError:
    """What the failed analysis cost so far rides on the error (the eval reports it)."""
    exc.usage = usage  # type: ignore[attr-defined]
    return exc


def _count(usage: Usage, cu: Any) -> None:
    if cu is not None:
        usage.prompt_tokens += int(getattr(cu, "prompt_tokens", 0) or 0)
        usage.completion_tokens += int(getattr(cu, "completion_tokens", 0) or 0)
