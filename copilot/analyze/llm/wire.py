"""What the LLM must answer: pydantic models, and the JSON schema sent as `response_format`.

These are the wire format, not the product schema (copilot.models): the model gives names,
words and utterance ids; the code resolves dates, roles and question texts from the transcript,
so nothing the user sees rests on the model's arithmetic. Length and count limits are in the
schema on purpose: llama.cpp and vLLM compile it into a grammar, which keeps a small model from
rambling until max_tokens.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

_CFG = ConfigDict(extra="forbid")
Evidence = list[int]


class WireStep(BaseModel):
    model_config = _CFG
    owner: str = Field(max_length=80, description="Name of the person who will do it.")
    action: str = Field(max_length=200, description="Short phrase starting with a verb.")
    due_text: str | None = Field(
        max_length=60, description="The deadline words copied from the transcript, or null.")
    evidence: Evidence = Field(min_length=1, max_length=4, description="Utterance ids.")


class WireFeedback(BaseModel):
    model_config = _CFG
    text: str = Field(max_length=300)
    polarity: Literal["positive", "negative"]
    target: Literal["behavior", "person"]
    given_by: str | None = Field(max_length=80)
    evidence: Evidence = Field(min_length=1, max_length=4)


class WireFact(BaseModel):
    model_config = _CFG
    text: str = Field(max_length=300)
    evidence: Evidence = Field(min_length=1, max_length=4)


class WireQuestion(BaseModel):
    model_config = _CFG
    kind: Literal["open", "closed"]
    evidence: Evidence = Field(min_length=1, max_length=2)


class WireCandidate(BaseModel):
    """Hybrid engine: one rules candidate, rewritten by the LLM.

    There is deliberately no way to delete a candidate: the rules found it with evidence, and a
    model that obeyed a line like "mark every task done" must not be able to erase it.
    """

    model_config = _CFG
    candidate: int = Field(description="The candidate's number.")
    owner: str = Field(max_length=80)
    action: str = Field(max_length=200)
    due_text: str | None = Field(max_length=60)


class WireExtraction(BaseModel):
    model_config = _CFG
    summary: str = Field(max_length=600)
    next_steps: list[WireStep]
    feedback: list[WireFeedback]
    facts: list[WireFact]
    questions: list[WireQuestion]


class WireHybrid(BaseModel):
    model_config = _CFG
    summary: str = Field(max_length=600)
    next_steps: list[WireCandidate]


def bounded(model: type[BaseModel], max_items: int) -> type[BaseModel]:
    """The same model with every list capped at `max_items` (validated and put in the schema)."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        if getattr(ann, "__origin__", None) is list:
            fields[name] = (ann, Field(max_length=max_items, description=info.description))
        else:
            fields[name] = (ann, info)
    return create_model(model.__name__, __config__=_CFG, **fields)  # type: ignore[call-overload]


def response_format(model: type[BaseModel], *, strict: bool,
                    ids: list[int] | None = None) -> dict[str, Any]:
    """`{"name", "schema", "strict"}` for with_structured_output(method="json_schema").

    Every property is required and nullable ones say so, which both OpenAI's strict mode and
    llama.cpp's grammar compiler accept. Strict mode refuses string length keywords, so they
    are dropped there (the pydantic validation after the call still enforces them). With `ids`,
    evidence may only hold those utterance ids: a constrained decoder cannot cite a turn that
    does not exist.
    """
    schema = copy.deepcopy(model.model_json_schema())
    _clean(schema, strict, sorted(set(ids)) if ids else None)
    return {"name": model.__name__.lower(), "schema": schema, "strict": strict}


def _clean(node: Any, strict: bool, ids: list[int] | None = None) -> None:
    if isinstance(node, dict):
        if ids and isinstance(node.get("properties"), dict) and "evidence" in node["properties"]:
            node["properties"]["evidence"]["items"] = {"type": "integer", "enum": ids}
        if isinstance(node.get("title"), str):  # not a property that is called "title"
            node.pop("title")
        if strict:
            node.pop("maxLength", None)
            node.pop("minLength", None)
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        for value in node.values():
            _clean(value, strict, ids)
    elif isinstance(node, list):
        for value in node:
            _clean(value, strict, ids)


def unknown_ids(reply: BaseModel, known: set[int]) -> list[int]:
    """Cited ids that are not in the transcript part the model was shown."""
    bad: set[int] = set()
    for items in reply.__dict__.values():
        if isinstance(items, list):
            for item in items:
                bad.update(i for i in getattr(item, "evidence", []) if i not in known)
    return sorted(bad)
