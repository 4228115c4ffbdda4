"""Replace names, e-mail addresses and phone numbers before an LLM call; put them back after.

Placeholders are stable within one meeting (the same person is always PERSON_1), so the model
can still tell who said and promised what. Names come from the people we know (manager, report,
speaker labels, each part of a full name) and, when a spaCy pipeline is given, from its person
entities, so a colleague mentioned in passing is hidden too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from copilot.text import fold

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International or local numbers in groups ("06 12 34 56 78", "+33 6 12 34 56 78",
# "(555) 123-4567"); at least 8 digits so that dates, times and amounts are left alone.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ "
    r".-]\d{2,4}){2,5}(?![\w])")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOKEN = re.compile(r"\[?\b(PERSON|EMAIL|PHONE)_(\d+)\b\]?")


class Redactor:
    """One meeting's mapping between real values and placeholders."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_value: dict[tuple[str, str], str] = {}  # (kind, folded value) -> placeholder
        self._by_token: dict[str, str] = {}  # placeholder -> the value as first written
        self._counts: dict[str, int] = {}
        variants: dict[str, str] = {}  # folded variant -> its full name
        for name in names:
            name = " ".join(name.split())
            if not name:
                continue
            variants.setdefault(fold(name), name)
            for part in name.split():
                if len(part) >= 3 and part[0].isupper():  # "Claire" of "Claire Martin"
                    variants.setdefault(fold(part), name)
        self._names = variants
        self._name_re = self._compile(variants)

    @staticmethod
    def _compile(variants: dict[str, str]) -> re.Pattern[str] | None:
        if not variants:
            return None
        alts = sorted(variants, key=len, reverse=True)  # "Claire Martin" before "Claire"
        return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)",
                          re.IGNORECASE)

    def _token(self, kind: str, key: str, value: str) -> str:
        found = self._by_value.get((kind, key))
        if found is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            found = f"{kind}_{self._counts[kind]}"
            self._by_value[(kind, key)] = found
            self._by_token[found] = value
        return found

    def redact(self, text: str) -> str:
        text = _EMAIL.sub(lambda m: self._token("EMAIL", m.group(0).lower(), m.group(0)), text)

        def phone(m: re.Match[str]) -> str:
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            if not 8 <= len(digits) <= 15 or _ISO_DATE.match(raw):
                return raw
            return self._token("PHONE", digits, raw)

        text = _PHONE.sub(phone, text)
        if self._name_re is None:
            return text
        # Match on folded text (same length as the input for these scripts) to catch "zoé"
        # written "Zoe"; fall back to the raw text when folding changed the length.
        folded = fold(text)
        source = folded if len(folded) == len(text) else text
        out, last = [], 0
        for m in self._name_re.finditer(source):
            full = self._names[fold(m.group(1))]
            out.append(text[last:m.start()])
            out.append(self._token("PERSON", fold(full), full))
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def name(self, value: str) -> str:
        """A participant's name as the model will see it."""
        return self.redact(value)

    def restore(self, text: str) -> str:
        return _TOKEN.sub(lambda m: self._by_token.get(f"{m.group(1)}_{m.group(2)}", m.group(0)),
                          text)

    @property
    def replaced(self) -> int:
        return len(self._by_token)


def person_entities(nlp: Any, texts: Iterable[str]) -> list[str]:
    """Person names a spaCy pipeline's NER finds (labels PER in French, PERSON in English)."""
    if nlp is None:
        return []
    found: dict[str, None] = {}
    for doc in nlp.pipe(texts, batch_size=64):
        for ent in doc.ents:
            if ent.label_ in ("PER", "PERSON") and len(ent.text.strip()) >= 3:
                found.setdefault(ent.text.strip(), None)
    return list(found)
