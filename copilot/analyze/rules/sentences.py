"""Sentence splitting for spoken transcripts: fast regexes, no model.

spaCy's parser would also split, but it costs most of the analysis time on a 60-minute
transcript and does no better on unpunctuated speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? … followed by space(s) and then anything; "M." / "Dr." and decimals
# ("2.5") are protected.
_END = re.compile(r"(?<!\bM\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Sentence:
    utterance_id: int
    index: int  # position in the utterance
    text: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _END.split(text.strip())]
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        # "Pourquoi ? Parce que..." style fragments stay attached to the next part.
        if out and len(part) <= 2:
            out[-1] += " " + part
        else:
            out.append(part)
    return out


def sentences_of(utterance_id: int, text: str) -> list[Sentence]:
    return [Sentence(utterance_id, i, s) for i, s in enumerate(split_sentences(text))]
