"""The sentences of an utterance, each with where it comes from (`copilot.text` splits)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.text import fold, split_sentences

# Whisper often drops the question mark ("so raj how's it going with the docs"). A sentence
# with no end punctuation at all reads as a question when it opens like one -- after at most a
# filler and one more word (a name) -- or ends on a tag ("ça te va", "right").
_FILLER = (r"(?:(?:so|and|ok|okay|well|right|hey|hi|alors|bon|et|donc|d'accord|salut|"
           r"je comprends|i see|great|tres bien)[ ,]+(?:[\w'-]+[ ,]+)?)?")
_OPENER = re.compile(
    rf"^{_FILLER}(?:what|how|why|where|when|who|which|can you|could you|would you|will you|"
    r"do you|did you|are you|have you|is there|is it|anything else|"
    r"comment|pourquoi|qu'est-ce|quel|quelle|quels|quelles|ou en|quand|est-ce que|tu peux|"
    r"tu pourrais|tu veux|tu as|as-tu|peux-tu|pourrais-tu|de quoi)\b"
)
_TAG = re.compile(r"\b(?:ca te va|ca vous va|t'en penses quoi|right|okay with you|sound good|"
                  r"does that work)$")


def unpunctuated_question(text: str) -> bool:
    t = fold(text).strip()
    if not t or t[-1] in ".!?…:;":
        return False
    return bool(_OPENER.search(t) or _TAG.search(t))


@dataclass(frozen=True)
class Sentence:
    utterance_id: int
    index: int  # position in the utterance
    text: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?") or unpunctuated_question(self.text)


def sentences_of(utterance_id: int, text: str) -> list[Sentence]:
    return [Sentence(utterance_id, i, s) for i, s in enumerate(split_sentences(text))]
