"""Versioned prompt files (prompts/<task>/<version>.<lang>.md) and how a transcript goes in.

A prompt file has `## system`, `## user` and `## retry` sections with `{{name}}` placeholders.
Released versions never change (prompts/RELEASED lists their SHA-256, a test checks it): a
better prompt is a new version, so every recorded `prompt_version` names the exact words used.

The transcript is data, never instructions: it goes in the user message only, one utterance per
line, between two marker lines that carry a code derived from the transcript itself. A line
inside the transcript cannot close the block early, because the code depends on that very text;
and it stays deterministic, so the same meeting always yields the same prompt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from copilot.errors import ConfigError
from copilot.models import Language, Utterance

PROMPTS_DIR = Path(__file__).resolve().parents[3] / "prompts"
_SECTION = re.compile(r"^## (system|user|retry)\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_WEEKDAYS = {
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    Language.FR: ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_PART = {Language.EN: "Part {k} of {n} of the meeting.",
         Language.FR: "Partie {k} sur {n} de l'entretien."}


@dataclass(frozen=True)
class Prompt:
    task: str
    version: str
    language: str
    system: str
    user: str
    retry: str
    sha256: str

    @property
    def label(self) -> str:
        """What the analysis records, e.g. extract/v1.fr."""
        return f"{self.task}/{self.version}.{self.language}"


def load_prompt(task: str, version: str, language: str, root: Path | None = None) -> Prompt:
    return _load(task, version, language, (root or PROMPTS_DIR).resolve())


@lru_cache(maxsize=32)
def _load(task: str, version: str, language: str, root: Path) -> Prompt:
    path = root / task / f"{version}.{language}.md"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        have = sorted(p.name for p in (root / task).glob("*.md")) if (root / task).is_dir() else []
        raise ConfigError(
            f"no prompt {task}/{version}.{language}.md under {root}",
            f"set COPILOT_LLM_PROMPT_VERSION to an existing version ({', '.join(have) or 'none'})"
            " or COPILOT_LLM_PROMPTS_DIR to the prompts folder",
        ) from None
    parts = _SECTION.split(raw)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    missing = {"system", "user", "retry"} - set(sections)
    if missing:
        raise ConfigError(f"the prompt {path} lacks the section(s) {sorted(missing)}",
                          "each prompt file needs ## system, ## user and ## retry")
    return Prompt(task, version, language, sections["system"], sections["user"],
                  sections["retry"], hashlib.sha256(raw.encode("utf-8")).hexdigest())


def fill(template: str, values: dict[str, str]) -> str:
    """One pass over the template: text put in (a transcript) is never scanned for placeholders."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise ConfigError(f"the prompt uses an unknown placeholder {m.group(0)}",
                              "fix the prompt file; known: " + ", ".join(sorted(values)))
        return values[m.group(1)]

    return _PLACEHOLDER.sub(sub, template)


def transcript_lines(utterances: list[Utterance], names: dict[int, str]) -> str:
    """`[id] Speaker (role): words`, one line per utterance (line breaks inside are flattened)."""
    lines = []
    for u in utterances:
        who = names.get(u.id) or u.speaker
        head = f"[{u.id}]" + (f" {who}" if who else "") + (f" ({u.role})" if u.role else "")
        lines.append(f"{head}: {' '.join(u.text.split())}")
    return "\n".join(lines)


def markers(transcript: str) -> tuple[str, str]:
    code = hashlib.sha256(transcript.encode("utf-8")).hexdigest()[:12]
    return f"<<<TRANSCRIPT {code}>>>", f"<<<END TRANSCRIPT {code}>>>"


def id_ranges(ids: list[int]) -> str:
    """[1,2,3,7,8] -> '1-3, 7-8': short, even for a 600-turn meeting."""
    runs: list[list[int]] = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def meeting_values(
    *, day: dt.date, manager: str, report: str, language: str, part: int, parts: int,
    transcript: str, ids: list[int], max_items: int, candidates: str = "",
) -> dict[str, str]:
    open_, close = markers(transcript)
    return {
        "date": day.isoformat(),
        "weekday": _WEEKDAYS[language][day.weekday()],
        "manager": manager,
        "report": report,
        "part": _PART[language].format(k=part, n=parts) if parts > 1 else "",
        "open": open_,
        "close": close,
        "transcript": transcript,
        "ids": id_ranges(ids),
        "max_items": str(max_items),
        "candidates": candidates,
    }
