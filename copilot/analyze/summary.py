"""Extractive summary: the few sentences of the meeting that carry what was found in it.

For engines without a language model (rules, and any engine that returns no summary). The
items an engine found say what mattered: a sentence scores by the items that cite its utterance
(a next step weighs most, then feedback, then a fact) and by how many of the item's words it
holds; content words break ties, so a long informative sentence beats "ok, super". Only cited
utterances are quoted; without any item, the sentences richest in the meeting's most frequent
content words are taken. Every
sentence is quoted as said, and its utterance id is the summary's evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from copilot.analyze.rules.sentences import sentences_of
from copilot.models import Extraction, Transcript
from copilot.text import CLAIM_STEM, claim_stems, content_words

WEIGHTS = {"next_steps": 3.0, "feedback": 2.0, "facts": 1.5}
MIN_WORDS = 4
SIMILAR = 0.6  # Jaccard of content words above which a sentence repeats an earlier pick


@dataclass(frozen=True)
class _Candidate:
    position: int
    utterance_id: int
    speaker: str | None
    text: str
    words: frozenset[str]
    score: float


ItemStems = dict[int, list[tuple[float, set[str]]]]  # utterance id -> (weight, item's stems)


def extractive_summary(transcript: Transcript, extraction: Extraction,
                       max_sentences: int | None = None) -> tuple[str | None, list[int]]:
    """(summary, utterance ids quoted); (None, []) when there is nothing to say."""
    n = max_sentences or min(5, 3 + len(transcript.utterances) // 60)
    picked = _pick(_candidates(transcript, _item_stems(extraction, transcript.language)), n)
    if not picked:
        return None, []
    text = " ".join(f"{c.speaker}: {c.text}" if c.speaker else c.text for c in picked)
    return text, [c.utterance_id for c in picked]


def _item_stems(extraction: Extraction, lang: str) -> ItemStems:
    """The stems of every item found, under each utterance the item cites."""
    stems: ItemStems = {}
    for kind, weight in WEIGHTS.items():
        for item in getattr(extraction, kind):
            said = getattr(item, "action", None) or getattr(item, "text", "")
            for uid in item.evidence:
                stems.setdefault(uid, []).append((weight, claim_stems(said, lang)))
    return stems


def _candidates(transcript: Transcript, items: ItemStems) -> list[_Candidate]:
    """Every sentence worth quoting, scored; with items found, only the sentences they cite."""
    lang = transcript.language
    frequency = Counter(w for u in transcript.utterances for w in set(content_words(u.text, lang)))
    candidates: list[_Candidate] = []
    for u in transcript.utterances:
        if items and u.id not in items:
            continue  # with items found, the summary is about them
        for s in sentences_of(u.id, u.text):
            words = content_words(s.text, lang)
            if len(s.text.split()) < MIN_WORDS or not words:
                continue
            score = _score(words, items.get(u.id, []))
            if not items:  # no item anywhere: the meeting's recurring subjects
                score += sum(frequency[w] > 1 for w in set(words)) / (len(set(words)) + 2)
            if s.is_question and u.id not in items:  # a request that became a step stays
                score *= 0.3
            candidates.append(_Candidate(len(candidates), u.id, u.speaker, s.text,
                                         frozenset(words), score))
    return candidates


def _score(words: list[str], cited_by: list[tuple[float, set[str]]]) -> float:
    """Richness in content words, plus each citing item's weight and share of its words."""
    score = 0.5 * min(len(set(words)), 12) / 12
    stems = {w[:CLAIM_STEM] for w in words}  # "envoies" / "envoyer": the same step
    for weight, said in cited_by:
        overlap = len(said & stems) / len(said) if said else 0.0
        score += weight * (0.25 + overlap)
    return score


def _pick(candidates: list[_Candidate], n: int) -> list[_Candidate]:
    """The n best sentences, one per utterance and none repeating another; in meeting order."""
    picked: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (-c.score, c.position)):
        if len(picked) == n:
            break
        if any(p.utterance_id == c.utterance_id or _jaccard(p.words, c.words) >= SIMILAR
               for p in picked):
            continue
        picked.append(c)
    return sorted(picked, key=lambda c: c.position)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
