"""The analysis' own texts (warnings, suggestions) are in the meeting's language and can be
rendered again in another one; every text of the code has its French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.numbers import format_percent

from copilot import i18n
from copilot.analyze.texts import localize_analysis, warning_text
from copilot.models import WarningCode
from copilot.pipeline import analyze_text

ROOT = Path(__file__).resolve().parents[1]
LONG_FR = ("Alors je vais te présenter le plan du trimestre en détail, avec les objectifs, les "
           "chiffres, les comptes et tout ce que la direction attend de nous cette année. ") * 3
FR = (f"Claire: {LONG_FR}\nJulien: D'accord.\nClaire: {LONG_FR}\nJulien: Oui.\n"
      f"Claire: {LONG_FR}\nJulien: Très bien.\n")
EN = ("Sam: " + "Let me walk you through the quarter plan in detail, with all the targets and "
      "the numbers the board expects from us this year. " * 3 + "\nAlex: Sure.\n") * 3


def _talk(analysis):
    return next(w for w in analysis.warnings if w.code == WarningCode.MANAGER_DOMINATED_TALK)


def test_a_french_meeting_gets_french_warnings_and_an_english_one_english() -> None:
    fr = _talk(analyze_text(FR, manager="Claire", report="Julien", date="2026-03-02"))
    assert fr.message.startswith("Claire a parlé ") and "des mots (seuil 60\u00a0%)" in fr.message
    assert "laissez plus de place à Julien" in fr.message
    assert fr.suggestion is not None and fr.suggestion.startswith("Posez une question ouverte")
    assert fr.params["share"] == fr.params["share"] and fr.params["manager"] == "Claire"
    en = _talk(analyze_text(EN, manager="Sam", report="Alex", date="2026-03-02"))
    assert en.message.startswith("Sam talked ") and "of the words (threshold 60%)" in en.message
    assert en.suggestion == "Ask an open question and let the report answer without interrupting."


def test_a_french_analysis_renders_again_in_english_and_back() -> None:
    fr = analyze_text(FR, manager="Claire", report="Julien", date="2026-03-02")
    en = localize_analysis(fr, "en")
    assert [w.code for w in en.warnings] == [w.code for w in fr.warnings]
    assert _talk(en).message.startswith("Claire talked ") and "60%" in _talk(en).message
    assert localize_analysis(en, "fr").warnings[0].message == fr.warnings[0].message
    assert localize_analysis(fr, None) is fr


def test_a_warning_stored_before_params_is_kept_as_it_was() -> None:
    fr = analyze_text(FR, manager="Claire", report="Julien", date="2026-03-02")
    old = fr.model_copy(update={"warnings": [w.model_copy(update={"params": {}})
                                             for w in fr.warnings]})
    assert localize_analysis(old, "en").warnings == old.warnings


def test_shares_and_dates_are_formatted_for_the_locale() -> None:
    params = {"manager": "Claire", "report": "Julien", "share": 0.72, "basis": "words",
              "threshold": 0.6}
    message, _ = warning_text(WarningCode.MANAGER_DOMINATED_TALK, params, "fr")
    assert message == (f"Claire a parlé {format_percent(0.72, locale='fr')} des mots (seuil "
                       f"{format_percent(0.6, locale='fr')}) : laissez plus de place à Julien.")
    assert "72\u00a0%" in message or "72\u202f%" in message
    assert i18n.format_day(__import__("datetime").date(2026, 3, 2), "fr") == "2 mars 2026"


def test_every_text_of_the_code_has_its_french_translation() -> None:
    found = {msg[2] for msg in extract_from_dir(str(ROOT / "copilot"))
             if isinstance(msg[2], str) and msg[2]}
    assert len(found) > 80
    fr = i18n.translations("fr")
    untranslated = sorted(m for m in found if fr.gettext(m) == m)
    assert untranslated == []
