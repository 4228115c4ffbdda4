"""Refresh the pages' French catalogue from the code: `python scripts/update_catalogues.py`.

Extracts every `_()` / `ngettext()` of web/ (Python and templates), writes web/locale/web.pot,
adds the new msgids to web/locale/fr/LC_MESSAGES/web.po (empty, to translate) and lists the
msgids still untranslated in any part (`web-*.po`). tests/test_web_i18n.py fails on those.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> Catalog:
    catalog = Catalog(domain="web", project="1:1 copilot")
    for filename, lineno, message, _comments, _context in extract_from_dir(
            WEB, METHODS, OPTIONS, keywords={"_": None, "gettext": None,
                                              "ngettext": (1, 2)}):
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def main() -> int:
    template = extracted()
    with (WEB / "locale" / "web.pot").open("wb") as out:
        write_po(out, template, omit_header=False, sort_output=True)
    folder = WEB / "locale" / "fr" / "LC_MESSAGES"
    known: dict = {}
    for part in sorted(folder.glob("web*.po")):
        with part.open("rb") as handle:
            known |= {m.id if isinstance(m.id, str) else m.id[0]: m
                      for m in read_po(handle, locale="fr") if m.id}
    main_po = folder / "web.po"
    with main_po.open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="web")
    missing = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key not in known:
            catalog.add(message.id, string=("", "") if isinstance(message.id, tuple) else "")
            missing.append(key)
        elif not (known[key].string if isinstance(known[key].string, str)
                  else all(known[key].string)):
            missing.append(key)
    with main_po.open("wb") as out:
        write_po(out, catalog, sort_output=True, width=100)
    print("\n".join(f"untranslated: {m}" for m in missing) or "every message is translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
