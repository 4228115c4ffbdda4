"""Is a recording complete? Cheap checks made from its headers and its last seconds.

A copy cut short (an upload or a sync that stopped, a disk that filled up) still opens: its
header promises the whole meeting. Decoding it all to find out costs minutes on a long
recording, so the upload check reads two things instead (milliseconds, measured on 60 s and
3 h files):

- a WAV's RIFF header: the `data` chunk's size against the bytes the file really holds.
  FFmpeg clamps the duration of a cut WAV to what is there, so only the header tells;
- every other container: seek to two seconds before the declared end and demux (no decoding)
  to the last packet. A cut file has nothing there: the seek hits the end of the file, or the
  last packet stops long before the declared end. The container is opened with
  `fflags=fastseek` for this: a plain seek in a 3 h mp3 scans frames (~0.5-1 s), fastseek
  computes the position (0.1 ms) and stops at the end of a cut file the same way.

An ogg/opus file declares no length in its header (FFmpeg reads the last page's position), so a
cut ogg that still opens is consistent with itself and only its length is known.
"""

from __future__ import annotations

import struct
from pathlib import Path

# What the probe asks FFmpeg for (see above).
PROBE_OPTIONS = {"fflags": "fastseek"}
_TAIL_SECONDS = 2.0  # seek this far before the declared end
_TAIL_PACKETS = 2000  # demux at most this many packets after the seek (a seek that fell short)
# Tolerated gap between the declared end and the last packet: honest files measured within
# 0.1 s (mp3, m4a, flac, ogg, webm, wav); a generous margin keeps VBR estimates accepted.
_SLACK_SECONDS = 5.0
_SLACK_SHARE = 0.02
_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # a WAV streamed to a pipe writes one of these: length unknown


def riff_seconds(path: Path) -> tuple[float, float] | None:
    """(declared seconds, seconds the bytes hold) from a WAV's RIFF header, or None when the
    file is not a plain RIFF/WAVE or its header gives no usable size."""
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate = None
        while chunk := handle.read(8):
            if len(chunk) < 8:
                return None
            kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"fmt ":
                fmt = handle.read(size + size % 2)
                if len(fmt) < 12:
                    return None
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
            elif kind == b"data":
                if not byte_rate or size in _UNKNOWN_SIZES:
                    return None
                held = path.stat().st_size - handle.tell()
                return size / byte_rate, max(min(held, size), 0) / byte_rate
            else:
                handle.seek(size + size % 2, 1)
    return None


def readable_end(container, stream, declared: float) -> float | None:
    """The end, in seconds from the stream's start, of the last packet found near the declared
    end; 0.0 when there is none (the file stops before); None when the container cannot seek
    (nothing can be told without decoding: the decoder's own check stays)."""
    import av

    time_base = stream.time_base
    if time_base is None or not time_base:
        return None
    start = float(stream.start_time * time_base) if stream.start_time is not None else 0.0
    target = start + max(declared - _TAIL_SECONDS, 0.0)
    try:
        container.seek(int(target / time_base), stream=stream, backward=True)
    except av.error.EOFError:
        return 0.0  # the declared end lies past the end of the file
    except (av.error.FFmpegError, OverflowError, ValueError):
        return None
    end = 0.0
    try:
        for count, packet in enumerate(container.demux(stream)):
            if packet.pts is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * time_base) - start)
            if count >= _TAIL_PACKETS:
                break
    except av.error.FFmpegError:
        pass  # a damaged last packet: what was read before it counts
    return end


def looks_cut(declared: float, held: float) -> bool:
    """`held` seconds are too far short of the `declared` ones to be rounding."""
    return declared - held > max(_SLACK_SECONDS, _SLACK_SHARE * declared)
