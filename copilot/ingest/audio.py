"""Validate and decode an audio (or video) file to 16 kHz float32 mono with PyAV.

PyAV bundles FFmpeg, so no system package is needed. Decoding streams frame by frame through
one resampler: memory holds the 16 kHz output (64 KB per second, ~0.7 GB for 3 h) and never the
source at its own rate. The duration declared by the container is checked before decoding so a
too-long file is refused in milliseconds; the count is checked again while decoding because
some containers (webm, ogg) declare no duration or a wrong one.

Stereo files keep, besides the mono mix, a per-channel energy envelope (50 values a second):
that is all the diarizer needs to tell a one-speaker-per-channel recording (a call recorder, a
two-microphone setup) and split it by channel, at a fraction of the memory of two raw channels.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.errors import InputError, UnsupportedFormat
from copilot.ingest.truncation import PROBE_OPTIONS, looks_cut, readable_end, riff_seconds
from copilot.settings import defaults

log = logging.getLogger(__name__)

# Same list as copilot.ingest.formats, which routes these files here.
AUDIO_EXTENSIONS = frozenset(
    ".wav .mp3 .m4a .aac .ogg .opus .webm .flac .mp4".split()  # noqa: SIM905
)
SAMPLE_RATE = 16_000
MIN_SOURCE_RATE = 8_000
MAX_SOURCE_RATE = 48_000
ENERGY_HOP = 320  # samples at 16 kHz = 20 ms per energy value
# Below -80 dBFS RMS and with no peak above -54 dBFS there is nothing a transcriber could hear.
# Not higher: a real read-speech clip (fleurs-fr-000) peaks at -48 dBFS with an RMS of -62 dBFS,
# and Whisper transcribes it at 20% WER; a phone in a pocket records that quietly too.
SILENCE_RMS = 1e-4
SILENCE_PEAK = 2e-3
# A file that decodes to less than this share of its declared length was cut short.
_TRUNCATED_SHARE = 0.5
_CONVERT_HINT = "Convert it with e.g. `ffmpeg -i INPUT -ac 1 -ar 16000 output.wav` and retry"


@dataclass(frozen=True)
class AudioInfo:
    """A decoded recording: what transcription and diarization need, nothing more."""

    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    source_rate: int
    source_channels: int
    codec: str
    container: str
    declared_seconds: float | None = None
    # Stereo only: RMS per channel every ENERGY_HOP samples, shape (2, n_frames).
    channel_energy: np.ndarray | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def rms(self) -> float:
        if not len(self.samples):
            return 0.0
        # Chunked float64 accumulation: float32 sums drift on hours of audio, and squaring the
        # whole array at once would allocate twice its size again.
        step = 1 << 20
        total = sum(float(np.dot(c, c)) for c in (self.samples[i : i + step].astype(np.float64)
                                                  for i in range(0, len(self.samples), step)))
        return float(np.sqrt(total / len(self.samples)))

    @property
    def is_silent(self) -> bool:
        """True when there is no audible signal at all (the caller warns, it is not an error)."""
        if not len(self.samples):
            return True
        peak = max(float(self.samples.max()), -float(self.samples.min()))  # no |x| copy
        return self.rms < SILENCE_RMS and peak < SILENCE_PEAK


def is_audio_path(path: Path | str) -> bool:
    return Path(path).suffix.lower() in AUDIO_EXTENSIONS


def is_audio_file(path: Path) -> bool:
    """An audio extension, or a media signature whatever the name says (a recording saved
    as .txt or without an extension goes to the transcriber, not the text parser)."""
    if is_audio_path(path):
        return True
    try:
        return path.is_file() and looks_like_media(path)
    except OSError:
        return False


def looks_like_media_bytes(head: bytes) -> bool:
    """True for the first 12 bytes of a media container (see _MAGIC)."""
    return head.startswith(_MAGIC) or head[4:8] == b"ftyp"


def load_audio(path: Path | str, *, max_seconds: float | None = None) -> AudioInfo:
    """Decode `path` to 16 kHz mono float32; raise InputError with a one-line hint if unusable."""
    path = Path(path)
    name = path.name
    max_seconds = _limit(max_seconds)
    container, stream, declared = _open_checked(path, max_seconds)
    with container:
        rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        channels = int(stream.codec_context.channels or 0)
        codec = stream.codec_context.name
        samples, energy, source_channels = _decode(container, stream, name, max_seconds, declared)
    source_channels = channels or source_channels
    info = AudioInfo(
        samples=samples,
        source_rate=rate,
        source_channels=source_channels,
        codec=codec,
        container=container.format.name,
        declared_seconds=declared,
        channel_energy=energy,
    )
    if not len(samples):
        raise InputError(f"{name} contains no sound (0 seconds)", "Check the recording")
    if declared and declared >= 1.0 and info.duration < _TRUNCATED_SHARE * declared:
        raise InputError(
            f"{name} looks truncated or corrupt: {info.duration:.1f} s decoded of the "
            f"{declared:.1f} s it declares",
            "Copy or export the file again",
        )
    if info.is_silent:
        log.warning("%s contains only silence", name)
    return info


def probe_audio(path: Path | str, *, max_seconds: float | None = None) -> float | None:
    """The checks `load_audio` makes before decoding (a media file with an audio track, a
    supported rate, not too long, not cut short), in milliseconds: the API and the CLI answer
    a bad file at once instead of failing its job later. Returns the declared duration."""
    path = Path(path)
    container, stream, declared = _open_checked(path, _limit(max_seconds), PROBE_OPTIONS)
    with container:
        # Seeking moves the container: only the probe's own one (load_audio opens its own).
        end = readable_end(container, stream, declared) if declared else None
    if declared and end is not None and looks_cut(declared, end):
        raise _truncated(path.name, end, declared)
    return declared


def _truncated(name: str, held: float, declared: float) -> InputError:
    # 0 s: the seek to the declared end fell past the end of the file; the length is unknown.
    held_text = f"holds {_hms(held)} of" if held > 0 else "stops well before"
    return InputError(f"{name} looks truncated or corrupt: it {held_text} the "
                      f"{_hms(declared)} its header declares", "Copy or export the file again")


def _limit(max_seconds: float | None) -> float:
    """The longest recording accepted: as given, else the `max_audio_seconds` default."""
    return defaults().audio.max_audio_seconds if max_seconds is None else max_seconds


def _open_checked(path: Path, max_seconds: float, options: dict | None = None):
    """Open `path` with PyAV and check it from its headers: (container, audio stream,
    declared seconds). The caller closes the container."""
    import av  # PyAV comes with faster-whisper; imported here so text-only use never loads it

    name = path.name
    if not path.is_file():
        raise InputError(f"{name}: no such file", "Check the path")
    if path.stat().st_size == 0:
        raise InputError(f"{name} is empty (0 bytes)", "Record or export the meeting again")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore",
                            options=options or {})
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        if looks_like_media(path):
            # Right header, unreadable body: a copy cut short (an m4a or ogg whose index or
            # pages are missing) rather than a wrong file type.
            raise InputError(
                f"{name} is corrupt or truncated ({_reason(exc)})", "Copy or export the file again"
            ) from exc
        raise UnsupportedFormat(
            f"{name} is not an audio file ({_reason(exc)})",
            "Upload a wav, mp3, m4a, ogg/opus, webm, flac or mp4 recording",
        ) from exc
    except av.error.FFmpegError as exc:
        raise InputError(f"{name} could not be opened ({_reason(exc)})", _CONVERT_HINT) from exc
    try:
        if not container.streams.audio:
            raise UnsupportedFormat(
                f"{name} contains no audio track", "Upload the recording with its sound"
            )
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        if rate and not MIN_SOURCE_RATE <= rate <= MAX_SOURCE_RATE:
            raise InputError(
                f"{name} is sampled at {rate} Hz; recordings from 8 kHz to 48 kHz are supported",
                _CONVERT_HINT,
            )
        declared = _declared_seconds(container, stream)
        riff = riff_seconds(path)
        if riff is not None:  # FFmpeg clamps a cut WAV's length to its bytes: the header tells
            declared = riff[0]
        if declared is not None and declared > max_seconds:
            raise InputError(
                f"{name} lasts {_hms(declared)}, longer than the {_hms(max_seconds)} limit",
                "Cut the recording into parts or raise COPILOT_MAX_AUDIO_SECONDS",
            )
        if riff is not None and looks_cut(*riff):
            raise _truncated(name, riff[1], riff[0])
    except BaseException:
        container.close()
        raise
    return container, stream, declared


def _decode(container, stream, name: str, max_seconds: float, declared: float | None):
    """Decode and resample chunk by chunk into a buffer sized from the declared duration."""
    import av

    stereo = (stream.codec_context.channels or 0) == 2
    resampler = av.AudioResampler(
        format="fltp", layout="stereo" if stereo else "mono", rate=SAMPLE_RATE
    )
    buffer = _MonoBuffer(name, max_seconds, declared, stereo)
    source_channels = 1
    for frame in _frames(container, stream, name):
        source_channels = max(source_channels, len(frame.layout.channels))
        frame.pts = None  # timestamps of damaged files confuse the resampler; order is enough
        for block in resampler.resample(frame):
            buffer.append(block.to_ndarray())
    for block in resampler.resample(None):  # flush the resampler's delay line
        buffer.append(block.to_ndarray())
    samples, energy = buffer.result()
    return samples, energy, source_channels


def _frames(container, stream, name: str):
    """The decoded frames of `stream`. A damaged packet is skipped like players do, but
    counted to judge the whole file."""
    import av

    bad_frames = good_frames = 0
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
            frames = packet.decode()
        except StopIteration:
            break
        except (av.error.InvalidDataError, av.error.EOFError, ValueError):
            bad_frames += 1
            if bad_frames > 50 and bad_frames > good_frames:
                raise InputError(f"{name} is corrupt: most of its audio cannot be decoded",
                                 "Copy or export the file again") from None
            continue
        except av.error.FFmpegError as exc:
            raise InputError(f"{name} is corrupt ({_reason(exc)})", _CONVERT_HINT) from exc
        for frame in frames:
            good_frames += 1
            yield frame
    if good_frames == 0 and bad_frames:
        raise InputError(f"{name} is corrupt: no audio frame could be decoded",
                         "Copy or export the file again")


class _MonoBuffer:
    """The 16 kHz mono output, and the stereo energy envelope, filled block by block.

    One allocation for the expected size (grown if the container lied): no 2x peak from
    concatenating a list of chunks at the end.
    """

    def __init__(self, name: str, max_seconds: float, declared: float | None,
                 stereo: bool) -> None:
        self.name, self.max_seconds = name, max_seconds
        self.limit = math.ceil(max_seconds * SAMPLE_RATE) + SAMPLE_RATE  # 1 s of slack
        self.out = np.empty(
            min(self.limit, int((declared or 60.0) * SAMPLE_RATE * 1.02) + SAMPLE_RATE),
            dtype=np.float32)
        self.filled = 0
        self.energy = _EnergyMeter() if stereo else None

    def append(self, block: np.ndarray) -> None:
        mono = block[0] if block.shape[0] == 1 else block.mean(axis=0)
        if self.filled + len(mono) > len(self.out):
            self.out = np.resize(self.out, max(self.filled + len(mono),
                                               min(self.limit, 2 * len(self.out))))
        self.out[self.filled : self.filled + len(mono)] = mono
        self.filled += len(mono)
        if self.energy is not None:
            self.energy.feed(block)
        if self.filled > self.limit:
            raise InputError(
                f"{self.name} is longer than the {_hms(self.max_seconds)} limit",
                "Cut the recording into parts or raise COPILOT_MAX_AUDIO_SECONDS",
            )

    def result(self) -> tuple[np.ndarray, np.ndarray | None]:
        samples = self.out[: self.filled]  # a view: copying would double the peak for 2%
        np.clip(samples, -1.0, 1.0, out=samples)
        return samples, (self.energy.result() if self.energy else None)


class _EnergyMeter:
    """Per-channel RMS over fixed 20 ms frames, fed by resampled blocks of any length."""

    def __init__(self) -> None:
        self._rest = np.zeros((2, 0), dtype=np.float32)
        self._frames: list[np.ndarray] = []

    def feed(self, block: np.ndarray) -> None:
        data = np.concatenate([self._rest, block[:2]], axis=1)
        usable = data.shape[1] - data.shape[1] % ENERGY_HOP
        if usable:
            frames = data[:, :usable].reshape(2, -1, ENERGY_HOP)
            self._frames.append(np.sqrt(np.mean(np.square(frames), axis=2)))
        self._rest = data[:, usable:]

    def result(self) -> np.ndarray:
        if not self._frames:
            return np.zeros((2, 0), dtype=np.float32)
        return np.concatenate(self._frames, axis=1).astype(np.float32)


def _declared_seconds(container, stream) -> float | None:
    """The duration the container or stream header announces, if any (no decoding)."""
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000  # AV_TIME_BASE
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    return None


# Container signatures: RIFF/WAVE, ID3 or an MPEG sync word (mp3), fLaC, OggS, EBML (webm/mkv),
# ADTS (aac); mp4/m4a carry "ftyp" at offset 4.
_MAGIC = (b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"fLaC", b"OggS",
          b"\x1aE\xdf\xa3", b"\xff\xf1", b"\xff\xf9")


def looks_like_media(path: Path) -> bool:
    with path.open("rb") as handle:
        return looks_like_media_bytes(handle.read(12))


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:120]


def _hms(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"
