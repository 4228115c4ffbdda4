"""Keeping freed process memory out of the embedded chromadb's index files.

chromadb 1.5.9 persists each collection's HNSW index (hnswlib, inside its Rust bindings) as
HOME/vectors/<segment>/data_level0.bin: a buffer of `max_elements` slots that is malloc'd and
never cleared, written whole. The slots past the last element hold whatever the heap held
before: measured, 9 runs of 14 left a meeting's text (a person's name) in the file, even after
that person was erased. Two measures, both needed:

- `clear_new_allocations` asks glibc to fill every block it hands out and every block freed
  outside its small per-thread cache (M_PERTURB), so such a buffer starts as zeros,
  never as old data. It is set once per process, before the embedded store opens.
- `scrub_unused_slots` zeroes, on disk, the slots past the element count that the header
  gives, for files written before that (or by a process without it): erasure runs it.
"""

from __future__ import annotations

import ctypes
import logging
import struct
import sys
from pathlib import Path

log = logging.getLogger("copilot.memory")

_M_PERTURB = -6  # glibc's mallopt parameter
_PERTURB_BYTE = 0xFF  # blocks handed out are filled with its complement: zeros
# hnswlib's header as chromadb's Rust bindings write it (format version 1): the fields we
# read are max_elements, cur_element_count and size_data_per_element.
_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")
_HEADER_VERSION = 1
_perturbed = False


def clear_new_allocations() -> bool:
    """Set M_PERTURB for this process (glibc only); True when it is on."""
    global _perturbed
    if _perturbed or not sys.platform.startswith("linux"):
        return _perturbed
    try:
        libc = ctypes.CDLL(None)
        _perturbed = bool(libc.mallopt(_M_PERTURB, _PERTURB_BYTE))
    except (OSError, AttributeError):  # musl and others have no mallopt
        log.warning("freed memory cannot be cleared on this platform: run `copilot erase` "
                    "again after a restart to scrub the vector index files")
    return _perturbed


def scrub_unused_slots(vectors_dir: Path) -> int:
    """Zero the unused slots of every index file under `vectors_dir`; returns how many files
    had non-zero bytes there. Files whose header we do not recognise are left alone."""
    scrubbed = 0
    for data in sorted(Path(vectors_dir).glob("*/data_level0.bin")):
        header = data.with_name("header.bin")
        try:
            raw = header.read_bytes()
            if len(raw) != _HEADER.size:
                continue
            version, _, max_elements, count, slot, *_ = _HEADER.unpack(raw)
            if version != _HEADER_VERSION or data.stat().st_size != max_elements * slot:
                continue
            with data.open("r+b") as f:
                f.seek(count * slot)
                tail = f.read()
                if tail.count(0) != len(tail):
                    f.seek(count * slot)
                    f.write(bytes(len(tail)))
                    scrubbed += 1
        except OSError as exc:
            log.warning("the index file %s could not be scrubbed (%s)", data, exc)
    return scrubbed
