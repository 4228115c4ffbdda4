"""Speaker turns ("Name: text"), the names they may carry, and cue times: what the text and
subtitle parsers share."""

from __future__ import annotations

import re
import unicodedata

# A speaker turn says "Name: text" with an optional [hh:mm:ss] / (mm:ss) before or after the
# name. The colon must not be followed by a digit or "/" so "10:30" and "https://" are not turns.
TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
TURN = re.compile(
    rf"^(?:[\[(](?P<t1>{TS})[\])]\s*|(?P<t0>\d{{1,2}}:\d{{2}}:\d{{2}})\s+)?"
    rf"(?P<name>[^\W\d_][\w.'’ \-]{{0,39}}?)\s*(?:[\[(](?P<t2>{TS})[\])]\s*)?:(?![\d/])\s*(?P<text"
    rf">.*)$"
)
# Note headings look like "Name:" but are not people; compared case- and accent-insensitively.
NOTE_HEADINGS = frozenset(
    """action|actions|action item|action items|points d'action|todo|to do|to-do|note|notes|decision
    |decisions|next step|next steps|prochaine etape|prochaines etapes|date|participant|participants
    |attendees|presents|sujet|objet|re|subject|agenda|ordre du jour|summary|resume|bilan|conclusion
    |point|points|suivi|follow-up|follow up|remarque|remarques|contexte|context|objectif|objectifs
    |goal|goals|question|questions|risques|risks|blockers|bloquants|feedback|topic|topics|titre
    |title|lieu|location|heure|time|duree|duration|ps|nb|fyi|info|important|rappel|reminder|from
    |to|cc""".replace("\n    ", "").split("|")
)
# Lower-case words allowed inside a name ("Marie de La Tour"); other words must be capitalised,
# which keeps prose such as "Le point clé: ..." from passing for a speaker.
PARTICLES = frozenset(
    "de du des la le d' van von der den da di del ben bin el al y".split()  # noqa: SIM905
)


def clean(text: str) -> str:
    return " ".join(text.split())


def seconds(value: str) -> float:
    """'hh:mm:ss.mmm', 'mm:ss', 'mm:ss,mmm' -> seconds."""
    total = 0.0
    for part in value.replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return round(total, 3)


def heading_key(name: str) -> str:
    """Lower case without accents or trailing dots, to compare with NOTE_HEADINGS."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(" .").strip()


def is_speaker_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 4 or len(name) > 40 or heading_key(name) in NOTE_HEADINGS:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in PARTICLES for w in words)
