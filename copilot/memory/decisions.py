"""Decisions said in a meeting or written in notes ("on a décidé de", "on part sur", "c'est
validé", "we agreed to", "let's go with", "Décision : ..."), each with its utterance.

In memory, beside cues.py, not in copilot.analyze: the recap is built when it is read, by the
store (copilot.memory.store may use memory's domain modules, never the analysis engines).

Matched on folded text (lower case, no accents), one sentence at a time. The lists favour
precision: a recap that states a decision nobody took is worse than one that misses it, so
questions ("on part sur la v2 ?"), negations ("on n'a pas décidé") and hypotheticals ("si on
part sur...") never count.
"""

from __future__ import annotations

import re

from copilot.models import Decision, Utterance
from copilot.text import fold, split_sentences

_FR = (
    (r"\b(?:on a|nous avons|j'ai|vous avez|ils ont) (?:donc |finalement |bien )?"
     r"(?:decide|tranche|convenu|choisi|acte|retenu|valide)\b"),
    r"\b(?:on|nous) (?:s'est|s'etait|sommes|nous sommes) (?:donc )?(?:mis|mises) d'accord\b",
    r"\bon (?:decide|tranche|acte|valide|retient|choisit) (?:de |d'|que |qu'|la |le |les |l')",
    r"\bon (?:part|partira|repart) (?:donc )?sur\b",
    r"\bon (?:est|tombe) d'accord (?:pour|sur)\b",
    r"\bc'est (?:donc )?(?:valide|decide|acte|tranche|entendu|convenu)\b",
    r"\b(?:decision|decide|valide|acte|arbitrage) ?:",
    r"\bla decision (?:est|c'est)\b",
)
_EN = (
    r"\bwe(?:'ve| have)? (?:all )?(?:agreed|decided|settled on|chose|opted)\b",
    r"\b(?:i've|i have) decided\b",
    r"\b(?:let's|lets|we'll|we will|we're going to) go (?:ahead )?with\b",
    r"\bwe(?:'re| are) going with\b",
    r"\b(?:it's|it is|that's|that is) (?:decided|settled|agreed|approved)\b",
    r"\b(?:decision|decided|agreed) ?:",
    r"\bthe decision is\b",
)
_DECIDED = re.compile("|".join(_FR + _EN))
_NOT = re.compile(
    r"\b(?:n'a|n'avons|n'ai|n'est|ne sommes|pas (?:encore )?(?:decide|valide|tranche))\b|"
    r"\bpas encore\b|\brien (?:de )?(?:decide|valide)\b|"
    r"\b(?:haven't|hasn't|didn't|not yet|never|nothing|not)\b"
)
_IF = re.compile(r"^(?:si|if|whether|quand|when|est-ce qu|do we|should we|are we)\b|"
                 r"\b(?:peut-etre|maybe|perhaps|on pourrait|we could|we might)\b")
_MARKER = re.compile(r"^\W*(?:decision|decide|valide|acte|arbitrage|decided|agreed)\s*:\s*",
                     re.IGNORECASE)


def is_decision(sentence: str) -> bool:
    """A sentence that states a decision (not asks, doubts or denies one)."""
    t = fold(sentence).strip()
    if not t or t.endswith("?") or not _DECIDED.search(t):
        return False
    return not (_NOT.search(t) or _IF.search(t))


def find_decisions(utterances: list[Utterance]) -> list[Decision]:
    """Every decision of the transcript or notes, in order; the same sentence said twice
    (a notes line repeating what was said) is one decision citing both."""
    found: dict[str, Decision] = {}
    for u in utterances:
        for sentence in split_sentences(u.text):
            if not is_decision(sentence):
                continue
            text = _clean(sentence)
            key = fold(text)
            if key in found:
                old = found[key]
                found[key] = old.model_copy(
                    update={"evidence": sorted({*old.evidence, u.id})})
            elif len(text.split()) >= 2:
                found[key] = Decision(text=text, evidence=[u.id])
    return list(found.values())


def _clean(sentence: str) -> str:
    """The sentence as said, less a notes marker ("Décision : on garde..." -> "On garde...")."""
    text = " ".join(sentence.split()).strip(" -*•")
    m = _MARKER.match(fold(text))
    if m and len(text) > m.end():
        text = text[m.end():]
        text = text[:1].upper() + text[1:]
    return text
