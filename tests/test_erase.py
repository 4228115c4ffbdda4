"""GDPR erasure leaves nothing about the person under COPILOT_HOME: rows (meetings, utterances,
commitments, jobs, voiceprints), vectors and what chromadb keeps in its own log, uploads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from conftest import make_analysis

from copilot.errors import NotFoundError
from copilot.ingest.voiceprint import Voiceprint
from copilot.memory import Store
from copilot.memory.export import erase_person
from copilot.memory.index_files import clear_new_allocations, scrub_unused_slots
from copilot.memory.search import search
from copilot.models import Analysis
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

NAME = "Julien"


def files_naming(home: Path, name: str) -> list[str]:
    """Every file under `home` whose bytes contain `name` (UTF-8, any case)."""
    needle = name.casefold().encode()
    return sorted(str(p.relative_to(home)) for p in home.rglob("*")
                  if p.is_file() and needle in p.read_bytes().lower())


def meeting_without_julien() -> Analysis:
    body = make_analysis("z1", report="Zoé").model_dump_json()
    return Analysis.model_validate_json(body.replace(NAME, "Zoé"))


@pytest.fixture
def home_with_julien(monkeypatch, copilot_env: Path) -> Store:
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")  # the real embedded chromadb, no model
    store = Store.open(get_settings())
    store.save(make_analysis("m1", report=NAME))
    store.save(make_analysis("m2", date=dt.date(2026, 3, 9), report=NAME))
    store.save(meeting_without_julien())  # Claire's meeting with someone else stays
    uploads = copilot_env / "uploads"
    uploads.mkdir()
    (uploads / "m1.wav").write_bytes(b"RIFF recording of Julien")
    store.create_job("m1", upload="uploads/m1.wav", filename="julien-1on1.wav",
                     params={"manager": "Claire", "report": NAME, "date": "2026-03-02"})
    store.update_job("m1", stage="done", percent=100.0, meeting_id="m1")
    store.save_voiceprint(NAME, Voiceprint(vector=np.ones(8, dtype=np.float32),
                                           encoder="test", seconds=12.0), source="julien.wav")
    yield store
    store.close()


# On PostgreSQL the rows are not under the home at all: the check then covers the vectors,
# chromadb's log and the uploads.
def test_erase_leaves_no_file_under_home_naming_the_person(home_with_julien, copilot_env):
    store = home_with_julien
    assert files_naming(copilot_env, NAME)  # the check below can see the name at all
    report = erase_person(store, NAME)
    assert sorted(report.meetings) == ["m1", "m2"]
    assert {k: report.removed[k] for k in ("meetings", "jobs", "voiceprints", "uploads")} == {
        "meetings": 2, "jobs": 1, "voiceprints": 1, "uploads": 1}
    assert report.removed["vectors"] > 0 and report.removed["vector_log_entries"] > 0
    assert any("other people's meetings" in k for k in report.kept)
    with pytest.raises(NotFoundError):
        store.get_job("m1")
    assert [m.id for m in store.list()] == ["z1"]
    store.close()
    assert files_naming(copilot_env, NAME) == []


def test_blocks_handed_out_after_clear_new_allocations_hold_no_freed_data():
    """hnswlib's index buffer is a malloc'd block written to disk uncleared (index_files)."""
    import ctypes

    assert clear_new_allocations()
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    size = 60_000  # past glibc's per-thread cache, under its mmap threshold: the heap itself
    for _ in range(20):
        block = libc.malloc(size)
        ctypes.memset(block, ord("J"), size)
        libc.free(block)
        again = libc.malloc(size)
        assert b"J" not in ctypes.string_at(again, size)
        libc.free(again)


def test_scrub_zeroes_the_unused_slots_of_a_real_index_and_keeps_the_rest(home_with_julien,
                                                                          copilot_env):
    store = home_with_julien
    store.close()
    files = sorted((copilot_env / "vectors").glob("*/data_level0.bin"))
    assert files  # chromadb wrote index files with the layout the scrub reads
    data = files[0]
    header = data.with_name("header.bin").read_bytes()
    slot = int.from_bytes(header[36:44], "little")
    count = int.from_bytes(header[20:28], "little")
    used = data.read_bytes()[:count * slot]
    with data.open("r+b") as f:  # what an uncleared buffer left there
        f.seek(count * slot)
        f.write(b"meeting with Julien")
    assert files_naming(copilot_env / "vectors", NAME)
    assert scrub_unused_slots(copilot_env / "vectors") == 1
    assert NAME.lower().encode() not in data.read_bytes().lower()
    assert data.read_bytes()[:count * slot] == used
    assert scrub_unused_slots(copilot_env / "vectors") == 0  # nothing left to clear
    reopened = Store.open(get_settings())  # chromadb still reads the scrubbed index
    assert {m.id for m in reopened.list()} == {"m1", "m2", "z1"}
    found = search(reopened, "le deck vendredi")
    assert found.semantic and found.hits
    reopened.close()


def test_scrub_leaves_a_file_it_does_not_recognise(tmp_path):
    folder = tmp_path / "segment"
    folder.mkdir()
    (folder / "header.bin").write_bytes(b"\x02" + bytes(99))  # another format version
    (folder / "data_level0.bin").write_bytes(b"Julien" * 10)
    assert scrub_unused_slots(tmp_path) == 0
    assert (folder / "data_level0.bin").read_bytes() == b"Julien" * 10
