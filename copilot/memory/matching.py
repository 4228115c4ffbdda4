"""How well a sentence of a later meeting matches an earlier commitment (or topic).

score = owner factor x (0.55 x meaning + 0.45 x words), each part in [0, 1]:
- meaning: the cosine of the two embeddings, rescaled between what the embedder gives unrelated
  sentences (floor) and near-paraphrases (ceiling) -- e5's raw cosines sit in 0.75..1.0;
- words: the share of the commitment's content stems (`copilot.text.content_stems`, 5-letter
  stems, so "envoyer" and "envoyé" meet) found in the sentence;
- owner: 1 when the sentence's subject is the owner, lower when it cannot be told, 0 when it is
  someone else ("j'ai envoyé le deck" by Claire never closes Julien's "envoyer le deck").
Every part is kept so the reason of a closure can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot.memory.cues import Subject
from copilot.text import content_stems, word_overlap

# Meaning weights; together with close_threshold (settings) they were set on the project's own
# sequences (eval/data/sequences), never on the ELITR stress test.
W_MEANING, W_WORDS = 0.55, 0.45
MIN_WORDS = 0.25  # at least a quarter of the commitment's words: meaning alone never closes
CALIBRATION = {"e5small": (0.82, 0.95), "hash": (0.15, 0.85)}

# content_stems and word_overlap live in copilot.text; handed on for the matcher's callers.
__all__ = ["CALIBRATION", "Match", "content_stems", "meaning", "owner_factor", "score",
           "word_overlap"]


def meaning(cosine: float, embedder: str) -> float:
    floor, ceiling = CALIBRATION.get(embedder, (0.5, 0.95))
    return float(np.clip((cosine - floor) / (ceiling - floor), 0.0, 1.0))


def owner_factor(subject: Subject, speaker_is_owner: bool | None, owner_role: str | None) -> float:
    """How sure we are that the sentence is about the owner's own action.

    speaker_is_owner: True / False when the speaker and the owner are known, None otherwise.
    """
    if owner_role == "both":
        return 1.0 if subject in ("both", "speaker", "addressee") else 0.85
    if subject == "named":
        return 1.0
    if speaker_is_owner is None:
        return 0.8
    if subject == "speaker":
        return 1.0 if speaker_is_owner else 0.0
    if subject == "addressee":
        return 0.0 if speaker_is_owner else 1.0
    if subject == "both":
        return 0.85
    # Passive ("c'est fait", "the deck went out"): nobody named. Said by the owner it is
    # nearly always their own news; said by the other person, less sure.
    return 0.9 if speaker_is_owner else 0.8


@dataclass(frozen=True)
class Match:
    score: float
    meaning: float
    words: float
    owner: float

    def reason(self, extra: str = "") -> str:
        text = (f"score {self.score:.2f} = owner {self.owner:.2f} x (meaning {self.meaning:.2f}, "
                f"words {self.words:.2f})")
        return f"{text}; {extra}" if extra else text


def score(cosine: float, embedder: str, target: str, sentence: str, factor: float,
          names: tuple[str, ...] = ()) -> Match:
    m = meaning(cosine, embedder)
    w = word_overlap(target, sentence, names)
    total = factor * (W_MEANING * m + W_WORDS * w) if w >= MIN_WORDS else 0.0
    return Match(round(total, 4), round(m, 4), round(w, 4), factor)
