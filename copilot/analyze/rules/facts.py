"""Facts: concrete statements of what happened or where the work stands.

A sentence is a fact candidate when it is declarative, not hedged, and anchored (a number, an
amount, a completed action); spaCy then confirms it has a past/completed verb, a number or a
named entity, and a noun to be about. Opinions, plans and small talk are left out.
"""

from __future__ import annotations

import re

from copilot.analyze.rules.sentences import unpunctuated_question
from copilot.text import count_words, fold

_HEDGE = re.compile(
    r"\b(?:je pense|je crois|j'ai l'impression|a mon avis|peut-etre|il me semble|je trouve|"
    r"j'espere|i think|i feel|i guess|maybe|probably|i believe|i hope|it seems|i suppose|"
    r"si|if|would|could|should|devrait|pourrait|faudrait|"
    # opinions of others and wishes are not facts either
    r"feels|thinks|believes|trouve|pense|estime|aurais|aurait|voudrais|aimerais|souhaite|"
    r"souhaiterais|i'd like|i would like)\b"
)
_SMALL_TALK = re.compile(
    r"\b(?:week-end|weekend|vacances|holiday|meteo|weather|il fait beau|ca va|how are you|"
    r"bonjour|hello|salut|merci|thanks|thank you|cafe|coffee|dejeuner|lunch)\b"
)
_ANCHOR = re.compile(
    r"\d|%|€|\$|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cent|mille|"
    r"two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|million|"
    r"moitie|half|double)\b|\b(?:j'ai|on a|nous avons|il a|elle a|ils ont|elles ont|a ete|ont ete|"
    r"est (?:arrive|parti|passe|sorti|tombe|reste)|we|they|he|she|it|the client|le client)\b"
)
FACT_LABELS = {"ORG", "PRODUCT", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "PER", "PERSON",
               "LOC", "GPE", "MISC", "EVENT", "WORK_OF_ART", "DATE"}


def is_candidate(sentence: str) -> bool:
    t = fold(sentence).strip()
    if t.endswith("?") or not 5 <= count_words(sentence) <= 45:
        return False
    # Small talk words are no bar when a number anchors the sentence ("80 percent of the
    # tables moved over the weekend").
    if _HEDGE.search(t) or (_SMALL_TALK.search(t) and not re.search(r"\d|%", t)):
        return False
    if unpunctuated_question(sentence):
        return False
    return bool(_ANCHOR.search(t))


def confirm(doc) -> bool:
    """spaCy check on a candidate: something completed or measured, about a concrete thing."""
    has_noun = any(t.pos_ in ("NOUN", "PROPN") for t in doc)
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in doc)
    if not (has_noun and has_verb):  # "1:1 Rachel / Josh, March 19" is a title, not a fact
        return False
    words = [t for t in doc if not t.is_punct and t.pos_ not in ("ADV", "INTJ", "CCONJ")]
    # A plan or an order opens on its verb: "corriger les trois anomalies", "just make sure".
    if words and words[0].pos_ == "VERB" and (
            "Inf" in words[0].morph.get("VerbForm") or words[0].tag_ == "VB"):
        return False
    measured = any(t.like_num or t.pos_ == "NUM" for t in doc) or any(
        e.label_ in FACT_LABELS for e in doc.ents
    )
    completed = any(
        ("Past" in t.morph.get("Tense") and t.pos_ in ("VERB", "AUX"))
        or t.tag_ in ("VBD", "VBN")
        for t in doc
    )
    future = any(
        "Fut" in t.morph.get("Tense") or t.lower_ in ("will", "'ll", "going", "vais", "va", "vont")
        for t in doc
    )
    return (measured or completed) and not future
