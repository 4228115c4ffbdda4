"""Every text of the pages has its French translation, and the French pages are French."""

import importlib.util
from pathlib import Path

from babel.messages.pofile import read_po

from copilot import i18n
from web.render import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent


def _extracted() -> set[str]:
    spec = importlib.util.spec_from_file_location("catalogues",
                                                  ROOT / "scripts" / "update_catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in module.extracted() if m.id}


def _translated() -> dict[str, bool]:
    done: dict[str, bool] = {}
    for part in i18n.catalogue_files(LOCALE_DIR, DOMAIN, "fr"):
        with part.open("rb") as handle:
            for m in read_po(handle, locale="fr"):
                if m.id:
                    key = m.id if isinstance(m.id, str) else m.id[0]
                    done[key] = bool(m.string) if isinstance(m.string, str) else all(m.string)
    return done


def test_every_message_of_the_pages_has_a_french_translation() -> None:
    messages = _extracted()
    translated = _translated()
    assert len(messages) > 40
    missing = sorted(m for m in messages if not translated.get(m))
    assert missing == []


def test_the_french_catalogue_translates_a_page_text() -> None:
    _ = i18n.translations("fr", DOMAIN, LOCALE_DIR).gettext
    assert _("Sign in") == "Se connecter"
    assert i18n.translations("en", DOMAIN, LOCALE_DIR).gettext("Sign in") == "Sign in"
