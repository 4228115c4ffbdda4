"""Translations: gettext catalogues (`.po`, edited with Babel's `pybabel`) read at first use.

Two domains share this loader: `copilot` (the analysis' own texts: warnings, suggestions,
agenda items, the recap; catalogues in copilot/locale) and `web` (the pages' strings; in
web/locale). English is the source language: its msgids are the texts, so an English reader
or a missing translation gets the msgid. The `.po` files are compiled in memory when first
needed, so no binary `.mo` is committed and an edited catalogue is picked up on restart.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from copilot.models.vocabulary import Language

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = Language.EN
_lock = threading.Lock()


def pick(*candidates: str | None) -> Language:
    """The first candidate that is a language we speak ('fr', 'fr-FR', 'en_GB'), else English."""
    for value in candidates:
        code = (value or "").strip().lower().replace("_", "-").split("-")[0]
        if code in Language.__members__.values():
            return Language(code)
    return DEFAULT


def from_accept_language(header: str | None) -> Language | None:
    """The best language of an HTTP `Accept-Language` header that we speak, or None."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().lower().split("-")[0]
        if weight > 0 and code in Language.__members__.values():
            ranked.append((-weight, index, code))
    return Language(min(ranked)[2]) if ranked else None


def catalogue_files(folder: Path, domain: str, lang: str) -> list[Path]:
    """`DOMAIN.po` and its parts `DOMAIN-AREA.po` (one per area of the pages, so that the
    areas are translated apart), read as one catalogue."""
    found = sorted((folder / lang / "LC_MESSAGES").glob(f"{domain}*.po"))
    return [p for p in found if p.stem == domain or p.stem.startswith(f"{domain}-")]


@lru_cache(maxsize=16)
def _load(folder: str, domain: str, lang: str) -> gettext.NullTranslations:
    files = catalogue_files(Path(folder), domain, lang)
    if lang == DEFAULT or not files:
        return gettext.NullTranslations()
    catalog = None
    for po in files:
        with po.open("rb") as handle:
            part = read_po(handle, locale=lang, domain=domain)
        if catalog is None:
            catalog = part
            continue
        for message in part:
            if message.id:  # a later part wins (babel's own __setitem__ keeps the first)
                if message.id in catalog:
                    del catalog[message.id]
                catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def translations(lang: str | Language, domain: str = "copilot",
                 folder: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue of `domain` in `lang` (English: the identity)."""
    with _lock:  # read_po is not re-entrant-safe across threads on a cold cache
        return _load(str(folder), domain, str(pick(str(lang))))


def gettext_for(lang: str | Language, domain: str = "copilot"):
    """`_` for one language: `_("Hello {name}").format(name=...)`."""
    return translations(lang, domain).gettext


def N_(msgid: str) -> str:
    """Mark a template for the catalogue without translating it now (it is rendered later)."""
    return msgid


Params = dict[str, str | int | float | None]


@dataclass(frozen=True)
class Template:
    """An English template (the msgid) and how its placeholders are formatted: `percent` keys
    are shares (0.72 -> "72%" / "72 %"), `dates` keys ISO dates; other numbers are decimals.
    Formatting happens at rendering from the raw params, so a stored text can be rendered
    again for another locale."""

    msgid: str
    percent: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()

    def render(self, lang: str | Language, params: Params, **extra: str) -> str:
        """The template in `lang` with `params` formatted for that locale; `extra` are texts
        already rendered in `lang` (a translated word, a list built by the caller)."""
        loc = str(pick(str(lang)))
        values: dict[str, str] = {}
        for key, value in params.items():
            values[key] = _format(key, value, loc, self)
        values.update(extra)
        return gettext_for(loc)(self.msgid).format(**values)


def _format(key: str, value: str | float | None, loc: str, template: Template) -> str:
    if value is None:
        return ""
    if key in template.percent and isinstance(value, int | float):
        return format_percent(value, locale=loc)
    if key in template.dates and isinstance(value, str):
        return format_day(dt.date.fromisoformat(value), loc)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, locale=loc)
    return str(value)


def format_day(day: dt.date, lang: str | Language) -> str:
    """A date as the locale writes it ("1 mars 2026", "Mar 1, 2026")."""
    return format_date(day, "medium", locale=str(pick(str(lang))))


def percent(value: float, lang: str | Language) -> str:
    """A share as the locale writes a percentage ("72 %" in French, "72%" in English)."""
    return format_percent(value, locale=str(pick(str(lang))))
