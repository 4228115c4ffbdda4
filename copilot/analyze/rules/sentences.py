"""The sentences of an utterance, each with where it comes from (`copilot.text` splits)."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.text import split_sentences


@dataclass(frozen=True)
class Sentence:
    utterance_id: int
    index: int  # position in the utterance
    text: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def sentences_of(utterance_id: int, text: str) -> list[Sentence]:
    return [Sentence(utterance_id, i, s) for i, s in enumerate(split_sentences(text))]
