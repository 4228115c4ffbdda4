"""The rule classifiers, on French and English sentences (no model needed)."""

from __future__ import annotations

import pytest

from copilot.analyze.rules.feedback import classify_feedback, sbi_suggestion
from copilot.analyze.rules.nextsteps import detect
from copilot.analyze.rules.questions import classify_question
from copilot.analyze.rules.sentences import split_sentences
from copilot.analyze.rules.verbs import to_infinitive


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Comment tu te sens ?", "open"),
        ("De quoi aimerais-tu qu'on parle ?", "open"),
        ("Qu'est-ce qui t'empêche d'avancer ?", "open"),
        ("Comment je peux t'aider ?", "open"),
        ("Tu peux m'en dire plus ?", "open"),
        ("Tu en es où sur ce deal ?", "closed"),
        ("Tu as prévu quoi pour ce prospect ?", "closed"),
        ("Est-ce que tu as fini ?", "closed"),
        ("C'est pour quand ?", "closed"),
        ("Combien de rendez-vous cette semaine ?", "closed"),
        ("What's getting in your way?", "open"),
        ("So, how are things going?", "open"),
        ("Can you tell me more about that?", "open"),
        ("Did you finish the deck?", "closed"),
        ("How many calls this week?", "closed"),
        ("Where are you on the deal?", "closed"),
        ("What's the status of the migration?", "closed"),
        ("Ok. And what do you think?", "open"),
    ],
)
def test_question_kind(text: str, kind: str) -> None:
    assert classify_question(text) == kind


@pytest.mark.parametrize(
    ("text", "polarity", "target"),
    [
        ("Tu es vraiment désorganisé.", "negative", "person"),
        ("C'est toujours la même chose avec toi.", "negative", "person"),
        ("Tu ne fais jamais attention aux détails.", "negative", "person"),
        ("You're so lazy.", "negative", "person"),
        ("You never listen.", "negative", "person"),
        ("Tu es brillant.", "positive", "person"),
        ("Le rapport est arrivé avec deux jours de retard, il manquait l'annexe.", "negative", "behavior"),
        ("The report was two days late and the appendix was missing.", "negative", "behavior"),
        ("Tu es toujours en retard.", "negative", "person"),
        ("Bravo pour la démo client, tu as assuré !", "positive", "behavior"),
        ("Great job on the launch deck.", "positive", "behavior"),
        ("Merci pour ton aide sur le dossier.", "positive", "behavior"),
    ],
)
def test_feedback(text: str, polarity: str, target: str) -> None:
    assert classify_feedback(text) == (polarity, target)


@pytest.mark.parametrize(
    "text",
    [
        "Je suis en retard sur le plan.",  # self-report: a fact, not feedback
        "Il fait beau aujourd'hui.",
        "Si tu avais envoyé le devis, on aurait signé.",
        "I never said that.",
        "We shipped the release on Tuesday.",
    ],
)
def test_not_feedback(text: str) -> None:
    assert classify_feedback(text) == (None, None)


def test_sbi_keeps_the_facts_that_were_said() -> None:
    text = sbi_suggestion("Tu es désorganisé.", ["le rapport est arrivé avec deux jours de retard."], "negative", "fr")
    assert "le rapport est arrivé avec deux jours de retard" in text
    assert "prochaine fois" in text
    en = sbi_suggestion("You're lazy.", [], "negative", "en")
    assert "observable fact" in en and "next time" in en


@pytest.mark.parametrize(
    ("text", "has_due", "who", "action"),
    [
        ("Tu m'envoies le plan de relance d'ici vendredi ?", True, "addressee", "envoyer le plan de relance d'ici vendredi"),
        ("Tu peux m'envoyer le compte-rendu ?", False, "addressee", "envoyer le compte-rendu"),
        ("Je vais demander le budget aux RH.", False, "speaker", "demander le budget aux RH"),
        ("Je demande aux RH.", False, "speaker", "demander aux RH"),
        ("Je m'occupe de réserver la salle.", False, "speaker", "s'occuper de réserver la salle"),
        ("Je te laisse finaliser la présentation pour jeudi.", True, "addressee", "finaliser la présentation pour jeudi"),
        ("On se refait un point la semaine prochaine.", True, "both", "se refaire un point la semaine prochaine"),
        ("Can you send me the numbers by Friday?", True, "addressee", "send me the numbers by Friday"),
        ("I'll update the roadmap.", False, "speaker", "update the roadmap"),
        ("Let's catch up next week.", True, "both", "catch up next week"),
    ],
)
def test_next_step_shapes(text: str, has_due: bool, who: str, action: str) -> None:
    cand = detect(text, "fr" if text[0] in "TJO" else "en", has_due=has_due)
    assert cand is not None
    assert (cand.who, cand.action) == (who, action)


@pytest.mark.parametrize(
    ("text", "has_due"),
    [
        ("Si on avait le budget, on pourrait recruter.", False),
        ("J'ai envoyé le devis hier.", False),
        ("Tu vas bien ?", False),
        ("Je vais bien.", False),
        ("Je ne vais pas pouvoir le faire.", False),
        ("Tu fais toujours tes rapports en retard.", False),
        ("Did you finish the deck?", False),
        ("I'll be on holiday.", False),
        ("I won't send it.", False),
        ("Maybe we could meet next week.", True),
    ],
)
def test_not_next_steps(text: str, has_due: bool) -> None:
    assert detect(text, "fr", has_due=has_due) is None


def test_sentences_and_infinitives() -> None:
    assert split_sentences("Bonjour M. Dupont. Ça va ? Oui, 2.5 jours.") == ["Bonjour M. Dupont.", "Ça va ?", "Oui, 2.5 jours."]
    assert [to_infinitive(w) for w in ["envoies", "complètes", "enverrai", "prendrai", "finis"]] == [
        "envoyer", "compléter", "envoyer", "prendre", "finir"]
