"""How a warning quotes what was said."""

from __future__ import annotations


def quote(text: str, limit: int = 90) -> str:
    """`text` on one line in curly quotes, cut to `limit` characters with an ellipsis."""
    return "\u201c" + short(text, limit) + "\u201d"


def short(text: str, limit: int = 90) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
