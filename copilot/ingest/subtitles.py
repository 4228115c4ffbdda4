"""WebVTT and SRT cue files (Teams, Zoom, Meet exports) -> segments with speakers and times."""

from __future__ import annotations

import html
import re
from typing import Any

from copilot.errors import InputError
from copilot.ingest.turns import TURN, clean, is_speaker_name, seconds

Seg = dict[str, Any]

CUE_TIMING = re.compile(
    r"(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_BRACKET_SPEAKER = re.compile(r"^\[([^\]]{1,40})\]\s*(.*)$")
_MERGE_GAP_S = 1.0


def parse_cues(text: str, fmt: str) -> list[Seg]:
    """Cue files: one block per cue; speakers from voice tags, `Name:`, `[Name]` or `- Name:`."""
    segs: list[Seg] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.strip().split("\n")]
        timing_at = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if timing_at is None or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue  # header, comment or style block
        timing = CUE_TIMING.search(lines[timing_at])
        if not timing:
            continue
        start, end = seconds(timing.group("a")), seconds(timing.group("b"))
        for speaker, words in _cue_speakers(lines[timing_at + 1 :]):
            if words:
                _add_cue(segs, {"speaker": speaker, "start": start, "end": end, "text": [words]})
    if not segs:
        label = "WebVTT" if fmt == "vtt" else "SRT"
        raise InputError(f"no subtitle text found in the {label} input", hint="check the export")
    for seg in segs:
        seg["text"] = " ".join(seg["text"])
    return segs


def _cue_speakers(lines: list[str]) -> list[tuple[str | None, str]]:
    """Split the text lines of one cue into (speaker, text) parts."""
    parts: list[tuple[str | None, str]] = []
    for line in lines:
        voices = list(_VOICE.finditer(line))
        if voices:
            if voices[0].start() > 0:
                parts.append((None, _strip_tags(line[: voices[0].start()])))
            for j, voice in enumerate(voices):
                stop = voices[j + 1].start() if j + 1 < len(voices) else len(line)
                parts.append((clean(voice.group(1)), _strip_tags(line[voice.end() : stop])))
            continue
        plain = _strip_tags(line)
        dash = plain.startswith("- ")
        plain = plain[2:] if dash else plain
        turn = TURN.match(plain)
        bracket = _BRACKET_SPEAKER.match(plain)
        if turn and is_speaker_name(turn.group("name").strip()):
            parts.append((clean(turn.group("name")), clean(turn.group("text"))))
        elif bracket and bracket.group(2) and is_speaker_name(bracket.group(1).strip()):
            parts.append((clean(bracket.group(1)), clean(bracket.group(2))))
        elif bracket and not bracket.group(2):
            continue  # "[Music]", "[Applause]": sound descriptions, not speech
        elif parts and not dash:
            parts[-1] = (parts[-1][0], clean(parts[-1][1] + " " + plain))
        else:
            parts.append((None, plain))
    return parts


def _strip_tags(text: str) -> str:
    return clean(html.unescape(_TAG.sub("", text)))


def _add_cue(segs: list[Seg], seg: Seg) -> None:
    # Teams cuts one sentence into many cues; a same-speaker cue within 1 s continues the turn.
    # Cues without a speaker are never merged: nothing says they belong to the same turn.
    last = segs[-1] if segs else None
    if (
        last is not None
        and seg["speaker"] is not None
        and last["speaker"] == seg["speaker"]
        and seg["start"] - last["end"] < _MERGE_GAP_S
    ):
        last["text"].extend(seg["text"])
        last["end"] = max(last["end"], seg["end"])
    else:
        segs.append(seg)
