"""The one text-matching module: sentences, content words and stems, as every layer uses them."""

from __future__ import annotations

import pytest

from copilot.analyze.rules.sentences import sentences_of
from copilot.memory import cues
from copilot.models import Utterance
from copilot.text import (
    claim_stems,
    content_stems,
    content_words,
    name_matches,
    split_sentences,
    word_overlap,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour M. Dupont. Ça va ? Oui, 2.5 jours.",
         ["Bonjour M. Dupont.", "Ça va ?", "Oui, 2.5 jours."]),
        ("I talked to Dr. Smith and J. Doe. They agreed.",
         ["I talked to Dr. Smith and J. Doe.", "They agreed."]),
        ("ok. donc on avance", ["ok.", "donc on avance"]),  # speech is not capitalised
        ("Vraiment ? ! Oui.", ["Vraiment ? !", "Oui."]),  # a lone mark joins its sentence
        ("Voir cf. la note. Fait.", ["Voir cf. la note.", "Fait."]),
        ("No. I did not.", ["No.", "I did not."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_every_layer_splits_sentences_alike() -> None:
    text = "J'ai vu M. Martin. C'est fait, le deck est parti. Et toi ?"
    utterance = Utterance(id=3, speaker="Julien", text=text)
    assert [s.text for s in sentences_of(3, text)] == split_sentences(text)
    assert [u.text for u in cues.units([utterance])] == split_sentences(text)


def test_content_stems_ignore_time_words_names_and_apostrophe_heads() -> None:
    assert content_stems("Julien envoie le deck aujourd'hui vendredi", ("Julien",)) == {
        "envoi", "deck"}
    assert content_stems("I didn't send the budget", ()) == {"send", "budge"}
    assert content_stems("quelqu'un relira jusqu'au bout") == {"relir", "bout"}


def test_word_overlap_meets_inflections() -> None:
    assert word_overlap("envoyer le deck", "J'ai envoyé le deck") == 1.0
    assert word_overlap("envoyer le deck", "on parle du budget") == 0.0


def test_claim_stems_drop_function_words_and_ignored_names() -> None:
    assert content_words("On a envoyé 80 % des slides, l'équipe valide.", "fr") == [
        "envoye", "80", "slides", "equipe", "valide"]
    assert claim_stems("Claire sends the slides", "en", frozenset({"claire"})) == {"send", "slid"}


@pytest.mark.parametrize(
    ("label", "full_name", "expected"),
    [
        ("Claire", "Claire Martin", True),
        ("claire m.", "Claire Martin", True),
        ("CLAIRE MARTIN", "Claire Martin", True),
        ("Zoé", "zoe", True),
        ("Claire Dupont", "Claire Martin", False),
        ("Clair", "Claire Martin", False),
        ("Speaker 1", "Claire Martin", False),
        ("", "Claire Martin", False),
    ],
)
def test_name_matches_a_label_to_the_person_it_names(
    label: str, full_name: str, expected: bool
) -> None:
    assert name_matches(label, full_name) is expected
