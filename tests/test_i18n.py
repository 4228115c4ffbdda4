"""The translation loader: .po read in memory, language choice from settings and headers."""

from pathlib import Path

from copilot import i18n
from copilot.models import Language

PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Hello {name}"
msgstr "Bonjour {name}"
'''


def test_a_po_catalogue_translates_and_english_is_the_identity(tmp_path: Path) -> None:
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "demo.po").write_text(PO, encoding="utf-8")
    fr = i18n.translations("fr", "demo", tmp_path).gettext
    en = i18n.translations("en", "demo", tmp_path).gettext
    assert fr("Hello {name}").format(name="Julien") == "Bonjour Julien"
    assert en("Hello {name}") == "Hello {name}"
    assert fr("never translated") == "never translated"


def test_pick_and_accept_language() -> None:
    assert i18n.pick(None, "fr-FR") == Language.FR
    assert i18n.pick("de", "en_GB") == Language.EN
    assert i18n.pick("de") == Language.EN
    assert i18n.from_accept_language("de-DE,fr;q=0.8,en;q=0.9") == Language.EN
    assert i18n.from_accept_language("fr-CA,fr;q=0.9,en;q=0.1") == Language.FR
    assert i18n.from_accept_language("de, ja;q=0.5") is None
    assert i18n.from_accept_language("en;q=0, fr;q=bad") is None
