"""The analysis' own texts (warnings, suggestions) are in the meeting's language and can be
rendered again in another one; every text of the code has its French translation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from api_auth import signed_in
from babel.messages.extract import extract_from_dir
from babel.numbers import format_percent

from api.main import create_app
from copilot import cli, i18n
from copilot.analyze.texts import localize_analysis, warning_text
from copilot.memory import Store
from copilot.models import Analysis, Utterance, WarningCode
from copilot.pipeline import analyze_text
from copilot.settings import get_settings

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


# -- the CLI and the API: the meeting's language unless `--ui-lang` / `lang` asks another -------

def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _agenda_meetings() -> None:
    """Three French 1:1s about the pipeline only: workload and career were not covered."""
    with Store.open(get_settings()) as store:
        for k, day in enumerate([dt.date(2026, 1, 5), dt.date(2026, 1, 12),
                                 dt.date(2026, 1, 19)], 1):
            store.save(Analysis(
                id=f"m{k}", date=day, language="fr", manager="Claire", report="Julien",
                engine="fake", utterances=[
                    Utterance(id=1, speaker="Claire", role="manager",
                              text="Point sur le pipeline."),
                    Utterance(id=2, speaker="Julien", role="report",
                              text="Trois deals en cours.")]))


def test_the_cli_shows_a_french_meeting_in_english_when_asked(capsys, tmp_path,
                                                              light_store) -> None:
    path = tmp_path / "claire-julien.txt"
    path.write_text(FR, encoding="utf-8")
    code, out, _ = _cli(capsys, "analyze", str(path), "--manager", "Claire", "--report",
                        "Julien", "--date", "2026-03-02", "--engine", "rules", "--ui-lang", "en")
    assert code == 0, out
    assert "Claire talked" in out and "Ask an open question" in out and "a parlé" not in out
    meeting_id = re.search(r"saved as meeting (\S+)", out).group(1)
    code, out, _ = _cli(capsys, "meetings", "show", meeting_id)  # stored in French
    assert code == 0 and "Claire a parlé" in out and "Claire talked" not in out
    code, out, _ = _cli(capsys, "meetings", "show", meeting_id, "--ui-lang", "en", "--json")
    assert code == 0 and _talk(Analysis.model_validate_json(out)).message.startswith(
        "Claire talked ")
    code, out, err = _cli(capsys, "meetings", "show", meeting_id, "--ui-lang", "de")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("error: ") and "--ui-lang" in err


def test_the_cli_agenda_in_the_meetings_language_or_the_one_asked(capsys, light_store) -> None:
    _agenda_meetings()
    code, out, _ = _cli(capsys, "agenda", "--report", "Julien", "--date", "2026-02-16")
    assert code == 0 and "Charge de travail et bien-être" in out and "Workload" not in out
    code, out, _ = _cli(capsys, "agenda", "--report", "Julien", "--date", "2026-02-16",
                        "--ui-lang", "en", "--markdown")
    assert code == 0 and "Workload and wellbeing" in out and "Charge de travail" not in out
    assert "## Not covered recently" in out


def test_the_api_renders_texts_in_the_lang_asked(light_store) -> None:
    _agenda_meetings()
    fr = analyze_text(FR, manager="Claire", report="Julien", date="2026-03-02")
    with Store.open(get_settings()) as store:
        store.save(fr.model_copy(update={"id": "m9"}))
    with signed_in(create_app()) as client:
        assert _talk(Analysis.model_validate(client.get("/v1/meetings/m9").json())
                     ).message.startswith("Claire a parlé")
        en = Analysis.model_validate(client.get("/v1/meetings/m9", params={"lang": "en"}).json())
        assert _talk(en).message.startswith("Claire talked ")
        texts = [i["text"] for i in client.get("/v1/people/Julien/agenda", params={
            "date": "2026-02-16", "lang": "en"}).json()["items"]]
        assert "Workload and wellbeing: not discussed in the last 3 1:1s" in texts
        report = client.get("/v1/managers/Claire/coaching", params={"lang": "en"}).json()
        talked = [w["message"] for m in report["meetings"] for w in m["warnings"]
                  if w["code"] == WarningCode.MANAGER_DOMINATED_TALK]
        assert talked and talked[0].startswith("Claire talked ")
        bad = client.get("/v1/meetings/m9", params={"lang": "de"})
        assert bad.status_code == 422 and bad.json()["error"]["code"]
