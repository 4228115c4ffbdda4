"""The LLM engines, behind the same Extractor protocol as the rules engine.

`LLMExtractor` asks the model for every item and a summary; `HybridExtractor` lets the rules
engine find the items (with their evidence) and asks the model only for a summary and a clean
rewrite of each next step. Both send the transcript as delimited data (prompts.py), optionally
redacted (redact.py), in parts under a token budget (chunks.py), and keep only what the cited
utterances support (grounding.py). Each call returns a fresh Extraction with its EngineRun
record; the extractor itself holds no per-meeting state, so one instance serves many requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from copilot.analyze.base import Extractor, MeetingContext
from copilot.analyze.llm.call import StructuredCaller
from copilot.analyze.llm.chunks import chunk, merge
from copilot.analyze.llm.client import Endpoint
from copilot.analyze.llm.grounding import Grounder
from copilot.analyze.llm.prompts import Prompt, fill, load_prompt, meeting_values, transcript_lines
from copilot.analyze.llm.redact import Redactor, person_entities
from copilot.analyze.llm.wire import WireExtraction, WireHybrid, WireStep, bounded, unknown_ids
from copilot.analyze.texts import make_warning
from copilot.models import (
    Engine,
    EngineRun,
    Extraction,
    NextStep,
    Privacy,
    Transcript,
    Usage,
    Utterance,
    WarningCode,
)
from copilot.settings import Settings


@dataclass(frozen=True)
class LLMOptions:
    """How the LLM engines use the model; `from_settings` maps the COPILOT_LLM_* variables."""

    prompt_version: str = "v1"
    prompts_dir: Path | None = None  # None: prompts/ at the repository root
    schema_retries: int = 2  # re-asks after an invalid reply, each with the validation error
    max_items: int = 12  # per list per call, put in the JSON schema
    chunk_tokens: int = 6000  # estimated transcript tokens per call
    strict: bool = False  # OpenAI strict structured outputs (drops string length limits)
    redact: str = "off"  # off | remote | always
    ner: bool = True  # when redacting, also hide the people spaCy's NER finds
    timeout: float | None = None  # only quoted in error messages; the client enforces it

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMOptions:
        s = settings.llm
        return cls(prompt_version=s.prompt_version, prompts_dir=s.prompts_dir,
                   schema_retries=s.schema_retries, max_items=s.max_items,
                   chunk_tokens=s.chunk_tokens, strict=s.strict, redact=s.redact,
                   timeout=s.timeout)


class _Base:
    name = Engine.LLM
    task = "extract"

    def __init__(self, chat: Any, options: LLMOptions | None = None,
                 endpoint: Endpoint | None = None) -> None:
        self.options = options or LLMOptions()
        self.caller = StructuredCaller(chat, retries=self.options.schema_retries,
                                       strict=self.options.strict, endpoint=endpoint,
                                       timeout=self.options.timeout)
        self.endpoint = self.caller.endpoint

    # -- what every call shares ------------------------------------------------------------
    def _prompt(self, transcript: Transcript) -> Prompt:
        return load_prompt(self.task, self.options.prompt_version, transcript.language,
                           self.options.prompts_dir)

    def _redactor(self, transcript: Transcript, ctx: MeetingContext) -> Redactor | None:
        mode = self.options.redact
        if mode == "off" or (mode == "remote" and not self.endpoint.remote):
            return None
        names = [ctx.manager, ctx.report, *transcript.speakers]
        if self.options.ner:
            names += person_entities(_spacy(transcript.language),
                                     (u.text for u in transcript.utterances))
        return Redactor(names)

    def _values(self, part: list[Utterance], parts: int, k: int, transcript: Transcript,
                ctx: MeetingContext, red: Redactor | None, candidates: str = "") -> dict[str, str]:
        hide = red.redact if red else (lambda s: s)
        names = {u.id: hide(u.speaker) for u in part if u.speaker}
        shown = [u.model_copy(update={"text": hide(u.text)}) for u in part]
        return meeting_values(
            day=ctx.date, manager=hide(ctx.manager), report=hide(ctx.report),
            language=transcript.language, part=k, parts=parts,
            transcript=transcript_lines(shown, names), ids=[u.id for u in part],
            max_items=self.options.max_items, candidates=hide(candidates),
        )

    def _ask(self, prompt: Prompt, values: dict[str, str], model: type[BaseModel],
             usage: Usage, ids: set[int], red: Redactor | None) -> Any:
        def check(reply: BaseModel) -> str | None:
            bad = unknown_ids(reply, ids)
            return f"utterance ids {bad} are not in the transcript" if bad else None

        reply = self.caller.ask(fill(prompt.system, values), fill(prompt.user, values), model,
                                retry=prompt.retry, values=values, usage=usage, check=check,
                                ids=sorted(ids))
        return reply if red is None else _restore(reply, red)

    def _finish(self, ext: Extraction, grounder: Grounder, prompt: Prompt, usage: Usage,
                red: Redactor | None) -> Extraction:
        dropped = dict(sorted(grounder.dropped.items()))
        warnings = list(ext.warnings)
        if dropped:
            detail = ", ".join(f"{k} {v}" for k, v in dropped.items())
            warnings.append(make_warning(
                WarningCode.UNGROUNDED_ITEMS_DROPPED, prompt.language,
                {"count": sum(dropped.values()), "detail": detail}))
        run = EngineRun(
            engine=self.name, model=self.endpoint.model, prompt_version=prompt.label,
            privacy=Privacy(remote_call=self.endpoint.remote, endpoint_host=self.endpoint.host,
                            redacted=red is not None),
            usage=usage, dropped=dropped)
        return ext.model_copy(update={"warnings": warnings, "run": run})


class LLMExtractor(_Base):
    """Every item and an abstractive summary from the model, grounded in the transcript."""

    name = Engine.LLM
    task = "extract"

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        prompt = self._prompt(transcript)
        red = self._redactor(transcript, ctx)
        parts = chunk(transcript.utterances, self.options.chunk_tokens)
        usage = Usage(chunks=len(parts))
        grounder = Grounder(transcript, ctx)
        model = bounded(WireExtraction, self.options.max_items)
        found = []
        for k, part in enumerate(parts, start=1):
            ids = {u.id for u in part}
            values = self._values(part, len(parts), k, transcript, ctx, red)
            reply = self._ask(prompt, values, model, usage, ids, red)
            ext = grounder.extraction(reply.next_steps, reply.feedback, reply.facts,
                                      reply.questions, allowed=ids)
            found.append(ext.model_copy(update={"summary": reply.summary.strip() or None}))
        return self._finish(merge(found), grounder, prompt, usage, red)


class HybridExtractor(_Base):
    """Rules find the items with evidence; the model summarises and rewrites the next steps."""

    name = Engine.HYBRID
    task = "summary"

    def __init__(self, chat: Any, rules: Extractor, options: LLMOptions | None = None,
                 endpoint: Endpoint | None = None) -> None:
        super().__init__(chat, options, endpoint)
        self.rules = rules

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        base = self.rules.extract(transcript, ctx)
        prompt = self._prompt(transcript)
        red = self._redactor(transcript, ctx)
        parts = chunk(transcript.utterances, self.options.chunk_tokens)
        usage = Usage(chunks=len(parts))
        grounder = Grounder(transcript, ctx)
        model = bounded(WireHybrid, self.options.max_items)
        steps: dict[int, NextStep] = dict(enumerate(base.next_steps, start=1))
        home = _home_part(base.next_steps, parts)
        summaries = []
        for k, part in enumerate(parts, start=1):
            mine = [n for n, p in home.items() if p == k][: self.options.max_items]
            listing = "\n".join(_candidate_line(n, steps[n]) for n in mine) or "(none)"
            values = self._values(part, len(parts), k, transcript, ctx, red, listing)
            reply = self._ask(prompt, values, model, usage, {u.id for u in part}, red)
            if reply.summary.strip():
                summaries.append(reply.summary.strip())
            for c in reply.next_steps:
                if c.candidate not in mine:
                    continue  # a number it was not given: nothing to rewrite
                old = steps[c.candidate]
                new = grounder.next_step(WireStep(owner=c.owner, action=c.action,
                                                  due_text=c.due_text, evidence=old.evidence))
                if new is not None:  # else the rules' own wording stays
                    if new.due is None and old.due is not None:
                        new = new.model_copy(update={"due": old.due, "due_text": old.due_text})
                    steps[c.candidate] = new
        ext = base.model_copy(update={
            "next_steps": list(steps.values()),
            "summary": " ".join(summaries) or None,
        })
        return self._finish(ext, grounder, prompt, usage, red)


def _home_part(steps: list[NextStep], parts: list[list[Utterance]]) -> dict[int, int]:
    """Each candidate goes to the first part that holds its first cited utterance."""
    home: dict[int, int] = {}
    for n, s in enumerate(steps, start=1):
        first = min(s.evidence) if s.evidence else None
        home[n] = next((k for k, p in enumerate(parts, start=1)
                        if any(u.id == first for u in p)), 1)
    return home


def _candidate_line(n: int, s: NextStep) -> str:
    due = s.due_text or "-"
    ids = ", ".join(str(i) for i in s.evidence)
    return f"{n}. {s.owner or '?'} | {s.action} | {due} | [{ids}]"


def _restore(value: Any, red: Redactor) -> Any:
    """Real names back in every string. Not re-validated: a name may be longer than its
    placeholder, and the length limits were for the model's output, not for the restored text."""
    if isinstance(value, str):
        return red.restore(value)
    if isinstance(value, list):
        return [_restore(v, red) for v in value]
    if isinstance(value, BaseModel):
        return value.model_copy(update={k: _restore(getattr(value, k), red)
                                        for k in type(value).model_fields})
    return value


def _spacy(lang: str) -> Callable[..., Any] | None:
    """The rules engine's spaCy pipeline (shared, loaded once), or None when not installed."""
    from copilot.analyze.rules.spacy_models import load_spacy
    from copilot.errors import ConfigError

    try:
        return load_spacy(lang)
    except ConfigError:
        return None
