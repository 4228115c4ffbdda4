"""Long meetings: split at turn boundaries under a token budget, then merge the parts' items.

Tokens are estimated, not counted: a tokenizer would have to match every model a user may
point at (and tiktoken downloads its tables at run time, which fails offline). Three characters
per token over-counts for English and French with the usual BPE vocabularies, so a part never
overflows the budget it was cut for.
"""

from __future__ import annotations

import math

from copilot.models import Extraction, FeedbackItem, NextStep, Utterance
from copilot.text import fold, name_key

CHARS_PER_TOKEN = 3.0
OVERLAP = 2  # turns repeated at the start of the next part: a request and its "ok" stay together


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def chunk(utterances: list[Utterance], budget: int,
          overlap: int = OVERLAP) -> list[list[Utterance]]:
    """Consecutive parts of at most `budget` estimated tokens (a longer single turn stays whole)."""
    cost = [estimate_tokens(u.text) + 8 for u in utterances]  # + "[id] Name (role): "
    if sum(cost) <= budget:
        return [list(utterances)]
    parts: list[list[Utterance]] = []
    start = 0
    while start < len(utterances):
        end, used = start, 0
        while end < len(utterances) and (end == start or used + cost[end] <= budget):
            used += cost[end]
            end += 1
        parts.append(list(utterances[start:end]))
        if end >= len(utterances):
            break
        # Step back for the overlap, but always move forward.
        start = max(end - overlap, start + 1)
    return parts


def merge(parts: list[Extraction]) -> Extraction:
    """One extraction from the parts', in order, without the duplicates the overlap creates."""
    if len(parts) == 1:
        return parts[0]
    steps: list[NextStep] = []
    for s in (s for p in parts for s in p.next_steps):
        i = next((i for i, x in enumerate(steps) if _same(x, s)), None)
        if i is None:
            steps.append(s)
        else:
            x = steps[i]
            steps[i] = x.model_copy(update={
                "evidence": sorted(set(x.evidence) | set(s.evidence)),
                "due": x.due or s.due, "due_text": x.due_text or s.due_text,
            })
    feedback: dict[tuple, FeedbackItem] = {}
    for p in parts:
        for f in p.feedback:
            feedback.setdefault((tuple(f.evidence), f.polarity, f.target), f)
    facts = {(tuple(f.evidence), fold(f.text)): f for p in parts for f in p.facts}
    questions = {tuple(q.evidence): q for p in parts for q in p.questions}
    summaries = [p.summary for p in parts if p.summary]
    return Extraction(
        next_steps=steps,
        feedback=list(feedback.values()),
        facts=list(facts.values()),
        questions=sorted(questions.values(), key=lambda q: q.evidence),
        summary=" ".join(summaries) if summaries else None,
        warnings=[w for p in parts for w in p.warnings],
    )


def _same(a: NextStep, b: NextStep) -> bool:
    """One commitment seen from two overlapping parts: same owner, same action or same turns."""
    return name_key(a.owner or "") == name_key(b.owner or "") and (
        fold(a.action) == fold(b.action) or set(a.evidence) == set(b.evidence))
