"""The memory eval's own parts: labelled sequences are consistent, scoring and ELITR parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.ingest.formats import parse_text
from eval.memory import elitr_actions, elitr_transcript, load_sequences, prf


def test_sequences_are_labelled_consistently():
    seqs = load_sequences()
    assert len(seqs) >= 5 and {s["language"] for s in seqs} == {"fr", "en"}
    for seq in seqs:
        assert len(seq["meeting"]) >= 3
        for k, meeting in enumerate(seq["meeting"], 1):
            utts = parse_text(meeting["transcript"].strip(), lang=seq["language"]).utterances
            for c in meeting.get("commitment", []):
                assert c["owner"] in (seq["manager"], seq["report"]), c
                assert set(c["evidence"]) <= {u.id for u in utts}, (seq["id"], c)
                assert c.get("closes", 0) == 0 or k < c["closes"] <= len(seq["meeting"])


def test_prf():
    assert prf(3, 1, 1)["precision"] == 0.75 and prf(3, 1, 1)["recall"] == 0.75
    assert prf(0, 0, 0)["precision"] is None


def test_elitr_parsers(tmp_path: Path):
    transcript = tmp_path / "t.txt"
    transcript.write_text("(PERSON1) Hi, <laugh/> can you hear me?\nYes.\n"
                          "(PERSON2) I will send the slides.\n", encoding="utf-8")
    assert elitr_transcript(transcript) == (
        "PERSON1: Hi, can you hear me? Yes.\nPERSON2: I will send the slides.")
    minutes = tmp_path / "m.txt"
    minutes.write_text("Attendees: [PERSON1]\n- [PERSON2] will send the slides to all.\n"
                       "- The demo went well.\n- To do a test session before the demo.\n"
                       "- Will it work?\n", encoding="utf-8")
    assert elitr_actions(minutes) == [
        {"owner": "PERSON2", "action": "[PERSON2] will send the slides to all."},
        {"owner": None, "action": "To do a test session before the demo."},
    ]


@pytest.mark.parametrize("name", ["retrieval.toml"])
def test_retrieval_queries_point_at_real_utterances(name):
    import tomllib

    from eval.memory import SEQUENCES

    seqs = {s["id"]: s for s in load_sequences()}
    queries = tomllib.loads((SEQUENCES / name).read_text(encoding="utf-8"))["query"]
    assert len(queries) >= 15
    for q in queries:
        for ref in q["relevant"]:
            sid, k, uid = ref.split(":")
            meeting = seqs[sid]["meeting"][int(k) - 1]
            ids = {u.id for u in parse_text(meeting["transcript"].strip()).utterances}
            assert int(uid) in ids, ref
