"""The balance of the conversation: what each stretch of a 1:1 is about, and each kind's share.

The seeds: a 1:1 is not only operations; "si vous passez 80% du temps sur les échecs, votre
collaborateur se braquera"; development and career have their place. Each utterance (both
speakers) gets the kind of talk (TalkKind) whose cue words it holds most
(copilot.analyze.balance_lexicon); then context smoothing, because talk comes in stretches on
one topic and most turns name no topic at all:

- an utterance without cue words (an answer, "d'accord", "mm") takes the kind of the stretch it
  is in: the last cued utterance before it (a topic lasts until another one is named), or the
  next one at the very start; nothing cued at all is operations (status talk is what a work
  meeting defaults to);
- a lone weak cue (one word) between two utterances of the same other kind is part of that
  stretch ("le client" said in the middle of a talk about a failure does not make it status).

Shares are by time when every utterance has its start and end (so "mm" weighs its second),
else by words. Every kind is always listed, in TalkKind order, with the utterances whose cue
words made it (the smoothed ones are not evidence of anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from copilot.analyze.balance_lexicon import CUES, NOT_CUES
from copilot.models import BalanceShare, Language, TalkKind, Transcript, Utterance
from copilot.text import count_words, fold

KINDS = list(TalkKind)
# Equal scores: the more specific kind wins; operations is the backdrop of every 1:1.
_TIE_ORDER = [TalkKind.WELLBEING, TalkKind.DEVELOPMENT, TalkKind.PROBLEMS, TalkKind.SUCCESSES,
              TalkKind.OPERATIONS]
# Operations cues are the nouns work is made of ("client", "release"): what is said about them
# (it broke, well done) names the kind: three of them weigh one cue of another kind.
_WEIGHT = {TalkKind.OPERATIONS: 1 / 3}


@dataclass(frozen=True)
class Labelled:
    """One utterance and the kind of talk it was given; `cued`: its own words said so."""

    id: int
    kind: TalkKind
    cued: bool
    strength: float = 0.0  # weighted cue words matched for its kind


def cue_scores(text: str, lang: str) -> dict[TalkKind, float]:
    """The weighted count of cue words of each kind in `text` (kinds without any left out)."""
    language = Language(lang) if lang in ("fr", "en") else Language.EN
    folded = NOT_CUES[language].sub(" ", fold(text))
    scores = {kind: len(rx.findall(folded)) * _WEIGHT.get(kind, 1.0)
              for kind, rx in CUES[language].items()}
    return {kind: n for kind, n in scores.items() if n}


def _best(scores: dict[TalkKind, float]) -> TalkKind | None:
    if not scores:
        return None
    top = max(scores.values())
    return next(k for k in _TIE_ORDER if scores.get(k) == top)


def classify(utterances: Sequence[Utterance], lang: str) -> list[Labelled]:
    """Every utterance with its kind of talk, in order (see the module's smoothing rules)."""
    own: list[tuple[TalkKind | None, float]] = []
    for u in utterances:
        scores = cue_scores(u.text, lang)
        kind = _best(scores)
        own.append((kind, scores.get(kind, 0) if kind else 0))
    kinds = _fill([k for k, _ in own])
    out = []
    for i, (u, (kind, strength)) in enumerate(zip(utterances, own, strict=True)):
        final = kinds[i]
        if kind is not None and strength <= 1:  # a lone weak cue
            final = _sandwiched(kinds, i) or final
        out.append(Labelled(u.id, final, cued=kind is not None and final == kind,
                            strength=strength if final == kind else 0.0))
    return out


def _fill(kinds: list[TalkKind | None]) -> list[TalkKind]:
    """Uncued utterances take the last cued kind before them, else the first after them."""
    filled: list[TalkKind] = []
    last: TalkKind | None = None
    first = next((k for k in kinds if k is not None), TalkKind.OPERATIONS)
    for kind in kinds:
        last = kind or last
        filled.append(last or first)
    return filled


def _sandwiched(kinds: list[TalkKind], i: int) -> TalkKind | None:
    """The kind of both neighbours when they agree and differ from this one's."""
    if 0 < i < len(kinds) - 1 and kinds[i - 1] == kinds[i + 1] != kinds[i]:
        return kinds[i - 1]
    return None


def _weights(utterances: Sequence[Utterance]) -> list[float]:
    timed = all(u.start is not None and u.end is not None for u in utterances)
    if timed and sum(max(0.0, u.end - u.start) for u in utterances) > 0:  # type: ignore[operator]
        return [max(0.0, u.end - u.start) for u in utterances]  # type: ignore[operator]
    return [float(count_words(u.text)) for u in utterances]


def shares(utterances: Sequence[Utterance], labelled: Sequence[Labelled]) -> list[BalanceShare]:
    """Each kind's share of the talk (time when timed, else words), all five in TalkKind order,
    summing to 1; empty when there is no talk to share out."""
    weights = _weights(utterances)
    total = sum(weights)
    if total <= 0:
        return []
    per = dict.fromkeys(KINDS, 0.0)
    for w, lab in zip(weights, labelled, strict=True):
        per[lab.kind] += w
    rounded = {k: round(v / total, 4) for k, v in per.items()}
    # Rounding must not break the sum: the largest share absorbs the remainder.
    biggest = max(KINDS, key=lambda k: per[k])
    rounded[biggest] = round(rounded[biggest] + 1.0 - sum(rounded.values()), 4)
    return [BalanceShare(kind=k, share=rounded[k],
                         evidence=[lab.id for lab in labelled if lab.kind == k and lab.cued])
            for k in KINDS]


def compute_balance(transcript: Transcript) -> list[BalanceShare]:
    """The meeting's balance; empty for a transcript without talk."""
    spoken = [u for u in transcript.utterances if u.text.strip()]
    if not spoken:
        return []
    return shares(spoken, classify(spoken, transcript.language))

