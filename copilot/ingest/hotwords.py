"""Names that prime Whisper's decoder (faster-whisper `hotwords`), and a meeting's usual
language.

Whisper base may misspell an unusual first name; given as hotwords, the meeting's names are
more likely to come out as the store spells them, for the roles step and the analysis. The
hotwords are prompt tokens decoded before every 30 s window (an initial prompt only primes the
first window once text is not carried over), so the list is kept short: a long prompt costs
time on every window and pushes the decoder to write those words where they were not said.
Off by default (COPILOT_WHISPER_HOTWORDS=names turns it on): measured in eval/asr.py, common
names came out right without it and clean speech that does not name them got worse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_NAMES = 8
MAX_CHARS = 120  # ~30 tokens: well under Whisper's 223-token prompt half


def names_prompt(names: Iterable[str | None], *, max_names: int = MAX_NAMES,
                 max_chars: int = MAX_CHARS) -> str | None:
    """"Claire, Julien, ..." from `names` in order (the meeting's own first), each once, cut
    before `max_names` names or `max_chars` characters; None when there is no name."""
    kept: list[str] = []
    seen: set[str] = set()
    length = 0
    for name in names:
        name = " ".join((name or "").split())
        if not name or name.casefold() in seen:
            continue
        extra = len(name) + (2 if kept else 0)
        if len(kept) >= max_names or length + extra > max_chars:
            break
        kept.append(name)
        seen.add(name.casefold())
        length += extra
    return ", ".join(kept) or None


def usual_language(languages: Sequence[str], minimum: int = 2) -> str | None:
    """The language of all of `languages` (earlier meetings of the pair) when they agree and
    there are at least `minimum` of them; None: detect it."""
    if len(languages) < minimum or len(set(languages)) != 1:
        return None
    return languages[0]
