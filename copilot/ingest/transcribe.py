"""Speech to words with timestamps: the `Transcriber` protocol, faster-whisper, and a fake.

The real engine is faster-whisper (CTranslate2) on a local model folder: by default Whisper
base assembled from PyPI packages (see assets.py), never a model hub name, because hub downloads
fail offline. Word timestamps are what diarization needs to give each word a speaker.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from copilot.errors import ConfigError, EngineError, InputError
from copilot.ingest.assets import ensure_whisper_model
from copilot.ingest.audio import SAMPLE_RATE
from copilot.ingest.denoise import DEFAULT_FILTER, denoise_if_noisy
from copilot.ingest.hallucination import DoubtfulSpan, GuardParams, SegmentInfo, screen
from copilot.ingest.vad import VadParams, speech_spans

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("fr", "en")
EMBEDDED_MODEL = "base"
# Whisper base often ranks an exotic language first on short or noisy French (Thai at 0.40 on a
# 2 s sentence was measured): a supported language that scores at least this share of the top
# one is taken instead of refusing the file.
PLAUSIBLE_SHARE = 0.5
LANG_HINT = "Pass --lang fr or --lang en (or set COPILOT_LANGUAGE) if it is one of those"
DETECT_SPEECH = 90  # seconds of speech the language is detected on (3 Whisper windows)
BLOCK_SECONDS = 300.0  # transcribed at a time: bounds faster-whisper's feature memory
DETECT_BLOCK = 120  # seconds of audio searched for speech at a time (VAD costs ~1 s a 10 min)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # as Whisper writes it, leading space included: "".join(texts) rebuilds the text
    probability: float = 1.0


@dataclass(frozen=True)
class Transcription:
    words: list[Word]
    language: str | None  # decoded with: forced, or chosen by detection; None: no speech heard
    language_probability: float = 1.0
    detected: bool = False  # True when `language` came from detection, not from the caller
    language_probs: dict[str, float] = field(default_factory=dict)
    # Stretches whose text looked invented (a loop, a flood of words): dropped, not in `words`.
    doubtful: list[DoubtfulSpan] = field(default_factory=list)


class Transcriber(Protocol):
    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcription:
        """Words of `audio` (16 kHz float32 mono); `language` None means detect it."""
        ...


def choose_language(probs: dict[str, float]) -> str:
    """Pick fr or en from Whisper's language probabilities, or refuse the recording."""
    if not probs:
        raise InputError("the language of the recording could not be detected", LANG_HINT)
    top = max(probs, key=probs.__getitem__)
    if top in SUPPORTED_LANGUAGES:
        return top
    best = max(SUPPORTED_LANGUAGES, key=lambda code: probs.get(code, 0.0))
    if probs.get(best, 0.0) >= PLAUSIBLE_SHARE * probs[top]:
        return best
    raise InputError(
        f"the recording seems to be in '{top}' (p={probs[top]:.2f}); only French and English "
        "are supported",
        LANG_HINT,
    )


def resolve_model(model: str | Path, home: Path) -> Path:
    """'base' -> the embedded model (assembled on first use); otherwise a local folder of any
    CTranslate2 Whisper model (one holding model.bin: faster-whisper's large-v3, a converted
    fine-tune...), used as it is: never copied, and a hub name is refused, never downloaded."""
    if str(model) in (EMBEDDED_MODEL, "whisper-base", ""):
        return ensure_whisper_model(home)
    folder = Path(model).expanduser()
    if (folder / "model.bin").is_file():
        return folder
    raise ConfigError(
        f"Whisper model {str(model)!r} is neither 'base' nor a folder holding model.bin",
        "Point COPILOT_WHISPER_MODEL at a CTranslate2 Whisper folder; models are never "
        "downloaded at run time",
    )


_MODELS: dict[tuple[str, str, str, int], object] = {}
_MODELS_LOCK = threading.Lock()


def load_whisper(folder: Path, device: str = "cpu", compute_type: str = "int8",
                 cpu_threads: int = 0):
    """One WhisperModel per (folder, device, compute type, threads) per process (0.5 s, 200 MB)."""
    key = (str(folder), device, compute_type, cpu_threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from faster_whisper import WhisperModel

            if device == "cuda":
                import ctranslate2

                if ctranslate2.get_cuda_device_count() == 0:
                    raise ConfigError("COPILOT_WHISPER_DEVICE is cuda but no CUDA GPU is visible",
                                      "Set COPILOT_WHISPER_DEVICE=cpu")
            try:
                _MODELS[key] = WhisperModel(
                    str(folder), device=device, compute_type=compute_type,
                    cpu_threads=cpu_threads, local_files_only=True,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise ConfigError(f"the Whisper model in {folder} could not be loaded: {exc}",
                                  "Check COPILOT_WHISPER_MODEL / COPILOT_WHISPER_COMPUTE_TYPE"
                                  ) from exc
        return _MODELS[key]


class WhisperTranscriber:
    """faster-whisper with Silero VAD, word timestamps, beam 5 and hallucination guards.

    `vad` defaults to the transcription VAD settings' defaults; `guards` to GuardParams()
    (copilot/ingest/hallucination.py); `denoise_below_db` None: no denoising front end.
    Beam 5 and the bounded temperature fallback were measured in eval/asr.py.
    """

    def __init__(
        self,
        *,
        home: Path,
        model: str | Path = EMBEDDED_MODEL,
        device: str = "cpu",
        compute_type: str | None = None,
        cpu_threads: int = 0,
        beam_size: int = 5,
        vad: VadParams | None = None,
        guards: GuardParams | None = None,
        hotwords: str | None = None,
        denoise_below_db: float | None = None,
        denoise_filter: str = DEFAULT_FILTER,
    ) -> None:
        self.home = Path(home)
        self.model = model
        self.device = device
        self.compute_type = compute_type or ("int8" if device == "cpu" else "int8_float16")
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.vad = vad or VadParams.for_transcription()
        self.guards = guards or GuardParams()
        self.hotwords = hotwords  # names said in the meeting, to spell them right
        self.denoise = (denoise_below_db, denoise_filter)  # for the recogniser's ears only

    def with_hotwords(self, hotwords: str | None) -> WhisperTranscriber:
        """A copy that primes the decoder with `hotwords` (one meeting's names)."""
        other = copy.copy(self)
        other.hotwords = hotwords or None
        return other

    def _model(self):
        folder = resolve_model(self.model, self.home)
        return load_whisper(folder, self.device, self.compute_type, self.cpu_threads)

    def detect(self, audio: np.ndarray) -> dict[str, float] | None:
        """Language probabilities over the first 90 s of speech; None when there is none.

        The speech is found block by block so an hour-long file costs one 10-minute VAD pass,
        and noise with no speech is never "detected" as some language.
        """
        block, wanted = DETECT_BLOCK * SAMPLE_RATE, DETECT_SPEECH * SAMPLE_RATE
        pieces: list[np.ndarray] = []
        for offset in range(0, len(audio), block):
            part = audio[offset : offset + block]
            for start, end in speech_spans(part, self.vad):
                pieces.append(part[start:end])
                if sum(map(len, pieces)) >= wanted:
                    break
            if sum(map(len, pieces)) >= wanted:
                break
        if not pieces:
            return None
        speech = np.concatenate(pieces)[:wanted]
        _, _, probs = self._model().detect_language(speech, language_detection_segments=3)
        return {code: float(p) for code, p in probs}

    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcription:
        model = self._model()
        audio = denoise_if_noisy(audio, *self.denoise)
        probs: dict[str, float] = {}
        if language is None:
            detected = self.detect(audio)
            if detected is None:
                if progress:
                    progress(1.0)
                return Transcription(words=[], language=None, detected=True)
            probs = detected
            chosen = choose_language(probs)
        else:
            chosen = language
        try:
            words, doubtful = self._words(model, audio, chosen, progress)
        except RuntimeError as exc:  # CTranslate2 reports its failures (OOM, CUDA) this way
            raise EngineError(f"speech recognition failed: {exc}",
                              "Retry, or use a smaller model / COPILOT_WHISPER_DEVICE=cpu") from exc
        if progress:
            progress(1.0)
        return Transcription(
            words=words,
            language=chosen,
            language_probability=probs.get(chosen, 1.0),
            detected=language is None,
            language_probs=dict(sorted(probs.items(), key=lambda kv: -kv[1])[:5]),
            doubtful=doubtful,
        )

    def _words(self, model, audio: np.ndarray, language: str,
               progress: Callable[[float], None] | None
               ) -> tuple[list[Word], list[DoubtfulSpan]]:
        duration = len(audio) / SAMPLE_RATE
        words: list[Word] = []
        doubtful: list[DoubtfulSpan] = []
        # Block by block: faster-whisper computes the features of everything it is given at
        # once (~1 GB a 15 minutes); blocks cut in a pause bound that, nothing else changes
        # (no text is carried from one 30 s window to the next anyway).
        for start, end in split_blocks(audio, BLOCK_SECONDS):
            offset = start / SAMPLE_RATE
            segments, _info = model.transcribe(
                audio[start:end],
                language=language,
                beam_size=self.beam_size,
                vad_filter=True,
                vad_parameters=self.vad.options(),
                word_timestamps=True,
                # Conditioning on the previous text lets one misheard phrase repeat for
                # minutes on noisy audio; each 30 s window decoded on its own is more robust.
                condition_on_previous_text=False,
                hotwords=self.hotwords,
                **self.guards.decode_options(),
            )
            decoded = []
            for segment in segments:  # a generator: decoding happens while iterating
                decoded.append(SegmentInfo.of(segment))
                if progress and duration:
                    progress(min(1.0, (float(segment.end) + offset) / duration))
            screened = screen(decoded, self.guards, offset)
            for span in screened.doubtful:  # times and reason only: no meeting text in logs
                log.info("dropped %.1f-%.1f s as doubtful (%s)", span.start, span.end, span.reason)
            doubtful += screened.doubtful
            for segment in screened.kept:
                for w in segment.words:
                    words.append(Word(round(float(w.start) + offset, 3),
                                      round(float(w.end) + offset, 3), w.word,
                                      float(w.probability)))
        return words, doubtful


def split_blocks(audio: np.ndarray, seconds: float) -> list[tuple[int, int]]:
    """(start, end) sample ranges of about `seconds` each, cut at the quietest 0.2 s within the
    last 20 s before each nominal boundary (a pause, not a word)."""
    size, frame = int(seconds * SAMPLE_RATE), SAMPLE_RATE // 5
    blocks, start = [], 0
    while len(audio) - start > size + 30 * SAMPLE_RATE:  # a last block of under 30 s joins
        search = audio[start + size - 20 * SAMPLE_RATE : start + size]
        n = len(search) // frame
        energy = np.square(search[: n * frame].reshape(n, frame)).mean(axis=1)
        cut = start + size - 20 * SAMPLE_RATE + int(np.argmin(energy)) * frame + frame // 2
        blocks.append((start, cut))
        start = cut
    blocks.append((start, len(audio)))
    return blocks


class FakeTranscriber:
    """Returns prepared words instantly: for tests and eval smoke runs of surrounding code."""

    def __init__(self, words: Sequence[Word] = (), *, language: str = "fr") -> None:
        self.words = list(words)
        self.language = language
        self.calls: list[tuple[int, str | None]] = []

    @classmethod
    def from_turns(cls, turns: Sequence[tuple[float, float, str]], *, language: str = "fr"
                   ) -> FakeTranscriber:
        """Spread each turn's words evenly over its (start, end) span."""
        words: list[Word] = []
        for start, end, text in turns:
            tokens = text.split()
            step = (end - start) / max(1, len(tokens))
            for i, token in enumerate(tokens):
                words.append(Word(round(start + i * step, 3), round(start + (i + 1) * step, 3),
                                  " " + token))
        return cls(words, language=language)

    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcription:
        self.calls.append((len(audio), language))
        if progress:
            progress(1.0)
        return Transcription(words=list(self.words), language=language or self.language,
                             detected=language is None)
