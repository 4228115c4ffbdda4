"""Parsers that turn a 1:1 transcript export or free notes into a `Transcript`.

Formats: speaker-labelled text, WebVTT (Teams, Zoom, Meet), SRT, JSON and free notes.
Everything a user can get wrong raises `InputError` (or `UnsupportedFormat`) with a hint.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from copilot.errors import InputError, UnsupportedFormat
from copilot.ingest.language import detect_language
from copilot.ingest.subtitles import CUE_TIMING, parse_cues
from copilot.ingest.turns import (
    NOTE_HEADINGS,
    TS,
    TURN,
    clean,
    heading_key,
    is_speaker_name,
    seconds,
)
from copilot.models import Language, Transcript, Utterance
from copilot.settings import defaults
from copilot.text import split_sentences

SUPPORTED = ".txt, .md, .vtt, .srt, .json"
SUPPORTED_HINT = f"supported formats are {SUPPORTED} (text transcripts, subtitles or notes)"
AUDIO_EXTENSIONS = frozenset(
    ".wav .mp3 .m4a .aac .ogg .opus .webm .flac .mp4".split()  # noqa: SIM905
)
_BINARY_EXTENSIONS = frozenset(
    """.pdf .doc .docx .odt .rtf .xls .xlsx .ppt .pptx .zip .gz .png .jpg .jpeg .gif .webp .heic
    .exe .bin""".split()  # noqa: SIM905
)
# Magic numbers catch binary files whose extension lies or is missing.
_AUDIO_MAGIC = (b"RIFF", b"ID3", b"fLaC", b"OggS", b"\x1aE\xdf\xa3")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")

_LEADING_TS = re.compile(rf"^[\[(](?P<t>{TS})[\])]\s*")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_BULLET = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
_MD_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
_WORDS_PER_SECOND = 2.5
_LONG_LINE = 120

Seg = dict[str, Any]


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise InputError("the file looks binary (it contains NUL bytes)", hint=SUPPORTED_HINT)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # cp1252 for old Windows exports; latin-1 decodes any bytes, so it is the last resort.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    text = _normalise_newlines(text)
    _check_not_empty(text)
    sample = text[:100_000]  # enough to tell binary from text without scanning 20 MB
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
    )
    if odd > 0.1 * len(sample):
        raise InputError(
            "the file looks binary (mostly non-printable characters)", hint=SUPPORTED_HINT
        )
    return text


def parse_text(text: str, *, filename: str | None = None, lang: str = "auto") -> Transcript:
    """Sniff the format of `text` (by `filename` extension, else by content) and parse it."""
    forced = _check_lang(lang)
    text = _normalise_newlines(text)
    _check_not_empty(text)
    fmt = _sniff(text, filename)
    if fmt == "vtt" or fmt == "srt":
        segs = parse_cues(text, fmt)
    elif fmt == "json":
        segs = _parse_json(text)
    else:
        segs = _parse_speaker_text(text)
        fmt = "text" if segs is not None else "notes"
        if segs is None:
            segs = _parse_notes(text)
    if not segs:
        raise InputError(
            f"no text found in the {fmt} input", hint="check that the file is not empty"
        )
    utterances = [Utterance(id=i, **seg) for i, seg in enumerate(segs, start=1)]
    has_speakers = any(u.speaker is not None for u in utterances)
    language = forced or detect_language(" ".join(u.text for u in utterances))
    return Transcript(
        utterances=utterances,
        language=language,
        has_speakers=has_speakers,
        source_format=fmt,
        language_detected=forced is None,
    )


def is_audio_path(path: Path | str) -> bool:
    """True when the file extension is an audio/video format (to send to a transcriber)."""
    return Path(path).suffix.lower() in AUDIO_EXTENSIONS


def read_file(path: Path, *, lang: str = "auto", max_bytes: int | None = None) -> Transcript:
    """Read and parse a transcript or notes file; every failure is an `InputError` with a hint.
    `max_bytes`: default the `max_input_bytes` setting's default."""
    max_bytes = defaults().max_input_bytes if max_bytes is None else max_bytes
    _check_lang(lang)
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", hint="check the path")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file", hint="give the path of one file")
    if is_audio_path(path):
        # Recordings go to copilot.ingest.speech (copilot.pipeline routes them there).
        raise UnsupportedFormat(
            f"{path.name} is a recording, not a text transcript",
            hint="analyse it with `copilot analyze` or POST /v1/meetings, which transcribe audio",
        )
    if path.suffix.lower() in _BINARY_EXTENSIONS:
        raise UnsupportedFormat(
            f"cannot read {path.suffix} files ({path.name})", hint=SUPPORTED_HINT
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path.name} is too big ({size:,} bytes, the limit is {max_bytes:,})",
                hint="split the file or keep only the meeting transcript",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}", hint="check the file permissions"
        ) from exc
    if data.startswith(_AUDIO_MAGIC) or data[4:8] == b"ftyp":
        raise UnsupportedFormat(
            f"{path.name} looks like an audio/video file, not a text transcript",
            hint="analyse it with `copilot analyze` or POST /v1/meetings, which transcribe audio",
        )
    if data.startswith(_BINARY_MAGIC):
        raise UnsupportedFormat(f"{path.name} is a binary document, not text", hint=SUPPORTED_HINT)
    try:
        return parse_text(decode_text(data), filename=path.name, lang=lang)
    except InputError as exc:
        # Same class, message prefixed with the file name so CLI users know which input failed.
        raise type(exc)(f"{path.name}: {exc.message}", hint=exc.hint) from exc


def _normalise_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _check_not_empty(text: str) -> None:
    if not text.strip():
        raise InputError("the input is empty", hint="give a transcript or notes with some text")


def _check_lang(lang: str) -> Language | None:
    """Return the forced language, or None for automatic detection."""
    value = (lang or "").strip().lower()
    if value == "auto":
        return None
    if value in {code.value for code in Language}:
        return Language(value)
    raise InputError(f"unknown language {lang!r}", hint="use 'fr', 'en' or 'auto'")


def _sniff(text: str, filename: str | None) -> str:
    ext = Path(filename).suffix.lower() if filename else ""
    if ext in (".vtt", ".srt", ".json"):
        return ext[1:]
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith(("{", "[")):
        try:
            json.loads(text)
            return "json"
        except ValueError:
            # "[00:01:05] Claire: ..." starts with a bracket too; only a "{" file that is not
            # called .txt/.md is reported as broken JSON.
            if head.startswith("{") and ext not in (".txt", ".md", ".markdown"):
                return "json"
    timing = CUE_TIMING.search(text[:2000])
    if timing:
        return "srt" if "," in timing.group("a") else "vtt"
    return "text"


def _parse_speaker_text(text: str) -> list[Seg] | None:
    """Parse `Name: text` turns; None when the text does not look speaker-labelled."""
    segs: list[Seg] = []
    current: Seg | None = None
    turn_lines = body_lines = nonempty = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        nonempty += 1
        bare = _MD_EMPHASIS.sub("", _MD_HEADING.sub("", line)).strip()
        match = TURN.match(bare)
        if match and is_speaker_name(match.group("name").strip()):
            turn_lines += 1
            body = match.group("text")
            stamp = match.group("t0") or match.group("t1") or match.group("t2")
            if not stamp and (lead := _LEADING_TS.match(body)):
                stamp, body = lead.group("t"), body[lead.end() :]
            current = {
                "speaker": clean(match.group("name")),
                "start": seconds(stamp) if stamp else None,
                "text": [body],
            }
            segs.append(current)
        elif (match and heading_key(match.group("name")) in NOTE_HEADINGS) or current is None:
            # "Action: ..." lines and a title above the first turn stand alone, without speaker.
            segs.append({"speaker": None, "start": None, "text": [bare]})
            current = None
        else:
            if not (_MD_HEADING.match(line) or _MD_BULLET.match(line) or _MD_CHECKBOX.match(line)):
                body_lines += 1
            current["text"].append(line)  # a list: joining once keeps long turns linear
    turns = [s for s in segs if s["speaker"] is not None]
    speakers = {s["speaker"] for s in turns}
    if len(turns) < 2 or (turn_lines + body_lines) * 2 <= nonempty:
        return None
    # "Budget: ok / Moral: bon / Charge: haute": a list of distinct labels is notes, not a dialogue.
    if len(turns) >= 3 and len(speakers) == len(turns):
        return None
    for seg in segs:
        seg["text"] = clean(" ".join(seg["text"]))
    segs = [s for s in segs if s["text"]]
    _fill_ends(segs)
    return segs


def _fill_ends(segs: list[Seg]) -> None:
    """Start-only timestamps: end at the next start, or estimate from the word count."""
    next_start: float | None = None
    for seg in reversed(segs):
        start = seg["start"]
        if start is None:
            seg["end"] = None
        elif next_start is not None and next_start >= start:
            seg["end"] = next_start
        else:
            seg["end"] = round(start + len(seg["text"].split()) / _WORDS_PER_SECOND, 3)
        next_start = start if start is not None else next_start


def _parse_json(text: str) -> list[Seg]:
    hint = 'give a list like [{"speaker": "Claire", "start": 0, "end": 4.2, "text": "..."}]'
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", hint=hint
        ) from exc
    if isinstance(data, dict):
        key = next((k for k in ("utterances", "segments") if k in data), None)
        if key is None:
            raise InputError("JSON object has no 'utterances' or 'segments' list", hint=hint)
        data = data[key]
    if not isinstance(data, list):
        raise InputError(f"JSON utterances must be a list, not {type(data).__name__}", hint=hint)
    segs: list[Seg] = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InputError(f"JSON item {i} is a {type(item).__name__}, not an object", hint=hint)
        if not isinstance(item.get("text"), str):
            raise InputError(f"JSON item {i} has no 'text' string", hint=hint)
        speaker = item.get("speaker", item.get("name"))
        seg = {
            "speaker": (clean(str(speaker)) or None) if speaker is not None else None,
            "start": _json_time(item.get("start"), i, "start"),
            "end": _json_time(item.get("end"), i, "end"),
            "text": clean(item["text"]),
        }
        if seg["text"]:
            segs.append(seg)
    if not segs:
        raise InputError("the JSON input has no utterance with text", hint=hint)
    return segs


def _json_time(value: Any, index: int, field: str) -> float | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return seconds(value.strip())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    except ValueError:
        pass
    raise InputError(
        f"JSON item {index} has an invalid '{field}': {value!r}",
        hint="use seconds (12.5) or 'hh:mm:ss'",
    )


def _parse_notes(text: str) -> list[Seg]:
    """One utterance per line (long lines split into sentences), Markdown markers removed."""
    segs: list[Seg] = []
    for raw in text.split("\n"):
        line = _MD_HEADING.sub("", raw.strip())
        line = _MD_CHECKBOX.sub("", _MD_BULLET.sub("", line))
        line = clean(_MD_EMPHASIS.sub("", line))
        if not any(ch.isalnum() for ch in line):
            continue  # blank lines, "---" rules, table borders
        pieces = split_sentences(line) if len(line) > _LONG_LINE else [line]
        segs.extend({"speaker": None, "start": None, "end": None, "text": p} for p in pieces)
    return segs
