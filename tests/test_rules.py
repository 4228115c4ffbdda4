"""The rule classifiers, on French and English sentences (no model needed)."""

from __future__ import annotations

import pytest

from copilot.analyze.rules.feedback import classify_feedback, sbi_suggestion
from copilot.analyze.rules.nextsteps import detect
from copilot.analyze.rules.questions import classify_question
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
        ("Le rapport est arrivé avec deux jours de retard, il manquait l'annexe.", "negative",
         "behavior"),
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
    text = sbi_suggestion("Tu es désorganisé.",
                          ["le rapport est arrivé avec deux jours de retard."], "negative", "fr")
    assert "le rapport est arrivé avec deux jours de retard" in text
    assert "prochaine fois" in text
    en = sbi_suggestion("You're lazy.", [], "negative", "en")
    assert "observable fact" in en and "next time" in en


@pytest.mark.parametrize(
    ("text", "has_due", "who", "action"),
    [
        ("Tu m'envoies le plan de relance d'ici vendredi ?", True, "addressee",
         "envoyer le plan de relance d'ici vendredi"),
        ("Tu peux m'envoyer le compte-rendu ?", False, "addressee", "envoyer le compte-rendu"),
        ("Je vais demander le budget aux RH.", False, "speaker", "demander le budget aux RH"),
        ("Je demande aux RH.", False, "speaker", "demander aux RH"),
        ("Je m'occupe de réserver la salle.", False, "speaker", "s'occuper de réserver la salle"),
        ("Je te laisse finaliser la présentation pour jeudi.", True, "addressee",
         "finaliser la présentation pour jeudi"),
        ("On se refait un point la semaine prochaine.", True, "both",
         "se refaire un point la semaine prochaine"),
        ("Can you send me the numbers by Friday?", True, "addressee",
         "send me the numbers by Friday"),
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


@pytest.mark.parametrize(
    ("text", "who"),
    [
        # Whisper's homophones of "envoies" / "envoie" (the bundled recording gives the first).
        ("Et toi, tu m'envois le plan de relance d'ici vendredi ?", "addressee"),
        ("Tu m'envoie le plan de relance d'ici vendredi ?", "addressee"),
        ("Je t'envois le plan de relance vendredi matin.", "speaker"),
        ("Je te prepares la démo pour jeudi.", "speaker"),
    ],
)
def test_next_steps_spelt_as_heard(text: str, who: str) -> None:
    cand = detect(text, "fr", has_due=True)
    assert cand is not None and cand.who == who
    assert cand.action.split()[0] in ("envoyer", "préparer", "preparer")


def test_a_noun_that_sounds_like_the_verb_is_not_a_step() -> None:
    assert detect("Les envois de colis partent vendredi.", "fr", has_due=True) is None


def test_infinitives() -> None:
    words = ["envoies", "complètes", "enverrai", "prendrai", "finis"]
    assert [to_infinitive(w) for w in words] == [
        "envoyer", "compléter", "envoyer", "prendre", "finir"]


# -- leading questions, spoken forms, sarcasm, contempt, habits vs dated facts ------------

@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Don't you think we should call them first?", "leading"),
        ("Tu ne penses pas que c'était trop tôt ?", "leading"),
        ("The demo went fine, right?", "leading"),
        ("On part là-dessus, d'accord ?", "leading"),
        ("Tu as fini ou non ?", "closed"),  # a choice, not a tag question
        ("Wh-what do you make of it?", "open"),  # stutters are removed
        ("So, um, how-how's the new team?", "open"),
        ("Why did you pick that vendor?", "open"),
        ("I'm wondering what got in the way.", "open"),  # an invitation without "?"
        ("On a scale of 1 to 10, how confident are you?", "closed"),
        ("Can I share an idea?", "closed"),
        ("Où tu te vois dans deux ans ?", "open"),
        ("Where are we on the budget?", "closed"),
        ("When you look back at the quarter, what stands out?", "open"),
        ("Did you send it, or what?", "closed"),
    ],
)
def test_question_kinds_issue5(text: str, kind: str) -> None:
    assert classify_question(text, "en") == kind


def test_open_or_closed_folds_leading_into_closed() -> None:
    from copilot.analyze.rules.questions import open_or_closed

    assert open_or_closed("Isn't it obvious?") == "closed"
    assert open_or_closed("What would help you?") == "open"


@pytest.mark.parametrize(
    ("text", "polarity", "target"),
    [
        ("Super, encore en retard ce matin.", "negative", "person"),  # sarcasm
        ("Thanks for finally answering my email.", "negative", "person"),
        ("Well done breaking production, champ.", "negative", "person"),
        ("Merci encore pour ton aide sur le budget.", "positive", "behavior"),  # no sarcasm
        ("C'est du grand n'importe quoi, ton planning.", "negative", "person"),  # contempt
        ("Your slides are crap.", "negative", "person"),
        ("You never answered the auditor's email of Monday.", "negative", "behavior"),  # dated
        ("Tu n'as jamais rappelé le client Dumas, il a relancé hier.", "negative", "behavior"),
        ("You never follow up on anything.", "negative", "person"),  # habit
        ("Tu ne prépares jamais tes rendez-vous.", "negative", "person"),
        ("You're hopeless with numbers.", "negative", "person"),
        ("Are you kidding me?", "negative", "person"),  # a rhetorical attack
        ("Tu es quelqu'un de fiable.", "positive", "person"),
        ("Tu n'es vraiment pas fiable.", "negative", "person"),
        ("Sans ton relevé, on n'aurait rien vu : zéro erreur dans la clôture.", "positive",
         "behavior"),
    ],
)
def test_feedback_issue5(text: str, polarity: str, target: str) -> None:
    assert classify_feedback(text) == (polarity, target)


@pytest.mark.parametrize(
    "text",
    [
        "You should always run the linter before pushing.",  # advice, not a habit judgement
        "You know, I've never liked that tool.",  # "you know" addresses nobody
        "That's just what you've always done.",  # a habit without a judgement
        "It's really stupid, the whole situation.",  # contempt at nobody in particular
        "Are you free on Thursday?",  # a real question
        "Je suis en retard sur le plan, je préfère te prévenir.",  # the speaker's own lateness
    ],
)
def test_not_feedback_issue5(text: str) -> None:
    assert classify_feedback(text)[1] != "person"


def test_a_written_comment_is_read_sentence_by_sentence() -> None:
    assert classify_feedback("The loop is fine. Your naming is garbage though.") == (
        "negative", "person")
    assert classify_feedback("Done. Sorry about the crap.")[1] is None  # owning one's mess


def test_states_fact_and_sbi_keep_the_said_facts() -> None:
    from copilot.analyze.rules.feedback import facts_in, states_fact

    assert states_fact("Le devis est parti avec trois jours de retard.")
    assert not states_fact("Ce n'est pas au niveau.")
    assert not states_fact("Your work is not good enough.")
    said = "Tu es désorganisée, le rapport est arrivé avec deux jours de retard"
    assert facts_in(said) == ["le rapport est arrivé avec deux jours de retard"]
    text = sbi_suggestion(said, [], "negative", "fr")
    assert "le rapport est arrivé avec deux jours de retard" in text


@pytest.mark.slow
def test_one_spacy_pipeline_per_language_whatever_the_spelling():
    from copilot.analyze.rules.spacy_models import load_spacy
    from copilot.models import Language

    assert load_spacy("fr") is load_spacy(Language.FR)
