"""Small text helpers shared by every layer."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def name_key(name: str) -> str:
    """Case- and accent-insensitive key for people's names ("Zoé " == "zoe")."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def fold(text: str) -> str:
    """Lower-case, accent-free text for matching rules (keeps length-insensitive regexes simple)."""
    return name_key(text.replace("’", "'"))


def count_words(text: str) -> int:
    return len(_WORD.findall(text))
